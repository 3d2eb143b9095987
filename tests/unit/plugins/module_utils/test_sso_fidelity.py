# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SSO against answers shaped as the SDK samples: protocol by tenant.authType, nothing dropped on write,
round trips (descope_sso_info export -> descope_sso -> no change), several connections per tenant, and the
emulator switches where no source settles a behaviour."""

from __future__ import annotations

import copy
import json
import pathlib
import typing as t

import pytest
from harness import run_spec

from ansible_collections.descope.mgmt.plugins.module_utils import _sso
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._sso._cert import is_certificate
from ansible_collections.descope.mgmt.plugins.module_utils._sso._shape import current_view, export_view, protocol_of

FIXTURES = pathlib.Path(__file__).parents[3] / "fixtures" / "sso"
CERT = (FIXTURES / "idp_cert.pem").read_text(encoding="utf-8")
CERT_2 = (FIXTURES / "idp_cert_2.pem").read_text(encoding="utf-8")
SECRET = "fidelity-secret-9a8b7c"  # noqa: S105  # test value

# go-sdk descope/internal/mgmt/sso_test.go TestLoadSettingsSuccess (shape; values shortened)
GO_SAMPLE = {
    "tenant": {"id": "abc", "name": "T1", "authType": "saml", "domains": ["lulu"]},
    "saml": {
        "idpEntityId": "idpEntityID",
        "idpSSOUrl": "idpSSOURL",
        "idpCertificate": "idpCertificate",
        "spEntityId": "spEntityId",
        "spACSUrl": "spACSUrl",
        "spCertificate": "spCertificate",
        "attributeMapping": {"name": "name", "email": "email", "username": "username", "phoneNumber": "phoneNumber"},
        "groupsMapping": [{"role": {"id": "role.id", "name": "role.name"}, "groups": ["group1"]}],
        "defaultSSORoles": ["defrole1", "defrole2"],
        "groupsPriority": ["group1"],
        "fgaMappings": {"group1": {"relations": [{"resource": "res1", "relationDefinition": "rd1", "namespace": "ns1"}]}},
    },
    "oidc": {"name": "myName", "clientId": "abcdef", "authUrl": "http://dummy.com", "userAttrMapping": {"givenName": "g"}},
    "ssoId": "",
}
# python-sdk 2.16.1 management/sso_settings.py load_settings docstring sample (a SAML tenant by metadata)
PY_SAMPLE = {
    "tenant": {"id": "T2AAAA", "name": "myTenantName", "authType": "saml", "domains": ["lulu", "kuku"]},
    "saml": {
        "idpEntityId": "",
        "idpSSOUrl": "",
        "idpCertificate": "",
        "idpAdditionalCertificates": [],
        "idpMetadataUrl": "https://dummy.com/metadata",
        "spEntityId": "",
        "spACSUrl": "",
        "spCertificate": "",
        "attributeMapping": {"name": "name", "email": "email", "username": "", "phoneNumber": "phone", "group": ""},
        "groupsMapping": [],
        "redirectUrl": "",
        "lastSuccessTestTime": 0,
    },
    "oidc": {
        "name": "",
        "clientId": "",
        "clientSecret": "",
        "scope": [],
        "userAttrMapping": {"loginId": "sub", "name": "name", "email": "email"},
        "manageProviderTokens": False,
        "grantType": "authorization_code",
        "lastSuccessTestTime": 0,
    },
}


def run(emulator: t.Any, params: dict[str, t.Any], check: bool = False, spec: t.Any = None) -> dict[str, t.Any]:
    return run_spec(spec or _sso.SPEC, params, check, True, emulator.env)


def info(emulator: t.Any, tenant_ids: list[str]) -> list[dict[str, t.Any]]:
    result = run(emulator, {"tenant_ids": tenant_ids}, spec=_sso.INFO_SPEC)
    assert not result.get("failed"), result
    return result["sso"]


def info_of(emulator: t.Any, tenant_ids: list[str], sso_id: str) -> list[dict[str, t.Any]]:
    return run(emulator, {"tenant_ids": tenant_ids, "sso_id": sso_id}, spec=_sso.INFO_SPEC)["sso"]


def stored(emulator: t.Any, tenant: str, sso_id: str = "") -> dict[str, t.Any]:
    return {c["ssoId"]: c for c in emulator.state()["sso"][tenant]}[sso_id]


# ------------------------------------------------------------------------------------------ SDK samples


def test_both_sdk_samples_are_read_as_saml() -> None:
    assert protocol_of(GO_SAMPLE) == "saml" and protocol_of(PY_SAMPLE) == "saml"
    go = current_view(GO_SAMPLE)
    assert go["role_mappings"] == [{"role": "role.name", "groups": ["group1"]}] and "oidc" not in go
    assert go["other_settings"]["groupsPriority"] == ["group1"] and "fgaMappings" in go["other_settings"]
    assert "attributeMapping" not in go["other_settings"]  # username: answer-only (OAS AttributeMapping lacks it)
    exported = export_view(current_view(PY_SAMPLE), "T2AAAA")
    assert exported["protocol"] == "saml" and exported["saml"]["metadata_url"] == "https://dummy.com/metadata"
    assert "other_settings" not in exported  # the sample holds nothing the module does not manage


def test_unconfigured_and_additional_connections() -> None:
    none = copy.deepcopy(PY_SAMPLE)
    none["tenant"]["authType"] = "none"
    assert protocol_of(none) is None  # the default connection of a tenant without SSO, whatever the objects hold
    extra = copy.deepcopy(GO_SAMPLE)
    extra["ssoId"] = "second"
    extra["tenant"]["authType"] = "oidc"  # the tenant's type may describe another connection
    extra["oidc"]["clientId"] = ""
    assert protocol_of(extra) == "saml"


# ------------------------------------------------------------------------------------------ round trips

ROUND_TRIPS = {
    "oidc": {
        "protocol": "oidc",
        "oidc": {"name": "Okta", "client_id": "c1", "client_secret": SECRET, "auth_url": "https://idp/auth", "scope": ["openid"]},
        "role_mappings": [{"groups": ["admins"], "role": "admin"}],
        "default_sso_roles": ["member"],
        "domains": ["acme.com"],
    },
    "saml_fields": {
        "protocol": "saml",
        "saml": {"entity_id": "urn:idp", "idp_url": "https://idp/sso", "idp_cert": CERT, "idp_additional_certs": [CERT_2]},
        "role_mappings": [{"groups": ["staff"], "role": "member"}],
        "redirect_url": "https://app/",
    },
    "saml_metadata": {"protocol": "saml", "saml": {"metadata_url": "https://idp/meta.xml"}, "default_sso_roles": ["member"]},
}


@pytest.mark.parametrize("kind", sorted(ROUND_TRIPS))
def test_export_then_configure_changes_nothing(emulator: t.Any, kind: str) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}], roles=[{"name": "admin"}, {"name": "member"}])
    assert run(emulator, {"tenant_id": "acme", **ROUND_TRIPS[kind]})["changed"] is True
    items = info(emulator, ["acme"])
    assert [x["protocol"] for x in items] == [ROUND_TRIPS[kind]["protocol"]]
    emulator.clear_log()
    for item in items:
        result = run(emulator, item)
        assert result["changed"] is False, result
    assert emulator.writes() == []


def test_two_connections_per_tenant_round_trip(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}], roles=[{"name": "member"}, {"name": "admin"}])
    connections = [
        {"sso_id": "", **ROUND_TRIPS["saml_metadata"], "domains": ["acme.com"]},
        # domains on one connection only: the answers hold them under the tenant
        {"sso_id": "eu", "display_name": "EU", **{k: v for k, v in ROUND_TRIPS["oidc"].items() if k != "domains"}},
    ]
    first = run(emulator, {"tenant_id": "acme", "connections": connections})
    assert first["changed"] is True and [x["id"] for x in first["ssos"]] == ["acme", "acme/eu"], first
    assert stored(emulator, "acme", "eu")["authType"] == "oidc" and stored(emulator, "acme")["authType"] == "saml"
    items = info(emulator, ["acme"])
    assert sorted((x.get("sso_id", ""), x["protocol"]) for x in items) == [("", "saml"), ("eu", "oidc")]
    emulator.clear_log()
    for item in items:
        again = run(emulator, item)
        assert again["changed"] is False, (item, again)
    settled = run(emulator, {"tenant_id": "acme", "connections": connections})
    assert settled["changed"] is False, settled
    assert emulator.writes() == []


# ------------------------------------------------------------------------------------------ nothing dropped


def _sdk_client(emulator: t.Any) -> t.Any:
    descope = pytest.importorskip("descope")
    return descope.DescopeClient(project_id=emulator.project_id, management_key=emulator.management_key, base_url=emulator.base_url)


def test_saml_settings_set_through_the_sdk_survive_a_module_write(emulator: t.Any) -> None:
    sso = pytest.importorskip("descope.management.sso_settings")
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}], roles=[{"name": "member"}])
    fga = {"staff": sso.FGAGroupMapping([sso.FGAGroupMappingRelation("doc", "viewer", "docs")])}
    settings = sso.SSOSAMLSettings(
        idp_url="https://idp/sso",
        idp_entity_id="urn:idp",
        idp_cert=CERT,
        attribute_mapping=sso.AttributeMapping(email="mail", group="groups"),
        role_mappings=[sso.RoleMapping(["staff"], "member")],
        default_sso_roles=["member"],
        idp_additional_certs=[CERT_2],
        groups_priority=["staff", "contractors"],
        fga_mappings=fga,
        config_fga_tenant_id_resource_prefix="pre-",
        config_fga_tenant_id_resource_suffix="-suf",
        disable_sign_request=True,
    )
    _sdk_client(emulator).mgmt.sso.configure_saml_settings("acme", settings, redirect_url="https://app/", domains=["acme.com"])
    before = copy.deepcopy(stored(emulator, "acme")["saml"])
    result = run(emulator, {"tenant_id": "acme", "protocol": "saml", "saml": {"idp_url": "https://idp/sso2"}})
    assert result["changed"] is True, result
    after = stored(emulator, "acme")["saml"]
    assert after["idpSSOUrl"] == "https://idp/sso2"
    kept = ("groupsPriority", "fgaMappings", "configFGATenantIDResourcePrefix", "configFGATenantIDResourceSuffix")
    kept += ("disableSignRequest", "idpAdditionalCertificates", "groupsMapping", "defaultSSORoles", "attributeMapping")
    for key in (*kept, "redirectUrl", "idpCertificate", "idpEntityId"):
        assert after[key] == before[key], key
    exported = info(emulator, ["acme"])[0]
    assert exported["other_settings"]["groupsPriority"] == ["staff", "contractors"]
    assert exported["other_settings"]["disableSignRequest"] is True
    ctx = TaskContext(module="descope_backup", params={}, check_mode=False, diff=False, environ=emulator.env, warn=lambda _m: None)
    captured = _sso.capture(ctx.client(), ["acme"])["sso"]
    assert captured == [exported]  # a backup keeps what the module has no option for
    assert info_of(emulator, ["acme"], "") == [exported] and info_of(emulator, ["acme"], "other") == []


def test_oidc_settings_set_through_the_sdk_survive_a_module_write(emulator: t.Any) -> None:
    sso = pytest.importorskip("descope.management.sso_settings")
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}], roles=[{"name": "member"}])
    fga = {"staff": sso.FGAGroupMapping([sso.FGAGroupMappingRelation("doc", "viewer", "docs")])}
    settings = sso.SSOOIDCSettings(name="Okta", client_id="c1", client_secret=SECRET, auth_url="https://idp/auth", groups_priority=["staff"], fga_mappings=fga)
    client = _sdk_client(emulator)
    client.mgmt.sso.configure_oidc_settings("acme", settings, domains=["acme.com"])
    # what the SDK has no argument for: OIDC role mappings, claim mappings for groups and custom attributes
    extra = {
        "groupsPriority": ["staff"],
        "fgaMappings": stored(emulator, "acme")["oidc"]["fgaMappings"],
        "providerID": "okta",
        "userAttrMapping": {"email": "email", "group": "groups", "customAttributes": {"dept": "department"}},
        "roleMappings": [{"groups": ["staff"], "roleName": "member"}],
    }
    settings_body = {"name": "Okta", "clientId": "c1", "authUrl": "https://idp/auth", **extra}
    body = {"tenantId": "acme", "settings": settings_body, "domains": ["acme.com"]}
    assert emulator.api("POST", "/v1/mgmt/sso/oidc", json=body).status_code == 200
    before = copy.deepcopy(stored(emulator, "acme")["oidc"])
    result = run(emulator, {"tenant_id": "acme", "protocol": "oidc", "oidc": {"name": "Okta 2", "client_secret": SECRET}})
    assert result["changed"] is True, result
    after = stored(emulator, "acme")["oidc"]
    assert after["name"] == "Okta 2"
    for key in ("groupsPriority", "fgaMappings", "providerID", "userAttrMapping", "groupsMapping", "authUrl"):
        assert after[key] == before[key], key
    exported = info(emulator, ["acme"])[0]
    assert exported["role_mappings"] == [{"role": "member", "groups": ["staff"]}]
    assert exported["other_settings"]["userAttrMapping"] == {"group": "groups", "customAttributes": {"dept": "department"}}
    assert SECRET not in json.dumps(exported) and SECRET not in json.dumps(result)


def test_other_settings_are_managed_when_given(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    base = {"tenant_id": "acme", "protocol": "saml", "saml": {"metadata_url": "https://idp/m.xml"}}
    run(emulator, {**base, "other_settings": {"groupsPriority": ["a", "b"], "subjectNameIdFormat": "email"}})
    assert run(emulator, {**base, "other_settings": {"groupsPriority": ["a", "b"]}})["changed"] is False
    cleared = run(emulator, {**base, "other_settings": {"groupsPriority": []}})
    assert cleared["changed"] is True and cleared["sso"]["after"]["other_settings"] == {"groupsPriority": None}
    saml = stored(emulator, "acme")["saml"]
    assert "groupsPriority" not in saml and saml["subjectNameIdFormat"] == "email"  # the other key kept


# ------------------------------------------------------------------------------------------ switches


@pytest.mark.parametrize("answers_pkce", [True, False])
def test_use_pkce_settles_whether_or_not_answers_carry_it(emulator: t.Any, answers_pkce: bool) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    emulator.config(ssoAnswersUsePkce=answers_pkce)
    params = {"tenant_id": "acme", "protocol": "oidc", "oidc": {"name": "Okta", "client_id": "c", "client_secret": SECRET, "use_pkce": True}}
    assert run(emulator, params)["changed"] is True
    assert stored(emulator, "acme")["oidc"]["usePkce"] is True
    emulator.clear_log()
    assert run(emulator, params)["changed"] is False and emulator.writes() == []
    changed = run(emulator, {**params, "oidc": {**params["oidc"], "use_pkce": False}})
    assert changed["changed"] is answers_pkce  # unseen in answers: sent with a write, never compared


@pytest.mark.parametrize("status", [404, 400])
def test_existence_checks_do_not_depend_on_the_not_found_status(emulator: t.Any, status: int) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    emulator.config(notFoundStatus=status)
    absent = run(emulator, {"tenant_id": "ghost", "state": "absent"})
    assert absent["changed"] is False and "failed" not in absent
    missing = run(emulator, {"tenant_id": "ghost", "protocol": "saml", "saml": {"metadata_url": "https://idp/m.xml"}})
    assert [p["field"] for p in missing["validation_errors"]] == ["tenant_id"]
    planned = run(emulator, {"tenant_id": "ghost", "protocol": "saml", "saml": {"metadata_url": "https://idp/m.xml"}, "pending_tenants": ["ghost"]}, check=True)
    assert planned["sso"]["action"] == "created"
    link = run(emulator, {"tenant_id": "ghost", "pending_tenants": ["ghost"]}, check=True, spec=_sso.ADMIN_LINK_SPEC)
    assert link["changed"] is True and "failed" not in link
    bad = run(emulator, {"tenant_id": "ghost"}, spec=_sso.ADMIN_LINK_SPEC)
    assert [p["field"] for p in bad["validation_errors"]] == ["tenant_id"]
    assert run(emulator, {"tenant_ids": ["ghost"]}, spec=_sso.INFO_SPEC)["missing_ids"] == ["ghost"]
    assert emulator.writes() == []


# ------------------------------------------------------------------------------------------ several connections


def test_prune_removes_only_undeclared_connections_of_this_tenant(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}, {"id": "beta", "name": "Beta"}])
    saml = {"protocol": "saml", "saml": {"metadata_url": "https://idp/m.xml"}}
    for sso_id in ("a", "b", "c"):
        assert run(emulator, {"tenant_id": "acme", "sso_id": sso_id, **saml})["changed"] is True
    assert run(emulator, {"tenant_id": "beta", "sso_id": "b", **saml})["changed"] is True
    plan = {"tenant_id": "acme", "connections": [{"sso_id": "a", **saml}], "prune": True, "protected_ids": ["c"]}
    emulator.clear_log()
    check = run(emulator, plan, check=True)
    assert sorted((x["id"], x["action"]) for x in check["ssos"]) == [("acme/a", "unchanged"), ("acme/b", "deleted")]
    assert emulator.writes() == []
    real = run(emulator, plan)
    assert [x["action"] for x in real["ssos"]] == [x["action"] for x in check["ssos"]]
    assert sorted(c["ssoId"] for c in emulator.state()["sso"]["acme"]) == ["", "a", "c"]
    assert sorted(c["ssoId"] for c in emulator.state()["sso"]["beta"]) == ["", "b"]


def test_prune_guards_refuse_an_empty_declaration(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    run(emulator, {"tenant_id": "acme", "sso_id": "a", "protocol": "saml", "saml": {"metadata_url": "https://idp/m.xml"}})
    emulator.clear_log()
    result = run(emulator, {"tenant_id": "acme", "connections": [], "prune": True})
    assert result["failed"] and [p["field"] for p in result["validation_errors"]] == ["prune"] and emulator.writes() == []
    without = run(emulator, {"tenant_id": "acme", "prune": True, "protocol": "saml", "saml": {"metadata_url": "https://idp/m.xml"}})
    assert without["failed"] and "prune" in [p["field"] for p in without["validation_errors"]]


def test_a_domain_claimed_twice_is_refused_before_any_write(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}, {"id": "beta", "name": "Beta", "domains": ["beta.com"]}])
    saml = {"protocol": "saml", "saml": {"metadata_url": "https://idp/m.xml"}}
    emulator.clear_log()
    declared = [{"sso_id": "a", **saml, "domains": ["acme.com"]}, {"sso_id": "b", **saml, "domains": ["ACME.com"]}]
    twice = run(emulator, {"tenant_id": "acme", "connections": declared})
    assert [p["field"] for p in twice["validation_errors"]] == ["connections[1].domains"]
    other = run(emulator, {"tenant_id": "acme", **saml, "domains": ["beta.com"]})
    assert [p["field"] for p in other["validation_errors"]] == ["domains"] and "'beta'" in other["validation_errors"][0]["message"]
    dup = run(emulator, {"tenant_id": "acme", "connections": [{"sso_id": "a", **saml}, {"sso_id": "a", **saml}]})
    assert [p["field"] for p in dup["validation_errors"]] == ["connections[1].sso_id"]
    assert emulator.writes() == []


def test_admin_link_per_connection_and_explicit_email(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    run(emulator, {"tenant_id": "acme", "sso_id": "eu", "protocol": "saml", "saml": {"metadata_url": "https://idp/m.xml"}})
    quiet = run(emulator, {"tenant_id": "acme", "sso_id": "eu", "expire_time": 60}, spec=_sso.ADMIN_LINK_SPEC)
    assert quiet["changed"] is True
    sent = run(emulator, {"tenant_id": "acme", "sso_id": "eu", "email": "it@acme.com", "send_email": True}, spec=_sso.ADMIN_LINK_SPEC)
    assert sent["changed"] is True
    assert [(x["ssoId"], x["email"]) for x in emulator.state()["adminLinks"]] == [("eu", ""), ("eu", "it@acme.com")]
    unknown = run(emulator, {"tenant_id": "acme", "sso_id": "us"}, spec=_sso.ADMIN_LINK_SPEC)
    assert [p["field"] for p in unknown["validation_errors"]] == ["sso_id"]
    lonely = run(emulator, {"tenant_id": "acme", "send_email": True}, spec=_sso.ADMIN_LINK_SPEC)
    assert [p["field"] for p in lonely["validation_errors"]] == ["send_email"]


# ------------------------------------------------------------------------------------------ certificates


def test_certificate_check() -> None:
    body = "".join(CERT.strip().splitlines()[1:-1])
    assert is_certificate(CERT) and is_certificate(body) and is_certificate(CERT + CERT_2) and is_certificate("  " + CERT)
    for bad in ("not a cert", "MIIC-PUBLIC-CERT", body[:-8], "QUJD", "", CERT + "trailing", CERT.replace("CERTIFICATE", "PUBLIC KEY")):
        assert not is_certificate(bad), bad


# ------------------------------------------------------------------------------------------ hostile input


def test_hostile_connection_lists_write_nothing(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    emulator.clear_log()
    oidc = {"name": "Okta", "client_id": "c", "client_secret": SECRET}
    cases = [
        ({"connections": [{"sso_id": "a"}]}, ["connections[0].protocol"]),
        ({"connections": [{"sso_id": "a", "protocol": "oidc", "oidc": oidc}], "state": "absent"}, ["state"]),
        ({"connections": [{"sso_id": "a", "protocol": "saml", "saml": {"idp_cert": "x"}}]}, ["connections[0].saml", "connections[0].saml.idp_cert"]),
        ({"connections": [{"sso_id": "a", "protocol": "oidc", "oidc": {**oidc, "auth_url": "http://idp"}}]}, ["connections[0].oidc.auth_url"]),
        (
            {"connections": [{"sso_id": "a", "protocol": "oidc", "oidc": oidc, "other_settings": {"clientSecret": "x"}}]},
            ["connections[0].other_settings.clientSecret"],
        ),
        (
            {"connections": [{"sso_id": "a", "protocol": "saml", "saml": {"metadata_url": "https://idp/m"}, "other_settings": {"spSignKey": "k"}}]},
            ["connections[0].other_settings.spSignKey"],
        ),
    ]
    for extra, fields in cases:
        result = run(emulator, {"tenant_id": "acme", **extra})
        assert result.get("failed"), (extra, result)
        assert sorted(p["field"] for p in result["validation_errors"]) == fields, result["validation_errors"]
        assert SECRET not in json.dumps(result)
    assert emulator.writes() == []
    empty = run(emulator, {"tenant_id": "acme", "connections": []})
    assert empty["changed"] is False and empty["ssos"] == []


def test_a_secret_in_a_connection_list_never_shows(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    item = {"sso_id": "x", "protocol": "oidc", "oidc": {"name": "Okta", "client_id": "c", "client_secret": SECRET}}
    check = run(emulator, {"tenant_id": "acme", "connections": [item]}, check=True)
    real = run(emulator, {"tenant_id": "acme", "connections": [item]})
    assert check["ssos"][0]["after"] == real["ssos"][0]["after"] and real["ssos"][0]["action"] == "created"
    assert SECRET not in json.dumps(check) + json.dumps(real)
    assert stored(emulator, "acme", "x")["oidc"]["clientSecret"] == "<set>"


@pytest.mark.parametrize("listing", ["empty", "generated", "omitted"])
def test_the_default_connection_however_all_lists_it(emulator: t.Any, listing: str) -> None:
    """No source shows how sso/settings/all names the default connection: "", an id of its own, or not at all."""
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    emulator.config(ssoDefaultInAll=listing)
    saml = {"protocol": "saml", "saml": {"metadata_url": "https://idp/m.xml"}}
    connections = [{"sso_id": "", **saml}, {"sso_id": "eu", **saml}]
    first = run(emulator, {"tenant_id": "acme", "connections": connections})
    assert [(x["id"], x["action"]) for x in first["ssos"]] == [("acme", "created"), ("acme/eu", "created")], first
    items = info(emulator, ["acme"])
    assert sorted(x.get("sso_id", "") for x in items) == ["", "eu"]
    emulator.clear_log()
    for item in items:
        assert run(emulator, item)["changed"] is False
    pruned = run(emulator, {"tenant_id": "acme", "connections": connections, "prune": True})
    assert pruned["changed"] is False and emulator.writes() == []  # the default is never taken for an undeclared one
    assert stored(emulator, "acme")["saml"]["idpMetadataUrl"] == "https://idp/m.xml"
