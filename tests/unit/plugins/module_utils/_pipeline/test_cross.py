# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks joining two specs: a tenant's default roles must exist before the tenant is written."""

from __future__ import annotations

import typing as t

from harness import run_spec


def _writes(emulator: t.Any) -> list[dict[str, t.Any]]:
    return [r for r in emulator.requests() if r["write"]]


def test_unknown_default_role_is_refused_before_any_write(emulator: t.Any) -> None:
    emulator.clear_log()
    result = run_spec(
        "descope_tenant",
        {"tenants": [{"id": "t-roles", "name": "Roles", "default_roles": ["viewer", "veiwer"]}]},
        environ=emulator.env,
    )
    assert result["failed"] is True
    problems = result["validation_errors"]
    assert [p["field"] for p in problems] == ["default_roles[1]"] and problems[0]["id"] == "t-roles"
    assert "'veiwer' does not exist" in problems[0]["message"] and "descope_role" in problems[0]["fix"]
    assert _writes(emulator) == []
    assert "t-roles" not in {x["id"] for x in emulator.state()["tenants"]}


def test_unknown_default_role_is_refused_in_check_mode_and_single_mode(emulator: t.Any) -> None:
    emulator.clear_log()
    result = run_spec("descope_tenant", {"id": "t-one", "name": "One", "default_roles": ["nope"]}, check=True, environ=emulator.env)
    assert result["failed"] is True and result["validation_errors"][0]["field"] == "default_roles[0]"
    assert _writes(emulator) == []


def test_existing_default_roles_pass_and_are_set(emulator: t.Any) -> None:
    result = run_spec("descope_tenant", {"tenants": [{"id": "t-ok", "name": "Ok", "default_roles": ["viewer", "editor"]}]}, environ=emulator.env)
    assert result.get("failed") is not True, result.get("msg")
    tenant = next(x for x in emulator.state()["tenants"] if x["id"] == "t-ok")
    assert sorted(tenant.get("defaultRoles") or []) == ["editor", "viewer"]


def test_unchanged_default_roles_cost_no_role_read(emulator: t.Any) -> None:
    run_spec("descope_tenant", {"id": "t-same", "name": "Same", "default_roles": ["viewer"]}, environ=emulator.env)
    emulator.clear_log()
    result = run_spec("descope_tenant", {"id": "t-same", "name": "Same", "default_roles": ["viewer"]}, environ=emulator.env)
    assert result["changed"] is False
    assert not [r for r in emulator.requests() if "/role/" in r["path"]]


def test_each_unknown_role_points_at_its_own_item_in_a_large_set(emulator: t.Any) -> None:
    tenants = [{"id": f"t-many{i:03d}", "name": f"Many {i}", "default_roles": ["viewer"]} for i in range(400)]
    tenants[123]["default_roles"] = ["viewer", "nope"]
    tenants[321] = {"name": "By Name Only", "default_roles": ["gone"]}  # an id-less item is found by its name
    emulator.clear_log()
    result = run_spec("descope_tenant", {"tenants": tenants}, check=True, environ=emulator.env)
    found = [(p["index"], p["field"], p["id"]) for p in result["validation_errors"]]
    assert found == [(123, "default_roles[1]", "t-many123"), (321, "default_roles[0]", "By Name Only")]
    assert _writes(emulator) == []
