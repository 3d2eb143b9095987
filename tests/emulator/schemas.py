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

PASSWORD_FIELDS = (
    "enabled", "minLength", "lowercase", "uppercase", "number", "nonAlphanumeric", "expiration", "expirationWeeks", "reuse", "reuseAmount",
    "lock", "lockAttempts", "tempLock", "tempLockAttempts", "tempLockDuration", "enablePasswordStrength", "passwordStrengthScore",
    "anyLetter", "disallowedCharacters", "disallowEmailMatch",
)  # fmt: skip

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
        "rotateJwt",  # older go-sdk ConfigureSettings sends it
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
    # --- permissions and roles (python SDK 2.16 management/permission.py, role.py) ----------
    ("POST", "/v1/mgmt/permission/create"): ("name", "description"),  # CreatePermissionRequest
    ("POST", "/v1/mgmt/permission/update"): ("name", "id", "newName", "description"),  # UpdatePermissionRequest
    ("POST", "/v1/mgmt/permission/delete"): ("name", "id"),  # DeletePermissionRequest
    ("POST", "/v1/mgmt/permission/create/batch"): ("permissions",),  # CreatePermissionsBatchRequest
    ("POST", "/v1/mgmt/permission/update/batch"): ("permissions",),  # UpdatePermissionsBatchRequest
    ("POST", "/v1/mgmt/permission/delete/batch"): ("names", "ids"),  # DeletePermissionsBatchRequest
    ("GET", "/v1/mgmt/permission/all"): (),
    ("POST", "/v1/mgmt/role/create"): ("name", "description", "permissionNames", "tenantId", "default", "private"),  # CreateRoleRequest
    ("POST", "/v1/mgmt/role/update"): ("name", "id", "newName", "description", "permissionNames", "tenantId", "default", "private"),  # UpdateRoleRequest
    ("POST", "/v1/mgmt/role/delete"): ("name", "id", "tenantId"),  # DeleteRoleRequest
    ("POST", "/v1/mgmt/role/create/batch"): ("roles",),  # CreateRolesBatchRequest
    ("POST", "/v1/mgmt/role/update/batch"): ("roles",),  # UpdateRolesBatchRequest
    ("POST", "/v1/mgmt/role/delete/batch"): ("roleNames", "roleIds", "tenantId"),  # DeleteRolesBatchRequest
    ("GET", "/v1/mgmt/role/all"): (),
    # SearchRolesRequest
    ("POST", "/v1/mgmt/role/search"): ("tenantIds", "roleNames", "roleNameLike", "permissionNames", "includeProjectRoles", "roleIds"),
    # --- password policy (python SDK management/password.py; go-sdk PasswordSettings) -------
    ("GET", "/v1/mgmt/password/settings"): ("tenantId",),
    ("POST", "/v1/mgmt/password/settings"): ("tenantId", *PASSWORD_FIELDS),  # ConfigurePasswordSettingsRequest
    # --- SSO (python SDK management/_sso_settings_base.py, sso_settings.py) ------------------
    ("GET", "/v2/mgmt/sso/settings"): ("tenantId", "ssoId"),
    ("GET", "/v2/mgmt/sso/settings/all"): ("tenantId",),
    ("POST", "/v1/mgmt/sso/settings/new"): ("tenantId", "ssoId", "displayName"),
    ("DELETE", "/v1/mgmt/sso/settings"): ("tenantId", "ssoId"),
    ("POST", "/v1/mgmt/sso/oidc"): ("tenantId", "settings", "domains", "ssoId"),  # ConfigureSSOOIDCSettingsRequest
    ("POST", "/v1/mgmt/sso/saml"): ("tenantId", "settings", "redirectUrl", "domains", "ssoId"),  # ConfigureSSOSAMLSettingsRequest
    ("POST", "/v1/mgmt/sso/saml/metadata"): ("tenantId", "settings", "redirectUrl", "domains", "ssoId"),  # ...ByMetadataRequest
    ("POST", "/v1/mgmt/sso/mapping"): ("tenantId", "roleMappings", "attributeMapping", "ssoId"),  # ConfigureSSOMappingRequest
    # GenerateSSOConfigurationLinkRequest
    ("POST", "/v2/mgmt/tenant/adminlinks/sso/generate"): ("tenantId", "expireTime", "ssoId", "email", "templateId", "actorId"),
}


def unknown_fields(method, path, fields):
    """The given field names the route's schema does not define, in request order ([] if unchecked)."""
    allowed = ALLOWED.get((method, path))
    if allowed is None:
        return []
    return [name for name in fields if name not in allowed]
