# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Permission and role resource specs: descope_permission, descope_role and their _info modules (FOR INTERNAL COLLECTION
USE ONLY).

Both modules share one planner, so a descope_role task that also declares ``permissions`` orders the
writes across both (permissions before the roles that use them; roles removed before their
permissions). Files: ``_fields`` (paths, argument specs, names, views), ``_declare`` (items, static
checks), ``_api`` (reads, the batch writer), ``_plan`` (reads, checks against what exists, changes, renames),
``_names`` (name and description rules against what exists),
``_info`` (exports), ``_hooks`` (what backups and the tenant spec call).
"""

from __future__ import annotations

from ansible_collections.descope.mgmt.plugins.module_utils._authz import _fields
from ansible_collections.descope.mgmt.plugins.module_utils._authz._declare import (
    Declared,
    declare_permissions,
    declare_roles,
)
from ansible_collections.descope.mgmt.plugins.module_utils._authz._hooks import (
    RESTORE_LAST_STAGE,
    RESTORE_TENANT_STAGE,
    capture,
    default_role_problems,
    restore_changes,
)
from ansible_collections.descope.mgmt.plugins.module_utils._authz._info import (
    permission_items,
    role_items,
    run_permission_info,
    run_role_info,
)
from ansible_collections.descope.mgmt.plugins.module_utils._authz._plan import plan
from ansible_collections.descope.mgmt.plugins.module_utils._change import summary_message
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem
from ansible_collections.descope.mgmt.plugins.module_utils._spec import Json, OptionRules, Plan, ResourceSpec


def _declare_permissions(ctx: TaskContext, problems: list[Problem]) -> Declared:
    options_ok = not problems  # the pipeline's shared option checks ran first
    declared = declare_permissions(ctx.params, problems)
    declared.options_ok = options_ok
    return declared


def _declare_roles(ctx: TaskContext, problems: list[Problem]) -> Declared:
    options_ok = not problems
    declared = declare_roles(ctx.params, problems)
    declared.options_ok = options_ok
    if ctx.check_mode:  # in a real run the tenant must exist, whatever the list says
        declared.pending_tenants = frozenset(ctx.params.get("pending_tenants") or [])
    return declared


def _report(ctx: TaskContext, planned: Plan, kinds: tuple[str, ...]) -> Json:
    result: Json = {}
    messages = []
    for kind in kinds:
        changes = [c for c in planned.changes if c.target_type == kind]
        items = [c.as_result() for c in changes]
        if planned.mode == "single":
            result[kind] = items[0] if items else None
        else:
            result[f"{kind}s"] = items
        messages.append(summary_message(kind, changes, ctx.check_mode))
    result["msg"] = " ".join(messages)
    return result


def _permission_report(ctx: TaskContext, planned: Plan) -> Json:
    return _report(ctx, planned, ("permission",))


def _role_report(ctx: TaskContext, planned: Plan) -> Json:
    kinds = ("permission", "role") if ctx.params.get("permissions") is not None else ("role",)
    return _report(ctx, planned, kinds)


PERMISSION_SPEC = ResourceSpec(
    module="descope_permission",
    target_type="permission",
    argument_spec=_fields.PERMISSION_ARGUMENT_SPEC,
    module_kwargs=_fields.PERMISSION_MODULE_KWARGS,
    rules=OptionRules(concurrency=False, set_option="permissions", set_label="permissions"),
    declare=_declare_permissions,
    plan=plan,
    read_despite_problems=True,  # checks against what exists are reported with the static ones, all at once
    report=_permission_report,
)

ROLE_SPEC = ResourceSpec(
    module="descope_role",
    target_type="role",
    argument_spec=_fields.ROLE_ARGUMENT_SPEC,
    module_kwargs=_fields.ROLE_MODULE_KWARGS,
    rules=OptionRules(concurrency=False, set_option="roles", set_label="roles"),
    declare=_declare_roles,
    plan=plan,
    read_despite_problems=True,
    report=_role_report,
)

PERMISSION_INFO_SPEC = ResourceSpec(
    module="descope_permission_info",
    target_type="permission",
    argument_spec=_fields.PERMISSION_INFO_ARGUMENT_SPEC,
    module_kwargs=_fields.INFO_MODULE_KWARGS,
    rules=OptionRules(concurrency=False),
    run=run_permission_info,
    writes=False,
)

ROLE_INFO_SPEC = ResourceSpec(
    module="descope_role_info",
    target_type="role",
    argument_spec=_fields.ROLE_INFO_ARGUMENT_SPEC,
    module_kwargs=_fields.INFO_MODULE_KWARGS,
    rules=OptionRules(concurrency=False),
    run=run_role_info,
    writes=False,
)

__all__ = [
    "PERMISSION_INFO_SPEC",
    "PERMISSION_SPEC",
    "RESTORE_LAST_STAGE",
    "RESTORE_TENANT_STAGE",
    "ROLE_INFO_SPEC",
    "ROLE_SPEC",
    "capture",
    "default_role_problems",
    "permission_items",
    "restore_changes",
    "role_items",
]
