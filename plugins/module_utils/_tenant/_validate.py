# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant validation: item shape (jsonschema), values, and checks against what exists (FOR INTERNAL COLLECTION USE
ONLY)."""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem
from ansible_collections.descope.mgmt.plugins.module_utils._schema_fast import certainly_valid
from ansible_collections.descope.mgmt.plugins.module_utils._tenant._fields import (
    _DOMAIN_RE,
    ITEM_KEYS,
    ITEM_SCHEMA,
    TENANT_ID_RE,
    Record,
    current_view,
    norm_name,
)
from ansible_collections.descope.mgmt.plugins.module_utils._text import (
    NAME_FIX,
    NAME_REFUSED,
    escape_text,
    invisible_in_name,
    type_name,
)


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
        self.name: str | None = (
            _text(norm_name(self.raw["name"])) if isinstance(self.raw.get("name"), str) else _text(self.raw.get("name"))
        )
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
        return [
            Problem(
                "tenants",
                "each item must be a mapping of tenant fields.",
                "Write the item as a YAML mapping (id, name, ...).",
                index=item.index,
            )
        ]
    if certainly_valid(item.raw, ITEM_SCHEMA):  # the common case, without jsonschema's per-item cost
        return []
    import jsonschema  # pylint: disable=import-outside-toplevel  # see HAS_JSONSCHEMA

    problems = []
    validator = jsonschema.Draft7Validator(ITEM_SCHEMA)
    for error in sorted(validator.iter_errors(item.raw), key=lambda e: [str(p) for p in e.absolute_path]):
        path = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "additionalProperties":
            unknown = sorted(set(item.raw) - set(ITEM_KEYS))
            for key in unknown:
                problems.append(
                    item.problem(
                        key,
                        "is not a tenant option.",
                        f"Remove it or fix the spelling; allowed keys: {', '.join(ITEM_KEYS)}.",
                    )
                )
            continue
        field = path or "item"
        if error.validator == "type":
            expected = error.validator_value
            expected = [x for x in expected if x != "null"] if isinstance(expected, list) else [expected]
            got = type_name(error.instance)
            problems.append(
                item.problem(
                    field,
                    f"must be of type {' or '.join(expected)}, got {got} ({error.instance!r:.60}).",
                    f"Set {field} to a {' or '.join(expected)} value.",
                )
            )
        elif error.validator == "enum":
            problems.append(
                item.problem(
                    field,
                    f"must be one of present, absent; got {error.instance!r}.",
                    "Use state: present or state: absent.",
                )
            )
        else:
            problems.append(
                item.problem(
                    field,
                    f"is invalid: {error.message}.",
                    f"Correct {field} (see ansible-doc descope.mgmt.descope_tenant).",
                )
            )
    return problems


def _value_problems(item: Item) -> list[Problem]:
    """Syntax checks of single values (run after the shape is known to be right)."""
    problems = []
    for field in ("id", "parent_tenant_id"):
        value = item.raw.get(field)
        if isinstance(value, str) and value and not TENANT_ID_RE.match(value):
            problems.append(
                item.problem(
                    field,
                    f"'{value}' is not a tenant id: ids hold only letters, digits, '_' and '-' (1 to 255), as the API "
                    "takes them.",
                    "Use an id such as acme-eu or acme_2 (no '/', '.', spaces or other characters).",
                )
            )
    name = item.raw.get("name")
    if isinstance(name, str) and not norm_name(name):
        problems.append(
            item.problem(
                "name",
                "is empty or only spaces.",
                "Set a name with at least one visible character, or leave name unset.",
            )
        )
    elif isinstance(name, str) and invisible_in_name(name):  # the rule every module applies to names
        problems.append(item.problem("name", f"'{escape_text(name)}' {NAME_REFUSED}.", NAME_FIX))
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
        ok = isinstance(value, (str, int, float, bool)) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        )
        if not ok:
            problems.append(
                item.problem(
                    f"custom_attributes.{key}",
                    f"has a value of type {type_name(value)}.",
                    "Custom attribute values must be a string, a number, a boolean or a list of strings.",
                )
            )
    if item.state == "present" and not item.id and not item.name:
        problems.append(
            item.problem(
                "id",
                "neither id nor name is set, so the tenant cannot be identified.",
                "Set id (preferred) or name, which is unique per project.",
            )
        )
    if item.state == "absent" and not item.id and not item.name:
        problems.append(item.problem("id", "a tenant to delete needs an id or a name.", "Set id or name."))
    return problems


class Checks:
    """The checks against what exists: target resolution, duplicates, parents, unique names and domains, prune."""

    def __init__(
        self, items: list[Item], existing: dict[str, Record], params: t.Mapping[str, t.Any], set_mode: bool
    ) -> None:
        self.items = items
        self.existing = existing
        self.set_mode = set_mode
        self.prune = bool(params.get("prune")) and set_mode
        self.protected = set(params.get("protected_ids") or [])
        self.allow_duplicate_domains = bool(params.get("allow_duplicate_domains"))
        self.problems: list[Problem] = []
        self.pruned: list[str] = []
        self._views: dict[int, tuple[Record, Record]] = {}
        self._by_label: dict[str, list[Item]] = {}

    def view(self, record: Record) -> Record:
        """``current_view(record)``, computed once per record: planning reads each one up to four times. Do not modify
        it."""
        known = self._views.get(id(record))
        if known is None or known[0] is not record:
            known = self._views[id(record)] = (record, current_view(record))
        return known[1]

    def _declared(self, label: str | None) -> list[Item]:
        """The items of ``check``'s valid list with this label, in their order (an index: a scan per item was
        O(n^2))."""
        return self._by_label.get(label, []) if label else []

    def resolve(self) -> None:
        """Attach each valid item to the existing tenant it targets (by id, else by unique name)."""
        by_name: dict[str, list[Record]] = {}
        for record in self.existing.values():
            by_name.setdefault(norm_name(record.get("name")), []).append(record)
        for item in self.items:
            if not item.valid:
                continue
            if item.id:
                item.current = self.existing.get(item.id)
            elif item.name:
                matches = by_name.get(item.name, [])
                if len(matches) > 1:
                    ids = ", ".join(sorted(str(m["id"]) for m in matches))
                    self.problems.append(
                        item.problem("name", f"matches several existing tenants ({ids}).", "Identify the tenant by id.")
                    )
                    item.valid = False
                elif matches:
                    item.current = matches[0]

    def check(self) -> None:
        valid = [i for i in self.items if i.valid]
        self._by_label = {}
        for item in valid:
            if item.label:
                self._by_label.setdefault(item.label, []).append(item)
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
                    item.problem(
                        "id",
                        f"tenant '{key}' is declared twice (items {first.index} and {item.index}) by {how}.",
                        "Declare each tenant once.",
                    )
                )
                item.valid = False
            else:
                seen[key] = item

    def _present_checks(self, item: Item, valid: list[Item], deleted: set[str]) -> None:
        parent = item.fields.get("parent_tenant_id")
        if item.current is None:
            if not item.name:
                self.problems.append(
                    item.problem(
                        "name", f"is required to create tenant '{item.id}' (it does not exist yet).", "Set name."
                    )
                )
            if parent:
                declared_parent = [i for i in self._declared(parent) if i is not item]
                if parent == item.label:
                    self.problems.append(
                        item.problem(
                            "parent_tenant_id",
                            "a tenant cannot be its own parent.",
                            "Remove parent_tenant_id or use another id.",
                        )
                    )
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
        current_parent = self.view(item.current)["parent_tenant_id"]
        if parent is not None and parent != current_parent:
            now = f"'{current_parent}'" if current_parent else "no parent"
            self.problems.append(
                item.problem(
                    "parent_tenant_id",
                    f"cannot change the parent of existing tenant '{item.label}' (it has {now}); Descope sets the "
                    "parent only when a tenant is created.",
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
                        f"the parents of new tenants form a cycle ({' -> '.join([*chain, label])}), so none of them "
                        "can be created first.",
                        "Give one tenant of the cycle an existing parent, or none.",
                    )
                )

    def _sub_tenants(self) -> dict[str, set[str]]:
        """Parent id -> ids of its existing sub-tenants, from both links an answer may carry (parent, successors)."""
        kids: dict[str, set[str]] = {}
        for record in self.existing.values():
            parent = record.get("parent")
            if isinstance(parent, str) and parent:
                kids.setdefault(parent, set()).add(str(record["id"]))
            successors = record.get("successors")
            for kid in successors if isinstance(successors, list) else []:
                if isinstance(kid, str) and kid:
                    kids.setdefault(str(record["id"]), set()).add(kid)
        return kids

    def _deleted_parent_checks(self, valid: list[Item], deleted: set[str]) -> None:
        """A deleted tenant's sub-tenants must be deleted by the same task.

        No source says what Descope does with them (cascade is documented for users and access keys only): they
        may go with the parent, stay detached, or the delete may be refused. Only a plan that deletes them first,
        each as its own planned, counted and audited change, is exact under every reading.
        """
        keep = {i.label for i in valid if i.state == "present" and i.label} | self.protected
        kids = self._sub_tenants()
        for parent in sorted(deleted):
            left = sorted(k for k in kids.get(parent, ()) if k not in deleted)
            if not left:
                continue
            why = "pruned" if parent in self.pruned else "declared absent"
            owner = next(iter(self._declared(parent)), None)
            field = "parent_tenant_id" if owner is None else "state"
            index = owner.index if owner else None
            for child in (k for k in left if k in keep):
                what = "protected" if child in self.protected else "declared present"
                self.problems.append(
                    Problem(
                        field,
                        f"tenant '{parent}' is {why} but its sub-tenant '{child}' is {what}.",
                        f"Declare '{parent}' (or add it to protected_ids), or also delete '{child}'.",
                        index=index,
                        id=parent,
                    )
                )
            others = [k for k in left if k not in keep]
            if others:
                more = f" and {len(others) - 5} more" if len(others) > 5 else ""
                shown = ", ".join(f"'{k}'" for k in others[:5]) + more
                fix = (
                    f"Also declare {shown} with state: absent (sub-tenants are deleted first, each one planned and "
                    f"counted), or keep '{parent}'."
                    if self.set_mode
                    else f"Delete the sub-tenants {shown} first (for example in set mode, declared absent with "
                    f"'{parent}'), or keep '{parent}'."
                )
                self.problems.append(
                    Problem(
                        field,
                        f"tenant '{parent}' is {why} but has sub-tenants this task does not delete ({shown}); what "
                        "a delete does to sub-tenants (with or without cascade) is not published, so it is not "
                        "guessed.",
                        fix,
                        index=index,
                        id=parent,
                    )
                )

    def _unique_in_final_state(self, present: list[Item], deleted: set[str], field: str) -> None:
        """A name or domain may belong to one tenant once this task is done (existing ones included)."""
        owners: dict[str, list[tuple[str, Item | None]]] = {}
        declared = {i.key: i for i in present}
        for tid, record in self.existing.items():
            if tid in deleted or tid in declared:
                continue
            for value in self._values(field, self.view(record)):
                owners.setdefault(value, []).append((tid, None))
        for item in present:
            base = self.view(item.current) if item.current else {}
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
                    fix = (
                        "Remove the domain from one of the tenants, or set allow_duplicate_domains: true if sharing "
                        "is intended."
                    )
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
        return (
            f"item {item.index} ('{item.label or item.name}')"
            if item.index is not None
            else f"tenant '{item.label or item.name}'"
        )
