# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Permission and role fields, argument specs, paths and name rules (FOR INTERNAL COLLECTION USE ONLY).

Endpoints and bodies (OpenAPI ``Descope_API.yaml`` and the official python SDK 2.16
``descope/management/permission.py``, ``role.py``, ``common.py``; docs/roles-and-permissions.md lists them):

* ``GET /v1/mgmt/permission/all`` -> ``{"permissions": [{id, name, description, systemDefault}]}``
* ``POST /v1/mgmt/permission/{create,update,delete}`` and ``.../batch`` (``{"permissions": [...]}``,
  delete: ``{"names": [...]}``), "a single atomic transaction" (SDK docstrings);
* ``GET /v1/mgmt/role/all`` (project roles) and ``POST /v1/mgmt/role/search`` (``tenantIds``,
  ``roleNames``, ``permissionNames``, ``includeProjectRoles``) -> ``{"roles": [Role]}``;
* ``POST /v1/mgmt/role/{create,update,delete}`` and ``.../batch``; a batch delete names one tenant
  scope (``roleNames`` + ``tenantId``) and, without names, deletes EVERY role of the scope
  (SDK ``role_delete_batch_body``), so an empty name list is never sent.
"""

from __future__ import annotations

import typing as t
import unicodedata

from ansible_collections.descope.mgmt.plugins.module_utils._options import with_connection
from ansible_collections.descope.mgmt.plugins.module_utils._spec import PRUNE_GUARD_ARGSPEC
from ansible_collections.descope.mgmt.plugins.module_utils._text import NAME_REFUSED, invisible_in_name

Record = dict[str, t.Any]

PERM_ALL = "/v1/mgmt/permission/all"
PERM_CREATE = "/v1/mgmt/permission/create"
PERM_UPDATE = "/v1/mgmt/permission/update"
PERM_DELETE = "/v1/mgmt/permission/delete"
ROLE_ALL = "/v1/mgmt/role/all"
ROLE_SEARCH = "/v1/mgmt/role/search"
ROLE_CREATE = "/v1/mgmt/role/create"
ROLE_UPDATE = "/v1/mgmt/role/update"
ROLE_DELETE = "/v1/mgmt/role/delete"


def batch_path(path: str) -> str:
    return path + "/batch"


# Managed fields per kind: (option, API field, kind). Unset options are not managed (the current value stays).
PERMISSION_FIELDS: tuple[tuple[str, str, str], ...] = (("description", "description", "str"),)
ROLE_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("description", "description", "str"),
    ("permission_names", "permissionNames", "set"),
    ("default", "default", "bool"),
    ("private", "private", "bool"),
)
PERMISSION_KEYS = ("name", "previous_names", "description", "state")
ROLE_KEYS = ("name", "previous_names", "tenant_id", "description", "permission_names", "default", "private", "state")

# Ordering of the writes (phase = stage): a failure in one stage skips the later ones.
P_CREATE, P_UPDATE, R_CREATE, R_UPDATE, R_DELETE, P_DELETE = range(6)

_GUARD_OPTIONS: dict[str, dict[str, t.Any]] = {
    "prune": {"type": "bool", "default": False},
    "protected_ids": {"type": "list", "elements": "str"},
    **PRUNE_GUARD_ARGSPEC,  # the pipeline's delete guards (allow_empty_prune, max_delete_ratio, max_deletes)
}

PERMISSION_ARGUMENT_SPEC = with_connection(
    {
        "name": {"type": "str"},
        "previous_names": {"type": "list", "elements": "str"},
        "description": {"type": "str"},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        # items are checked here (not argspec suboptions) so every problem of every item is reported at once
        "permissions": {"type": "list", "elements": "raw"},
        **_GUARD_OPTIONS,
    }
)
PERMISSION_MODULE_KWARGS: Record = {
    "supports_check_mode": True,
    "mutually_exclusive": [("permissions", k) for k in ("name", "previous_names", "description")],
    "required_one_of": [("name", "permissions")],
}

ROLE_ARGUMENT_SPEC = with_connection(
    {
        "name": {"type": "str"},
        "previous_names": {"type": "list", "elements": "str"},
        "tenant_id": {"type": "str"},
        "description": {"type": "str"},
        "permission_names": {"type": "list", "elements": "str"},
        "default": {"type": "bool"},
        "private": {"type": "bool"},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "roles": {"type": "list", "elements": "raw"},
        "permissions": {"type": "list", "elements": "raw"},
        # check mode: tenants an earlier task of the play creates (their roles are planned as creates)
        "pending_tenants": {"type": "list", "elements": "str", "default": []},
        **_GUARD_OPTIONS,
    }
)
ROLE_MODULE_KWARGS: Record = {
    "supports_check_mode": True,
    "mutually_exclusive": [
        ("roles", k)
        for k in ("name", "previous_names", "tenant_id", "description", "permission_names", "default", "private")
    ],
    "required_one_of": [("name", "roles")],
    "required_by": {"permissions": ("roles",)},
}

PERMISSION_INFO_ARGUMENT_SPEC = with_connection(
    {"names": {"type": "list", "elements": "str"}, "include_system_default": {"type": "bool", "default": False}}
)
ROLE_INFO_ARGUMENT_SPEC = with_connection(
    {
        "names": {"type": "list", "elements": "str"},
        "tenant_ids": {"type": "list", "elements": "str"},
        "include_project_roles": {"type": "bool", "default": True},
    }
)
INFO_MODULE_KWARGS: Record = {"supports_check_mode": True}


# ------------------------------------------------------------------------------------ names


def show(text: t.Any) -> str:
    """A name as it may appear in a message: control, format (bidi) and other invisible characters escaped."""
    out = []
    for ch in str(text):
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or (ch.isspace() and ch != " "):
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return "'" + "".join(out)[:120] + ("..." if len(out) > 120 else "") + "'"


def type_name(value: t.Any) -> str:
    """The plain Python type of a value (Ansible 2.19+ passes str/dict subclasses with internal names such as
    _AnsibleTaggedStr)."""
    return next(c.__name__ for c in type(value).__mro__ if c.__module__ == "builtins")


def name_problem(value: t.Any) -> str | None:
    """Why a permission, role or tenant name cannot be sent (None: it can).

    No public source gives Descope's rules for these names; refused here is what can only be a
    mistake in a file (empty, surrounding blanks that make two names look alike, control or
    invisible characters that print as nothing).
    """
    if not isinstance(value, str):
        return f"must be a string, got {type_name(value)}"
    if not value.strip():
        return "is empty or only blanks"
    if value != value.strip():
        return f"{show(value)} has leading or trailing blanks"
    if invisible_in_name(value):  # the rule every module applies to names
        return f"{show(value)} {NAME_REFUSED}"
    return None


# The one public length rule: terraform-provider-descope ``internal/models/project/authorization/{role,permission}.go``
# declare ``name`` with ``stringvalidator.LengthAtMost(100)``, which counts UTF-8 bytes (``len`` of a Go string).
# Whether the API itself refuses longer names is not published, so the rule is applied only to names this
# collection would create: an existing longer name (made in the console) is read, updated and deleted as it is.
NAME_MAX_BYTES = 100


def new_name_problem(value: str) -> str | None:
    """Why a name cannot be created (None: it can): over ``NAME_MAX_BYTES`` UTF-8 bytes."""
    size = len(value.encode("utf-8", "surrogatepass"))
    if size > NAME_MAX_BYTES:
        return (
            f"{show(value)} is {size} bytes long in UTF-8; Descope role and permission names are at most "
            f"{NAME_MAX_BYTES}"
        )
    return None


# Descriptions: terraform-provider-descope ``internal/models/project/authorization/{role,permission}.go`` declare
# ``description`` with ``stringattr.StandardLenValidator`` = ``stringvalidator.LengthAtMost(254)``
# (``internal/models/helpers/stringattr``), UTF-8 bytes as for names; an existing longer one is kept as it is.
DESCRIPTION_MAX_BYTES = 254


def new_description_problem(value: str) -> str | None:
    size = len(value.encode("utf-8", "surrogatepass"))
    if size > DESCRIPTION_MAX_BYTES:
        return f"is {size} bytes long in UTF-8; role and permission descriptions are at most {DESCRIPTION_MAX_BYTES}"
    return None


def same_but_case(a: str, b: str) -> bool:
    """Names that differ only in case (after Unicode normalisation); no source says whether Descope tells them apart."""
    return name_key(a).casefold() == name_key(b).casefold()


def name_key(value: str) -> str:
    """Identity for duplicate checks: names that differ only in Unicode normalisation are the same name."""
    return unicodedata.normalize("NFC", value)


# ------------------------------------------------------------------------------- normalise


def norm(kind: str, value: t.Any) -> t.Any:
    if value is None:
        return None
    if kind == "set":
        return sorted({str(v) for v in value})
    if kind == "bool":
        return bool(value)
    return str(value)


def permission_view(record: Record) -> Record:
    """An API permission as a descope_permission item (every managed field, absent == empty)."""
    return {"name": str(record.get("name") or ""), "description": str(record.get("description") or "")}


def role_view(record: Record) -> Record:
    """An API role as a descope_role item (every managed field; ``tenant_id`` only for tenant roles)."""
    view: Record = {"name": str(record.get("name") or "")}
    tenant = str(record.get("tenantId") or "")
    if tenant:
        view["tenant_id"] = tenant
    view["description"] = str(record.get("description") or "")
    view["permission_names"] = norm("set", record.get("permissionNames") or [])
    view["default"] = bool(record.get("default"))
    view["private"] = bool(record.get("private"))
    return view


def role_label(tenant_id: str, name: str) -> str:
    """How a role is named in results, audit lines and protected_ids: ``name``, or ``tenant_id/name``."""
    return f"{tenant_id}/{name}" if tenant_id else name
