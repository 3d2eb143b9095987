# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_tenant_settings_info and the backup capture/restore of tenant settings (FOR INTERNAL COLLECTION USE ONLY)."""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._client_protocol import ApiClient
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import (
    DescopeAPIError,
    DescopeValidationError,
    Problem,
)
from ansible_collections.descope.mgmt.plugins.module_utils._side_by_side import in_order
from ansible_collections.descope.mgmt.plugins.module_utils._spec import CONCURRENCY_DEFAULT, Outcome
from ansible_collections.descope.mgmt.plugins.module_utils._tenant_lookup import tenant_exists
from ansible_collections.descope.mgmt.plugins.module_utils._tenant_settings._fields import (
    PATH_PASSWORD,
    PATH_SESSION,
    Record,
    password_view,
    session_answer,
    session_view,
    unmodelled,
)

PATH_TENANTS = "/v1/mgmt/tenant/all"
# maps a per-tenant read over tenant ids, results in order (a backup passes its bounded pool: _backup/_reads.py)
Each = t.Callable[[t.Callable[[str], t.Any], list[str]], list[t.Any]]


def _tenant_ids(client: ApiClient) -> list[str]:
    tenants = client.get(PATH_TENANTS).get("tenants") or []
    return sorted(str(x["id"]) for x in tenants if isinstance(x, dict) and x.get("id"))


def export_item(client: ApiClient, tenant_id: str) -> Record | None:
    """One tenant's settings in the item shape descope_tenant_settings accepts (every field, so it adopts exactly).

    A duration in a unit the module does not model (seconds that are not whole minutes, an unknown unit) is
    refused, never exported in another unit.
    """
    try:
        session = session_view(session_answer(client.get(PATH_SESSION, params={"id": tenant_id})))
        password = password_view(client.get(PATH_PASSWORD, params={"tenantId": tenant_id}))
    except DescopeAPIError:
        if not tenant_exists(client, tenant_id):  # gone: whatever status the API used to say so
            return None
        raise
    bad = unmodelled(session)
    if bad:
        raise DescopeValidationError([_unmodelled(tenant_id, name, session) for name in bad])
    return {
        "tenant_id": tenant_id,
        "session": {k: v for k, v in session.items() if v is not None},
        "password_policy": {k: v for k, v in password.items() if v is not None},
    }


def _unmodelled(tenant_id: str, name: str, session: Record) -> Problem:
    answered = f"{session[name]!r} {session[f'{name}_unit']!r}"
    return Problem(
        f"session.{name}",
        f"Descope answers {answered}, a duration the module cannot express in minutes, hours, days or weeks.",
        "Set it to a whole number of minutes, hours, days or weeks in Descope, then export again.",
        id=tenant_id,
    )


def capture(client: ApiClient, tenant_ids: list[str] | None = None, each: Each | None = None) -> Record:
    """Backup capture: ``{"tenant_settings": [items]}`` (no secrets in these resources).

    ``each(fn, ids)``: maps the per-tenant reads, in order (a backup passes its bounded pool); default one at a time.
    """
    ids = tenant_ids if tenant_ids is not None else _tenant_ids(client)

    def read(tid: str) -> Record | None:
        return export_item(client, tid)

    found = each(read, ids) if each is not None else [read(tid) for tid in ids]
    items = [x for x in found if x is not None]
    return {"tenant_settings": items}


def restore_params(captured: Record) -> Record:
    """Backup restore: the descope_tenant_settings parameters that put the captured settings back (set mode)."""
    return {"tenants": list(captured.get("tenant_settings") or []), "authoritative": True}


def plan_restore(ctx: TaskContext, captured: Record) -> list[t.Any]:
    """The restore changes for a sub-context (the backup spec applies them); raises on any problem, writes nothing."""
    # imported on use (a one-way import): loading the info module does not load the planner
    from ansible_collections.descope.mgmt.plugins.module_utils._tenant_settings._plan import (  # noqa: PLC0415
        declare,
        plan,
    )

    sub = dataclasses.replace(ctx, params={**ctx.params, **restore_params(captured)})
    problems: list[Problem] = []
    items = declare(sub, problems)
    planned = plan(sub, items, problems)
    if problems:
        raise DescopeValidationError(problems)
    return planned.changes


def run_info(ctx: TaskContext) -> Outcome:
    client = ctx.client()
    wanted = ctx.params.get("tenant_ids")
    ids = list(dict.fromkeys(wanted)) if wanted else _tenant_ids(client)
    items = []
    missing = []
    read = in_order(lambda tid: export_item(client, tid), ids, CONCURRENCY_DEFAULT)
    for tid, item in zip(ids, read, strict=True):
        if item is None:
            missing.append(tid)
        else:
            items.append(item)
    result: Record = {"changed": False, "tenant_settings": items}
    result["msg"] = f"Read the settings of {len(items)} tenant(s)." + (
        f" Not found: {', '.join(missing)}." if missing else ""
    )
    if missing:
        result["missing_ids"] = missing
    return Outcome(result, [], {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0, "failed": 0})
