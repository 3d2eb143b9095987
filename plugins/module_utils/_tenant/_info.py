# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_tenant_info: filtered reads, parents first (FOR INTERNAL COLLECTION USE ONLY)."""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._spec import Outcome
from ansible_collections.descope.mgmt.plugins.module_utils._tenant._api import load_all, load_one, search
from ansible_collections.descope.mgmt.plugins.module_utils._tenant._fields import Record, current_view


def _attr_match(actual: t.Any, wanted: t.Any) -> bool:
    if isinstance(wanted, list) and not isinstance(actual, list):
        return actual in wanted
    return bool(actual == wanted)


def run_info(ctx: TaskContext) -> Outcome:
    params = ctx.params
    ids = params.get("ids") or []
    names = params.get("names") or []
    domains = sorted({d.strip().lower() for d in params.get("self_provisioning_domains") or []})
    attrs = params.get("custom_attributes") or {}
    client = ctx.client()
    if not (ids or names or attrs) or (domains and not ids):
        # Domain filters are matched here, case-insensitively: a server-side search may compare them
        # as stored (mixed case), so read everything once and filter locally.
        records = load_all(client)
    elif len(ids) == 1 and not (names or domains or attrs):
        one = load_one(client, ids[0])
        records = [one] if one else []
    else:
        records = search(
            client, ids=ids or None, names=names or None, domains=domains or None, custom_attributes=attrs or None
        )
    # Filter again locally: AND across filters, OR within a list, whatever the server does.
    out = []
    for record in records:
        view = current_view(record)
        if ids and view["id"] not in ids:
            continue
        if names and view["name"] not in names:
            continue
        if domains and not set(domains) & set(view["self_provisioning_domains"]):
            continue
        if attrs and not all(_attr_match(view["custom_attributes"].get(k), v) for k, v in attrs.items()):
            continue
        # every managed field, empty and false ones too: a tenants file made from this is the whole truth, and
        # with descope_tenant authoritative=true a console change to any of them is seen as drift
        out.append({k: v for k, v in view.items() if k != "parent_tenant_id" or v})
    out = parents_first(out)
    missing = sorted(set(ids) - {x["id"] for x in out})
    result: dict[str, t.Any] = {"changed": False, "tenants": out}
    result["msg"] = f"Found {len(out)} tenant(s)." + (f" Not found: {', '.join(missing)}." if missing else "")
    if missing:
        result["missing_ids"] = missing
    return Outcome(result, [], {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0, "failed": 0})


def parents_first(tenants: list[Record]) -> list[Record]:
    """Tenant items with parents before children (then by id), so the list can be fed back to descope_tenant as is."""
    parents = {str(x["id"]): x.get("parent_tenant_id") for x in tenants}

    def depth(tid: str) -> int:
        seen: set[str] = set()
        level = 0
        while parents.get(tid) and tid not in seen:
            seen.add(tid)
            tid = str(parents[tid])
            level += 1
        return level

    return sorted(tenants, key=lambda x: (depth(str(x["id"])), str(x["id"])))
