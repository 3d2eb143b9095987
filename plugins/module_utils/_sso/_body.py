# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant SSO configure request bodies (FOR INTERNAL COLLECTION USE ONLY).

``POST /v1/mgmt/sso/oidc``, ``/saml``, ``/saml/metadata`` (python-sdk 2.16.1 ``management/_sso_settings_base.py``
``_compose_configure_*_body``; OAS ``ConfigureSSOOIDCSettingsRequest``, ``ConfigureSSOSAMLSettingsRequest``,
``ConfigureSSOSAMLSettingsByMetadataRequest``). A write sends the whole connection: the merged module fields
and ``other_settings`` (what the answer held that the module has no option for), so nothing is dropped.
"""

from __future__ import annotations

from ansible_collections.descope.mgmt.plugins.module_utils._sso._fields import (
    OIDC_ATTRS,
    OIDC_FIELDS,
    PATH_OIDC,
    PATH_SAML,
    PATH_SAML_METADATA,
    SAML_ATTRS,
    SAML_FIELDS,
    Record,
)

# SAML by metadata: the IdP fields come from the metadata (OAS SSOSAMLByMetadataSettings has none of them)
_METADATA_SKIPS = ("idp_url", "idp_cert", "idp_additional_certs")


def _attrs_body(values: Record, table: tuple[tuple[str, str], ...]) -> Record:
    return {api: values[name] for name, api in table if values.get(name) not in (None, "")}


def _section_body(values: Record, fields: tuple[tuple[str, str, str, str], ...], other: Record) -> Record:
    body: Record = dict(other)
    for name, request_key, _answer_key, kind in fields:
        value = values.get(name)
        if kind == "oidc_attrs" or kind == "saml_attrs":
            table = OIDC_ATTRS if kind == "oidc_attrs" else SAML_ATTRS
            merged = {**(other.get(request_key) or {}), **_attrs_body(value or {}, table)}
            if merged:
                body[request_key] = merged
            continue
        if value in (None, "", [], {}):
            continue
        body[request_key] = value
    return body


def _domains(body: Record, merged: Record) -> None:
    """Sent only when the task declares them: answers hold them under ``tenant`` (shared by the tenant's
    connections, as far as any source shows), and the python SDK sends ``null`` for "not given"."""
    if merged.get("domains") is not None:
        body["domains"] = merged["domains"]


def _role_mappings(merged: Record) -> list[Record]:
    return [{"groups": m["groups"], "roleName": m["role"]} for m in merged.get("role_mappings") or []]


def oidc_request(tenant_id: str, sso_id: str, merged: Record, secret: str | None) -> tuple[str, Record]:
    settings = _section_body(merged.get("oidc") or {}, OIDC_FIELDS, merged.get("other_settings") or {})
    if merged.get("redirect_url"):
        settings["redirectUrl"] = merged["redirect_url"]
    if merged.get("default_sso_roles"):
        settings["defaultSSORoles"] = merged["default_sso_roles"]
    mappings = _role_mappings(merged)
    if mappings:
        settings["roleMappings"] = mappings  # OAS SSOOIDCSettings.roleMappings (answered as groupsMapping)
    if secret:
        settings["clientSecret"] = secret
    body: Record = {"tenantId": tenant_id, "settings": settings}
    _domains(body, merged)
    if sso_id:
        body["ssoId"] = sso_id
    return PATH_OIDC, body


def saml_request(tenant_id: str, sso_id: str, merged: Record, clear_roles: bool = False) -> tuple[str, Record]:
    """``clear_roles``: the task empties the default SSO roles (python-sdk 2.16.0 ``replaceDefaultSSORoles``)."""
    saml = merged.get("saml") or {}
    by_metadata = bool(saml.get("metadata_url"))
    fields = tuple(f for f in SAML_FIELDS if (f[0] != "metadata_url") or by_metadata)
    if by_metadata:
        fields = tuple(f for f in fields if f[0] not in _METADATA_SKIPS)
    settings = _section_body(saml, fields, merged.get("other_settings") or {})
    settings["roleMappings"] = _role_mappings(merged)
    roles = merged.get("default_sso_roles") or []
    settings["defaultSSORoles"] = roles
    if not roles and clear_roles:
        # python-sdk 2.16.0 _set_replace_default_sso_roles: an empty list alone keeps the stored roles
        settings["replaceDefaultSSORoles"] = True
    body: Record = {"tenantId": tenant_id, "settings": settings, "redirectUrl": merged.get("redirect_url") or ""}
    _domains(body, merged)
    if sso_id:
        body["ssoId"] = sso_id
    return (PATH_SAML_METADATA if by_metadata else PATH_SAML), body
