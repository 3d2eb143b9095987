# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant resource spec for descope_tenant and descope_tenant_info (FOR INTERNAL COLLECTION USE ONLY).

Shape of the work, for both modes of descope_tenant:

1. read what exists (set mode: one ``GET /v1/mgmt/tenant/all``; single mode: the few targeted reads the
   task needs: the tenant by id or name, plus a name / domain / parent lookup only when they matter);
2. validate everything (jsonschema for the shape, then semantic checks against what exists) and raise
   one ``DescopeValidationError`` listing every problem before anything is written;
3. plan one ``Change`` per declared tenant (plus prunes), comparing normalised managed fields only;
4. hand the plan to ``_engine.execute`` (check mode stops there).

Only fields the user set are managed (``None`` = unmanaged). The update endpoint replaces the whole
record, so an update sends the CURRENT record with the requested fields merged in: a field the user
did not mention keeps its value.
"""

from __future__ import annotations

import importlib.util
import re
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _engine
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError, DescopeError, DescopeValidationError, Problem
from ansible_collections.descope.mgmt.plugins.module_utils._hints import one_line
from ansible_collections.descope.mgmt.plugins.module_utils._options import with_connection

# jsonschema is imported only when a set-mode task needs it: single-mode options are already
# type-checked by the argument spec, and skipping the import keeps each loop item cheap.
HAS_JSONSCHEMA = importlib.util.find_spec("jsonschema") is not None
JSONSCHEMA_IMPORT_ERROR: str | None = None if HAS_JSONSCHEMA else "ModuleNotFoundError: No module named 'jsonschema'"

if t.TYPE_CHECKING:
    from ansible_collections.descope.mgmt.plugins.module_utils._runner import TaskContext

Record = dict[str, t.Any]

LIBRARIES: list[tuple[str, bool, str | None]] = [("jsonschema", HAS_JSONSCHEMA, JSONSCHEMA_IMPORT_ERROR)]

PATH_CREATE = "/v1/mgmt/tenant/create"
PATH_UPDATE = "/v1/mgmt/tenant/update"
PATH_DELETE = "/v1/mgmt/tenant/delete"
PATH_LOAD = "/v1/mgmt/tenant"
PATH_ALL = "/v1/mgmt/tenant/all"
PATH_SEARCH = "/v1/mgmt/tenant/search"
PATH_ROLES = "/v1/mgmt/tenant/updateDefaultRoles"

CONCURRENCY_MIN = 1
CONCURRENCY_MAX = 16

# (option name, API field, kind). kind drives normalisation: domains are case-insensitive sets,
# "set" lists are order-free sets, "dict"/"bool"/"str" compare as given (absent == empty/false).
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("name", "name", "str"),
    ("self_provisioning_domains", "selfProvisioningDomains", "domains"),
    ("custom_attributes", "customAttributes", "dict"),
    ("enforce_sso", "enforceSSO", "bool"),
    ("enforce_sso_exclusions", "enforceSSOExclusions", "set"),
    ("disabled", "disabled", "bool"),
    ("parent_tenant_id", "parent", "parent"),
    ("default_roles", "defaultRoles", "set"),
)
FIELD_NAMES = tuple(f[0] for f in FIELDS)
API_NAME = {f[0]: f[1] for f in FIELDS}
KIND = {f[0]: f[2] for f in FIELDS}
ITEM_KEYS = ("id", *FIELD_NAMES, "state", "cascade")
# Fields of the current record carried into every full-replace update so nothing unmentioned resets.
# (createdTime, successors, domains, parent and defaultRoles are owned by other calls and not sent.)
CARRY_OVER = (
    "name",
    "selfProvisioningDomains",
    "customAttributes",
    "enforceSSO",
    "enforceSSOExclusions",
    "federatedAppIds",
    "disabled",
    "roleInheritance",
    "authType",
)

_LIST = {"type": ["array", "null"], "items": {"type": "string"}}
ITEM_SCHEMA: dict[str, t.Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "id": {"type": ["string", "null"], "minLength": 1, "maxLength": 255, "pattern": r"^\S+$"},
        "name": {"type": ["string", "null"], "minLength": 1},
        "self_provisioning_domains": _LIST,
        "custom_attributes": {"type": ["object", "null"]},
        "enforce_sso": {"type": ["boolean", "null"]},
        "enforce_sso_exclusions": _LIST,
        "disabled": {"type": ["boolean", "null"]},
        "parent_tenant_id": {"type": ["string", "null"], "minLength": 1},
        "default_roles": _LIST,
        "state": {"enum": ["present", "absent", None]},
        "cascade": {"type": ["boolean", "null"]},
    },
}

_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")

_ITEM_OPTIONS: dict[str, dict[str, t.Any]] = {
    "id": {"type": "str"},
    "name": {"type": "str"},
    "self_provisioning_domains": {"type": "list", "elements": "str"},
    "custom_attributes": {"type": "dict"},
    "enforce_sso": {"type": "bool"},
    "enforce_sso_exclusions": {"type": "list", "elements": "str"},
    "disabled": {"type": "bool"},
    "parent_tenant_id": {"type": "str"},
    "default_roles": {"type": "list", "elements": "str"},
}

ARGUMENT_SPEC = with_connection(
    {
        **_ITEM_OPTIONS,
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "cascade": {"type": "bool", "default": False},
        # Items are checked with jsonschema (not argspec suboptions) so every problem of every item is
        # reported at once, naming the index, the id and the field.
        "tenants": {"type": "list", "elements": "dict"},
        "prune": {"type": "bool", "default": False},
        "protected_ids": {"type": "list", "elements": "str"},
        "allow_duplicate_domains": {"type": "bool", "default": False},
        "concurrency": {"type": "int", "default": 4},
    }
)

MODULE_KWARGS: dict[str, t.Any] = {
    "supports_check_mode": True,
    "mutually_exclusive": [("tenants", name) for name in ("id", *FIELD_NAMES)],
    "required_one_of": [("id", "name", "tenants")],
}

INFO_ARGUMENT_SPEC = with_connection(
    {
        "ids": {"type": "list", "elements": "str"},
        "names": {"type": "list", "elements": "str"},
        "self_provisioning_domains": {"type": "list", "elements": "str"},
        "custom_attributes": {"type": "dict"},
    }
)
INFO_MODULE_KWARGS: dict[str, t.Any] = {"supports_check_mode": True}


# --------------------------------------------------------------------------------------- normalise


def _norm(field: str, value: t.Any) -> t.Any:
    """Canonical form of one managed field (None stays None = not managed)."""
    if value is None:
        return None
    kind = KIND[field]
    if kind == "domains":
        return sorted({str(d).strip().lower() for d in value if str(d).strip()})
    if kind == "set":
        return sorted({str(v) for v in value})
    if kind == "dict":
        return dict(value)
    if kind == "bool":
        return bool(value)
    if kind == "parent":
        return str(value) or None
    return str(value)


def current_view(record: Record) -> Record:
    """All managed fields of an API record, normalised, with absent == empty/false."""
    view: Record = {"id": str(record.get("id") or "")}
    for field, api, kind in FIELDS:
        raw = record.get(api)
        if kind in ("domains", "set"):
            view[field] = _norm(field, raw or [])
        elif kind == "dict":
            view[field] = dict(raw or {})
        elif kind == "bool":
            view[field] = bool(raw)
        elif kind == "parent":
            view[field] = str(raw) if raw else None
        else:
            view[field] = str(raw or "")
    return view


def compact(view: Record) -> Record:
    """Only the meaningful fields (what descope_tenant_info returns and descope_tenant accepts)."""
    return {k: v for k, v in view.items() if k in ("id", "name") or v not in (None, "", [], {}, False)}


def desired_fields(item: Record) -> Record:
    """The managed fields an item sets, normalised."""
    return {f: _norm(f, item[f]) for f in FIELD_NAMES if item.get(f) is not None}


def _unwrap(body: Record) -> Record | None:
    # Load-one may answer flat (what the SDKs parse) or wrapped {"tenant": {...}} (the docs' sample).
    inner = body.get("tenant")
    if isinstance(inner, dict) and "id" not in body:
        body = inner
    return body if body.get("id") else None


# --------------------------------------------------------------------------------------- API calls


def load_one(client: t.Any, tenant_id: str) -> Record | None:
    try:
        return _unwrap(client.get(PATH_LOAD, params={"id": tenant_id}))
    except DescopeAPIError as exc:
        _engine.raise_for_not_found(exc)
        return None


def load_all(client: t.Any) -> list[Record]:
    tenants = client.get(PATH_ALL).get("tenants") or []
    return [x for x in tenants if isinstance(x, dict) and x.get("id")]


def search(
    client: t.Any,
    ids: list[str] | None = None,
    names: list[str] | None = None,
    domains: list[str] | None = None,
    custom_attributes: dict[str, t.Any] | None = None,
) -> list[Record]:
    body: Record = {}
    if ids:
        body["tenantIds"] = ids
    if names:
        body["tenantNames"] = names
    if domains:
        body["tenantSelfProvisioningDomains"] = domains
    if custom_attributes:
        body["customAttributes"] = custom_attributes
    tenants = client.post(PATH_SEARCH, body, read=True).get("tenants") or []
    return [x for x in tenants if isinstance(x, dict) and x.get("id")]


def _create_body(item_id: str | None, fields: Record) -> Record:
    body: Record = {"name": fields["name"]}
    if item_id:
        body["id"] = item_id
    for field, value in fields.items():
        if field in ("name", "default_roles") or value is None:
            continue
        body[API_NAME[field]] = value
    return body


def update_body(current: Record, fields: Record) -> Record:
    """The full-replace update: the current record with only the requested fields replaced."""
    body: Record = {"id": current["id"]}
    for key in CARRY_OVER:
        if current.get(key) not in (None, ""):
            body[key] = current[key]
    for field, value in fields.items():
        if field in ("parent_tenant_id", "default_roles"):
            continue
        body[API_NAME[field]] = value
    return body


# --------------------------------------------------------------------------------------- validation


def _text(value: t.Any) -> str | None:
    return None if value in (None, "") else str(value)


class Item:
    """One declared tenant (from the task's single-mode options or one ``tenants`` element)."""

    def __init__(self, index: int | None, raw: t.Any) -> None:
        self.index = index
        self.raw: Record = raw if isinstance(raw, dict) else {}
        self.shape_ok = isinstance(raw, dict)
        self.valid = True
        self.id: str | None = _text(self.raw.get("id"))
        self.name: str | None = _text(self.raw.get("name"))
        self.state: str = self.raw.get("state") or "present"
        self.cascade = bool(self.raw.get("cascade"))
        self.fields: Record = {}
        self.current: Record | None = None  # the existing API record it targets, once resolved

    @property
    def label(self) -> str | None:
        return self.id or (self.current or {}).get("id") or None

    @property
    def key(self) -> str:
        """Identity in the final-state maps: the tenant id, or a placeholder for a new id-less tenant."""
        return self.label or f"#item{self.index}:{self.name}"

    def problem(self, field: str, message: str, fix: str) -> Problem:
        return Problem(field=field, message=message, fix=fix, index=self.index, id=self.id or self.name)


def _schema_problems(item: Item) -> list[Problem]:
    if not item.shape_ok:
        return [Problem("tenants", "each item must be a mapping of tenant fields.", "Write the item as a YAML mapping (id, name, ...).", index=item.index)]
    import jsonschema  # pylint: disable=import-outside-toplevel  # see HAS_JSONSCHEMA

    problems = []
    validator = jsonschema.Draft7Validator(ITEM_SCHEMA)
    for error in sorted(validator.iter_errors(item.raw), key=lambda e: [str(p) for p in e.absolute_path]):
        path = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "additionalProperties":
            unknown = sorted(set(item.raw) - set(ITEM_KEYS))
            for key in unknown:
                problems.append(item.problem(key, "is not a tenant option.", f"Remove it or fix the spelling; allowed keys: {', '.join(ITEM_KEYS)}."))
            continue
        field = path or "item"
        if error.validator == "type":
            expected = error.validator_value
            expected = [x for x in expected if x != "null"] if isinstance(expected, list) else [expected]
            got = type(error.instance).__name__
            problems.append(
                item.problem(
                    field, f"must be of type {' or '.join(expected)}, got {got} ({error.instance!r:.60}).", f"Set {field} to a {' or '.join(expected)} value."
                )
            )
        elif error.validator == "enum":
            problems.append(item.problem(field, f"must be one of present, absent; got {error.instance!r}.", "Use state: present or state: absent."))
        else:
            problems.append(item.problem(field, f"is invalid: {error.message}.", f"Correct {field} (see ansible-doc descope.mgmt.descope_tenant)."))
    return problems


def _value_problems(item: Item) -> list[Problem]:
    """Syntax checks of single values (run after the shape is known to be right)."""
    problems = []
    domains = item.raw.get("self_provisioning_domains")
    for i, domain in enumerate(domains if isinstance(domains, list) else []):
        if not isinstance(domain, str):
            continue  # already reported by the schema
        cleaned = domain.strip().lower()
        if cleaned.startswith("@") or "://" in cleaned or not _DOMAIN_RE.match(cleaned):
            problems.append(
                item.problem(
                    f"self_provisioning_domains[{i}]",
                    f"'{domain}' is not a valid domain name.",
                    "Use a bare domain such as example.com (no scheme, no '@', no wildcard).",
                )
            )
    attrs = item.raw.get("custom_attributes")
    for key, value in (attrs if isinstance(attrs, dict) else {}).items():
        ok = isinstance(value, (str, int, float, bool)) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
        if not ok:
            problems.append(
                item.problem(
                    f"custom_attributes.{key}",
                    f"has a value of type {type(value).__name__}.",
                    "Custom attribute values must be a string, a number, a boolean or a list of strings.",
                )
            )
    if item.state == "present" and not item.id and not item.name:
        problems.append(
            item.problem("id", "neither id nor name is set, so the tenant cannot be identified.", "Set id (preferred) or name, which is unique per project.")
        )
    if item.state == "absent" and not item.id and not item.name:
        problems.append(item.problem("id", "a tenant to delete needs an id or a name.", "Set id or name."))
    return problems


def check_options(params: t.Mapping[str, t.Any], set_mode: bool) -> list[Problem]:
    problems = []
    concurrency = params.get("concurrency")
    if concurrency is not None and not CONCURRENCY_MIN <= int(concurrency) <= CONCURRENCY_MAX:
        problems.append(
            Problem(
                "concurrency",
                f"must be between {CONCURRENCY_MIN} and {CONCURRENCY_MAX}, got {concurrency}.",
                f"Set concurrency to a value from {CONCURRENCY_MIN} to {CONCURRENCY_MAX} (default 4).",
            )
        )
    if not set_mode and params.get("prune"):
        problems.append(Problem("prune", "only applies to set mode (the tenants option).", "Declare the tenants with 'tenants', or remove prune."))
    if not set_mode and params.get("protected_ids"):
        problems.append(Problem("protected_ids", "only applies to set mode with prune.", "Remove protected_ids, or declare the tenants with 'tenants'."))
    return problems


class Plan:
    """Everything validation decided, ready to turn into changes."""

    def __init__(self, items: list[Item], existing: dict[str, Record], params: t.Mapping[str, t.Any], set_mode: bool) -> None:
        self.items = items
        self.existing = existing
        self.set_mode = set_mode
        self.prune = bool(params.get("prune")) and set_mode
        self.protected = set(params.get("protected_ids") or [])
        self.allow_duplicate_domains = bool(params.get("allow_duplicate_domains"))
        self.problems: list[Problem] = []
        self.pruned: list[str] = []

    def resolve(self) -> None:
        """Attach each valid item to the existing tenant it targets (by id, else by unique name)."""
        by_name: dict[str, list[Record]] = {}
        for record in self.existing.values():
            by_name.setdefault(str(record.get("name") or ""), []).append(record)
        for item in self.items:
            if not item.valid:
                continue
            if item.id:
                item.current = self.existing.get(item.id)
            elif item.name:
                matches = by_name.get(item.name, [])
                if len(matches) > 1:
                    ids = ", ".join(sorted(str(m["id"]) for m in matches))
                    self.problems.append(item.problem("name", f"matches several existing tenants ({ids}).", "Identify the tenant by id."))
                    item.valid = False
                elif matches:
                    item.current = matches[0]

    def check(self) -> None:
        valid = [i for i in self.items if i.valid]
        self._duplicates(valid)
        declared = {i.label for i in valid if i.label}
        if self.prune:
            self.pruned = sorted(tid for tid in self.existing if tid not in declared and tid not in self.protected)
        deleted = set(self.pruned) | {i.current["id"] for i in valid if i.state == "absent" and i.current}
        for item in valid:
            if item.state == "absent" and item.label in self.protected:
                self.problems.append(
                    item.problem(
                        "state",
                        f"tenant '{item.label}' is in protected_ids but declared absent.",
                        "Remove it from protected_ids to delete it, or set state: present.",
                    )
                )
            if item.state == "present":
                self._present_checks(item, valid, deleted)
        self._deleted_parent_checks(valid, deleted)
        self._cycle_checks(valid)
        present = [i for i in valid if i.state == "present"]
        self._unique_in_final_state(present, deleted, "name")
        if not self.allow_duplicate_domains:
            self._unique_in_final_state(present, deleted, "self_provisioning_domains")

    def _duplicates(self, valid: list[Item]) -> None:
        seen: dict[str, Item] = {}
        for item in valid:
            key = item.label
            if not key:
                continue
            if key in seen:
                first = seen[key]
                how = "id" if item.id else "name (it matches the same existing tenant)"
                self.problems.append(
                    item.problem("id", f"tenant '{key}' is declared twice (items {first.index} and {item.index}) by {how}.", "Declare each tenant once.")
                )
                item.valid = False
            else:
                seen[key] = item

    def _present_checks(self, item: Item, valid: list[Item], deleted: set[str]) -> None:
        parent = item.fields.get("parent_tenant_id")
        if item.current is None:
            if not item.name:
                self.problems.append(item.problem("name", f"is required to create tenant '{item.id}' (it does not exist yet).", "Set name."))
            if parent:
                declared_parent = [i for i in valid if i.label == parent and i is not item]
                if parent == item.label:
                    self.problems.append(item.problem("parent_tenant_id", "a tenant cannot be its own parent.", "Remove parent_tenant_id or use another id."))
                elif parent in deleted or any(i.state == "absent" for i in declared_parent):
                    self.problems.append(
                        item.problem(
                            "parent_tenant_id",
                            f"parent '{parent}' is deleted by this task.",
                            "Keep the parent (state: present, not pruned) or choose another parent.",
                        )
                    )
                elif parent not in self.existing and not declared_parent:
                    self.problems.append(
                        item.problem(
                            "parent_tenant_id",
                            f"parent tenant '{parent}' does not exist and is not declared in this task.",
                            "Create the parent first or declare it in the same tenants list, or fix the id.",
                        )
                    )
            return
        current_parent = current_view(item.current)["parent_tenant_id"]
        if parent is not None and parent != current_parent:
            now = f"'{current_parent}'" if current_parent else "no parent"
            self.problems.append(
                item.problem(
                    "parent_tenant_id",
                    f"cannot change the parent of existing tenant '{item.label}' (it has {now}); Descope sets the parent only when a tenant is created.",
                    "Remove parent_tenant_id (or set it to the current parent), or delete and re-create the tenant.",
                )
            )

    def _cycle_checks(self, valid: list[Item]) -> None:
        """New tenants whose declared parents lead back to themselves: none of them could be created first."""
        new = {i.label: i for i in valid if i.state == "present" and i.current is None and i.label}
        for label, item in new.items():
            chain = [label]
            parent = item.fields.get("parent_tenant_id")
            while parent in new and parent not in chain:
                chain.append(parent)
                parent = new[parent].fields.get("parent_tenant_id")
            if parent == label and len(chain) > 1:  # a tenant that is its own parent is reported on its own
                self.problems.append(
                    item.problem(
                        "parent_tenant_id",
                        f"the parents of new tenants form a cycle ({' -> '.join([*chain, label])}), so none of them can be created first.",
                        "Give one tenant of the cycle an existing parent, or none.",
                    )
                )

    def _deleted_parent_checks(self, valid: list[Item], deleted: set[str]) -> None:
        keep = {i.label for i in valid if i.state == "present" and i.label} | self.protected
        for child in self.existing.values():
            parent = child.get("parent")
            if parent in deleted and child["id"] not in deleted and child["id"] in keep:
                why = "pruned" if parent in self.pruned else "declared absent"
                what = "protected" if child["id"] in self.protected else "declared present"
                owner = next((i for i in valid if i.label == parent), None)
                problem = Problem(
                    "parent_tenant_id" if owner is None else "state",
                    f"tenant '{parent}' is {why} but its sub-tenant '{child['id']}' is {what}.",
                    f"Declare '{parent}' (or add it to protected_ids), or also delete '{child['id']}'.",
                    index=owner.index if owner else None,
                    id=parent,
                )
                self.problems.append(problem)

    def _unique_in_final_state(self, present: list[Item], deleted: set[str], field: str) -> None:
        """A name or domain may belong to one tenant once this task is done (existing ones included)."""
        owners: dict[str, list[tuple[str, Item | None]]] = {}
        declared = {i.key: i for i in present}
        for tid, record in self.existing.items():
            if tid in deleted or tid in declared:
                continue
            for value in self._values(field, current_view(record)):
                owners.setdefault(value, []).append((tid, None))
        for item in present:
            base = current_view(item.current) if item.current else {}
            view = {**base, **item.fields}
            for value in self._values(field, view):
                owners.setdefault(value, []).append((item.key, item))
        for value, holders in sorted(owners.items()):
            if len(holders) < 2:
                continue
            for _key, owner in holders:
                # Report only on items that set this field: a pre-existing clash is not this task's doing.
                if owner is None or owner.fields.get(field) is None:
                    continue
                item = owner
                others = [self._describe(k, i) for k, i in holders if i is not item]
                if field == "name":
                    msg = f"'{value}' is also the name of {', '.join(others)}; names are unique per project."
                    fix = "Choose a different name, or rename or delete the other tenant in the same task."
                else:
                    # Point at the entry as the user wrote it (the normalised list is sorted).
                    raw = [str(d).strip().lower() for d in item.raw.get(field) or []]
                    idx = raw.index(value) if value in raw else 0
                    field_path = f"{field}[{idx}]"
                    msg = f"domain '{value}' is also claimed by {', '.join(others)}."
                    fix = "Remove the domain from one of the tenants, or set allow_duplicate_domains: true if sharing is intended."
                    self.problems.append(item.problem(field_path, msg, fix))
                    continue
                self.problems.append(item.problem(field, msg, fix))

    @staticmethod
    def _values(field: str, view: Record) -> list[str]:
        value = view.get(field)
        if field == "name":
            return [value] if value else []
        return list(value or [])

    @staticmethod
    def _describe(key: str, item: Item | None) -> str:
        if item is None:
            return f"existing tenant '{key}'"
        return f"item {item.index} ('{item.label or item.name}')" if item.index is not None else f"tenant '{item.label or item.name}'"


# --------------------------------------------------------------------------------------- planning


def _managed(view: Record, fields: t.Iterable[str]) -> Record:
    keys = ["id", "name", *[f for f in FIELD_NAMES if f in fields and f != "name"]]
    return {k: view.get(k) for k in keys}


def _plan_item(item: Item) -> _engine.Change:
    label = item.label or item.name or "?"
    if item.state == "absent":
        if item.current is None:
            return _engine.Change("tenant", label, "unchanged")
        before = compact(current_view(item.current))
        return _engine.Change("tenant", label, "delete", before=before, after=None, apply=_deleter(label, item.cascade))
    fields = item.fields
    if item.current is None:
        after = {"id": item.id, **fields}
        change = _engine.Change("tenant", label, "create", before=None, after=after)
        change.apply = _creator(change, item.id, fields)
        return change
    view = current_view(item.current)
    before = _managed(view, fields)
    after = {**before, **{k: v for k, v in fields.items() if k != "parent_tenant_id" or v}}
    after = _managed(after, fields)
    differs = [f for f in fields if f != "parent_tenant_id" and fields[f] != view[f]]
    if not differs:
        return _engine.Change("tenant", label, "unchanged", before=before, after=after)
    record_fields = {f: fields[f] for f in differs if f != "default_roles"}
    roles = fields["default_roles"] if "default_roles" in differs else None
    return _engine.Change("tenant", label, "update", before=before, after=after, apply=_updater(item.current, record_fields, roles))


def _creator(change: _engine.Change, item_id: str | None, fields: Record) -> t.Callable[[t.Any], None]:
    def apply(client: t.Any) -> None:
        body = _create_body(item_id, fields)
        answer = client.post(PATH_CREATE, body)
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
            client.post(PATH_ROLES, {"id": new_id, "defaultRoles": fields["default_roles"]})

    return apply


def _updater(current: Record, record_fields: Record, roles: list[str] | None) -> t.Callable[[t.Any], None]:
    def apply(client: t.Any) -> None:
        if record_fields:
            client.post(PATH_UPDATE, update_body(current, record_fields))
        if roles is not None:
            client.post(PATH_ROLES, {"id": current["id"], "defaultRoles": roles})

    return apply


def _deleter(tenant_id: str, cascade: bool) -> t.Callable[[t.Any], None]:
    def apply(client: t.Any) -> None:
        try:
            client.post(PATH_DELETE, {"id": tenant_id, "cascade": cascade})
        except DescopeAPIError as exc:
            # Already gone (someone else deleted it between our read and this write): the goal is met.
            _engine.raise_for_not_found(exc)

    return apply


def _assign_phases(changes: list[_engine.Change], items_by_label: dict[str, Item], existing: dict[str, Record]) -> None:
    """Deletes first, children before parents; then updates; then creates, parents before children."""
    deleting = {c.target_id for c in changes if c.action == "delete"}
    creating = {c.target_id: c for c in changes if c.action == "create"}

    def height(tid: str, seen: frozenset[str]) -> int:
        kids = [r["id"] for r in existing.values() if r.get("parent") == tid and r["id"] in deleting and r["id"] not in seen]
        return 0 if not kids else 1 + max(height(k, seen | {tid}) for k in kids)

    def depth(tid: str, seen: frozenset[str]) -> int:
        item = items_by_label.get(tid)
        parent = item.fields.get("parent_tenant_id") if item else None
        if not parent or parent not in creating or parent in seen:
            return 0
        return 1 + depth(parent, seen | {tid})

    for change in changes:
        if change.action == "delete":
            change.phase = -1000 + height(change.target_id, frozenset())
        elif change.action == "create":
            change.phase = 1 + depth(change.target_id, frozenset())


# --------------------------------------------------------------------------------------- run


def _make_items(params: t.Mapping[str, t.Any], set_mode: bool) -> list[Item]:
    if set_mode:
        return [Item(i, raw) for i, raw in enumerate(params.get("tenants") or [])]
    raw = {k: params.get(k) for k in ITEM_KEYS}
    return [Item(None, raw)]


def _static_validation(items: list[Item], params: t.Mapping[str, t.Any], set_mode: bool) -> list[Problem]:
    problems = check_options(params, set_mode)
    for item in items:
        # Single mode: the argument spec already enforced the types, only set-mode items need the schema.
        found = _schema_problems(item) if set_mode else []
        if found:
            item.valid = False  # wrong shape: keep it out of the semantic checks, which need sane types
        else:
            item.fields = desired_fields(item.raw)
        if item.shape_ok:
            found += _value_problems(item)
        problems.extend(found)
    return problems


def _single_mode_reads(client: t.Any, item: Item, params: t.Mapping[str, t.Any]) -> dict[str, Record]:
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
        found = [r for r in search(client, names=[item.name]) if r.get("name") == item.name]
        remember(found)
        current = found[0] if len(found) == 1 else None
    if item.state == "absent":
        return existing
    fields = item.fields
    name = fields.get("name")
    # A name taken by another tenant: only worth a read when creating by id or renaming.
    if name and item.id and (current is None or current.get("name") != name):
        remember(r for r in search(client, names=[name]) if r.get("name") == name)
    domains = fields.get("self_provisioning_domains")
    if domains and not params.get("allow_duplicate_domains"):
        added = sorted(set(domains) - set(current_view(current)["self_provisioning_domains"] if current else []))
        if added:
            remember(r for r in search(client, domains=added))
    parent = fields.get("parent_tenant_id")
    if current is None and parent and parent not in existing:
        found_parent = load_one(client, parent)
        remember([found_parent] if found_parent else [])
    return existing


def plan_task(client: t.Any, params: t.Mapping[str, t.Any]) -> tuple[list[_engine.Change], bool]:
    """Read, validate and plan; raises DescopeValidationError (nothing written) on any problem."""
    set_mode = params.get("tenants") is not None
    items = _make_items(params, set_mode)
    problems = _static_validation(items, params, set_mode)
    if set_mode:
        existing = {str(r["id"]): r for r in load_all(client)}
    elif items[0].valid:
        existing = _single_mode_reads(client, items[0], params)
    else:
        existing = {}
    plan = Plan(items, existing, params, set_mode)
    plan.resolve()
    plan.check()
    problems.extend(plan.problems)
    if problems:
        raise DescopeValidationError(problems)
    changes = [_plan_item(item) for item in items]
    for tid in plan.pruned:
        before = compact(current_view(existing[tid]))
        changes.append(_engine.Change("tenant", tid, "delete", before=before, after=None, apply=_deleter(tid, False)))
    _assign_phases(changes, {i.label or i.name or "": i for i in items}, existing)
    return changes, set_mode


def run(ctx: TaskContext) -> dict[str, t.Any]:
    params = ctx.params
    client = ctx.client()
    changes, set_mode = plan_task(client, params)
    concurrency = int(params.get("concurrency") or 4)
    _engine.execute(changes, client, ctx.check_mode, concurrency=concurrency)
    result: dict[str, t.Any] = {"changed": any(c.changed and c.outcome in ("ok", "check") for c in changes)}
    if set_mode:
        result["tenants"] = [c.as_result() for c in changes]
    else:
        result["tenant"] = changes[0].as_result()
    if ctx.diff:
        result["diff"] = _engine.diff_entries([c for c in changes if c.outcome in ("ok", "check")])
    result["descope_audit"] = _engine.audit_block(ctx.module, ctx.project_id, ctx.check_mode, changes)
    failed = [c for c in changes if c.outcome in ("failed", "skipped")]
    if failed:
        error = _engine.first_error(changes) or {"kind": "api", "message": "write skipped"}
        done = sum(1 for c in changes if c.outcome == "ok" and c.changed)
        hint = one_line(error)
        result["failed"] = True
        result["error"] = error
        result["hint"] = hint
        result["msg"] = (
            f"{len(failed)} of {len(changes)} tenant(s) failed ({done} written, the rest unchanged or skipped); "
            f"first failure on '{error.get('target_id')}': {error.get('message') or error.get('description') or error.get('status')}."
            + (f" Hint: {hint}" if hint else "")
            + " Each tenant's outcome is in the result."
        )
    else:
        result["msg"] = _engine.summary_message("tenant", changes, ctx.check_mode)
    return result


# --------------------------------------------------------------------------------------- info


def _attr_match(actual: t.Any, wanted: t.Any) -> bool:
    if isinstance(wanted, list) and not isinstance(actual, list):
        return actual in wanted
    return bool(actual == wanted)


def run_info(ctx: TaskContext) -> dict[str, t.Any]:
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
        records = search(client, ids=ids or None, names=names or None, domains=domains or None, custom_attributes=attrs or None)
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
        out.append(compact(view))
    out = parents_first(out)
    missing = sorted(set(ids) - {x["id"] for x in out})
    result: dict[str, t.Any] = {"changed": False, "tenants": out}
    result["msg"] = f"Found {len(out)} tenant(s)." + (f" Not found: {', '.join(missing)}." if missing else "")
    if missing:
        result["missing_ids"] = missing
    result["descope_audit"] = _engine.audit_block(ctx.module, ctx.project_id, ctx.check_mode, [])
    return result


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


__all__ = ["ARGUMENT_SPEC", "INFO_ARGUMENT_SPEC", "LIBRARIES", "MODULE_KWARGS", "DescopeError", "parents_first", "plan_task", "run", "run_info"]
