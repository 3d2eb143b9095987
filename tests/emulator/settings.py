"""Tenant session settings and password policy settings, per project ("" tenant id) and per tenant.

Tenant settings: OAS ``GetTenantSettingsResponse`` / ``ConfigureTenantSettingsRequest``; python SDK 2.16
``management/tenant.py`` ``load_settings``/``update_settings``. Whether a POST that leaves a key out keeps it
or resets it has no public source (python drops ``None`` keys; go-sdk ``Tenant.ConfigureSettings``: "will
override whatever is currently set even if left default"): config ``settingsOmitted`` "keep" (default) or
"reset" models each reading, for this POST and the password one.

Password policy:
Shape: OAS ``PasswordSettings`` / go-sdk ``descope/types.go PasswordSettings`` (enabled, minLength,
lowercase, uppercase, number, nonAlphanumeric, expiration, expirationWeeks, reuse, reuseAmount, lock,
lockAttempts) plus the newer fields the review lists from the OAS (tempLock…, password strength,
anyLetter, disallowedCharacters, disallowEmailMatch). python SDK 2.16 management/password.py:
``GET /v1/mgmt/password/settings?tenantId=`` and ``POST`` with ``{"tenantId", **settings}``.
UNCERTAIN: a POST overrides only the keys it carries (or, with ``settingsOmitted: reset``, resets the others);
a tenant without its own policy reads the project's; the server's ranges are unpublished (the emulator's are
loose: minLength 1..64, score 0..4); a new policy's counters are unpublished and chosen inside the Terraform
provider's bounds (internal/models/project/authentication/password.go; temp lock 3 attempts, 5 minutes: its
defaults).
"""

import copy

from . import errors, tenants
from .errors import invalid
from .validate import one_of, opt_bool, opt_int, opt_str, opt_str_list, required_str

# python SDK management/common.py SessionExpirationUnit, plus "seconds", which the Terraform provider's
# durations may carry (internal/models/attrs/durationattr/duration.go units)
UNITS = ("seconds", "minutes", "hours", "days", "weeks")
SETTINGS_INTS = ("refreshTokenExpiration", "sessionTokenExpiration", "stepupTokenExpiration", "inactivityTime")
SETTINGS_UNITS = ("refreshTokenExpirationUnit", "sessionTokenExpirationUnit", "stepupTokenExpirationUnit", "inactivityTimeUnit")
SETTINGS_BOOLS = ("enabled", "enableInactivity", "JITDisabled")
TENANT_LISTS = ("selfProvisioningDomains", "domains", "enforceSSOExclusions", "federatedAppIds")
OMITTED = ("keep", "reset")


def _resets(store):
    return store.config.get("settingsOmitted", "keep") == "reset"


ENABLED_KEYS = ("enabled", "sessionSettingsEnabled", "both")


def load_tenant_settings(store, project, query):
    tenant_id = query.get("id", "")
    if not tenant_id:
        raise errors.missing("id")
    tenant = tenants.get(store, project, tenant_id)
    out = {"domains": list(tenant["domains"]), "selfProvisioningDomains": list(tenant["selfProvisioningDomains"]), "authType": tenant["authType"]}
    out.update(copy.deepcopy(tenant["_settings"]))
    # UNCERTAIN: go-sdk and OAS answer "enabled", a python-sdk test mock "sessionSettingsEnabled" (config switch)
    key = store.config.get("settingsEnabledKey", "enabled")
    if key != "enabled" and "enabled" in out:
        out["sessionSettingsEnabled"] = out["enabled"] if key == "both" else out.pop("enabled")
    return out


def update_tenant_settings(store, project, body):
    tenant = tenants.get(store, project, required_str(body, "tenantId"))
    staged = copy.deepcopy(tenant)
    if _resets(store):  # go's reading: what the POST leaves out goes back to its default
        staged["_settings"] = tenants.default_settings()
        for key in ("selfProvisioningDomains", "domains", "enforceSSOExclusions", "federatedAppIds"):
            staged[key] = []
        staged["enforceSSO"] = False
    settings = staged["_settings"]
    for key in TENANT_LISTS:
        if body.get(key) is not None:
            staged[key] = opt_str_list(body, key)
    # The Go SDK sends every key, "" for unset strings: an empty authType or unit leaves the value as it is.
    if body.get("authType") not in (None, ""):
        staged["authType"] = one_of(body["authType"], "authType", tenants.AUTH_TYPES)
    if body.get("enforceSSO") is not None:
        staged["enforceSSO"] = opt_bool(body, "enforceSSO")
    for key in SETTINGS_INTS:
        if body.get(key) is not None:
            settings[key] = opt_int(body, key)
    for key in SETTINGS_UNITS:
        if body.get(key) not in (None, ""):
            settings[key] = one_of(body[key], key, UNITS)
    for key in SETTINGS_BOOLS:
        if body.get(key) is not None:
            settings[key] = opt_bool(body, key)
    suite = body.get("ssoSetupSuiteSettings")
    if suite is not None:
        if not isinstance(suite, dict):
            raise invalid("ssoSetupSuiteSettings must be an object")
        settings["ssoSetupSuiteSettings"].update(copy.deepcopy(suite))
    if settings["sessionTokenExpiration"] and settings["sessionTokenExpirationUnit"] == "minutes" and settings["sessionTokenExpiration"] < 3:
        raise invalid("sessionTokenExpiration must be at least 3 minutes")
    tenant.update(staged)
    return {}


BOOLS = (
    "enabled",
    "lowercase",
    "uppercase",
    "number",
    "nonAlphanumeric",
    "expiration",
    "reuse",
    "lock",
    "tempLock",
    "enablePasswordStrength",
    "anyLetter",
    "disallowEmailMatch",
)
INTS = {
    "minLength": (1, 64),
    "expirationWeeks": (0, 999),
    "reuseAmount": (0, 50),
    "lockAttempts": (0, 100),
    "tempLockAttempts": (0, 100),
    "tempLockDuration": (0, 100000),
    "passwordStrengthScore": (0, 4),
}
STRINGS = ("disallowedCharacters",)


def default_password_settings():
    return {
        "enabled": True,
        "minLength": 8,
        "lowercase": False,
        "uppercase": False,
        "number": False,
        "nonAlphanumeric": False,
        "expiration": False,
        "expirationWeeks": 20,
        "reuse": False,
        "reuseAmount": 10,
        "lock": False,
        "lockAttempts": 5,
        "tempLock": False,
        "tempLockAttempts": 3,
        "tempLockDuration": 5,
        "enablePasswordStrength": False,
        "passwordStrengthScore": 0,
        "anyLetter": False,
        "disallowedCharacters": "",
        "disallowEmailMatch": False,
    }


def _tenant(store, project, tenant_id):
    if tenant_id and tenant_id not in project["tenants"]:
        raise errors.not_found(store.config, errors.TENANT_NOT_FOUND, "Tenant", tenant_id)
    return tenant_id


def load(store, project, query):
    tenant_id = _tenant(store, project, query.get("tenantId", ""))
    policies = project["passwordSettings"]
    return copy.deepcopy(policies.get(tenant_id) or policies[""])


def configure(store, project, body):
    tenant_id = _tenant(store, project, opt_str(body, "tenantId"))
    policies = project["passwordSettings"]
    staged = copy.deepcopy(policies.get(tenant_id) or policies[""])
    if _resets(store):
        staged = default_password_settings()
    for key, value in body.items():
        if key == "tenantId" or value is None:
            continue
        if key in BOOLS:
            if not isinstance(value, bool):
                raise invalid("%s must be a boolean" % key)
        elif key in INTS:
            low, high = INTS[key]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise invalid("%s must be an integer from %d to %d" % (key, low, high))
        elif key in STRINGS:
            if not isinstance(value, str):
                raise invalid("%s must be a string" % key)
        else:
            continue  # unknown keys: refused in strict mode only (schemas.py), ignored otherwise
        staged[key] = value
    policies[tenant_id] = staged
    return {}


def seed_into(project, raw):
    """Seed ``passwordSettings``: {"": {...project policy}, "<tenantId>": {...}} (keys as the API)."""
    project["passwordSettings"] = {"": default_password_settings()}
    for tenant_id, policy in (raw or {}).items():
        if not isinstance(policy, dict):
            raise invalid("seed passwordSettings values must be objects")
        merged = default_password_settings()
        merged.update(copy.deepcopy(policy))
        project["passwordSettings"][tenant_id] = merged
