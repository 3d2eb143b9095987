# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant settings spec: request bodies pinned by hand, planning and validation in process against the emulator."""

from __future__ import annotations

import typing as t

import pytest
from harness import run_spec

from ansible_collections.descope.mgmt.plugins.module_utils import _tenant_settings
from ansible_collections.descope.mgmt.plugins.module_utils._tenant_settings._fields import password_body, session_body, session_view

# A GET /v1/mgmt/tenant/settings answer as the API shapes it (GetTenantSettingsResponse)
SUITE = {"enabled": True, "styleId": "brand", "disabledFeatures": {"saml": False, "oidc": True, "scim": False, "ssoDomains": False, "groupMapping": True}}
ANSWER = {
    "domains": ["sso.acme.com"],
    "selfProvisioningDomains": ["acme.com"],
    "authType": "saml",
    "enabled": True,
    "sessionTokenExpiration": 20,
    "sessionTokenExpirationUnit": "minutes",
    "refreshTokenExpiration": 2,
    "refreshTokenExpirationUnit": "weeks",
    "stepupTokenExpiration": 5,
    "stepupTokenExpirationUnit": "minutes",
    "enableInactivity": False,
    "inactivityTime": 1,
    "inactivityTimeUnit": "hours",
    "JITDisabled": True,
    "ssoSetupSuiteSettings": SUITE,
}
# every field without a published default, as an authoritative task must declare them
UNSOURCED_PASSWORD = {
    "min_length": 12,
    "lowercase": True,
    "uppercase": True,
    "number": True,
    "non_alphanumeric": False,
    "expiration": False,
    "expiration_weeks": 20,
    "reuse": False,
    "reuse_amount": 10,
    "lock": True,
    "lock_attempts": 5,
    "any_letter": False,
    "disallowed_characters": "",
    "disallow_email_match": False,
}


def test_session_body_carries_every_current_value_and_the_declared_ones() -> None:
    body = session_body("acme", ANSWER, {"inactivity_time": 30, "inactivity_time_unit": "minutes", "enable_inactivity": True})
    assert body == {
        "tenantId": "acme",
        "selfProvisioningDomains": ["acme.com"],
        "domains": ["sso.acme.com"],
        "authType": "saml",
        "enabled": True,
        "sessionTokenExpiration": 20,
        "sessionTokenExpirationUnit": "minutes",
        "refreshTokenExpiration": 2,
        "refreshTokenExpirationUnit": "weeks",
        "stepupTokenExpiration": 5,
        "stepupTokenExpirationUnit": "minutes",
        "enableInactivity": True,
        "inactivityTime": 30,
        "inactivityTimeUnit": "minutes",
        "JITDisabled": True,
        "ssoSetupSuiteSettings": SUITE,
    }


def test_session_body_invents_no_value_the_answer_lacks() -> None:
    body = session_body("acme", {"selfProvisioningDomains": []}, {"enabled": True})
    assert body == {"tenantId": "acme", "selfProvisioningDomains": [], "enabled": True}


def test_session_view_converts_seconds_exactly_or_keeps_them_as_answered() -> None:
    view = session_view({"inactivityTime": 600, "inactivityTimeUnit": "seconds", "sessionTokenExpiration": 90, "sessionTokenExpirationUnit": "seconds"})
    assert (view["inactivity_time"], view["inactivity_time_unit"]) == (10, "minutes")
    assert (view["session_token_expiration"], view["session_token_expiration_unit"]) == (90, "seconds")
    garbage = session_view({"sessionTokenExpiration": 7, "sessionTokenExpirationUnit": "fortnights"})
    assert (garbage["session_token_expiration"], garbage["session_token_expiration_unit"]) == (7, "fortnights")
    assert garbage["refresh_token_expiration"] is None and garbage["enabled"] is None  # absent: not invented


def test_password_body_sends_what_the_answer_holds_and_the_declared_fields() -> None:
    body = password_body("acme", {"minLength": 10, "lock": True, "lockAttempts": 3}, {"uppercase": True})
    assert body == {"tenantId": "acme", "minLength": 10, "lock": True, "lockAttempts": 3, "uppercase": True}


def run(emulator: t.Any, params: dict[str, t.Any], check: bool = False) -> dict[str, t.Any]:
    return run_spec(_tenant_settings.SPEC, params, check, True, emulator.env)


def both(emulator: t.Any, params: dict[str, t.Any]) -> tuple[dict[str, t.Any], dict[str, t.Any]]:
    """Check mode, then the real run; neither may write when the check run refused."""
    check = run(emulator, params, check=True)
    assert emulator.writes() == []
    return check, run(emulator, params)


def fields_of(result: dict[str, t.Any]) -> list[tuple[t.Any, str]]:
    return sorted((p.get("index"), p["field"]) for p in result.get("validation_errors") or [])


def test_every_problem_at_once_and_no_write(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    emulator.clear_log()
    result = run(
        emulator,
        {
            "tenants": [
                {"tenant_id": "acme", "session": {"refresh_token_expiration": 0, "refresh_token_expiration_unit": "days"}},
                {"tenant_id": "nope", "password_policy": {"reuse_amount": -1}},
                {"tenant_id": "acme", "password_policy": {"min_length": 65}},
            ]
        },
    )
    assert result["failed"] is True
    assert fields_of(result) == [
        (0, "session.refresh_token_expiration"),
        (1, "password_policy.reuse_amount"),
        (1, "tenant_id"),
        (2, "password_policy.min_length"),
        (2, "tenant_id"),
    ]
    assert emulator.writes() == []


@pytest.mark.parametrize("section", ["session", "password_policy"])
@pytest.mark.parametrize("set_mode", [False, True])
def test_an_empty_section_with_authoritative_is_refused_with_no_write(emulator: t.Any, section: str, set_mode: bool) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}], passwordSettings={"acme": {"minLength": 14, "lock": True}})
    before = emulator.state()["passwordSettings"]["acme"]
    item = {"tenant_id": "acme", section: {}}
    params = {"tenants": [item], "authoritative": True} if set_mode else {**item, "authoritative": True}
    emulator.clear_log()
    check, real = both(emulator, params)
    for result in (check, real):
        assert result["failed"] is True
        [problem] = result["validation_errors"]  # one clear problem, not one per field it would reset
        assert problem["field"] == section and "empty" in problem["message"] and "allow_empty_reset" in problem["fix"]
    assert check["validation_errors"] == real["validation_errors"]
    assert emulator.writes() == [] and emulator.state()["passwordSettings"]["acme"] == before


def test_allow_empty_reset_still_resets_only_sourced_fields(emulator: t.Any) -> None:
    """Saying so lifts the empty-section guard, but a field with no published default is still not reset."""
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}], passwordSettings={"acme": {"minLength": 14}})
    emulator.clear_log()
    check, real = both(emulator, {"tenant_id": "acme", "password_policy": {}, "authoritative": True, "allow_empty_reset": True})
    assert check["validation_errors"] == real["validation_errors"]
    [problem] = real["validation_errors"]
    assert problem["field"] == "password_policy" and all(k in problem["message"] for k in UNSOURCED_PASSWORD)
    assert "min_length: 14, lowercase: false" in problem["fix"]
    assert emulator.writes() == [] and emulator.state()["passwordSettings"]["acme"]["minLength"] == 14


def test_an_empty_section_without_authoritative_changes_nothing(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    emulator.clear_log()
    check, real = both(emulator, {"tenant_id": "acme", "password_policy": {}, "session": {}})
    assert check["changed"] is False and real["changed"] is False and emulator.writes() == []


def test_authoritative_resets_use_published_defaults_only(emulator: t.Any) -> None:
    settings = {"inactivityTime": 3, "inactivityTimeUnit": "hours", "enableInactivity": True, "JITDisabled": True}
    policy = {"tempLock": True, "tempLockAttempts": 7, "tempLockDuration": 60, "enablePasswordStrength": True, "passwordStrengthScore": 4}
    emulator.seed(tenants=[{"id": "acme", "name": "Acme", "settings": settings}], passwordSettings={"acme": policy})
    params = {
        "tenant_id": "acme",
        "authoritative": True,
        "session": {"jit_disabled": True},
        "password_policy": dict(UNSOURCED_PASSWORD),
    }
    check, real = both(emulator, params)
    assert real["changed"] is True and check["tenant_settings"] == real["tenant_settings"]
    stored = emulator.api("GET", "/v1/mgmt/tenant/settings", params={"id": "acme"}).json()
    # Terraform provider project defaults: inactivity 12 minutes (not hours), off; session/step-up 10 minutes
    assert (stored["inactivityTime"], stored["inactivityTimeUnit"], stored["enableInactivity"]) == (12, "minutes", False)
    assert (stored["sessionTokenExpiration"], stored["refreshTokenExpiration"], stored["refreshTokenExpirationUnit"]) == (10, 4, "weeks")
    assert stored["JITDisabled"] is True
    stored_policy = emulator.state()["passwordSettings"]["acme"]
    assert (stored_policy["tempLock"], stored_policy["tempLockAttempts"], stored_policy["tempLockDuration"]) == (False, 3, 5)
    assert (stored_policy["enablePasswordStrength"], stored_policy["passwordStrengthScore"]) == (False, 0)
    assert run(emulator, params)["changed"] is False


def test_a_session_reset_refuses_jit_disabled_which_has_no_published_default(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme", "settings": {"JITDisabled": True}}])
    emulator.clear_log()
    check, real = both(emulator, {"tenant_id": "acme", "authoritative": True, "session": {"enabled": True}})
    assert check["validation_errors"] == real["validation_errors"]
    assert [p["field"] for p in real["validation_errors"]] == ["session"]
    assert "cannot reset jit_disabled" in real["validation_errors"][0]["message"]
    assert "Declare session.{jit_disabled: true}" in real["validation_errors"][0]["fix"]
    assert emulator.writes() == []


@pytest.mark.parametrize(
    ("section", "fields"),
    [
        ("password_policy", {"min_length": True}),
        ("password_policy", {"lock_attempts": False}),
        ("session", {"inactivity_time": True, "inactivity_time_unit": "minutes"}),
    ],
)
def test_a_boolean_where_a_number_belongs_is_refused_not_sent(emulator: t.Any, section: str, fields: dict[str, t.Any]) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    emulator.clear_log()
    check, real = both(emulator, {"tenant_id": "acme", section: fields})
    name = next(iter(fields))
    for result in (check, real):
        assert [p["field"] for p in result["validation_errors"]] == [f"{section}.{name}"]
        assert "whole number" in result["validation_errors"][0]["message"]
    assert emulator.writes() == []


BOUNDS = [
    ("password_policy", "min_length", 3, 4),
    ("password_policy", "min_length", 65, 64),
    ("password_policy", "lock_attempts", 1, 2),
    ("password_policy", "lock_attempts", 11, 10),
    ("password_policy", "temp_lock_attempts", 0, 1),
    ("password_policy", "temp_lock_attempts", 11, 10),
    ("password_policy", "temp_lock_duration", 0, 1),
    ("password_policy", "temp_lock_duration", 1441, 1440),
    ("password_policy", "expiration_weeks", 0, 1),
    ("password_policy", "expiration_weeks", 1000, 999),
    ("password_policy", "reuse_amount", 0, 1),
    ("password_policy", "reuse_amount", 51, 50),
    ("password_policy", "password_strength_score", 5, 4),
]


@pytest.mark.parametrize(("section", "name", "bad", "good"), BOUNDS)
def test_published_password_bounds(emulator: t.Any, section: str, name: str, bad: int, good: int) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    emulator.clear_log()
    check, real = both(emulator, {"tenant_id": "acme", section: {name: bad}})
    for result in (check, real):
        assert [p["field"] for p in result["validation_errors"]] == [f"{section}.{name}"]
    assert emulator.writes() == []
    assert run(emulator, {"tenant_id": "acme", section: {name: good}}).get("failed") is not True


DURATION_BOUNDS = [
    ("session_token_expiration", (2, "minutes"), (3, "minutes")),
    ("refresh_token_expiration", (2, "minutes"), (3, "minutes")),
    ("stepup_token_expiration", (2, "minutes"), (3, "minutes")),
    ("inactivity_time", (9, "minutes"), (10, "minutes")),
    ("inactivity_time", (1001, "minutes"), (1000, "minutes")),
]


@pytest.mark.parametrize(("name", "bad", "good"), DURATION_BOUNDS)
def test_published_duration_bounds(emulator: t.Any, name: str, bad: tuple[int, str], good: tuple[int, str]) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    emulator.clear_log()
    check, real = both(emulator, {"tenant_id": "acme", "session": {name: bad[0], f"{name}_unit": bad[1]}})
    assert check["validation_errors"] == real["validation_errors"]
    bound = [p for p in real["validation_errors"] if p["field"] == f"session.{name}"]
    assert len(bound) == 1 and "must be" in bound[0]["message"]  # a 2-minute refresh token is also shorter than the session
    assert emulator.writes() == []
    shorter = {"session_token_expiration": 3, "session_token_expiration_unit": "minutes"} if name.startswith("refresh") else {}
    assert run(emulator, {"tenant_id": "acme", "session": {name: good[0], f"{name}_unit": good[1], **shorter}}).get("failed") is not True


def test_too_large_a_number_suggests_the_same_duration_in_a_larger_unit(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    result = run(emulator, {"tenant_id": "acme", "session": {"inactivity_time": 1440, "inactivity_time_unit": "minutes"}})
    assert "(1 days)" in result["validation_errors"][0]["fix"]


def test_a_value_descope_already_holds_is_not_refused(emulator: t.Any) -> None:
    """An export of a tenant whose counters lie outside the published bounds adopts with no problem and no write."""
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}], passwordSettings={"acme": {"lockAttempts": 0, "minLength": 2}})
    emulator.clear_log()
    result = run(emulator, {"tenant_id": "acme", "password_policy": {"lock_attempts": 0, "min_length": 2}})
    assert result["changed"] is False and emulator.writes() == []
    changed = run(emulator, {"tenant_id": "acme", "password_policy": {"lock_attempts": 1, "min_length": 2}})
    assert [p["field"] for p in changed["validation_errors"]] == ["password_policy.lock_attempts"]


@pytest.mark.parametrize("status", [404, 400])
def test_existence_does_not_depend_on_the_not_found_status(emulator: t.Any, status: int) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    emulator.config(notFoundStatus=status)
    emulator.clear_log()
    params = {"tenants": [{"tenant_id": "nope", "session": {"enabled": True}}, {"tenant_id": "acme", "password_policy": {"min_length": 9}}]}
    check, real = both(emulator, params)
    for result in (check, real):
        assert fields_of(result) == [(0, "tenant_id")] and "does not exist" in result["validation_errors"][0]["message"]
    assert emulator.writes() == []
    assert all("/tenant/settings" not in r["path"] and "tenantId=nope" not in str(r.get("query")) for r in emulator.requests())
    pending = run(emulator, {**params, "pending_tenants": ["nope"]}, check=True)
    assert pending["changed"] is True and emulator.writes() == []


def test_pending_tenant_is_planned_as_new_in_check_mode_only(emulator: t.Any) -> None:
    emulator.seed(tenants=[])
    params = {"tenant_id": "new", "session": {"enabled": True}, "password_policy": {"min_length": 9}, "pending_tenants": ["new"]}
    check = run(emulator, params, check=True)
    # a new tenant's session settings as assumed (NEW_TENANT_SESSION); its policy is the project's
    assert check["changed"] is True and check["tenant_settings"]["before"] == {"session": {"enabled": False}, "password_policy": {"min_length": 8}}
    real = run(emulator, params)
    assert real["failed"] is True and real["validation_errors"][0]["field"] == "tenant_id"
    assert emulator.writes() == []


@pytest.mark.parametrize("omitted", ["keep", "reset"])
def test_a_write_keeps_what_it_does_not_manage_under_both_readings(emulator: t.Any, omitted: str) -> None:
    """Whether a settings POST resets what it leaves out has no source: the module carries everything it read."""
    settings = {"ssoSetupSuiteSettings": SUITE, "JITDisabled": True, "stepupTokenExpiration": 7, "stepupTokenExpirationUnit": "minutes"}
    tenant = {"id": "acme", "name": "Acme", "selfProvisioningDomains": ["acme.com"], "domains": ["sso.acme.com"], "settings": settings}
    emulator.seed(tenants=[{**tenant, "enforceSSO": True, "federatedAppIds": ["app1"]}], passwordSettings={"acme": {"minLength": 14, "lock": True}})
    emulator.config(settingsOmitted=omitted)
    before = emulator.api("GET", "/v1/mgmt/tenant/settings", params={"id": "acme"}).json()
    params = {"tenant_id": "acme", "session": {"enabled": True}, "password_policy": {"uppercase": True}}
    check, real = both(emulator, params)
    assert real["changed"] is True and check["tenant_settings"] == real["tenant_settings"]
    after = emulator.api("GET", "/v1/mgmt/tenant/settings", params={"id": "acme"}).json()
    assert after == {**before, "enabled": True}
    stored = next(x for x in emulator.api("POST", "/v1/mgmt/tenant/search", json={"tenantIds": ["acme"]}).json()["tenants"])
    assert stored["enforceSSO"] is True and stored["federatedAppIds"] == ["app1"]
    policy = emulator.state()["passwordSettings"]["acme"]
    assert (policy["minLength"], policy["lock"], policy["uppercase"]) == (14, True, True)


def test_the_reset_reading_really_resets_what_a_post_leaves_out(emulator: t.Any) -> None:
    """The switch is live: a bare POST under "reset" clears the SSO Setup Suite settings (so the test above means something)."""
    emulator.seed(tenants=[{"id": "acme", "name": "Acme", "settings": {"ssoSetupSuiteSettings": SUITE}}])
    emulator.config(settingsOmitted="reset")
    emulator.api("POST", "/v1/mgmt/tenant/settings", json={"tenantId": "acme", "selfProvisioningDomains": [], "enabled": True})
    after = emulator.api("GET", "/v1/mgmt/tenant/settings", params={"id": "acme"}).json()
    assert after["ssoSetupSuiteSettings"]["enabled"] is False and after["ssoSetupSuiteSettings"]["styleId"] == ""


def test_seconds_are_compared_exactly_and_carried_as_answered(emulator: t.Any) -> None:
    settings = {"inactivityTime": 600, "inactivityTimeUnit": "seconds", "stepupTokenExpiration": 330, "stepupTokenExpirationUnit": "seconds"}
    emulator.seed(tenants=[{"id": "acme", "name": "Acme", "settings": settings}])
    emulator.clear_log()
    same = run(emulator, {"tenant_id": "acme", "session": {"inactivity_time": 10, "inactivity_time_unit": "minutes"}})
    assert same["changed"] is False and emulator.writes() == []  # 600 seconds are exactly 10 minutes
    check, real = both(emulator, {"tenant_id": "acme", "session": {"enabled": True}})
    assert check["tenant_settings"] == real["tenant_settings"]
    assert len(emulator.writes()) == 1
    stored = emulator.api("GET", "/v1/mgmt/tenant/settings", params={"id": "acme"}).json()
    assert (stored["stepupTokenExpiration"], stored["stepupTokenExpirationUnit"]) == (330, "seconds")  # never 330 minutes
    assert (stored["inactivityTime"], stored["inactivityTimeUnit"], stored["enabled"]) == (600, "seconds", True)
    shown = run(emulator, {"tenant_id": "acme", "session": {"stepup_token_expiration": 6, "stepup_token_expiration_unit": "minutes"}}, check=True)
    assert shown["tenant_settings"]["before"]["session"] == {"stepup_token_expiration": 330, "stepup_token_expiration_unit": "seconds"}


def test_capture_then_restore_puts_edited_settings_back(emulator: t.Any) -> None:
    from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
    from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import execute

    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    run(emulator, {"tenant_id": "acme", "session": {"inactivity_time": 45, "inactivity_time_unit": "minutes"}, "password_policy": {"min_length": 14}})
    ctx = TaskContext(module="descope_backup", params={}, check_mode=False, diff=False, environ=emulator.env, warn=lambda _m: None)
    captured = _tenant_settings.capture(ctx.client())
    assert [x["tenant_id"] for x in captured["tenant_settings"]] == ["acme"]
    emulator.api("POST", "/v1/mgmt/password/settings", json={"tenantId": "acme", "minLength": 6, "uppercase": True})  # a console edit
    changes = _tenant_settings.plan_restore(ctx, captured)
    assert [(c.target_id, c.action) for c in changes] == [("acme", "update")]
    assert changes[0].before is not None and changes[0].before["password_policy"]["min_length"] == 6
    execute(changes, ctx.client(), check_mode=False)
    policy = emulator.state()["passwordSettings"]["acme"]
    assert policy["minLength"] == 14 and policy["uppercase"] is False


def test_requests_for_a_no_op_and_for_k_changes(emulator: t.Any) -> None:
    """Figures in docs/performance.md: one tenant search per task, per tenant one read per declared section and
    one write per changed section."""
    emulator.seed(tenants=[{"id": f"t{i}", "name": f"T{i}"} for i in range(5)])
    items = [
        {"tenant_id": f"t{i}", "session": {"inactivity_time": 30, "inactivity_time_unit": "minutes"}, "password_policy": {"min_length": 10}} for i in range(5)
    ]
    assert run(emulator, {"tenants": items})["changed"] is True
    emulator.clear_log()
    assert run(emulator, {"tenants": items})["changed"] is False
    log = emulator.requests()
    assert (sum(1 for r in log if not r["write"]), sum(1 for r in log if r["write"])) == (11, 0)
    items[1]["password_policy"]["min_length"] = 11
    items[3]["session"]["inactivity_time"] = 31
    emulator.clear_log()
    assert run(emulator, {"tenants": items})["changed"] is True
    log = emulator.requests()
    assert (sum(1 for r in log if not r["write"]), sum(1 for r in log if r["write"])) == (11, 2)


def info(emulator: t.Any, params: dict[str, t.Any]) -> dict[str, t.Any]:
    return run_spec(_tenant_settings.INFO_SPEC, params, False, False, emulator.env)


@pytest.mark.parametrize("status", [404, 400])
def test_info_finds_missing_tenants_whatever_the_not_found_status(emulator: t.Any, status: int) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    emulator.config(notFoundStatus=status)
    result = info(emulator, {"tenant_ids": ["acme", "ghost"]})
    assert not result.get("failed"), result
    assert [x["tenant_id"] for x in result["tenant_settings"]] == ["acme"] and result["missing_ids"] == ["ghost"]


def test_info_refuses_a_duration_it_cannot_express_and_exports_whole_minutes(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme", "settings": {"inactivityTime": 600, "inactivityTimeUnit": "seconds"}}])
    exported = info(emulator, {"tenant_ids": ["acme"]})["tenant_settings"][0]["session"]
    assert (exported["inactivity_time"], exported["inactivity_time_unit"]) == (10, "minutes")
    emulator.seed(tenants=[{"id": "acme", "name": "Acme", "settings": {"inactivityTime": 90, "inactivityTimeUnit": "seconds"}}])
    refused = info(emulator, {"tenant_ids": ["acme"]})
    assert refused["failed"] is True and refused["validation_errors"][0]["field"] == "session.inactivity_time"
    assert "90" in refused["validation_errors"][0]["message"] and "seconds" in refused["validation_errors"][0]["message"]


def test_an_export_adopts_with_no_write(emulator: t.Any) -> None:
    """The default tenant's values (inside the published bounds) round-trip: export -> module -> no change."""
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}, {"id": "globex", "name": "Globex"}])
    items = info(emulator, {})["tenant_settings"]
    emulator.clear_log()
    for authoritative in (False, True):
        result = run(emulator, {"tenants": items, "authoritative": authoritative})
        assert result["changed"] is False and not result.get("failed"), result
    assert emulator.writes() == []


def test_existence_of_many_tenants_is_read_in_bounded_searches(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": f"t{i:03}", "name": f"T{i}"} for i in range(150)])
    emulator.clear_log()
    items = [{"tenant_id": f"t{i:03}", "password_policy": {"min_length": 8}} for i in range(150)] + [
        {"tenant_id": "ghost", "password_policy": {"min_length": 8}}
    ]
    result = run(emulator, {"tenants": items})
    assert fields_of(result) == [(150, "tenant_id")]
    searches = [r for r in emulator.requests() if r["path"] == "/v1/mgmt/tenant/search"]
    assert len(searches) == 2 and emulator.writes() == []


@pytest.mark.parametrize("key", ["enabled", "sessionSettingsEnabled", "both"])
def test_the_session_switch_is_read_whichever_key_the_answer_uses(emulator: t.Any, key: str) -> None:
    # go-sdk, OAS and python-sdk's docstring answer "enabled"; a python-sdk test mock "sessionSettingsEnabled"
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    emulator.config(settingsEnabledKey=key)
    emulator.clear_log()
    params = {"tenant_id": "acme", "session": {"enabled": True}}  # a new tenant's sessions are off
    check, real = both(emulator, params)
    assert check["changed"] and real["changed"], real.get("msg")
    assert [w["path"] for w in emulator.writes()] == ["/v1/mgmt/tenant/settings"]
    again = run(emulator, params)
    assert again["changed"] is False, again.get("diff")
    info = run_spec("descope_tenant_settings_info", {"tenant_ids": ["acme"]}, environ=emulator.env)
    assert info["tenant_settings"][0]["session"]["enabled"] is True, info


def test_session_answer_prefers_enabled_and_drops_the_other_spelling() -> None:
    from ansible_collections.descope.mgmt.plugins.module_utils._tenant_settings._fields import session_answer

    assert session_answer({"sessionSettingsEnabled": True}) == {"enabled": True}
    assert session_answer({"enabled": False, "sessionSettingsEnabled": True}) == {"enabled": False}
    assert session_answer(None) == {}


def test_pending_tenants_read_the_project_policy_once(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}])
    emulator.clear_log()
    new = [f"new{n}" for n in range(5)]
    params = {"tenants": [{"tenant_id": tid, "password_policy": {"min_length": 9}} for tid in new], "pending_tenants": new}
    result = run(emulator, params, check=True)
    assert result["changed"] is True, result.get("msg")
    reads = [r for r in emulator.requests() if r["path"] == "/v1/mgmt/password/settings"]
    assert len(reads) == 1 and "tenantId" not in str(reads[0].get("query")), reads


@pytest.mark.parametrize("concurrency", [1, 4])
def test_existing_tenants_are_read_side_by_side_and_planned_the_same(emulator: t.Any, concurrency: int) -> None:
    tenants = [{"id": f"t{n}", "name": f"T{n}"} for n in range(6)]
    emulator.seed(tenants=tenants)
    emulator.clear_log()
    params = {
        "tenants": [{"tenant_id": x["id"], "session": {"enabled": True}, "password_policy": {"min_length": 9}} for x in tenants],
        "concurrency": concurrency,
    }
    check = run(emulator, params, check=True)
    reads = [r for r in emulator.requests() if r["path"] in ("/v1/mgmt/password/settings", "/v1/mgmt/tenant/settings")]
    assert len(reads) == 12 and max(int(r.get("in_flight") or 1) for r in reads) <= concurrency
    real = run(emulator, params)
    assert check["tenant_settings"] == real["tenant_settings"] and check["diff"] == real["diff"]
    assert [(i["id"], i["action"]) for i in real["tenant_settings"]] == [(x["id"], "updated") for x in tenants]
