"""Allowed request fields per route, for strict mode (``POST /_emulator/config {"strict": true}``).

One place for every list. Each entry names its OpenAPI schema in Descope's published
``Descope_API.yaml`` (docs.descope.com/examples/Descope_API.yaml); where an official SDK sends a key
the schema lacks, the key is allowed and the SDK is named, because the real API accepts what the
SDKs send. Query routes list their query parameters. A route missing here is not checked.
"""

_TENANT_FIELDS = (
    "name",
    "id",
    "selfProvisioningDomains",
    "customAttributes",
    "authType",  # deprecated on update ("should be set via ConfigureTenantSettings") but still in the schema
    "disabled",
    "enforceSSO",
    "enforceSSOExclusions",
    "federatedAppIds",
    "parent",
    "roleInheritance",
)

ALLOWED = {
    # --- tenants ---------------------------------------------------------------------------
    ("GET", "/v1/mgmt/license"): (),
    ("POST", "/v1/mgmt/tenant/create"): _TENANT_FIELDS,  # CreateTenantRequest
    ("POST", "/v1/mgmt/tenant/update"): _TENANT_FIELDS,  # UpdateTenantRequest
    # not in the OAS; python SDK 2.16 _tenant_base._compose_patch_body
    ("PATCH", "/v1/mgmt/tenant/patch"): (
        "id",
        "name",
        "selfProvisioningDomains",
        "customAttributes",
        "disabled",
        "enforceSSO",
        "enforceSSOExclusions",
        "federatedAppIds",
        "roleInheritance",
    ),
    ("POST", "/v1/mgmt/tenant/delete"): ("id", "cascade"),  # DeleteTenantRequest
    ("GET", "/v1/mgmt/tenant"): ("id",),
    ("GET", "/v1/mgmt/tenant/all"): (),
    # SearchTenantsRequest
    ("POST", "/v1/mgmt/tenant/search"): (
        "tenantIds",
        "tenantNames",
        "tenantSelfProvisioningDomains",
        "customAttributes",
        "authType",
        "tenantSSODomains",
        "parentTenantId",
        "topLevelOnly",
    ),
    ("GET", "/v1/mgmt/tenant/settings"): ("id",),
    # ConfigureTenantSettingsRequest; enforceSSO, enforceSSOExclusions, federatedAppIds: python SDK update_settings
    ("POST", "/v1/mgmt/tenant/settings"): (
        "tenantId",
        "selfProvisioningDomains",
        "domains",
        "authType",
        "enabled",
        "refreshTokenExpiration",
        "refreshTokenExpirationUnit",
        "sessionTokenExpiration",
        "sessionTokenExpirationUnit",
        "stepupTokenExpiration",
        "stepupTokenExpirationUnit",
        "enableInactivity",
        "inactivityTime",
        "inactivityTimeUnit",
        "JITDisabled",
        "ssoSetupSuiteSettings",
        "enforceSSO",
        "enforceSSOExclusions",
        "federatedAppIds",
    ),
    ("POST", "/v1/mgmt/tenant/updateDefaultRoles"): ("id", "defaultRoles"),  # UpdateTenantDefaultRolesRequest
    # --- flows and theme -------------------------------------------------------------------
    ("POST", "/v1/mgmt/flow/list"): ("ids",),  # list-flows docs: "{ }" or "{ "ids": [] }"
    ("POST", "/v1/mgmt/flow/delete"): ("ids",),  # DeleteFlowsRequest
    ("POST", "/v1/mgmt/flow/export"): ("flowId",),  # v1 (SDK-only): python/node SDK
    ("POST", "/v1/mgmt/flow/import"): ("flowId", "flow", "screens"),  # v1 (SDK-only): python/node SDK
    ("POST", "/v2/mgmt/flow/export"): ("flowId",),  # ExportFlowRequest
    ("POST", "/v2/mgmt/flow/import"): ("flow", "skipRender", "changelog"),  # ImportFlowRequest (no top-level flowId)
    ("POST", "/v1/mgmt/theme/export"): (),
    ("POST", "/v1/mgmt/theme/import"): ("theme",),
    ("POST", "/v2/mgmt/theme/export"): (),  # ExportThemeRequest
    ("POST", "/v2/mgmt/theme/import"): ("theme",),  # ImportThemeRequest
    # --- project ---------------------------------------------------------------------------
    ("POST", "/v1/mgmt/project/snapshot/export"): ("format",),  # ExportSnapshotRequest
    ("POST", "/v1/mgmt/project/snapshot/validate"): ("files", "excludes", "inputSecrets"),  # ImportSnapshotRequest
    ("POST", "/v1/mgmt/project/snapshot/import"): ("files", "excludes", "inputSecrets"),  # ImportSnapshotRequest
    ("POST", "/v1/mgmt/project/export"): (),  # ExportProjectRequest (empty)
    ("POST", "/v1/mgmt/project/import"): ("files", "excludes", "inputSecrets"),  # ImportProjectRequest
    ("POST", "/v1/mgmt/project/clone"): ("name", "environment", "tags"),  # CloneProjectRequest
    ("POST", "/v1/mgmt/project/update/name"): ("name",),  # UpdateProjectNameRequest
    ("POST", "/v1/mgmt/project/update/tags"): ("tags",),  # UpdateProjectTagsRequest
    ("POST", "/v1/mgmt/project/delete"): (),
    ("POST", "/v1/mgmt/projects/list"): (),
}


def unknown_fields(method, path, fields):
    """The given field names the route's schema does not define, in request order ([] if unchecked)."""
    allowed = ALLOWED.get((method, path))
    if allowed is None:
        return []
    return [name for name in fields if name not in allowed]
