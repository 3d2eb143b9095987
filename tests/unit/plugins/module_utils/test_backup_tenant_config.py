# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_backup with the opt-in "tenant_settings" and "sso" sections: capture, restore into a fresh project, no secret."""

from __future__ import annotations

import hashlib
import json
import pathlib
import typing as t

from harness import run_spec

SECRET = "oidc-client-secret-0123456789abcdef"  # noqa: S105  # test value
INCLUDE = ["tenants", "roles", "tenant_settings", "sso"]
SEED = {
    "tenants": [{"id": "acme", "name": "Acme"}, {"id": "globex", "name": "Globex"}],
    "permissions": [{"name": "User Admin", "systemDefault": True}, {"name": "read"}],
    "roles": [{"name": "viewer", "permissionNames": ["read"]}, {"name": "auditor", "tenantId": "globex", "permissionNames": ["read"]}],
}
SETTINGS = {"tenant_id": "acme", "session": {"inactivity_time": 45, "inactivity_time_unit": "minutes"}, "password_policy": {"min_length": 14}}
OIDC = {"tenant_id": "acme", "protocol": "oidc", "oidc": {"name": "Okta", "client_id": "cid", "client_secret": SECRET}, "domains": ["acme.com"]}
SAML = {
    "tenant_id": "globex",
    "protocol": "saml",
    "saml": {"metadata_url": "https://idp.example/m.xml"},
    "role_mappings": [{"role": "viewer", "groups": ["staff"]}, {"role": "auditor", "groups": ["audit"]}],
}


def set_up(emulator: t.Any) -> None:
    emulator.seed(**SEED)
    for spec, params in (("descope_tenant_settings", SETTINGS), ("descope_sso", OIDC), ("descope_sso", SAML)):
        result = run_spec(spec, params, environ=emulator.env)
        assert result["changed"] and not result.get("failed"), result


def backup(emulator: t.Any, tmp_path: pathlib.Path, include: list[str]) -> dict[str, t.Any]:
    result = run_spec("descope_backup", {"backup_dir": str(tmp_path), "include": include}, environ=emulator.env)
    assert not result.get("failed"), result
    return result


def restore(emulator: t.Any, tmp_path: pathlib.Path, check: bool = False, include: list[str] | None = None) -> dict[str, t.Any]:
    params = {"backup_dir": str(tmp_path), "state": "restored", "backup": "latest", "include": include or INCLUDE}
    return run_spec("descope_backup", params, check=check, diff=True, environ=emulator.env)


def test_files_counts_and_secrets_not_captured(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    set_up(emulator)
    result = backup(emulator, tmp_path, INCLUDE)
    path = pathlib.Path(result["backup"]["path"])
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["include"] == INCLUDE and manifest["counts"]["tenant_settings"] == 2 and manifest["counts"]["sso"] == 2
    assert manifest["secrets_not_captured"] == ["acme: oidc.client_secret"]
    assert result["backup"]["secrets_not_captured"] == ["acme: oidc.client_secret"] and "acme: oidc.client_secret" in result["msg"]
    settings = json.loads((path / "tenant_settings.json").read_text())["tenant_settings"]
    acme = next(x for x in settings if x["tenant_id"] == "acme")
    assert acme["password_policy"]["min_length"] == 14 and acme["session"]["inactivity_time"] == 45
    sso = json.loads((path / "sso.json").read_text())
    assert sorted((x["tenant_id"], x["protocol"]) for x in sso["sso"]) == [("acme", "oidc"), ("globex", "saml")]
    # the secret is in no file of the backup, in any form a careless encoder could leave it
    needles = [SECRET.encode(), SECRET.encode("utf-16-le"), hashlib.sha256(SECRET.encode()).hexdigest().encode()]
    for file in path.rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            assert not any(n in data for n in needles), file
    assert SECRET not in json.dumps(result)


def test_default_backups_keep_their_format(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    set_up(emulator)
    path = pathlib.Path(backup(emulator, tmp_path, ["tenants"])["backup"]["path"])
    manifest = json.loads((path / "manifest.json").read_text())
    assert sorted(p.name for p in path.iterdir()) == ["manifest.json", "tenants.json"]
    assert "secrets_not_captured" not in manifest and set(manifest["counts"]) == {"tenants", "flows", "theme", "snapshot_files"}


def test_restore_into_a_fresh_project(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    set_up(emulator)
    backup(emulator, tmp_path, INCLUDE)
    emulator.seed(permissions=[{"name": "User Admin", "systemDefault": True}], roles=[], tenants=[])
    emulator.clear_log()
    check = restore(emulator, tmp_path, check=True)
    assert not check.get("failed"), check
    assert check["changed"] and emulator.writes() == []
    assert sorted((x["id"], x["action"]) for x in check["sso"]) == [("acme", "created"), ("globex", "created")]
    assert [(x["id"], x["action"]) for x in check["tenant_settings"]] == [("acme", "updated"), ("globex", "unchanged")]
    assert check["secrets_not_captured"] == ["acme: oidc.client_secret"] and "set them again" in check["msg"]
    diff_text = json.dumps(check["diff"])
    assert '"inactivity_time": 45' in diff_text and "https://idp.example/m.xml" in diff_text and SECRET not in json.dumps(check)
    emulator.clear_log()
    result = restore(emulator, tmp_path)
    assert not result.get("failed"), result
    paths = [r["path"] for r in emulator.writes()]
    # tenants first, then the tenant role, then settings and SSO (whose mapping names the tenant role)
    assert paths.index("/v1/mgmt/tenant/create") < paths.index("/v1/mgmt/tenant/settings") < paths.index("/v1/mgmt/sso/saml/metadata")
    assert max(i for i, p in enumerate(paths) if p == "/v1/mgmt/role/create") < paths.index("/v1/mgmt/sso/saml/metadata")
    assert check["diff"] == result["diff"]  # check mode showed exactly what was written
    state = emulator.state()
    globex = {c["ssoId"]: c for c in state["sso"]["globex"]}[""]["saml"]
    assert globex["idpMetadataUrl"] == "https://idp.example/m.xml" and sorted(m["role"]["name"] for m in globex["groupsMapping"]) == ["auditor", "viewer"]
    acme = {c["ssoId"]: c for c in state["sso"]["acme"]}[""]["oidc"]
    assert acme["clientId"] == "cid" and SECRET not in json.dumps(state)  # the secret could not come back: a task sets it
    emulator.clear_log()
    again = restore(emulator, tmp_path)
    assert again["changed"] is False and emulator.writes() == [], again
    settings = run_spec("descope_tenant_settings", {**SETTINGS}, check=True, environ=emulator.env)
    assert settings["changed"] is False  # the restored settings are the backed-up ones


def test_restore_puts_a_changed_setting_back_and_leaves_other_sso_alone(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    set_up(emulator)
    backup(emulator, tmp_path, ["tenant_settings", "sso"])
    run_spec("descope_tenant_settings", {"tenant_id": "acme", "password_policy": {"min_length": 20}}, environ=emulator.env)
    emulator.clear_log()
    check = restore(emulator, tmp_path, check=True, include=["tenant_settings", "sso"])
    assert check["changed"] and emulator.writes() == []
    changed = [x for x in check["tenant_settings"] if x["action"] != "unchanged"]
    assert [x["id"] for x in changed] == ["acme"] and all(x["action"] == "unchanged" for x in check["sso"])
    result = restore(emulator, tmp_path, include=["tenant_settings", "sso"])
    assert [r["path"] for r in emulator.writes()] == ["/v1/mgmt/password/settings"], result
    assert check["diff"] == result["diff"]


def test_a_tampered_sso_file_is_refused_before_any_request(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    set_up(emulator)
    path = pathlib.Path(backup(emulator, tmp_path, ["sso"])["backup"]["path"])
    sso = json.loads((path / "sso.json").read_text())
    sso["sso"][0]["state"] = "absent"
    (path / "sso.json").write_text(json.dumps(sso))
    emulator.clear_log()
    result = restore(emulator, tmp_path, include=["sso"])
    assert result["failed"] and "sso.json" in result["msg"] and emulator.requests() == []


def test_a_hand_made_sso_file_with_a_secret_or_a_state_is_refused(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    """Even with matching checksums (the manifest rewritten too), a backup cannot delete SSO or carry a secret."""
    set_up(emulator)
    path = pathlib.Path(backup(emulator, tmp_path, ["sso"])["backup"]["path"])
    sso = json.loads((path / "sso.json").read_text())
    sso["sso"][0]["oidc"]["client_secret"] = SECRET
    sso["sso"][1]["state"] = "absent"
    data = json.dumps(sso).encode()
    (path / "sso.json").write_bytes(data)
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["files"]["sso.json"] = hashlib.sha256(data).hexdigest()
    (path / "manifest.json").write_text(json.dumps(manifest))
    emulator.clear_log()
    result = restore(emulator, tmp_path, include=["sso"])
    assert result["failed"] and emulator.writes() == [], result
    fields = sorted(p["field"] for p in result["validation_errors"])
    assert fields == ["$.sso[0].oidc.client_secret", "$.sso[1]"] and SECRET not in json.dumps(result)
