"""Tenant endpoints: CRUD semantics, search, settings, default roles, hierarchy, not-found config."""

import time

import pytest


def _create(emulator, **body):
    resp = emulator.api("POST", "/v1/mgmt/tenant/create", json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()["id"]


def _load(emulator, tenant_id):
    resp = emulator.api("GET", "/v1/mgmt/tenant", params={"id": tenant_id})
    assert resp.status_code == 200, resp.text
    return resp.json()


def _error(resp, status, code=None):
    assert resp.status_code == status, resp.text
    body = resp.json()
    if code:
        assert body["errorCode"] == code
    return body


@pytest.mark.parametrize("id_value", [None, "", "absent"])
def test_create_generates_id(emulator, id_value):
    body = {"name": "Acme"} if id_value == "absent" else {"name": "Acme", "id": id_value}
    before = int(time.time())
    tenant_id = _create(emulator, **body)
    assert tenant_id.startswith("T") and len(tenant_id) == 28
    tenant = _load(emulator, tenant_id)
    assert tenant["id"] == tenant_id and tenant["name"] == "Acme"
    assert tenant["authType"] == "none"
    assert before <= tenant["createdTime"] <= int(time.time())


def test_create_with_id_and_fields_omits_empty(emulator):
    tenant_id = _create(
        emulator, id="acme", name="Acme", selfProvisioningDomains=["acme.com"], customAttributes={"tier": "gold"}, enforceSSO=False, disabled=False
    )
    assert tenant_id == "acme"
    tenant = _load(emulator, "acme")
    assert tenant["selfProvisioningDomains"] == ["acme.com"]
    assert tenant["customAttributes"] == {"tier": "gold"}
    # omitempty: false bools and empty lists are not returned
    assert "disabled" not in tenant and "enforceSSO" not in tenant and "successors" not in tenant
    assert set(tenant) == {"id", "name", "selfProvisioningDomains", "customAttributes", "authType", "createdTime"}
    bare = _load(emulator, _create(emulator, name="Bare"))
    assert bare["selfProvisioningDomains"] == []


def test_create_missing_name_is_e011002(emulator):
    _error(emulator.api("POST", "/v1/mgmt/tenant/create", json={"id": "x"}), 400, "E011002")
    _error(emulator.api("POST", "/v1/mgmt/tenant/create", json={"name": ""}), 400, "E011002")


@pytest.mark.parametrize(
    "body",
    [
        {"name": "A", "selfProvisioningDomains": "acme.com"},
        {"name": "A", "disabled": "yes"},
        {"name": "A", "customAttributes": [1]},
        {"name": "A", "roleInheritance": "everything"},
        {"name": 5},
        {"name": "A", "id": "has space"},
    ],
)
def test_create_invalid_is_e011003(emulator, body):
    _error(emulator.api("POST", "/v1/mgmt/tenant/create", json=body), 400, "E011003")
    assert emulator.state()["tenants"] == []


def test_duplicate_id_and_name_are_400(emulator):
    _create(emulator, id="t1", name="One")
    _error(emulator.api("POST", "/v1/mgmt/tenant/create", json={"id": "t1", "name": "Other"}), 400, "E112202")
    _error(emulator.api("POST", "/v1/mgmt/tenant/create", json={"id": "t2", "name": "One"}), 400, "E112202")
    assert [t["id"] for t in emulator.state()["tenants"]] == ["t1"]


def test_update_is_full_replace(emulator):
    _create(emulator, id="parent", name="Parent")
    _create(
        emulator,
        id="t1",
        name="One",
        parent="parent",
        selfProvisioningDomains=["a.com"],
        customAttributes={"region": "v"},
        enforceSSO=True,
        disabled=True,
        federatedAppIds=["app"],
    )
    emulator.api("POST", "/v1/mgmt/tenant/updateDefaultRoles", json={"id": "t1", "defaultRoles": ["viewer"]})
    created = _load(emulator, "t1")
    resp = emulator.api("POST", "/v1/mgmt/tenant/update", json={"id": "t1", "name": "Renamed"})
    assert resp.status_code == 200 and resp.json() == {}
    tenant = _load(emulator, "t1")
    assert tenant["name"] == "Renamed"
    assert tenant["selfProvisioningDomains"] == []
    for gone in ("customAttributes", "enforceSSO", "disabled", "federatedAppIds"):
        assert gone not in tenant
    assert tenant["parent"] == "parent"
    assert tenant["createdTime"] == created["createdTime"]
    assert tenant["defaultRoles"] == ["viewer"]


def test_update_errors(emulator):
    _create(emulator, id="t1", name="One")
    _create(emulator, id="t2", name="Two")
    _error(emulator.api("POST", "/v1/mgmt/tenant/update", json={"name": "x"}), 400, "E011002")
    _error(emulator.api("POST", "/v1/mgmt/tenant/update", json={"id": "t1"}), 400, "E011002")
    _error(emulator.api("POST", "/v1/mgmt/tenant/update", json={"id": "t1", "name": "Two"}), 400, "E112202")
    body = _error(emulator.api("POST", "/v1/mgmt/tenant/update", json={"id": "ghost", "name": "G"}), 404, "E112201")
    assert "not found" in body["errorDescription"].lower()


def test_patch_is_partial(emulator):
    _create(emulator, id="t1", name="One", selfProvisioningDomains=["a.com"], customAttributes={"region": "v"})
    resp = emulator.api("PATCH", "/v1/mgmt/tenant/patch", json={"id": "t1", "disabled": True})
    assert resp.status_code == 200, resp.text
    tenant = _load(emulator, "t1")
    assert tenant["disabled"] is True
    assert tenant["selfProvisioningDomains"] == ["a.com"] and tenant["customAttributes"] == {"region": "v"} and tenant["name"] == "One"
    _error(emulator.api("PATCH", "/v1/mgmt/tenant/patch", json={"id": "ghost", "name": "x"}), 404, "E112201")


def test_delete_and_cascade(emulator):
    _create(emulator, id="root", name="Root")
    _create(emulator, id="child", name="Child", parent="root")
    _create(emulator, id="grandchild", name="Grandchild", parent="child")
    _create(emulator, id="other", name="Other", parent="root")
    assert _load(emulator, "root")["successors"] == ["child", "other"]
    assert emulator.api("POST", "/v1/mgmt/tenant/delete", json={"id": "other"}).status_code == 200
    assert _load(emulator, "root")["successors"] == ["child"]
    assert emulator.api("POST", "/v1/mgmt/tenant/delete", json={"id": "root", "cascade": True}).status_code == 200
    assert emulator.state()["tenants"] == []
    _create(emulator, id="p", name="P")
    _create(emulator, id="c", name="C", parent="p")
    assert emulator.api("POST", "/v1/mgmt/tenant/delete", json={"id": "p", "cascade": False}).status_code == 200
    assert [t["id"] for t in emulator.state()["tenants"]] == ["c"]
    assert "parent" not in _load(emulator, "c")
    _error(emulator.api("POST", "/v1/mgmt/tenant/delete", json={"id": "p"}), 404, "E112201")
    _error(emulator.api("POST", "/v1/mgmt/tenant/delete", json={}), 400, "E011002")


def test_create_with_unknown_parent_fails(emulator):
    _error(emulator.api("POST", "/v1/mgmt/tenant/create", json={"name": "Orphan", "parent": "ghost"}), 404, "E112201")
    assert emulator.state()["tenants"] == []


def test_not_found_status_is_configurable(emulator):
    # default 404, as the live evidence (ruby SDK integration tests: 404 + E112102 for a missing user)
    body = _error(emulator.api("GET", "/v1/mgmt/tenant", params={"id": "ghost"}), 404, "E112201")
    assert "not found" in body["errorDescription"].lower()
    _error(emulator.api("POST", "/v1/mgmt/flow/export", json={"flowId": "ghost"}), 404, "E112301")
    # the 400 style carries none of the words a client might guess absence from
    emulator.config(notFoundStatus=400)
    for resp in (
        emulator.api("GET", "/v1/mgmt/tenant", params={"id": "ghost"}),
        emulator.api("POST", "/v1/mgmt/tenant/delete", json={"id": "ghost"}),
        emulator.api("POST", "/v2/mgmt/flow/export", json={"flowId": "ghost"}),
    ):
        assert resp.status_code == 400, resp.text
        text = resp.text.lower()
        assert not any(word in text for word in ("not found", "notfound", "does not exist", "doesn't exist", "unknown")), text
    bad = emulator.session.post(emulator.base_url + "/_emulator/config", json={"notFoundStatus": 418}, timeout=5)
    assert bad.status_code == 400


def test_load_wrapped_per_config(emulator):
    _create(emulator, id="t1", name="One")
    assert _load(emulator, "t1")["id"] == "t1"
    emulator.config(wrapLoadTenant=True)
    wrapped = _load(emulator, "t1")
    assert set(wrapped) == {"tenant"} and wrapped["tenant"]["id"] == "t1"
    _error(emulator.api("GET", "/v1/mgmt/tenant"), 400, "E011002")


def test_load_all_in_creation_order(emulator):
    for i in range(3):
        _create(emulator, id="t%d" % i, name="Tenant %d" % i)
    tenants = emulator.api("GET", "/v1/mgmt/tenant/all").json()["tenants"]
    assert [t["id"] for t in tenants] == ["t0", "t1", "t2"]


def test_search_filters(emulator):
    _create(emulator, id="a", name="Alpha", selfProvisioningDomains=["alpha.com"], customAttributes={"tier": "gold"})
    _create(emulator, id="b", name="Beta", selfProvisioningDomains=["beta.com"], customAttributes={"tier": "silver"})
    _create(emulator, id="c", name="Gamma", parent="a")

    def search(**body):
        resp = emulator.api("POST", "/v1/mgmt/tenant/search", json=body)
        assert resp.status_code == 200, resp.text
        return sorted(t["id"] for t in resp.json()["tenants"])

    nulls = {"tenantIds": None, "tenantNames": None, "tenantSelfProvisioningDomains": None, "customAttributes": None}
    assert search(**nulls) == ["a", "b", "c"]
    assert search() == ["a", "b", "c"]
    assert search(tenantIds=["a", "c", "zzz"]) == ["a", "c"]
    assert search(tenantNames=["Beta"]) == ["b"]
    assert search(tenantSelfProvisioningDomains=["alpha.com"]) == ["a"]
    assert search(customAttributes={"tier": "silver"}) == ["b"]
    assert search(tenantIds=["a", "b"], tenantNames=["Beta"]) == ["b"]
    assert search(parentTenantId="a") == ["c"]
    _error(emulator.api("POST", "/v1/mgmt/tenant/search", json={"tenantIds": "a"}), 400, "E011003")


def test_settings_roundtrip(emulator):
    _create(emulator, id="t1", name="One", selfProvisioningDomains=["a.com"])
    settings = emulator.api("GET", "/v1/mgmt/tenant/settings", params={"id": "t1"}).json()
    assert settings["selfProvisioningDomains"] == ["a.com"] and settings["authType"] == "none"
    assert settings["enabled"] is False and "sessionTokenExpiration" in settings
    resp = emulator.api(
        "POST",
        "/v1/mgmt/tenant/settings",
        json={
            "tenantId": "t1",
            "selfProvisioningDomains": ["b.com"],
            "domains": ["sso.b.com"],
            "enabled": True,
            "sessionTokenExpiration": 30,
            "sessionTokenExpirationUnit": "minutes",
            "refreshTokenExpiration": 2,
            "refreshTokenExpirationUnit": "days",
            "JITDisabled": True,
        },
    )
    assert resp.status_code == 200, resp.text
    settings = emulator.api("GET", "/v1/mgmt/tenant/settings", params={"id": "t1"}).json()
    assert settings["enabled"] is True and settings["sessionTokenExpiration"] == 30 and settings["refreshTokenExpirationUnit"] == "days"
    assert settings["domains"] == ["sso.b.com"] and settings["JITDisabled"] is True
    tenant = _load(emulator, "t1")
    assert tenant["selfProvisioningDomains"] == ["b.com"] and tenant["domains"] == ["sso.b.com"]
    assert [r["write"] for r in emulator.requests() if r["path"] == "/v1/mgmt/tenant/settings"] == [False, True, False]


def test_settings_errors(emulator):
    _create(emulator, id="t1", name="One")
    _error(emulator.api("POST", "/v1/mgmt/tenant/settings", json={"id": "t1", "enabled": True}), 400, "E011002")
    _error(emulator.api("POST", "/v1/mgmt/tenant/settings", json={"tenantId": "t1", "sessionTokenExpirationUnit": "years"}), 400, "E011003")
    _error(emulator.api("POST", "/v1/mgmt/tenant/settings", json={"tenantId": "ghost"}), 404, "E112201")
    _error(emulator.api("GET", "/v1/mgmt/tenant/settings", params={"id": "ghost"}), 404, "E112201")


def test_update_default_roles(emulator):
    _create(emulator, id="t1", name="One")
    resp = emulator.api("POST", "/v1/mgmt/tenant/updateDefaultRoles", json={"id": "t1", "defaultRoles": ["admin", "viewer"]})
    assert resp.status_code == 200
    assert _load(emulator, "t1")["defaultRoles"] == ["admin", "viewer"]
    emulator.api("POST", "/v1/mgmt/tenant/updateDefaultRoles", json={"id": "t1", "defaultRoles": []})
    assert "defaultRoles" not in _load(emulator, "t1")
    _error(emulator.api("POST", "/v1/mgmt/tenant/updateDefaultRoles", json={"id": "ghost", "defaultRoles": []}), 404, "E112201")


def test_tenants_are_per_project(emulator):
    _create(emulator, id="t1", name="One")
    other = emulator.api("GET", "/v1/mgmt/tenant/all", project_id="P2EmulatorFreeProject0000001", key="K2EmulatorFreeManagementKey0001")
    assert other.json() == {"tenants": []}


def test_seeded_tenants(emulator):
    emulator.seed(tenants=[{"id": "s1", "name": "Seeded", "createdTime": 1726067547}, {"id": "s2", "name": "Child", "parent": "s1"}])
    assert _load(emulator, "s1")["successors"] == ["s2"]
    assert _load(emulator, "s1")["createdTime"] == 1726067547
    # the seed replaced the whole default project: flows are gone with it
    assert emulator.state()["flows"] == {}


def test_settings_accept_the_go_sdk_body_with_empty_strings(emulator):
    # go-sdk ConfigureSettings sends every key; unset strings arrive as "" and must not be refused
    _create(emulator, id="t1", name="One")
    emulator.config(strict=True)
    body = {
        "tenantId": "t1",
        "selfProvisioningDomains": [],
        "authType": "",
        "enabled": True,
        "refreshTokenExpiration": 3,
        "refreshTokenExpirationUnit": "",
        "sessionTokenExpiration": 20,
        "sessionTokenExpirationUnit": "minutes",
        "stepupTokenExpiration": 10,
        "stepupTokenExpirationUnit": "",
        "enableInactivity": False,
        "inactivityTime": 12,
        "inactivityTimeUnit": "",
        "JITDisabled": False,
        "domains": [],
    }
    assert emulator.api("POST", "/v1/mgmt/tenant/settings", json=body).status_code == 200
    loaded = emulator.api("GET", "/v1/mgmt/tenant/settings", params={"id": "t1"}).json()
    assert loaded["refreshTokenExpirationUnit"] == "weeks" and loaded["sessionTokenExpiration"] == 20 and loaded["authType"] == "none"
