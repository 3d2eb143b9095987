"""Permissions and roles: existence rules, scopes, renames and deletes that follow into references, atomic batches."""

import pytest


def _ok(resp):
    assert resp.status_code == 200, resp.text
    return resp.json()


def _err(resp, status, *words):
    assert resp.status_code == status, resp.text
    for word in words:
        assert word in resp.json()["errorMessage"], resp.text
    return resp.json()


@pytest.fixture
def project(emulator):
    emulator.seed(
        tenants=[{"id": "t1", "name": "One", "defaultRoles": ["viewer"]}, {"id": "t2", "name": "Two"}],
        permissions=[{"name": "read"}, {"name": "write"}],
        roles=[{"name": "viewer", "permissionNames": ["read"]}, {"name": "local", "tenantId": "t1"}],
    )
    emulator.clear_log()
    return emulator


def _roles(emulator):
    return {(r["tenantId"], r["name"]): r for r in emulator.state()["roles"]}


def test_role_permissions_must_exist_and_nothing_is_written(project):
    _err(project.api("POST", "/v1/mgmt/role/create", json={"name": "x", "permissionNames": ["read", "raed"]}), 400, "'raed'")
    _err(project.api("POST", "/v1/mgmt/role/update", json={"name": "viewer", "newName": "viewer", "permissionNames": ["nope"]}), 400, "'nope'")
    assert set(_roles(project)) == {("", "viewer"), ("t1", "local")} and _roles(project)[("", "viewer")]["permissionNames"] == ["read"]


def test_names_are_unique_per_scope(project):
    _ok(project.api("POST", "/v1/mgmt/role/create", json={"name": "viewer", "tenantId": "t2"}))  # same name, other scope
    _err(project.api("POST", "/v1/mgmt/role/create", json={"name": "viewer"}), 400)
    _err(project.api("POST", "/v1/mgmt/permission/create", json={"name": "read"}), 400)
    _err(project.api("POST", "/v1/mgmt/role/create", json={"name": "r", "tenantId": "ghost"}), 404, "ghost")


def test_unknown_targets_answer_not_found(project):
    _err(project.api("POST", "/v1/mgmt/role/delete", json={"name": "ghost"}), 404)
    _err(project.api("POST", "/v1/mgmt/permission/update", json={"name": "ghost", "newName": "g"}), 404)
    _err(project.api("POST", "/v1/mgmt/role/delete", json={}), 400)


def test_renames_follow_into_roles_and_default_roles(project):
    _ok(project.api("POST", "/v1/mgmt/permission/update", json={"name": "read", "newName": "view"}))
    assert _roles(project)[("", "viewer")]["permissionNames"] == ["view"]
    _ok(project.api("POST", "/v1/mgmt/role/update", json={"name": "viewer", "newName": "reader", "permissionNames": ["view"]}))
    tenants = {t["id"]: t for t in project.state()["tenants"]}
    assert tenants["t1"]["defaultRoles"] == ["reader"]
    _ok(project.api("POST", "/v1/mgmt/role/delete", json={"name": "reader"}))
    assert "defaultRoles" not in {t["id"]: t for t in project.state()["tenants"]}["t1"]


def test_batches_are_atomic(project):
    before = project.state()
    _err(project.api("POST", "/v1/mgmt/role/create/batch", json={"roles": [{"name": "ok"}, {"name": "bad", "permissionNames": ["zzz"]}]}), 400, "'zzz'")
    _err(project.api("POST", "/v1/mgmt/permission/delete/batch", json={"names": ["read", "ghost"]}), 404)
    _err(project.api("POST", "/v1/mgmt/role/update/batch", json={"roles": []}), 400)
    assert project.state() == before


def test_batch_delete_without_a_filter_deletes_every_role_of_the_scope(project):
    # python SDK common.role_delete_batch_body: the endpoint deletes every role when it receives no filter
    _ok(project.api("POST", "/v1/mgmt/role/delete/batch", json={"tenantId": "t1"}))
    assert set(_roles(project)) == {("", "viewer")}
    _ok(project.api("POST", "/v1/mgmt/role/delete/batch", json={}))
    assert _roles(project) == {}


def test_search_and_all(project):
    assert [r["name"] for r in _ok(project.api("GET", "/v1/mgmt/role/all"))["roles"]] == ["viewer"]
    search = _ok(project.api("POST", "/v1/mgmt/role/search", json={"tenantIds": ["t1"], "includeProjectRoles": True}))["roles"]
    assert sorted(r["name"] for r in search) == ["local", "viewer"]
    assert [r["name"] for r in _ok(project.api("POST", "/v1/mgmt/role/search", json={"roleNameLike": "LOC"}))["roles"]] == ["local"]


def test_tenant_delete_takes_its_roles(project):
    _ok(project.api("POST", "/v1/mgmt/tenant/delete", json={"id": "t1"}))
    assert set(_roles(project)) == {("", "viewer")}


def test_writes_are_logged_as_writes(project):
    project.api("POST", "/v1/mgmt/permission/create", json={"name": "p"})
    project.api("GET", "/v1/mgmt/permission/all")
    assert [(r["path"], r["write"]) for r in project.requests()] == [("/v1/mgmt/permission/create", True), ("/v1/mgmt/permission/all", False)]


@pytest.mark.parametrize(
    "spec, word",
    [
        ({"roles": [{"name": "r", "permissionNames": ["missing"]}]}, "missing"),
        ({"roles": [{"name": "r", "tenantId": "nobody"}]}, "nobody"),
        ({"roles": [{"description": "no name"}]}, "name"),
        ({"permissions": [{}]}, "name"),
    ],
)
def test_inconsistent_seeds_are_refused(emulator, spec, word):
    resp = emulator.session.post(emulator.base_url + "/_emulator/seed", json={"projects": [dict(spec, id=emulator.project_id)]}, timeout=5)
    assert resp.status_code == 400 and word in resp.text


@pytest.mark.parametrize(("reading", "expected"), [("all", {"", "t1"}), ("project", {""})])
def test_a_search_without_tenant_ids_follows_the_configured_reading(project, reading, expected):
    project.config(roleSearchWithoutTenants=reading)
    found = _ok(project.api("POST", "/v1/mgmt/role/search", json={}))["roles"]
    assert {r["tenantId"] for r in found} == expected
    scoped = _ok(project.api("POST", "/v1/mgmt/role/search", json={"tenantIds": ["t1"]}))["roles"]
    assert [r["name"] for r in scoped] == ["local"]  # with tenantIds both readings agree


def test_a_renamed_role_keeps_its_holders_and_a_deleted_one_leaves_them(emulator):
    emulator.seed(
        tenants=[{"id": "t1", "name": "One", "defaultRoles": ["viewer"]}],
        roles=[{"name": "viewer"}, {"name": "local", "tenantId": "t1"}],
        users=[{"loginId": "ann", "roleNames": ["viewer"], "userTenants": [{"tenantId": "t1", "roleNames": ["viewer", "local"]}]}],
        accessKeys=[{"id": "K1", "keyTenants": [{"tenantId": "t1", "roleNames": ["local"]}]}],
    )
    _ok(emulator.api("POST", "/v1/mgmt/role/update", json={"name": "viewer", "newName": "reader"}))
    _ok(emulator.api("POST", "/v1/mgmt/role/update", json={"name": "local", "newName": "local2", "tenantId": "t1"}))
    state = emulator.state()
    assert state["users"] == [{"loginId": "ann", "roleNames": ["reader"], "userTenants": [{"tenantId": "t1", "roleNames": ["reader", "local2"]}]}]
    assert state["accessKeys"][0]["keyTenants"][0]["roleNames"] == ["local2"] and state["tenants"][0]["defaultRoles"] == ["reader"]
    _ok(emulator.api("POST", "/v1/mgmt/role/delete", json={"name": "local2", "tenantId": "t1"}))
    state = emulator.state()
    assert state["users"][0]["userTenants"][0]["roleNames"] == ["reader"] and state["accessKeys"][0]["keyTenants"][0]["roleNames"] == []
