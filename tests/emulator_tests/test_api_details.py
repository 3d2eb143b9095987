"""Shapes fixed from the OpenAPI file: modifiedTime, snapshot excludes, missingSecrets groups, search
filters, clone reply; the configurable licence refusal and the unlicensed rate bucket."""

import re
import time

FREE = {"project_id": "P2EmulatorFreeProject0000001", "key": "K2EmulatorFreeManagementKey0001"}


def _ok(resp):
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_modified_time_is_epoch_seconds_in_a_string(emulator):
    flow = _ok(emulator.api("POST", "/v1/mgmt/flow/list", json={}))["flows"][0]
    assert isinstance(flow["modifiedTime"], str) and re.fullmatch(r"\d{10}", flow["modifiedTime"])
    assert abs(int(flow["modifiedTime"]) - time.time()) < 3600


def test_snapshot_import_excludes_only_lists(emulator):
    files = _ok(emulator.api("POST", "/v1/mgmt/project/snapshot/export", json={}))["files"]
    _ok(emulator.api("POST", "/v1/mgmt/project/snapshot/import", json={"files": files, "excludes": ["lists"]}))
    bad = emulator.api("POST", "/v1/mgmt/project/snapshot/import", json={"files": files, "excludes": ["flows"]})
    assert bad.status_code == 400 and "'flows'" in bad.json()["errorMessage"]


def test_legacy_import_takes_legacy_names(emulator):
    files = _ok(emulator.api("POST", "/v1/mgmt/project/export", json={}))["files"]
    _ok(emulator.api("POST", "/v1/mgmt/project/import", json={"files": files, "excludes": ["flows", "styles", "ssoApps"]}))
    bad = emulator.api("POST", "/v1/mgmt/project/import", json={"files": files, "excludes": ["everything"]})
    assert bad.status_code == 400 and "'everything'" in bad.json()["errorMessage"]


def test_missing_secrets_has_every_group(emulator):
    files = _ok(emulator.api("POST", "/v1/mgmt/project/snapshot/export", json={}))["files"]
    emulator.seed(id="P2SecretlessTarget0000000001", managementKey="K2Secretless")
    target = {"project_id": "P2SecretlessTarget0000000001", "key": "K2Secretless"}
    report = _ok(emulator.api("POST", "/v1/mgmt/project/snapshot/validate", json={"files": files}, **target))
    assert report["ok"] is False
    assert set(report["missingSecrets"]) == {"connectors", "oauthProviders", "outboundApps", "externalAuth"}
    assert [s["id"] for s in report["missingSecrets"]["connectors"]] == ["CN2httpConnector000000000001"]


def test_search_by_sso_domains_and_top_level(emulator):
    for body in ({"id": "p", "name": "P"}, {"id": "c", "name": "C", "parent": "p"}, {"id": "q", "name": "Q"}):
        _ok(emulator.api("POST", "/v1/mgmt/tenant/create", json=body))
    _ok(emulator.api("POST", "/v1/mgmt/tenant/settings", json={"tenantId": "c", "domains": ["sso.c.com"]}))

    def ids(**body):
        return [t["id"] for t in _ok(emulator.api("POST", "/v1/mgmt/tenant/search", json=body))["tenants"]]

    assert ids(tenantSSODomains=["sso.c.com", "other.com"]) == ["c"]
    assert ids(topLevelOnly=True) == ["p", "q"]
    assert ids(topLevelOnly=False) == ["p", "c", "q"]
    assert ids(parentTenantId="p", topLevelOnly=True) == []


def test_clone_reply_has_tag(emulator):
    out = _ok(emulator.api("POST", "/v1/mgmt/project/clone", json={"name": "Copy"}))
    assert set(out) == {"projectId", "projectName", "tag", "environment", "tags"}


def test_licence_refusal_is_configurable(emulator):
    default = emulator.api("POST", "/v1/mgmt/project/snapshot/export", json={}, **FREE)
    assert default.status_code == 403 and default.json()["errorCode"] == "E112601"
    emulator.config(licenseRefusal={"status": 402, "code": "E999999", "description": "Payment required", "message": "Upgrade"})
    changed = emulator.api("POST", "/v1/mgmt/project/snapshot/export", json={}, **FREE)
    assert changed.status_code == 402 and changed.json() == {"errorCode": "E999999", "errorDescription": "Payment required", "errorMessage": "Upgrade"}
    for bad in ({"status": 500}, {"status": "403"}, {"code": 5}, "403"):
        assert emulator.session.post(emulator.base_url + "/_emulator/config", json={"licenseRefusal": bad}, timeout=5).status_code == 400
    emulator.reset()
    assert emulator.api("POST", "/v1/mgmt/project/snapshot/export", json={}, **FREE).status_code == 403


def test_requests_without_the_licence_header_use_the_smaller_bucket(emulator):
    emulator.config(rateLimit={"capacity": 50, "refillPerSecond": 0.001}, rateLimitUnlicensed={"capacity": 2, "refillPerSecond": 0.001})
    licensed = dict(emulator.headers(), **{"x-descope-license": "tier2"})
    plain = [emulator.api("GET", "/v1/mgmt/tenant/all").status_code for _i in range(3)]
    assert plain == [200, 200, 429]
    assert [emulator.api("GET", "/v1/mgmt/tenant/all", headers=licensed).status_code for _i in range(3)] == [200, 200, 200]
    log = emulator.requests()
    assert [r["license_header"] for r in log] == [False, False, False, True, True, True]
