# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Names and descriptions a task writes: published limits, and names that differ only in case (both readings)."""

from __future__ import annotations

import typing as t

import pytest
from harness import run_spec


def seed(emulator: t.Any, case: str) -> None:
    emulator.config(nameCase=case)
    emulator.seed(
        tenants=[{"id": "acme", "name": "Acme"}],
        permissions=[{"name": "Read"}, {"name": "old", "description": "d" * 300}],
        roles=[{"name": "Admin"}, {"name": "legacy", "description": "x" * 300}, {"name": "local", "tenantId": "acme"}],
    )
    emulator.clear_log()


@pytest.mark.parametrize("case", ["sensitive", "insensitive"])
@pytest.mark.parametrize(
    ("module", "params", "field"),
    [
        ("descope_role", {"name": "admin"}, "name"),
        ("descope_role", {"roles": [{"name": "Admin"}, {"name": "ADMIN"}]}, "roles[1].name"),
        ("descope_role", {"roles": [{"name": "Local", "tenant_id": "acme"}]}, "roles[0].name"),
        ("descope_permission", {"name": "read"}, "name"),
        ("descope_permission", {"permissions": [{"name": "a"}, {"name": "A"}]}, "permissions[1].name"),
        ("descope_role", {"name": "new-admin", "previous_names": ["legacy"], "roles": None}, None),
    ],
)
def test_a_name_that_differs_only_in_case_is_refused_under_both_readings(
    emulator: t.Any, case: str, module: str, params: dict[str, t.Any], field: str | None
) -> None:
    seed(emulator, case)
    params = {k: v for k, v in params.items() if v is not None}
    result = run_spec(module, params, check=True, environ=emulator.env)
    if field is None:  # control: an unrelated rename is fine
        assert not result.get("failed"), result
        return
    assert result["failed"] and emulator.writes() == []
    assert [p["field"] for p in result["validation_errors"]] == [field]
    assert "differs only in case" in result["validation_errors"][0]["message"]


@pytest.mark.parametrize("case", ["sensitive", "insensitive"])
def test_a_case_only_rename_is_the_way_and_works_under_both_readings(emulator: t.Any, case: str) -> None:
    seed(emulator, case)
    result = run_spec("descope_role", {"name": "admin", "previous_names": ["Admin"]}, environ=emulator.env)
    assert not result.get("failed"), result
    assert result["role"]["renamed_from"] == "Admin" and [r["path"] for r in emulator.writes()] == ["/v1/mgmt/role/update"]
    assert "admin" in {r["name"] for r in emulator.state()["roles"]} and "Admin" not in {r["name"] for r in emulator.state()["roles"]}


@pytest.mark.parametrize("case", ["sensitive", "insensitive"])
def test_the_emulator_models_both_case_readings(emulator: t.Any, case: str) -> None:
    seed(emulator, case)
    created = emulator.api("POST", "/v1/mgmt/role/create", json={"name": "ADMIN"})
    assert created.status_code == (200 if case == "sensitive" else 400), created.text
    found = emulator.api("POST", "/v1/mgmt/permission/update", json={"name": "read", "newName": "read", "description": "x"})
    assert found.status_code == (200 if case == "insensitive" else 404), found.text


def test_descriptions_over_254_bytes_are_refused_when_written_but_an_existing_one_is_kept(emulator: t.Any) -> None:
    seed(emulator, "sensitive")
    # terraform-provider-descope: description LengthAtMost(254), in bytes
    params = {
        "permissions": [{"name": "Read"}, {"name": "old", "description": "d" * 300}, {"name": "new", "description": "\u00e9" * 128}],
        "roles": [{"name": "legacy", "description": "x" * 300}, {"name": "Admin", "description": "y" * 255}, {"name": "ok", "description": "z" * 254}],
    }
    result = run_spec("descope_role", params, environ=emulator.env)
    assert result["failed"] and emulator.writes() == []
    assert sorted(p["field"] for p in result["validation_errors"]) == ["permissions[2].description", "roles[1].description"]
    assert all("at most 254" in p["message"] and "Shorten" in p["fix"] for p in result["validation_errors"])
    params["permissions"][2]["description"] = "\u00e9" * 127
    params["roles"][1]["description"] = "y" * 254
    assert not run_spec("descope_role", params, environ=emulator.env).get("failed")


@pytest.mark.parametrize("path", ["/v1/mgmt/role/create", "/v1/mgmt/permission/create"])
def test_the_emulator_enforces_the_100_byte_name_rule_on_create_and_rename(emulator: t.Any, path: str) -> None:
    seed(emulator, "sensitive")
    assert emulator.api("POST", path, json={"name": "\u20ac" * 34}).status_code == 400  # 102 bytes
    assert emulator.api("POST", path, json={"name": "\u20ac" * 33}).status_code == 200  # 99 bytes
    update = path.replace("create", "update")
    old = "Admin" if "role" in path else "Read"
    assert emulator.api("POST", update, json={"name": old, "newName": "n" * 101}).status_code == 400
    assert emulator.api("POST", update, json={"name": old, "newName": "n" * 100}).status_code == 200
