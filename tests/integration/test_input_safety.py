# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile but ordinary input to descope_tenant, through real ansible-playbook -vvvv runs (issue 12).

Ids are validated as the API takes them (Terraform provider MachineIDValidator ``^[A-Za-z0-9_-]+$``) before any
write, so a list is never half-applied; names compare after stripping and NFC; a domain held in another case is
seen in both modes; bidi and control characters are escaped in messages and audit lines.
"""

from __future__ import annotations

import pathlib
import typing as t

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils import _audit

TENANT = "descope.mgmt.descope_tenant"
RLO = "\u202e"


def _run(playbook: t.Any, tasks: list[dict[str, t.Any]], check: bool = False) -> t.Any:
    for task in tasks:
        task.setdefault("ignore_errors", True)
    return playbook.run(tasks, check=check, args=["-vvvv"], callbacks=["descope.mgmt.descope_audit"])


def _audit_text(playbook: t.Any) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in (pathlib.Path(playbook.workdir) / "audit").rglob("*") if p.is_file())


def test_bad_ids_fail_pre_flight_and_nothing_is_half_applied(playbook: t.Any, emulator: t.Any) -> None:
    emulator.seed(tenants=[])
    emulator.clear_log()
    tenants = [
        {"id": "good-1", "name": "Good 1"},
        {"id": "a/b", "name": "Slash"},
        {"id": "good-2", "name": "Good 2"},
        {"id": "../etc", "name": "Dots"},
        {"id": "smile\U0001f600", "name": "Emoji"},
        {"id": "spaces-only", "name": "   "},
    ]
    run = _run(
        playbook,
        [
            {"name": "set", TENANT: {"tenants": tenants}},
            {"name": "single", TENANT: {"id": "x/y", "name": "Single"}},
            {"name": "protected", TENANT: {"tenants": [{"id": "good-1", "name": "Good 1"}], "prune": True, "protected_ids": ["ok", "no/pe"]}},
        ],
    )
    msg = run.task("set")["msg"]
    assert run.task("set")["failed"] is True and "nothing was written" in msg
    for bad in ("'a/b' is not a tenant id", "'../etc' is not a tenant id", "is not a tenant id", "is empty or only spaces"):
        assert bad in msg, msg
    assert {e["field"] for e in run.task("set")["validation_errors"]} == {"id", "name"}
    assert {e["index"] for e in run.task("set")["validation_errors"]} == {1, 3, 4, 5}  # every bad item, not the good ones
    assert "'x/y' is not a tenant id" in run.task("single")["msg"]
    assert "protected_ids[1]" in run.task("protected")["msg"]
    assert emulator.writes() == [] and emulator.state()["tenants"] == []
    assert emulator.management_key not in run.stdout + run.stderr + _audit_text(playbook)


def test_names_compare_after_strip_and_nfc(playbook: t.Any, emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "cafe", "name": "Caf\u00e9"}])  # precomposed e-acute
    emulator.clear_log()
    run = _run(
        playbook,
        [
            {"name": "decomposed", TENANT: {"id": "cafe", "name": "Cafe\u0301 "}},  # e + combining acute, trailing space
            {"name": "other id same name", TENANT: {"id": "cafe-2", "name": " Caf\u00e9"}},
            {"name": "set mode", TENANT: {"tenants": [{"id": "cafe", "name": "Cafe\u0301"}, {"id": "new", "name": "Caf\u00e9  "}]}},
        ],
        check=True,
    )
    assert run.task("decomposed")["changed"] is False and run.task("decomposed")["tenant"]["action"] == "unchanged"
    assert run.task("other id same name")["failed"] is True and "names are unique" in run.task("other id same name")["msg"]
    assert run.task("set mode")["failed"] is True and "names are unique" in run.task("set mode")["msg"]
    assert emulator.writes() == []


def test_single_mode_sees_a_domain_held_in_another_case(playbook: t.Any, emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "owner", "name": "Owner", "selfProvisioningDomains": ["Example.COM"]}])
    emulator.clear_log()
    run = _run(
        playbook,
        [
            {"name": "single", TENANT: {"id": "newcomer", "name": "Newcomer", "self_provisioning_domains": ["example.com"]}},
            {
                "name": "set",
                TENANT: {"tenants": [{"id": "owner", "name": "Owner"}, {"id": "newcomer", "name": "Newcomer", "self_provisioning_domains": ["EXAMPLE.com"]}]},
            },
        ],
    )
    for name in ("single", "set"):
        assert run.task(name)["failed"] is True and "domain 'example.com' is also claimed by" in run.task(name)["msg"], run.task(name)["msg"]
    assert emulator.writes() == [] and [x["id"] for x in emulator.state()["tenants"]] == ["owner"]


@pytest.mark.canary
def test_bidi_and_control_characters_are_escaped_in_messages_and_audit(playbook: t.Any, emulator: t.Any) -> None:
    emulator.seed(tenants=[])
    emulator.clear_log()
    name = f"acme{RLO}gnp.exe"
    tasks = [
        {"name": "bad", TENANT: {"id": f"evil{RLO}id", "name": "Evil"}},
        {"name": "ok", TENANT: {"id": "shown", "name": name}},
        {"name": "described", "descope.mgmt.descope_role": {"name": "auditor", "description": name}},  # free text: stored
    ]
    run = _run(playbook, tasks)
    assert "\\u202e" in run.task("bad")["msg"] and RLO not in run.task("bad")["msg"]
    # a name with a bidi override is refused like in every module (docs/safety.md, "One rule for names"), shown escaped
    refused = run.task("ok")
    assert refused.get("failed") and [p["field"] for p in refused["validation_errors"]] == ["name"], refused
    assert "invisible formatting characters" in refused["msg"] and "\\u202e" in refused["msg"] and RLO not in refused["msg"]
    audit = _audit_text(playbook)
    assert audit and RLO not in audit and "\\\\u202e" in audit  # JSON of the escaped text
    entries, _files = _audit.read_entries(str(pathlib.Path(playbook.workdir) / "audit"))
    assert any(entry.get("target_id") == "auditor" for entry in entries)
    assert [w["path"] for w in emulator.writes()] == ["/v1/mgmt/role/create"], emulator.writes()
