# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant SSO: paths, option tables and argument specs (FOR INTERNAL COLLECTION USE ONLY).

Sources: answers ``GET /v2/mgmt/sso/settings/all`` (go-sdk ``descope/types.go``
``SSOTenantSettingsResponse {tenant, saml, oidc, ssoId}``, ``SSOSAMLSettingsResponse``, ``GroupsMapping``);
requests ``POST /v1/mgmt/sso/oidc``, ``/saml``, ``/saml/metadata`` (python-sdk 2.16.1
``management/_sso_settings_base.py``), ``POST /v1/mgmt/sso/settings/new``, ``DELETE /v1/mgmt/sso/settings``.
``usePkce`` is sent by python-sdk 2.16.0 (``_compose_configure_oidc_settings_body``: "an omitted usePkce keeps
the stored value"). The OIDC client secret is write-only: answers carry ``clientSecret: ""`` (python-sdk e2e
``tests/e2e/management/test_sso.py``), so it is never compared, shown or exported.
"""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._options import with_connection
from ansible_collections.descope.mgmt.plugins.module_utils._spec import with_prune_guard

Record = dict[str, t.Any]

PATH_LOAD_ALL = "/v2/mgmt/sso/settings/all"
PATH_LOAD_ONE = "/v2/mgmt/sso/settings"
PATH_NEW = "/v1/mgmt/sso/settings/new"
PATH_DELETE = "/v1/mgmt/sso/settings"
PATH_OIDC = "/v1/mgmt/sso/oidc"
PATH_SAML = "/v1/mgmt/sso/saml"
PATH_SAML_METADATA = "/v1/mgmt/sso/saml/metadata"
PATH_ROLES_ALL = "/v1/mgmt/role/all"
PATH_ROLES_SEARCH = "/v1/mgmt/role/search"
PATH_TENANTS = "/v1/mgmt/tenant/all"
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
URL_FIELDS = {
    "oidc": ("auth_url", "token_url", "user_data_url", "jwks_url"),
    "saml": ("metadata_url", "idp_url", "sp_acs_url"),
}

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

_MAPPING_OPTIONS = {
    "groups": {"type": "list", "elements": "str", "required": True},
    "role": {"type": "str", "required": True},
}
# what one connection declares (top level in single mode, each item of ``connections`` in set mode)
CONNECTION_OPTIONS: dict[str, dict[str, t.Any]] = {
    "sso_id": {"type": "str"},
    "display_name": {"type": "str"},
    "protocol": {"type": "str", "choices": ["oidc", "saml"]},
    "oidc": {"type": "dict", "options": OIDC_OPTIONS},
    "saml": {"type": "dict", "options": SAML_OPTIONS},
    "redirect_url": {"type": "str"},
    "domains": {"type": "list", "elements": "str"},
    "role_mappings": {"type": "list", "elements": "dict", "options": _MAPPING_OPTIONS},
    "default_sso_roles": {"type": "list", "elements": "str"},
    "other_settings": {"type": "dict"},
    "update_secret": {"type": "str", "choices": ["always", "on_create"], "default": "on_create", "no_log": False},
}
CONNECTION_KEYS = tuple(CONNECTION_OPTIONS)

ARGUMENT_SPEC = with_connection(
    with_prune_guard(
        {
            "tenant_id": {"type": "str", "required": True},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            **CONNECTION_OPTIONS,
            "connections": {
                "type": "list",
                "elements": "dict",
                "options": {**CONNECTION_OPTIONS, "sso_id": {"type": "str", "required": True}},
            },
            "prune": {"type": "bool", "default": False},
            "protected_ids": {"type": "list", "elements": "str", "default": []},
            "known_roles": {"type": "list", "elements": "str", "default": []},
            "pending_tenants": {"type": "list", "elements": "str", "default": []},
        }
    )
)
MODULE_KWARGS: Record = {
    "supports_check_mode": True,
    "mutually_exclusive": [("oidc", "saml"), ("connections", "protocol"), ("connections", "sso_id")],
}

INFO_ARGUMENT_SPEC = with_connection({"tenant_ids": {"type": "list", "elements": "str"}, "sso_id": {"type": "str"}})
INFO_MODULE_KWARGS: Record = {"supports_check_mode": True}

ADMIN_LINK_ARGUMENT_SPEC = with_connection(
    {
        "tenant_id": {"type": "str", "required": True},
        "sso_id": {"type": "str"},
        "email": {"type": "str"},
        "send_email": {"type": "bool", "default": False},
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
