"""The one in-process test harness: a module run exactly as its action plugin runs it on the controller.

``run_spec(spec, params, ...)`` validates ``params`` with the action plugin's own ``validate_args``
(the module's argument spec: types, defaults, mutually_exclusive, required_if...), runs the shared
pipeline and scrubs ``no_log`` values from the result, as ``DescopeActionBase.run`` does. A task the
argument spec rejects comes back as the failed result Ansible would show (``failed``, ``msg``), with no
request sent. Unit, reliability and property tests all use it, so none applies defaults its own way.
"""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleActionFail

from ansible_collections.descope.mgmt.plugins.module_utils import _authz, _backup, _flow, _sso, _tenant, _tenant_settings
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_task
from ansible_collections.descope.mgmt.plugins.module_utils._spec import ResourceSpec
from ansible_collections.descope.mgmt.plugins.plugin_utils._action_base import scrub, validate_args

SPECS: dict[str, ResourceSpec] = {
    spec.module: spec
    for spec in (
        *(_tenant.SPEC, _tenant.INFO_SPEC, _flow.SPEC, _flow.INFO_SPEC, _backup.SPEC),
        *(_authz.PERMISSION_SPEC, _authz.PERMISSION_INFO_SPEC, _authz.ROLE_SPEC, _authz.ROLE_INFO_SPEC),
        *(_tenant_settings.SPEC, _tenant_settings.INFO_SPEC, _sso.SPEC, _sso.INFO_SPEC, _sso.ADMIN_LINK_SPEC),
    )
}


def run_spec(
    spec: ResourceSpec | str,
    params: t.Mapping[str, t.Any],
    check: bool = False,
    diff: bool = False,
    environ: t.Mapping[str, str] | None = None,
    warn: t.Callable[[str], None] | None = None,
    in_process: bool = False,
) -> dict[str, t.Any]:
    resolved = SPECS[spec] if isinstance(spec, str) else spec
    try:
        args, no_log_values = validate_args(resolved, params)
    except AnsibleActionFail as exc:
        return {"failed": True, "changed": False, "msg": exc.message, "argument_errors": True}
    result = run_task(resolved, args, check_mode=check, diff=diff, environ=dict(environ or {}), warn=warn or (lambda _m: None), in_process=in_process)
    return scrub(result, no_log_values)
