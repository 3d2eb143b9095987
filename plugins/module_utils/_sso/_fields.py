# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant SSO: option tables, argument specs, API <-> module shapes and request bodies (FOR INTERNAL COLLECTION USE ONLY).

Sources: answers ``GET /v2/mgmt/sso/settings`` and ``/all`` (go-sdk ``descope/types.go``
``SSOTenantSettingsResponse {tenant, saml, oidc, ssoId}``, ``SSOSAMLSettingsResponse``, ``GroupsMapping``);
requests ``POST /v1/mgmt/sso/oidc``, ``/saml``, ``/saml/metadata`` (python SDK 2.16
``management/_sso_settings_base.py`` ``_compose_configure_*_body``), ``POST /v1/mgmt/sso/settings/new``,
``DELETE /v1/mgmt/sso/settings``. The OIDC client secret is write-only: answers carry ``clientSecret: ""``
(python-sdk e2e ``tests/e2e/management/test_sso.py``), so it is never compared, shown or exported.
"""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._options import with_connection

Record = dict[str, t.Any]

PATH_LOAD_ALL = "/v2/mgmt/sso/settings/all"
PATH_NEW = "/v1/mgmt/sso/settings/new"
PATH_DELETE = "/v1/mgmt/sso/settings"
PATH_OIDC = "/v1/mgmt/sso/oidc"
PATH_SAML = "/v1/mgmt/sso/saml"
PATH_SAML_METADATA = "/v1/mgmt/sso/saml/metadata"
PATH_ROLES_ALL = "/v1/mgmt/role/all"
PATH_ROLES_SEARCH = "/v1/mgmt/role/search"
PATH_ADMIN_LINK = "/v2/mgmt/tenant/adminlinks/sso/generate"

SECRET_MARK = "(write-only secret: will be sent)"  # what diffs and results show instead of a secret

# (option, API key in the request settings, API key in the answer, kind)
OIDC_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("name", "name", "name", "str"),
    ("client_id", "clientId", "clientId", "str"),
    ("auth_url", "authUrl", "authUrl", "str"),
    ("token_url", "tokenUrl", "tokenUrl", "str"),
    ("user_data_url", "userDataUrl", "userDataUrl", "str"),
    ("jwks_url", "JWKsUrl", "JWKsUrl", "str"),
    ("issuer", "issuer", "issuer", "str"),
    ("scope", "scope", "scope", "set"),
    ("grant_type", "grantType", "grantType", "str"),
    ("callback_domain", "callbackDomain", "callbackDomain", "str"),
    ("prompt", "prompt", "prompt", "set"),
    ("use_pkce", "usePkce", "usePkce", "bool"),
    ("manage_provider_tokens", "manageProviderTokens", "manageProviderTokens", "bool"),
    ("attribute_mapping", "userAttrMapping", "userAttrMapping", "oidc_attrs"),
)
OIDC_ATTRS = (
    ("login_id", "loginId"),
    ("name", "name"),
    ("given_name", "givenName"),
    ("middle_name", "middleName"),
    ("family_name", "familyName"),
    ("email", "email"),
    ("verified_email", "verifiedEmail"),
    ("username", "username"),
    ("phone_number", "phoneNumber"),
    ("verified_phone", "verifiedPhone"),
    ("picture", "picture"),
)
SAML_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("metadata_url", "idpMetadataUrl", "idpMetadataUrl", "str"),
    ("entity_id", "entityId", "idpEntityId", "str"),
    ("idp_url", "idpUrl", "idpSSOUrl", "str"),
    ("idp_cert", "idpCert", "idpCertificate", "str"),
    ("idp_additional_certs", "idpAdditionalCerts", "idpAdditionalCertificates", "list"),
    ("sp_acs_url", "spACSUrl", "spACSUrl", "str"),
    ("sp_entity_id", "spEntityId", "spEntityId", "str"),
    ("attribute_mapping", "attributeMapping", "attributeMapping", "saml_attrs"),
)
SAML_ATTRS = (
    ("name", "name"),
    ("email", "email"),
    ("phone_number", "phoneNumber"),
    ("group", "group"),
    ("given_name", "givenName"),
    ("middle_name", "middleName"),
    ("family_name", "familyName"),
    ("picture", "picture"),
    ("custom_attributes", "customAttributes"),
)
SAML_BY_FIELDS = ("entity_id", "idp_url", "idp_cert")
URL_FIELDS = {"oidc": ("auth_url", "token_url", "user_data_url", "jwks_url"), "saml": ("metadata_url", "idp_url", "sp_acs_url")}

_OIDC_ATTR_OPTIONS = {name: {"type": "str"} for name, _api in OIDC_ATTRS}
_SAML_ATTR_OPTIONS: dict[str, dict[str, t.Any]] = {name: {"type": "str"} for name, _api in SAML_ATTRS}
_SAML_ATTR_OPTIONS["custom_attributes"] = {"type": "dict"}

OIDC_OPTIONS: dict[str, dict[str, t.Any]] = {
    "name": {"type": "str"},
    "client_id": {"type": "str"},
    "client_secret": {"type": "str", "no_log": True},
    "auth_url": {"type": "str"},
    "token_url": {"type": "str", "no_log": False},  # a URL, not a token
    "user_data_url": {"type": "str"},
    "jwks_url": {"type": "str"},
    "issuer": {"type": "str"},
    "scope": {"type": "list", "elements": "str"},
    "grant_type": {"type": "str", "choices": ["authorization_code", "implicit"]},
    "callback_domain": {"type": "str"},
    "prompt": {"type": "list", "elements": "str", "choices": ["none", "login", "consent", "select_account"]},
    "use_pkce": {"type": "bool"},
    "manage_provider_tokens": {"type": "bool"},
    "attribute_mapping": {"type": "dict", "options": _OIDC_ATTR_OPTIONS},
}
SAML_OPTIONS: dict[str, dict[str, t.Any]] = {
    "metadata_url": {"type": "str"},
    "entity_id": {"type": "str"},
    "idp_url": {"type": "str"},
    "idp_cert": {"type": "str"},
    "idp_additional_certs": {"type": "list", "elements": "str"},
    "sp_acs_url": {"type": "str"},
    "sp_entity_id": {"type": "str"},
    "attribute_mapping": {"type": "dict", "options": _SAML_ATTR_OPTIONS},
}

ARGUMENT_SPEC = with_connection(
    {
        "tenant_id": {"type": "str", "required": True},
        "sso_id": {"type": "str"},
        "display_name": {"type": "str"},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "protocol": {"type": "str", "choices": ["oidc", "saml"]},
        "oidc": {"type": "dict", "options": OIDC_OPTIONS},
        "saml": {"type": "dict", "options": SAML_OPTIONS},
        "redirect_url": {"type": "str"},
        "domains": {"type": "list", "elements": "str"},
        "role_mappings": {
            "type": "list",
            "elements": "dict",
            "options": {"groups": {"type": "list", "elements": "str", "required": True}, "role": {"type": "str", "required": True}},
        },
        "default_sso_roles": {"type": "list", "elements": "str"},
        "update_secret": {"type": "str", "choices": ["always", "on_create"], "default": "on_create", "no_log": False},
        "known_roles": {"type": "list", "elements": "str", "default": []},
        "pending_tenants": {"type": "list", "elements": "str", "default": []},
    }
)
MODULE_KWARGS: Record = {
    "supports_check_mode": True,
    "required_if": [("state", "present", ("protocol",))],
    "mutually_exclusive": [("oidc", "saml")],
}

INFO_ARGUMENT_SPEC = with_connection({"tenant_ids": {"type": "list", "elements": "str"}})
INFO_MODULE_KWARGS: Record = {"supports_check_mode": True}

ADMIN_LINK_ARGUMENT_SPEC = with_connection(
    {
        "tenant_id": {"type": "str", "required": True},
        "sso_id": {"type": "str"},
        "email": {"type": "str"},
        "expire_time": {"type": "int"},
        "pending_tenants": {"type": "list", "elements": "str", "default": []},
    }
)
ADMIN_LINK_MODULE_KWARGS: Record = {"supports_check_mode": True}


# ------------------------------------------------------------------------------- normalise / views


def norm_domains(values: t.Iterable[t.Any]) -> list[str]:
    return sorted({str(d).strip().lower() for d in values if str(d).strip()})


def norm_mappings(values: t.Iterable[Record]) -> list[Record]:
    merged: dict[str, set[str]] = {}
    for item in values:
        merged.setdefault(str(item.get("role") or ""), set()).update(str(g) for g in item.get("groups") or [])
    return [{"role": role, "groups": sorted(groups)} for role, groups in sorted(merged.items())]


def _attrs_view(raw: t.Any, table: tuple[tuple[str, str], ...]) -> Record:
    raw = raw if isinstance(raw, dict) else {}
    out: Record = {}
    for name, api in table:
        value = raw.get(api)
        if value not in (None, "", {}):
            out[name] = dict(value) if isinstance(value, dict) else str(value)
    return out


def _field_view(raw: t.Any, kind: str) -> t.Any:
    if kind == "bool":
        return bool(raw)
    if kind == "set":
        return sorted({str(x) for x in raw or []})
    if kind == "list":
        return [str(x) for x in raw or []]
    if kind == "oidc_attrs":
        return _attrs_view(raw, OIDC_ATTRS)
    if kind == "saml_attrs":
        return _attrs_view(raw, SAML_ATTRS)
    return str(raw or "")


def protocol_of(answer: Record) -> str | None:
    if answer.get("oidc"):
        return "oidc"
    if answer.get("saml"):
        return "saml"
    return None


def current_view(answer: Record) -> Record:
    """One configuration answer in the module's shape, every field (absent = empty); never a secret."""
    protocol = protocol_of(answer)
    raw_tenant = answer.get("tenant")
    tenant: Record = raw_tenant if isinstance(raw_tenant, dict) else {}
    view: Record = {"sso_id": str(answer.get("ssoId") or ""), "protocol": protocol, "domains": norm_domains(tenant.get("domains") or [])}
    if answer.get("displayName"):
        view["display_name"] = str(answer["displayName"])
    if protocol == "oidc":
        raw = answer["oidc"]
        view["oidc"] = {name: _field_view(raw.get(key), kind) for name, _req, key, kind in OIDC_FIELDS}
        view["redirect_url"] = str(raw.get("redirectUrl") or "")
        view["default_sso_roles"] = sorted({str(r) for r in raw.get("defaultSSORoles") or []})
        view["role_mappings"] = []
    elif protocol == "saml":
        raw = answer["saml"]
        view["saml"] = {name: _field_view(raw.get(key), kind) for name, _req, key, kind in SAML_FIELDS}
        view["redirect_url"] = str(raw.get("redirectUrl") or "")
        view["default_sso_roles"] = sorted({str(r) for r in raw.get("defaultSSORoles") or []})
        mappings = []
        for item in raw.get("groupsMapping") or []:
            role = item.get("role") if isinstance(item, dict) else None
            name = role.get("name") if isinstance(role, dict) else None
            if name:
                mappings.append({"role": str(name), "groups": item.get("groups") or []})
        view["role_mappings"] = norm_mappings(mappings)
    return view


def export_view(view: Record, tenant_id: str) -> Record:
    """What descope_sso_info returns: the item shape descope_sso accepts, empty values dropped."""
    out: Record = {"tenant_id": tenant_id}
    if view.get("sso_id"):
        out["sso_id"] = view["sso_id"]
        if view.get("display_name"):
            out["display_name"] = view["display_name"]
    out["protocol"] = view["protocol"]
    section = view.get(view["protocol"]) or {}
    out[view["protocol"]] = {k: v for k, v in section.items() if v not in ("", [], {}, None, False)}
    for key in ("redirect_url", "domains", "role_mappings", "default_sso_roles"):
        if view.get(key):
            out[key] = view[key]
    return out


# ------------------------------------------------------------------------------------- request bodies


def _attrs_body(values: Record, table: tuple[tuple[str, str], ...]) -> Record:
    return {api: values[name] for name, api in table if values.get(name) not in (None, "")}


def _section_body(values: Record, fields: tuple[tuple[str, str, str, str], ...]) -> Record:
    body: Record = {}
    for name, request_key, _answer_key, kind in fields:
        value = values.get(name)
        if value in (None, "", [], {}):
            continue
        if kind == "oidc_attrs":
            value = _attrs_body(value, OIDC_ATTRS)
        elif kind == "saml_attrs":
            value = _attrs_body(value, SAML_ATTRS)
        body[request_key] = value
    return body


def oidc_request(tenant_id: str, sso_id: str, merged: Record, secret: str | None) -> tuple[str, Record]:
    settings = _section_body(merged.get("oidc") or {}, OIDC_FIELDS)
    if merged.get("redirect_url"):
        settings["redirectUrl"] = merged["redirect_url"]
    if merged.get("default_sso_roles") is not None:
        settings["defaultSSORoles"] = merged["default_sso_roles"]
    if secret:
        settings["clientSecret"] = secret
    body: Record = {"tenantId": tenant_id, "settings": settings, "domains": merged.get("domains") or []}
    if sso_id:
        body["ssoId"] = sso_id
    return PATH_OIDC, body


def saml_request(tenant_id: str, sso_id: str, merged: Record) -> tuple[str, Record]:
    saml = merged.get("saml") or {}
    by_metadata = bool(saml.get("metadata_url"))
    fields = tuple(f for f in SAML_FIELDS if (f[0] != "metadata_url") or by_metadata)
    if by_metadata:
        fields = tuple(f for f in fields if f[0] not in ("idp_url", "idp_cert", "idp_additional_certs"))
    settings = _section_body(saml, fields)
    settings["roleMappings"] = [{"groups": m["groups"], "roleName": m["role"]} for m in merged.get("role_mappings") or []]
    roles = merged.get("default_sso_roles")
    if roles is not None:
        settings["defaultSSORoles"] = roles
        if not roles:
            settings["replaceDefaultSSORoles"] = True  # python SDK: an empty list alone keeps the stored roles
    body: Record = {"tenantId": tenant_id, "settings": settings, "redirectUrl": merged.get("redirect_url") or "", "domains": merged.get("domains") or []}
    if sso_id:
        body["ssoId"] = sso_id
    return (PATH_SAML_METADATA if by_metadata else PATH_SAML), body
