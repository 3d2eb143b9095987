# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_permission_info and descope_role_info: exports in the item shape the modules accept (FOR INTERNAL COLLECTION
USE ONLY)."""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._authz import _api
from ansible_collections.descope.mgmt.plugins.module_utils._authz._fields import Record, permission_view, role_view
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._spec import Outcome

_NO_COUNTS = {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0, "failed": 0}


def permission_items(records: t.Iterable[Record], system_default: bool = False) -> list[Record]:
    """Permissions as descope_permission items, by name; Descope's own (``systemDefault``) only when asked."""
    return [
        permission_view(r)
        for r in sorted(records, key=lambda r: str(r["name"]))
        if system_default or not r.get("systemDefault")
    ]


def role_items(records: t.Iterable[Record]) -> list[Record]:
    """Roles as descope_role items: project roles first, then by tenant, then by name."""
    return [role_view(r) for r in sorted(records, key=lambda r: (_api.scope_of(r), str(r["name"])))]


def run_permission_info(ctx: TaskContext) -> Outcome:
    names = ctx.params.get("names") or []
    records = [r for r in _api.load_permissions(ctx.client()) if not names or r["name"] in names]
    items = permission_items(records, bool(ctx.params.get("include_system_default")) or bool(names))
    missing = sorted(set(names) - {x["name"] for x in items})
    result: Record = {
        "changed": False,
        "permissions": items,
        "msg": f"Found {len(items)} permission(s)." + (f" Not found: {', '.join(missing)}." if missing else ""),
    }
    if missing:
        result["missing_names"] = missing
    return Outcome(result, [], dict(_NO_COUNTS))


def run_role_info(ctx: TaskContext) -> Outcome:
    params = ctx.params
    names = params.get("names") or []
    scopes = set(params.get("tenant_ids") or [])
    if params.get("include_project_roles", True) or not scopes:
        scopes.add("")
    records = _api.load_roles(ctx.client(), scopes, names or None)
    items = role_items(records)
    missing = sorted(
        set(names) - {x["name"] for x in items}
    )  # in none of the scopes read (as descope_permission_info reports)
    result: Record = {
        "changed": False,
        "roles": items,
        "msg": f"Found {len(items)} role(s)." + (f" Not found: {', '.join(missing)}." if missing else ""),
    }
    if missing:
        result["missing_names"] = missing
    return Outcome(result, [], dict(_NO_COUNTS))
