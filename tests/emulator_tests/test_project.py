"""Snapshot export / validate / import, the legacy project export / import, licence gate, clone."""

import copy

import pytest

FREE = ("P2EmulatorFreeProject0000001", "K2EmulatorFreeManagementKey0001")


def _ok(resp):
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_snapshot_export_layout(emulator):
    files = _ok(emulator.api("POST", "/v1/mgmt/project/snapshot/export", json={}))["files"]
    assert files["project.json"]["name"] == "Emulator Default Project"
    meta = files["flows/sign-up-or-in/metadata.json"]
    assert meta["name"] == "Sign Up or In" and len(meta["screens"]) == 2
    for screen_id in meta["screens"]:
        assert set(files["flows/sign-up-or-in/screen-%s.json" % screen_id]) == {"interactions", "contents"}
    assert files["flows/sign-up-or-in/contents.json"]["startTask"] == "1"
    assert set(files["theme/theme.json"]) == {"styles", "componentsVersion", "references"}
    connector = files["connectors/CN2httpConnector000000000001.json"]
    assert connector["secret"] == ""  # secrets are blank in exports
    assert isinstance(files["assets/logo.png"], str)
    assert not any(k.startswith("tenants") for k in files)
    plain = _ok(emulator.api("POST", "/v1/mgmt/project/snapshot/export", json={"format": "plain"}))["files"]
    assert "assets/logo.png" not in plain and "project.json" in plain


def test_snapshot_roundtrip_restores_flows_and_theme(emulator):
    files = _ok(emulator.api("POST", "/v1/mgmt/project/snapshot/export", json={}))["files"]
    original = emulator.state()
    emulator.api("POST", "/v1/mgmt/flow/delete", json={"ids": ["sign-up-or-in"]})
    emulator.api("POST", "/v2/mgmt/theme/import", json={"theme": {"styles": {"dark": {}, "light": {}}}})
    assert _ok(emulator.api("POST", "/v1/mgmt/project/snapshot/validate", json={"files": files})) == {"ok": True}
    assert _ok(emulator.api("POST", "/v1/mgmt/project/snapshot/import", json={"files": files})) == {}
    restored = emulator.state()
    assert restored["flows"] == original["flows"]
    assert restored["theme"] == original["theme"]
    writes = [(r["path"], r["write"]) for r in emulator.requests() if "snapshot" in r["path"]]
    assert writes == [("/v1/mgmt/project/snapshot/export", False), ("/v1/mgmt/project/snapshot/validate", False), ("/v1/mgmt/project/snapshot/import", True)]


def test_snapshot_import_into_other_project_needs_secrets(emulator):
    files = _ok(emulator.api("POST", "/v1/mgmt/project/snapshot/export", json={}))["files"]
    emulator.seed(id="P2SecondProject0000000000001", managementKey="K2second", license="pro")
    target = {"project_id": "P2SecondProject0000000000001", "key": "K2second"}
    report = _ok(emulator.api("POST", "/v1/mgmt/project/snapshot/validate", json={"files": files}, **target))
    assert report["ok"] is False and report["failures"]
    assert report["missingSecrets"]["connectors"][0]["id"] == "CN2httpConnector000000000001"
    resp = emulator.api("POST", "/v1/mgmt/project/snapshot/import", json={"files": files}, **target)
    assert resp.status_code == 400 and resp.json()["errorCode"] == "E011003"
    assert emulator.state("P2SecondProject0000000000001")["flows"] == {}
    secrets = {"connectors": [{"id": "CN2httpConnector000000000001", "name": "Audit webhook", "type": "http", "value": "s3cret"}]}
    assert _ok(emulator.api("POST", "/v1/mgmt/project/snapshot/validate", json={"files": files, "inputSecrets": secrets}, **target))["ok"]
    _ok(emulator.api("POST", "/v1/mgmt/project/snapshot/import", json={"files": files, "inputSecrets": secrets}, **target))
    assert set(emulator.state("P2SecondProject0000000000001")["flows"]) == {"sign-up-or-in", "sign-in"}


def test_snapshot_validate_reports_broken_files(emulator):
    files = _ok(emulator.api("POST", "/v1/mgmt/project/snapshot/export", json={}))["files"]
    broken = copy.deepcopy(files)
    screen = next(k for k in broken if k.startswith("flows/sign-in/screen-"))
    del broken[screen]
    report = _ok(emulator.api("POST", "/v1/mgmt/project/snapshot/validate", json={"files": broken}))
    assert report["ok"] is False and any("sign-in" in f for f in report["failures"])
    resp = emulator.api("POST", "/v1/mgmt/project/snapshot/validate", json={})
    assert resp.status_code == 400 and resp.json()["errorCode"] == "E011002"


def test_legacy_export_import(emulator):
    files = _ok(emulator.api("POST", "/v1/mgmt/project/export", json={}))["files"]
    assert "flows/sign-in/metadata.json" in files
    files["flows/sign-in/metadata.json"]["description"] = "from import"
    assert emulator.api("POST", "/v1/mgmt/project/import", json={"files": files}).status_code == 200
    assert emulator.state()["flows"]["sign-in"]["metadata"]["description"] == "from import"
    files["flows/sign-in/metadata.json"]["description"] = "excluded"
    emulator.api("POST", "/v1/mgmt/project/import", json={"files": files, "excludes": ["flows"]})
    assert emulator.state()["flows"]["sign-in"]["metadata"]["description"] == "from import"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/mgmt/project/snapshot/export",
        "/v1/mgmt/project/snapshot/validate",
        "/v1/mgmt/project/snapshot/import",
        "/v1/mgmt/project/export",
        "/v1/mgmt/project/import",
        "/v1/mgmt/project/clone",
    ],
)
def test_licence_gate(emulator, path):
    resp = emulator.api("POST", path, json={"files": {}, "name": "x"}, project_id=FREE[0], key=FREE[1])
    assert resp.status_code == 403, resp.text
    assert resp.json()["errorCode"] == "E112601" and "license" in resp.json()["errorDescription"].lower()


def test_free_project_still_manages_flows(emulator):
    body = _ok(emulator.api("POST", "/v1/mgmt/flow/list", project_id=FREE[0], key=FREE[1]))
    assert [f["id"] for f in body["flows"]] == ["sign-in"]
    assert _ok(emulator.api("GET", "/v1/mgmt/license", project_id=FREE[0], key=FREE[1])) == {"rateLimitTier": "tier1"}


def test_clone_copies_config_not_tenants(emulator):
    emulator.api("POST", "/v1/mgmt/tenant/create", json={"name": "Stays"})
    out = _ok(emulator.api("POST", "/v1/mgmt/project/clone", json={"name": "Copy", "environment": "", "tags": ["qa"]}))
    assert out["projectName"] == "Copy" and out["projectId"].startswith("P")
    clone = emulator.state(out["projectId"])
    assert clone["tenants"] == [] and set(clone["flows"]) == {"sign-up-or-in", "sign-in"}
