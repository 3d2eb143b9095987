"""Tenant SSO configurations (OIDC, SAML, SAML by metadata URL), role mapping, admin links.

Answers follow the SDKs' own samples: every load answer carries BOTH a ``saml`` and an ``oidc`` object, the side
not in use holding defaults, and ``tenant.authType`` names the active protocol (go-sdk
``descope/internal/mgmt/sso_test.go`` TestLoadSettingsSuccess: ``authType "saml"`` with a full ``saml`` and an
``oidc`` with ``name``/``clientId``; python-sdk 2.16.1 ``management/sso_settings.py`` ``load_settings`` sample:
a SAML tenant whose ``oidc`` holds ``userAttrMapping.loginId "sub"``, ``grantType "authorization_code"``...).
Shapes: go-sdk ``descope/types.go`` (``SSOTenantSettingsResponse {tenant, saml, oidc, ssoId}``,
``SSOSAMLSettingsResponse``, ``SSOOIDCSettings``, ``GroupsMapping {role: {id, name}, groups}``); request bodies:
python-sdk 2.16.1 ``management/_sso_settings_base.py``. The OIDC client secret is write-only: answers carry
``clientSecret: ""`` (python-sdk e2e ``tests/e2e/management/test_sso.py`` sees it redacted live).

A configure replaces the connection's side it writes (python-sdk: "the server takes the settings object as a
full replacement"), except where python-sdk 2.16.1 documents otherwise: an omitted ``usePkce`` keeps the stored
value; ``defaultSSORoles`` empty or omitted keeps the stored roles unless ``replaceDefaultSSORoles`` is set.
The other protocol's side is left as it was (the go sample shows a populated ``oidc`` under ``authType
"saml"``). UNCERTAIN (no public source; see README): a configure without ``clientSecret`` keeps or clears the
stored secret (``oidcSecretOnOmit``); answers carry ``usePkce`` or not (``ssoAnswersUsePkce``); the
configuration without ``ssoId`` is the tenant's default one (id ""); ``tenant.authType`` in an answer is that
connection's protocol; ``domains`` set the tenant's SSO domains; ``spSignKey``/``spEncryptionKey`` are never
answered and an omitted one keeps the stored key; deleting the default configuration empties it and sets
``authType`` "none". No ``displayName`` is answered: no source shows one in a load answer.
"""

import copy
import hashlib
import secrets

from . import errors, roles, tenants
from .errors import invalid
from .validate import opt_dict, opt_str, opt_str_list, required_str

# python-sdk 2.16.1 load_settings sample: what the side not in use holds
OIDC_DEFAULTS = {
    "name": "", "clientId": "", "clientSecret": "", "redirectUrl": "", "authUrl": "", "tokenUrl": "", "userDataUrl": "",
    "scope": [], "JWKsUrl": "",
    "userAttrMapping": {
        "loginId": "sub", "username": "", "name": "name", "email": "email", "phoneNumber": "phone_number",
        "verifiedEmail": "email_verified", "verifiedPhone": "phone_number_verified", "picture": "picture",
        "givenName": "given_name", "middleName": "middle_name", "familyName": "family_name",
    },
    "manageProviderTokens": False, "callbackDomain": "", "prompt": [], "grantType": "authorization_code", "issuer": "",
    "lastSuccessTestTime": 0,
}  # fmt: skip
SAML_DEFAULTS = {
    "idpEntityId": "", "idpSSOUrl": "", "idpCertificate": "", "idpAdditionalCertificates": [], "idpMetadataUrl": "",
    "spEntityId": "", "spACSUrl": "", "spCertificate": "",
    "attributeMapping": {
        "name": "name", "email": "email", "username": "", "phoneNumber": "phone", "group": "", "givenName": "",
        "middleName": "", "familyName": "", "picture": "", "customAttributes": {},
    },
    "groupsMapping": [], "redirectUrl": "", "lastSuccessTestTime": 0,
}  # fmt: skip
# OAS SSOOIDCSettings (request = answer schema) + python-sdk 2.16.0 usePkce; roleMappings is stored as groupsMapping
OIDC_KEYS = (
    "name", "clientId", "redirectUrl", "authUrl", "tokenUrl", "userDataUrl", "scope", "JWKsUrl", "userAttrMapping",
    "manageProviderTokens", "callbackDomain", "prompt", "grantType", "issuer", "groupsPriority", "fgaMappings",
    "providerID", "scimProviderID",
)  # fmt: skip
# OAS SSOSAMLSettings keys stored under the same name (+ python-sdk 2.16.0 disableSignRequest)
SAML_COPIED = (
    "attributeMapping", "groupsPriority", "fgaMappings", "configFGATenantIDResourcePrefix",
    "configFGATenantIDResourceSuffix", "subjectNameIdFormat", "disableSignRequest",
)  # fmt: skip
SP_KEYS = (("spSignKey", "spSignCertificate"), ("spEncryptionKey", "spCertificate"))


def blank_config(tenant_id, sso_id="", display_name=""):
    return {"ssoId": sso_id, "displayName": display_name, "authType": "none", "oidc": {}, "saml": {}, "_tenant": tenant_id}


def _tenant(store, project, tenant_id):
    return tenants.get(store, project, tenant_id)


def default_alias(tenant_id):
    """The id the default connection carries under ``ssoDefaultInAll: generated`` (UNCERTAIN, see README)."""
    return "SSO2d" + hashlib.sha256(tenant_id.encode()).hexdigest()[:12]


def _config(store, project, tenant_id, sso_id, write=True):
    """The configuration ``sso_id`` of a tenant ("" = the default one, created on first write)."""
    configs = project["sso"].get(tenant_id, {})
    if sso_id and sso_id == default_alias(tenant_id) and store.config.get("ssoDefaultInAll") == "generated":
        sso_id = ""
    if sso_id:
        if sso_id not in configs:
            raise errors.not_found(store.config, errors.SSO_NOT_FOUND, "SSO configuration", sso_id)
        return configs[sso_id]
    if not write:
        return configs.get("") or blank_config(tenant_id)
    return project["sso"].setdefault(tenant_id, {}).setdefault("", blank_config(tenant_id))


def _mapping(defaults, stored, key):
    """A stored mapping with every key of the sample present ("" when not set); the defaults when none is stored."""
    if key not in stored:
        return copy.deepcopy(defaults[key])
    blank = {k: {} if isinstance(v, dict) else "" for k, v in defaults[key].items()}
    return {**blank, **copy.deepcopy(stored[key])}


def _render(store, tenant, config):
    out_tenant = tenants.render(tenant)
    out_tenant["domains"] = list(tenant["domains"])
    if config["ssoId"]:
        out_tenant["authType"] = config.get("authType") or "none"  # an extra connection: its own protocol
    out_tenant.setdefault("customAttributes", {})  # the python-sdk sample shows it even when empty
    saml = copy.deepcopy(SAML_DEFAULTS)
    saml.update({k: copy.deepcopy(v) for k, v in config["saml"].items() if not k.startswith("_")})
    saml["attributeMapping"] = _mapping(SAML_DEFAULTS, config["saml"], "attributeMapping")
    oidc = copy.deepcopy(OIDC_DEFAULTS)
    oidc.update(copy.deepcopy(config["oidc"]))
    oidc["userAttrMapping"] = _mapping(OIDC_DEFAULTS, config["oidc"], "userAttrMapping")
    oidc["clientSecret"] = ""  # write-only
    if not store.config.get("ssoAnswersUsePkce", True):
        oidc.pop("usePkce", None)
    sso_id = config["ssoId"]
    if not sso_id and store.config.get("ssoDefaultInAll") == "generated":
        sso_id = default_alias(config["_tenant"])
    return {"tenant": out_tenant, "saml": saml, "oidc": oidc, "ssoId": sso_id}


def load(store, project, query):
    tenant_id = query.get("tenantId", "")
    if not tenant_id:
        raise errors.missing("tenantId")
    tenant = _tenant(store, project, tenant_id)
    return _render(store, tenant, _config(store, project, tenant_id, query.get("ssoId", ""), write=False))


def load_all(store, project, query):
    tenant_id = query.get("tenantId", "")
    if not tenant_id:
        raise errors.missing("tenantId")
    tenant = _tenant(store, project, tenant_id)
    configs = project["sso"].get(tenant_id) or {"": blank_config(tenant_id)}
    omitted = store.config.get("ssoDefaultInAll") == "omitted"
    return {"SSOSettings": [_render(store, tenant, c) for k, c in configs.items() if k or not omitted]}


def new_settings(store, project, body):
    tenant_id = required_str(body, "tenantId")
    tenant = _tenant(store, project, tenant_id)
    sso_id = opt_str(body, "ssoId") or "SSO2" + secrets.token_hex(8)
    configs = project["sso"].setdefault(tenant_id, {"": blank_config(tenant_id)})
    if sso_id in configs:
        raise errors.ApiError(400, errors.ROLE_EXISTS, "SSO configuration already exists", "ssoId %r already exists for tenant %r" % (sso_id, tenant_id))
    configs[sso_id] = blank_config(tenant_id, sso_id, required_str(body, "displayName"))
    return _render(store, tenant, configs[sso_id])


def delete(store, project, query):
    tenant_id = query.get("tenantId", "")
    if not tenant_id:
        raise errors.missing("tenantId")
    tenant = _tenant(store, project, tenant_id)
    sso_id = query.get("ssoId", "")
    if sso_id and sso_id == default_alias(tenant_id) and store.config.get("ssoDefaultInAll") == "generated":
        sso_id = ""
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


def _apply(tenant, config, body, protocol):
    config["authType"] = protocol
    if not config["ssoId"]:
        tenant["authType"] = protocol
    if body.get("domains") is not None:
        tenant["domains"] = opt_str_list(body, "domains")


def _check_default_roles(project, tenant_id, settings):
    roles.check_tenant_roles(project, opt_str_list(settings, "defaultSSORoles"), tenant_id, "settings.defaultSSORoles")


def _default_roles(settings, old):
    """python-sdk 2.16.1: an empty or omitted list keeps the stored roles unless replaceDefaultSSORoles is set."""
    names = opt_str_list(settings, "defaultSSORoles")
    if names or settings.get("replaceDefaultSSORoles"):
        return names
    return list(old.get("defaultSSORoles") or [])


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
    mapping = _groups_mapping(project, tenant_id, settings.get("roleMappings"), "settings.roleMappings")
    _check_default_roles(project, tenant_id, settings)
    config = _config(store, project, tenant_id, opt_str(body, "ssoId"))
    old = config["oidc"]
    default_roles = _default_roles(settings, old)
    oidc = {k: _no_nulls(settings[k]) for k in OIDC_KEYS if settings.get(k) is not None}
    if settings.get("usePkce") is not None:
        oidc["usePkce"] = bool(settings["usePkce"])
    elif "usePkce" in old:
        oidc["usePkce"] = old["usePkce"]  # python-sdk 2.16.0: "an omitted usePkce keeps the stored value"
    given = settings.get("clientSecret") or ""
    keep = store.config.get("oidcSecretOnOmit", "keep") == "keep"
    oidc["clientSecret"] = given or (old.get("clientSecret", "") if keep else "")
    oidc["groupsMapping"] = mapping or []
    if default_roles:
        oidc["defaultSSORoles"] = default_roles
    config["oidc"] = oidc
    _apply(tenant, config, body, "oidc")
    return {}


def _no_nulls(value):
    """JSON nulls inside settings read as unset (the SDKs send None for every unset argument)."""
    if isinstance(value, dict):
        return {k: _no_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_no_nulls(v) for v in value]
    return value


def _sp_certificate(key):
    return "EMULATOR-SP-CERT-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _saml(store, project, body, by_metadata):
    tenant_id = required_str(body, "tenantId")
    tenant = _tenant(store, project, tenant_id)
    settings = _settings_body(body)
    mapping = _groups_mapping(project, tenant_id, settings.get("roleMappings"), "settings.roleMappings")
    _check_default_roles(project, tenant_id, settings)
    required = ("idpMetadataUrl",) if by_metadata else ("entityId", "idpUrl", "idpCert")
    for key in required:
        required_str(settings, key)  # before anything is stored
    config = _config(store, project, tenant_id, opt_str(body, "ssoId"))
    old = config["saml"]
    default_roles = _default_roles(settings, old)
    if by_metadata:
        url = required_str(settings, "idpMetadataUrl")
        # what the server reads from the metadata (UNCERTAIN: the emulator fetches nothing, it derives values)
        derived = hashlib.sha256(url.encode()).hexdigest()[:12]
        saml = {
            "idpMetadataUrl": url,
            "idpEntityId": opt_str(settings, "entityId") or "urn:emulator:idp:" + derived,
            "idpSSOUrl": "https://emulator.invalid/idp/%s/sso" % derived,
            "idpCertificate": "EMULATOR-IDP-CERT-" + derived,
        }
    else:
        saml = {
            "idpEntityId": required_str(settings, "entityId"),
            "idpSSOUrl": required_str(settings, "idpUrl"),
            "idpCertificate": required_str(settings, "idpCert"),
        }
        if settings.get("idpAdditionalCerts") is not None:
            saml["idpAdditionalCertificates"] = opt_str_list(settings, "idpAdditionalCerts")
    saml["spEntityId"] = opt_str(settings, "spEntityId") or old.get("spEntityId") or "https://emulator.invalid/sp/%s" % tenant_id
    saml["spACSUrl"] = opt_str(settings, "spACSUrl") or old.get("spACSUrl") or "https://emulator.invalid/saml/acs/%s" % tenant_id
    saml["spCertificate"] = old.get("spCertificate") or "EMULATOR-SP-CERT-" + secrets.token_hex(8)
    for key, answered in SP_KEYS:
        stored = opt_str(settings, key) or old.get("_" + key)
        if stored:
            saml["_" + key] = stored  # a private key: stored, never answered
            saml[answered] = _sp_certificate(stored)
    for key in SAML_COPIED:
        if settings.get(key) is not None:
            saml[key] = _no_nulls(settings[key])
    saml["groupsMapping"] = mapping or []
    if default_roles:
        saml["defaultSSORoles"] = default_roles
    if opt_str(body, "redirectUrl"):
        saml["redirectUrl"] = opt_str(body, "redirectUrl")
    config["saml"] = saml
    _apply(tenant, config, body, "saml")
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
            for key, _answered in SP_KEYS:
                if entry["saml"].get("_" + key):
                    entry["saml"]["_" + key] = "<set>"
            out[tenant_id].append(entry)
    return out


def seed_into(project, raw):
    """Seed ``sso``: {"<tenantId>": [{"ssoId"?, "displayName"?, "authType"?, "oidc"?: {...}, "saml"?: {...}}]}
    (stored shapes; ``authType`` defaults to the side given)."""
    for tenant_id, configs in (raw or {}).items():
        if tenant_id not in project["tenants"] or not isinstance(configs, list):
            raise invalid("seed sso: keys must be seeded tenant ids, values lists of configurations")
        for item in configs:
            config = blank_config(tenant_id, item.get("ssoId", ""), item.get("displayName", ""))
            config["oidc"] = copy.deepcopy(item.get("oidc") or {})
            config["saml"] = copy.deepcopy(item.get("saml") or {})
            config["authType"] = item.get("authType") or ("oidc" if config["oidc"] else "saml" if config["saml"] else "none")
            if not config["ssoId"] and config["authType"] != "none":
                project["tenants"][tenant_id]["authType"] = config["authType"]
            project["sso"].setdefault(tenant_id, {})[config["ssoId"]] = config
