"""SSO configurations, admin links and password policy at the HTTP level: validation, secrets, state."""

import pytest

SECRET = "oidc-client-secret-value-0001"


def _ok(resp):
    assert resp.status_code == 200, resp.text
    return resp.json()


@pytest.fixture
def project(emulator):
    emulator.seed(tenants=[{"id": "t1", "name": "One"}, {"id": "t2", "name": "Two"}], roles=[{"name": "viewer"}, {"name": "t2-only", "tenantId": "t2"}])
    return emulator


def _oidc(secret=SECRET, **extra):
    return {"tenantId": "t1", "settings": dict({"name": "IdP", "clientId": "cid", "clientSecret": secret}, **extra)}


def test_secret_never_leaves_the_emulator(project):
    _ok(project.api("POST", "/v1/mgmt/sso/oidc", json=_oidc()))
    answers = [
        project.api("GET", "/v2/mgmt/sso/settings", params={"tenantId": "t1"}).text,
        project.api("GET", "/v2/mgmt/sso/settings/all", params={"tenantId": "t1"}).text,
        project.api("GET", "/v1/mgmt/tenant/settings", params={"id": "t1"}).text,
        str(project.state()),
        str(project.requests()),
    ]
    assert not [a for a in answers if SECRET in a]


def test_role_references_must_exist_in_the_tenant_scope(project):
    saml = {"tenantId": "t1", "settings": {"idpUrl": "u", "entityId": "e", "idpCert": "c", "roleMappings": [{"groups": ["g"], "roleName": "t2-only"}]}}
    resp = project.api("POST", "/v1/mgmt/sso/saml", json=saml)
    assert resp.status_code == 400 and "'t2-only'" in resp.json()["errorMessage"]
    saml["settings"]["roleMappings"] = []
    saml["settings"]["defaultSSORoles"] = ["ghost"]
    assert project.api("POST", "/v1/mgmt/sso/saml", json=saml).status_code == 400
    assert project.state()["sso"] == {} and {t["id"]: t for t in project.state()["tenants"]}["t1"].get("authType", "none") == "none"
    saml["tenantId"], saml["settings"]["defaultSSORoles"] = "t2", ["t2-only", "viewer"]
    _ok(project.api("POST", "/v1/mgmt/sso/saml", json=saml))
    assert project.state()["sso"]["t2"][0]["saml"]["defaultSSORoles"] == ["t2-only", "viewer"]


def test_role_rename_and_delete_follow_into_mappings(project):
    _ok(project.api("POST", "/v1/mgmt/sso/mapping", json={"tenantId": "t1", "roleMappings": [{"groups": ["g"], "roleName": "viewer"}], "attributeMapping": {}}))
    _ok(project.api("POST", "/v1/mgmt/role/update", json={"name": "viewer", "newName": "reader"}))
    assert project.state()["sso"]["t1"][0]["saml"]["groupsMapping"][0]["role"]["name"] == "reader"
    _ok(project.api("POST", "/v1/mgmt/role/delete", json={"name": "reader"}))
    assert project.state()["sso"]["t1"][0]["saml"]["groupsMapping"] == []


def test_required_fields_and_unknown_tenants(project):
    assert project.api("POST", "/v1/mgmt/sso/oidc", json={"tenantId": "t1", "settings": {"name": "x"}}).status_code == 400
    assert project.api("POST", "/v1/mgmt/sso/oidc", json=dict(_oidc(), tenantId="ghost")).status_code == 404
    assert project.api("GET", "/v2/mgmt/sso/settings", params={"tenantId": "t1", "ssoId": "nope"}).status_code == 404
    assert project.api("GET", "/v2/mgmt/sso/settings").status_code == 400
    assert project.api("DELETE", "/v1/mgmt/sso/settings", params={"tenantId": "ghost"}).status_code == 404
    assert project.api("POST", "/v1/mgmt/sso/saml/metadata", json={"tenantId": "t1", "settings": {}}).status_code == 400
    assert project.state()["sso"] == {}


def test_admin_link_is_a_write_and_its_token_is_not_kept(project):
    link = _ok(project.api("POST", "/v2/mgmt/tenant/adminlinks/sso/generate", json={"tenantId": "t1", "expireTime": 60}))["adminSSOConfigurationLink"]
    token = link.split("t=")[-1]
    assert len(token) > 20 and token not in str(project.state())
    assert project.requests()[-1]["write"] is True
    assert project.api("POST", "/v2/mgmt/tenant/adminlinks/sso/generate", json={"tenantId": "t1", "expireTime": -1}).status_code == 400


def test_password_policy_validation(project):
    for bad in ({"minLength": 0}, {"minLength": True}, {"passwordStrengthScore": 5}, {"lock": "yes"}, {"disallowedCharacters": 1}):
        resp = project.api("POST", "/v1/mgmt/password/settings", json=dict(bad, tenantId="t1"))
        assert resp.status_code == 400 and next(iter(bad)) in resp.json()["errorMessage"]
    assert set(project.state()["passwordSettings"]) == {""}
    assert project.api("POST", "/v1/mgmt/password/settings", json={"tenantId": "ghost", "minLength": 9}).status_code == 404
    _ok(project.api("POST", "/v1/mgmt/password/settings", json={"tenantId": "", "minLength": 10}))
    assert _ok(project.api("GET", "/v1/mgmt/password/settings", params={"tenantId": "t2"}))["minLength"] == 10


def test_seeded_sso_and_password_settings_and_tenant_delete(emulator):
    emulator.seed(
        tenants=[{"id": "t1", "name": "One", "authType": "oidc"}],
        passwordSettings={"t1": {"minLength": 14}},
        sso={"t1": [{"oidc": {"name": "IdP", "clientId": "cid", "clientSecret": "seeded"}}]},
    )
    loaded = _ok(emulator.api("GET", "/v2/mgmt/sso/settings", params={"tenantId": "t1"}))
    assert loaded["oidc"]["clientId"] == "cid" and loaded["oidc"]["clientSecret"] == ""
    assert _ok(emulator.api("GET", "/v1/mgmt/password/settings", params={"tenantId": "t1"}))["minLength"] == 14
    _ok(emulator.api("POST", "/v1/mgmt/tenant/delete", json={"id": "t1"}))
    state = emulator.state()
    assert state["sso"] == {} and set(state["passwordSettings"]) == {""}
    bad = emulator.session.post(emulator.base_url + "/_emulator/seed", json={"projects": [{"id": emulator.project_id, "sso": {"ghost": []}}]}, timeout=5)
    assert bad.status_code == 400


def test_settings_omitted_switch_keeps_or_resets_what_a_post_leaves_out(project):
    suite = {"enabled": True, "styleId": "brand", "disabledFeatures": {"saml": True}}
    full = {"tenantId": "t1", "selfProvisioningDomains": ["one.example"], "JITDisabled": True, "ssoSetupSuiteSettings": suite}
    bare = {"tenantId": "t1", "selfProvisioningDomains": ["one.example"], "enabled": True}
    _ok(project.api("POST", "/v1/mgmt/tenant/settings", json=full))
    _ok(project.api("POST", "/v1/mgmt/password/settings", json={"tenantId": "t1", "minLength": 14, "lock": True}))
    _ok(project.api("POST", "/v1/mgmt/tenant/settings", json=bare))  # "keep", the default
    kept = _ok(project.api("GET", "/v1/mgmt/tenant/settings", params={"id": "t1"}))
    assert kept["JITDisabled"] is True and kept["ssoSetupSuiteSettings"]["styleId"] == "brand" and kept["enabled"] is True
    assert project.config(settingsOmitted="reset")["settingsOmitted"] == "reset"
    _ok(project.api("POST", "/v1/mgmt/tenant/settings", json=bare))
    reset = _ok(project.api("GET", "/v1/mgmt/tenant/settings", params={"id": "t1"}))
    assert reset["JITDisabled"] is False and reset["ssoSetupSuiteSettings"]["styleId"] == "" and reset["enabled"] is True
    assert reset["selfProvisioningDomains"] == ["one.example"]
    _ok(project.api("POST", "/v1/mgmt/password/settings", json={"tenantId": "t1", "uppercase": True}))
    policy = _ok(project.api("GET", "/v1/mgmt/password/settings", params={"tenantId": "t1"}))
    assert (policy["uppercase"], policy["minLength"], policy["lock"]) == (True, 8, False)
    bad = project.session.post(project.base_url + "/_emulator/config", json={"settingsOmitted": "maybe"}, timeout=5)
    assert bad.status_code == 400


def test_tenant_settings_accept_seconds_and_refuse_other_units(project):
    body = {"tenantId": "t1", "selfProvisioningDomains": [], "inactivityTime": 900, "inactivityTimeUnit": "seconds"}
    _ok(project.api("POST", "/v1/mgmt/tenant/settings", json=body))
    stored = _ok(project.api("GET", "/v1/mgmt/tenant/settings", params={"id": "t1"}))
    assert (stored["inactivityTime"], stored["inactivityTimeUnit"]) == (900, "seconds")
    bad = project.api("POST", "/v1/mgmt/tenant/settings", json={"tenantId": "t1", "selfProvisioningDomains": [], "inactivityTimeUnit": "years"})
    assert bad.status_code == 400
