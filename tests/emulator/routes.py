"""Route table of the emulated Management API: (method, path) -> (handler, changes_state, input)."""

from . import flows, project, roles, settings, sso, tenants

# input: "body" = JSON object body, "query" = query parameters.
ROUTES = {
    ("GET", "/v1/mgmt/license"): (project.license_tier, False, "query"),
    ("POST", "/v1/mgmt/tenant/create"): (tenants.create, True, "body"),
    ("POST", "/v1/mgmt/tenant/update"): (tenants.update, True, "body"),
    ("PATCH", "/v1/mgmt/tenant/patch"): (tenants.patch, True, "body"),
    ("POST", "/v1/mgmt/tenant/delete"): (tenants.delete, True, "body"),
    ("GET", "/v1/mgmt/tenant"): (tenants.load, False, "query"),
    ("GET", "/v1/mgmt/tenant/all"): (tenants.load_all, False, "query"),
    ("POST", "/v1/mgmt/tenant/search"): (tenants.search, False, "body"),
    ("GET", "/v1/mgmt/tenant/settings"): (settings.load_tenant_settings, False, "query"),
    ("POST", "/v1/mgmt/tenant/settings"): (settings.update_tenant_settings, True, "body"),
    ("POST", "/v1/mgmt/tenant/updateDefaultRoles"): (tenants.update_default_roles, True, "body"),
    ("POST", "/v1/mgmt/flow/list"): (flows.list_flows, False, "body"),
    ("POST", "/v1/mgmt/flow/delete"): (flows.delete_flows, True, "body"),
    ("POST", "/v1/mgmt/flow/export"): (flows.export_v1, False, "body"),
    ("POST", "/v1/mgmt/flow/import"): (flows.import_v1, True, "body"),
    ("POST", "/v2/mgmt/flow/export"): (flows.export_v2, False, "body"),
    ("POST", "/v2/mgmt/flow/import"): (flows.import_v2, True, "body"),
    ("POST", "/v1/mgmt/theme/export"): (flows.theme_export_v1, False, "body"),
    ("POST", "/v1/mgmt/theme/import"): (flows.theme_import_v1, True, "body"),
    ("POST", "/v2/mgmt/theme/export"): (flows.theme_export_v2, False, "body"),
    ("POST", "/v2/mgmt/theme/import"): (flows.theme_import_v2, True, "body"),
    ("POST", "/v1/mgmt/project/snapshot/export"): (project.snapshot_export, False, "body"),
    ("POST", "/v1/mgmt/project/snapshot/validate"): (project.snapshot_validate, False, "body"),
    ("POST", "/v1/mgmt/project/snapshot/import"): (project.snapshot_import, True, "body"),
    ("POST", "/v1/mgmt/project/export"): (project.legacy_export, False, "body"),
    ("POST", "/v1/mgmt/project/import"): (project.legacy_import, True, "body"),
    ("POST", "/v1/mgmt/project/clone"): (project.clone, True, "body"),
    ("POST", "/v1/mgmt/project/update/name"): (project.rename, True, "body"),
    ("POST", "/v1/mgmt/project/update/tags"): (project.set_tags, True, "body"),
    ("POST", "/v1/mgmt/project/delete"): (project.delete_project, True, "body"),
    # authorization: permissions and roles (roles.py)
    ("POST", "/v1/mgmt/permission/create"): (roles.permission_create, True, "body"),
    ("POST", "/v1/mgmt/permission/update"): (roles.permission_update, True, "body"),
    ("POST", "/v1/mgmt/permission/delete"): (roles.permission_delete, True, "body"),
    ("POST", "/v1/mgmt/permission/create/batch"): (roles.permission_create_batch, True, "body"),
    ("POST", "/v1/mgmt/permission/update/batch"): (roles.permission_update_batch, True, "body"),
    ("POST", "/v1/mgmt/permission/delete/batch"): (roles.permission_delete_batch, True, "body"),
    ("GET", "/v1/mgmt/permission/all"): (roles.permission_all, False, "query"),
    ("POST", "/v1/mgmt/role/create"): (roles.role_create, True, "body"),
    ("POST", "/v1/mgmt/role/update"): (roles.role_update, True, "body"),
    ("POST", "/v1/mgmt/role/delete"): (roles.role_delete, True, "body"),
    ("POST", "/v1/mgmt/role/create/batch"): (roles.role_create_batch, True, "body"),
    ("POST", "/v1/mgmt/role/update/batch"): (roles.role_update_batch, True, "body"),
    ("POST", "/v1/mgmt/role/delete/batch"): (roles.role_delete_batch, True, "body"),
    ("GET", "/v1/mgmt/role/all"): (roles.role_all, False, "query"),
    ("POST", "/v1/mgmt/role/search"): (roles.role_search, False, "body"),
    # password policy (settings.py)
    ("GET", "/v1/mgmt/password/settings"): (settings.load, False, "query"),
    ("POST", "/v1/mgmt/password/settings"): (settings.configure, True, "body"),
    # tenant SSO (sso.py)
    ("GET", "/v2/mgmt/sso/settings"): (sso.load, False, "query"),
    ("GET", "/v2/mgmt/sso/settings/all"): (sso.load_all, False, "query"),
    ("POST", "/v1/mgmt/sso/settings/new"): (sso.new_settings, True, "body"),
    ("DELETE", "/v1/mgmt/sso/settings"): (sso.delete, True, "query"),
    ("POST", "/v1/mgmt/sso/oidc"): (sso.configure_oidc, True, "body"),
    ("POST", "/v1/mgmt/sso/saml"): (sso.configure_saml, True, "body"),
    ("POST", "/v1/mgmt/sso/saml/metadata"): (sso.configure_saml_metadata, True, "body"),
    ("POST", "/v1/mgmt/sso/mapping"): (sso.mapping, True, "body"),
    # a link is a credential for the customer's admin: a write, so check mode must not call it
    ("POST", "/v2/mgmt/tenant/adminlinks/sso/generate"): (sso.admin_link, True, "body"),
}

# Company-level call: the bearer is the management key alone.
COMPANY_ROUTES = {("POST", "/v1/mgmt/projects/list")}

KNOWN_PATHS = {path for _method, path in ROUTES} | {path for _method, path in COMPANY_ROUTES}
