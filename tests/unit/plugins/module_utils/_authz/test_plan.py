# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning against the emulator: which reads, which checks, what is written, in which order."""

from __future__ import annotations

import typing as t

import pytest
from harness import run_spec

PERMS = [{"name": "read"}, {"name": "write"}, {"name": "spare"}]


def paths(emulator: t.Any, writes: bool | None = None) -> list[str]:
    return [r["path"] for r in emulator.requests() if writes is None or r["write"] == writes]


def seed(emulator: t.Any, roles: list[dict[str, t.Any]], tenants: list[dict[str, t.Any]] | None = None) -> None:
    emulator.seed(tenants=tenants or [], permissions=PERMS, roles=roles)
    emulator.clear_log()


def test_permission_list_is_read_only_when_a_role_names_one_no_role_grants(emulator: t.Any) -> None:
    seed(emulator, [{"name": "a", "permissionNames": ["read"]}])
    result = run_spec(
        "descope_role", {"roles": [{"name": "a", "permission_names": ["read"]}, {"name": "b", "permission_names": ["read"]}]}, environ=emulator.env
    )
    assert not result.get("failed"), result
    assert paths(emulator, writes=False) == ["/v1/mgmt/role/all"]
    emulator.clear_log()
    result = run_spec("descope_role", {"name": "c", "permission_names": ["spare"]}, environ=emulator.env)
    assert not result.get("failed") and paths(emulator, writes=False) == ["/v1/mgmt/role/all", "/v1/mgmt/permission/all"]


def test_role_naming_a_permission_this_task_deletes_is_refused(emulator: t.Any) -> None:
    seed(emulator, [{"name": "a", "permissionNames": ["read"]}])
    params = {
        "roles": [{"name": "a", "permission_names": ["read", "spare"]}],
        "permissions": [{"name": "read"}, {"name": "write"}, {"name": "spare", "state": "absent"}],
    }
    result = run_spec("descope_role", params, environ=emulator.env)
    assert result["failed"] and paths(emulator, writes=True) == []
    [problem] = result["validation_errors"]
    assert problem["field"] == "roles[0].permission_names[1]" and "which this task deletes" in problem["message"]


def test_deleting_a_permission_is_fine_when_the_same_task_drops_it_from_its_roles(emulator: t.Any) -> None:
    seed(emulator, [{"name": "a", "permissionNames": ["read", "spare"]}])
    params = {"roles": [{"name": "a", "permission_names": ["read"]}], "permissions": [{"name": "read"}, {"name": "write"}], "prune": True}
    result = run_spec("descope_role", params, environ=emulator.env)
    assert not result.get("failed"), result
    assert paths(emulator, writes=True) == ["/v1/mgmt/role/update", "/v1/mgmt/permission/delete"]


def test_a_tenant_role_granting_a_permission_blocks_its_deletion(emulator: t.Any) -> None:
    seed(emulator, [{"name": "t-role", "tenantId": "acme", "permissionNames": ["spare"]}], tenants=[{"id": "acme", "name": "Acme"}])
    result = run_spec("descope_permission", {"name": "spare", "state": "absent"}, environ=emulator.env)
    assert result["failed"] and "role 'acme/t-role'" in result["msg"] and paths(emulator, writes=True) == []


def test_tenant_is_looked_up_only_for_a_scope_without_roles(emulator: t.Any) -> None:
    seed(emulator, [{"name": "x", "tenantId": "acme"}], tenants=[{"id": "acme", "name": "Acme"}, {"id": "globex", "name": "Globex"}])
    result = run_spec("descope_role", {"roles": [{"name": "y", "tenant_id": "acme"}, {"name": "x", "tenant_id": "acme"}]}, environ=emulator.env)
    assert not result.get("failed") and "/v1/mgmt/tenant/search" not in paths(emulator)
    emulator.clear_log()
    result = run_spec("descope_role", {"name": "z", "tenant_id": "globex"}, environ=emulator.env)
    assert not result.get("failed") and paths(emulator, writes=False) == ["/v1/mgmt/role/search", "/v1/mgmt/tenant/search"]


def test_update_keeps_unmanaged_fields(emulator: t.Any) -> None:
    seed(emulator, [{"name": "a", "description": "keep me", "permissionNames": ["read"], "private": True}])
    result = run_spec("descope_role", {"name": "a", "default": True}, environ=emulator.env)
    assert result["role"]["before"] == {"name": "a", "default": False} and result["role"]["after"] == {"name": "a", "default": True}
    [stored] = emulator.state()["roles"]
    assert stored["description"] == "keep me" and stored["permissionNames"] == ["read"] and stored["private"] is True and stored["default"] is True


def test_check_mode_single_delete_writes_nothing_and_reports_the_before(emulator: t.Any) -> None:
    seed(emulator, [{"name": "a", "permissionNames": ["read"]}])
    result = run_spec("descope_role", {"name": "a", "state": "absent"}, check=True, diff=True, environ=emulator.env)
    assert result["changed"] and result["role"]["action"] == "deleted" and paths(emulator, writes=True) == []
    assert result["diff"][0]["before"]["permission_names"] == ["read"] and result["diff"][0]["after_header"] == "role a (deleted)"


def test_permissions_option_needs_roles(emulator: t.Any) -> None:
    result = run_spec("descope_role", {"name": "a", "permissions": [{"name": "p"}]}, environ=emulator.env)
    assert result["failed"] and "permissions" in result["msg"] and emulator.requests() == []


def test_a_name_over_100_bytes_is_refused_before_any_write_but_an_existing_one_is_adopted(emulator: t.Any) -> None:
    long_existing = "legacy-" + "x" * 150  # made in the console: the API accepted it, so it is read and kept as is
    seed(emulator, [{"name": long_existing, "permissionNames": ["read"]}])
    adopt = run_spec("descope_role", {"roles": [{"name": long_existing, "permission_names": ["read"]}]}, environ=emulator.env)
    assert not adopt.get("failed") and not adopt["changed"], adopt
    params = {
        "permissions": [{"name": "read"}, {"name": "p" * 101}],
        "roles": [{"name": long_existing, "permission_names": ["read"]}, {"name": "\u20ac" * 34}],
    }
    result = run_spec("descope_role", params, environ=emulator.env)
    assert result["failed"] and paths(emulator, writes=True) == []
    assert sorted(p["field"] for p in result["validation_errors"]) == ["permissions[1].name", "roles[1].name"]
    assert all("at most 100" in p["message"] and "Shorten" in p["fix"] for p in result["validation_errors"])
    single = run_spec("descope_permission", {"name": "q" * 101}, environ=emulator.env)
    assert single["failed"] and single["validation_errors"][0]["field"] == "name" and paths(emulator, writes=True) == []


@pytest.mark.parametrize("reading", ["all", "project"])
@pytest.mark.parametrize("module", ["descope_permission", "descope_role"])
def test_the_permission_delete_guard_sees_tenant_roles_whatever_a_search_without_tenant_ids_returns(emulator: t.Any, reading: str, module: str) -> None:
    emulator.config(roleSearchWithoutTenants=reading)
    tenants = [{"id": f"t{i}", "name": f"T{i}"} for i in range(3)]
    roles = [{"name": "p-role", "permissionNames": ["read"]}, {"name": "t-role", "tenantId": "t2", "permissionNames": ["spare"]}]
    seed(emulator, roles, tenants=tenants)
    params: dict[str, t.Any] = {"permissions": [{"name": "write"}], "prune": True, "max_delete_ratio": 1}
    if module == "descope_role":
        params["roles"] = [{"name": "p-role", "permission_names": ["read"]}]
        params["permissions"] = [{"name": "read"}, {"name": "write"}]
    result = run_spec(module, params, environ=emulator.env)
    assert result["failed"] and paths(emulator, writes=True) == []
    messages = sorted(p["message"] for p in result["validation_errors"])
    assert any("'spare' is granted by role 't2/t-role'" in m for m in messages), messages
    if module == "descope_permission":
        assert any("'read' is granted by role 'p-role'" in m for m in messages), messages


def test_the_guard_costs_one_tenant_listing_and_one_scoped_search(emulator: t.Any) -> None:
    seed(emulator, [], tenants=[{"id": "acme", "name": "Acme"}])
    result = run_spec("descope_permission", {"name": "spare", "state": "absent"}, environ=emulator.env)
    assert not result.get("failed"), result
    assert paths(emulator, writes=False) == ["/v1/mgmt/permission/all", "/v1/mgmt/role/search", "/v1/mgmt/tenant/all", "/v1/mgmt/role/search"]
