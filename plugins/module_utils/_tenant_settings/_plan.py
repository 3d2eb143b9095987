# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant settings planning: declared items -> checks -> reads -> one change per tenant (FOR INTERNAL COLLECTION USE ONLY).

Only the fields a task declares are managed; with ``authoritative: true`` every field of a declared
section (``session`` or ``password_policy``) that the task leaves out is reset to its documented default
(``_fields.SESSION_DEFAULTS`` / ``PASSWORD_DEFAULTS``). A section that is not declared is never read or written.
"""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _change
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError, Problem
from ansible_collections.descope.mgmt.plugins.module_utils._spec import Plan
from ansible_collections.descope.mgmt.plugins.module_utils._tenant_settings._fields import (
    DURATIONS,
    PASSWORD_DEFAULTS,
    PASSWORD_KEYS,
    PASSWORD_RANGES,
    PATH_PASSWORD,
    PATH_SESSION,
    SESSION_DEFAULTS,
    SESSION_KEYS,
    Record,
    password_body,
    password_view,
    session_body,
    session_view,
)

TARGET = "tenant_settings"
SECTIONS = ("session", "password_policy")


@dataclasses.dataclass
class Item:
    index: int | None
    tenant_id: str
    session: Record | None  # declared fields only (None = section not managed)
    password_policy: Record | None
    current_session: Record | None = None  # the API answers
    current_password: Record | None = None


def _declared(section: Record | None, keys: tuple[str, ...], defaults: Record, authoritative: bool) -> Record | None:
    if section is None:
        return None
    fields = {k: section[k] for k in keys if section.get(k) is not None}
    if authoritative:
        fields = {**defaults, **fields}
    return fields


def _problem(item: Item, field: str, message: str, fix: str) -> Problem:
    return Problem(field, message, fix, index=item.index, id=item.tenant_id or None)


def _static_problems(item: Item, raw: Record) -> list[Problem]:
    problems: list[Problem] = []
    if not item.tenant_id.strip():
        problems.append(_problem(item, "tenant_id", "must not be empty.", "Set tenant_id to the id of an existing tenant."))
    if item.session is None and item.password_policy is None:
        problems.append(_problem(item, "session", "nothing to manage.", "Declare session, password_policy or both for this tenant."))
    raw_session = raw.get("session") or {}
    for name in DURATIONS:
        value, unit = raw_session.get(name), raw_session.get(f"{name}_unit")
        if value is not None and value <= 0:
            problems.append(_problem(item, f"session.{name}", f"must be a positive number, got {value}.", f"Set session.{name} to 1 or more."))
        if value is not None and unit is None:
            problems.append(_problem(item, f"session.{name}_unit", "is required with a duration.", f"Add session.{name}_unit (minutes, hours, days or weeks)."))
        if unit is not None and value is None:
            problems.append(_problem(item, f"session.{name}", "a unit without its value.", f"Add session.{name}, or remove session.{name}_unit."))
    session = item.session or {}
    if session.get("session_token_expiration_unit") == "minutes" and 0 < int(session.get("session_token_expiration") or 3) < 3:
        problems.append(_problem(item, "session.session_token_expiration", "must be at least 3 minutes.", "Use 3 minutes or more."))
    for name, value in (raw.get("password_policy") or {}).items():
        if value is None or isinstance(value, (bool, str)):
            continue
        low, high = PASSWORD_RANGES.get(name, (0, None))
        if value < low or (high is not None and value > high):
            bound = f"from {low} to {high}" if high is not None else f"{low} or more"
            problems.append(_problem(item, f"password_policy.{name}", f"must be {bound}, got {value}.", f"Set password_policy.{name} {bound}."))
    return problems


def declare(ctx: TaskContext, problems: list[Problem]) -> list[Item]:
    params = ctx.params
    authoritative = bool(params.get("authoritative"))
    set_mode = params.get("tenants") is not None
    raws: list[tuple[int | None, t.Any]] = list(enumerate(params.get("tenants") or [])) if set_mode else [(None, params)]
    items: list[Item] = []
    seen: dict[str, int | None] = {}
    for index, raw in raws:
        item = Item(
            index,
            str(raw.get("tenant_id") or ""),
            _declared(raw.get("session"), SESSION_KEYS, SESSION_DEFAULTS, authoritative),
            _declared(raw.get("password_policy"), PASSWORD_KEYS, PASSWORD_DEFAULTS, authoritative),
        )
        problems.extend(_static_problems(item, raw))
        if item.tenant_id in seen:
            problems.append(_problem(item, "tenant_id", f"declared twice (also item {seen[item.tenant_id]}).", "Merge the two items into one."))
        seen[item.tenant_id] = index
        items.append(item)
    return items


def _read(client: t.Any, path: str, params: Record) -> Record | None:
    try:
        return dict(client.get(path, params=params))
    except DescopeAPIError as exc:
        _change.raise_for_not_found(exc)
        return None


def read_current(client: t.Any, item: Item) -> bool:
    """Load what the item manages; False when the tenant does not exist."""
    if item.session is not None:
        item.current_session = _read(client, PATH_SESSION, {"id": item.tenant_id})
        if item.current_session is None:
            return False
    if item.password_policy is not None:
        item.current_password = _read(client, PATH_PASSWORD, {"tenantId": item.tenant_id})
        if item.current_password is None:
            return False
    return True


def plan_as_new(client: t.Any, item: Item) -> None:
    """Check mode, a tenant an earlier task creates: what a new tenant starts with (default session settings,
    the project's password policy, which a tenant without its own policy reads)."""
    if item.session is not None:
        item.current_session = {}
    if item.password_policy is not None:
        item.current_password = client.get(PATH_PASSWORD) or {}


def _section_diff(view: Record, fields: Record) -> tuple[Record, Record]:
    before = {k: view[k] for k in fields}
    return before, dict(fields)


def plan_item(item: Item) -> _change.Change:
    before: Record = {}
    after: Record = {}
    writes: list[tuple[str, Record]] = []
    if item.session is not None and item.current_session is not None:
        b, a = _section_diff(session_view(item.current_session), item.session)
        before["session"], after["session"] = b, a
        if b != a:
            writes.append((PATH_SESSION, session_body(item.tenant_id, item.current_session, item.session)))
    if item.password_policy is not None and item.current_password is not None:
        b, a = _section_diff(password_view(item.current_password), item.password_policy)
        before["password_policy"], after["password_policy"] = b, a
        if b != a:
            writes.append((PATH_PASSWORD, password_body(item.tenant_id, item.current_password, item.password_policy)))
    if not writes:
        return _change.Change(TARGET, item.tenant_id, "unchanged", before=before, after=after)

    def apply(client: t.Any) -> None:
        for path, body in writes:
            client.post(path, body)

    return _change.Change(TARGET, item.tenant_id, "update", before=before, after=after, apply=apply)


def plan(ctx: TaskContext, items: list[Item], problems: list[Problem]) -> Plan:
    mode = "set" if ctx.params.get("tenants") is not None else "single"
    client = ctx.client()
    for item in items:
        if not item.tenant_id.strip():
            continue
        if not read_current(client, item):
            if ctx.check_mode and item.tenant_id in (ctx.params.get("pending_tenants") or []):
                plan_as_new(client, item)
                continue
            problems.append(
                _problem(
                    item,
                    "tenant_id",
                    f"tenant '{item.tenant_id}' does not exist.",
                    "Create it first (descope.mgmt.descope_tenant), or fix the id; descope.mgmt.descope_tenant_info lists the tenants.",
                )
            )
    for item in items:
        problems.extend(_expiry_order(item))
    if problems:
        return Plan([], mode)
    return Plan([plan_item(item) for item in items], mode)


_MINUTES = {"minutes": 1, "hours": 60, "days": 1440, "weeks": 10080}


def _expiry_order(item: Item) -> list[Problem]:
    """The session token may not outlive the refresh token (docs.descope.com/customize/tenant), checked on the
    settings as they would be after the write, so a change to either side is caught."""
    if item.session is None or item.current_session is None:
        return []
    touched = {"session_token_expiration", "refresh_token_expiration", "session_token_expiration_unit", "refresh_token_expiration_unit"}
    if not touched & set(item.session):
        return []
    merged = {**session_view(item.current_session), **item.session}
    session = int(merged["session_token_expiration"]) * _MINUTES[merged["session_token_expiration_unit"]]
    refresh = int(merged["refresh_token_expiration"]) * _MINUTES[merged["refresh_token_expiration_unit"]]
    if session <= refresh or session <= 0 or refresh <= 0:  # a non-positive value is already reported
        return []
    return [
        _problem(
            item,
            "session.session_token_expiration",
            "the session token would outlive the refresh token.",
            "Shorten session.session_token_expiration or lengthen session.refresh_token_expiration.",
        )
    ]


def report(ctx: TaskContext, planned: Plan) -> Record:
    items = [c.as_result() for c in planned.changes]
    result: Record = {TARGET: items[0] if planned.mode == "single" and items else items}
    result["msg"] = _change.summary_message(TARGET, planned.changes, ctx.check_mode)
    return result
