# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Permission and role planning: reads, checks against what exists, batched ordered changes (FOR INTERNAL COLLECTION USE
ONLY).

Reads (the fewest that let the task validate): ``permission/all`` when permissions are declared;
one role read for the scopes the task touches; ``permission/all`` for roles only when a role names a
permission that no existing role already grants (a permission a role grants exists); a tenant search
only for a tenant scope that holds no role yet; ``role/search`` by permission only when a
permission is to be deleted (without and with every tenant's ``tenantIds``, one per ``_api.SEARCH_CHUNK``
names). A no-op sync of roles costs one read.

Writes: one batch per kind of change (permissions created, updated, deleted; roles created, updated;
roles deleted per tenant scope), in this order: permissions created and updated, roles created and
updated, roles deleted, permissions deleted; a failed stage skips the later ones.
Retries and races with other writers are settled in ``_api.Batch`` (by reading existence, never by wording).
"""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._authz import _api, _names
from ansible_collections.descope.mgmt.plugins.module_utils._authz._declare import Declared, Item
from ansible_collections.descope.mgmt.plugins.module_utils._authz._fields import (
    P_CREATE,
    P_DELETE,
    P_UPDATE,
    PERM_CREATE,
    PERM_DELETE,
    PERM_UPDATE,
    PERMISSION_FIELDS,
    R_CREATE,
    R_DELETE,
    R_UPDATE,
    ROLE_CREATE,
    ROLE_DELETE,
    ROLE_FIELDS,
    ROLE_UPDATE,
    Record,
    permission_view,
    role_label,
    role_view,
    show,
)
from ansible_collections.descope.mgmt.plugins.module_utils._change import Change
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem
from ansible_collections.descope.mgmt.plugins.module_utils._spec import Plan

RoleKey = tuple[str, str]  # (tenant id or "", name)


def _api_body(fields: Record, spec: tuple[tuple[str, str, str], ...]) -> Record:
    return {api: fields[opt] for opt, api, _k in spec if fields.get(opt) is not None}


class _Planner:
    def __init__(self, ctx: TaskContext, declared: Declared, problems: list[Problem]) -> None:
        self.ctx = ctx
        self.client = ctx.client()
        self.params = ctx.params
        self.declared = declared
        self.problems = problems
        self.prune = bool(self.params.get("prune")) and declared.set_mode
        self.protected = set(self.params.get("protected_ids") or [])
        self.perms: dict[str, Record] | None = None  # existing permissions by name, once read
        self.roles: dict[RoleKey, Record] = {}
        self.scopes: set[str] = set()
        self.changes: list[Change] = []
        self.deleted_perms: dict[str, Item | None] = {}  # name -> the absent item (None: pruned)
        self.deleted_roles: set[RoleKey] = set()
        self.renamed_perms: dict[str, str] = {}  # old name -> new name (renamed in place, never pruned)
        self.renamed_roles: dict[RoleKey, str] = {}
        self.batches: dict[tuple[int, str], _api.Batch] = {}
        self.existing: dict[str, int] = {}  # per target type, for the pipeline's delete guards

    # ------------------------------------------------------------------ reads
    def read(self) -> None:
        if self.declared.permissions is not None:
            self.perms = {p["name"]: p for p in _api.load_permissions(self.client)}
        roles = self.declared.roles
        if roles is None:
            return
        if self.declared.set_mode:
            # prune reaches only the scopes the set declares: the project roles when an item has no
            # tenant_id (or the set is empty), and the roles of each tenant an item names
            self.scopes = {i.tenant_id for i in roles if i.valid}
            if not roles or any(not i.tenant_id for i in roles if i.valid):
                self.scopes.add("")
            names = None
        else:
            self.scopes = {roles[0].tenant_id}
            names = None  # the whole scope (still one read): a live name that differs only in case is seen too
        if roles and not any(i.valid for i in roles):
            return
        for record in _api.load_roles(self.client, self.scopes, names):
            self.roles.setdefault((_api.scope_of(record), record["name"]), record)

    # ------------------------------------------------------------------ permissions
    def plan_permissions(self) -> None:
        items = self.declared.permissions
        if items is None or self.perms is None:
            return
        declared_names = {i.name for i in items if i.name}
        for item in items:
            if not item.valid:
                continue
            current = self.perms.get(item.name)
            if item.state == "absent":
                if item.name in self.protected:
                    self.problems.append(
                        item.problem(
                            "state",
                            f"permission {show(item.name)} is in protected_ids but declared absent.",
                            "Remove it from protected_ids to delete it, or set state: present.",
                        )
                    )
                elif current is not None:
                    self.deleted_perms[item.name] = item
                    self._permission_delete(item.name, current)
                else:
                    self.changes.append(Change("permission", item.name, "unchanged"))
                continue
            old = self._rename_source(item, current, self.perms)
            if old is not None:
                self.renamed_perms[old] = item.name
                self._permission_rename(item, old, self.perms[old])
                continue
            self._permission_present(item, current)
        if not self.prune:
            return
        prunable = {n: p for n, p in self.perms.items() if not p.get("systemDefault")}
        kept = declared_names | set(self.renamed_perms) | self.protected  # a rename is never a prune
        pruned = sorted(n for n in prunable if n not in kept)
        self.existing["permission"] = len(prunable)  # the pipeline's delete guards count against this
        for name in pruned:
            self.deleted_perms[name] = None
            self._permission_delete(name, self.perms[name])
            self.changes[-1].pruned = True

    def _rename_source(self, item: Item, current: Record | None, live: t.Mapping[t.Any, t.Any]) -> t.Any:
        """The live key of the previous name to rename from (None: no rename); both names live is refused."""
        if not item.previous or not item.valid:
            return None

        def key(name: str) -> t.Any:
            return (item.tenant_id, name) if item.kind == "role" else name

        found = [old for old in item.previous if key(old) in live]  # a role's previous name is looked up in its scope
        if not found:
            return None
        what = f"{item.kind} {show(item.label)}"
        if current is not None:
            self.problems.append(
                item.problem(
                    "previous_names",
                    f"{what} exists and so does its previous name {show(found[0])}; which one to keep is not known.",
                    f"Delete the old {item.kind} (state: absent in another task) or move what it grants by hand, "
                    f"then run again; or remove {show(found[0])} from previous_names.",
                )
            )
            return None
        if len(found) > 1:
            self.problems.append(
                item.problem(
                    "previous_names",
                    f"several previous names of {what} exist: {', '.join(show(f) for f in found)}.",
                    "Keep in previous_names only the one to rename; delete or declare the others on their own.",
                )
            )
            return None
        if not self._creatable(item, renamed_from=found[0]) or not self._describable(item, live[key(found[0])]):
            return None
        return key(found[0])

    def _permission_rename(self, item: Item, old: str, current: Record) -> None:
        view = permission_view(current)
        before = {k: view[k] for k in ("name", *item.fields)}
        after = {**before, **item.fields, "name": item.name}
        merged = {**view, **item.fields}
        body = {"name": old, "newName": item.name, "description": merged["description"]}  # the API renames in place
        change = Change(
            "permission", item.name, "update", before, after, phase=P_UPDATE, stage=P_UPDATE, renamed_from=old
        )
        change.apply = self._batch(P_UPDATE, "", PERM_UPDATE, lambda b: {"permissions": b}).member(body, change)
        self.changes.append(change)

    def _creatable(self, item: Item, renamed_from: str | None = None) -> bool:
        live = [n for sc, n in self.roles if sc == item.tenant_id] if item.kind == "role" else list(self.perms or {})
        found = _names.name_problems(item, live, renamed_from)
        self.problems.extend(found)
        return not found

    def _describable(self, item: Item, current: Record | None) -> bool:
        found = _names.description_problem(item, current)
        if found:
            self.problems.append(found)
        return not found

    def _permission_present(self, item: Item, current: Record | None) -> None:
        if current is None:
            if not all([self._creatable(item), self._describable(item, None)]):  # both problems reported
                return
            body = {"name": item.name, **_api_body(item.fields, PERMISSION_FIELDS)}
            change = Change(
                "permission",
                item.name,
                "create",
                before=None,
                after=permission_view(body),
                phase=P_CREATE,
                stage=P_CREATE,
            )
            change.apply = self._batch(P_CREATE, "", PERM_CREATE, lambda b: {"permissions": b}).member(body, change)
            self.changes.append(change)
            return
        view = permission_view(current)
        before = {k: view[k] for k in ("name", *item.fields)}
        after = {**before, **item.fields}
        if before == after:
            self.changes.append(Change("permission", item.name, "unchanged", before=before, after=after))
            return
        if not self._describable(item, current):
            return
        merged = {**view, **item.fields}
        body = {"name": item.name, "newName": item.name, "description": merged["description"]}
        change = Change("permission", item.name, "update", before=before, after=after, phase=P_UPDATE, stage=P_UPDATE)
        change.apply = self._batch(P_UPDATE, "", PERM_UPDATE, lambda b: {"permissions": b}).member(body, change)
        self.changes.append(change)

    def _permission_delete(self, name: str, current: Record) -> None:
        change = Change(
            "permission", name, "delete", before=permission_view(current), after=None, phase=P_DELETE, stage=P_DELETE
        )
        change.apply = self._batch(P_DELETE, "", PERM_DELETE, lambda b: {"names": [x["name"] for x in b]}).member(
            {"name": name}, change
        )
        self.changes.append(change)

    # ------------------------------------------------------------------ roles
    def plan_roles(self) -> None:
        items = self.declared.roles
        if items is None:
            return
        declared_keys = {(i.tenant_id, i.name) for i in items if i.name}
        for item in items:
            if not item.valid:
                continue
            key = (item.tenant_id, item.name)
            current = self.roles.get(key)
            if item.state == "absent":
                if item.label in self.protected:
                    self.problems.append(
                        item.problem(
                            "state",
                            f"role {show(item.label)} is in protected_ids but declared absent.",
                            "Remove it from protected_ids to delete it, or set state: present.",
                        )
                    )
                elif current is not None:
                    self.deleted_roles.add(key)
                    self._role_delete(key, current)
                else:
                    self.changes.append(Change("role", item.label, "unchanged"))
                continue
            old_key = self._rename_source(item, current, self.roles)
            if old_key is not None:
                self.renamed_roles[old_key] = item.name
                self._role_present(item, self.roles[old_key], renamed_from=old_key[1])
                continue
            self._role_present(item, current)
        if not self.prune:
            return
        kept = declared_keys | set(self.renamed_roles)  # the old name of a rename is never pruned
        pruned = sorted(k for k in self.roles if k not in kept and role_label(*k) not in self.protected)
        self.existing["role"] = len(self.roles)
        for key in pruned:
            self.deleted_roles.add(key)
            self._role_delete(key, self.roles[key])
            self.changes[-1].pruned = True

    def _role_present(self, item: Item, current: Record | None, renamed_from: str | None = None) -> None:
        scope = {"tenantId": item.tenant_id} if item.tenant_id else {}
        group = "tenant" if item.tenant_id and self.declared.split_scopes else ""
        if current is None:
            if not all([self._creatable(item), self._describable(item, None)]):  # both problems reported
                return
            body = {"name": item.name, **scope, **_api_body(item.fields, ROLE_FIELDS)}
            change = Change(
                "role", item.label, "create", before=None, after=role_view(body), phase=R_CREATE, stage=R_CREATE
            )
            change.apply = self._batch(R_CREATE, group, ROLE_CREATE, lambda b: {"roles": b}).member(body, change)
            self.changes.append(change)
            return
        view = role_view(current)
        ident = ["name", "tenant_id"] if item.tenant_id else ["name"]
        before = {k: view[k] for k in (*ident, *item.fields)}
        after = {**before, **item.fields, "name": item.name}
        if before == after:
            self.changes.append(Change("role", item.label, "unchanged", before=before, after=after))
            return
        if not self._describable(item, current):
            return
        merged = {**view, **item.fields}  # the update replaces the record: unmanaged fields keep their value
        # newName renames in place (OpenAPI UpdateRoleRequest): users, tenant defaults and SSO mappings keep the role
        body = {"name": renamed_from or item.name, "newName": item.name, **scope, **_api_body(merged, ROLE_FIELDS)}
        change = Change(
            "role",
            item.label,
            "update",
            before=before,
            after=after,
            phase=R_UPDATE,
            stage=R_UPDATE,
            renamed_from=role_label(item.tenant_id, renamed_from) if renamed_from else None,
        )
        change.apply = self._batch(R_UPDATE, group, ROLE_UPDATE, lambda b: {"roles": b}).member(body, change)
        self.changes.append(change)

    def _role_delete(self, key: RoleKey, current: Record) -> None:
        tenant, name = key
        body = {"name": name, **({"tenantId": tenant} if tenant else {})}

        def wrap(bodies: list[Record], tenant: str = tenant) -> Record:
            # one scope per batch delete (python SDK role_delete_batch_body); never an empty name list
            return {"roleNames": [x["name"] for x in bodies], **({"tenantId": tenant} if tenant else {})}

        change = Change(
            "role",
            role_label(tenant, name),
            "delete",
            before=role_view(current),
            after=None,
            phase=R_DELETE,
            stage=R_DELETE,
        )
        change.apply = self._batch(R_DELETE, tenant, ROLE_DELETE, wrap).member(body, change)
        self.changes.append(change)

    def _batch(self, phase: int, scope: str, path: str, wrap: t.Callable[[list[Record]], Record]) -> _api.Batch:
        batch = self.batches.get((phase, scope))
        if batch is None:
            action = (
                "create" if phase in (P_CREATE, R_CREATE) else "update" if phase in (P_UPDATE, R_UPDATE) else "delete"
            )
            kind = "permission" if phase in (P_CREATE, P_UPDATE, P_DELETE) else "role"
            batch = _api.Batch(
                path,
                wrap,
                action,
                kind,
                create_path=PERM_CREATE if kind == "permission" else ROLE_CREATE,
                update_path=PERM_UPDATE if kind == "permission" else ROLE_UPDATE,
            )
            self.batches[(phase, scope)] = batch
        return batch

    # ------------------------------------------------------------------ checks against what exists
    def check_role_permissions(self) -> None:
        """A role may only name a permission that exists (and stays) or that the task declares present."""
        items = [
            i
            for i in self.declared.roles or []
            if i.valid and i.state == "present" and i.fields.get("permission_names")
        ]
        if not items:
            return
        declared = {i.name for i in self.declared.permissions or [] if i.valid and i.state == "present"}
        granted = {str(p) for r in self.roles.values() for p in r.get("permissionNames") or []}

        def available() -> set[str]:
            known = set(self.perms) if self.perms is not None else granted
            return (known | declared) - set(self.deleted_perms) - set(self.renamed_perms)

        needed = {p for i in items for p in i.fields["permission_names"]}
        if needed - available() and self.perms is None:
            self.perms = {p["name"]: p for p in _api.load_permissions(self.client)}
        have = available()
        for item in items:
            for perm in item.fields["permission_names"]:
                i = item.positions.get(perm, 0)
                if perm in have:
                    continue
                if perm in self.renamed_perms:
                    new = self.renamed_perms[perm]
                    message = f"names permission {show(perm)}, which this task renames to {show(new)}."
                    fix = f"Name the permission by its new name {show(new)} in this role."
                elif perm in self.deleted_perms:
                    message = f"names permission {show(perm)}, which this task deletes."
                    fix = (
                        f"Keep permission {show(perm)} (declare it, or add it to protected_ids), or remove it from "
                        "this role."
                    )
                else:
                    message = f"names permission {show(perm)}, which does not exist and is not declared."
                    fix = (
                        "Create it first (descope_permission), declare it in this task's permissions option, or fix "
                        "the spelling (descope_permission_info lists them)."
                    )
                self.problems.append(item.problem(f"permission_names[{i}]", message, fix))

    def check_tenants(self) -> None:
        """A tenant-scoped role needs its tenant; read only for scopes that hold no role yet."""
        scoped = {r_key[0] for r_key in self.roles}
        scoped |= self.declared.pending_tenants
        new = [
            i
            for i in self.declared.roles or []
            if i.valid and i.state == "present" and i.tenant_id and i.tenant_id not in scoped
        ]
        if not new:
            return
        found = _api.existing_tenants(self.client, [i.tenant_id for i in new])
        for item in new:
            if item.tenant_id not in found:
                self.problems.append(
                    item.problem(
                        "tenant_id",
                        f"tenant {show(item.tenant_id)} does not exist.",
                        "Create the tenant first (descope_tenant), or fix the tenant id.",
                    )
                )

    def check_permission_deletes(self) -> None:
        """Deleting a permission silently removes it from the roles that grant it: refuse unless this task changes
        them."""
        if not self.deleted_perms:
            return
        final: dict[RoleKey, list[str]] = {}
        for item in self.declared.roles or []:
            if item.valid and item.state == "present" and "permission_names" in item.fields:
                final[(item.tenant_id, item.name)] = item.fields["permission_names"]
        for record in _api.roles_granting(self.client, list(self.deleted_perms)):
            key = (_api.scope_of(record), record["name"])
            if key in self.deleted_roles:
                continue
            if key in self.renamed_roles:  # the role keeps its grants under its new name
                key = (key[0], self.renamed_roles[key])
            keeps = final.get(key, [str(p) for p in record.get("permissionNames") or []])
            for perm in sorted(set(keeps) & set(self.deleted_perms)):
                absent = self.deleted_perms[perm]
                message = (
                    f"permission {show(perm)} is granted by role {show(role_label(*key))}, which would lose it "
                    "silently."
                )
                fix = (
                    f"Remove {show(perm)} from that role first, delete the role, or manage both in one descope_role "
                    "task (roles and permissions options) so the order is handled; or keep the permission "
                    "(protected_ids)."
                )
                if absent is not None:
                    self.problems.append(absent.problem("state", message, fix))
                else:
                    self.problems.append(Problem("prune", message, fix, id=perm))


def plan(ctx: TaskContext, declared: Declared, problems: list[Problem]) -> Plan:
    mode = "set" if declared.set_mode else "single"
    if not declared.options_ok:
        return Plan([], mode)  # a misused option (prune in single mode...): no request at all
    planner = _Planner(ctx, declared, problems)
    planner.read()
    planner.plan_permissions()
    planner.plan_roles()
    planner.check_role_permissions()
    planner.check_tenants()
    planner.check_permission_deletes()
    if problems:
        return Plan([], mode)
    return Plan(planner.changes, mode, data={"batches": len(planner.batches)}, existing=planner.existing)
