# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant fields, argument specs, the item schema and normalisation (FOR INTERNAL COLLECTION USE ONLY)."""

from __future__ import annotations

import importlib.util
import re
import typing as t
import unicodedata

from ansible_collections.descope.mgmt.plugins.module_utils._options import with_connection
from ansible_collections.descope.mgmt.plugins.module_utils._spec import PRUNE_GUARD_ARGSPEC

HAS_JSONSCHEMA = importlib.util.find_spec("jsonschema") is not None
JSONSCHEMA_IMPORT_ERROR: str | None = None if HAS_JSONSCHEMA else "ModuleNotFoundError: No module named 'jsonschema'"

Record = dict[str, t.Any]

LIBRARIES: list[tuple[str, bool, str | None]] = [("jsonschema", HAS_JSONSCHEMA, JSONSCHEMA_IMPORT_ERROR)]

PATH_CREATE = "/v1/mgmt/tenant/create"
PATH_UPDATE = "/v1/mgmt/tenant/update"
PATH_DELETE = "/v1/mgmt/tenant/delete"
PATH_LOAD = "/v1/mgmt/tenant"
PATH_ALL = "/v1/mgmt/tenant/all"
PATH_SEARCH = "/v1/mgmt/tenant/search"
PATH_ROLES = "/v1/mgmt/tenant/updateDefaultRoles"


# (option name, API field, kind). kind drives normalisation: domains are case-insensitive sets,
# "set" lists are order-free sets, "dict"/"bool"/"str" compare as given (absent == empty/false).
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("name", "name", "str"),
    ("self_provisioning_domains", "selfProvisioningDomains", "domains"),
    ("custom_attributes", "customAttributes", "dict"),
    ("enforce_sso", "enforceSSO", "bool"),
    ("enforce_sso_exclusions", "enforceSSOExclusions", "set"),
    ("disabled", "disabled", "bool"),
    ("parent_tenant_id", "parent", "parent"),
    ("default_roles", "defaultRoles", "set"),
)
FIELD_NAMES = tuple(f[0] for f in FIELDS)
API_NAME = {f[0]: f[1] for f in FIELDS}
KIND = {f[0]: f[2] for f in FIELDS}
ITEM_KEYS = ("id", *FIELD_NAMES, "state", "cascade")
# Fields of the current record carried into every full-replace update so nothing unmentioned resets.
# (createdTime, successors, domains, parent and defaultRoles are owned by other calls and not sent; nor is
# authType: deprecated on UpdateTenantRequest in the OAS, "set via ConfigureTenantSettings", and no SDK sends it.)
CARRY_OVER = (
    "name",
    "selfProvisioningDomains",
    "customAttributes",
    "enforceSSO",
    "enforceSSOExclusions",
    "federatedAppIds",
    "disabled",
    "roleInheritance",
)

_LIST = {"type": ["array", "null"], "items": {"type": "string"}}
ITEM_SCHEMA: dict[str, t.Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "id": {
            "type": ["string", "null"],
            "minLength": 1,
            "maxLength": 255,
        },  # characters: TENANT_ID_RE, in _validate (both modes)
        "name": {"type": ["string", "null"], "minLength": 1},
        "self_provisioning_domains": _LIST,
        "custom_attributes": {"type": ["object", "null"]},
        "enforce_sso": {"type": ["boolean", "null"]},
        "enforce_sso_exclusions": _LIST,
        "disabled": {"type": ["boolean", "null"]},
        "parent_tenant_id": {"type": ["string", "null"], "minLength": 1},
        "default_roles": _LIST,
        "state": {"enum": ["present", "absent", None]},
        "cascade": {"type": ["boolean", "null"]},
    },
}

_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")

_ITEM_OPTIONS: dict[str, dict[str, t.Any]] = {
    "id": {"type": "str"},
    "name": {"type": "str"},
    "self_provisioning_domains": {"type": "list", "elements": "str"},
    "custom_attributes": {"type": "dict"},
    "enforce_sso": {"type": "bool"},
    "enforce_sso_exclusions": {"type": "list", "elements": "str"},
    "disabled": {"type": "bool"},
    "parent_tenant_id": {"type": "str"},
    "default_roles": {"type": "list", "elements": "str"},
}

ARGUMENT_SPEC = with_connection(
    {
        **_ITEM_OPTIONS,
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "cascade": {"type": "bool", "default": False},
        # Items are checked with jsonschema (not argspec suboptions) so every problem of every item is
        # reported at once, naming the index, the id and the field.
        "tenants": {"type": "list", "elements": "dict"},
        "prune": {"type": "bool", "default": False},
        "protected_ids": {"type": "list", "elements": "str"},
        "allow_duplicate_domains": {"type": "bool", "default": False},
        "authoritative": {"type": "bool", "default": False},
        "concurrency": {"type": "int", "default": 4},
        **PRUNE_GUARD_ARGSPEC,
    }
)

MODULE_KWARGS: dict[str, t.Any] = {
    "supports_check_mode": True,
    "mutually_exclusive": [("tenants", name) for name in ("id", *FIELD_NAMES)],
    "required_one_of": [("id", "name", "tenants")],
}

INFO_ARGUMENT_SPEC = with_connection(
    {
        "ids": {"type": "list", "elements": "str"},
        "names": {"type": "list", "elements": "str"},
        "self_provisioning_domains": {"type": "list", "elements": "str"},
        "custom_attributes": {"type": "dict"},
    }
)
INFO_MODULE_KWARGS: dict[str, t.Any] = {"supports_check_mode": True}


# --------------------------------------------------------------------------------------- normalise


# Tenant ids as the API takes them: the Terraform provider's MachineIDValidator ``^[A-Za-z0-9_-]+$``
# (terraform-provider-descope internal/models/helpers/validators); server-generated ids (``T2...``) match it too.
TENANT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,255}$")


def norm_name(value: t.Any) -> str:
    """Names compare after stripping and Unicode NFC normalisation ("Acme " and "Acme" are one name)."""
    return unicodedata.normalize("NFC", str(value or "")).strip()


def _norm(field: str, value: t.Any) -> t.Any:
    """Canonical form of one managed field (None stays None = not managed)."""
    if value is None:
        return None
    kind = KIND[field]
    if kind == "domains":
        return sorted({str(d).strip().lower() for d in value if str(d).strip()})
    if kind == "set":
        return sorted({str(v) for v in value})
    if kind == "dict":
        return dict(value)
    if kind == "bool":
        return bool(value)
    if kind == "parent":
        return str(value) or None
    if field == "name":
        return norm_name(value)
    return str(value)


def current_view(record: Record) -> Record:
    """All managed fields of an API record, normalised, with absent == empty/false."""
    view: Record = {"id": str(record.get("id") or "")}
    for field, api, kind in FIELDS:
        raw = record.get(api)
        if kind in ("domains", "set"):
            view[field] = _norm(field, raw or [])
        elif kind == "dict":
            view[field] = dict(raw or {})
        elif kind == "bool":
            view[field] = bool(raw)
        elif kind == "parent":
            view[field] = str(raw) if raw else None
        else:
            view[field] = norm_name(raw) if field == "name" else str(raw or "")
    return view


def compact(view: Record) -> Record:
    """Only the meaningful fields (what descope_tenant_info returns and descope_tenant accepts)."""
    return {k: v for k, v in view.items() if k in ("id", "name") or v not in (None, "", [], {}, False)}


# What an unset field means when the declared set is authoritative: the API's value for a tenant created without it
# (OpenAPI Descope_API.yaml CreateTenantRequest: all optional; the SDKs send empty lists/maps and false). The name is
# required anyway, and the parent can only be set at creation, so neither gets a default.
AUTHORITATIVE_DEFAULTS: dict[str, t.Any] = {
    "self_provisioning_domains": [],
    "custom_attributes": {},
    "enforce_sso": False,
    "enforce_sso_exclusions": [],
    "disabled": False,
    "default_roles": [],
}


def desired_fields(item: Record, authoritative: bool = False) -> Record:
    """The managed fields an item sets, normalised; with ``authoritative`` an unset field means its API default."""
    fields = {f: _norm(f, item[f]) for f in FIELD_NAMES if item.get(f) is not None}
    if authoritative:
        for field, default in AUTHORITATIVE_DEFAULTS.items():
            fields.setdefault(field, _norm(field, default))
    return fields


def _unwrap(body: Record) -> Record | None:
    # Load-one may answer flat (what the SDKs parse) or wrapped {"tenant": {...}} (the docs' sample).
    inner = body.get("tenant")
    if isinstance(inner, dict) and "id" not in body:
        body = inner
    return body if body.get("id") else None
