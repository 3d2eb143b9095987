# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What other specs call: backup capture and restore planning, tenant default-role checks (FOR INTERNAL COLLECTION USE
ONLY).

* ``capture(client, tenant_ids)``: ``{"permissions": [...], "roles": [...]}`` in the item shapes
  descope_permission / descope_role accept (two reads: ``permission/all`` and one role read);
* ``restore_changes(ctx, document, prune)``: the changes that bring the project back to such a
  document, planned like a descope_role task with ``roles`` and ``permissions`` (so ordering, batches
  and every check are the same); raises ``DescopeValidationError`` and writes nothing;
* ``default_role_problems(client, tenants, declared_roles)``: tenant ``default_roles`` naming a role
  that is not a project role (existing or declared in the same run); a tenant role is refused.
"""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._authz import _api
from ansible_collections.descope.mgmt.plugins.module_utils._authz._declare import declare_roles
from ansible_collections.descope.mgmt.plugins.module_utils._authz._fields import (
    P_CREATE,
    P_DELETE,
    P_UPDATE,
    R_CREATE,
    R_DELETE,
    R_UPDATE,
    Record,
    show,
)
from ansible_collections.descope.mgmt.plugins.module_utils._authz._info import permission_items, role_items
from ansible_collections.descope.mgmt.plugins.module_utils._authz._plan import plan
from ansible_collections.descope.mgmt.plugins.module_utils._change import Change
from ansible_collections.descope.mgmt.plugins.module_utils._client_protocol import ApiClient
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeValidationError, Problem


def capture(client: ApiClient, tenant_ids: t.Iterable[str] = ()) -> Record:
    """Every permission and the project roles plus the roles of these tenants (the backup's tenants)."""
    perms = permission_items(_api.load_permissions(client))  # Descope's system permissions exist in every project
    scopes = {"", *tenant_ids}
    return {"permissions": perms, "roles": role_items(_api.load_roles(client, scopes))}


# Restore stages around the tenants' stage (RESTORE_TENANT_STAGE): permissions and project roles are written
# before the tenants (tenant default roles name them), tenant roles after (they need their tenant), deletes last.
RESTORE_TENANT_STAGE = 4
_RESTORE_STAGE = {P_CREATE: 0, P_UPDATE: 1, R_CREATE: 2, R_UPDATE: 3, R_DELETE: 7, P_DELETE: 8}
RESTORE_LAST_STAGE = 8


def restore_changes(
    ctx: TaskContext, document: t.Mapping[str, t.Any], prune: bool, pending_tenants: t.Iterable[str] = ()
) -> list[Change]:
    """Plan a restore of ``document``; each change's ``stage`` is set for a restore with tenants at
    RESTORE_TENANT_STAGE.

    ``pending_tenants``: tenant ids the same restore brings back (their roles are written after them).
    """
    params = {
        **ctx.params,
        "roles": list(document.get("roles") or []),
        "permissions": list(document.get("permissions") or []),
    }
    params["prune"] = prune
    sub = dataclasses.replace(ctx, params=params)
    problems: list[Problem] = []
    declared = declare_roles(params, problems)
    declared.split_scopes = True
    declared.pending_tenants = frozenset(pending_tenants)
    planned = plan(sub, declared, problems)
    if problems:
        raise DescopeValidationError(problems)
    for change in planned.changes:
        stage = _RESTORE_STAGE[change.phase]
        if (
            change.target_type == "role"
            and change.phase in (R_CREATE, R_UPDATE)
            and (change.after or change.before or {}).get("tenant_id")
        ):
            stage += RESTORE_TENANT_STAGE - 1  # 5, 6: after the tenants
        change.stage = change.phase = stage
    return planned.changes


def default_role_problems(
    client: ApiClient,
    tenants: t.Sequence[tuple[int | None, str, t.Sequence[str]]],
    declared_roles: t.Iterable[tuple[str, str]] = (),
) -> list[Problem]:
    """``tenants``: (item index, tenant id, default role names); ``declared_roles``: (tenant id or "", name) declared
    present.

    Tenant default roles are project roles only: the go SDK's ``Tenant.UpdateDefaultRoles`` "Update project roles
    used as tenant default roles", python-sdk PR #779 "which project default roles apply to new users in a tenant".
    A name that is only a role of the tenant is refused before any write. One role read for the project and these
    tenants (so the message can say the name is a tenant role); only call it when some tenant sets default roles.
    """
    wanted = [(i, tid, list(names)) for i, tid, names in tenants if names]
    if not wanted:
        return []
    records = _api.load_roles(client, {"", *(tid for _i, tid, _n in wanted if tid)})
    project = {r["name"] for r in records if not _api.scope_of(r)}
    project |= {name for scope, name in declared_roles if not scope}
    tenant_roles = {(_api.scope_of(r), r["name"]) for r in records if _api.scope_of(r)}
    tenant_roles |= {(scope, name) for scope, name in declared_roles if scope}
    problems = []
    for index, tid, names in wanted:
        for n, name in enumerate(names):
            if name in project:
                continue
            if tid and (tid, name) in tenant_roles:
                message = (
                    f"role {show(name)} is a role of tenant {show(tid)} only; tenant default roles must be project "
                    "roles."
                )
                fix = (
                    f"Create {show(name)} as a project role (descope_role without tenant_id) or name a project role; "
                    "tenant roles are given to users by assignment, not as defaults."
                )
            else:
                message = f"role {show(name)} does not exist as a project role (default roles of tenant {show(tid)})."
                fix = "Create it with descope_role (no tenant_id), or fix the spelling (descope_role_info lists roles)."
            problems.append(Problem(f"default_roles[{n}]", message, fix, index=index, id=tid or None))
    return problems
