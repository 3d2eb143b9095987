# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_sso, descope_sso_info and descope_sso_admin_link through real ansible-playbook runs against the emulator."""

from __future__ import annotations

import json
import pathlib
import typing as t

import pytest

pytestmark = pytest.mark.integration

M = "descope.mgmt.descope_sso"
INFO = "descope.mgmt.descope_sso_info"
LINK = "descope.mgmt.descope_sso_admin_link"
SECRET = "s3cr3t-OIDC-value-7f3a9c"  # noqa: S105  # a test value, looked for in every output
TENANTS = [{"id": "acme", "name": "Acme"}, {"id": "globex", "name": "Globex"}]
IDP_CERT = (pathlib.Path(__file__).parents[1] / "fixtures" / "sso" / "idp_cert.pem").read_text(encoding="utf-8")
ROLES = [{"name": "Tenant Admin"}, {"name": "Member"}]

OIDC = {
    "tenant_id": "acme",
    "protocol": "oidc",
    "oidc": {
        "name": "Okta",
        "client_id": "0oa1example",
        "client_secret": SECRET,
        "auth_url": "https://acme.okta.example/authorize",
        "token_url": "https://acme.okta.example/token",
        "scope": ["openid", "email"],
        "attribute_mapping": {"email": "email", "name": "name"},
    },
    "domains": ["Acme.com"],
    "redirect_url": "https://app.example.com/",
    "default_sso_roles": ["Member"],
}
SAML = {
    "tenant_id": "globex",
    "protocol": "saml",
    "saml": {
        "entity_id": "globex-idp",
        "idp_url": "https://idp.globex.example/sso",
        "idp_cert": IDP_CERT,
        "attribute_mapping": {"email": "mail", "group": "memberOf"},
    },
    "role_mappings": [{"groups": ["globex-admins"], "role": "Tenant Admin"}, {"groups": ["staff", "contractors"], "role": "Member"}],
    "domains": ["globex.example"],
}


def task(name: str, args: t.Any, module: str = M, **extra: t.Any) -> dict[str, t.Any]:
    return {"name": name, module: args, **extra}


def sso_state(emulator: t.Any, tenant: str) -> dict[str, t.Any]:
    return {c["ssoId"]: c for c in emulator.state()["sso"].get(tenant, [])}


def everything(run: t.Any, workdir: pathlib.Path) -> str:
    """stdout, stderr, and every audit file the run wrote."""
    audit = "".join(p.read_text(encoding="utf-8") for p in (workdir / "audit").rglob("*") if p.is_file()) if (workdir / "audit").exists() else ""
    return run.stdout + run.stderr + audit


@pytest.mark.slow
@pytest.mark.smoke
def test_oidc_check_apply_idempotent_and_secret_never_shown(playbook: t.Any, emulator: t.Any, tmp_path: pathlib.Path) -> None:
    emulator.seed(tenants=TENANTS, roles=ROLES)
    emulator.clear_log()
    check = playbook.run([task("sso", OIDC)], check=True, diff=True, callbacks=["descope.mgmt.descope_audit"], args=["-vvvv"])
    assert check.rc == 0, check.stdout
    assert emulator.writes() == []
    predicted = check.task("sso")["sso"]
    assert predicted["action"] == "created" and predicted["before"] is None
    assert predicted["after"]["oidc"]["client_id"] == "0oa1example" and predicted["after"]["domains"] == ["acme.com"]
    assert predicted["after"]["oidc"]["client_secret"] != SECRET
    real = playbook.run([task("sso", OIDC)], diff=True, callbacks=["descope.mgmt.descope_audit"], args=["-vvvv"])
    assert real.rc == 0, real.stdout
    assert real.task("sso")["sso"]["after"] == predicted["after"]
    stored = sso_state(emulator, "acme")[""]
    assert stored["oidc"]["clientId"] == "0oa1example" and stored["oidc"]["clientSecret"] == "<set>"
    assert stored["oidc"]["userAttrMapping"] == {"email": "email", "name": "name"} and stored["oidc"]["defaultSSORoles"] == ["Member"]
    tenant_settings = emulator.api("GET", "/v1/mgmt/tenant/settings", params={"id": "acme"}).json()
    assert tenant_settings["domains"] == ["acme.com"] and tenant_settings["authType"] == "oidc"
    for run in (check, real):
        assert SECRET not in everything(run, tmp_path) and SECRET not in json.dumps(run.tasks)
    emulator.clear_log()
    again = playbook.run([task("sso", OIDC)])
    assert again.rc == 0 and again.status("sso") == "ok" and emulator.writes() == []
    always = playbook.run([task("sso", {**OIDC, "update_secret": "always"})])
    assert always.status("sso") == "changed" and len(emulator.writes()) == 1


@pytest.mark.slow
@pytest.mark.parametrize("on_omit", ["keep", "clear"])
def test_only_declared_fields_change_and_secret_kept(playbook: t.Any, emulator: t.Any, on_omit: str) -> None:
    """No source says whether an OIDC write without clientSecret keeps or clears it: under both emulator
    readings an update without the secret is refused before any write, and one with it keeps the login working."""
    emulator.seed(tenants=TENANTS, roles=ROLES)
    emulator.config(oidcSecretOnOmit=on_omit)
    assert playbook.run([task("sso", OIDC)]).rc == 0
    emulator.clear_log()
    refused = playbook.run([task("rename", {"tenant_id": "acme", "protocol": "oidc", "oidc": {"name": "Okta 2"}})])
    assert refused.rc != 0 and [p["field"] for p in refused.task("rename")["validation_errors"]] == ["oidc.client_secret"]
    assert emulator.writes() == [] and sso_state(emulator, "acme")[""]["oidc"]["clientSecret"] == "<set>"
    args = {"tenant_id": "acme", "protocol": "oidc", "oidc": {"name": "Okta 2", "client_secret": SECRET}}
    run = playbook.run([task("rename", args)], diff=True)
    assert run.rc == 0, run.stdout
    result = run.task("rename")["sso"]
    assert result["before"] == {"protocol": "oidc", "oidc": {"name": "Okta"}}
    assert result["after"] == {"protocol": "oidc", "oidc": {"name": "Okta 2", "client_secret": "(write-only secret: will be sent)"}}
    stored = sso_state(emulator, "acme")[""]["oidc"]
    assert stored["name"] == "Okta 2" and stored["clientId"] == "0oa1example" and stored["tokenUrl"] == "https://acme.okta.example/token"
    assert stored["clientSecret"] == "<set>" and stored["defaultSSORoles"] == ["Member"]
    assert SECRET not in run.stdout
    again = playbook.run([task("no change", {"tenant_id": "acme", "protocol": "oidc", "oidc": {"name": "Okta 2"}})])
    assert again.rc == 0 and again.status("no change") == "ok"  # nothing to write: no secret needed


@pytest.mark.smoke
@pytest.mark.slow
def test_saml_with_role_mappings_info_adoption_and_delete(playbook: t.Any, emulator: t.Any) -> None:
    emulator.seed(tenants=TENANTS, roles=ROLES)
    run = playbook.run([task("saml", SAML), task("oidc", OIDC)])
    assert run.rc == 0, run.stdout
    saml = sso_state(emulator, "globex")[""]["saml"]
    assert sorted((m["role"]["name"], tuple(m["groups"])) for m in saml["groupsMapping"]) == [
        ("Member", ("contractors", "staff")),
        ("Tenant Admin", ("globex-admins",)),
    ]
    emulator.clear_log()
    adopt = playbook.run([task("read", {}, module=INFO, register="current"), {"name": "adopt", M: None, "args": "{{ item }}", "loop": "{{ current.sso }}"}])
    assert adopt.rc == 0, adopt.stdout + adopt.stderr
    read = adopt.task("read")
    assert sorted(x["tenant_id"] for x in read["sso"]) == ["acme", "globex"] and read["secrets_not_exported"] == ["acme: oidc.client_secret"]
    assert SECRET not in json.dumps(read)
    assert emulator.writes() == []
    gone = playbook.run([task("delete", {"tenant_id": "globex", "state": "absent"}), task("delete again", {"tenant_id": "globex", "state": "absent"})])
    assert gone.status("delete") == "changed" and gone.status("delete again") == "ok"
    assert not sso_state(emulator, "globex")[""]["saml"] and sso_state(emulator, "globex")[""]["authType"] == "none"


@pytest.mark.parametrize(
    ("args", "fields"),
    [
        ({**OIDC, "tenant_id": "ghost"}, ["tenant_id"]),
        (
            {**SAML, "role_mappings": [{"groups": ["x"], "role": "Ghost Role"}], "default_sso_roles": ["Nope"]},
            ["role_mappings[0].role", "default_sso_roles[0]"],
        ),
        ({**OIDC, "redirect_url": f"https://app.example.com/?k={SECRET}"}, ["redirect_url"]),
        ({**OIDC, "oidc": {**OIDC["oidc"], "client_id": SECRET}}, ["oidc.client_id"]),
        ({**SAML, "saml": {**SAML["saml"], "idp_cert": "-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----"}}, ["saml.idp_cert"]),
        ({**SAML, "saml": {"metadata_url": "http://idp/meta.xml"}, "domains": ["not a domain"]}, ["saml.metadata_url", "domains[0]"]),
        ({**OIDC, "role_mappings": [{"groups": ["g"], "role": "Ghost"}]}, ["role_mappings[0].role"]),
        ({**SAML, "saml": {**SAML["saml"], "idp_cert": "not a cert"}}, ["saml.idp_cert"]),
        ({**SAML, "saml": {**SAML["saml"], "idp_additional_certs": [IDP_CERT, "MIIC-NOT-DER"]}}, ["saml.idp_additional_certs[1]"]),
        ({**OIDC, "other_settings": {"clientId": "x", "groupsPriority": ["a"]}}, ["other_settings.clientId"]),
        ({**SAML, "other_settings": {"idpCertificate": "x"}}, ["other_settings.idpCertificate"]),
        ({**OIDC, "oidc": {**OIDC["oidc"], "use_pkce": True, "grant_type": "implicit"}}, ["oidc.use_pkce"]),
        ({"tenant_id": "acme", "protocol": "saml", "saml": {"entity_id": "only-this"}}, ["saml"]),
    ],
)
def test_hostile_inputs_write_nothing(playbook: t.Any, emulator: t.Any, tmp_path: pathlib.Path, args: dict[str, t.Any], fields: list[str]) -> None:
    emulator.seed(tenants=TENANTS, roles=ROLES)
    emulator.clear_log()
    run = playbook.run([task("bad", args)], callbacks=["descope.mgmt.descope_audit"], args=["-vvvv"])
    assert run.rc != 0
    result = run.task("bad")
    assert sorted(p["field"] for p in result["validation_errors"]) == sorted(fields), result["msg"]
    assert all(p["fix"] for p in result["validation_errors"])
    assert emulator.writes() == []
    assert SECRET not in everything(run, tmp_path) and SECRET not in json.dumps(run.tasks)
    assert "PRIVATE KEY" not in json.dumps(result["validation_errors"])


@pytest.mark.slow
def test_known_roles_let_check_mode_pass_before_roles_exist(playbook: t.Any, emulator: t.Any) -> None:
    emulator.seed(tenants=TENANTS)
    emulator.clear_log()
    args = {**SAML, "known_roles": ["Tenant Admin", "Member"]}
    run = playbook.run([task("saml", args)], check=True)
    assert run.rc == 0, run.stdout and emulator.writes() == []
    assert run.task("saml")["sso"]["action"] == "created"
    real = playbook.run([task("saml", args)])  # a real run: the roles must exist by now, known_roles or not
    assert real.rc != 0 and emulator.writes() == []
    assert sorted(p["field"] for p in real.task("saml")["validation_errors"]) == ["role_mappings[0].role", "role_mappings[1].role"]


@pytest.mark.slow
@pytest.mark.parametrize("in_process", ["true", "false"])
def test_admin_link_registered_but_never_printed_or_audited(playbook: t.Any, emulator: t.Any, tmp_path: pathlib.Path, in_process: str) -> None:
    emulator.seed(tenants=TENANTS)
    tasks = [
        task("link", {"tenant_id": "acme", "email": "it@acme.com", "send_email": True, "expire_time": 3600}, module=LINK, register="link"),
        {"name": "use", "ansible.builtin.copy": {"content": "{{ link.admin_link }}", "dest": str(tmp_path / "link.txt"), "mode": "0600"}, "no_log": True},
    ]
    run = playbook.run(tasks, callbacks=["descope.mgmt.descope_audit"], args=["-vvvv"], env={"DESCOPE_MGMT_IN_PROCESS": in_process})
    assert run.rc == 0, run.stdout + run.stderr
    link = (tmp_path / "link.txt").read_text(encoding="utf-8")
    assert link.startswith("https://emulator.invalid/sso-setup?t=")
    audit = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "audit").rglob("*") if p.is_file())
    # recorded as a hidden write (the result holding the link is censored for every callback): no target detail
    trail = [json.loads(line) for p in (tmp_path / "audit").glob("*.jsonl") for line in p.read_text(encoding="utf-8").splitlines()]
    records = [r for r in trail if r.get("module") == "descope_sso_admin_link"]
    assert [(r["module"], r["hidden"], r["changed"]) for r in records] == [("descope_sso_admin_link", True, True)]
    assert link not in audit
    assert link not in run.stdout and link not in run.stderr and "sso-setup?t=" not in run.stdout
    assert emulator.state()["adminLinks"] == [{"tenantId": "acme", "ssoId": "", "email": "it@acme.com", "expireTime": 3600}]
    emulator.clear_log()
    check = playbook.run([tasks[0]], check=True)
    assert check.rc == 0 and "admin_link" not in check.task("link") and emulator.writes() == []
    bad = playbook.run([task("link", {"tenant_id": "ghost", "expire_time": -1}, module=LINK)])
    assert bad.rc != 0 and sorted(p["field"] for p in bad.task("link")["validation_errors"]) == ["expire_time", "tenant_id"]
    # an email is sent when one is given (go-sdk): never as a side effect of an optional field
    implicit = playbook.run([task("link", {"tenant_id": "acme", "email": "it@acme.com"}, module=LINK)])
    assert implicit.rc != 0 and [p["field"] for p in implicit.task("link")["validation_errors"]] == ["email"]
    assert emulator.writes() == []
