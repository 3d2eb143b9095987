"""Strict mode: request fields the OpenAPI schemas do not define are refused, per route and by flag."""

import pytest
import requests
from emulator import schemas
from emulator.launcher import EmulatorProcess
from emulator.routes import COMPANY_ROUTES, ROUTES


def test_every_route_has_a_field_list():
    assert set(ROUTES) | COMPANY_ROUTES <= set(schemas.ALLOWED)


@pytest.mark.parametrize("route", sorted(r for r in ROUTES if r[1] != "/v1/mgmt/project/delete"), ids=lambda r: "%s %s" % r)
def test_unknown_field_is_refused_naming_it(emulator, route):
    method, path = route
    emulator.config(strict=True)
    before = emulator.state()
    if ROUTES[route][2] == "query":
        resp = emulator.api(method, path, params={"id": "x", "bogusField": "1"} if "id" in schemas.ALLOWED[route] else {"bogusField": "1"})
    else:
        resp = emulator.api(method, path, json={"bogusField": 1})
    assert resp.status_code == 400, resp.text
    assert resp.json()["errorCode"] == "E011004" and "'bogusField'" in resp.json()["errorMessage"]
    assert emulator.state() == before  # nothing written


def test_project_delete_refuses_fields_in_strict_mode(emulator):  # kept apart: a pass would delete the project
    emulator.config(strict=True)
    resp = emulator.api("POST", "/v1/mgmt/project/delete", json={"projectId": "x"})
    assert resp.status_code == 400 and "'projectId'" in resp.json()["errorMessage"]
    assert emulator.state()["id"] == emulator.project_id


def test_lenient_by_default_and_known_fields_pass_when_strict(emulator):
    assert emulator.api("POST", "/v1/mgmt/tenant/create", json={"name": "A", "authTypo": "x"}).status_code == 200
    emulator.config(strict=True)
    sdk_body = {"name": "B", "id": None, "selfProvisioningDomains": [], "enforceSSO": False, "disabled": False}  # python SDK create
    assert emulator.api("POST", "/v1/mgmt/tenant/create", json=sdk_body).status_code == 200
    refused = emulator.api("POST", "/v1/mgmt/tenant/update", json={"id": "x", "name": "B", "flowId": "f"})
    assert refused.status_code == 400 and "'flowId'" in refused.text
    assert emulator.api("GET", "/v1/mgmt/tenant/all").status_code == 200


def test_strict_must_be_boolean(emulator):
    bad = emulator.session.post(emulator.base_url + "/_emulator/config", json={"strict": "yes"}, timeout=5)
    assert bad.status_code == 400
    assert emulator.session.get(emulator.base_url + "/_emulator/config", timeout=5).json()["strict"] is False


def test_strict_flag_of_the_launcher_survives_reset():
    with EmulatorProcess(strict=True) as running:
        base, auth = running.base_url, {"Authorization": "Bearer %s:%s" % (running.env["DESCOPE_PROJECT_ID"], running.env["DESCOPE_MANAGEMENT_KEY"])}
        assert requests.post(base + "/_emulator/reset", json={}, timeout=5).status_code == 200
        resp = requests.post(base + "/v1/mgmt/tenant/create", json={"name": "A", "bogus": 1}, headers=auth, timeout=5)
        assert resp.status_code == 400 and "'bogus'" in resp.text
        assert requests.get(base + "/_emulator/config", timeout=5).json()["strict"] is True


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/mgmt/sso/oidc", {"tenantId": "t", "settings": {"name": "n", "userAttrMapping": {"phone": "x"}}},
         "settings.userAttrMapping.phone"),
        ("/v1/mgmt/sso/saml", {"tenantId": "t", "settings": {"roleMappings": [{"groups": [], "role": "r"}]}},
         "settings.roleMappings[].role"),
        ("/v1/mgmt/role/create/batch", {"roles": [{"name": "r", "permissions": ["p"]}]}, "roles[].permissions"),
        ("/v1/mgmt/tenant/settings", {"tenantId": "t", "ssoSetupSuiteSettings": {"enabled": True, "style": "s"}},
         "ssoSetupSuiteSettings.style"),
    ],
)  # fmt: skip
def test_unknown_nested_field_is_refused_naming_its_path(emulator, path, body, field):
    emulator.config(strict=True)
    before = emulator.state()
    resp = emulator.api("POST", path, json=body)
    assert resp.status_code == 400 and ("'%s'" % field) in resp.json()["errorMessage"], resp.text
    assert emulator.state() == before


def test_fields_newer_than_the_openapi_pass_strict_mode_through_the_cited_list(emulator):
    emulator.config(strict=True)
    assert emulator.api("POST", "/v1/mgmt/tenant/create", json={"id": "t-new", "name": "N"}).status_code == 200
    body = {"tenantId": "t-new", "settings": {"name": "n", "clientId": "c", "usePkce": True,
                                              "userAttrMapping": {"loginId": "sub", "phoneNumber": "phone"}}}  # fmt: skip
    assert emulator.api("POST", "/v1/mgmt/sso/oidc", json=body).status_code == 200, "python-sdk 2.16.0 fields"
