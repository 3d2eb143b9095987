# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _sso
from ansible_collections.descope.mgmt.plugins.plugin_utils._action_base import DescopeActionBase


class ActionModule(DescopeActionBase):
    SPEC = _sso.ADMIN_LINK_SPEC

    def run(self, tmp: t.Any = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        result = super().run(tmp, task_vars)
        # Set here as well: on the module path ansible-core strips the _ansible_ keys a module returns, so the
        # marker that keeps stdout callbacks from printing the link must come from the controller.
        result["_ansible_verbose_override"] = True
        return result
