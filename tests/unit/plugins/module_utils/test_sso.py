# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SSO spec: API shapes and request bodies pinned by hand, static checks, in-process runs against the emulator."""

from __future__ import annotations

import json
import typing as t

from harness import run_spec

from ansible_collections.descope.mgmt.plugins.module_utils import _sso
from ansible_collections.descope.mgmt.plugins.module_utils._sso._body import oidc_request, saml_request
from ansible_collections.descope.mgmt.plugins.module_utils._sso._shape import current_view, export_view
from ansible_collections.descope.mgmt.plugins.module_utils._sso._validate import static_problems

SECRET = "0123456789-secret-abcdef"  # noqa: S105  # test value

# A GET /v2/mgmt/sso/settings answer (go-sdk SSOTenantSettingsResponse) for a SAML tenant
SAML_ANSWER = {
    "tenant": {"id": "acme", "name": "Acme", "domains": ["Acme.com"], "authType": "saml"},
    "ssoId": "",
    "saml": {
        "idpEntityId": "e",
        "idpSSOUrl": "https://idp/sso",
        "idpCertificate": "CERT",
        "idpMetadataUrl": "",
        "spACSUrl": "https://sp/acs",
        "attributeMapping": {"email": "mail", "name": ""},
        "groupsMapping": [{"role": {"id": "R1", "name": "b"}, "groups": ["g2", "g1"]}, {"role": {"id": "R2", "name": "a"}, "groups": ["g3"]}],
        "redirectUrl": "https://app/",
    },
}


def test_saml_answer_to_module_shape() -> None:
    view = current_view(SAML_ANSWER)
    assert view["protocol"] == "saml" and view["domains"] == ["acme.com"] and view["redirect_url"] == "https://app/"
    assert view["saml"]["idp_url"] == "https://idp/sso" and view["saml"]["entity_id"] == "e" and view["saml"]["attribute_mapping"] == {"email": "mail"}
    assert view["role_mappings"] == [{"role": "a", "groups": ["g3"]}, {"role": "b", "groups": ["g1", "g2"]}]
    exported = export_view(view, "acme")
    assert exported == {
        "tenant_id": "acme",
        "protocol": "saml",
        "saml": {"entity_id": "e", "idp_url": "https://idp/sso", "idp_cert": "CERT", "sp_acs_url": "https://sp/acs", "attribute_mapping": {"email": "mail"}},
        "redirect_url": "https://app/",
        "domains": ["acme.com"],
        "role_mappings": [{"role": "a", "groups": ["g3"]}, {"role": "b", "groups": ["g1", "g2"]}],
    }


def test_request_bodies() -> None:
    merged = {
        "saml": {"metadata_url": "https://idp/m.xml", "idp_url": "https://old"},
        "role_mappings": [{"role": "a", "groups": ["g"]}],
        "domains": ["x.com"],
        "default_sso_roles": [],
    }
    path, body = saml_request("acme", "", merged, clear_roles=True)
    assert path == "/v1/mgmt/sso/saml/metadata"
    assert body == {
        "tenantId": "acme",
        "settings": {
            "idpMetadataUrl": "https://idp/m.xml",
            "roleMappings": [{"groups": ["g"], "roleName": "a"}],
            "defaultSSORoles": [],
            "replaceDefaultSSORoles": True,
        },
        "redirectUrl": "",
        "domains": ["x.com"],
    }
    path, body = oidc_request("acme", "sso2", {"oidc": {"name": "Okta", "client_id": "c", "scope": ["openid"]}, "redirect_url": "https://r/"}, SECRET)
    assert path == "/v1/mgmt/sso/oidc"
    assert body == {
        "tenantId": "acme",
        "ssoId": "sso2",
        "settings": {"name": "Okta", "clientId": "c", "scope": ["openid"], "redirectUrl": "https://r/", "clientSecret": SECRET},
    }
    assert "clientSecret" not in oidc_request("acme", "", {"oidc": {"name": "n", "client_id": "c"}}, None)[1]["settings"]


def test_a_secret_anywhere_else_is_named_never_echoed(emulator: t.Any) -> None:
    # refused by the shared guard (_pipeline/_secrets.py) before any request, whatever the module
    params = {
        "tenant_id": "acme",
        "state": "present",
        "protocol": "oidc",
        "oidc": {"name": "n", "client_id": "c", "client_secret": SECRET, "attribute_mapping": {"email": f"x{SECRET}y"}},
        "domains": [SECRET],
    }
    result = run(emulator, params)
    assert result["failed"] and emulator.requests() == []
    assert sorted(p["field"] for p in result["validation_errors"]) == ["domains[0]", "oidc.attribute_mapping.email"]
    assert SECRET not in json.dumps(result)
    assert [p.field for p in static_problems(params)] == ["domains[0]"]  # the static checks only say it is no domain


def run(emulator: t.Any, params: dict[str, t.Any], check: bool = False) -> dict[str, t.Any]:
    return run_spec(_sso.SPEC, params, check, True, emulator.env)


def test_protocol_switch_and_additional_configuration(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    first = run(emulator, {"tenant_id": "acme", "protocol": "oidc", "oidc": {"name": "Okta", "client_id": "c", "client_secret": SECRET}})
    assert first["sso"]["action"] == "created" and SECRET not in json.dumps(first)
    switched = run(emulator, {"tenant_id": "acme", "protocol": "saml", "saml": {"metadata_url": "https://idp/m.xml"}})
    assert switched["sso"]["action"] == "updated" and switched["sso"]["before"]["protocol"] == "oidc"
    stored = {c["ssoId"]: c for c in emulator.state()["sso"]["acme"]}
    # the OIDC side stays populated (go-sdk sample): only tenant.authType says SAML is active
    assert stored[""]["oidc"]["clientId"] == "c" and stored[""]["saml"]["idpMetadataUrl"] == "https://idp/m.xml"
    assert run(emulator, {"tenant_id": "acme", "protocol": "saml", "saml": {"metadata_url": "https://idp/m.xml"}})["changed"] is False
    extra = run(emulator, {"tenant_id": "acme", "sso_id": "eu", "display_name": "EU", "protocol": "saml", "saml": {"metadata_url": "https://idp/eu.xml"}})
    assert extra["sso"]["action"] == "created" and extra["sso"]["id"] == "acme/eu"
    assert {c["ssoId"] for c in emulator.state()["sso"]["acme"]} == {"", "eu"}
    again = run(emulator, {"tenant_id": "acme", "sso_id": "eu", "display_name": "EU", "protocol": "saml", "saml": {"metadata_url": "https://idp/eu.xml"}})
    assert again["changed"] is False


def test_capture_then_restore_round_trip_without_secrets(emulator: t.Any) -> None:
    from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
    from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import execute

    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}, {"id": "globex", "name": "Globex"}], roles=[{"name": "a"}])
    run(emulator, {"tenant_id": "acme", "protocol": "oidc", "oidc": {"name": "Okta", "client_id": "c", "client_secret": SECRET}, "domains": ["acme.com"]})
    run(emulator, {"tenant_id": "globex", "protocol": "saml", "saml": {"metadata_url": "https://idp/m.xml"}, "role_mappings": [{"role": "a", "groups": ["g"]}]})
    ctx = TaskContext(module="descope_backup", params={}, check_mode=False, diff=False, environ=emulator.env, warn=lambda _m: None)
    captured = _sso.capture(ctx.client())
    assert SECRET not in json.dumps(captured) and captured["secrets_not_captured"] == ["acme: oidc.client_secret"]
    assert [x["tenant_id"] for x in captured["sso"]] == ["acme", "globex"]
    assert all(c.action == "unchanged" for c in _sso.plan_restore(ctx, captured))  # nothing drifted: nothing to write
    run(emulator, {"tenant_id": "globex", "state": "absent"})
    changes = _sso.plan_restore(ctx, captured)
    assert [(c.target_id, c.action) for c in changes] == [("acme", "unchanged"), ("globex", "create")]
    execute(changes, ctx.client(), check_mode=False)
    stored = {c["ssoId"]: c for c in emulator.state()["sso"]["globex"]}[""]["saml"]
    assert stored["idpMetadataUrl"] == "https://idp/m.xml" and stored["groupsMapping"][0]["role"]["name"] == "a"


def test_requests_for_a_no_op_and_for_a_change(emulator: t.Any) -> None:
    """Figures in docs/performance.md: tenant + configurations (+ roles when mappings are declared) read, one write."""
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}], roles=[{"name": "a"}])
    params = {"tenant_id": "acme", "protocol": "saml", "saml": {"metadata_url": "https://idp/m.xml"}, "role_mappings": [{"role": "a", "groups": ["g"]}]}
    run(emulator, params)
    emulator.clear_log()
    assert run(emulator, params)["changed"] is False
    log = emulator.requests()
    assert [r["path"] for r in log] == ["/v1/mgmt/tenant/search", "/v2/mgmt/sso/settings/all", "/v1/mgmt/role/all"]
    emulator.clear_log()
    assert run(emulator, {**params, "domains": ["acme.com"]})["changed"] is True
    assert [r["path"] for r in emulator.requests() if r["write"]] == ["/v1/mgmt/sso/saml/metadata"]


def test_absent_on_a_missing_tenant_is_met_not_an_error(emulator: t.Any) -> None:
    emulator.seed(tenants=[])
    emulator.clear_log()
    result = run(emulator, {"tenant_id": "gone", "state": "absent"})
    assert result["changed"] is False and "failed" not in result and emulator.writes() == []
