"""Project and tenant roles and the permissions they grant: storage, seeding and look-ups.

Shapes: OAS ``Role {id, name, description, permissionNames, tenantId, default, private, createdTime}``
and ``Permission {id, name, description, systemDefault}``; python SDK 2.16 management/role.py and
permission.py. A role is identified by (tenantId, name): "" is a project role. Role names are unique per
tenant scope; permission names per project.
"""

import copy
import secrets
import string
import time

from . import assignments, errors
from .errors import invalid
from .validate import opt_bool, opt_str, opt_str_list, required_str

_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix):
    # UNCERTAIN format: the python SDK shows permission ids as "PERM..."; role ids are not shown.
    return prefix + "".join(secrets.choice(_ALPHABET) for _i in range(26))


def blank_role(name, tenant_id=""):
    return {
        "id": new_id("RL2"),
        "name": name,
        "description": "",
        "permissionNames": [],
        "tenantId": tenant_id,
        "default": False,
        "private": False,
        "createdTime": int(time.time()),
    }


def blank_permission(name):
    return {"id": new_id("PERM2"), "name": name, "description": "", "systemDefault": False}


def _same(a, b, fold):
    return a == b or (fold and isinstance(a, str) and isinstance(b, str) and a.casefold() == b.casefold())


def folds(store):
    # UNCERTAIN (no source): whether role and permission names are compared without case; config nameCase
    # "sensitive" (default) or "insensitive" (lookups and uniqueness ignore case)
    return store.config["nameCase"] == "insensitive"


def find_role(project, name, tenant_id="", fold=False):
    for role in project["roles"].values():
        if _same(role["name"], name, fold) and role["tenantId"] == (tenant_id or ""):
            return role
    return None


def find_permission(project, name, fold=False):
    for perm in project["permissions"].values():
        if _same(perm["name"], name, fold):
            return perm
    return None


# terraform-provider-descope internal/models/project/authorization/{role,permission}.go: name
# stringvalidator.LengthAtMost(100), which counts UTF-8 bytes; seeds (what the console made) are not checked
NAME_MAX_BYTES = 100


def _check_name(name, field):
    if len(name.encode("utf-8", "surrogatepass")) > NAME_MAX_BYTES:
        raise invalid("%s: %r is longer than %d bytes" % (field, name[:40], NAME_MAX_BYTES))
    return name


def role_usable_by_tenant(project, name, tenant_id):
    """A tenant may use project roles and its own tenant-scoped roles."""
    return find_role(project, name) is not None or (bool(tenant_id) and find_role(project, name, tenant_id) is not None)


def check_default_roles(project, names, field):
    """Tenant default roles are project roles (go SDK Tenant.UpdateDefaultRoles "Update project roles used as tenant
    default roles"; python-sdk PR #779): 400 naming the first other name."""
    for name in names:
        if find_role(project, name) is None:
            raise invalid("%s: role %r is not a project role (tenant default roles are project roles)" % (field, name))


def check_tenant_roles(project, names, tenant_id, field):
    """400 naming the first role a tenant's SSO mapping refers to that does not exist."""
    for name in names:
        if not role_usable_by_tenant(project, name, tenant_id):
            raise invalid("%s: role %r does not exist in this project (create it first with /v1/mgmt/role/create)" % (field, name))


def seed_into(project, permissions, roles):
    """Apply the seed's ``permissions`` and ``roles`` lists (each item API-shaped, name required)."""
    for raw in permissions or []:
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"]:
            raise invalid("seed permissions need a name")
        perm = blank_permission(raw["name"])
        perm.update({k: copy.deepcopy(v) for k, v in raw.items() if k in perm})
        project["permissions"][perm["id"]] = perm
    for raw in roles or []:
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"]:
            raise invalid("seed roles need a name")
        if raw.get("tenantId") and raw["tenantId"] not in project["tenants"]:
            raise invalid("seed role %r is scoped to tenant %r, which the seed does not define" % (raw["name"], raw["tenantId"]))
        role = blank_role(raw["name"], raw.get("tenantId") or "")
        role.update({k: copy.deepcopy(v) for k, v in raw.items() if k in role})
        for perm_name in role["permissionNames"]:
            if find_permission(project, perm_name) is None:
                raise invalid("seed role %r names permission %r, which the seed does not define" % (role["name"], perm_name))
        project["roles"][role["id"]] = role


# --- endpoints -------------------------------------------------------------------------------
# UNCERTAIN (no public source): a permission rename follows into the roles that grant it; deleting a
# permission removes it from those roles; renaming a role follows into tenant default roles and SSO
# mappings; deleting a role removes it from them. Unknown names on update/delete: notFoundStatus.


def _exists(kind, name):
    return errors.ApiError(400, errors.ROLE_EXISTS, "%s already exists" % kind, "%s %r already exists" % (kind, name))


def _missing_permissions(project, names, field):
    for name in names:
        if find_permission(project, name) is None:
            raise invalid("%s: permission %r does not exist (create it first with /v1/mgmt/permission/create)" % (field, name))


def _permission_target(store, project, item):
    by_id = project["permissions"].get(item.get("id"))
    perm = by_id if item.get("id") else find_permission(project, item.get("name"), folds(store))
    if perm is None:
        if not item.get("id") and not item.get("name"):
            raise errors.missing("name")
        raise errors.not_found(store.config, errors.ROLE_NOT_FOUND, "Permission", item.get("id") or item.get("name"))
    return perm


def _create_permission(store, project, item):
    name = _check_name(required_str(item, "name"), "name")
    if find_permission(project, name, folds(store)) is not None:
        raise _exists("Permission", name)
    perm = blank_permission(name)
    perm["description"] = opt_str(item, "description")
    project["permissions"][perm["id"]] = perm


def _update_permission(store, project, item):
    perm = _permission_target(store, project, item)
    new_name = required_str(item, "newName")
    if new_name != perm["name"]:
        _check_name(new_name, "newName")
    other = find_permission(project, new_name, folds(store))
    if other is not None and other is not perm:
        raise _exists("Permission", new_name)
    for role in project["roles"].values():
        role["permissionNames"] = [new_name if n == perm["name"] else n for n in role["permissionNames"]]
    perm["name"] = new_name
    perm["description"] = opt_str(item, "description")  # "Empty fields will override populated fields"


def _delete_permission(store, project, item):
    perm = _permission_target(store, project, item)
    for role in project["roles"].values():
        role["permissionNames"] = [n for n in role["permissionNames"] if n != perm["name"]]
    del project["permissions"][perm["id"]]


def _atomic(project, apply):
    """Run ``apply`` on a copy of roles and permissions; keep the result only if nothing failed."""
    staged = {"roles": copy.deepcopy(project["roles"]), "permissions": copy.deepcopy(project["permissions"]), "tenants": project["tenants"]}
    staged["sso"] = copy.deepcopy(project["sso"])
    staged["users"], staged["accessKeys"] = copy.deepcopy(project["users"]), copy.deepcopy(project["accessKeys"])
    staged["tenant_roles"] = {tid: list(t["defaultRoles"]) for tid, t in project["tenants"].items()}
    apply(staged)
    project["roles"], project["permissions"], project["sso"] = staged["roles"], staged["permissions"], staged["sso"]
    project["users"], project["accessKeys"] = staged["users"], staged["accessKeys"]
    for tid, names in staged["tenant_roles"].items():
        project["tenants"][tid]["defaultRoles"] = names
    return {}


def _items(body, key):
    items = body.get(key)
    if not isinstance(items, list) or not items:
        raise errors.missing(key)
    if not all(isinstance(i, dict) for i in items):
        raise invalid("%s must be a list of objects" % key)
    return items


def permission_create(store, project, body):
    return _atomic(project, lambda p: _create_permission(store, p, body))


def permission_update(store, project, body):
    return _atomic(project, lambda p: _update_permission(store, p, body))


def permission_delete(store, project, body):
    return _atomic(project, lambda p: _delete_permission(store, p, body))


def permission_create_batch(store, project, body):
    items = _items(body, "permissions")
    return _atomic(project, lambda p: [_create_permission(store, p, i) for i in items])


def permission_update_batch(store, project, body):
    items = _items(body, "permissions")
    return _atomic(project, lambda p: [_update_permission(store, p, i) for i in items])


def permission_delete_batch(store, project, body):
    names, ids = opt_str_list(body, "names"), opt_str_list(body, "ids")
    if not names and not ids:
        raise errors.missing("names")
    targets = [{"name": n} for n in names] + [{"id": i} for i in ids]
    return _atomic(project, lambda p: [_delete_permission(store, p, t) for t in targets])


def permission_all(_store, project, _query):
    return {"permissions": [copy.deepcopy(p) for p in project["permissions"].values()]}


def _role_fields(project, role, item):
    role["description"] = opt_str(item, "description")
    role["permissionNames"] = opt_str_list(item, "permissionNames")
    _missing_permissions(project, role["permissionNames"], "permissionNames")
    role["default"] = opt_bool(item, "default")
    role["private"] = opt_bool(item, "private")


def _tenant_scope(store, project, item):
    tenant_id = opt_str(item, "tenantId")
    if tenant_id and tenant_id not in project["tenants"]:
        raise errors.not_found(store.config, errors.TENANT_NOT_FOUND, "Tenant", tenant_id)
    return tenant_id


def _create_role(store, project, item):
    name = _check_name(required_str(item, "name"), "name")
    tenant_id = _tenant_scope(store, project, item)
    if find_role(project, name, tenant_id, folds(store)) is not None:
        raise _exists("Role", name)
    role = blank_role(name, tenant_id)
    _role_fields(project, role, item)
    project["roles"][role["id"]] = role


def _role_target(store, project, item, tenant_id):
    by_id = project["roles"].get(item.get("id"))
    role = by_id if item.get("id") else find_role(project, item.get("name"), tenant_id, folds(store))
    if role is None:
        if not item.get("id") and not item.get("name"):
            raise errors.missing("name")
        raise errors.not_found(store.config, errors.ROLE_NOT_FOUND, "Role", item.get("id") or item.get("name"))
    return role


def _rename_references(project, role, new_name):
    for tid, names in project["tenant_roles"].items():
        if not role["tenantId"] or role["tenantId"] == tid:
            project["tenant_roles"][tid] = [n for n in (new_name if x == role["name"] else x for x in names) if n is not None]
    assignments.rename(project, role, new_name)
    for tid, configs in project["sso"].items():
        if role["tenantId"] and role["tenantId"] != tid:
            continue
        for config in configs.values():
            for side in (config["saml"], config["oidc"]):
                kept = [m for m in side.get("groupsMapping") or [] if new_name is not None or m["role"]["name"] != role["name"]]
                if "groupsMapping" in side:
                    side["groupsMapping"] = kept
                for mapping in kept:
                    if mapping["role"]["name"] == role["name"]:
                        mapping["role"]["name"] = new_name
                if side.get("defaultSSORoles"):
                    side["defaultSSORoles"] = [n for n in (new_name if x == role["name"] else x for x in side["defaultSSORoles"]) if n is not None]


def _update_role(store, project, item):
    tenant_id = _tenant_scope(store, project, item)
    role = _role_target(store, project, item, tenant_id)
    new_name = required_str(item, "newName")
    if new_name != role["name"]:
        _check_name(new_name, "newName")
    other = find_role(project, new_name, role["tenantId"], folds(store))
    if other is not None and other is not role:
        raise _exists("Role", new_name)
    _role_fields(project, role, item)
    if new_name != role["name"]:
        _rename_references(project, role, new_name)
    role["name"] = new_name


def _delete_role(store, project, item, tenant_id):
    role = _role_target(store, project, item, tenant_id)
    _rename_references(project, role, None)
    del project["roles"][role["id"]]


def role_create(store, project, body):
    return _atomic(project, lambda p: _create_role(store, p, body))


def role_update(store, project, body):
    return _atomic(project, lambda p: _update_role(store, p, body))


def role_delete(store, project, body):
    tenant_id = _tenant_scope(store, project, body)
    return _atomic(project, lambda p: _delete_role(store, p, body, tenant_id))


def role_create_batch(store, project, body):
    items = _items(body, "roles")
    return _atomic(project, lambda p: [_create_role(store, p, i) for i in items])


def role_update_batch(store, project, body):
    items = _items(body, "roles")
    return _atomic(project, lambda p: [_update_role(store, p, i) for i in items])


def role_delete_batch(store, project, body):
    # python SDK common.role_delete_batch_body: "the endpoint deletes every role when it receives no filter"
    # (in the tenant scope given, or the project roles); modelled as documented.
    tenant_id = _tenant_scope(store, project, body)
    names, ids = opt_str_list(body, "roleNames"), opt_str_list(body, "roleIds")
    if not names and not ids:
        names = [r["name"] for r in project["roles"].values() if r["tenantId"] == tenant_id]
    targets = [{"name": n} for n in names] + [{"id": i} for i in ids]
    return _atomic(project, lambda p: [_delete_role(store, p, t, tenant_id) for t in targets])


def role_all(_store, project, _query):
    # UNCERTAIN: project roles only; tenant-scoped roles are listed by /v1/mgmt/role/search with tenantIds.
    return {"roles": [copy.deepcopy(r) for r in project["roles"].values() if not r["tenantId"]]}


def role_search(store, project, body):
    tenant_ids = opt_str_list(body, "tenantIds")
    names = opt_str_list(body, "roleNames")
    like = opt_str(body, "roleNameLike").lower()
    perms = opt_str_list(body, "permissionNames")
    ids = opt_str_list(body, "roleIds")
    with_project = opt_bool(body, "includeProjectRoles")
    found = []
    for role in project["roles"].values():
        # UNCERTAIN: without tenantIds every role matches (config roleSearchWithoutTenants "all"; "project": only
        # project roles); with them, those tenants' roles (+ project roles
        # when includeProjectRoles). Other filters AND together, OR inside one list.
        if tenant_ids and role["tenantId"] not in tenant_ids and not (with_project and not role["tenantId"]):
            continue
        if not tenant_ids and role["tenantId"] and store.config["roleSearchWithoutTenants"] == "project":
            continue  # the other reading of a search without tenantIds: project roles only
        if names and role["name"] not in names:
            continue
        if like and like not in role["name"].lower():
            continue
        if perms and not set(perms) & set(role["permissionNames"]):
            continue
        if ids and role["id"] not in ids:
            continue
        found.append(copy.deepcopy(role))
    return {"roles": found}
