# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Declared permissions and roles: items and every check that needs no request (FOR INTERNAL COLLECTION USE ONLY)."""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._authz._fields import (
    PERMISSION_FIELDS,
    PERMISSION_KEYS,
    ROLE_FIELDS,
    ROLE_KEYS,
    Record,
    name_key,
    name_problem,
    norm,
    role_label,
    show,
    type_name,
)
from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem

_TYPES = {"str": (str,), "set": (list,), "bool": (bool,)}
_TYPE_NAMES = {"str": "a string", "set": "a list of strings", "bool": "a boolean"}


@dataclasses.dataclass
class Item:
    """One declared permission or role (a single-mode task, or one element of ``permissions``/``roles``)."""

    kind: str  # permission | role
    index: int | None
    source: str  # the option it came from: permissions | roles | "" (single mode)
    name: str = ""
    tenant_id: str = ""
    state: str = "present"
    fields: Record = dataclasses.field(default_factory=dict)  # managed fields the item sets, normalised
    positions: dict[str, int] = dataclasses.field(default_factory=dict)  # permission name -> its index as written
    previous: list[str] = dataclasses.field(default_factory=list)  # previous_names: renamed in place when found
    valid: bool = True

    @property
    def label(self) -> str:
        return role_label(self.tenant_id, self.name) if self.kind == "role" else self.name

    @property
    def key(self) -> tuple[str, str]:
        return (self.tenant_id, name_key(self.name))

    def problem(self, field: str, message: str, fix: str) -> Problem:
        where = f"{self.source}[{self.index}].{field}" if self.source else field
        return Problem(field=where, message=message, fix=fix, index=self.index, id=self.label if self.name else None)


@dataclasses.dataclass
class Declared:
    """What one task declares. ``None`` lists are not managed by the task; ``set_mode`` makes prune meaningful."""

    permissions: list[Item] | None
    roles: list[Item] | None
    set_mode: bool
    options_ok: bool = True  # False: a shared option check failed, so nothing is read either
    split_scopes: bool = (
        False  # restore: project and tenant roles in separate batches (tenants are restored between them)
    )
    pending_tenants: frozenset[str] = frozenset()  # restore: tenants the same run creates before the tenant roles


def _item(kind: str, index: int | None, source: str, raw: t.Any, problems: list[Problem]) -> Item:
    item = Item(kind, index, source)
    keys, fields = (ROLE_KEYS, ROLE_FIELDS) if kind == "role" else (PERMISSION_KEYS, PERMISSION_FIELDS)
    if not isinstance(raw, dict):
        item.valid = False
        problems.append(
            item.problem(
                "item",
                f"must be a mapping of {kind} fields, got {type_name(raw)}.",
                f"Write each {kind} as a YAML mapping (name, ...).",
            )
        )
        return item
    for key in sorted(set(raw) - set(keys), key=str):
        item.valid = False
        problems.append(
            item.problem(
                str(key), f"is not a {kind} option.", f"Remove it or fix the spelling; allowed keys: {', '.join(keys)}."
            )
        )
    why = name_problem(raw.get("name"))
    if why:
        item.valid = False
        problems.append(
            item.problem(
                "name",
                f"{why}.",
                f"Give every {kind} a non-empty name without control characters or surrounding blanks.",
            )
        )
    else:
        item.name = raw["name"]
    tenant = raw.get("tenant_id")
    if kind == "role" and tenant not in (None, ""):
        why = name_problem(tenant)
        if why:
            item.valid = False
            problems.append(
                item.problem(
                    "tenant_id",
                    f"{why}.",
                    "Set tenant_id to the id of an existing tenant, or leave it out for a project role.",
                )
            )
        else:
            item.tenant_id = tenant
    state = raw.get("state") or "present"
    if state not in ("present", "absent"):
        item.valid = False
        problems.append(
            item.problem(
                "state", f"must be present or absent, got {show(state)}.", "Use state: present or state: absent."
            )
        )
    item.state = state if state in ("present", "absent") else "present"
    _previous_names(item, raw.get("previous_names"), problems)
    for option, _api, ftype in fields:
        value = raw.get(option)
        if value is None:
            continue
        if not isinstance(value, _TYPES[ftype]):
            item.valid = False
            problems.append(
                item.problem(
                    option,
                    f"must be {_TYPE_NAMES[ftype]}, got {type_name(value)}.",
                    f"Set {option} to {_TYPE_NAMES[ftype]}.",
                )
            )
            continue
        if ftype == "set":
            bad = False
            listed: list[t.Any] = value if isinstance(value, list) else []
            for i, perm in enumerate(listed):
                why = name_problem(perm)
                if why:
                    bad = True
                    problems.append(
                        item.problem(
                            f"{option}[{i}]",
                            f"{why}.",
                            "List permission names exactly as they are defined (descope_permission_info shows them).",
                        )
                    )
            if bad:
                item.valid = False
                continue
            for i, perm in enumerate(listed):
                item.positions.setdefault(perm, i)
        item.fields[option] = norm(ftype, value)
    return item


def _previous_names(item: Item, value: t.Any, problems: list[Problem]) -> None:
    """``previous_names``: names the item had before; one of them found live (and the name not) is renamed in place."""
    if value is None:
        return
    if not isinstance(value, list):
        item.valid = False
        problems.append(
            item.problem(
                "previous_names",
                f"must be a list of strings, got {type_name(value)}.",
                "List the names this item had before, e.g. previous_names: [old-name].",
            )
        )
        return
    if value and item.state == "absent":
        item.valid = False
        problems.append(
            item.problem(
                "previous_names",
                "is only meaningful for state: present (a rename).",
                f"Remove previous_names, or declare the old name itself state: absent to delete that {item.kind}.",
            )
        )
        return
    for i, old in enumerate(value):
        why = name_problem(old)
        if why is None and item.name and name_key(old) == name_key(item.name):
            why = f"{show(old)} is the item's own name"
        if why:
            item.valid = False
            problems.append(
                item.problem(
                    f"previous_names[{i}]",
                    f"{why}.",
                    f"List only names this {item.kind} had before, exactly as they exist in Descope.",
                )
            )
        elif old not in item.previous:
            item.previous.append(old)


def _rename_conflicts(kind: str, source: str, items: list[Item], problems: list[Problem]) -> None:
    """A previous name claimed by two items, or also declared as an item of its own: which one is meant is unknown."""
    declared = {i.key: i for i in items if i.valid}
    claimed: dict[tuple[str, str], Item] = {}
    for item in items:
        if not item.valid:
            continue
        for j, old in enumerate(list(item.previous)):
            key = (item.tenant_id, name_key(old))
            other = declared.get(key)
            first = claimed.setdefault(key, item)
            scope = f" in tenant {show(item.tenant_id)}" if item.tenant_id else ""
            if other is not None:
                message = f"{show(old)} is also declared as {source}[{other.index}]{scope}, so it cannot be renamed."
                fix = (
                    f"Keep the old name either as its own item or in previous_names of the {kind} it became, not both."
                )
            elif first is not item:
                message = f"{show(old)} is also a previous name of {source}[{first.index}]{scope}."
                fix = f"A name can become only one {kind}: keep it in the previous_names of one item."
            else:
                continue
            item.valid = False
            problems.append(item.problem(f"previous_names[{j}]", message, fix))


def _single(kind: str, params: t.Mapping[str, t.Any], problems: list[Problem]) -> Item:
    keys = ROLE_KEYS if kind == "role" else PERMISSION_KEYS
    return _item(kind, None, "", {k: params.get(k) for k in keys if params.get(k) is not None}, problems)


def _list(kind: str, source: str, raw: t.Any, problems: list[Problem]) -> list[Item]:
    items = [_item(kind, i, source, x, problems) for i, x in enumerate(raw)]
    first: dict[tuple[str, str], Item] = {}
    for item in items:
        if not item.valid:
            continue  # already reported; a scope that failed to parse would make a false duplicate
        seen = first.setdefault(item.key, item)
        if seen is not item:
            item.valid = False
            same = "the same name" if seen.name == item.name else "a name that differs only in Unicode normalisation"
            problems.append(
                item.problem(
                    "name",
                    f"{kind} {show(item.name)} is declared twice ({source}[{seen.index}] has {same}"
                    + (f" in tenant {show(item.tenant_id)})." if item.tenant_id else ")."),
                    f"Keep one entry per {kind} and merge their fields.",
                )
            )
    folded: dict[tuple[str, str], Item] = {}
    for item in items:
        if not item.valid:
            continue
        seen = folded.setdefault((item.tenant_id, item.key[1].casefold()), item)
        if seen is not item:  # no source says whether Descope tells them apart: refused under both readings
            item.valid = False
            problems.append(
                item.problem(
                    "name",
                    f"{kind} {show(item.name)} differs only in case from {source}[{seen.index}] {show(seen.name)}"
                    + (f" in tenant {show(item.tenant_id)}." if item.tenant_id else "."),
                    "Keep one of them: whether Descope treats names that differ only in case as one is not published.",
                )
            )
    _rename_conflicts(kind, source, items, problems)
    return items


def declare_permissions(params: t.Mapping[str, t.Any], problems: list[Problem]) -> Declared:
    if params.get("permissions") is not None:
        return Declared(_list("permission", "permissions", params["permissions"], problems), None, True)
    return Declared([_single("permission", params, problems)], None, False)


def declare_roles(params: t.Mapping[str, t.Any], problems: list[Problem]) -> Declared:
    if params.get("roles") is not None:
        perms = params.get("permissions")
        permissions = _list("permission", "permissions", perms, problems) if perms is not None else None
        return Declared(permissions, _list("role", "roles", params["roles"], problems), True)
    return Declared(None, [_single("role", params, problems)], False)
