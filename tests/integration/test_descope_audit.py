# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The descope_audit callback enabled in real ansible-playbook runs against the emulator."""

from __future__ import annotations

import concurrent.futures
import json
import os
import pathlib
import subprocess
import sys
import typing as t

import pytest
from playbook_output import playbook_warnings

from ansible_collections.descope.mgmt.plugins.module_utils import _audit

CALLBACK = ("descope.mgmt.descope_audit",)
CANARY = "K2CanaryIntegrationKey0000000000000001"


def trail(runner: t.Any) -> list[dict[str, t.Any]]:
    directory = runner.base_env()["DESCOPE_AUDIT_DIR"]
    entries, _files = _audit.read_entries(directory)
    return entries


def audit_dir(runner: t.Any) -> str:
    return runner.base_env()["DESCOPE_AUDIT_DIR"]


@pytest.mark.smoke
def test_single_set_and_loop_tasks_are_recorded(playbook: t.Any, emulator: t.Any) -> None:
    tasks = [
        {"name": "single", "descope.mgmt.descope_tenant": {"id": "solo", "name": "Solo"}},
        {"name": "set", "descope.mgmt.descope_tenant": {"tenants": [{"id": f"s{i}", "name": f"Set {i}"} for i in range(3)]}},
        {"name": "loop", "descope.mgmt.descope_tenant": {"id": "{{ item }}", "name": "Loop {{ item }}"}, "loop": ["l1", "l2"]},
        {"name": "set again", "descope.mgmt.descope_tenant": {"tenants": [{"id": "s0", "name": "Set 0 renamed"}, {"id": "s1", "name": "Set 1"}]}},
        {"name": "not ours", "ansible.builtin.debug": {"msg": "hello"}},
    ]
    result = playbook.run(tasks, callbacks=CALLBACK)
    assert result.rc == 0, result.stdout + result.stderr
    entries = trail(playbook)
    assert [(e["task"], e["operation"], e["target_id"]) for e in entries] == [
        ("single", "create", "solo"),
        ("set", "create", "s0"),
        ("set", "create", "s1"),
        ("set", "create", "s2"),
        ("loop", "create", "l1"),
        ("loop", "create", "l2"),
        ("set again", "update", "s0"),
    ]
    first = entries[0]
    assert first["project_id"] == emulator.project_id and first["module"] == "descope_tenant" and first["host"] == "localhost"
    assert first["after"]["name"] == "Solo" and first["outcome"] == "ok" and first["check_mode"] is False and first["changed"] is True
    assert first["playbook"].endswith("play1.yml") and first["play"] == "descope test play" and first["user"]
    assert len({e["run_id"] for e in entries}) == 1 and entries[6]["before"]["name"] == "Set 0" and entries[6]["after"]["name"] == "Set 0 renamed"
    assert _audit.verify(audit_dir(playbook)).verified
    # set-mode lines: one per changed item and the counts, at normal verbosity
    assert "descope_tenant [localhost]: tenant s2: created" in result.stdout
    if not os.environ.get("DESCOPE_TEST_CANARY"):  # the canary stage runs at -vvvv, which lists every item
        assert "tenant s1: unchanged" not in result.stdout  # unchanged items are only counted (every item at -v)
    assert "3 item(s): 3 created" in result.stdout and "2 item(s): 0 created, 1 updated" in result.stdout


@pytest.mark.smoke
def test_check_mode_entries_are_marked(playbook: t.Any, emulator: t.Any) -> None:
    tasks = [{"name": "preview", "descope.mgmt.descope_tenant": {"tenants": [{"id": "c1", "name": "C1"}, {"id": "c2", "name": "C2"}]}}]
    result = playbook.run(tasks, check=True, diff=True, callbacks=CALLBACK)
    assert result.rc == 0, result.stdout + result.stderr
    entries = trail(playbook)
    assert [(e["target_id"], e["outcome"], e["check_mode"], e["changed"]) for e in entries] == [("c1", "check", True, True), ("c2", "check", True, True)]
    assert "tenant c1: would be created" in result.stdout and "check mode: nothing was written" in result.stdout
    assert emulator.writes() == []


@pytest.mark.slow
def test_parallel_runs_lose_nothing(playbook: t.Any, emulator: t.Any, tmp_path: pathlib.Path) -> None:
    shared = {"DESCOPE_AUDIT_DIR": audit_dir(playbook)}
    runners = []
    for n in range(2):
        workdir = tmp_path / f"parallel{n}"
        workdir.mkdir()
        runners.append(type(playbook)(emulator, workdir, playbook.collections))

    def run(n: int) -> t.Any:
        tasks = [{"name": f"run {n}", "descope.mgmt.descope_tenant": {"id": "p{{ item }}-" + str(n), "name": f"P{n} {{{{ item }}}}"}, "loop": list(range(25))}]
        return runners[n].run(tasks, callbacks=CALLBACK, env=shared)

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, range(2)))
    assert all(r.rc == 0 for r in results), [r.stdout + r.stderr for r in results]
    entries = trail(playbook)
    assert len(entries) == 50 and len({e["target_id"] for e in entries}) == 50 and len({e["run_id"] for e in entries}) == 2
    checked = _audit.verify(audit_dir(playbook))
    assert checked.verified and checked.lines == 50


def _run_named(runner: t.Any, name: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    run_env = runner.base_env()
    run_env.update(env or {})
    cmd = [str(pathlib.Path(sys.executable).parent / "ansible-playbook"), name, *args]
    proc = subprocess.run(cmd, env=run_env, cwd=runner.workdir, capture_output=True, text=True, timeout=300, check=False)
    # the report warns only that a trail without a key cannot prove it was not forged (and Ansible itself that
    # these runs have no inventory: the report is a localhost play)
    allowed = ("no audit key given", "No inventory was parsed", "provided hosts list is empty")
    assert playbook_warnings(proc.stdout + proc.stderr, allowed=allowed) == [], proc.stdout + proc.stderr
    return proc


@pytest.mark.smoke
@pytest.mark.slow
def test_edited_line_is_detected_by_info_and_report(playbook: t.Any) -> None:
    tasks = [{"name": "three", "descope.mgmt.descope_tenant": {"tenants": [{"id": f"e{i}", "name": f"E{i}"} for i in range(3)]}}]
    assert playbook.run(tasks, callbacks=CALLBACK).rc == 0
    report = _run_named(playbook, "descope.mgmt.audit_report")
    assert report.returncode == 0 and "Hash chain: verified, 3 line(s) intact" in report.stdout and "create tenant e1  ok [changed]" in report.stdout

    (path,) = _audit.trail_files(audit_dir(playbook))
    lines = pathlib.Path(path).read_text().splitlines()
    lines[1] = lines[1].replace('"E1"', '"Evil"')
    pathlib.Path(path).write_text("\n".join(lines) + "\n")

    info = playbook.run([{"name": "verify", "descope.mgmt.descope_audit_info": {"verify": True, "target_id": ["e1"]}}])
    out = info.task("verify")
    assert out["verified"] is False and out["first_broken_line"] == 2 and out["broken_file"] == path and "edited" in out["reason"]
    assert out["count"] == 1 and out["entries"][0]["after"]["name"] == "Evil"
    report = _run_named(playbook, "descope.mgmt.audit_report", "-e", "audit_outcome=ok")
    assert report.returncode != 0 and "Hash chain: BROKEN" in report.stdout and "line 2" in report.stdout


def test_a_failed_verify_under_failed_when_says_what_and_where(playbook: t.Any) -> None:
    """The documented example (register + failed_when: not check.verified) must not end in Ansible's "Unknown error"."""
    tasks = [{"name": "two", "descope.mgmt.descope_tenant": {"tenants": [{"id": f"w{i}", "name": f"W{i}"} for i in range(2)]}}]
    assert playbook.run(tasks, callbacks=CALLBACK).rc == 0
    (path,) = _audit.trail_files(audit_dir(playbook))
    lines = pathlib.Path(path).read_text().splitlines()
    lines[1] = lines[1].replace('"W1"', '"Evil"')
    pathlib.Path(path).write_text("\n".join(lines) + "\n")

    check = {"name": "verify", "descope.mgmt.descope_audit_info": {"verify": True}, "register": "check", "failed_when": "not check.verified"}
    run = playbook.run([check])
    assert run.rc != 0 and "Unknown error" not in run.stdout + run.stderr, run.stdout
    assert f"Audit trail verification failed at {path}:2: content does not match its seal" in run.stdout, run.stdout
    assert run.task("verify")["msg"].split(" Next steps: ")[1].startswith("1) do not trust the entries")


@pytest.mark.canary
def test_canary_key_never_appears_at_any_verbosity(playbook: t.Any, emulator: t.Any) -> None:
    emulator.seed(id=emulator.project_id, managementKey=CANARY, tenants=[])
    tasks = [
        {"name": "set", "descope.mgmt.descope_tenant": {"tenants": [{"id": "k1", "name": "K1"}, {"id": "k2", "name": "K2"}]}},
        {"name": "hidden", "descope.mgmt.descope_tenant": {"id": "k3", "name": "K3"}, "no_log": True},
        {"name": "literal key fails", "descope.mgmt.descope_tenant": {"id": "k4", "name": "K4", "management_key": CANARY + "x"}, "ignore_errors": True},
    ]
    result = playbook.run(tasks, callbacks=CALLBACK, env={"DESCOPE_MANAGEMENT_KEY": CANARY}, args=["-vvvv"])
    assert result.rc == 0, result.stdout[-3000:] + result.stderr
    text = pathlib.Path(_audit.trail_files(audit_dir(playbook))[0]).read_text()
    assert CANARY not in text and CANARY not in result.stdout and CANARY not in result.stderr
    entries = trail(playbook)
    hidden = [e for e in entries if e["task"] == "hidden"]
    assert len(hidden) == 1 and hidden[0]["hidden"] is True and hidden[0]["after"] is None and hidden[0]["target_id"] is None
    assert [e["outcome"] for e in entries if e["task"] == "literal key fails"] == ["failed"]
    assert "HTTP 401" in result.stdout


def test_unwritable_directory_warns_once_and_the_play_continues(playbook: t.Any, emulator: t.Any, tmp_path: pathlib.Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    tasks = [{"name": f"t{n}", "descope.mgmt.descope_tenant": {"id": f"w{n}", "name": f"W{n}"}} for n in range(2)]
    result = playbook.run(tasks, callbacks=CALLBACK, env={"DESCOPE_AUDIT_DIR": str(blocker / "audit")})
    assert result.rc == 0 and result.status("t1") == "changed"
    output = result.stdout + result.stderr
    assert output.count("cannot write the Descope audit trail") == 1 and "The play continues" in output
    assert {t["id"] for t in emulator.state()["tenants"]} >= {"w0", "w1"}


def test_required_audit_stops_changes(playbook: t.Any, emulator: t.Any, tmp_path: pathlib.Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    tasks = [
        {"name": "read", "descope.mgmt.descope_tenant_info": {}},
        {"name": "write", "descope.mgmt.descope_tenant": {"id": "r1", "name": "R1"}},
    ]
    result = playbook.run(tasks, callbacks=CALLBACK, env={"DESCOPE_AUDIT_DIR": str(blocker / "audit"), "DESCOPE_AUDIT_REQUIRED": "true"})
    assert result.rc != 0 and result.status("read") == "ok" and result.status("write") == "failed"
    assert "audit trail is required" in result.task("write")["msg"] and emulator.writes() == []


def _suggestion_run(playbook: t.Any, task: dict[str, t.Any]) -> t.Any:
    # the callback's full report (every recovery step) is printed at -v; at 0 the task's own message says it once
    result = playbook.run([dict(task, name="boom")], callbacks=CALLBACK, args=["-v"])
    assert result.rc != 0 and result.status("boom") == "failed"
    (entry,) = trail(playbook)
    assert entry["outcome"] == "failed" and entry["task"] == "boom"
    return result, entry


def test_401_prints_its_suggestion(playbook: t.Any) -> None:
    result, entry = _suggestion_run(playbook, {"descope.mgmt.descope_tenant": {"id": "a1", "name": "A", "management_key": "K2WrongKey0000000000000000000001"}})
    assert "descope.mgmt: descope_tenant on localhost, task 'boom'" in result.stdout and "HTTP 401" in result.stdout
    assert "expired" in result.stdout and "swapped" in result.stdout and "AWX" in result.stdout
    assert entry["error"]["status"] == 401 and "K2WrongKey" not in pathlib.Path(_audit.trail_files(audit_dir(playbook))[0]).read_text()


def test_404_prints_its_suggestion(playbook: t.Any, emulator: t.Any) -> None:
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "status", "status": 404, "count": 1})
    result, entry = _suggestion_run(playbook, {"descope.mgmt.descope_tenant": {"id": "gone", "name": "Gone", "retries": 0}})
    assert "HTTP 404" in result.stdout and "'gone' does not exist" in result.stdout and "descope_tenant_info" in result.stdout
    assert entry["target_id"] == "gone" and entry["error"]["status"] == 404


def test_429_prints_its_suggestion(playbook: t.Any, emulator: t.Any) -> None:
    emulator.faults({"path": "*", "kind": "rate_limit", "retryAfter": 7, "count": None})
    result, entry = _suggestion_run(playbook, {"descope.mgmt.descope_tenant": {"id": "busy", "name": "Busy", "retries": 0}})
    assert "HTTP 429" in result.stdout and "wait 7 second" in result.stdout and "concurrency" in result.stdout and "forks" in result.stdout, result.stdout
    assert entry["error"]["status"] == 429


def test_validation_errors_are_listed_item_by_item(playbook: t.Any, emulator: t.Any) -> None:
    tasks = [{"name": "bad", "descope.mgmt.descope_tenant": {"tenants": [{"id": "ok", "name": "Ok"}, {"id": "dup", "name": "Ok"}]}}]
    result = playbook.run(tasks, callbacks=CALLBACK)
    assert result.rc != 0 and "item 1" in result.stdout and "Next steps: 1) " in result.stdout and "nothing was written" in result.stdout
    (entry,) = trail(playbook)
    assert entry["error"]["kind"] == "validation" and emulator.writes() == []


def test_callback_not_enabled_writes_nothing(playbook: t.Any) -> None:
    assert playbook.run([{"name": "x", "descope.mgmt.descope_tenant": {"id": "n1", "name": "N1"}}]).rc == 0
    assert _audit.trail_files(audit_dir(playbook)) == []


def test_ini_options(playbook: t.Any, tmp_path: pathlib.Path) -> None:
    cfg = tmp_path / "ansible.cfg"
    ini_dir = tmp_path / "ini-audit"
    cfg.write_text(f"[descope_audit]\ndir = {ini_dir}\nprogress = false\n")
    tasks = [{"name": "set", "descope.mgmt.descope_tenant": {"tenants": [{"id": "i1", "name": "I1"}, {"id": "i2", "name": "I2"}]}}]
    result = playbook.run(tasks, callbacks=CALLBACK, env={"ANSIBLE_CONFIG": str(cfg), "DESCOPE_AUDIT_DIR": None})
    assert result.rc == 0 and "tenant i1: created" not in result.stdout
    assert len(_audit.read_entries(str(ini_dir))[0]) == 2
    assert json.loads(pathlib.Path(_audit.trail_files(str(ini_dir))[0]).read_text().splitlines()[0])["prev"] == _audit.GENESIS


def test_awx_job_defaults_to_the_artifacts_directory(playbook: t.Any, tmp_path: pathlib.Path) -> None:
    artifacts = tmp_path / "runner" / "artifacts" / "42"
    artifacts.mkdir(parents=True)
    env = {"DESCOPE_AUDIT_DIR": None, "AWX_ISOLATED_DATA_DIR": str(artifacts), "JOB_ID": "42"}
    tasks = [{"name": "awx", "descope.mgmt.descope_tenant": {"id": "awx1", "name": "AWX 1"}}]
    result = playbook.run(tasks, callbacks=CALLBACK, env=env, extra_vars={"awx_job_id": 42, "awx_user_name": "alice"})
    assert result.rc == 0, result.stdout + result.stderr
    (entry,) = _audit.read_entries(str(artifacts / "descope_audit"))[0]
    assert entry["awx_job_id"] == "42" and entry["awx_user"] == "alice" and entry["target_id"] == "awx1"
