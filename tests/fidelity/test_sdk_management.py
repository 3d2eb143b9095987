"""The official Descope python SDK, unchanged, against the emulator: every call the collection relies on."""

import logging

import pytest

descope = pytest.importorskip("descope")
from descope.exceptions import AuthException, RateLimitException  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture
def client(emulator):
    return descope.DescopeClient(project_id=emulator.project_id, management_key=emulator.management_key, base_url=emulator.base_url)


def test_license_handshake_is_quiet(emulator, caplog):
    with caplog.at_level(logging.WARNING):
        sdk = descope.DescopeClient(project_id=emulator.project_id, management_key=emulator.management_key, base_url=emulator.base_url)
    assert sdk.mgmt is not None
    assert not [r for r in caplog.records if "icense" in r.getMessage()]
    assert emulator.requests()[0]["path"] == "/v1/mgmt/license" and emulator.requests()[0]["status"] == 200


def test_tenant_lifecycle(client, emulator):
    created = client.mgmt.tenant.create(name="Acme", self_provisioning_domains=["acme.com"], custom_attributes={"tier": "gold"})
    auto_id = created["id"]
    assert auto_id.startswith("T")
    assert client.mgmt.tenant.create(name="Beta", id="beta") == {"id": "beta"}
    loaded = client.mgmt.tenant.load(auto_id)
    assert loaded["name"] == "Acme" and loaded["selfProvisioningDomains"] == ["acme.com"] and loaded["customAttributes"] == {"tier": "gold"}
    client.mgmt.tenant.update(id="beta", name="Beta Renamed", enforce_sso=True)
    assert client.mgmt.tenant.load("beta")["enforceSSO"] is True
    client.mgmt.tenant.patch_tenant(id="beta", disabled=True)
    beta = client.mgmt.tenant.load("beta")
    assert beta["disabled"] is True and beta["name"] == "Beta Renamed"
    assert sorted(t["id"] for t in client.mgmt.tenant.load_all()["tenants"]) == sorted([auto_id, "beta"])
    assert [t["id"] for t in client.mgmt.tenant.search_all(names=["Acme"])["tenants"]] == [auto_id]
    assert len(client.mgmt.tenant.search_all()["tenants"]) == 2
    client.mgmt.tenant.update_default_roles("beta", ["viewer"])
    assert client.mgmt.tenant.load("beta")["defaultRoles"] == ["viewer"]
    client.mgmt.tenant.delete("beta", cascade=True)
    assert [t["id"] for t in emulator.state()["tenants"]] == [auto_id]


def test_tenant_settings(client):
    client.mgmt.tenant.create(name="Acme", id="acme")
    client.mgmt.tenant.update_settings(
        "acme", self_provisioning_domains=["acme.com"], session_settings_enabled=True, session_token_expiration=20, session_token_expiration_unit="minutes"
    )
    settings = client.mgmt.tenant.load_settings("acme")
    assert settings["enabled"] is True and settings["sessionTokenExpiration"] == 20
    assert settings["selfProvisioningDomains"] == ["acme.com"]


def test_flows(client, emulator):
    listed = client.mgmt.flow.list_flows()
    assert listed["total"] == 2 and {f["id"] for f in listed["flows"]} == {"sign-up-or-in", "sign-in"}
    exported = client.mgmt.flow.export_flow("sign-up-or-in")
    assert exported["flow"]["name"] == "Sign Up or In" and len(exported["screens"]) == 2
    imported = client.mgmt.flow.import_flow("sign-up-or-in-copy", exported["flow"], exported["screens"])
    assert imported["flow"]["id"] == "sign-up-or-in-copy"
    assert emulator.state()["flows"]["sign-up-or-in-copy"]["contents"] == exported["flow"]["dsl"]
    assert client.mgmt.flow.delete_flows(["sign-up-or-in-copy"]) == {}
    assert "sign-up-or-in-copy" not in emulator.state()["flows"]


def test_theme(client):
    theme = client.mgmt.flow.export_theme()["theme"]
    assert set(theme["cssTemplate"]) == {"dark", "light"}
    theme["cssTemplate"]["dark"]["globals"] = {"fontFamily": "Inter"}
    imported = client.mgmt.flow.import_theme(theme)["theme"]
    assert imported["version"] == theme["version"] + 1
    assert client.mgmt.flow.export_theme()["theme"]["cssTemplate"]["dark"]["globals"] == {"fontFamily": "Inter"}


def test_project_export_import(client, emulator):
    files = client.mgmt.project.export_project()
    assert "flows/sign-in/metadata.json" in files
    files["flows/sign-in/metadata.json"]["description"] = "via sdk"
    client.mgmt.project.import_project(files)
    assert emulator.state()["flows"]["sign-in"]["metadata"]["description"] == "via sdk"


def test_snapshots(client, emulator):
    if not hasattr(client.mgmt.project, "export_snapshot"):
        pytest.skip("this SDK has no snapshot calls")
    files = client.mgmt.project.export_snapshot()["files"]
    plain = client.mgmt.project.export_snapshot(format="plain")["files"]
    assert "assets/logo.png" in files and "assets/logo.png" not in plain
    assert client.mgmt.project.validate_snapshot(files) == {"ok": True}
    client.mgmt.flow.delete_flows(["sign-in"])
    client.mgmt.project.import_snapshot(files, excludes=["lists"])
    assert "sign-in" in emulator.state()["flows"]


def test_wrong_key_is_auth_exception_401(emulator):
    sdk = descope.DescopeClient(project_id=emulator.project_id, management_key="K2wrong", base_url=emulator.base_url)
    with pytest.raises(AuthException) as info:
        sdk.mgmt.tenant.load_all()
    assert info.value.status_code == 401
    assert "errorCode" in info.value.error_message


def test_bad_input_is_400(client):
    with pytest.raises(AuthException) as info:
        client.mgmt.tenant.create(name="")
    assert info.value.status_code == 400 and "E011002" in info.value.error_message
    client.mgmt.tenant.create(name="Dup", id="dup")
    with pytest.raises(AuthException) as info:
        client.mgmt.tenant.create(name="Dup", id="dup")
    assert info.value.status_code == 400


def test_unknown_tenant_is_404_not_found(client):
    with pytest.raises(AuthException) as info:
        client.mgmt.tenant.load("ghost")
    assert info.value.status_code == 404 and "not found" in info.value.error_message.lower()


def test_licence_gate_via_sdk(emulator):
    sdk = descope.DescopeClient(project_id="P2EmulatorFreeProject0000001", management_key="K2EmulatorFreeManagementKey0001", base_url=emulator.base_url)
    with pytest.raises(AuthException) as info:
        sdk.mgmt.project.export_project()
    assert info.value.status_code == 403


def test_rate_limit_exception(client, emulator):
    emulator.faults({"path": "/v1/mgmt/tenant/all", "kind": "rate_limit", "retryAfter": 9, "count": 1})
    with pytest.raises(RateLimitException) as info:
        client.mgmt.tenant.load_all()
    # python SDK quirk: status_code carries the Descope error code on 429
    assert info.value.status_code == "E130429"
    assert info.value.rate_limit_parameters == {"Retry-After": 9}
    assert info.value.error_description == "https://docs.descope.com/rate-limit"


def test_token_bucket_rate_limit_exception(client, emulator):
    emulator.config(rateLimit={"capacity": 1, "refillPerSecond": 0.5})
    client.mgmt.tenant.load_all()
    with pytest.raises(RateLimitException) as info:
        client.mgmt.tenant.load_all()
    assert info.value.rate_limit_parameters["Retry-After"] == 2


def test_sdk_retries_one_503(client, emulator):
    # The SDK retries 503 after 0.1 s; a single scripted 503 must be invisible to the caller.
    emulator.faults({"path": "/v1/mgmt/tenant/all", "kind": "status", "status": 503, "count": 1})
    assert client.mgmt.tenant.load_all() == {"tenants": []}
    assert [r["status"] for r in emulator.requests() if r["path"] == "/v1/mgmt/tenant/all"] == [503, 200]
