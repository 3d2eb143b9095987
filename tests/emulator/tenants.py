"""Tenant endpoints: create / update / patch / delete / load / search / default roles (settings: settings.py).

Stored tenants keep every field; ``render`` drops empty optional ones the way the real API's
Go ``omitempty`` tags do, but always returns ``id``, ``name`` and ``selfProvisioningDomains``.
"""

import copy
import re
import secrets
import string
import time

from . import attributes, errors, roles
from .errors import invalid
from .validate import one_of, opt_bool, opt_dict, opt_str, opt_str_list, required_str

AUTH_TYPES = ("none", "saml", "oidc")
ROLE_INHERITANCE = ("", "none", "userOnly")
ALWAYS = ("id", "name", "selfProvisioningDomains")
FIELD_ORDER = (
    "id",
    "name",
    "selfProvisioningDomains",
    "customAttributes",
    "authType",
    "domains",
    "createdTime",
    "disabled",
    "enforceSSO",
    "enforceSSOExclusions",
    "federatedAppIds",
    "parent",
    "successors",
    "defaultRoles",
    "roleInheritance",
)
# The fields update() replaces (omitted -> empty); others are kept (parent, successors, createdTime,
# defaultRoles, domains, authType are owned by other calls).
REPLACED = {
    "selfProvisioningDomains": list,
    "customAttributes": dict,
    "enforceSSO": bool,
    "enforceSSOExclusions": list,
    "federatedAppIds": list,
    "disabled": bool,
    "roleInheritance": str,
}
_ID_RE = re.compile(r"^[A-Za-z0-9_.@:-]{1,255}$")
_ID_ALPHABET = string.ascii_letters + string.digits


def new_tenant_id():
    # UNCERTAIN format: Descope ids look like "T2" + 26 base62 characters.
    return "T2" + "".join(secrets.choice(_ID_ALPHABET) for _i in range(26))


def default_settings():
    # A new tenant's settings are unpublished; the durations are the project defaults of the Terraform
    # provider (internal/models/project/settings/settings.go), ssoSetupSuiteSettings the python SDK's shape.
    return {
        "enabled": False,
        "refreshTokenExpiration": 4,
        "refreshTokenExpirationUnit": "weeks",
        "sessionTokenExpiration": 10,
        "sessionTokenExpirationUnit": "minutes",
        "stepupTokenExpiration": 10,
        "stepupTokenExpirationUnit": "minutes",
        "enableInactivity": False,
        "inactivityTime": 12,
        "inactivityTimeUnit": "minutes",
        "JITDisabled": False,
        "ssoSetupSuiteSettings": {
            "enabled": False,
            "styleId": "",
            "disabledFeatures": {"saml": False, "oidc": False, "scim": False, "ssoDomains": False, "groupMapping": False},
        },
    }


def blank_tenant(tenant_id, name):
    return {
        "id": tenant_id,
        "name": name,
        "selfProvisioningDomains": [],
        "customAttributes": {},
        "authType": "none",
        "domains": [],
        "createdTime": int(time.time()),
        "disabled": False,
        "enforceSSO": False,
        "enforceSSOExclusions": [],
        "federatedAppIds": [],
        "parent": "",
        "successors": [],
        "defaultRoles": [],
        "roleInheritance": "",
        "_settings": default_settings(),
    }


def render(tenant, config=None):
    out = {}
    for key in FIELD_ORDER:
        if key == "successors" and config is not None and not config.get("tenantAnswersSuccessors", True):
            continue
        value = tenant.get(key)
        if key in ALWAYS or value not in (None, "", [], {}, False, 0):
            out[key] = copy.deepcopy(value)
    return out


def not_found(store, tenant_id):
    return errors.not_found(store.config, errors.TENANT_NOT_FOUND, "Tenant", tenant_id)


def get(store, project, tenant_id):
    tenant = project["tenants"].get(tenant_id)
    if tenant is None:
        raise not_found(store, tenant_id)
    return tenant


def _check_name_free(project, name, own_id=None):
    for other in project["tenants"].values():
        if other["name"] == name and other["id"] != own_id:
            raise errors.ApiError(400, errors.TENANT_EXISTS, "Tenant already exists", "Tenant name %r is already used by %r" % (name, other["id"]))


def _apply_fields(project, tenant, body, keys):
    for key in keys:
        kind = REPLACED[key]
        if kind is list:
            tenant[key] = opt_str_list(body, key)
        elif kind is dict:
            tenant[key] = attributes.check_values(project, opt_dict(body, key))
        elif kind is bool:
            tenant[key] = opt_bool(body, key)
        else:
            tenant[key] = one_of(opt_str(body, key), key, ROLE_INHERITANCE)


def create(store, project, body):
    name = required_str(body, "name")
    tenant_id = opt_str(body, "id")
    if tenant_id:
        if not _ID_RE.match(tenant_id):
            raise invalid("id %r contains characters that are not allowed" % tenant_id)
        if tenant_id in project["tenants"]:
            raise errors.ApiError(400, errors.TENANT_EXISTS, "Tenant already exists", "Tenant id %r already exists" % tenant_id)
    else:
        tenant_id = new_tenant_id()
    _check_name_free(project, name)
    tenant = blank_tenant(tenant_id, name)
    _apply_fields(project, tenant, body, REPLACED)
    tenant["authType"] = one_of(opt_str(body, "authType", "none") or "none", "authType", AUTH_TYPES)
    parent_id = opt_str(body, "parent")
    if parent_id:
        get(store, project, parent_id)["successors"].append(tenant_id)
        tenant["parent"] = parent_id
    project["tenants"][tenant_id] = tenant
    return {"id": tenant_id}


def update(store, project, body):
    tenant_id = required_str(body, "id")
    name = required_str(body, "name")
    tenant = get(store, project, tenant_id)
    _check_name_free(project, name, tenant_id)
    staged = copy.deepcopy(tenant)
    staged["name"] = name
    _apply_fields(project, staged, body, REPLACED)
    if body.get("authType") not in (None, ""):
        staged["authType"] = one_of(body["authType"], "authType", AUTH_TYPES)
    tenant.update(staged)
    return {}


def patch(store, project, body):
    tenant_id = required_str(body, "id")
    tenant = get(store, project, tenant_id)
    staged = copy.deepcopy(tenant)
    if body.get("name") is not None:
        staged["name"] = required_str(body, "name")
        _check_name_free(project, staged["name"], tenant_id)
    _apply_fields(project, staged, body, [k for k in REPLACED if body.get(k) is not None])
    tenant.update(staged)
    return {}


DELETE_CHILDREN = ("cascade", "detach", "delete", "refuse")


def delete(store, project, body):
    tenant_id = required_str(body, "id")
    cascade = opt_bool(body, "cascade")
    tenant = get(store, project, tenant_id)
    # UNCERTAIN, no public source says what a delete does to sub-tenants; every reading is a config value:
    # "cascade" (default) the subtree goes with cascade and stays, detached, without; "detach" they always stay;
    # "delete" they always go; "refuse" a tenant with sub-tenants cannot be deleted.
    reading = store.config.get("tenantDeleteChildren", "cascade")
    live_children = [c for c in tenant["successors"] if c in project["tenants"]]
    if reading == "refuse" and live_children:
        raise invalid("Tenant %r has sub-tenants (%s); delete them first" % (tenant_id, ", ".join(live_children)))
    doomed = [tenant_id]
    if (cascade and reading == "cascade") or reading == "delete":
        index = 0
        while index < len(doomed):
            doomed.extend(project["tenants"][doomed[index]]["successors"])
            index += 1
    else:
        for child in tenant["successors"]:
            if child in project["tenants"]:
                project["tenants"][child]["parent"] = ""
    parent = project["tenants"].get(tenant["parent"])
    if parent is not None:
        parent["successors"] = [s for s in parent["successors"] if s != tenant_id]
    for doomed_id in doomed:
        project["tenants"].pop(doomed_id, None)
        # what belongs to a tenant goes with it (UNCERTAIN: no public source, but nothing could still use it)
        project["sso"].pop(doomed_id, None)
        project["passwordSettings"].pop(doomed_id, None)
        project["roles"] = {rid: r for rid, r in project["roles"].items() if r["tenantId"] != doomed_id}
    return {}


def load(store, project, query):
    tenant_id = query.get("id", "")
    if not tenant_id:
        raise errors.missing("id")
    out = render(get(store, project, tenant_id), store.config)
    return {"tenant": out} if store.config["wrapLoadTenant"] else out


def load_all(store, project, _query):
    return {"tenants": [render(t, store.config) for t in project["tenants"].values()]}


def search(store, project, body):
    ids = opt_str_list(body, "tenantIds")
    names = opt_str_list(body, "tenantNames")
    domains = opt_str_list(body, "tenantSelfProvisioningDomains")
    attrs = opt_dict(body, "customAttributes")
    auth_type = opt_str(body, "authType")
    parent = opt_str(body, "parentTenantId")
    sso_domains = opt_str_list(body, "tenantSSODomains")
    top_level_only = opt_bool(body, "topLevelOnly")
    found = []
    for tenant in project["tenants"].values():
        # AND across filters, OR within one list (UNCERTAIN, the docs do not say).
        if ids and tenant["id"] not in ids:
            continue
        if names and tenant["name"] not in names:
            continue
        if domains and not set(domains) & set(tenant["selfProvisioningDomains"]):
            continue
        if attrs and not all(_attr_matches(tenant["customAttributes"].get(k), v) for k, v in attrs.items()):
            continue
        if auth_type and tenant["authType"] != auth_type:
            continue
        if parent and tenant["parent"] != parent:
            continue
        if sso_domains and not set(sso_domains) & set(tenant["domains"]):
            continue
        if top_level_only and tenant["parent"]:
            continue
        found.append(render(tenant, store.config))
    return {"tenants": found}


def _attr_matches(actual, wanted):
    if isinstance(wanted, list) and not isinstance(actual, list):
        return actual in wanted
    return actual == wanted


def update_default_roles(store, project, body):
    tenant = get(store, project, required_str(body, "id"))
    names = opt_str_list(body, "defaultRoles")
    roles.check_default_roles(project, names, "defaultRoles")
    tenant["defaultRoles"] = names
    return {}


def from_seed(raw):
    """Build a stored tenant from an API-shaped seed object (parent links fixed up by the caller)."""
    if not isinstance(raw, dict) or not raw.get("id") or not raw.get("name"):
        raise invalid("seed tenants need id and name")
    tenant = blank_tenant(raw["id"], raw["name"])
    for key, value in raw.items():
        if key in tenant and key not in ("_settings", "successors"):
            tenant[key] = copy.deepcopy(value)
    if isinstance(raw.get("settings"), dict):
        tenant["_settings"].update(copy.deepcopy(raw["settings"]))
    return tenant
