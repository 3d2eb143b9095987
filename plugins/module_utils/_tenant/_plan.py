# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant planning: declared items -> reads -> checks -> ordered changes (FOR INTERNAL COLLECTION USE ONLY)."""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _change
from ansible_collections.descope.mgmt.plugins.module_utils._client_protocol import ApiClient
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import (
    DescopeAPIError,
    DescopeValidationError,
    Problem,
)
from ansible_collections.descope.mgmt.plugins.module_utils._spec import Plan
from ansible_collections.descope.mgmt.plugins.module_utils._tenant._api import (
    _create_body,
    load_all,
    load_one,
    search,
    sub_tenants,
    update_body,
)
from ansible_collections.descope.mgmt.plugins.module_utils._tenant._fields import (
    FIELD_NAMES,
    ITEM_KEYS,
    PATH_CREATE,
    PATH_DELETE,
    PATH_ROLES,
    PATH_SEARCH,
    PATH_UPDATE,
    TENANT_ID_RE,
    Record,
    compact,
    current_view,
    desired_fields,
    norm_name,
)
from ansible_collections.descope.mgmt.plugins.module_utils._tenant._validate import (
    Checks,
    Item,
    _schema_problems,
    _value_problems,
)


def _managed(view: Record, fields: t.Iterable[str]) -> Record:
    keys = ["id", "name", *[f for f in FIELD_NAMES if f in fields and f != "name"]]
    return {k: view.get(k) for k in keys}


def _plan_item(item: Item, view_of: t.Callable[[Record], Record] = current_view) -> _change.Change:
    label = item.label or item.name or "?"
    if item.state == "absent":
        if item.current is None:
            return _change.Change("tenant", label, "unchanged")
        before = compact(view_of(item.current))
        return _change.Change("tenant", label, "delete", before=before, after=None, apply=_deleter(label, item.cascade))
    fields = item.fields
    if item.current is None:
        after = {"id": item.id, **fields}
        change = _change.Change("tenant", label, "create", before=None, after=after)
        change.apply = _creator(change, item.id, fields)
        return change
    view = view_of(item.current)
    before = _managed(view, fields)
    after = {**before, **{k: v for k, v in fields.items() if k != "parent_tenant_id" or v}}
    after = _managed(after, fields)
    differs = [f for f in fields if f != "parent_tenant_id" and fields[f] != view[f]]
    if not differs:
        return _change.Change("tenant", label, "unchanged", before=before, after=after)
    record_fields = {f: fields[f] for f in differs if f != "default_roles"}
    roles = fields["default_roles"] if "default_roles" in differs else None
    return _change.Change(
        "tenant", label, "update", before=before, after=after, apply=_updater(item.current, record_fields, roles)
    )


def _creator(change: _change.Change, item_id: str | None, fields: Record) -> t.Callable[[t.Any], None]:
    def apply(client: ApiClient) -> None:
        body = _create_body(item_id, fields)

        def landed() -> Record | None:
            # The create's answer was lost (connection reset, read timeout): did it land? The plan saw no
            # tenant with this id (or name), so one there now is ours; None sends the create again.
            if item_id:
                return {"id": item_id} if load_one(client, item_id) is not None else None
            named = [r for r in search(client, names=[fields["name"]]) if r.get("name") == fields["name"]]
            return {"id": named[0]["id"]} if len(named) == 1 else None

        answer = client.post(PATH_CREATE, body, resolve=landed)
        new_id = str(answer.get("id") or item_id or "")
        if not new_id:
            # the answer carried no id (an empty void-style body): names are unique, so look the new tenant up
            found = client.post(PATH_SEARCH, {"tenantNames": [fields["name"]]}, read=True).get("tenants") or []
            new_id = str(found[0].get("id") or "") if found else ""
        if new_id and not item_id:
            # The server generated the id: report it (the planned label was the name).
            change.target_id = new_id
            if change.after is not None:
                change.after["id"] = new_id
        if fields.get("default_roles"):
            client.post(PATH_ROLES, {"id": new_id, "defaultRoles": fields["default_roles"]}, idempotent=True)

    return apply


def _updater(current: Record, record_fields: Record, roles: list[str] | None) -> t.Callable[[t.Any], None]:
    def apply(client: ApiClient) -> None:
        if record_fields:
            # updates of a known id replace the record: repeating one after a lost answer is harmless
            client.post(PATH_UPDATE, update_body(current, record_fields), idempotent=True)
        if roles is not None:
            client.post(PATH_ROLES, {"id": current["id"], "defaultRoles": roles}, idempotent=True)

    return apply


def _deleter(tenant_id: str, cascade: bool) -> t.Callable[[t.Any], None]:
    def apply(client: ApiClient) -> None:
        try:
            # a delete of a known id: repeating it after a lost answer is harmless
            client.post(PATH_DELETE, {"id": tenant_id, "cascade": cascade}, idempotent=True)
        except DescopeAPIError as exc:
            # Already gone (deleted by someone else since our read, or by our own retried request): the goal
            # is met. Only a 404 says so by itself; any other 4xx is checked by reading, never by its wording.
            if exc.is_not_found:
                return
            if (
                exc.status is not None
                and 400 <= exc.status < 500
                and exc.status not in (401, 403, 429)
                and load_one(client, tenant_id) is None
            ):
                return
            raise

    return apply


def _assign_phases(changes: list[_change.Change], items_by_label: dict[str, Item], existing: dict[str, Record]) -> None:
    """Deletes first, children before parents; then updates; then creates, parents before children."""
    deleting = {c.target_id for c in changes if c.action == "delete"}
    creating = {c.target_id: c for c in changes if c.action == "create"}
    # parent id -> existing sub-tenants (a scan of every tenant per delete was O(n^2))
    children: dict[str, list[str]] = {}
    for record in existing.values():
        if isinstance(record.get("parent"), str):
            children.setdefault(record["parent"], []).append(record["id"])

    # Iterative and memoised: a parent chain thousands deep (hostile or generated input) must neither exhaust the
    # recursion limit nor cost O(n^2); a cycle counts as the end of the chain, as the API would refuse it anyway.
    def longest(start: str, step: t.Callable[[str], list[str]], memo: dict[str, int]) -> int:
        stack, on_path = [start], {start}
        while stack:
            node = stack[-1]
            pending = [n for n in step(node) if n not in memo and n not in on_path]
            if pending:
                stack.append(pending[0])
                on_path.add(pending[0])
                continue
            memo[node] = max((1 + memo[n] for n in step(node) if n in memo), default=0)
            stack.pop()
            on_path.discard(node)
        return memo[start]

    def kids(tid: str) -> list[str]:
        return [k for k in children.get(tid, []) if k in deleting]

    def parent_of(tid: str) -> list[str]:
        item = items_by_label.get(tid)
        parent = item.fields.get("parent_tenant_id") if item else None
        return [parent] if isinstance(parent, str) and parent in creating else []

    heights: dict[str, int] = {}
    depths: dict[str, int] = {}
    for change in changes:
        if change.action == "delete":  # before every update (phase 0), however deep the tree
            change.phase = -(len(deleting) + 1) + longest(change.target_id, kids, heights)
        elif change.action == "create":
            change.phase = 1 + longest(change.target_id, parent_of, depths)


def _make_items(params: t.Mapping[str, t.Any], set_mode: bool) -> list[Item]:
    if set_mode:
        return [Item(i, raw) for i, raw in enumerate(params.get("tenants") or [])]
    raw = {k: params.get(k) for k in ITEM_KEYS}
    return [Item(None, raw)]


def declare(ctx: TaskContext, problems: list[Problem]) -> tuple[list[Item], bool]:
    """The declared tenants, normalised, with every problem found without a request."""
    params = ctx.params
    set_mode = params.get("tenants") is not None
    authoritative = bool(params.get("authoritative"))
    if authoritative and not set_mode:
        problems.append(
            Problem(
                "authoritative",
                "only applies to set mode (the tenants option).",
                "Declare the tenants with 'tenants', or remove authoritative.",
            )
        )
    items = _make_items(params, set_mode)
    for item in items:
        # Single mode: the argument spec already enforced the types, only set-mode items need the schema.
        found = _schema_problems(item) if set_mode else []
        if found:
            item.valid = False  # wrong shape: keep it out of the semantic checks, which need sane types
        else:
            item.fields = desired_fields(item.raw, authoritative and set_mode and item.state == "present")
        if item.shape_ok:
            found += _value_problems(item)
        problems.extend(found)
    for i, pid in enumerate(params.get("protected_ids") or []):
        if not TENANT_ID_RE.match(str(pid)):
            problems.append(
                Problem(
                    f"protected_ids[{i}]",
                    f"'{pid}' is not a tenant id (letters, digits, '_' and '-').",
                    "Fix the id; a typo here protects nothing.",
                )
            )
    return items, set_mode


def _single_mode_reads(client: ApiClient, item: Item, params: t.Mapping[str, t.Any]) -> dict[str, Record]:
    """The fewest reads that let single mode validate and plan: usually exactly one."""
    existing: dict[str, Record] = {}

    def remember(records: t.Iterable[Record]) -> None:
        for record in records:
            existing[str(record["id"])] = record

    current: Record | None = None
    if item.id:
        current = load_one(client, item.id)
        remember([current] if current else [])
    elif item.name:
        found = [r for r in search(client, names=[item.name]) if norm_name(r.get("name")) == item.name]
        remember(found)
        current = found[0] if len(found) == 1 else None
    if item.state == "absent":
        if current is not None:
            # what a delete does to sub-tenants is unpublished, so the checks refuse one that has any: find them
            remember(sub_tenants(client, str(current["id"])))
        return existing
    fields = item.fields
    name = fields.get("name")
    # A name taken by another tenant: only worth a read when creating by id or renaming.
    if name and item.id and (current is None or current.get("name") != name):
        remember(r for r in search(client, names=[name]) if norm_name(r.get("name")) == name)
    domains = fields.get("self_provisioning_domains")
    if domains and not params.get("allow_duplicate_domains"):
        added = sorted(set(domains) - set(current_view(current)["self_provisioning_domains"] if current else []))
        if added:
            # Domains are compared case-insensitively (set mode's rule), but a search matches the stored spelling
            # only (OpenAPI Descope_API.yaml says nothing of case): read every tenant, as set mode does.
            remember(load_all(client))
    parent = fields.get("parent_tenant_id")
    if current is None and parent and parent not in existing:
        found_parent = load_one(client, parent)
        remember([found_parent] if found_parent else [])
    return existing


def plan(ctx: TaskContext, declared: tuple[list[Item], bool], problems: list[Problem]) -> Plan:
    """Read what the declared tenants need, check them against it, and plan (problems are appended, not raised)."""
    items, set_mode = declared
    params = ctx.params
    client = ctx.client()
    if set_mode:
        existing = {str(r["id"]): r for r in load_all(client)}
    elif items[0].valid:
        existing = _single_mode_reads(client, items[0], params)
    else:
        existing = {}
    checks = Checks(items, existing, params, set_mode)
    checks.resolve()
    checks.check()
    problems.extend(checks.problems)
    mode = "set" if set_mode else "single"
    if problems:
        return Plan([], mode)
    changes = [_plan_item(item, checks.view) for item in items]
    for tid in checks.pruned:
        before = compact(checks.view(existing[tid]))
        changes.append(
            _change.Change("tenant", tid, "delete", before=before, after=None, apply=_deleter(tid, False), pruned=True)
        )
    _assign_phases(changes, {i.label or i.name or "": i for i in items}, existing)
    return Plan(changes, mode, existing={"tenant": len(existing)} if set_mode else {})


def plan_tenants(ctx: TaskContext, params: t.Mapping[str, t.Any]) -> list[_change.Change]:
    """The planning API for other specs (restore): declared ``tenants`` items in, changes out.

    Raises ``DescopeValidationError`` with every problem; nothing is written here.
    """
    sub = dataclasses.replace(ctx, params=dict(params))
    problems: list[Problem] = []
    declared = declare(sub, problems)
    planned = plan(sub, declared, problems)
    if problems:
        raise DescopeValidationError(problems)
    return planned.changes
