# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant SSO: one load answer -> the module's shape, and the export item (FOR INTERNAL COLLECTION USE ONLY).

Every load answer carries BOTH a ``saml`` and an ``oidc`` object, the unused one holding defaults, and
``tenant.authType`` names the active protocol (go-sdk ``descope/internal/mgmt/sso_test.go``
TestLoadSettingsSuccess; python-sdk 2.16.1 ``management/sso_settings.py`` ``load_settings`` sample), so the
protocol is never guessed from which object is non-empty. Answers hold no ``displayName`` (OAS
``LoadSSOSettingsResponse``, go-sdk ``SSOTenantSettingsResponse``), so it is never read back.

The configure calls replace the whole connection, so what the module has no option for is kept in
``other_settings`` (request names) and carried into every write: SAML keys from OAS ``SSOSAMLSettings``
(+ ``disableSignRequest``, python-sdk 2.16.0), and for OIDC every answer key, claim mappings included
(OAS ``SSOOIDCSettings`` is both the request and the answer schema) but the managed, write-only and answer-only
ones.
"""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._sso._fields import (
    OIDC_ATTRS,
    OIDC_FIELDS,
    SAML_ATTRS,
    SAML_FIELDS,
    Record,
    norm_domains,
    norm_mappings,
)

# OIDC answer keys never carried: managed elsewhere (redirect, roles, mappings), write-only or answer-only
OIDC_NOT_CARRIED = frozenset(
    {f[2] for f in OIDC_FIELDS}
    | {
        "redirectUrl",
        "defaultSSORoles",
        "groupsMapping",
        "roleMappings",
        "clientSecret",
        "lastSuccessTestTime",
    }
)
# SAML request keys (OAS SSOSAMLSettings / SSOSAMLByMetadataSettings) the module has no option for
SAML_CARRIED = (
    "groupsPriority",
    "fgaMappings",
    "configFGATenantIDResourcePrefix",
    "configFGATenantIDResourceSuffix",
    "subjectNameIdFormat",
    "disableSignRequest",
)
# SP private keys (OAS SSOSAMLSettings.spSignKey/spEncryptionKey): never answered, so never carried, and refused
# in other_settings, which is no_log-free (shown in diffs and results)
SAML_PRIVATE_KEYS = ("spSignKey", "spEncryptionKey")
ATTR_KEY = {"oidc": "userAttrMapping", "saml": "attributeMapping"}
_MEANINGFUL = {"oidc": ("clientId",), "saml": ("idpEntityId", "idpSSOUrl", "idpMetadataUrl", "idpCertificate")}


def _empty(value: t.Any) -> bool:
    return value is None or value is False or value == "" or value == [] or value == {}


def norm_other(raw: t.Any) -> Record:
    """other_settings without empty values (an empty value and an absent key mean the same: not set)."""
    out: Record = {}
    for key, value in (raw or {}).items():
        if isinstance(value, dict) and key in ATTR_KEY.values():
            value = {k: v for k, v in value.items() if not _empty(v)}
        if not _empty(value):
            out[str(key)] = value
    return out


def _side(answer: Record, protocol: str) -> Record:
    raw = answer.get(protocol)
    return raw if isinstance(raw, dict) else {}


def _meaningful(answer: Record, protocol: str) -> bool:
    side = _side(answer, protocol)
    return any(side.get(k) for k in _MEANINGFUL[protocol])


def protocol_of(answer: Record) -> str | None:
    """The active protocol: ``tenant.authType``. For an additional connection (``ssoId``), where the tenant's
    type may describe another connection, the side with identity-provider fields settles it."""
    tenant = answer.get("tenant")
    auth = str((tenant if isinstance(tenant, dict) else {}).get("authType") or "").lower()
    if not answer.get("ssoId"):
        return auth if auth in ("oidc", "saml") else None
    if auth in ("oidc", "saml") and _meaningful(answer, auth):
        return auth
    for protocol in ("saml", "oidc"):
        if _meaningful(answer, protocol):
            return protocol
    return auth if auth in ("oidc", "saml") else None


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


def _mappings(raw: Record) -> list[Record]:
    out = []
    for item in raw.get("groupsMapping") or []:
        role = item.get("role") if isinstance(item, dict) else None
        name = role.get("name") if isinstance(role, dict) else None
        if name:
            out.append({"role": str(name), "groups": item.get("groups") or []})
    return norm_mappings(out)


def other_view(raw: Record, protocol: str) -> Record:
    """The answer's settings the module has no option for, in request names."""
    managed_attrs = {api for _n, api in (OIDC_ATTRS if protocol == "oidc" else SAML_ATTRS)}
    attr_key = ATTR_KEY[protocol]
    oidc_keys = [k for k in raw if k not in OIDC_NOT_CARRIED]
    carried = oidc_keys if protocol == "oidc" else [k for k in SAML_CARRIED if k in raw]
    out = {k: raw[k] for k in carried}
    raw_attrs = raw.get(attr_key)
    # OIDC answers and requests share OAuthUserDataClaimsMapping; a SAML answer's extra keys (username,
    # verifiedEmail...) are not in the request's AttributeMapping (OAS), so they cannot be carried
    attrs: Record = raw_attrs if isinstance(raw_attrs, dict) and protocol == "oidc" else {}
    extra = {k: v for k, v in attrs.items() if k not in managed_attrs}
    if extra:
        out[attr_key] = extra
    return norm_other(out)


def current_view(answer: Record) -> Record:
    """One configuration answer in the module's shape, every field (absent = empty); never a secret."""
    protocol = protocol_of(answer)
    raw_tenant = answer.get("tenant")
    tenant: Record = raw_tenant if isinstance(raw_tenant, dict) else {}
    view: Record = {
        "sso_id": str(answer.get("ssoId") or ""),
        "protocol": protocol,
        "domains": norm_domains(tenant.get("domains") or []),
    }
    if protocol is None:
        return view
    raw = _side(answer, protocol)
    fields = OIDC_FIELDS if protocol == "oidc" else SAML_FIELDS
    section = {name: _field_view(raw.get(key), kind) for name, _req, key, kind in fields}
    if protocol == "saml" and section.get("metadata_url"):
        # by metadata the IdP fields are the server's reading of the metadata, not settings of their own
        section.update(idp_url="", idp_cert="", idp_additional_certs=[])
    if protocol == "oidc" and "usePkce" not in raw:
        del section["use_pkce"]  # python-sdk 2.16.0 sends it; no source shows answers carrying it
    view[protocol] = section
    view["redirect_url"] = str(raw.get("redirectUrl") or "")
    view["default_sso_roles"] = sorted({str(r) for r in raw.get("defaultSSORoles") or []})
    view["role_mappings"] = _mappings(raw)
    view["other_settings"] = other_view(raw, protocol)
    return view


def export_view(view: Record, tenant_id: str) -> Record:
    """What descope_sso_info returns: the item shape descope_sso accepts, empty values dropped."""
    out: Record = {"tenant_id": tenant_id}
    if view.get("sso_id"):
        out["sso_id"] = view["sso_id"]
    out["protocol"] = view["protocol"]
    section = view.get(view["protocol"]) or {}
    out[view["protocol"]] = {k: v for k, v in section.items() if v not in ("", [], {}, None, False)}
    for key in ("redirect_url", "domains", "role_mappings", "default_sso_roles", "other_settings"):
        if view.get(key):
            out[key] = view[key]
    return out
