# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant settings spec: request bodies pinned by hand, planning and validation in process against the emulator."""

from __future__ import annotations

import typing as t

from harness import run_spec

from ansible_collections.descope.mgmt.plugins.module_utils import _tenant_settings
from ansible_collections.descope.mgmt.plugins.module_utils._tenant_settings._fields import password_body, session_body, session_view

# A GET /v1/mgmt/tenant/settings answer as the API shapes it (GetTenantSettingsResponse)
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
    }


def test_session_view_fills_absent_keys_and_ignores_garbage_units() -> None:
    view = session_view({"sessionTokenExpiration": 7, "sessionTokenExpirationUnit": "fortnights"})
    assert view["session_token_expiration"] == 7 and view["session_token_expiration_unit"] == "minutes"
    assert view["refresh_token_expiration"] == 4 and view["refresh_token_expiration_unit"] == "weeks" and view["enabled"] is False


def test_password_body_sends_the_whole_policy() -> None:
    body = password_body("acme", {"minLength": 10, "lock": True, "lockAttempts": 3}, {"uppercase": True})
    assert body["tenantId"] == "acme" and body["minLength"] == 10 and body["lock"] is True and body["uppercase"] is True
    assert body["number"] is False and body["disallowedCharacters"] == "" and len(body) == 21


def run(emulator: t.Any, params: dict[str, t.Any], check: bool = False) -> dict[str, t.Any]:
    return run_spec(_tenant_settings.SPEC, params, check, True, emulator.env)


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
    fields = sorted((p.get("index"), p["field"]) for p in result["validation_errors"])
    assert fields == [
        (0, "session.refresh_token_expiration"),
        (1, "password_policy.reuse_amount"),
        (1, "tenant_id"),
        (2, "password_policy.min_length"),
        (2, "tenant_id"),
    ]
    assert emulator.writes() == []


def test_pending_tenant_is_planned_as_new_in_check_mode_only(emulator: t.Any) -> None:
    emulator.seed(tenants=[])
    params = {"tenant_id": "new", "session": {"enabled": True}, "password_policy": {"min_length": 9}, "pending_tenants": ["new"]}
    check = run(emulator, params, check=True)
    assert check["changed"] is True and check["tenant_settings"]["before"] == {"session": {"enabled": False}, "password_policy": {"min_length": 8}}
    real = run(emulator, params)
    assert real["failed"] is True and real["validation_errors"][0]["field"] == "tenant_id"
    assert emulator.writes() == []


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
    """Figures in docs/performance.md: per tenant one read per declared section, one write per changed section."""
    emulator.seed(tenants=[{"id": f"t{i}", "name": f"T{i}"} for i in range(5)])
    items = [
        {"tenant_id": f"t{i}", "session": {"inactivity_time": 30, "inactivity_time_unit": "minutes"}, "password_policy": {"min_length": 10}} for i in range(5)
    ]
    assert run(emulator, {"tenants": items})["changed"] is True
    emulator.clear_log()
    assert run(emulator, {"tenants": items})["changed"] is False
    log = emulator.requests()
    assert (sum(1 for r in log if not r["write"]), sum(1 for r in log if r["write"])) == (10, 0)
    items[1]["password_policy"]["min_length"] = 11
    items[3]["session"]["inactivity_time"] = 31
    emulator.clear_log()
    assert run(emulator, {"tenants": items})["changed"] is True
    log = emulator.requests()
    assert (sum(1 for r in log if not r["write"]), sum(1 for r in log if r["write"])) == (10, 2)
