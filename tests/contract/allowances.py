"""What the contract check accepts beyond the OpenAPI copy, each item with the SDK source that shows it.

The OpenAPI copy (Aug 2026) lags the released SDKs. Nothing here is taken from the collection or the emulator:
an endpoint, a field or an enum is listed only with the official SDK release, file and function that send or
read it. SDK = python-sdk 2.16.1 (PyPI, Oct 2026) unless the entry says otherwise; paths are inside its
``descope/`` package.
"""

_OPEN = {"type": "object"}
_STRINGS = {"type": "array", "items": {"type": "string"}}

# Endpoints the emulator serves that the OpenAPI copy lacks: (method, path) -> source, request, answer schema.
NON_OPENAPI = {
    ("GET", "/v1/mgmt/license"): {
        "source": "python-sdk 2.16.1 descope_client.py DescopeClient._fetch_rate_limit_tier; management/license.py "
        "License.get (answer {rateLimitTier: tier1..tier4})",
        "request": None,
        "response": {"type": "object", "properties": {"rateLimitTier": {"type": "string"}}},
    },
    ("PATCH", "/v1/mgmt/tenant/patch"): {
        "source": "python-sdk 2.16.1 management/tenant.py Tenant.patch_tenant, _tenant_base.py _compose_patch_body",
        "request": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "selfProvisioningDomains": _STRINGS,
                "customAttributes": _OPEN,
                "disabled": {"type": "boolean"},
                "enforceSSO": {"type": "boolean"},
                "enforceSSOExclusions": _STRINGS,
                "federatedAppIds": _STRINGS,
                "roleInheritance": {"type": "string"},
            },
        },
        "response": _OPEN,
    },
    ("POST", "/v1/mgmt/flow/export"): {
        "source": "python-sdk 2.16.1 management/flow.py Flow.export_flow (body {flowId})",
        "request": {"type": "object", "properties": {"flowId": {"type": "string"}}},
        "response": _OPEN,
    },
    ("POST", "/v1/mgmt/flow/import"): {
        "source": "python-sdk 2.16.1 management/flow.py Flow.import_flow (body {flowId, flow, screens})",
        "request": {
            "type": "object",
            "properties": {"flowId": {"type": "string"}, "flow": _OPEN, "screens": {"type": "array"}},
        },
        "response": _OPEN,
    },
    ("POST", "/v1/mgmt/theme/export"): {
        "source": "python-sdk 2.16.1 management/flow.py Flow.export_theme (empty body)",
        "request": {"type": "object", "properties": {}},
        "response": _OPEN,
    },
    ("POST", "/v1/mgmt/theme/import"): {
        "source": "python-sdk 2.16.1 management/flow.py Flow.import_theme (body {theme})",
        "request": {"type": "object", "properties": {"theme": _OPEN}},
        "response": _OPEN,
    },
    ("POST", "/v1/mgmt/sso/mapping"): {
        "source": "python-sdk 2.16.1 management/sso_settings.py SSOSettings.mapping (deprecated there)",
        "request": {
            "type": "object",
            "properties": {
                "tenantId": {"type": "string"},
                "ssoId": {"type": "string"},
                "roleMappings": {"type": "array"},
                "attributeMapping": _OPEN,
            },
        },
        "response": _OPEN,
    },
}

# Fields newer than the OpenAPI copy: (method, path, "request"|"response", dotted path ("[]" = array items),
# schema, source). Inserted into the operation's schema before validation.
_SSO_LOAD = (("GET", "/v2/mgmt/sso/settings"), ("GET", "/v2/mgmt/sso/settings/all"))
_SAML_WRITE = (("POST", "/v1/mgmt/sso/saml"), ("POST", "/v1/mgmt/sso/saml/metadata"))
_B = {"type": "boolean"}
_S = {"type": "string"}
_I = {"type": "integer"}
_SAMPLE = "python-sdk 2.16.1 management/sso_settings.py SSOSettings.load_settings docstring sample"


def _answers(pointer, schema, source):
    rows = []
    for op in _SSO_LOAD:
        prefix = "SSOSettings[]." if op[1].endswith("/all") else ""
        rows.append((*op, "response", prefix + pointer, schema, source))
    return rows


NEWER_FIELDS = [
    ("POST", "/v1/mgmt/sso/oidc", "request", "settings.usePkce", _B,
     "python-sdk 2.16.0 management/_sso_settings_base.py _compose_configure_oidc_settings_body"),
    ("POST", "/v1/mgmt/sso/oidc", "request", "settings.userAttrMapping.phoneNumber", _S,
     "python-sdk 2.16.0 management/_sso_settings_base.py _compose_configure_oidc_settings_body"),
    *[(*op, "request", "settings.replaceDefaultSSORoles", _B,
       "python-sdk 2.16.0 management/_sso_settings_base.py _set_replace_default_sso_roles") for op in _SAML_WRITE],
    *[(*op, "request", "settings.disableSignRequest", _B,
       "python-sdk 2.16.0 management/_sso_settings_base.py _compose_configure_saml_settings_body, "
       "_compose_configure_saml_settings_by_metadata_body") for op in _SAML_WRITE],
    *[(*op, "request", "settings.attributeMapping.phoneNumber", _S,
       "python-sdk 2.16.0 management/_sso_settings_base.py _attribute_mapping_to_dict") for op in _SAML_WRITE],
    *_answers("oidc.userAttrMapping.phoneNumber", _S, _SAMPLE),
    *_answers("saml.attributeMapping.phoneNumber", _S, _SAMPLE),
    *_answers("saml.lastSuccessTestTime", _I, _SAMPLE + " (lastSuccessTestTime: epoch seconds, read-only)"),
    *_answers("oidc.lastSuccessTestTime", _I, _SAMPLE + " (lastSuccessTestTime: epoch seconds, read-only)"),
    ("POST", "/v1/mgmt/sso/saml/metadata", "request", "settings.entityId", _S,
     "python-sdk 2.16.1 management/_sso_settings_base.py _compose_configure_saml_settings_by_metadata_body"),
    ("POST", "/v1/mgmt/tenant/update", "request", "parent", _S,
     "go-sdk @1eb70cb descope/internal/mgmt/tenant.go makeCreateUpdateTenantRequest (create and update)"),
    *[("POST", "/v1/mgmt/tenant/settings", "request", key, sub,
       "python-sdk 2.16.1 management/tenant.py Tenant.update_settings") for key, sub in (
        ("enforceSSO", _B), ("enforceSSOExclusions", {"type": "array", "items": _S}),
        ("federatedAppIds", {"type": "array", "items": _S}))],
    ("POST", "/v1/mgmt/tenant/settings", "request", "rotateJwt", _B,
     "go-sdk before fb5da46 (\"remove unused rotatejwt\") descope/internal/mgmt/tenant.go ConfigureSettings"),
    ("POST", "/v2/mgmt/tenant/adminlinks/sso/generate", "request", "templateId", _S,
     "go-sdk @1eb70cb descope/internal/mgmt/tenant.go GenerateSSOConfigurationLink"),
    *_answers("oidc.usePkce", _B, "python-sdk 2.16.0 management/_sso_settings_base.py "
              "_compose_configure_oidc_settings_body (an omitted usePkce keeps the stored value)"),
]  # fmt: skip

# The OpenAPI types tenant custom attribute values as strings; they are typed (string, number, boolean,
# singleselect, multiselect, date) and the SDKs send and read any JSON value.
_ATTRS_SRC = (
    "go-sdk descope/types.go Tenant.CustomAttributes map[string]any; python-sdk 2.16.1 management/"
    "tenant.py Tenant.create (custom_attributes: dict); terraform-provider-descope internal/models/"
    "project/attributes/shared.go attributeTypeValidator"
)

# Types where the wire differs from the OpenAPI copy: (method, path, where, dotted path, schema, source).
WIRE_TYPES = [
    ("GET", "/v1/mgmt/tenant/settings", "response", "sessionSettingsEnabled", {"type": "boolean"},
     "python-sdk tests/management/test_tenant.py load_settings mock (go-sdk and the OpenAPI name it enabled; the "
     "emulator answers either, settingsEnabledKey)"),
    ("POST", "/v2/mgmt/tenant/adminlinks/sso/generate", "request", "expireTime", {"type": ["integer", "string"]},
     "python-sdk 2.16.1 management/tenant.py Tenant.generate_sso_configuration_link (expire_time: int, sent as a "
     "number; the OpenAPI types the int64 as a string, protobuf JSON reads both)"),
    ("POST", "/v2/mgmt/tenant/adminlinks/sso/generate", "request", "actorId", {"type": "string"},
     "python-sdk 2.16.1 management/tenant.py Tenant.generate_sso_configuration_link (body actorId)"),
    *[(m, p, where, key, {"type": "object"}, _ATTRS_SRC) for m, p, where, key in (
        ("POST", "/v1/mgmt/tenant/create", "request", "customAttributes"),
        ("POST", "/v1/mgmt/tenant/update", "request", "customAttributes"),
        ("POST", "/v1/mgmt/tenant/search", "request", "customAttributes"),
        ("POST", "/v1/mgmt/tenant/search", "response", "tenants[].customAttributes"),
        ("GET", "/v1/mgmt/tenant/all", "response", "tenants[].customAttributes"),
        ("GET", "/v1/mgmt/tenant", "response", "tenant.customAttributes"),
        ("GET", "/v2/mgmt/sso/settings", "response", "tenant.customAttributes"),
        ("GET", "/v2/mgmt/sso/settings/all", "response", "SSOSettings[].tenant.customAttributes"),
    )],
]  # fmt: skip

# Answers the SDKs read unwrapped although the OpenAPI wraps them: (method, path) -> (wrapper key, source).
# Both forms pass; the emulator serves either (switch wrapLoadTenant).
FLAT_ANSWERS = {
    ("GET", "/v1/mgmt/tenant"): (
        "tenant",
        "python-sdk 2.16.1 management/tenant.py Tenant.load docstring ({id, name, ...}); go-sdk "
        "descope/internal/mgmt/tenant.go unmarshalLoadTenantResponse; node-sdk lib/management/tenant.ts load",
    ),
}

# Enums the OpenAPI leaves as free strings: (method, path, where, dotted path, values, source).
_UNITS = ["minutes", "hours", "days", "weeks"]
_UNIT_SRC = "python-sdk 2.16.1 management/common.py SessionExpirationUnit; management/tenant.py Tenant.update_settings"
_AUTH = ["none", "saml", "oidc"]
_AUTH_SRC = "python-sdk 2.16.1 management/common.py TenantAuthType"
ENUMS = [
    *[(m, "/v1/mgmt/tenant/settings", where, key, _UNITS, _UNIT_SRC)
      for m, where in (("POST", "request"), ("GET", "response"))
      for key in ("refreshTokenExpirationUnit", "sessionTokenExpirationUnit", "stepupTokenExpirationUnit",
                  "inactivityTimeUnit")],
    ("POST", "/v1/mgmt/tenant/settings", "request", "authType", _AUTH, _AUTH_SRC),
    ("GET", "/v1/mgmt/tenant/settings", "response", "authType", _AUTH, _AUTH_SRC),
    *[(*op, "response", ("SSOSettings[]." if op[1].endswith("/all") else "") + "tenant.authType", _AUTH, _AUTH_SRC)
      for op in _SSO_LOAD],
    ("GET", "/v1/mgmt/license", "response", "rateLimitTier", ["tier1", "tier2", "tier3", "tier4"],
     "python-sdk 2.16.1 management/license.py License.get docstring"),
]  # fmt: skip

# Traffic the check leaves out, and why; matched on the User-Agent of the request.
COLLECTION_AGENT = "descope.mgmt-ansible"  # plugins/module_utils/_client.py USER_AGENT
