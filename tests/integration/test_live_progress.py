# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Progress is live: read ansible-playbook's stdout AS IT STREAMS and see progress before the task's result.

A rate-limited 200-tenant set-mode sync (emulator ``rateLimit`` plus one 3-second Retry-After) takes several
seconds; the action plugin's progress lines leave the forked worker through Display's queue and reach the
terminal while the task still runs. Only ordering is asserted (no timings); every run is bounded by a timeout.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import sys
import threading
import time
import typing as t

import pytest
import yaml
from runner_job import job_env, private_dir

PROGRESS = re.compile(r"^descope_tenant: (\d+)/200 done, (\d+) written, (\d+) failed")
DECLARED = [{"id": f"p{i:03d}", "name": f"Progress {i}"} for i in range(200)]


def _slow_api(emulator: t.Any) -> None:
    emulator.config(rateLimit={"capacity": 5, "refillPerSecond": 25})
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "rate_limit", "retryAfter": 3, "count": 1, "after": 40})


def _stream(cmd: list[str], env: dict[str, str], cwd: pathlib.Path, timeout: float = 240) -> list[tuple[float, str]]:
    """Every stdout line with the time it arrived (read by a thread while the playbook runs)."""
    lines: list[tuple[float, str]] = []
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append((time.monotonic(), line.rstrip("\n")))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        proc.wait(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
        reader.join(timeout=10)
    return lines


@pytest.mark.canary
@pytest.mark.slow
def test_progress_lines_arrive_before_the_task_result(playbook: t.Any, emulator: t.Any, tmp_path: pathlib.Path) -> None:
    _slow_api(emulator)
    play = [
        {
            "name": "progress",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [{"name": "sync 200", "descope.mgmt.descope_tenant": {"tenants": DECLARED, "concurrency": 8, "retries": 12}}],
        }
    ]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(play, sort_keys=False), encoding="utf-8")
    (tmp_path / "inventory.ini").write_text(f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n", encoding="utf-8")
    env = playbook.base_env()
    env["ANSIBLE_CALLBACKS_ENABLED"] = "descope.mgmt.descope_audit"
    cmd = [str(pathlib.Path(sys.executable).parent / "ansible-playbook"), "-i", "inventory.ini", "play.yml"]
    lines = _stream(cmd, env, tmp_path)
    text = "\n".join(line for _at, line in lines)

    result_at = [i for i, (_at, line) in enumerate(lines) if line.startswith("changed: [localhost]")]
    progress_at = [i for i, (_at, line) in enumerate(lines) if PROGRESS.match(line) and "finished in" not in line]
    assert result_at, text
    assert progress_at and progress_at[0] < result_at[0], text
    # arrival order, not only print order: the first progress line was read before the result line was
    assert lines[progress_at[0]][0] <= lines[result_at[0]][0]
    first = PROGRESS.match(lines[progress_at[0]][1])
    assert first is not None and int(first.group(1)) < 200  # printed mid-run, not after the fact
    assert any("rate-limited" in lines[i][1] for i in progress_at), text
    final = [line for _at, line in lines if line.startswith("descope_tenant: 200/200 done, 200 written, 0 failed")]
    assert len(final) == 1 and "finished in" in final[0] and "(1 pause(s), 3s in total)" in final[0], text
    # per-item lines: the 200 creations, then one count line
    assert "descope_tenant [localhost]: 200 item(s): 200 created, 0 updated, 0 deleted, 0 unchanged, 0 failed" in text
    assert len(emulator.state()["tenants"]) == 200


def test_a_quick_task_prints_no_progress(playbook: t.Any, emulator: t.Any) -> None:
    run = playbook.run([{"name": "quick", "descope.mgmt.descope_tenant": {"tenants": DECLARED[:3]}}], callbacks=["descope.mgmt.descope_audit"])
    assert run.rc == 0, run.stdout
    assert not [line for line in run.stdout.splitlines() if PROGRESS.match(line.replace("/3 ", "/200 "))]
    assert "descope_tenant: " not in run.stdout.replace("descope_tenant [", "")


@pytest.mark.slow
def test_an_unchanged_rerun_lists_no_item(playbook: t.Any, emulator: t.Any) -> None:
    declared = DECLARED[:20]
    assert playbook.run([{"name": "first", "descope.mgmt.descope_tenant": {"tenants": declared}}]).rc == 0
    run = playbook.run([{"name": "again", "descope.mgmt.descope_tenant": {"tenants": declared}}], callbacks=["descope.mgmt.descope_audit"])
    assert "descope_tenant [localhost]: 20 item(s): 0 created, 0 updated, 0 deleted, 20 unchanged, 0 failed" in run.stdout
    if not os.environ.get("DESCOPE_TEST_CANARY"):  # the canary stage runs every playbook at -vvvv, which lists every item
        assert "tenant p000" not in run.stdout
    verbose = playbook.run([{"name": "again", "descope.mgmt.descope_tenant": {"tenants": declared}}], callbacks=["descope.mgmt.descope_audit"], args=["-v"])
    assert "descope_tenant [localhost]: tenant p000: unchanged" in verbose.stdout


ansible_runner = pytest.importorskip("ansible_runner")


@pytest.mark.slow
def test_progress_is_a_job_event_before_the_task_result_in_ansible_runner(
    playbook: t.Any, emulator: t.Any, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os  # pylint: disable=import-outside-toplevel

    for name in list(os.environ):
        if name.startswith(("DESCOPE_", "ANSIBLE_")):
            monkeypatch.delenv(name, raising=False)
    _slow_api(emulator)
    play = [{"name": "progress", "hosts": "all", "gather_facts": False, "tasks": [{"name": "sync 200", "descope.mgmt.descope_tenant": {"tenants": DECLARED}}]}]
    private = private_dir(tmp_path / "private", "play.yml", play, host="staging")
    env = job_env(tmp_path, playbook.collections, DESCOPE_AUDIT_DIR=str(tmp_path / "audit"), **emulator.env)
    runner = ansible_runner.run(private_data_dir=str(private), playbook="play.yml", ident="progress", envvars=env, quiet=True, timeout=240)
    events = list(runner.events)
    assert runner.status == "successful", json.dumps(events)[:4000]
    ok_at = [i for i, e in enumerate(events) if e.get("event") == "runner_on_ok"]
    progress_at = [i for i, e in enumerate(events) if PROGRESS.match(str(e.get("stdout") or "").strip())]
    assert ok_at and progress_at and progress_at[0] < ok_at[0], "\n".join(str(e.get("stdout")) for e in events)
