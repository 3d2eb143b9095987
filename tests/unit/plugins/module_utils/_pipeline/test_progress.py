# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Live progress: throttling and wording with an injected clock (exact, not timed)."""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._change import Change
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._apply import execute
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._progress import Activity, Progress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_quick_task_prints_nothing() -> None:
    lines: list[str] = []
    clock = Clock()
    progress = Progress(lines.append, "descope_tenant", 5, clock=clock)
    for _step in range(5):
        clock.now += 0.1
        progress.item("ok")
    progress.finish()
    assert lines == []


def test_first_line_after_two_seconds_then_every_five_and_a_final_line() -> None:
    lines: list[str] = []
    clock = Clock()
    progress = Progress(lines.append, "descope_tenant", 200, clock=clock)
    clock.now += 1.0
    progress.item("ok")  # 1 s: too early
    assert lines == []
    clock.now += 1.5
    progress.item("ok")  # 2.5 s: first line
    clock.now += 7.0
    progress.pause(7.0)  # 9.5 s: a Retry-After pause, 7 s after the first line
    clock.now += 1.0
    progress.item("failed")  # 10.5 s: within 5 s of the last line
    clock.now += 4.5
    progress.item("ok")  # 15 s: due
    progress.finish()
    assert lines == [
        "descope_tenant: 2/200 done, 2 written, 0 failed, about 4m08s left, 2s elapsed",
        "descope_tenant: 2/200 done, 2 written, 0 failed, rate-limited 1x (1 pause(s), 7s in total), about 15m40s left, 10s elapsed",
        "descope_tenant: 4/200 done, 3 written, 1 failed, rate-limited 1x (1 pause(s), 7s in total), about 12m15s left, 15s elapsed",
        "descope_tenant: 4/200 done, 3 written, 1 failed, rate-limited 1x (1 pause(s), 7s in total), finished in 15s",
    ]


def test_paced_429_answers_are_counted_without_a_pause() -> None:
    progress = Progress(None, "descope_flow", 3, clock=Clock())
    progress.pause(0.0)
    progress.pause(0.0)
    assert progress.line().startswith("descope_flow: 0/3 done, 0 written, 0 failed, rate-limited 2x (paced)")


def test_a_failing_printer_never_fails_the_task() -> None:
    clock = Clock()

    def broken(_line: str) -> None:
        raise OSError("closed")

    progress = Progress(broken, "x", 10, clock=clock)
    clock.now += 3
    progress.item("ok")
    assert progress.emit is None  # silenced after the first failure
    progress.finish()


def test_execute_reports_every_write_including_skips_after_a_401() -> None:
    seen: list[str | None] = []

    def refuse(_client: t.Any) -> None:
        raise DescopeAPIError(401, "POST", "/v1/mgmt/tenant/create")

    changes = [Change("tenant", "a", "create", None, {}, refuse)] + [Change("tenant", f"b{i}", "create", None, {}, lambda _c: None) for i in range(3)]
    execute(changes, object(), False, concurrency=1, done=seen.append)
    assert seen == ["failed", "skipped", "skipped", "skipped"]


def test_activity_reports_requests_and_pauses_without_a_total() -> None:
    lines: list[str] = []
    clock = Clock()
    stats: dict[str, float] = {"reads": 0, "writes": 0, "rate_limited": 0, "waited": 0.0}
    activity = Activity(lines.append, "descope_backup", lambda: stats, clock=clock)
    clock.now += 1
    activity.tick()
    assert lines == []
    stats.update(reads=40, rate_limited=2, waited=6.0)
    clock.now += 2
    activity.tick()
    clock.now += 6
    stats.update(reads=90, writes=1)
    activity.finish()
    assert lines == [
        "descope_backup: 40 request(s) (40 read(s), 0 write(s)), rate-limited 2x (6s paused), 3s elapsed",
        "descope_backup: 91 request(s) (90 read(s), 1 write(s)), rate-limited 2x (6s paused), finished in 9s",
    ]


def test_activity_of_a_quick_task_prints_nothing() -> None:
    lines: list[str] = []
    activity = Activity(lines.append, "descope_backup", lambda: None, clock=Clock())
    activity.tick()
    activity.finish()
    assert lines == []
