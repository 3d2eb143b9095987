# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What other specs call: backup capture and restore planning, tenant default-role checks (FOR INTERNAL COLLECTION USE ONLY).

* ``capture(client, tenant_ids)``: ``{"permissions": [...], "roles": [...]}`` in the item shapes
  descope_permission / descope_role accept (two reads: ``permission/all`` and one role read);
* ``restore_changes(ctx, document, prune)``: the changes that bring the project back to such a
  document, planned like a descope_role task with ``roles`` and ``permissions`` (so ordering, batches
  and every check are the same); raises ``DescopeValidationError`` and writes nothing;
* ``default_role_problems(client, tenants, declared_roles)``: tenant ``default_roles`` naming a role
  that neither exists (project role, or a role of that tenant) nor is declared in the same run.
"""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._authz import _api
from ansible_collections.descope.mgmt.plugins.module_utils._authz._declare import declare_roles
from ansible_collections.descope.mgmt.plugins.module_utils._authz._fields import Record, show
from ansible_collections.descope.mgmt.plugins.module_utils._authz._info import permission_items, role_items
from ansible_collections.descope.mgmt.plugins.module_utils._authz._plan import plan
from ansible_collections.descope.mgmt.plugins.module_utils._change import Change
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeValidationError, Problem


def capture(client: t.Any, tenant_ids: t.Iterable[str] = ()) -> Record:
    """Every permission and the project roles plus the roles of these tenants (the backup's tenants)."""
    perms = permission_items(_api.load_permissions(client))  # Descope's system permissions exist in every project
    scopes = {"", *tenant_ids}
    return {"permissions": perms, "roles": role_items(_api.load_roles(client, scopes))}


def restore_changes(ctx: TaskContext, document: t.Mapping[str, t.Any], prune: bool) -> list[Change]:
    params = {**ctx.params, "roles": list(document.get("roles") or []), "permissions": list(document.get("permissions") or [])}
    params["prune"] = prune
    sub = dataclasses.replace(ctx, params=params)
    problems: list[Problem] = []
    declared = declare_roles(params, problems)
    planned = plan(sub, declared, problems)
    if problems:
        raise DescopeValidationError(problems)
    return planned.changes


def default_role_problems(
    client: t.Any, tenants: t.Sequence[tuple[int | None, str, t.Sequence[str]]], declared_roles: t.Iterable[tuple[str, str]] = ()
) -> list[Problem]:
    """``tenants``: (item index, tenant id, default role names); ``declared_roles``: (tenant id or "", name) declared present.

    One role read for the project and these tenants; only call it when some tenant sets default roles.
    """
    wanted = [(i, tid, list(names)) for i, tid, names in tenants if names]
    if not wanted:
        return []
    known = {(_api.scope_of(r), r["name"]) for r in _api.load_roles(client, {"", *(tid for _i, tid, _n in wanted if tid)})}
    known |= set(declared_roles)
    problems = []
    for index, tid, names in wanted:
        for n, name in enumerate(names):
            if ("", name) in known or (tid and (tid, name) in known):
                continue
            problems.append(
                Problem(
                    f"default_roles[{n}]",
                    f"role {show(name)} does not exist (neither a project role nor a role of tenant {show(tid)}).",
                    "Create it first with descope_role, or fix the spelling (descope_role_info lists the roles).",
                    index=index,
                    id=tid or None,
                )
            )
    return problems
