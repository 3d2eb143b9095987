# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Renames in place (``previous_names``): one update with ``newName``, never delete + create, never pruned."""

from __future__ import annotations

import typing as t

import pytest
from harness import run_spec

from ansible_collections.descope.mgmt.plugins.module_utils._authz import _api
from ansible_collections.descope.mgmt.plugins.module_utils._change import Change
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError

PERMS = [{"name": "read"}, {"name": "write"}]
SAML = {"idpEntityId": "e", "idpSSOUrl": "https://idp.example.com/sso", "idpCertificate": "c"}


def seed(emulator: t.Any) -> None:
    emulator.seed(
        tenants=[{"id": "acme", "name": "Acme", "defaultRoles": ["viewer"]}, {"id": "globex", "name": "Globex"}],
        permissions=PERMS,
        roles=[
            {"name": "viewer", "permissionNames": ["read"], "description": "old words"},
            {"name": "local", "tenantId": "acme", "permissionNames": ["read"]},
            {"name": "other", "tenantId": "globex"},
        ],
        users=[{"loginId": "ann", "roleNames": ["viewer"], "userTenants": [{"tenantId": "acme", "roleNames": ["viewer", "local"]}]}],
        accessKeys=[{"id": "K1", "roleNames": ["viewer"], "keyTenants": [{"tenantId": "acme", "roleNames": ["local"]}]}],
        sso={
            "acme": [
                {
                    "saml": {**SAML, "groupsMapping": [{"role": {"id": "x", "name": "local"}, "groups": ["g1"]}], "defaultSSORoles": ["viewer"]},
                    "oidc": {"groupsMapping": [{"role": {"id": "y", "name": "viewer"}, "groups": ["g2"]}]},
                    "authType": "saml",
                }
            ]
        },
    )
    emulator.clear_log()


def writes(emulator: t.Any) -> list[str]:
    return [r["path"] for r in emulator.writes()]


def state_roles(emulator: t.Any) -> set[tuple[str, str]]:
    return {(r["tenantId"], r["name"]) for r in emulator.state()["roles"]}


@pytest.mark.parametrize("check", [True, False])
def test_single_mode_rename_is_one_update_with_new_name_and_keeps_every_holder(emulator: t.Any, check: bool) -> None:
    seed(emulator)
    params = {"name": "reader", "previous_names": ["viewer"], "description": "new words"}
    result = run_spec("descope_role", params, check=check, diff=True, environ=emulator.env)
    assert not result.get("failed"), result
    role = result["role"]
    assert role["action"] == "updated" and role["changed"] and role["renamed_from"] == "viewer"
    assert role["before"] == {"name": "viewer", "description": "old words"}
    assert role["after"] == {"name": "reader", "description": "new words"}
    [entry] = result["diff"]
    assert entry["before_header"] == "role viewer (before)" and entry["after_header"] == "role reader (after rename from viewer)"
    assert result["descope_audit"]["counts"]["updated"] == 1 and result["descope_audit"]["counts"]["created"] == 0
    if check:
        assert writes(emulator) == [] and ("", "viewer") in state_roles(emulator)
        return
    assert writes(emulator) == ["/v1/mgmt/role/update"]
    state = emulator.state()
    assert ("", "reader") in state_roles(emulator) and ("", "viewer") not in state_roles(emulator)
    [reader] = [r for r in state["roles"] if r["name"] == "reader"]
    assert reader["permissionNames"] == ["read"] and reader["description"] == "new words"  # unmanaged fields kept
    [ann] = state["users"]
    assert ann["roleNames"] == ["reader"] and ann["userTenants"][0]["roleNames"] == ["reader", "local"]
    assert state["accessKeys"][0]["roleNames"] == ["reader"]
    assert next(t for t in state["tenants"] if t["id"] == "acme")["defaultRoles"] == ["reader"]
    assert state["sso"]["acme"][0]["saml"]["defaultSSORoles"] == ["reader"]
    assert state["sso"]["acme"][0]["oidc"]["groupsMapping"][0]["role"]["name"] == "reader"
    again = run_spec("descope_role", params, environ=emulator.env)
    assert not again["changed"] and again["role"]["action"] == "unchanged" and "renamed_from" not in again["role"]


def test_set_mode_rename_with_prune_is_an_update_and_the_old_name_is_not_pruned(emulator: t.Any) -> None:
    seed(emulator)
    params = {
        "roles": [
            {"name": "reader", "previous_names": ["viewer"], "permission_names": ["read"]},
            {"name": "acme-local", "tenant_id": "acme", "previous_names": ["local"]},
        ],
        "prune": True,
        "max_delete_ratio": 1.0,
    }
    check = run_spec("descope_role", params, check=True, diff=True, environ=emulator.env)
    assert not check.get("failed"), check
    assert sorted((r["id"], r["action"], r.get("renamed_from")) for r in check["roles"]) == [
        ("acme/acme-local", "updated", "acme/local"),
        ("reader", "updated", "viewer"),
    ]
    assert writes(emulator) == []
    result = run_spec("descope_role", params, environ=emulator.env)
    assert sorted((r["id"], r["action"]) for r in result["roles"]) == sorted((r["id"], r["action"]) for r in check["roles"])
    assert writes(emulator) == ["/v1/mgmt/role/update/batch"]  # one request renames both, in their scopes
    assert state_roles(emulator) == {("", "reader"), ("acme", "acme-local"), ("globex", "other")}
    state = emulator.state()
    assert state["users"][0]["userTenants"][0]["roleNames"] == ["reader", "acme-local"]
    assert state["accessKeys"][0]["keyTenants"][0]["roleNames"] == ["acme-local"]
    mapping = state["sso"]["acme"][0]["saml"]["groupsMapping"]
    assert [m["role"]["name"] for m in mapping] == ["acme-local"] and mapping[0]["groups"] == ["g1"]


def test_a_previous_name_matches_only_in_the_same_tenant_scope(emulator: t.Any) -> None:
    seed(emulator)
    # "local" is a role of acme, not of globex: renaming it from globex is a create there
    result = run_spec("descope_role", {"name": "new-local", "tenant_id": "globex", "previous_names": ["local"]}, environ=emulator.env)
    assert result["role"]["action"] == "created" and "renamed_from" not in result["role"]
    assert ("acme", "local") in state_roles(emulator) and ("globex", "new-local") in state_roles(emulator)


def test_both_names_live_is_refused_naming_the_field_and_nothing_is_written(emulator: t.Any) -> None:
    seed(emulator)
    emulator.api("POST", "/v1/mgmt/role/create", json={"name": "reader"})
    emulator.clear_log()
    result = run_spec("descope_role", {"roles": [{"name": "reader", "previous_names": ["viewer"]}], "prune": True}, environ=emulator.env)
    assert result["failed"] and writes(emulator) == []
    [problem] = result["validation_errors"]
    assert problem["field"] == "roles[0].previous_names" and "'viewer'" in problem["message"] and "previous_names" in problem["fix"]
    single = run_spec("descope_role", {"name": "reader", "previous_names": ["viewer"]}, environ=emulator.env)
    assert single["failed"] and single["validation_errors"][0]["field"] == "previous_names" and writes(emulator) == []


def test_two_previous_names_live_is_refused(emulator: t.Any) -> None:
    seed(emulator)
    emulator.api("POST", "/v1/mgmt/role/create", json={"name": "viewer2"})
    emulator.clear_log()
    result = run_spec("descope_role", {"name": "reader", "previous_names": ["viewer", "viewer2"]}, environ=emulator.env)
    assert result["failed"] and "several previous names" in result["validation_errors"][0]["message"] and writes(emulator) == []


@pytest.mark.parametrize(
    ("roles", "field", "words"),
    [
        ([{"name": "a", "previous_names": ["viewer"]}, {"name": "b", "previous_names": ["viewer"]}], "roles[1].previous_names[0]", "roles[0]"),
        ([{"name": "a", "previous_names": ["viewer"]}, {"name": "viewer"}], "roles[0].previous_names[0]", "roles[1]"),
        ([{"name": "a", "previous_names": ["a"]}], "roles[0].previous_names[0]", "own name"),
        ([{"name": "a", "previous_names": "viewer"}], "roles[0].previous_names", "list of strings"),
        ([{"name": "a", "previous_names": ["viewer"], "state": "absent"}], "roles[0].previous_names", "state: present"),
        ([{"name": "a", "previous_names": [" viewer"]}], "roles[0].previous_names[0]", "blanks"),
    ],
)
def test_ambiguous_or_malformed_previous_names_are_refused_before_any_request(emulator: t.Any, roles: t.Any, field: str, words: str) -> None:
    seed(emulator)
    result = run_spec("descope_role", {"roles": roles, "prune": True}, environ=emulator.env)
    assert result["failed"] and writes(emulator) == []
    assert [p["field"] for p in result["validation_errors"]] == [field], result["validation_errors"]
    assert words in result["validation_errors"][0]["message"] and result["validation_errors"][0]["fix"]


def test_same_previous_name_in_two_scopes_is_two_renames(emulator: t.Any) -> None:
    seed(emulator)
    emulator.api("POST", "/v1/mgmt/role/create", json={"name": "local", "tenantId": "globex"})
    params = {
        "roles": [
            {"name": "x", "tenant_id": "acme", "previous_names": ["local"]},
            {"name": "x", "tenant_id": "globex", "previous_names": ["local"]},
        ]
    }
    result = run_spec("descope_role", params, environ=emulator.env)
    assert not result.get("failed"), result
    assert sorted(r["renamed_from"] for r in result["roles"]) == ["acme/local", "globex/local"]


@pytest.mark.parametrize("check", [True, False])
def test_permission_rename_keeps_the_roles_that_grant_it(emulator: t.Any, check: bool) -> None:
    seed(emulator)
    params = {"permissions": [{"name": "invoices.read", "previous_names": ["read"]}, {"name": "write"}], "prune": True}
    result = run_spec("descope_permission", params, check=check, diff=True, environ=emulator.env)
    assert not result.get("failed"), result
    [renamed] = [p for p in result["permissions"] if p["changed"]]
    assert renamed == {
        "id": "invoices.read",
        "action": "updated",
        "changed": True,
        "before": {"name": "read"},
        "after": {"name": "invoices.read"},
        "renamed_from": "read",
    }
    assert result["diff"][0]["after_header"] == "permission invoices.read (after rename from read)"
    if check:
        assert writes(emulator) == []
        return
    assert writes(emulator) == ["/v1/mgmt/permission/update"]
    assert [p["name"] for p in emulator.state()["permissions"]] == ["invoices.read", "write"]
    assert {r["name"]: r["permissionNames"] for r in emulator.state()["roles"]}["viewer"] == ["invoices.read"]


def test_a_role_naming_the_old_name_of_a_renamed_permission_is_refused(emulator: t.Any) -> None:
    seed(emulator)
    params = {
        "permissions": [{"name": "invoices.read", "previous_names": ["read"]}, {"name": "write"}],
        "roles": [{"name": "viewer", "permission_names": ["read"]}],
    }
    result = run_spec("descope_role", params, environ=emulator.env)
    assert result["failed"] and writes(emulator) == []
    [problem] = result["validation_errors"]
    assert problem["field"] == "roles[0].permission_names[0]" and "renames to 'invoices.read'" in problem["message"]
    params["roles"] = [{"name": "viewer", "permission_names": ["invoices.read"]}]
    result = run_spec("descope_role", params, environ=emulator.env)
    assert not result.get("failed"), result
    # whether a permission rename follows into the roles that grant it has no source: the role is written too (in order)
    assert writes(emulator) == ["/v1/mgmt/permission/update", "/v1/mgmt/role/update"]
    emulator.clear_log()
    assert not run_spec("descope_role", params, environ=emulator.env)["changed"] and writes(emulator) == []


class _Client:
    def __init__(self) -> None:
        self.calls: list[tuple[str, t.Any]] = []

    def post(self, path: str, body: t.Any = None, **_kw: t.Any) -> t.Any:
        self.calls.append((path, body))
        if path == "/v1/mgmt/role/update":
            raise DescopeAPIError(404, "E112401", "Role not found", "not found", "POST", path)
        return {"roles": []}  # the re-read: the old name is gone

    def warn(self, _message: str) -> None:
        pass


def test_a_rename_whose_old_name_vanished_before_the_write_creates_the_new_name() -> None:
    client = _Client()
    batch = _api.Batch("/v1/mgmt/role/update", lambda b: {"roles": b}, "update", "role", create_path="/v1/mgmt/role/create")
    change = Change("role", "reader", "update", {"name": "viewer"}, {"name": "reader"}, renamed_from="viewer")
    batch.member({"name": "viewer", "newName": "reader", "tenantId": "acme", "description": "d"}, change)(client)
    assert client.calls[-1] == ("/v1/mgmt/role/create", {"name": "reader", "tenantId": "acme", "description": "d"})
    assert (change.action, change.before, change.renamed_from) == ("create", None, None)
