# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stateful model test of descope_role and descope_permission: check mode is the real run.

Hypothesis drives one emulator project with two tenants: someone else edits the live roles and permissions through
the API (creates, deletes, renames, grants), and the collection runs generated set-mode and single-mode tasks of both
modules, with tenant scopes, ``previous_names`` renames, prune and its guards, and deletes of permissions that roles
grant. After every task it checks, as properties rather than examples:

- check mode writes nothing and changes nothing;
- the real run reports the same verdict, the same items with the same actions, before/after and diff, and the same
  counts in ``descope_audit``;
- what the run reports is what happened: the roles and permissions that disappeared are the reported deletes, the
  new ones the reported creates, a renamed one kept its identity, and no unreported one changed (a permission
  deleted under a role that grants it, or a role of another scope touched, is caught);
- a refused task fails before its first write, and a second run of an applied task changes nothing.

Each run picks the emulator's readings of the unpublished behaviours: name case, what a role search without
``tenantIds`` returns, and the status of "not found".
"""

from __future__ import annotations

import typing as t

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test
from property_profiles import budget

TENANTS = ("t1", "t2")
PERMS = ("read", "write", "audit", "Read")
ROLES = ("viewer", "editor", "owner", "Viewer")
DESCS = ("", "Reads", "Edits")

scopes = st.sampled_from((None, *TENANTS))
perm_names = st.lists(st.sampled_from(PERMS), max_size=2, unique=True)
role_item = st.fixed_dictionaries(
    {"name": st.sampled_from(ROLES)},
    optional={
        "tenant_id": st.sampled_from(TENANTS),
        "description": st.sampled_from(DESCS),
        "permission_names": perm_names,
        "default": st.booleans(),
        "private": st.booleans(),
        "state": st.sampled_from(["present", "absent"]),
        "previous_names": st.lists(st.sampled_from(ROLES), max_size=1),
    },
)
perm_item = st.fixed_dictionaries(
    {"name": st.sampled_from(PERMS)},
    optional={
        "description": st.sampled_from(DESCS),
        "state": st.sampled_from(["present", "absent"]),
        "previous_names": st.lists(st.sampled_from(PERMS), max_size=1),
    },
)
guards = {
    "prune": st.booleans(),
    "max_deletes": st.integers(0, 3),
    "allow_empty_prune": st.booleans(),
    "max_delete_ratio": st.sampled_from([0.5, 1.0]),
}
role_set_task = st.fixed_dictionaries(
    {"roles": st.lists(role_item, max_size=4)},
    optional={
        "permissions": st.lists(perm_item, max_size=3),
        "protected_ids": st.lists(st.sampled_from(["viewer", "t1/editor", "read"]), max_size=2, unique=True),
        **guards,
    },
)
perm_set_task = st.fixed_dictionaries(
    {"permissions": st.lists(perm_item, max_size=3)},
    optional={"protected_ids": st.lists(st.sampled_from(PERMS), max_size=1), **guards},
)


def role_key(record: dict[str, t.Any]) -> str:
    return f"{record['tenantId']}/{record['name']}" if record.get("tenantId") else str(record["name"])


def _rows(result: dict[str, t.Any], many: str, one: str) -> list[dict[str, t.Any]]:
    rows = result.get(many)
    if isinstance(rows, list):
        return rows
    return [result[one]] if isinstance(result.get(one), dict) else []


def _items(rows: list[dict[str, t.Any]]) -> list[tuple[t.Any, ...]]:
    """What a result says about each object, with check mode's wording made the real run's."""
    return [(i.get("id"), str(i.get("action", "")).replace("would be ", ""), i.get("renamed_from"), i.get("before"), i.get("after")) for i in rows]


def _counts(result: dict[str, t.Any]) -> t.Any:
    return (result.get("descope_audit") or {}).get("counts")


class AuthzModel(RuleBasedStateMachine):
    def __init__(self, engine: t.Any) -> None:
        super().__init__()
        self.engine = engine
        self.server = engine.server

    # --- the live world, read through the API, keyed by the emulator's own ids (a rename keeps the id)
    def live_roles(self) -> dict[str, dict[str, t.Any]]:
        tenants = [r["id"] for r in self.server.api("GET", "/v1/mgmt/tenant/all").json().get("tenants") or []]
        body = {"tenantIds": tenants, "includeProjectRoles": True}
        found = self.server.api("POST", "/v1/mgmt/role/search", json=body).json().get("roles") or []
        fields = ("name", "tenantId", "description", "default", "private")
        return {r["id"]: {**{k: r.get(k) for k in fields}, "permissionNames": sorted(r.get("permissionNames") or [])} for r in found}

    def live_perms(self) -> dict[str, dict[str, t.Any]]:
        found = self.server.api("GET", "/v1/mgmt/permission/all").json().get("permissions") or []
        return {p["id"]: {"name": p["name"], "description": p.get("description") or ""} for p in found}

    def live(self) -> tuple[dict[str, t.Any], dict[str, t.Any]]:
        return self.live_roles(), self.live_perms()

    @initialize(
        name_case=st.sampled_from(["sensitive", "insensitive"]),
        search=st.sampled_from(["all", "project"]),
        not_found=st.sampled_from([404, 400]),
        perms=st.lists(st.sampled_from(PERMS[:3]), unique=True),
        roles=st.lists(st.tuples(scopes, st.sampled_from(ROLES[:3]), perm_names), max_size=4),
    )
    def start(self, name_case: str, search: str, not_found: int, perms: list[str], roles: list[tuple[t.Any, ...]]) -> None:
        self.server.reset()
        self.server.seed(tenants=[{"id": i, "name": i.upper()} for i in TENANTS], permissions=[{"name": p} for p in perms], roles=[])
        self.server.config(nameCase=name_case, roleSearchWithoutTenants=search, notFoundStatus=not_found)
        self.server.clear_log()
        if perms:
            # a tenant role that grants a permission: the case a role search without tenantIds may not show
            self.someone_creates_role(TENANTS[0], ROLES[0], perms[:1])
        for scope, name, granted in roles:
            self.someone_creates_role(scope, name, granted)

    # --- someone else edits the live project through the API
    @rule(name=st.sampled_from(PERMS), description=st.sampled_from(DESCS))
    def someone_creates_permission(self, name: str, description: str) -> None:
        self.server.api("POST", "/v1/mgmt/permission/create", json={"name": name, "description": description})

    @rule(name=st.sampled_from(PERMS))
    def someone_deletes_permission(self, name: str) -> None:
        self.server.api("POST", "/v1/mgmt/permission/delete", json={"name": name})

    @rule(scope=scopes, name=st.sampled_from(ROLES), granted=perm_names)
    def someone_creates_role(self, scope: str | None, name: str, granted: list[str]) -> None:
        have = {p["name"] for p in self.live_perms().values()}
        body = {"name": name, "permissionNames": [p for p in granted if p in have], **({"tenantId": scope} if scope else {})}
        self.server.api("POST", "/v1/mgmt/role/create", json=body)

    @rule(scope=scopes, name=st.sampled_from(ROLES))
    def someone_deletes_role(self, scope: str | None, name: str) -> None:
        self.server.api("POST", "/v1/mgmt/role/delete", json={"name": name, **({"tenantId": scope} if scope else {})})

    @rule(tenant=st.sampled_from(TENANTS))
    def someone_deletes_a_tenant(self, tenant: str) -> None:
        self.server.api("POST", "/v1/mgmt/tenant/delete", json={"id": tenant})

    @rule(tenant=st.sampled_from(TENANTS))
    def someone_creates_a_tenant(self, tenant: str) -> None:
        self.server.api("POST", "/v1/mgmt/tenant/create", json={"id": tenant, "name": tenant.upper()})

    @rule(data=st.data())
    def someone_renames_a_role(self, data: st.DataObject) -> None:
        live = sorted(self.live_roles().values(), key=role_key)
        if live:
            role = data.draw(st.sampled_from(live))
            body = {**role, "newName": data.draw(st.sampled_from(ROLES))}
            self.server.api("POST", "/v1/mgmt/role/update", json={k: v for k, v in body.items() if v not in ("", None)})

    # --- the collection's tasks
    @rule(params=role_set_task)
    def run_role_set_task(self, params: dict[str, t.Any]) -> None:
        self._run("descope_role", params)

    @rule(params=role_item)
    def run_role_single_task(self, params: dict[str, t.Any]) -> None:
        self._run("descope_role", params)

    @rule(params=perm_set_task)
    def run_permission_set_task(self, params: dict[str, t.Any]) -> None:
        self._run("descope_permission", params)

    @rule(params=perm_item)
    def run_permission_single_task(self, params: dict[str, t.Any]) -> None:
        self._run("descope_permission", params)

    @rule(data=st.data())
    def run_task_about_live_objects(self, data: st.DataObject) -> None:
        """Aimed at what the pools rarely hit together: a rename of a live role or permission, the delete of a
        permission a live role grants, a prune of one tenant's scope."""
        roles, perms = self.live()
        kind = data.draw(st.sampled_from(["rename_role", "rename_perm", "delete_granted", "prune_scope"]))
        if kind == "rename_role" and roles:
            role = data.draw(st.sampled_from(sorted(roles.values(), key=role_key)))
            item = {"name": data.draw(st.sampled_from(ROLES)), "previous_names": [role["name"]]}
            item.update({"tenant_id": role["tenantId"]} if role["tenantId"] else {})
            self._run("descope_role", item if data.draw(st.booleans()) else {"roles": [item]})
        elif kind == "rename_perm" and perms:
            perm = data.draw(st.sampled_from(sorted(p["name"] for p in perms.values())))
            item = {"name": data.draw(st.sampled_from(PERMS)), "previous_names": [perm]}
            module = data.draw(st.sampled_from(["descope_permission", "descope_role"]))
            if module == "descope_role":
                # roles declared in the same task may grant the old name or the new one
                self._run(module, {"roles": data.draw(st.lists(role_item, max_size=2)), "permissions": [item]})
            else:
                self._run(module, item if data.draw(st.booleans()) else {"permissions": [item]})
        elif kind == "delete_granted":
            granted = sorted({n for r in roles.values() for n in r["permissionNames"]})
            if granted:
                name = data.draw(st.sampled_from(granted))
                module = data.draw(st.sampled_from(["descope_permission", "descope_role"]))
                absent = {"name": name, "state": "absent"}
                if module == "descope_role":
                    holders = [r for r in roles.values() if name in r["permissionNames"]]
                    declared = [
                        {"name": r["name"], "state": "absent", **({"tenant_id": r["tenantId"]} if r["tenantId"] else {})}
                        for r in data.draw(st.lists(st.sampled_from(holders), unique_by=role_key))
                    ]
                    self._run(module, {"roles": declared, "permissions": [absent]})
                else:
                    self._run(module, absent)
        elif kind == "prune_scope":
            scope = data.draw(st.sampled_from(TENANTS))
            kept = [r["name"] for r in roles.values() if r["tenantId"] == scope]
            items = [{"name": n, "tenant_id": scope} for n in data.draw(st.lists(st.sampled_from(kept), unique=True))] if kept else []
            if not items:
                items = [{"name": data.draw(st.sampled_from(ROLES)), "tenant_id": scope}]
            self._run("descope_role", {"roles": items, "prune": True, "max_delete_ratio": 1.0, "max_deletes": 3})

    # --- the properties
    def _run(self, module: str, params: dict[str, t.Any]) -> None:
        engine = self.engine
        ran = engine.check_then_run(module, params, self.live)
        if ran is None:
            return  # refused in both modes, with nothing written
        predicted, result, writes, before, after = ran
        role_rows = _rows(result, "roles", "role") if module == "descope_role" else []
        perm_rows = _rows(result, "permissions", "permission")
        if module == "descope_role":
            assert _items(_rows(predicted, "roles", "role")) == _items(role_rows)
        assert _items(_rows(predicted, "permissions", "permission")) == _items(perm_rows)
        assert predicted.get("diff") == result.get("diff")
        assert _counts(predicted) == _counts(result)
        assert bool(predicted.get("changed")) == bool(result.get("changed")) == bool(writes), (result.get("changed"), writes)
        renames = {r["renamed_from"]: r["id"] for r in perm_rows if r.get("renamed_from")}
        self._reported_is_what_happened(before[1], after[1], perm_rows, lambda p: str(p["name"]), {})
        self._reported_is_what_happened(before[0], after[0], role_rows, role_key, renames)
        again, again_writes = engine.run(module, params)
        assert not again.get("failed") and not again["changed"] and again_writes == [], again.get("msg")

    @staticmethod
    def _reported_is_what_happened(
        before: dict[str, t.Any], after: dict[str, t.Any], rows: list[dict[str, t.Any]], key: t.Callable[..., str], renames: dict[str, str]
    ) -> None:
        actions = {r["id"]: str(r.get("action")) for r in rows}
        gone = {key(before[i]) for i in set(before) - set(after)}
        new = {key(after[i]) for i in set(after) - set(before)}
        assert gone == {i for i, a in actions.items() if a == "deleted"}, (before, after, actions)
        assert new == {i for i, a in actions.items() if a == "created"}, (before, after, actions)
        for row in rows:
            if row.get("renamed_from"):
                moved = [i for i in set(before) & set(after) if key(before[i]) == row["renamed_from"]]
                assert moved and key(after[moved[0]]) == row["id"], f"'{row['renamed_from']}' was not renamed in place"
        by_key = {key(r): r for r in after.values()}
        for row in rows:
            if str(row.get("action")) in ("created", "updated"):
                live = by_key.get(row["id"])
                assert live is not None, f"'{row['id']}' is reported {row['action']} and is not there"
                for field, value in (row.get("after") or {}).items():
                    name = {"permission_names": "permissionNames", "tenant_id": "tenantId"}.get(field, field)
                    want = sorted(value) if name == "permissionNames" else value
                    assert live.get(name) == want, f"'{row['id']}' reports {field}={value!r}, holds {live.get(name)!r}"
        for i in set(before) & set(after):
            if actions.get(key(before[i])) in (None, "unchanged") and actions.get(key(after[i])) in (None, "unchanged"):
                # a permission renamed in the same task follows into the roles that grant it
                old = dict(before[i])
                if "permissionNames" in old:
                    old["permissionNames"] = sorted(renames.get(n, n) for n in old["permissionNames"])
                assert old == after[i], f"'{key(before[i])}' changed without being reported: {old} -> {after[i]}"


SETTINGS = budget(40, stateful_step_count=8)


def test_check_mode_is_the_real_run(engine: t.Any) -> None:
    run_state_machine_as_test(lambda: AuthzModel(engine), settings=SETTINGS)
