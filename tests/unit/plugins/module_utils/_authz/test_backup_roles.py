# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_backup with the opt-in "roles" section: capture into roles.json, restore in stages around the tenants."""

from __future__ import annotations

import json
import pathlib
import typing as t

from harness import run_spec

SEED = {
    "tenants": [{"id": "acme", "name": "Acme", "defaultRoles": ["viewer"]}],
    "permissions": [{"name": "User Admin", "systemDefault": True}, {"name": "read"}, {"name": "write"}],
    "roles": [{"name": "viewer", "permissionNames": ["read"]}, {"name": "auditor", "tenantId": "acme", "permissionNames": ["read", "write"]}],
}


def backup(emulator: t.Any, tmp_path: pathlib.Path, include: list[str]) -> dict[str, t.Any]:
    result = run_spec("descope_backup", {"backup_dir": str(tmp_path), "include": include}, environ=emulator.env)
    assert not result.get("failed"), result
    return result


def test_default_backups_leave_roles_out_and_keep_their_format(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    emulator.seed(**SEED)
    result = backup(emulator, tmp_path, ["tenants"])
    path = pathlib.Path(result["backup"]["path"])
    assert not (path / "roles.json").exists() and "roles" not in json.loads((path / "manifest.json").read_text())["counts"]


def test_roles_file_and_counts(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    emulator.seed(**SEED)
    result = backup(emulator, tmp_path, ["tenants", "roles"])
    path = pathlib.Path(result["backup"]["path"])
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["include"] == ["tenants", "roles"] and manifest["counts"]["roles"] == 2 and manifest["counts"]["permissions"] == 2
    stored = json.loads((path / "roles.json").read_text())
    assert [p["name"] for p in stored["permissions"]] == ["read", "write"]
    assert [(r["name"], r.get("tenant_id")) for r in stored["roles"]] == [("viewer", None), ("auditor", "acme")]
    assert "1 role(s)" not in result["msg"] and "2 role(s), 2 permission(s)" in result["msg"]


def test_restore_into_an_empty_project_orders_permissions_roles_tenants_tenant_roles(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    emulator.seed(**SEED)
    backup(emulator, tmp_path, ["tenants", "roles"])
    emulator.seed(permissions=[{"name": "User Admin", "systemDefault": True}], roles=[], tenants=[])
    emulator.clear_log()
    check = run_spec(
        "descope_backup",
        {"backup_dir": str(tmp_path), "state": "restored", "backup": "latest", "include": ["tenants", "roles"]},
        check=True,
        environ=emulator.env,
    )
    assert check["changed"] and emulator.writes() == [], check
    result = run_spec(
        "descope_backup", {"backup_dir": str(tmp_path), "state": "restored", "backup": "latest", "include": ["tenants", "roles"]}, environ=emulator.env
    )
    assert not result.get("failed"), result
    paths = [r["path"] for r in emulator.writes()]
    assert paths[:2] == ["/v1/mgmt/permission/create/batch", "/v1/mgmt/role/create"]  # permissions, then the project role
    assert paths.index("/v1/mgmt/tenant/create") < paths.index("/v1/mgmt/tenant/updateDefaultRoles") < len(paths) - 1
    assert paths[-1] == "/v1/mgmt/role/create"  # the tenant role, once its tenant exists
    assert sorted((x["id"], x["action"]) for x in result["roles"]) == [("acme/auditor", "created"), ("viewer", "created")]
    state = emulator.state()
    assert state["tenants"][0]["defaultRoles"] == ["viewer"] and len(state["roles"]) == 2
    emulator.clear_log()
    again = run_spec(
        "descope_backup", {"backup_dir": str(tmp_path), "state": "restored", "backup": "latest", "include": ["tenants", "roles"]}, environ=emulator.env
    )
    assert again["changed"] is False and emulator.writes() == []


def test_a_tampered_roles_file_is_refused_before_any_request(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    emulator.seed(**SEED)
    path = pathlib.Path(backup(emulator, tmp_path, ["roles"])["backup"]["path"])
    (path / "roles.json").write_text('{"permissions": [], "roles": []}\n')
    emulator.clear_log()
    result = run_spec(
        "descope_backup", {"backup_dir": str(tmp_path), "state": "restored", "backup": "latest", "include": ["roles"], "prune": True}, environ=emulator.env
    )
    assert result["failed"] and "roles.json" in result["msg"] and emulator.writes() == []
