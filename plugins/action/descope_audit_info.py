# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_audit_info always reads the trail on the controller, where the descope_audit callback writes it.

It reads the callback's own configuration ([descope_audit] dir and key in ansible.cfg, or their environment
variables), so the viewer looks where the callback writes and verifies with the key it seals with.
"""

from __future__ import annotations

import os
import typing as t

from ansible import constants as C
from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.plugins.loader import callback_loader

from ansible_collections.descope.mgmt.plugins.module_utils._audit import ENV_DIR, ENV_KEY, INFO_ARGUMENT_SPEC, AuditInfoError, info

CALLBACK = "descope.mgmt.descope_audit"


def callback_options(task_vars: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """The callback's options as configured (ini, env), whether or not the callback is enabled in this run."""
    try:
        plugin = callback_loader.get(CALLBACK, class_only=True)  # loads its option definitions
        if plugin is None:
            return {}
        return dict(C.config.get_plugin_options("callback", plugin._load_name, variables=task_vars) or {})  # pylint: disable=protected-access
    except Exception:  # noqa: BLE001  # pylint: disable=broad-except  # fall back to the environment alone
        return {}


class ActionModule(ActionBase):  # type: ignore[misc]  # ansible is untyped
    TRANSFERS_FILES = False
    _requires_connection = False  # a controller-side read: no connection to the task's host is opened

    def run(self, tmp: t.Any = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        result: dict[str, t.Any] = super().run(tmp, task_vars)
        del tmp
        _validation, args = self.validate_argument_spec(argument_spec=INFO_ARGUMENT_SPEC)
        environ = dict(os.environ)
        configured = callback_options(task_vars)
        if configured.get("dir") and not environ.get(ENV_DIR):
            environ[ENV_DIR] = str(configured["dir"])
        if configured.get("key") and not environ.get(ENV_KEY):
            environ[ENV_KEY] = str(configured["key"])
        try:
            result.update(info(args, environ))
        except AuditInfoError as exc:
            raise AnsibleActionFail(str(exc)) from exc
        result["changed"] = False
        return result
