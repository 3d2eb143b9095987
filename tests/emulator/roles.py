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

from .errors import invalid

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


def find_role(project, name, tenant_id=""):
    for role in project["roles"].values():
        if role["name"] == name and role["tenantId"] == (tenant_id or ""):
            return role
    return None


def find_permission(project, name):
    for perm in project["permissions"].values():
        if perm["name"] == name:
            return perm
    return None


def role_usable_by_tenant(project, name, tenant_id):
    """A tenant may use project roles and its own tenant-scoped roles."""
    return find_role(project, name) is not None or (bool(tenant_id) and find_role(project, name, tenant_id) is not None)


def check_tenant_roles(project, names, tenant_id, field):
    """400 naming the first role a tenant (or its SSO mapping) refers to that does not exist."""
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
        role = blank_role(raw["name"], raw.get("tenantId") or "")
        role.update({k: copy.deepcopy(v) for k, v in raw.items() if k in role})
        for perm_name in role["permissionNames"]:
            if find_permission(project, perm_name) is None:
                raise invalid("seed role %r names permission %r, which the seed does not define" % (role["name"], perm_name))
        project["roles"][role["id"]] = role
