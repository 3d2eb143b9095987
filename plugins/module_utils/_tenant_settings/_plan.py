# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant settings planning: declared items -> checks -> reads -> one change per tenant (FOR INTERNAL COLLECTION USE
ONLY).

Only the fields a task declares are managed; with ``authoritative: true`` every field of a declared
section (``session`` or ``password_policy``) that the task leaves out is reset to its published default
(``_fields.SESSION_DEFAULTS`` / ``PASSWORD_DEFAULTS``); a field without one must be declared. A section that
is not declared is never read or written; an empty one is refused with ``authoritative`` unless
``allow_empty_reset`` says so.
"""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _change
from ansible_collections.descope.mgmt.plugins.module_utils._client_protocol import ApiClient
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem
from ansible_collections.descope.mgmt.plugins.module_utils._side_by_side import in_order
from ansible_collections.descope.mgmt.plugins.module_utils._spec import Plan, concurrency_of
from ansible_collections.descope.mgmt.plugins.module_utils._tenant_lookup import tenants_by_id
from ansible_collections.descope.mgmt.plugins.module_utils._tenant_settings._checks import (
    expiry_order,
    reset_problems,
    section_problems,
)
from ansible_collections.descope.mgmt.plugins.module_utils._tenant_settings._fields import (
    NEW_TENANT_SESSION,
    PASSWORD_DEFAULTS,
    PASSWORD_KEYS,
    PATH_PASSWORD,
    PATH_SESSION,
    SESSION_DEFAULTS,
    SESSION_KEYS,
    Record,
    password_body,
    password_view,
    session_answer,
    session_body,
    session_view,
)

TARGET = "tenant_settings"
SECTIONS = ("session", "password_policy")
# tenant fields a settings POST accepts (python SDK update_settings) that the settings answer does not carry
TENANT_CARRY = ("enforceSSO", "enforceSSOExclusions", "federatedAppIds")
SECTION_FIELDS = {"session": (SESSION_KEYS, SESSION_DEFAULTS), "password_policy": (PASSWORD_KEYS, PASSWORD_DEFAULTS)}


@dataclasses.dataclass
class Item:
    index: int | None
    tenant_id: str
    session: Record | None  # declared fields plus authoritative resets (None = section not managed)
    password_policy: Record | None
    declared: dict[str, Record] = dataclasses.field(default_factory=dict)  # per section, as the task wrote it
    unsourced: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # resets with no published default
    bounds: list[tuple[str, tuple[str, ...], Problem]] = dataclasses.field(default_factory=list)
    tenant: Record | None = None  # the tenant/search record
    current_session: Record | None = None  # the API answers
    current_password: Record | None = None


def _problem(item: Item, field: str, message: str, fix: str) -> Problem:
    return Problem(field, message, fix, index=item.index, id=item.tenant_id or None)


def _at(item: Item, problem: Problem) -> Problem:
    return dataclasses.replace(problem, index=item.index, id=item.tenant_id or None)


def _section(item: Item, name: str, raw: t.Any, params: Record, problems: list[Problem]) -> Record | None:
    keys, defaults = SECTION_FIELDS[name]
    if raw is None:
        return None
    declared = {k: raw[k] for k in keys if raw.get(k) is not None}
    item.declared[name] = declared
    if not params.get("authoritative"):
        return declared
    if not declared and not params.get("allow_empty_reset"):
        problems.append(
            _problem(
                item,
                name,
                "is empty, and with authoritative: true an empty section would reset every field of it.",
                f"Declare the {name} fields (is a variable empty?), drop {name}, or set allow_empty_reset: true.",
            ),
        )
        return {**defaults, **declared}  # refused: one clear problem, not one per field it would reset
    item.unsourced[name] = [k for k in keys if k not in defaults and k not in declared and not k.endswith("_unit")]
    return {**defaults, **declared}


def declare(ctx: TaskContext, problems: list[Problem]) -> list[Item]:
    params = ctx.params
    set_mode = params.get("tenants") is not None
    raws: list[tuple[int | None, t.Any]] = (
        list(enumerate(params.get("tenants") or [])) if set_mode else [(None, params)]
    )
    items: list[Item] = []
    seen: dict[str, int | None] = {}
    for index, raw in raws:
        item = Item(index, str(raw.get("tenant_id") or ""), None, None)
        item.session = _section(item, "session", raw.get("session"), params, problems)
        item.password_policy = _section(item, "password_policy", raw.get("password_policy"), params, problems)
        if not item.tenant_id.strip():
            problems.append(
                _problem(item, "tenant_id", "must not be empty.", "Set tenant_id to the id of an existing tenant.")
            )
        if item.session is None and item.password_policy is None:
            problems.append(
                _problem(
                    item,
                    "session",
                    "neither session nor password_policy is declared (left out, or null): nothing to manage.",
                    "Declare session, password_policy or both for this tenant (is a variable undefined or null?).",
                )
            )
        for section, declared in item.declared.items():
            static, bounds = section_problems(section, declared)
            problems.extend(_at(item, p) for p in static)
            item.bounds.extend((s, names, _at(item, p)) for s, names, p in bounds)
        if item.tenant_id in seen:
            problems.append(
                _problem(
                    item,
                    "tenant_id",
                    f"declared twice (also item {seen[item.tenant_id]}).",
                    "Merge the two items into one.",
                )
            )
        seen[item.tenant_id] = index
        items.append(item)
    return items


def read_current(client: ApiClient, item: Item) -> None:
    """Load what the item manages (the tenant exists: a failure here is an error, not 'absent')."""
    if item.session is not None:
        item.current_session = session_answer(client.get(PATH_SESSION, params={"id": item.tenant_id}))
    if item.password_policy is not None:
        item.current_password = dict(client.get(PATH_PASSWORD, params={"tenantId": item.tenant_id}) or {})


def read_all(client: ApiClient, items: list[Item], concurrency: int) -> None:
    """``read_current`` for every item, at most ``concurrency`` at a time."""
    in_order(lambda item: read_current(client, item), items, concurrency)


def plan_as_new(item: Item, project_policy: t.Callable[[], Record]) -> None:
    """Check mode, a tenant an earlier task creates: its session settings as ``NEW_TENANT_SESSION`` assumes (no
    source says what a new tenant starts with); its policy is the project's, which a tenant without its own reads
    (``project_policy``: read once for every such tenant)."""
    if item.session is not None:
        item.current_session = dict(NEW_TENANT_SESSION)
    if item.password_policy is not None:
        item.current_password = dict(project_policy())


def _section_diff(view: Record, fields: Record) -> tuple[Record, Record]:
    before = {k: view[k] for k in fields}
    return before, dict(fields)


def _with_tenant_fields(body: Record, tenant: Record | None) -> Record:
    for key in TENANT_CARRY:
        if tenant and tenant.get(key) is not None:
            body[key] = tenant[key]
    return body


def plan_item(item: Item) -> _change.Change:
    before: Record = {}
    after: Record = {}
    writes: list[tuple[str, Record]] = []
    if item.session is not None and item.current_session is not None:
        b, a = _section_diff(session_view(item.current_session), item.session)
        before["session"], after["session"] = b, a
        if b != a:
            body = session_body(item.tenant_id, item.current_session, item.session)
            writes.append((PATH_SESSION, _with_tenant_fields(body, item.tenant)))
    if item.password_policy is not None and item.current_password is not None:
        b, a = _section_diff(password_view(item.current_password), item.password_policy)
        before["password_policy"], after["password_policy"] = b, a
        if b != a:
            writes.append((PATH_PASSWORD, password_body(item.tenant_id, item.current_password, item.password_policy)))
    if not writes:
        return _change.Change(TARGET, item.tenant_id, "unchanged", before=before, after=after)

    def apply(client: ApiClient) -> None:
        for path, body in writes:
            client.post(path, body)

    return _change.Change(TARGET, item.tenant_id, "update", before=before, after=after, apply=apply)


def _views(item: Item) -> dict[str, Record | None]:
    return {
        "session": session_view(item.current_session) if item.current_session is not None else None,
        "password_policy": password_view(item.current_password) if item.current_password is not None else None,
    }


def _checks_after_read(item: Item) -> list[Problem]:
    views = _views(item)
    problems: list[Problem] = []
    for section, bound, problem in item.bounds:
        view = views.get(section)
        # a value Descope already holds is not refused: it is what any write of this section carries back
        if view is None or any(view.get(n) != item.declared[section].get(n) for n in bound):
            problems.append(problem)
    found = [p for section, names in item.unsourced.items() for p in reset_problems(section, names, views.get(section))]
    if item.session is not None and item.current_session is not None:
        found.extend(expiry_order(views["session"] or {}, item.session))
    problems.extend(_at(item, p) for p in found)
    return problems


def plan(ctx: TaskContext, items: list[Item], problems: list[Problem]) -> Plan:
    mode = "set" if ctx.params.get("tenants") is not None else "single"
    client = ctx.client()
    ids = list(dict.fromkeys(i.tenant_id for i in items if i.tenant_id.strip()))
    tenants = tenants_by_id(client, ids)
    existing = []
    policy: list[Record] = []

    def project_policy() -> Record:
        if not policy:
            policy.append(dict(client.get(PATH_PASSWORD) or {}))
        return policy[0]

    for item in items:
        if not item.tenant_id.strip():
            continue
        item.tenant = tenants.get(item.tenant_id)
        if item.tenant is not None:
            existing.append(item)
        elif ctx.check_mode and item.tenant_id in (ctx.params.get("pending_tenants") or []):
            plan_as_new(item, project_policy)
        else:
            problems.append(
                _problem(
                    item,
                    "tenant_id",
                    f"tenant '{item.tenant_id}' does not exist.",
                    "Create it first (descope.mgmt.descope_tenant), or fix the id; descope.mgmt.descope_tenant_info "
                    "lists the tenants.",
                )
            )
    read_all(client, existing, concurrency_of(ctx.params))
    for item in items:
        problems.extend(_checks_after_read(item))
    if problems:
        return Plan([], mode)
    return Plan([plan_item(item) for item in items], mode)


def report(ctx: TaskContext, planned: Plan) -> Record:
    items = [c.as_result() for c in planned.changes]
    result: Record = {TARGET: items[0] if planned.mode == "single" and items else items}
    result["msg"] = _change.summary_message(TARGET, planned.changes, ctx.check_mode)
    return result
