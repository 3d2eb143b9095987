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

UNITS = ("minutes", "hours", "days", "weeks")  # python SDK management/common.py SessionExpirationUnit
MINUTES = {"minutes": 1, "hours": 60, "days": 1440, "weeks": 10080}

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

# Published bounds, checked before any request. Terraform provider (descope/terraform-provider-descope
# c028366): internal/models/project/authentication/password.go (int64validator.Between, temporary_lock_duration
# 1 minute..24 hours, sent in minutes by durationattr.GetMinutes); the strength score is the index of
# enforce_strength's levels (very_weak 0 .. very_strong 4) in the same file.
PASSWORD_RANGES: dict[str, tuple[int, int]] = {
    "min_length": (4, 64),
    "expiration_weeks": (1, 999),
    "reuse_amount": (1, 50),
    "lock_attempts": (2, 10),
    "temp_lock_attempts": (1, 10),
    "temp_lock_duration": (1, 1440),
    "password_strength_score": (0, 4),
}
# Terraform provider internal/models/project/settings/settings.go (durationattr.MinimumValue) and
# internal/models/attrs/durationattr/duration.go (the number of a duration is 0..1000).
DURATION_MIN_MINUTES = {
    "session_token_expiration": 3,
    "refresh_token_expiration": 3,
    "stepup_token_expiration": 3,
    "inactivity_time": 10,
}
DURATION_MAX_NUMBER = 1000

# What ``authoritative: true`` resets an undeclared field to: only values a public source gives. No source
# publishes tenant-level defaults; these are Descope's project defaults as the official Terraform provider
# declares them (c028366: project/settings/settings.go for sessions; project/authentication/password.go:
# disabled=false, temporary_lock=false, temporary_lock_attempts=3, temporary_lock_duration="5 minutes",
# enforce_strength="none" which sends enablePasswordStrength=false and passwordStrengthScore=0).
# ``enabled: false`` = the tenant follows the project's session settings (docs.descope.com/customize/tenant).
# A field missing here has no published default: resetting it is refused and the task must declare it.
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
    "inactivity_time_unit": "minutes",
}
# Check mode only, a tenant an earlier task creates: what its settings answer is assumed to be until it exists
# (the published defaults above, JIT provisioning on). A real run always reads the created tenant instead.
NEW_TENANT_SESSION: Record = {
    "enabled": False,
    "sessionTokenExpiration": 10,
    "sessionTokenExpirationUnit": "minutes",
    "refreshTokenExpiration": 4,
    "refreshTokenExpirationUnit": "weeks",
    "stepupTokenExpiration": 10,
    "stepupTokenExpirationUnit": "minutes",
    "enableInactivity": False,
    "inactivityTime": 12,
    "inactivityTimeUnit": "minutes",
    "JITDisabled": False,
}
PASSWORD_DEFAULTS: Record = {
    "enabled": True,
    "temp_lock": False,
    "temp_lock_attempts": 3,
    "temp_lock_duration": 5,
    "enable_password_strength": False,
    "password_strength_score": 0,
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
        "tenants": {
            "type": "list",
            "elements": "dict",
            "options": {**ITEM_OPTIONS, "tenant_id": {"type": "str", "required": True}},
        },
        "authoritative": {"type": "bool", "default": False},
        "allow_empty_reset": {"type": "bool", "default": False},
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


def _duration(value: t.Any, unit: t.Any) -> tuple[t.Any, t.Any]:
    """A duration as answered, in a unit the module models when that is exact: seconds become minutes only
    when they are whole minutes; anything else is kept as answered (never read in another unit)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if unit == "seconds" and isinstance(value, int) and not isinstance(value, bool) and value % 60 == 0:
        return value // 60, "minutes"
    return value, unit


def unmodelled(view: Record) -> list[str]:
    """The durations of a session view the module cannot express (an unknown unit, a non-integer value)."""
    bad = []
    for name in DURATIONS:
        value, unit = view.get(name), view.get(f"{name}_unit")
        if value is None and unit is None:
            continue
        if unit not in UNITS or isinstance(value, bool) or not isinstance(value, int):
            bad.append(name)
    return bad


def session_answer(answer: t.Any) -> Record:
    """A ``GET /v1/mgmt/tenant/settings`` answer with the session switch under ``enabled``.

    go-sdk, the OpenAPI and python-sdk's own docstring name it ``enabled``; a python-sdk test mock answers
    ``sessionSettingsEnabled``. Read either (``enabled`` wins when both are there); writes send ``enabled``, as
    both SDKs do.
    """
    out = dict(answer) if isinstance(answer, dict) else {}
    if out.get("enabled") is None and isinstance(out.get("sessionSettingsEnabled"), bool):
        out["enabled"] = out["sessionSettingsEnabled"]
    out.pop("sessionSettingsEnabled", None)
    return out


def session_view(answer: Record) -> Record:
    """The session fields of a ``GET /v1/mgmt/tenant/settings`` answer in the module's names (absent = None)."""
    view: Record = {}
    for name, api, kind in SESSION_FIELDS:
        raw = answer.get(api)
        if kind == "duration":
            view[name], view[f"{name}_unit"] = _duration(raw, answer.get(f"{api}Unit"))
        else:
            view[name] = raw
    return view


def password_view(answer: Record) -> Record:
    """The policy fields of a ``GET /v1/mgmt/password/settings`` answer in the module's names (absent = None)."""
    return {name: answer.get(api) for name, api, _kind in PASSWORD_FIELDS}


def session_body(tenant_id: str, answer: Record, fields: Record) -> Record:
    """The session record as read with the declared fields merged in.

    Whether the server treats an absent key as "keep" or "reset" has no public source (the python SDK drops
    ``None`` keys; the Go SDK says every argument overrides what is set), so the body carries every value the
    answer holds, as answered (``ssoSetupSuiteSettings`` too, which the module does not manage), and never a
    value the answer does not hold: correct under both readings. ``selfProvisioningDomains`` is mandatory in
    the python SDK, so it is always sent.
    """
    body: Record = {"tenantId": tenant_id, "selfProvisioningDomains": list(answer.get("selfProvisioningDomains") or [])}
    if answer.get("domains") is not None:
        body["domains"] = list(answer.get("domains") or [])
    if answer.get("authType"):
        body["authType"] = answer["authType"]
    for name, api, kind in SESSION_FIELDS:
        keys = ((name, api), (f"{name}_unit", f"{api}Unit")) if kind == "duration" else ((name, api),)
        declared = any(fields.get(option) is not None for option, _api in keys)
        for option, key in keys:
            if declared:
                body[key] = fields[option]
            elif answer.get(key) is not None:
                body[key] = answer[key]
    if isinstance(answer.get("ssoSetupSuiteSettings"), dict):
        body["ssoSetupSuiteSettings"] = answer["ssoSetupSuiteSettings"]
    return body


def password_body(tenant_id: str, answer: Record, fields: Record) -> Record:
    """The policy as read with the declared fields merged in (every key the answer holds, as for sessions)."""
    body: Record = {"tenantId": tenant_id}
    for name, api, _kind in PASSWORD_FIELDS:
        if fields.get(name) is not None:
            body[api] = fields[name]
        elif answer.get(api) is not None:
            body[api] = answer[api]
    return body
