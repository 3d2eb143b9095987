# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stateful model test of descope_sso: check mode is the real run, for OIDC and SAML, several connections.

Hypothesis drives one emulator project with two tenants: someone else edits the live SSO connections through the
API (configures OIDC or SAML, adds connections with an ``ssoId``, deletes them, deletes a role a mapping uses), and
the collection runs generated single-mode and set-mode (``connections``, ``prune``) tasks. After every task it
checks, as properties rather than examples:

- check mode writes nothing and changes nothing;
- the real run reports the same verdict, the same connections with the same actions, before/after and diff, and
  the same counts in ``descope_audit``;
- what the run reports is what happened: connections that disappeared (or, for the default one, went back to
  ``none``) are the reported deletes, new ones the reported creates, no unreported connection changed (its stored
  client secret included), and a change of the tenant's SSO domains is reported;
- a refused task fails before its first write, and a second run of an applied task changes nothing.

Each run picks the emulator's readings of the unpublished behaviours: a configure without ``clientSecret`` keeps or
clears it, answers carry ``usePkce`` or not, the default connection's id in ``sso/settings/all``, and the status of
"not found".
"""

from __future__ import annotations

import pathlib
import typing as t

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test
from property_profiles import budget

TENANTS = ("t1", "t2")
SSO_IDS = ("", "okta", "azure")
ROLES = ("Tenant Admin", "Member")
SECRET = "model-oidc-secret-4e1b"  # noqa: S105  # a test value
IDP_CERT = (pathlib.Path(__file__).parents[1] / "fixtures" / "sso" / "idp_cert.pem").read_text(encoding="utf-8")

oidc_settings = st.fixed_dictionaries(
    {"name": st.sampled_from(["Okta", "Azure"]), "client_id": st.sampled_from(["c1", "c2"])},
    optional={
        "client_secret": st.just(SECRET),
        "scope": st.lists(st.sampled_from(["openid", "email"]), max_size=2, unique=True),
        "auth_url": st.just("https://idp.example/authorize"),
        "use_pkce": st.booleans(),
        "attribute_mapping": st.fixed_dictionaries({}, optional={"email": st.sampled_from(["email", "mail"])}),
    },
)
saml_settings = st.one_of(
    st.fixed_dictionaries({"metadata_url": st.sampled_from(["https://idp.example/m1.xml", "https://idp.example/m2.xml"])}),
    st.fixed_dictionaries(
        {"entity_id": st.sampled_from(["idp-a", "idp-b"]), "idp_url": st.just("https://idp.example/sso"), "idp_cert": st.just(IDP_CERT)},
        optional={"attribute_mapping": st.fixed_dictionaries({}, optional={"group": st.sampled_from(["memberOf", "groups"])})},
    ),
)
common = {
    "domains": st.lists(st.sampled_from(["a.com", "b.io", "A.com"]), max_size=2),
    "redirect_url": st.sampled_from(["https://app.example/", "https://app.example/home"]),
    "role_mappings": st.lists(st.fixed_dictionaries({"groups": st.just(["g1"]), "role": st.sampled_from(ROLES)}), max_size=2),
    "default_sso_roles": st.lists(st.sampled_from(ROLES), max_size=1),
    "update_secret": st.sampled_from(["on_create", "always"]),
}


def _connection(sso_id: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, t.Any]]:
    oidc = st.fixed_dictionaries({"protocol": st.just("oidc"), "oidc": oidc_settings}, optional=common)
    saml = st.fixed_dictionaries({"protocol": st.just("saml"), "saml": saml_settings}, optional=common)
    return st.builds(lambda body, i: {**body, **i}, st.one_of(oidc, saml), sso_id)


single_task = st.one_of(
    st.builds(
        lambda conn, tenant, sso_id: {**conn, "tenant_id": tenant, **({"sso_id": sso_id} if sso_id else {})},
        _connection(st.just({})),
        st.sampled_from(TENANTS),
        st.sampled_from(SSO_IDS),
    ),
    st.builds(
        lambda tenant, sso_id: {"tenant_id": tenant, "state": "absent", **({"sso_id": sso_id} if sso_id else {})},
        st.sampled_from(TENANTS),
        st.sampled_from(SSO_IDS),
    ),
)
set_task = st.fixed_dictionaries(
    {
        "tenant_id": st.sampled_from(TENANTS),
        "connections": st.lists(_connection(st.builds(lambda i: {"sso_id": i}, st.sampled_from(SSO_IDS))), max_size=3, unique_by=lambda c: str(c["sso_id"])),
    },
    optional={
        "prune": st.booleans(),
        "protected_ids": st.lists(st.sampled_from(SSO_IDS), max_size=1),
        "max_deletes": st.integers(0, 3),
        "allow_empty_prune": st.booleans(),
        "max_delete_ratio": st.sampled_from([0.5, 1.0]),
    },
)


def _key(tenant: str, sso_id: str) -> str:
    return f"{tenant}/{sso_id}" if sso_id else tenant


def _rows(result: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    if isinstance(result.get("ssos"), list):
        return t.cast(list, result["ssos"])
    return [result["sso"]] if isinstance(result.get("sso"), dict) else []


def _items(result: dict[str, t.Any]) -> list[tuple[t.Any, ...]]:
    return [(i.get("id"), str(i.get("action", "")).replace("would be ", ""), i.get("before"), i.get("after")) for i in _rows(result)]


def _counts(result: dict[str, t.Any]) -> t.Any:
    return (result.get("descope_audit") or {}).get("counts")


class SsoModel(RuleBasedStateMachine):
    def __init__(self, engine: t.Any) -> None:
        super().__init__()
        self.engine = engine
        self.server = engine.server

    def live(self) -> dict[str, t.Any]:
        """Every configured connection by ``tenant[/sso_id]``, its stored secret as set or not, and each tenant's
        SSO domains (answers hold them under the tenant, shared by its connections)."""
        out: dict[str, t.Any] = {}
        secrets = {
            (tenant, entry["ssoId"]): entry["oidc"].get("clientSecret") or ""
            for tenant, entries in (self.server.state().get("sso") or {}).items()
            for entry in entries
        }
        for tenant in TENANTS:
            answers = self.server.api("GET", "/v2/mgmt/sso/settings/all", params={"tenantId": tenant}).json()["SSOSettings"]
            default = self.server.api("GET", "/v2/mgmt/sso/settings", params={"tenantId": tenant}).json()
            extra = [a for a in answers if a.get("ssoId") and a["ssoId"] != default.get("ssoId")]
            for answer in [default, *extra]:
                sso_id = answer["ssoId"] if answer in extra else ""
                if sso_id or answer["tenant"]["authType"] != "none":
                    record = {k: answer[k] for k in ("saml", "oidc")}
                    out[_key(tenant, sso_id)] = {**record, "authType": answer["tenant"]["authType"], "secret": secrets.get((tenant, sso_id), "")}
            out[f"domains:{tenant}"] = sorted(d.lower() for d in default["tenant"].get("domains") or [])
        return out

    @initialize(
        secret_on_omit=st.sampled_from(["keep", "clear"]),
        pkce=st.booleans(),
        default_in_all=st.sampled_from(["empty", "generated", "omitted"]),
        not_found=st.sampled_from([404, 400]),
        seed=st.lists(st.tuples(st.sampled_from(TENANTS), st.sampled_from(SSO_IDS), st.sampled_from(["oidc", "saml"])), max_size=3),
    )
    def start(self, secret_on_omit: str, pkce: bool, default_in_all: str, not_found: int, seed: list[tuple[str, str, str]]) -> None:
        self.server.reset()
        self.server.seed(tenants=[{"id": i, "name": i.upper()} for i in TENANTS], roles=[{"name": r} for r in ROLES])
        self.server.config(oidcSecretOnOmit=secret_on_omit, ssoAnswersUsePkce=pkce, ssoDefaultInAll=default_in_all, notFoundStatus=not_found)
        self.server.clear_log()
        for tenant, sso_id, protocol in seed:
            self.someone_configures(tenant, sso_id, protocol, "Member")

    # --- someone else edits the live project through the API
    @rule(tenant=st.sampled_from(TENANTS), sso_id=st.sampled_from(SSO_IDS), protocol=st.sampled_from(["oidc", "saml"]), role=st.sampled_from(ROLES))
    def someone_configures(self, tenant: str, sso_id: str, protocol: str, role: str) -> None:
        if sso_id:
            self.server.api("POST", "/v1/mgmt/sso/settings/new", json={"tenantId": tenant, "ssoId": sso_id, "displayName": sso_id})
        mapping = [{"groups": ["console"], "roleName": role}]
        if protocol == "oidc":
            settings = {"name": "Console", "clientId": "console", "clientSecret": "console-secret", "roleMappings": mapping}
            body = {"tenantId": tenant, "settings": settings, "domains": ["console.example"]}
            self.server.api("POST", "/v1/mgmt/sso/oidc", json={**body, **({"ssoId": sso_id} if sso_id else {})})
        else:
            settings = {"idpMetadataUrl": "https://console.example/metadata.xml", "roleMappings": mapping}
            body = {"tenantId": tenant, "settings": settings, "redirectUrl": "https://console.example/"}
            self.server.api("POST", "/v1/mgmt/sso/saml/metadata", json={**body, **({"ssoId": sso_id} if sso_id else {})})

    @rule(tenant=st.sampled_from(TENANTS), sso_id=st.sampled_from(SSO_IDS))
    def someone_deletes(self, tenant: str, sso_id: str) -> None:
        self.server.api("DELETE", "/v1/mgmt/sso/settings", params={"tenantId": tenant, **({"ssoId": sso_id} if sso_id else {})})

    @rule(role=st.sampled_from(ROLES))
    def someone_deletes_a_mapped_role(self, role: str) -> None:
        self.server.api("POST", "/v1/mgmt/role/delete", json={"name": role})

    @rule(role=st.sampled_from(ROLES), scope=st.sampled_from(("", *TENANTS)))
    def someone_creates_a_role(self, role: str, scope: str) -> None:
        self.server.api("POST", "/v1/mgmt/role/create", json={"name": role, **({"tenantId": scope} if scope else {})})

    @rule(tenant=st.sampled_from(TENANTS), domains=st.lists(st.sampled_from(["a.com", "c.org"]), max_size=1))
    def someone_sets_sso_domains(self, tenant: str, domains: list[str]) -> None:
        self.server.api("POST", "/v1/mgmt/tenant/update", json={"id": tenant, "name": tenant.upper(), "domains": domains})

    # --- the collection's tasks
    @rule(params=single_task)
    def run_single_task(self, params: dict[str, t.Any]) -> None:
        self._run(params)

    @rule(params=set_task)
    def run_set_task(self, params: dict[str, t.Any]) -> None:
        self._run(params)

    @rule(data=st.data(), tenant=st.sampled_from(TENANTS))
    def run_task_about_live_connections(self, data: st.DataObject, tenant: str) -> None:
        """Aimed at live connections: declare some of them (again, or with the other protocol) and prune the rest."""
        live = sorted(k for k in self.live() if k == tenant or k.startswith(tenant + "/"))
        if not live:
            return
        kept = data.draw(st.lists(st.sampled_from(live), unique=True, max_size=2))
        conns = [{**data.draw(_connection(st.just({}))), "sso_id": k.partition("/")[2]} for k in kept]
        guards = data.draw(
            st.fixed_dictionaries({}, optional={"max_deletes": st.integers(0, 2), "protected_ids": st.lists(st.sampled_from(SSO_IDS), max_size=1)})
        )
        self._run({"tenant_id": tenant, "connections": conns, "prune": True, "max_delete_ratio": 1.0, "allow_empty_prune": True, **guards})

    # --- the properties
    def _run(self, params: dict[str, t.Any]) -> None:
        engine = self.engine
        ran = engine.check_then_run("descope_sso", params, self.live)
        if ran is None:
            return  # refused in both modes, with nothing written
        predicted, result, writes, before, after = ran
        assert _items(predicted) == _items(result)
        assert predicted.get("diff") == result.get("diff")
        assert _counts(predicted) == _counts(result)
        assert bool(predicted.get("changed")) == bool(result.get("changed")) == bool(writes), (result.get("changed"), writes)
        actions = {row[0]: row[1] for row in _items(result)}
        conns_before = {k for k in before if not k.startswith("domains:")}
        conns_after = {k for k in after if not k.startswith("domains:")}
        assert conns_before - conns_after == {i for i, a in actions.items() if a == "deleted"}, (conns_before, conns_after, actions)
        assert conns_after - conns_before == {i for i, a in actions.items() if a == "created"}, (conns_before, conns_after, actions)
        for key in conns_before & conns_after:
            if actions.get(key) not in ("updated", "created", "deleted"):
                assert before[key] == after[key], f"connection '{key}' changed without being reported"
        for tenant in TENANTS:
            if before[f"domains:{tenant}"] != after[f"domains:{tenant}"]:
                declared = [r for r in _rows(result) if r.get("changed") and "domains" in (r.get("after") or {})]
                assert declared, f"the SSO domains of '{tenant}' changed without being reported"
        again, again_writes = engine.run("descope_sso", params)
        assert not again.get("failed"), again.get("msg")
        if any(c.get("update_secret") == "always" for c in [params, *(params.get("connections") or [])]):
            return  # documented: a task that sends the secret every run reports a change every run
        assert not again["changed"] and again_writes == [], _items(again)


SETTINGS = budget(25, stateful_step_count=8)


def test_check_mode_is_the_real_run(engine: t.Any) -> None:
    run_state_machine_as_test(lambda: SsoModel(engine), settings=SETTINGS)
