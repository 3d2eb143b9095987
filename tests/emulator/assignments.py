"""Who holds which role: users and access keys, seeded, renamed and cleaned up with their roles.

Shapes: OAS ``UserResponse {loginIds, roleNames, userTenants: [{tenantId, roleNames}]}`` and ``AccessKeyResponse
{id, name, roleNames, keyTenants: [{tenantId, roleNames}]}``; the emulator stores only what role tests need. A
project role may be held directly or inside a tenant; a tenant role only inside its tenant. Renaming a role keeps
every assignment (the API renames in place, OAS ``UpdateRoleRequest.newName``); deleting one removes it.
"""

import copy

from .errors import invalid

HOLDERS = (("users", "loginId", "userTenants"), ("accessKeys", "id", "keyTenants"))


def seed_into(project, users, access_keys):
    for (store_key, id_key, tenants_key), raws in zip(HOLDERS, (users, access_keys), strict=True):
        for raw in raws or []:
            if not isinstance(raw, dict) or not isinstance(raw.get(id_key), str) or not raw[id_key]:
                raise invalid("seed %s need a %s" % (store_key, id_key))
            holder = {
                id_key: raw[id_key],
                "roleNames": list(raw.get("roleNames") or []),
                tenants_key: [{"tenantId": t["tenantId"], "roleNames": list(t.get("roleNames") or [])} for t in raw.get(tenants_key) or []],
            }
            project[store_key][raw[id_key]] = holder


def _follow(names, old, new):
    return [n for n in (new if x == old else x for x in names) if n is not None]


def rename(project, role, new_name):
    """``new_name`` None: the role was deleted, so nobody holds it any more."""
    for store_key, _id_key, tenants_key in HOLDERS:
        for holder in project[store_key].values():
            if not role["tenantId"]:
                holder["roleNames"] = _follow(holder["roleNames"], role["name"], new_name)
            for tenant in holder[tenants_key]:
                if not role["tenantId"] or role["tenantId"] == tenant["tenantId"]:
                    tenant["roleNames"] = _follow(tenant["roleNames"], role["name"], new_name)


def dump(project):
    return {key: sorted((copy.deepcopy(h) for h in project[key].values()), key=lambda h: h[id_key]) for key, id_key, _t in HOLDERS}
