# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant session settings and password policy: fields, argument specs, defaults (FOR INTERNAL COLLECTION USE ONLY).

Endpoints (OAS ``ConfigureTenantSettingsRequest`` / ``GetTenantSettingsResponse``; python SDK 2.16
``management/tenant.py`` ``update_settings``/``load_settings``; ``management/password.py``
``get_settings``/``configure_settings``; go-sdk ``descope/types.go`` ``PasswordSettings``):

* ``GET /v1/mgmt/tenant/settings?id=<tenant>`` and ``POST /v1/mgmt/tenant/settings`` (body key ``tenantId``);
* ``GET /v1/mgmt/password/settings?tenantId=<tenant>`` and ``POST /v1/mgmt/password/settings``.
"""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._options import with_connection

Record = dict[str, t.Any]

PATH_SESSION = "/v1/mgmt/tenant/settings"
PATH_PASSWORD = "/v1/mgmt/password/settings"

UNITS = ("minutes", "hours", "days", "weeks")

# (option, API key, kind); a duration's unit is its own option (``<option>_unit``, API ``<key>Unit``).
SESSION_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("enabled", "enabled", "bool"),
    ("session_token_expiration", "sessionTokenExpiration", "duration"),
    ("refresh_token_expiration", "refreshTokenExpiration", "duration"),
    ("stepup_token_expiration", "stepupTokenExpiration", "duration"),
    ("enable_inactivity", "enableInactivity", "bool"),
    ("inactivity_time", "inactivityTime", "duration"),
    ("jit_disabled", "JITDisabled", "bool"),
)
DURATIONS = tuple(f[0] for f in SESSION_FIELDS if f[2] == "duration")

PASSWORD_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("enabled", "enabled", "bool"),
    ("min_length", "minLength", "int"),
    ("lowercase", "lowercase", "bool"),
    ("uppercase", "uppercase", "bool"),
    ("number", "number", "bool"),
    ("non_alphanumeric", "nonAlphanumeric", "bool"),
    ("expiration", "expiration", "bool"),
    ("expiration_weeks", "expirationWeeks", "int"),
    ("reuse", "reuse", "bool"),
    ("reuse_amount", "reuseAmount", "int"),
    ("lock", "lock", "bool"),
    ("lock_attempts", "lockAttempts", "int"),
    ("temp_lock", "tempLock", "bool"),
    ("temp_lock_attempts", "tempLockAttempts", "int"),
    ("temp_lock_duration", "tempLockDuration", "int"),
    ("enable_password_strength", "enablePasswordStrength", "bool"),
    ("password_strength_score", "passwordStrengthScore", "int"),
    ("any_letter", "anyLetter", "bool"),
    ("disallowed_characters", "disallowedCharacters", "str"),
    ("disallow_email_match", "disallowEmailMatch", "bool"),
)
# Documented ranges the module checks before any request (minLength: Descope console "Password" settings
# allow 1..64; the strength score is zxcvbn's 0..4). Other counts only need to be >= 0.
PASSWORD_RANGES = {"min_length": (1, 64), "password_strength_score": (0, 4)}

# What ``authoritative: true`` resets an undeclared field to. ``enabled: false`` = the tenant follows the
# project's session settings (docs.descope.com/customize/tenant: the tenant-level configuration takes precedence
# only once enabled, "Custom" in the console). No public source states the other defaults: the values are those
# the emulator models for a new tenant (tests/emulator/tenants.py default_settings, settings.py
# default_password_settings: go-sdk PasswordSettings zero values, minLength 8), and the module docs say so.
SESSION_DEFAULTS: Record = {
    "enabled": False,
    "session_token_expiration": 10,
    "session_token_expiration_unit": "minutes",
    "refresh_token_expiration": 4,
    "refresh_token_expiration_unit": "weeks",
    "stepup_token_expiration": 10,
    "stepup_token_expiration_unit": "minutes",
    "enable_inactivity": False,
    "inactivity_time": 12,
    "inactivity_time_unit": "hours",
    "jit_disabled": False,
}
PASSWORD_DEFAULTS: Record = {
    "enabled": True,
    "min_length": 8,
    "lowercase": False,
    "uppercase": False,
    "number": False,
    "non_alphanumeric": False,
    "expiration": False,
    "expiration_weeks": 0,
    "reuse": False,
    "reuse_amount": 0,
    "lock": False,
    "lock_attempts": 0,
    "temp_lock": False,
    "temp_lock_attempts": 0,
    "temp_lock_duration": 0,
    "enable_password_strength": False,
    "password_strength_score": 0,
    "any_letter": False,
    "disallowed_characters": "",
    "disallow_email_match": False,
}

_TYPE = {"bool": "bool", "int": "int", "str": "str", "duration": "int"}


def _session_options() -> dict[str, dict[str, t.Any]]:
    options: dict[str, dict[str, t.Any]] = {}
    for name, _api, kind in SESSION_FIELDS:
        options[name] = {"type": _TYPE[kind], "no_log": False}  # "token" in the name is a duration, not a secret
        if kind == "duration":
            options[f"{name}_unit"] = {"type": "str", "choices": list(UNITS)}
    return options


SESSION_OPTIONS = _session_options()
PASSWORD_OPTIONS: dict[str, dict[str, t.Any]] = {
    name: {"type": _TYPE[kind], "no_log": False} for name, _api, kind in PASSWORD_FIELDS
}  # policy values, not passwords
SESSION_KEYS = tuple(SESSION_OPTIONS)
PASSWORD_KEYS = tuple(PASSWORD_OPTIONS)

ITEM_OPTIONS: dict[str, dict[str, t.Any]] = {
    "tenant_id": {"type": "str"},
    "session": {"type": "dict", "options": SESSION_OPTIONS},
    "password_policy": {"type": "dict", "options": PASSWORD_OPTIONS, "no_log": False},
}

ARGUMENT_SPEC = with_connection(
    {
        **ITEM_OPTIONS,
        "tenants": {"type": "list", "elements": "dict", "options": {**ITEM_OPTIONS, "tenant_id": {"type": "str", "required": True}}},
        "authoritative": {"type": "bool", "default": False},
        "pending_tenants": {"type": "list", "elements": "str", "default": []},
        "concurrency": {"type": "int", "default": 4},
    }
)
MODULE_KWARGS: Record = {
    "supports_check_mode": True,
    "mutually_exclusive": [("tenants", "tenant_id"), ("tenants", "session"), ("tenants", "password_policy")],
    "required_one_of": [("tenant_id", "tenants")],
}

INFO_ARGUMENT_SPEC = with_connection({"tenant_ids": {"type": "list", "elements": "str"}})
INFO_MODULE_KWARGS: Record = {"supports_check_mode": True}


def session_view(answer: Record) -> Record:
    """Every session field of a ``GET /v1/mgmt/tenant/settings`` answer in the module's names (absent = default)."""
    view: Record = {}
    for name, api, kind in SESSION_FIELDS:
        raw = answer.get(api)
        if kind == "bool":
            view[name] = bool(raw) if raw is not None else SESSION_DEFAULTS[name]
        else:
            view[name] = int(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else SESSION_DEFAULTS[name]
            unit = answer.get(f"{api}Unit")
            view[f"{name}_unit"] = unit if unit in UNITS else SESSION_DEFAULTS[f"{name}_unit"]
    return view


def password_view(answer: Record) -> Record:
    view: Record = {}
    for name, api, kind in PASSWORD_FIELDS:
        raw = answer.get(api)
        if raw is None:
            view[name] = PASSWORD_DEFAULTS[name]
        elif kind == "bool":
            view[name] = bool(raw)
        elif kind == "int":
            view[name] = int(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else PASSWORD_DEFAULTS[name]
        else:
            view[name] = str(raw)
    return view


def session_body(tenant_id: str, answer: Record, fields: Record) -> Record:
    """The whole session record with the declared fields merged in.

    Whether the server treats an absent key as "keep" or "reset" has no public source (the python SDK drops
    ``None`` keys, the Go SDK sends every key), so the body always carries every current value: correct
    under both readings. ``selfProvisioningDomains`` is mandatory in the python SDK, so it is always sent.
    """
    merged = {**session_view(answer), **fields}
    body: Record = {"tenantId": tenant_id, "selfProvisioningDomains": list(answer.get("selfProvisioningDomains") or [])}
    if answer.get("domains") is not None:
        body["domains"] = list(answer.get("domains") or [])
    if answer.get("authType"):
        body["authType"] = answer["authType"]
    for name, api, kind in SESSION_FIELDS:
        body[api] = merged[name]
        if kind == "duration":
            body[f"{api}Unit"] = merged[f"{name}_unit"]
    return body


def password_body(tenant_id: str, answer: Record, fields: Record) -> Record:
    merged = {**password_view(answer), **fields}
    body: Record = {"tenantId": tenant_id}
    for name, api, _kind in PASSWORD_FIELDS:
        body[api] = merged[name]
    return body
