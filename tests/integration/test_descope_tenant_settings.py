# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_tenant_settings / descope_tenant_settings_info through real ansible-playbook runs against the emulator."""

from __future__ import annotations

import json
import typing as t

import pytest

pytestmark = pytest.mark.integration

M = "descope.mgmt.descope_tenant_settings"
INFO = "descope.mgmt.descope_tenant_settings_info"
TENANTS = [{"id": "acme", "name": "Acme", "selfProvisioningDomains": ["acme.com"]}, {"id": "globex", "name": "Globex"}]


def task(name: str, args: dict[str, t.Any], module: str = M, **extra: t.Any) -> dict[str, t.Any]:
    return {"name": name, module: args, **extra}


def stored_session(emulator: t.Any, tenant_id: str) -> dict[str, t.Any]:
    return t.cast(dict[str, t.Any], emulator.api("GET", "/v1/mgmt/tenant/settings", params={"id": tenant_id}).json())


def stored_policy(emulator: t.Any, tenant_id: str) -> dict[str, t.Any]:
    return emulator.state()["passwordSettings"].get(tenant_id) or {}


# the policy fields with no published default: an authoritative task declares them
UNSOURCED = {
    "min_length": 8,
    "lowercase": False,
    "uppercase": False,
    "number": False,
    "non_alphanumeric": False,
    "expiration": False,
    "expiration_weeks": 20,
    "reuse": False,
    "reuse_amount": 10,
    "lock": False,
    "lock_attempts": 5,
    "any_letter": False,
    "disallowed_characters": "",
    "disallow_email_match": False,
}

SINGLE = {
    "tenant_id": "acme",
    "session": {
        "enabled": True,
        "session_token_expiration": 15,
        "session_token_expiration_unit": "minutes",
        "enable_inactivity": True,
        "inactivity_time": 30,
        "inactivity_time_unit": "minutes",
    },
    "password_policy": {"min_length": 12, "uppercase": True, "lock": True, "lock_attempts": 5},
}


@pytest.mark.smoke
def test_check_then_apply_then_idempotent(playbook: t.Any, emulator: t.Any) -> None:
    emulator.seed(tenants=TENANTS)
    emulator.clear_log()
    check = playbook.run([task("settings", SINGLE)], check=True, diff=True)
    assert check.rc == 0, check.stdout
    assert emulator.writes() == []
    predicted = check.task("settings")
    assert predicted["changed"] is True and predicted["tenant_settings"]["action"] == "updated"
    assert predicted["tenant_settings"]["before"]["session"]["inactivity_time"] == 12
    assert predicted["tenant_settings"]["after"]["session"]["inactivity_time"] == 30
    assert predicted["tenant_settings"]["after"]["password_policy"] == {"min_length": 12, "uppercase": True, "lock": True, "lock_attempts": 5}
    assert "inactivity_time: 30" in check.stdout or '"inactivity_time": 30' in check.stdout  # the diff is shown
    real = playbook.run([task("settings", SINGLE)], diff=True)
    assert real.rc == 0, real.stdout
    applied = real.task("settings")
    assert applied["tenant_settings"]["before"] == predicted["tenant_settings"]["before"]
    assert applied["tenant_settings"]["after"] == predicted["tenant_settings"]["after"]
    session = stored_session(emulator, "acme")
    assert session["enabled"] is True and session["inactivityTime"] == 30 and session["inactivityTimeUnit"] == "minutes"
    assert session["sessionTokenExpiration"] == 15 and session["refreshTokenExpiration"] == 4  # undeclared: kept
    assert session["selfProvisioningDomains"] == ["acme.com"]  # carried over, not reset
    policy = stored_policy(emulator, "acme")
    assert policy["minLength"] == 12 and policy["uppercase"] is True and policy["lockAttempts"] == 5 and policy["number"] is False
    ops = applied["descope_audit"]["operations"]
    assert [(o["operation"], o["target_type"], o["target_id"]) for o in ops] == [("update", "tenant_settings", "acme")]
    emulator.clear_log()
    again = playbook.run([task("settings", SINGLE)])
    assert again.rc == 0 and again.status("settings") == "ok" and emulator.writes() == []


@pytest.mark.slow
def test_only_declared_fields_unless_authoritative(playbook: t.Any, emulator: t.Any) -> None:
    emulator.seed(tenants=TENANTS, passwordSettings={"acme": {"minLength": 20, "uppercase": True, "number": True}})
    run = playbook.run([task("policy", {"tenant_id": "acme", "password_policy": {"min_length": 10}})])
    assert run.rc == 0, run.stdout
    policy = stored_policy(emulator, "acme")
    assert policy["minLength"] == 10 and policy["uppercase"] is True and policy["number"] is True
    emulator.clear_log()
    short = playbook.run([task("policy", {"tenant_id": "acme", "password_policy": {"min_length": 10}, "authoritative": True})])
    assert short.rc != 0 and emulator.writes() == []  # uppercase, number... have no published default to reset to
    assert "authoritative: true cannot reset lowercase, uppercase, number" in short.stdout
    full = {**UNSOURCED, "min_length": 10, "uppercase": False, "number": False}
    auth = playbook.run([task("policy", {"tenant_id": "acme", "password_policy": full, "authoritative": True})], diff=True)
    assert auth.rc == 0, auth.stdout
    policy = stored_policy(emulator, "acme")
    assert policy["minLength"] == 10 and policy["uppercase"] is False and policy["number"] is False
    assert (policy["tempLockAttempts"], policy["tempLockDuration"]) == (3, 5)  # the published defaults
    assert auth.task("policy")["tenant_settings"]["before"]["password_policy"]["uppercase"] is True


@pytest.mark.parametrize("check", [True, False])
def test_an_empty_variable_never_resets_a_policy(playbook: t.Any, emulator: t.Any, check: bool) -> None:
    emulator.seed(tenants=TENANTS, passwordSettings={"acme": {"minLength": 14, "lock": True, "lockAttempts": 3, "uppercase": True}})
    before = stored_policy(emulator, "acme")
    emulator.clear_log()
    args = {"tenant_id": "acme", "password_policy": "{{ policy }}", "session": "{{ policy }}", "authoritative": True}
    run = playbook.run([task("policy", args, vars={"policy": {}})], check=check, diff=True)
    assert run.rc != 0 and emulator.writes() == [] and stored_policy(emulator, "acme") == before
    assert "password_policy: is empty" in run.stdout and "session: is empty" in run.stdout and "allow_empty_reset" in run.stdout


@pytest.mark.smoke
@pytest.mark.slow
def test_set_mode_and_info_adoption_zero_writes(playbook: t.Any, emulator: t.Any) -> None:
    emulator.seed(tenants=TENANTS)
    items = [
        {"tenant_id": "acme", "session": {"refresh_token_expiration": 2, "refresh_token_expiration_unit": "days"}},
        {"tenant_id": "globex", "password_policy": {"min_length": 16}},
    ]
    run = playbook.run([task("set", {"tenants": items})])
    assert run.rc == 0, run.stdout
    assert sorted((x["id"], x["action"]) for x in run.task("set")["tenant_settings"]) == [("acme", "updated"), ("globex", "updated")]
    emulator.clear_log()
    adopt = playbook.run(
        [task("read", {}, module=INFO, register="current"), task("adopt", {"tenants": "{{ current.tenant_settings }}"})],
    )
    assert adopt.rc == 0, adopt.stdout
    exported = {x["tenant_id"]: x for x in adopt.task("read")["tenant_settings"]}
    assert exported["acme"]["session"]["refresh_token_expiration"] == 2 and exported["acme"]["session"]["refresh_token_expiration_unit"] == "days"
    assert exported["globex"]["password_policy"]["min_length"] == 16
    assert adopt.status("adopt") == "ok" and emulator.writes() == []


@pytest.mark.parametrize(
    ("args", "fields"),
    [
        ({"tenants": [{"tenant_id": "acme", "session": {"inactivity_time": -5, "inactivity_time_unit": "minutes"}}]}, ["session.inactivity_time"]),
        ({"tenants": [{"tenant_id": "acme", "session": {"inactivity_time": 5}}]}, ["session.inactivity_time_unit"]),
        (
            {
                "tenants": [
                    {"tenant_id": "ghost", "password_policy": {"min_length": 10}},
                    {"tenant_id": "acme", "password_policy": {"min_length": 0, "password_strength_score": 9}},
                    {"tenant_id": "globex", "session": {"session_token_expiration": 1, "session_token_expiration_unit": "minutes"}},
                ]
            },
            ["tenant_id", "password_policy.min_length", "password_policy.password_strength_score", "session.session_token_expiration"],
        ),
        ({"tenant_id": "acme"}, ["session"]),
        ({"tenant_id": "acme", "session": {"session_token_expiration": 5, "session_token_expiration_unit": "weeks"}}, ["session.session_token_expiration"]),
    ],
)
def test_hostile_inputs_write_nothing_and_name_every_field(playbook: t.Any, emulator: t.Any, args: dict[str, t.Any], fields: list[str]) -> None:
    emulator.seed(tenants=TENANTS)
    emulator.clear_log()
    run = playbook.run([task("bad", args)])
    assert run.rc != 0
    result = run.task("bad")
    assert sorted(p["field"] for p in result["validation_errors"]) == sorted(fields)
    assert all(p["fix"] for p in result["validation_errors"])
    assert emulator.writes() == []


def test_bad_unit_is_refused_by_the_argument_spec(playbook: t.Any, emulator: t.Any) -> None:
    emulator.seed(tenants=TENANTS)
    emulator.clear_log()
    run = playbook.run([task("bad", {"tenant_id": "acme", "session": {"inactivity_time": 5, "inactivity_time_unit": "fortnights"}})])
    assert run.rc != 0 and "inactivity_time_unit" in json.dumps(run.task("bad"))
    assert emulator.requests() == []
