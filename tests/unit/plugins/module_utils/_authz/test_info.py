# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The _info exports: item shape, filters, system permissions."""

from __future__ import annotations

import typing as t

from harness import run_spec


def test_permission_info_hides_system_permissions_unless_asked_or_named(emulator: t.Any) -> None:
    emulator.seed(permissions=[{"name": "User Admin", "systemDefault": True}, {"name": "b"}, {"name": "a", "description": "A"}])
    assert run_spec("descope_permission_info", {}, environ=emulator.env)["permissions"] == [{"name": "a", "description": "A"}, {"name": "b", "description": ""}]
    every = run_spec("descope_permission_info", {"include_system_default": True}, environ=emulator.env)["permissions"]
    assert [p["name"] for p in every] == ["User Admin", "a", "b"]
    named = run_spec("descope_permission_info", {"names": ["User Admin", "zz"]}, environ=emulator.env)
    assert [p["name"] for p in named["permissions"]] == ["User Admin"] and named["missing_names"] == ["zz"]


def test_role_info_scopes(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}], roles=[{"name": "p"}, {"name": "t", "tenantId": "acme"}])
    assert [r["name"] for r in run_spec("descope_role_info", {}, environ=emulator.env)["roles"]] == ["p"]
    both = run_spec("descope_role_info", {"tenant_ids": ["acme"]}, environ=emulator.env)["roles"]
    assert [(r["name"], r.get("tenant_id")) for r in both] == [("p", None), ("t", "acme")]
    only = run_spec("descope_role_info", {"tenant_ids": ["acme"], "include_project_roles": False}, environ=emulator.env)["roles"]
    assert [r["name"] for r in only] == ["t"]
