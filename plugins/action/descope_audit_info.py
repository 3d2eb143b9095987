# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_audit_info always reads the trail on the controller, where the descope_audit callback writes it."""

from __future__ import annotations

import os
import typing as t

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.descope.mgmt.plugins.module_utils._audit import INFO_ARGUMENT_SPEC, AuditInfoError, info


class ActionModule(ActionBase):  # type: ignore[misc]  # ansible is untyped
    TRANSFERS_FILES = False
    _requires_connection = False  # a controller-side read: no connection to the task's host is opened

    def run(self, tmp: t.Any = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        result: dict[str, t.Any] = super().run(tmp, task_vars)
        del tmp
        _validation, args = self.validate_argument_spec(argument_spec=INFO_ARGUMENT_SPEC)
        try:
            result.update(info(args, os.environ))
        except AuditInfoError as exc:
            raise AnsibleActionFail(str(exc)) from exc
        result["changed"] = False
        return result
