# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import threading
import time
import typing as t

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils._change import Change, counts, diff_entries, first_error, summary_message
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._apply import execute
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._result import operations_of


def recorder(log: list[str], name: str, error: DescopeAPIError | None = None, delay: float = 0.0) -> t.Callable[[t.Any], None]:
    def apply(_client: t.Any) -> None:
        if delay:
            time.sleep(delay)
        log.append(name)
        if error is not None:
            raise error

    return apply


def test_check_mode_applies_nothing_and_predicts() -> None:
    log: list[str] = []
    changes = [
        Change("tenant", "a", "create", None, {"name": "A"}, recorder(log, "a")),
        Change("tenant", "b", "unchanged", {"name": "B"}, {"name": "B"}),
    ]
    execute(changes, client=None, check_mode=True)
    assert log == []
    assert [c.outcome for c in changes] == ["check", "unchanged"]
    assert [c.result_action for c in changes] == ["created", "unchanged"]
    operations = operations_of(changes, True)
    assert len(operations) == 1 and operations[0]["check_mode"] is True
    assert operations[0]["outcome"] == "check" and operations[0]["changed"] is True


def test_phases_run_in_order() -> None:
    log: list[str] = []
    changes = [
        Change("tenant", "child", "create", None, {}, recorder(log, "child"), phase=1),
        Change("tenant", "parent", "create", None, {}, recorder(log, "parent", delay=0.05), phase=0),
        Change("tenant", "other", "create", None, {}, recorder(log, "other"), phase=0),
    ]
    execute(changes, client=None, check_mode=False, concurrency=4)
    assert log[-1] == "child" and set(log[:2]) == {"parent", "other"}


def test_concurrency_is_bounded() -> None:
    active = 0
    peak = 0
    lock = threading.Lock()

    def apply(_client: t.Any) -> None:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.02)
        with lock:
            active -= 1

    changes = [Change("tenant", str(i), "update", {}, {}, apply) for i in range(12)]
    execute(changes, client=None, check_mode=False, concurrency=3)
    assert peak == 3 and all(c.outcome == "ok" for c in changes)


def test_failures_are_reported_per_item() -> None:
    log: list[str] = []
    err = DescopeAPIError(400, "POST", "/v1/mgmt/tenant/create", "E011003", "Request is invalid")
    changes = [
        Change("tenant", "good", "create", None, {"name": "G"}, recorder(log, "good")),
        Change("tenant", "bad", "create", None, {"name": "B"}, recorder(log, "bad", err)),
        Change("tenant", "same", "unchanged", {"name": "S"}, {"name": "S"}),
    ]
    execute(changes, client=None, check_mode=False, concurrency=1)
    assert [c.result_action for c in changes] == ["created", "failed", "unchanged"]
    assert counts(changes) == {"created": 1, "updated": 0, "deleted": 0, "unchanged": 1, "failed": 1}
    assert first_error(changes)["target_id"] == "bad" and first_error(changes)["code"] == "E011003"
    ops = operations_of(changes, False)
    assert [(o["target_id"], o["outcome"], o["changed"]) for o in ops] == [("good", "ok", True), ("bad", "failed", False)]
    assert changes[1].as_result()["error"]["status"] == 400


def test_auth_failure_skips_the_remaining_writes() -> None:
    log: list[str] = []
    unauthorized = DescopeAPIError(401, "POST", "/v1/mgmt/tenant/update", "E011003", "Unauthorized")
    changes = [
        Change("tenant", "one", "update", {}, {}, recorder(log, "one")),
        Change("tenant", "two", "update", {}, {}, recorder(log, "two", unauthorized)),
        Change("tenant", "three", "update", {}, {}, recorder(log, "three")),
        Change("tenant", "four", "delete", {}, None, recorder(log, "four"), phase=1),
    ]
    execute(changes, client=None, check_mode=False, concurrency=1)
    assert log == ["one", "two"]
    assert [c.outcome for c in changes] == ["ok", "failed", "skipped", "skipped"]


def test_diff_entries_and_messages() -> None:
    changes = [
        Change("tenant", "new", "create", None, {"name": "N"}),
        Change("tenant", "old", "delete", {"name": "O"}, None),
        Change("tenant", "mod", "update", {"name": "A"}, {"name": "B"}),
        Change("tenant", "same", "unchanged", {"name": "S"}, {"name": "S"}),
    ]
    entries = diff_entries(changes)
    assert len(entries) == 3
    assert entries[0]["before"] == {} and entries[0]["after"] == {"name": "N"} and "absent" in entries[0]["before_header"]
    assert entries[1]["after"] == {} and "deleted" in entries[1]["after_header"]
    assert entries[2]["before"] == {"name": "A"} and entries[2]["after"] == {"name": "B"}
    execute(changes, client=None, check_mode=True)
    assert summary_message("tenant", changes, True).startswith("Check mode: would have 1 created, 1 updated, 1 deleted")
    same = [Change("tenant", "s", "unchanged", {}, {})]
    assert "already match" in summary_message("tenant", same, False)
    assert "nothing to do" in summary_message("tenant", [], False)


def test_a_failed_stage_skips_every_later_stage() -> None:
    """Restore: no flow is written after a tenant failed, and the snapshot waits for both."""
    log: list[str] = []
    err = DescopeAPIError(400, "POST", "/v1/mgmt/tenant/create", "E011003", "Request is invalid")
    changes = [
        Change("tenant", "t1", "create", None, {}, recorder(log, "t1", err), stage=0),
        Change("tenant", "t2", "create", None, {}, recorder(log, "t2"), stage=0, phase=1),
        Change("flow", "f1", "update", {}, {}, recorder(log, "f1"), stage=1),
        Change("snapshot", "snapshot", "import", {}, {}, recorder(log, "snap"), stage=2),
    ]
    execute(changes, client=None, check_mode=False, concurrency=1)
    assert log == ["t1", "t2"]  # later phases of the failing stage still run, like any phase after a non-auth failure
    assert [c.outcome for c in changes] == ["failed", "ok", "skipped", "skipped"]


def test_stages_run_in_order_when_nothing_fails() -> None:
    log: list[str] = []
    changes = [
        Change("snapshot", "snapshot", "import", {}, {}, recorder(log, "snap"), stage=2),
        Change("flow", "f1", "update", {}, {}, recorder(log, "f1"), stage=1, phase=-5),
        Change("tenant", "t1", "create", None, {}, recorder(log, "t1"), stage=0, phase=3),
    ]
    execute(changes, client=None, check_mode=False, concurrency=4)
    assert log == ["t1", "f1", "snap"]


def test_a_long_chain_of_phases_runs_in_phase_order_and_a_failure_stops_later_stages() -> None:
    log: list[str] = []
    failure = DescopeAPIError(500, "POST", "/x", error_code="E1")
    changes = [Change("tenant", f"t{i}", "create", None, {}, recorder(log, f"t{i}"), phase=i) for i in reversed(range(600))]
    changes.append(Change("tenant", "bad", "create", None, {}, recorder(log, "bad", error=failure), phase=600))
    changes.append(Change("flow", "later", "import", None, {}, recorder(log, "later"), stage=1))
    execute(changes, client=None, check_mode=False, concurrency=4)
    assert log == [f"t{i}" for i in range(600)] + ["bad"]
    assert changes[-1].outcome == "skipped" and changes[-2].outcome == "failed"


def test_an_unexpected_exception_in_a_worker_reaches_the_caller_and_stops_taking_changes() -> None:
    log: list[str] = []
    bug = RuntimeError("a bug in an apply function")
    raised = threading.Event()

    def broken(_client: t.Any) -> None:
        raised.set()
        raise bug

    def in_flight(_client: t.Any) -> None:
        raised.wait(10)  # still running when the other worker hits the bug; it finishes
        log.append("in flight")

    changes = [Change("tenant", "slow", "update", {}, {}, in_flight), Change("tenant", "bug", "update", {}, {}, broken)]
    changes += [Change("tenant", f"after{i}", "update", {}, {}, recorder(log, f"after{i}")) for i in range(50)]
    with pytest.raises(RuntimeError) as caught:
        execute(changes, client=None, check_mode=False, concurrency=2)
    assert caught.value is bug
    assert log[0] == "in flight" and changes[0].outcome == "ok"
    # no worker takes a change once the bug is known (the one in flight may have taken one more in the instant between)
    assert len(log) <= 2 and sum(c.outcome == "pending" for c in changes[2:]) >= 49
