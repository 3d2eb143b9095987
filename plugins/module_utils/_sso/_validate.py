# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant SSO checks made without a request, and the role look-up (FOR INTERNAL COLLECTION USE ONLY).

Messages never quote a value that could be a secret: a field is named, its content is not.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._client_protocol import ApiClient
from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem
from ansible_collections.descope.mgmt.plugins.module_utils._sso._cert import is_certificate
from ansible_collections.descope.mgmt.plugins.module_utils._sso._fields import (
    OIDC_ATTRS,
    PATH_ROLES_ALL,
    PATH_ROLES_SEARCH,
    SAML_ATTRS,
    SAML_BY_FIELDS,
    URL_FIELDS,
    Record,
)
from ansible_collections.descope.mgmt.plugins.module_utils._sso._shape import (
    ATTR_KEY,
    OIDC_NOT_CARRIED,
    SAML_CARRIED,
    SAML_PRIVATE_KEYS,
)

_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_PRIVATE_KEY = re.compile(r"PRIVATE\s+KEY", re.IGNORECASE)


_Add = t.Callable[[str, str, str], None]


def static_problems(params: t.Mapping[str, t.Any], prefix: str = "") -> list[Problem]:
    """The checks of one connection (``prefix``: ``connections[i].`` in set mode)."""
    tid = params.get("tenant_id") or None
    problems: list[Problem] = []

    def add(field: str, message: str, fix: str) -> None:
        problems.append(Problem(prefix + field, message, fix, id=tid))

    if not prefix and not str(params.get("tenant_id") or "").strip():
        add("tenant_id", "must not be empty.", "Set tenant_id to the id of an existing tenant.")
    if params.get("state") == "absent":
        return problems
    protocol = params.get("protocol")
    if protocol is None:
        add("protocol", "is required to configure a connection.", "Set protocol: oidc or protocol: saml.")
        return problems
    other = "saml" if protocol == "oidc" else "oidc"
    if params.get(other) is not None:
        add(other, f"given with protocol {protocol}.", f"Remove '{other}', or set protocol: {other}.")
    section = params.get(protocol or "") or {}
    for name in URL_FIELDS.get(protocol or "", ()):
        value = section.get(name)
        if value is not None and not str(value).startswith("https://"):
            add(
                f"{protocol}.{name}",
                "must be an https:// URL.",
                f"Set {protocol}.{name} to the identity provider's https:// address.",
            )
    redirect = params.get("redirect_url")
    if redirect is not None and redirect != "" and not re.match(r"^https?://", str(redirect)):
        add(
            "redirect_url",
            "must be an absolute http(s) URL.",
            "Set redirect_url to the URL users return to after SSO, e.g. https://app.example.com/.",
        )
    if protocol == "saml":
        _saml_problems(section, add)
    else:
        _oidc_problems(params, section, add)
    for field, message, fix in _other_problems(protocol, params.get("other_settings")):
        add(field, message, fix)
    _list_problems(params, add)
    if params.get("display_name") and not params.get("sso_id"):
        add(
            "display_name",
            "only applies to an additional configuration (sso_id).",
            "Remove display_name, or set sso_id.",
        )
    return problems


def _other_problems(protocol: str, other: t.Any) -> list[tuple[str, str, str]]:
    """other_settings holds API request keys the module has no option for; never a managed one."""
    if not other:
        return []
    attr_key = ATTR_KEY[protocol]
    managed_attrs = {api for _n, api in (OIDC_ATTRS if protocol == "oidc" else SAML_ATTRS)}
    out = []
    for key, value in other.items():
        field = f"other_settings.{key}"
        if key == attr_key and protocol == "oidc":
            clash = sorted(k for k in (value or {}) if k in managed_attrs) if isinstance(value, dict) else None
            if clash is None:
                out.append((field, "must be a mapping.", f"Give {attr_key} as a mapping of claim names."))
            elif clash:
                out.append(
                    (
                        field,
                        f"holds {', '.join(clash)}, which attribute_mapping manages.",
                        f"Set them in {protocol}.attribute_mapping.",
                    )
                )
        elif protocol == "oidc" and key in OIDC_NOT_CARRIED:
            out.append((field, "is managed by a module option (or write-only).", "Set it with its own option."))
        elif protocol == "saml" and key in SAML_PRIVATE_KEYS:
            out.append((field, "is a private key; other_settings is shown in diffs and results.", _KEY_FIX))
        elif protocol == "saml" and key not in SAML_CARRIED:
            out.append(
                (
                    field,
                    "is no SAML setting the module carries.",
                    f"Use one of: {', '.join(SAML_CARRIED)}, attributeMapping.",
                )
            )
    return out


_KEY_FIX = "Remove it: the module does not manage SP keys (set them in the Descope console)."


def domain_problems(
    connections: list[tuple[str, Record]],
    tenant_id: str,
    others: t.Mapping[str, list[str]],
) -> list[Problem]:
    """A domain claimed by two declared connections, or by this and another tenant, is refused before any write.

    ``connections``: (field prefix, declared fields); ``others``: other tenants' SSO domains by tenant id."""
    problems: list[Problem] = []
    claimed: dict[str, str] = {}
    first = ""
    for prefix, fields in connections:
        if fields.get("domains") is None:
            continue
        earlier = dict(connections).get(first, {}).get("domains") or []
        shared = set(fields["domains"]) & set(earlier)
        if first and (shared or fields["domains"] != earlier):
            # the answer holds the domains under ``tenant``: one list per tenant, as far as any source shows,
            # so two connections declaring different lists would overwrite each other on every run
            said = f"'{sorted(shared)[0]}' is also declared by {first}domains" if shared else f"{first}domains differs"
            problems.append(
                Problem(
                    f"{prefix}domains",
                    f"{said}: a tenant's SSO domains may be one list its connections share (no source says otherwise).",
                    "Declare domains on one connection only; a domain routes users to one connection.",
                    id=tenant_id,
                )
            )
            continue
        first = first or prefix
        for domain in fields["domains"]:
            claimed.setdefault(domain, prefix)
    for domain, prefix in sorted(claimed.items()):
        owners = sorted(tid for tid, domains in others.items() if tid != tenant_id and domain in domains)
        if owners:
            problems.append(
                Problem(
                    f"{prefix}domains",
                    f"'{domain}' is already an SSO domain of tenant '{owners[0]}'.",
                    "Remove it there first (descope_sso or descope_tenant_settings), or drop it here.",
                    id=tenant_id,
                )
            )
    return problems


def creation_problems(params: t.Mapping[str, t.Any], merged: Record) -> list[Problem]:
    """What a new (or protocol-switched) configuration needs."""
    tid = params.get("tenant_id") or None
    problems: list[Problem] = []
    protocol = params.get("protocol")
    section = merged.get(protocol or "") or {}
    if protocol == "oidc":
        for name in ("name", "client_id"):
            if not section.get(name):
                problems.append(
                    Problem(f"oidc.{name}", "is required to create an OIDC connection.", f"Set oidc.{name}.", id=tid)
                )
    elif protocol == "saml" and not section.get("metadata_url") and not all(section.get(k) for k in SAML_BY_FIELDS):
        missing = ", ".join(k for k in SAML_BY_FIELDS if not section.get(k))
        problems.append(
            Problem(
                "saml",
                f"a new SAML connection needs metadata_url, or entity_id, idp_url and idp_cert (missing: {missing}).",
                "Set saml.metadata_url, or all of saml.entity_id, saml.idp_url and saml.idp_cert.",
                id=tid,
            )
        )
    return problems


_ROLE_FIX = " ".join(
    (
        "Create the role first (descope.mgmt.descope_role), list it in known_roles when this play creates it",
        "(a check-mode run only), or fix the name.",
    ),
)


def role_refs(params: t.Mapping[str, t.Any], prefix: str = "") -> list[tuple[str, str]]:
    mappings = enumerate(params.get("role_mappings") or [])
    refs = [(f"{prefix}role_mappings[{i}].role", str(m.get("role") or "")) for i, m in mappings]
    defaults = enumerate(params.get("default_sso_roles") or [])
    return refs + [(f"{prefix}default_sso_roles[{i}]", str(r)) for i, r in defaults]


def role_problems(
    client: ApiClient,
    params: t.Mapping[str, t.Any],
    refs: list[tuple[str, str]],
    check_mode: bool,
) -> list[Problem]:
    """Every referenced role must exist (project or tenant role). ``known_roles`` excuses a role only in check
    mode, where an earlier task's creation is planned, not made: in a real run the role must exist by now."""
    tid = str(params.get("tenant_id") or "")
    known = set(params.get("known_roles") or []) if check_mode else set()
    wanted = {name for _f, name in refs if name and name not in known}
    if not wanted:
        return []
    found = {str(r.get("name")) for r in client.get(PATH_ROLES_ALL).get("roles") or [] if isinstance(r, dict)}
    if wanted - found:
        # tenant-scoped roles are listed by search (the all call answers project roles)
        answer = client.post(PATH_ROLES_SEARCH, {"tenantIds": [tid], "includeProjectRoles": True}, read=True)
        found |= {str(r.get("name")) for r in answer.get("roles") or [] if isinstance(r, dict)}
    return [
        Problem(
            field,
            f"role '{name}' does not exist in the project or tenant '{tid}'.",
            _ROLE_FIX,
            id=tid or None,
        )
        for field, name in refs
        if name and name not in known and name not in found
    ]


def _saml_problems(section: t.Mapping[str, t.Any], add: _Add) -> None:
    if section.get("metadata_url") and any(section.get(k) for k in ("idp_url", "idp_cert")):
        add(
            "saml.metadata_url",
            "given together with saml.idp_url/idp_cert.",
            "Configure SAML either by metadata_url or by entity_id, idp_url and idp_cert.",
        )
    certs = [("saml.idp_cert", section.get("idp_cert"))] + [
        (f"saml.idp_additional_certs[{i}]", c) for i, c in enumerate(section.get("idp_additional_certs") or [])
    ]
    for field, cert in certs:
        if cert and _PRIVATE_KEY.search(str(cert)):
            add(
                field,
                "holds a private key (a secret) where the IdP's public certificate belongs; it was not sent.",
                f"Put the IdP's public certificate in {field}, and rotate that key: it left its vault.",
            )
        elif cert is not None and not is_certificate(str(cert)):
            add(
                field,
                "is not an X.509 certificate (PEM, or base64 DER).",
                "Paste the IdP's signing certificate (-----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----).",
            )


def _oidc_problems(params: t.Mapping[str, t.Any], section: t.Mapping[str, t.Any], add: _Add) -> None:
    if section.get("use_pkce") and section.get("grant_type") == "implicit":
        add(
            "oidc.use_pkce",
            "is not allowed with grant_type implicit (python-sdk 2.16.0).",
            "Use grant_type: authorization_code, or drop use_pkce.",
        )
    secret = (params.get("oidc") or {}).get("client_secret")
    if secret is not None and not str(secret).strip():
        add(
            "oidc.client_secret",
            "must not be empty.",
            "Set the client secret your identity provider issued, or leave client_secret out.",
        )


def _list_problems(params: t.Mapping[str, t.Any], add: _Add) -> None:
    secret = (params.get("oidc") or {}).get("client_secret")
    # whatever the protocol; a client_secret pasted into any other field is refused by _pipeline/_secrets.py first
    if params.get("update_secret") == "always" and not secret:
        add(
            "update_secret",
            "'always' needs oidc.client_secret.",
            "Give oidc.client_secret, or set update_secret: on_create.",
        )
    for index, domain in enumerate(params.get("domains") or []):
        if not _DOMAIN_RE.match(str(domain).strip().lower()):
            add(
                f"domains[{index}]",
                "is not a domain name (the value is not repeated here: it could be a secret).",
                "Use a bare domain such as example.com (no scheme, no @, no path).",
            )
    for index, mapping in enumerate(params.get("role_mappings") or []):
        if not str(mapping.get("role") or "").strip():
            add(f"role_mappings[{index}].role", "must not be empty.", "Name an existing role.")
        if not [g for g in mapping.get("groups") or [] if str(g).strip()]:
            add(
                f"role_mappings[{index}].groups",
                "must name at least one IdP group.",
                "List the IdP group names that get this role.",
            )
