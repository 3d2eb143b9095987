# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for descope.mgmt.descope_flow (runs it on the controller; see _action_base)."""

from __future__ import annotations

from ansible_collections.descope.mgmt.plugins.module_utils import _flow
from ansible_collections.descope.mgmt.plugins.plugin_utils._action_base import DescopeActionBase


class ActionModule(DescopeActionBase):
    SPEC = _flow.SPEC
    PATH_OPTIONS = ("src", "src_dir", "theme")
