# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant settings checks: types, published bounds, resets without a source (FOR INTERNAL COLLECTION USE ONLY).

Problems carry no item index or id; the planner adds them. Bounds come with the field names whose current
value exempts them (a value Descope already holds is carried back by any write anyway).
"""

from __future__ import annotations

from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem
from ansible_collections.descope.mgmt.plugins.module_utils._tenant_settings._fields import (
    DURATION_MAX_NUMBER,
    DURATION_MIN_MINUTES,
    DURATIONS,
    MINUTES,
    PASSWORD_FIELDS,
    PASSWORD_RANGES,
    SESSION_FIELDS,
    UNITS,
    Record,
)

Bound = tuple[str, tuple[str, ...], Problem]
_KINDS = {f"session.{n}": k for n, _a, k in SESSION_FIELDS}
_KINDS.update({f"password_policy.{n}": k for n, _a, k in PASSWORD_FIELDS})
_WORDS = {"bool": "true or false", "int": "a whole number", "duration": "a whole number", "str": "a string"}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # YAML true is an int to Python: refuse it


def _type_ok(kind: str, value: object) -> bool:
    if kind in ("int", "duration"):
        return _is_int(value)
    if kind == "bool":
        return isinstance(value, bool)
    return isinstance(value, str)


def _shown(value: object) -> str:
    return "true" if value is True else "false" if value is False else repr(value)


def _larger_unit(value: int, unit: str) -> str:
    minutes = value * MINUTES[unit]
    for bigger in ("weeks", "days", "hours"):
        if minutes % MINUTES[bigger] == 0 and minutes // MINUTES[bigger] <= DURATION_MAX_NUMBER:
            return f"{minutes // MINUTES[bigger]} {bigger}"
    return "a larger unit"


def _duration_problems(name: str, declared: Record) -> tuple[list[Problem], list[Bound]]:
    field = f"session.{name}"
    value, unit = declared.get(name), declared.get(f"{name}_unit")
    static: list[Problem] = []
    if value is not None and unit is None:
        fix = f"Add {field}_unit (minutes, hours, days or weeks)."
        static.append(Problem(f"{field}_unit", "is required with a duration.", fix))
    if unit is not None and value is None:
        static.append(Problem(field, "a unit without its value.", f"Add {field}, or remove {field}_unit."))
    if unit is not None and unit not in UNITS:
        message = f"must be one of {', '.join(UNITS)}, got {_shown(unit)}."
        static.append(Problem(f"{field}_unit", message, f"Set {field}_unit to one of them."))
    if value is None or unit not in UNITS or not _is_int(value):
        return static, []
    names = (name, f"{name}_unit")
    if not 1 <= value <= DURATION_MAX_NUMBER:
        fix = f"Set {field} from 1 to {DURATION_MAX_NUMBER}"
        fix += f" ({_larger_unit(value, unit)})." if value > DURATION_MAX_NUMBER else "."
        message = f"must be from 1 to {DURATION_MAX_NUMBER}, got {value}."
        return static, [("session", names, Problem(field, message, fix))]
    least = DURATION_MIN_MINUTES[name]
    if value * MINUTES[unit] < least:
        message = f"must be at least {least} minutes, got {value} {unit}."
        return static, [("session", names, Problem(field, message, f"Set {field} to {least} minutes or more."))]
    return static, []


def section_problems(section: str, declared: Record) -> tuple[list[Problem], list[Bound]]:
    """Type problems (always refused) and bound problems (refused unless the value is already set) of one section."""
    static: list[Problem] = []
    bounds: list[Bound] = []
    for name, value in declared.items():
        field = f"{section}.{name}"
        kind = _KINDS.get(field)
        if kind is not None and not _type_ok(kind, value):
            message = f"must be {_WORDS[kind]}, got {_shown(value)}."
            static.append(Problem(field, message, f"Set {field} to {_WORDS[kind]}."))
            continue
        if section == "password_policy" and name in PASSWORD_RANGES:
            low, high = PASSWORD_RANGES[name]
            if not low <= value <= high:
                fix = f"Set {field} from {low} to {high} (the bounds Descope publishes)."
                bounds.append((section, (name,), Problem(field, f"must be from {low} to {high}, got {value}.", fix)))
    if section == "session":
        for name in DURATIONS:
            more, bound = _duration_problems(name, declared)
            static.extend(p for p in more if p.field not in {s.field for s in static})
            bounds.extend(bound)
    return static, bounds


def reset_problems(section: str, names: list[str], view: Record | None) -> list[Problem]:
    """``authoritative`` resets of fields no public source gives a default for: refused in one problem per
    section, naming each field and the value that keeps it."""
    if not names:
        return []
    current = view or {}
    them = "it" if len(names) == 1 else "them"
    keep = ", ".join(f"{n}: {_shown(current[n])}" if current.get(n) is not None else n for n in names)
    return [
        Problem(
            section,
            f"authoritative: true cannot reset {', '.join(names)}: no published default exists for {them}.",
            f"Declare {section}.{{{keep}}} (these values keep what Descope holds), or set authoritative: false.",
        )
    ]


def _seconds(value: object, unit: object) -> int | None:
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    if unit == "seconds":
        return value
    return value * MINUTES[unit] * 60 if isinstance(unit, str) and unit in MINUTES else None


def expiry_order(view: Record, fields: Record) -> list[Problem]:
    """The session token may not outlive the refresh token (docs.descope.com/customize/tenant), checked on the
    settings as they would be after the write, so a change to either side is caught."""
    touched = {f"{side}_token_expiration{unit}" for side in ("session", "refresh") for unit in ("", "_unit")}
    if not touched & set(fields):
        return []
    merged = {**view, **fields}
    session = _seconds(merged.get("session_token_expiration"), merged.get("session_token_expiration_unit"))
    refresh = _seconds(merged.get("refresh_token_expiration"), merged.get("refresh_token_expiration_unit"))
    if session is None or refresh is None or session <= refresh or session <= 0 or refresh <= 0:
        return []
    return [
        Problem(
            "session.session_token_expiration",
            "the session token would outlive the refresh token.",
            "Shorten session.session_token_expiration or lengthen session.refresh_token_expiration.",
        )
    ]
