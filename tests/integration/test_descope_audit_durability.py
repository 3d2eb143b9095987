# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit trail under hostile conditions, through real ansible-playbook runs: a network sink that fails,
a run killed mid-sync (the orphaned worker stops writing and exits), a callback that was never enabled, and the report reading the callback's configuration."""

from __future__ import annotations

import fcntl
import json
import os
import pathlib
import signal
import subprocess
import sys
import threading
import time
import typing as t
import uuid

import pytest
import yaml

from ansible_collections.descope.mgmt.plugins.module_utils import _audit

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # tests/, home of audit_receiver
from audit_receiver import Receiver  # noqa: E402  # pylint: disable=wrong-import-position

CALLBACK = ("descope.mgmt.descope_audit",)
KEY = "integration-audit-key-0123456789abcdef"
TOKEN = "integration-sink-token-42"
OFF_WARNING = "callbacks_enabled = descope.mgmt.descope_audit"


def audit_dir(runner: t.Any) -> str:
    return str(runner.base_env()["DESCOPE_AUDIT_DIR"])


def file_lines(directory: str) -> list[dict[str, t.Any]]:
    return [json.loads(line) for name in _audit.trail_files(directory) for line in pathlib.Path(name).read_text().splitlines() if line.strip()]


@pytest.fixture
def receiver() -> t.Iterator[Receiver]:
    server = Receiver(token=TOKEN)
    yield server
    server.close()


@pytest.mark.canary
def test_sink_gets_every_line_once_while_the_file_trail_is_written(playbook: t.Any, emulator: t.Any, receiver: Receiver) -> None:
    receiver.fail_first = 2  # 503 twice
    receiver.store_then_fail = 1  # then a batch stored but answered 500: retried
    env = {"DESCOPE_AUDIT_URL": receiver.url, "DESCOPE_AUDIT_TOKEN": TOKEN, "DESCOPE_AUDIT_KEY": KEY}
    tasks = [
        {"name": "set", "descope.mgmt.descope_tenant": {"tenants": [{"id": f"s{i}", "name": f"S{i}"} for i in range(5)]}},
        {"name": "loop", "descope.mgmt.descope_tenant": {"id": "{{ item }}", "name": "L {{ item }}"}, "loop": ["l1", "l2", "l3"]},
    ]
    result = playbook.run(tasks, callbacks=CALLBACK, env=env)
    assert result.rc == 0, result.stdout + result.stderr
    written = file_lines(audit_dir(playbook))
    assert len(written) == 8
    assert sorted(receiver.unique()) == sorted(line["hash"] for line in written)  # nothing lost
    assert len(receiver.unique()) == len(written)  # nothing duplicated once deduplicated on the idempotency key
    assert all(r["headers"]["Authorization"] == f"Bearer {TOKEN}" for r in receiver.requests)
    assert _audit.verify(audit_dir(playbook), KEY).verified
    for text in (result.stdout, result.stderr, *(pathlib.Path(n).read_text() for n in _audit.trail_files(audit_dir(playbook)))):
        assert TOKEN not in text and KEY not in text


@pytest.mark.slow
def test_required_mode_stops_changes_when_the_sink_is_down(playbook: t.Any, emulator: t.Any, receiver: Receiver) -> None:
    receiver.fail_first = 10_000
    env = {"DESCOPE_AUDIT_URL": receiver.url, "DESCOPE_AUDIT_TOKEN": TOKEN, "DESCOPE_AUDIT_REQUIRED": "true"}
    tasks = [
        {"name": "first", "descope.mgmt.descope_tenant": {"id": "r1", "name": "R1"}},
        {"name": "second", "descope.mgmt.descope_tenant": {"id": "r2", "name": "R2"}},
    ]
    result = playbook.run(tasks, callbacks=CALLBACK, env=env)
    assert result.rc != 0
    assert result.status("second") == "failed" and "audit trail is required" in result.task("second")["msg"]
    assert sorted(t_["id"] for t_ in emulator.state()["tenants"]) == ["r1"]
    # the line the sink refused is on file and spooled for the next batch
    lines = file_lines(audit_dir(playbook))
    assert [(e["target_id"], e["outcome"]) for e in lines] == [("r1", "ok"), (None, "failed")]  # the refusal is on record too
    spool = pathlib.Path(audit_dir(playbook)) / "sink" / "spool.jsonl"
    assert [json.loads(x)["hash"] for x in spool.read_text().splitlines()] == [e["hash"] for e in lines]


def test_sigterm_mid_sync_loses_no_create_from_the_trail(playbook: t.Any, emulator: t.Any) -> None:
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "delay", "seconds": 0.05, "count": None})
    tenants = [{"id": f"k{i:03d}", "name": f"Kill {i}"} for i in range(300)]
    tasks = [{"name": "big sync", "descope.mgmt.descope_tenant": {"tenants": tenants}}]
    play = playbook.workdir / "kill.yml"
    play.write_text(yaml.safe_dump([{"name": "kill", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
    inventory = playbook.workdir / "kill.ini"
    inventory.write_text(f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n")
    env = dict(playbook.base_env(), ANSIBLE_CALLBACKS_ENABLED=CALLBACK[0], DESCOPE_AUDIT_KEY=KEY)
    cmd = [str(pathlib.Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory), str(play)]
    proc = subprocess.Popen(cmd, env=env, cwd=playbook.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _attempt in range(600):  # until some creates went out (bounded: at most ~60 s)
            if len(emulator.state()["tenants"]) >= 40 or proc.poll() is not None:
                break
            subprocess.run(["sleep", "0.1"], check=True)
        assert proc.poll() is None, "the run finished before it could be killed"
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    created_by_then = {t_["id"] for t_ in emulator.state()["tenants"]}
    assert 0 < len(created_by_then) < 300

    # the next run (any playbook with the callback) reconciles the journal; a worker that outlived the kill
    # holds the journal's lock, so try a bounded number of times
    for _attempt in range(20):
        result = playbook.run([{"name": "noop", "ansible.builtin.debug": {"msg": "next run"}}], callbacks=CALLBACK, env={"DESCOPE_AUDIT_KEY": KEY})
        assert result.rc == 0, result.stdout + result.stderr
        if not list((pathlib.Path(audit_dir(playbook)) / "journal").glob("*.jsonl")):
            break
    created = {t_["id"] for t_ in emulator.state()["tenants"]}
    lines = [e for e in file_lines(audit_dir(playbook)) if e.get("operation") == "create"]
    recorded = [e["target_id"] for e in lines if e["outcome"] in ("ok", "unknown")]
    assert set(recorded) >= created, sorted(created - set(recorded))[:10]  # every create that happened is on record
    assert len(recorded) == len(set(recorded))  # and only once
    interrupted = [e for e in lines if e.get("interrupted")]
    assert interrupted and all(e["outcome"] in ("ok", "failed", "unknown") for e in interrupted)
    assert "interrupted run(s)" in result.stdout + result.stderr or interrupted
    checked = _audit.verify(audit_dir(playbook), KEY)
    assert checked.verified, checked.problems


CONCURRENCY = 4  # the module's default: at most this many writes are in flight when the controller dies
MARKER = "DESCOPE_TEST_RUN_MARKER"


def _run_processes(marker: str, group: int) -> list[int]:
    """The pids of live (not zombie) processes of that run: in its process group ``group`` (the controller's own
    session), or carrying ``marker`` in their environment (a process that left the group). A /proc scan, no psutil."""
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # the fields after the command name: state, ppid, pgrp, ...
            state, _ppid, pgrp = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:3]
            if state == "Z":
                continue
            if int(pgrp) != group and f"{MARKER}={marker}".encode() not in (entry / "environ").read_bytes().split(b"\0"):
                continue
        except OSError:
            continue  # gone meanwhile, or not ours to read
        found.append(int(entry.name))
    return found


def _kill(proc: subprocess.Popen[bytes], how: str) -> None:
    how = how.removeprefix("module-")
    if how == "runner":  # what a cancelled AWX job gets: SIGTERM, then SIGKILL
        os.kill(proc.pid, signal.SIGTERM)
        time.sleep(0.3)
        os.kill(proc.pid, signal.SIGKILL)
    elif how == "killpg":  # ansible-runner's own cancel and timeout (Runner.handle_termination): SIGKILL to the whole group
        os.killpg(proc.pid, signal.SIGKILL)
    else:
        os.kill(proc.pid, getattr(signal, how))


@pytest.mark.slow
@pytest.mark.skipif(not pathlib.Path("/proc/self/environ").exists(), reason="finds the run's processes through /proc")
# module-*: the module path (a module process started by the worker through a shell) instead of the in-process one
@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM", "SIGINT", "runner", "killpg", "module-SIGKILL", "module-runner"])
def test_a_killed_controller_stops_the_writes_and_the_next_run_records_every_one(playbook: t.Any, emulator: t.Any, how: str) -> None:
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "delay", "seconds": 0.08, "count": None})
    tenants = [{"id": f"z{i:03d}", "name": f"Zap {i}"} for i in range(300)]
    tasks = [{"name": "big sync", "descope.mgmt.descope_tenant": {"tenants": tenants, "concurrency": CONCURRENCY}}]
    play = playbook.workdir / "kill.yml"
    play.write_text(yaml.safe_dump([{"name": "kill", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
    inventory = playbook.workdir / "kill.ini"
    inventory.write_text(f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n")
    marker = uuid.uuid4().hex
    env = dict(playbook.base_env(), ANSIBLE_CALLBACKS_ENABLED=CALLBACK[0], DESCOPE_AUDIT_KEY=KEY, **{MARKER: marker})
    if how.startswith("module-"):
        env["DESCOPE_MGMT_IN_PROCESS"] = "false"
    cmd = [str(pathlib.Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory), str(play)]
    # a session of its own: the signal goes to the controller alone, as a kill -9 <pid> would; its output is a pipe that
    # the test reads to the end, as ansible-runner does (the orphaned worker inherits it)
    proc = subprocess.Popen(cmd, env=env, cwd=playbook.workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.extend(iter(proc.stdout.readline, b"")) if proc.stdout else None, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 90
        while len(emulator.writes()) < 20 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if proc.poll() is not None:
            reader.join(timeout=10)
            shown = b"".join(output).decode(errors="replace")[-3000:]
            raise AssertionError(f"the run finished (or never started) before it could be killed:\n{shown}")
        killed_at = time.monotonic()  # CLOCK_MONOTONIC: the same clock as the emulator's 'started'
        _kill(proc, how)
        proc.wait(timeout=60)
        gone_by = time.monotonic() + 10
        while _run_processes(marker, proc.pid) and time.monotonic() < gone_by:
            time.sleep(0.1)
        left = _run_processes(marker, proc.pid)
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in _run_processes(marker, proc.pid):  # never leave an orphan behind, whatever the outcome
            os.kill(pid, signal.SIGKILL)
        reader.join(timeout=10)  # the pipe ends once no process of the run is left
    shown = b"".join(output).decode(errors="replace")[-3000:]
    assert not left, f"processes of the killed run still alive 10 s after the {how}: {left}\n{shown}"
    creates = [w for w in emulator.writes() if w["path"] == "/v1/mgmt/tenant/create"]
    late = [w for w in creates if w["started"] > killed_at]
    assert len(late) <= CONCURRENCY, f"{len(late)} creates were sent after the {how}:\n{shown}"
    assert not [w for w in creates if w["started"] > killed_at + 1.0], "a create was sent a second after the kill"
    assert 0 < len(creates) < len(tenants)

    journals = list((pathlib.Path(audit_dir(playbook)) / "journal").glob("*.jsonl"))
    for name in journals:  # the lock is free: nothing of the killed run holds it
        with open(name, "rb") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    result = playbook.run([{"name": "noop", "ansible.builtin.debug": {"msg": "next run"}}], callbacks=CALLBACK, env={"DESCOPE_AUDIT_KEY": KEY})
    assert result.rc == 0, result.stdout + result.stderr
    assert not list((pathlib.Path(audit_dir(playbook)) / "journal").glob("*.jsonl"))  # reconciled by the first next run
    lines = [e for e in file_lines(audit_dir(playbook)) if e.get("operation") == "create"]
    assert all(e["interrupted"] for e in lines)  # the killed task never reported: every line comes from the journal
    created = {t_["id"] for t_ in emulator.state()["tenants"]}
    recorded = [e["target_id"] for e in lines if e["outcome"] in ("ok", "unknown")]
    assert set(recorded) >= created, sorted(created - set(recorded))[:10]  # every create that reached Descope
    assert len(recorded) == len(set(recorded))  # once each
    # a request cut off by a signal may not have reached Descope: it is on record as 'unknown' all the same
    assert len(creates) <= len(recorded) <= len(creates) + CONCURRENCY
    checked = _audit.verify(audit_dir(playbook), KEY)
    assert checked.verified, checked.problems


@pytest.mark.slow
def test_callback_off_warns_once_per_play_with_the_line_to_add(playbook: t.Any, emulator: t.Any) -> None:
    tasks = [{"name": f"t{n}", "descope.mgmt.descope_tenant": {"id": f"o{n}", "name": f"O{n}"}} for n in range(3)]
    result = playbook.run(tasks)
    assert result.rc == 0
    assert (result.stdout + result.stderr).count(OFF_WARNING) == 1
    enabled = playbook.run([{"name": "again", "descope.mgmt.descope_tenant": {"id": "o9", "name": "O9"}}], callbacks=CALLBACK)
    assert enabled.rc == 0 and OFF_WARNING not in enabled.stdout + enabled.stderr


def _report(runner: t.Any, *args: str, env: dict[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    run_env = runner.base_env()
    for name, value in (env or {}).items():
        if value is None:
            run_env.pop(name, None)
        else:
            run_env[name] = value
    cmd = [str(pathlib.Path(sys.executable).parent / "ansible-playbook"), "descope.mgmt.audit_report", *args]
    return subprocess.run(cmd, env=run_env, cwd=runner.workdir, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.slow
def test_report_reads_the_callbacks_ini_dir_and_key_and_says_when_there_is_nothing(playbook: t.Any, tmp_path: pathlib.Path) -> None:
    cfg = tmp_path / "ansible.cfg"
    ini_dir = tmp_path / "ini-trail"
    cfg.write_text(f"[descope_audit]\ndir = {ini_dir}\nkey = {KEY}\n")
    env: dict[str, str | None] = {"ANSIBLE_CONFIG": str(cfg), "DESCOPE_AUDIT_DIR": None}
    tasks = [{"name": "two", "descope.mgmt.descope_tenant": {"tenants": [{"id": "i1", "name": "I1"}, {"id": "i2", "name": "I2"}]}}]
    assert playbook.run(tasks, callbacks=CALLBACK, env=env).rc == 0
    report = _report(playbook, env=env)
    assert report.returncode == 0, report.stdout + report.stderr
    assert f"2 entries from 1 file(s) under {ini_dir}" in report.stdout and "Hash chain: verified, 2 line(s) intact" in report.stdout
    assert "no key" not in report.stdout  # the key came from the same ini section

    empty = tmp_path / "empty.cfg"
    empty.write_text(f"[descope_audit]\ndir = {tmp_path / 'nothing-here'}\n")
    report = _report(playbook, env={"ANSIBLE_CONFIG": str(empty), "DESCOPE_AUDIT_DIR": None})
    assert report.returncode != 0 and "Nothing to read: no audit trail at" in report.stdout and "Hash chain: verified" not in report.stdout


@pytest.mark.slow
def test_report_filters_one_project_operation_and_run(playbook: t.Any, emulator: t.Any) -> None:
    first = playbook.run(
        [{"name": "a", "descope.mgmt.descope_tenant": {"tenants": [{"id": "f1", "name": "F1"}, {"id": "f2", "name": "F2"}]}}], callbacks=CALLBACK
    )
    second = playbook.run([{"name": "b", "descope.mgmt.descope_tenant": {"id": "f1", "name": "F1 renamed"}}], callbacks=CALLBACK)
    assert first.rc == 0 and second.rc == 0
    entries = file_lines(audit_dir(playbook))
    run_of_second = entries[-1]["run_id"]
    report = _report(playbook, "-e", f"audit_run_id={run_of_second}", "-e", "audit_operation=update", "-e", f"audit_project={emulator.project_id}")
    assert report.returncode == 0 and "1 entries from 1 file(s)" in report.stdout and "update tenant f1" in report.stdout
    today = entries[-1]["time"][:10]
    report = _report(playbook, "-e", f"audit_until={today}", "-e", "audit_since=1d")
    assert report.returncode == 0 and "3 entries from 1 file(s)" in report.stdout  # a bare date includes that whole day
    bad = _report(playbook, "-e", "audit_since=last tuesday")
    (fatal,) = [line for line in bad.stdout.splitlines() if line.startswith("fatal:")]
    msg = json.loads(fatal.split("=> ", 1)[1])["msg"]
    # one sentence, said once (ansible-core may print a task's msg both as an error and in the fatal line)
    assert bad.returncode != 0 and msg.count("is not a time") == 1 and msg.count("ISO 8601") == 1 and "yesterday" in msg
