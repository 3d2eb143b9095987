"""Route table of the emulated Management API: (method, path) -> (handler, changes_state, input)."""

from . import flows, project, tenants

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
    ("GET", "/v1/mgmt/tenant/settings"): (tenants.load_settings, False, "query"),
    ("POST", "/v1/mgmt/tenant/settings"): (tenants.update_settings, True, "body"),
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
}

# Company-level call: the bearer is the management key alone.
COMPANY_ROUTES = {("POST", "/v1/mgmt/projects/list")}

KNOWN_PATHS = {path for _method, path in ROUTES} | {path for _method, path in COMPANY_ROUTES}
