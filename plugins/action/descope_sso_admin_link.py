# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

from ansible_collections.descope.mgmt.plugins.module_utils import _sso
from ansible_collections.descope.mgmt.plugins.plugin_utils._action_base import DescopeActionBase


class ActionModule(DescopeActionBase):
    SPEC = _sso.ADMIN_LINK_SPEC  # its secret_results ('admin_link') are censored for every callback by the base
