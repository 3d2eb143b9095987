# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_sso_info and the backup capture/restore of tenant SSO (FOR INTERNAL COLLECTION USE ONLY).

Secrets cannot be exported: the API never returns the OIDC client secret. The result lists what is missing in
``secrets_not_exported`` (``<tenant>[/<sso_id>]: oidc.client_secret``), and a restore cannot bring a secret back.
"""

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
from ansible_collections.descope.mgmt.plugins.module_utils._sso._fields import Record
from ansible_collections.descope.mgmt.plugins.module_utils._sso._plan import declare, load_configs, plan
from ansible_collections.descope.mgmt.plugins.module_utils._sso._shape import current_view, export_view
from ansible_collections.descope.mgmt.plugins.module_utils._tenant_lookup import tenant_exists

PATH_TENANTS = "/v1/mgmt/tenant/all"
# maps a per-tenant read over tenant ids, results in order (a backup passes its bounded pool: _backup/_reads.py)
Each = t.Callable[[t.Callable[[str], t.Any], list[str]], list[t.Any]]
NOT_EXPORTED = ["oidc.client_secret"]


def _tenant_ids(client: ApiClient) -> list[str]:
    tenants = client.get(PATH_TENANTS).get("tenants") or []
    return sorted(str(x["id"]) for x in tenants if isinstance(x, dict) and x.get("id"))


def export_tenant(client: ApiClient, tenant_id: str) -> list[Record] | None:
    """The configured SSO connections of one tenant as descope_sso items (None: no such tenant)."""
    try:
        configs = load_configs(client, tenant_id)
    except DescopeAPIError:
        # an absent tenant is told by lookup, not by the error's status (404, or a 400: unpublished)
        if not tenant_exists(client, tenant_id):
            return None
        raise
    items = []
    for config in configs:
        view = current_view(config)
        if view["protocol"] is None:
            continue
        items.append(export_view(view, tenant_id))
    return items


def missing_secrets(items: list[Record]) -> list[str]:
    return [
        f"{x['tenant_id']}{'/' + x['sso_id'] if x.get('sso_id') else ''}: {s}"
        for x in items
        if x["protocol"] == "oidc"
        for s in NOT_EXPORTED
    ]


def capture(client: ApiClient, tenant_ids: list[str] | None = None, each: Each | None = None) -> Record:
    """Backup capture: ``{"sso": [items], "secrets_not_captured": [...]}``; no secret is ever in it.

    ``each(fn, ids)``: maps the per-tenant reads, in order (a backup passes its bounded pool); default one at a time.
    """
    ids = tenant_ids if tenant_ids is not None else _tenant_ids(client)

    def read(tid: str) -> list[Record] | None:
        return export_tenant(client, tid)

    items: list[Record] = []
    for found in each(read, ids) if each is not None else [read(tid) for tid in ids]:
        items.extend(found or [])
    return {"sso": items, "secrets_not_captured": missing_secrets(items)}


def restore_params(item: Record) -> Record:
    """One captured item -> descope_sso parameters (the restore runs the descope_sso spec once per item).

    An OIDC connection restored onto a tenant where it still exists keeps its stored secret; one recreated from
    scratch has none until a task sets ``oidc.client_secret`` (listed in ``secrets_not_captured``).
    """
    params = dict(item)
    params.setdefault("state", "present")
    params.setdefault("update_secret", "on_create")
    params.setdefault("known_roles", [])
    return params


def plan_restore(ctx: TaskContext, captured: Record) -> list[t.Any]:
    """The restore changes of a capture (one per connection), for the backup spec to apply; every problem of every
    item is raised at once (``DescopeValidationError``) and nothing is written here. Roles are restored first by
    the caller, so the mapping checks see them; ``known_roles`` may name those a check-mode restore plans."""

    changes: list[t.Any] = []
    problems: list[Problem] = []
    for item in captured.get("sso") or []:
        sub = dataclasses.replace(ctx, params={**ctx.params, **restore_params(item)})
        found: list[Problem] = []
        planned = plan(sub, declare(sub, found), found)
        problems.extend(found)
        changes.extend(planned.changes)
    if problems:
        raise DescopeValidationError(problems)
    return changes


def run_info(ctx: TaskContext) -> Outcome:
    client = ctx.client()
    wanted = ctx.params.get("tenant_ids")
    ids = list(dict.fromkeys(wanted)) if wanted else _tenant_ids(client)
    items: list[Record] = []
    missing = []
    read = in_order(lambda tid: export_tenant(client, tid), ids, CONCURRENCY_DEFAULT)
    for tid, found in zip(ids, read, strict=True):
        if found is None:
            missing.append(tid)
        else:
            items.extend(found)
    sso_id = ctx.params.get("sso_id")
    if sso_id is not None:
        items = [x for x in items if x.get("sso_id", "") == sso_id]
    result: Record = {"changed": False, "sso": items, "secrets_not_exported": missing_secrets(items)}
    result["msg"] = f"Read {len(items)} SSO connection(s) of {len(ids) - len(missing)} tenant(s)." + (
        f" Not found: {', '.join(missing)}." if missing else ""
    )
    if missing:
        result["missing_ids"] = missing
    return Outcome(result, [], {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0, "failed": 0})
