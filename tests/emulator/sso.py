"""Tenant SSO configurations (OIDC, SAML by fields or by metadata URL), role mapping, admin links.

Shapes: go-sdk ``descope/types.go`` (``SSOTenantSettingsResponse {tenant, saml, oidc, ssoId}``,
``SSOTenantAllSettingsResponse {SSOSettings}``, ``SSOSAMLSettingsResponse``, ``SSOOIDCSettings``,
``GroupsMapping {role: {id, name}, groups}``, ``GenerateSSOConfigurationLinkResponse``); request bodies:
python SDK 2.16 ``management/_sso_settings_base.py``. The OIDC client secret is write-only: answers carry
``clientSecret: ""`` (python-sdk e2e ``tests/e2e/management/test_sso.py`` sees it redacted live).

UNCERTAIN (no public source): the configuration without ``ssoId`` is the tenant's default one (id "");
configuring OIDC/SAML sets the tenant ``authType`` and, when ``domains`` is given, its SSO domains;
SAML by metadata stores the URL and leaves the IdP fields empty (the emulator fetches nothing);
``spCertificate``/``spEntityId``/``spACSUrl`` default to emulator-made values; deleting the default
configuration empties it and sets ``authType`` "none".
"""

import copy
import secrets

from . import errors, roles, tenants
from .errors import invalid
from .validate import opt_dict, opt_str, opt_str_list, required_str

OIDC_KEYS = (
    "name", "clientId", "clientSecret", "redirectUrl", "authUrl", "tokenUrl", "userDataUrl", "scope", "JWKsUrl", "userAttrMapping",
    "manageProviderTokens", "callbackDomain", "prompt", "grantType", "issuer", "groupsPriority", "fgaMappings", "usePkce", "defaultSSORoles",
)  # fmt: skip
SAML_COPIED = ("attributeMapping", "defaultSSORoles", "groupsPriority", "fgaMappings", "configFGATenantIDResourcePrefix", "configFGATenantIDResourceSuffix")


def blank_config(tenant_id, sso_id="", display_name=""):
    return {"ssoId": sso_id, "displayName": display_name, "oidc": {}, "saml": {}, "_tenant": tenant_id}


def _tenant(store, project, tenant_id):
    return tenants.get(store, project, tenant_id)


def _config(store, project, tenant_id, sso_id, write=True):
    """The configuration ``sso_id`` of a tenant ("" = the default one, created on first write)."""
    configs = project["sso"].get(tenant_id, {})
    if sso_id:
        if sso_id not in configs:
            raise errors.not_found(store.config, errors.SSO_NOT_FOUND, "SSO configuration", sso_id)
        return configs[sso_id]
    if not write:
        return configs.get("") or blank_config(tenant_id)
    return project["sso"].setdefault(tenant_id, {}).setdefault("", blank_config(tenant_id))


def _render(tenant, config):
    out = {"tenant": tenants.render(tenant), "ssoId": config["ssoId"]}
    out["tenant"]["domains"] = list(tenant["domains"])
    if config["saml"]:
        out["saml"] = copy.deepcopy(config["saml"])
    if config["oidc"]:
        oidc = copy.deepcopy(config["oidc"])
        oidc["clientSecret"] = ""  # write-only
        out["oidc"] = oidc
    if config["displayName"]:
        out["displayName"] = config["displayName"]
    return out


def load(store, project, query):
    tenant_id = query.get("tenantId", "")
    if not tenant_id:
        raise errors.missing("tenantId")
    tenant = _tenant(store, project, tenant_id)
    return _render(tenant, _config(store, project, tenant_id, query.get("ssoId", ""), write=False))


def load_all(store, project, query):
    tenant_id = query.get("tenantId", "")
    if not tenant_id:
        raise errors.missing("tenantId")
    tenant = _tenant(store, project, tenant_id)
    configs = project["sso"].get(tenant_id) or {"": blank_config(tenant_id)}
    return {"SSOSettings": [_render(tenant, c) for c in configs.values()]}


def new_settings(store, project, body):
    tenant_id = required_str(body, "tenantId")
    tenant = _tenant(store, project, tenant_id)
    sso_id = opt_str(body, "ssoId") or "SSO2" + secrets.token_hex(8)
    configs = project["sso"].setdefault(tenant_id, {"": blank_config(tenant_id)})
    if sso_id in configs:
        raise errors.ApiError(400, errors.ROLE_EXISTS, "SSO configuration already exists", "ssoId %r already exists for tenant %r" % (sso_id, tenant_id))
    configs[sso_id] = blank_config(tenant_id, sso_id, required_str(body, "displayName"))
    return _render(tenant, configs[sso_id])


def delete(store, project, query):
    tenant_id = query.get("tenantId", "")
    if not tenant_id:
        raise errors.missing("tenantId")
    tenant = _tenant(store, project, tenant_id)
    sso_id = query.get("ssoId", "")
    configs = project["sso"].get(tenant_id, {})
    if sso_id:
        if sso_id not in configs:
            raise errors.not_found(store.config, errors.SSO_NOT_FOUND, "SSO configuration", sso_id)
        del configs[sso_id]
    else:
        configs[""] = blank_config(tenant_id)
        tenant["authType"] = "none"
    return {}


def _settings_body(body):
    settings = body.get("settings")
    if settings is None:
        raise errors.missing("settings")
    if not isinstance(settings, dict):
        raise invalid("settings must be an object")
    return settings


def _apply_domains(tenant, body):
    if body.get("domains") is not None:
        tenant["domains"] = opt_str_list(body, "domains")


def _check_roles(project, tenant_id, settings, field):
    names = opt_str_list(settings, "defaultSSORoles")
    roles.check_tenant_roles(project, names, tenant_id, "settings.defaultSSORoles")
    mappings = settings.get(field)
    return names, _groups_mapping(project, tenant_id, mappings, "settings." + field)


def _groups_mapping(project, tenant_id, mappings, field):
    """roleMappings [{groups, roleName}] -> stored groupsMapping [{role: {id, name}, groups}]; roles must exist."""
    if mappings is None:
        return None
    if not isinstance(mappings, list):
        raise invalid("%s must be a list" % field)
    out = []
    for index, item in enumerate(mappings):
        if not isinstance(item, dict):
            raise invalid("%s[%d] must be an object" % (field, index))
        name = required_str(item, "roleName")
        roles.check_tenant_roles(project, [name], tenant_id, "%s[%d].roleName" % (field, index))
        role = roles.find_role(project, name, tenant_id) or roles.find_role(project, name)
        out.append({"role": {"id": role["id"], "name": name}, "groups": opt_str_list(item, "groups")})
    return out


def configure_oidc(store, project, body):
    tenant_id = required_str(body, "tenantId")
    tenant = _tenant(store, project, tenant_id)
    settings = _settings_body(body)
    required_str(settings, "name")
    required_str(settings, "clientId")
    _check_roles(project, tenant_id, settings, "groupsMapping")
    config = _config(store, project, tenant_id, opt_str(body, "ssoId"))
    previous = config["oidc"].get("clientSecret", "")
    oidc = {k: copy.deepcopy(settings[k]) for k in OIDC_KEYS if settings.get(k) is not None}
    # a blank secret keeps the stored one (UNCERTAIN): the API never returns it, so clients cannot echo it
    oidc["clientSecret"] = settings.get("clientSecret") or previous
    config["oidc"], config["saml"] = oidc, {}
    tenant["authType"] = "oidc"
    _apply_domains(tenant, body)
    return {}


def _saml(store, project, body, by_metadata):
    tenant_id = required_str(body, "tenantId")
    tenant = _tenant(store, project, tenant_id)
    settings = _settings_body(body)
    default_roles, mapping = _check_roles(project, tenant_id, settings, "roleMappings")
    required = ("idpMetadataUrl",) if by_metadata else ("entityId", "idpUrl", "idpCert")
    for key in required:
        required_str(settings, key)  # before anything is stored
    config = _config(store, project, tenant_id, opt_str(body, "ssoId"))
    old = config["saml"]
    if by_metadata:
        saml = {"idpMetadataUrl": required_str(settings, "idpMetadataUrl"), "idpEntityId": opt_str(settings, "entityId"), "idpSSOUrl": "", "idpCertificate": ""}
    else:
        saml = {
            "idpEntityId": required_str(settings, "entityId"),
            "idpSSOUrl": required_str(settings, "idpUrl"),
            "idpCertificate": required_str(settings, "idpCert"),
            "idpMetadataUrl": "",
        }
        if settings.get("idpAdditionalCerts") is not None:
            saml["idpAdditionalCertificates"] = opt_str_list(settings, "idpAdditionalCerts")
    saml["spEntityId"] = opt_str(settings, "spEntityId") or old.get("spEntityId") or "https://emulator.invalid/sp/%s" % tenant_id
    saml["spACSUrl"] = opt_str(settings, "spACSUrl") or old.get("spACSUrl") or "https://emulator.invalid/saml/acs/%s" % tenant_id
    saml["spCertificate"] = old.get("spCertificate") or "EMULATOR-SP-CERT-" + secrets.token_hex(8)
    for key in SAML_COPIED:
        if settings.get(key) is not None:
            saml[key] = copy.deepcopy(settings[key])
    saml["groupsMapping"] = mapping if mapping is not None else []
    if settings.get("replaceDefaultSSORoles") or default_roles:
        saml["defaultSSORoles"] = default_roles
    saml["redirectUrl"] = opt_str(body, "redirectUrl")
    saml["disableSignRequest"] = bool(settings.get("disableSignRequest"))
    config["saml"], config["oidc"] = {k: v for k, v in saml.items() if v not in (None, "", [], {}) or k in ("groupsMapping",)}, {}
    tenant["authType"] = "saml"
    _apply_domains(tenant, body)
    return {}


def configure_saml(store, project, body):
    return _saml(store, project, body, by_metadata=False)


def configure_saml_metadata(store, project, body):
    return _saml(store, project, body, by_metadata=True)


def mapping(store, project, body):
    tenant_id = required_str(body, "tenantId")
    _tenant(store, project, tenant_id)
    groups = _groups_mapping(project, tenant_id, body.get("roleMappings") or [], "roleMappings")
    attrs = opt_dict(body, "attributeMapping")
    config = _config(store, project, tenant_id, opt_str(body, "ssoId"))
    config["saml"]["groupsMapping"] = groups
    config["saml"]["attributeMapping"] = {k: v for k, v in attrs.items() if v is not None}
    return {}


def admin_link(store, project, body):
    tenant_id = required_str(body, "tenantId")
    _tenant(store, project, tenant_id)
    expire = body.get("expireTime")
    if expire is not None and (isinstance(expire, bool) or not isinstance(expire, int) or expire < 0):
        raise invalid("expireTime must be a non-negative integer (seconds)")
    sso_id = opt_str(body, "ssoId")
    if sso_id and sso_id not in project["sso"].get(tenant_id, {}):
        raise errors.not_found(store.config, errors.SSO_NOT_FOUND, "SSO configuration", sso_id)
    token = secrets.token_urlsafe(24)
    # the token is the secret part; state shows the request, never the token
    project["adminLinks"].append({"tenantId": tenant_id, "ssoId": sso_id, "email": opt_str(body, "email"), "expireTime": expire or 0})
    return {"adminSSOConfigurationLink": "https://emulator.invalid/sso-setup?t=%s" % token}


def dump(project):
    out = {}
    for tenant_id, configs in project["sso"].items():
        out[tenant_id] = []
        for config in configs.values():
            entry = {k: copy.deepcopy(v) for k, v in config.items() if not k.startswith("_")}
            if entry["oidc"].get("clientSecret"):
                entry["oidc"]["clientSecret"] = "<set>"  # the test can see that a secret is stored, not which
            out[tenant_id].append(entry)
    return out


def seed_into(project, raw):
    """Seed ``sso``: {"<tenantId>": [{"ssoId"?, "displayName"?, "oidc"?: {...}, "saml"?: {...}}]} (stored shapes)."""
    for tenant_id, configs in (raw or {}).items():
        if tenant_id not in project["tenants"] or not isinstance(configs, list):
            raise invalid("seed sso: keys must be seeded tenant ids, values lists of configurations")
        for item in configs:
            config = blank_config(tenant_id, item.get("ssoId", ""), item.get("displayName", ""))
            config["oidc"] = copy.deepcopy(item.get("oidc") or {})
            config["saml"] = copy.deepcopy(item.get("saml") or {})
            project["sso"].setdefault(tenant_id, {})[config["ssoId"]] = config
