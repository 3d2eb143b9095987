"""Password policy settings, per project ("" tenant id) and per tenant.

Shape: OAS ``PasswordSettings`` / go-sdk ``descope/types.go PasswordSettings`` (enabled, minLength,
lowercase, uppercase, number, nonAlphanumeric, expiration, expirationWeeks, reuse, reuseAmount, lock,
lockAttempts) plus the newer fields the review lists from the OAS (tempLock…, password strength,
anyLetter, disallowedCharacters, disallowEmailMatch). python SDK 2.16 management/password.py:
``GET /v1/mgmt/password/settings?tenantId=`` and ``POST`` with ``{"tenantId", **settings}``.
UNCERTAIN: a POST overrides only the keys it carries; a tenant without its own policy reads the
project's; ranges (minLength 1..64, score 0..4) are the emulator's.
"""

import copy

from . import errors
from .errors import invalid
from .validate import opt_str

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
    "expirationWeeks": (0, 520),
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
        "expirationWeeks": 0,
        "reuse": False,
        "reuseAmount": 0,
        "lock": False,
        "lockAttempts": 0,
        "tempLock": False,
        "tempLockAttempts": 0,
        "tempLockDuration": 0,
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
