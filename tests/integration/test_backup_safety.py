# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_backup leftovers and results, through real ansible-playbook runs (issue 12).

* a backup killed mid-way (SIGTERM) leaves ``.tmp-*``: the next backup or retention removes it, never one a live
  process is still writing;
* retention meeting a stamp-named directory without a manifest returns ``ignored`` (``skipped`` made Ansible show the
  task as skipped) and its removals reach the audit trail;
* ``<backup_dir>/<project_id>`` being a regular file is named as such.
"""

from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import time
import typing as t

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils import _audit

BACKUP = "descope.mgmt.descope_backup"

# Runs the real write_backup, slowed down after the first file so it can be killed while its .tmp directory exists.
SLOW_WRITER = textwrap.dedent(
    """
    import sys, time
    from ansible_collections.descope.mgmt.plugins.module_utils._backup import _store
    real = _store._write_private
    def slow(path, data):
        real(path, data)
        time.sleep(60)
    _store._write_private = slow
    _store.write_backup(sys.argv[1], sys.argv[2], {"tenants.json": b"{}", "theme.json": b"{}"}, {"format_version": 1})
    """
)


def _start_writer(root: pathlib.Path, name: str) -> subprocess.Popen[bytes]:
    root.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(root), name], env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    for _attempt in range(600):  # bounded: 60 s
        if any(p.name.startswith(f".tmp-{name}-") for p in root.iterdir()):
            return proc
        time.sleep(0.1)
    proc.kill()
    raise AssertionError("the writer never created its temporary directory")


def _tmp_dirs(root: pathlib.Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".tmp-"))


def _audit_lines(playbook: t.Any) -> list[dict[str, t.Any]]:
    entries, _files = _audit.read_entries(str(pathlib.Path(playbook.workdir) / "audit"))
    return list(entries)


@pytest.mark.canary
def test_a_killed_backup_leaves_a_temporary_that_the_next_backup_removes(playbook: t.Any, emulator: t.Any) -> None:
    root = pathlib.Path(playbook.workdir) / "backups" / emulator.project_id
    killed = _start_writer(root, "20200101T000000Z")
    killed.send_signal(signal.SIGTERM)
    killed.wait(timeout=30)
    stale = _tmp_dirs(root)
    assert len(stale) == 1 and f"-p{killed.pid}-" in stale[0]
    live = _start_writer(root, "20200101T000001Z")  # a backup still being written by another process
    try:
        live_tmp = [n for n in _tmp_dirs(root) if n not in stale]
        time.sleep(1.1)  # the playbook's process must start after the killed writer's last write (mtime resolution)
        run = playbook.run([{"name": "backup", BACKUP: {"backup_dir": "backups"}}], callbacks=["descope.mgmt.descope_audit"], args=["-vvvv"])
        result = run.task("backup")
        assert run.rc == 0 and result["removed_temporary"] == stale, run.stdout[-3000:]
        assert _tmp_dirs(root) == live_tmp  # the live writer's directory is untouched
        assert emulator.writes() == []
        ops = [e for e in _audit_lines(playbook) if e.get("operation") == "retention"]
        assert [o["target_id"] for o in ops] == stale
        assert emulator.management_key not in run.stdout + run.stderr
    finally:
        live.kill()
        live.wait(timeout=30)
    # retention alone cleans too (the live writer is gone now)
    time.sleep(1.1)
    again = playbook.run([{"name": "retention", BACKUP: {"backup_dir": "backups", "state": "absent", "keep_last": 5}}])
    assert again.rc == 0 and again.task("retention")["removed_temporary"] == live_tmp and _tmp_dirs(root) == []


def test_retention_with_a_broken_stamp_directory_is_not_shown_as_skipped(playbook: t.Any, emulator: t.Any) -> None:
    backup = {"name": "backup", BACKUP: {"backup_dir": "backups", "force": True}}
    first = playbook.run([backup, backup, backup])
    assert first.rc == 0
    root = pathlib.Path(playbook.workdir) / "backups" / emulator.project_id
    (root / "20000101T000000Z").mkdir()  # stamp-named, no manifest
    run = playbook.run([{"name": "retention", BACKUP: {"backup_dir": "backups", "state": "absent", "keep_last": 1}}], callbacks=["descope.mgmt.descope_audit"])
    assert run.status("retention") == "changed", run.stdout[-2000:]
    result = run.task("retention")
    assert "skipped" not in result and result["ignored"][0]["name"] == "20000101T000000Z" and len(result["removed"]) == 2
    removed = [e["target_id"] for e in _audit_lines(playbook) if e.get("operation") == "retention"]
    assert sorted(removed) == sorted(r["name"] for r in result["removed"])
    assert (root / "20000101T000000Z").is_dir()


def test_project_path_that_is_a_regular_file_is_named(playbook: t.Any, emulator: t.Any) -> None:
    backups = pathlib.Path(playbook.workdir) / "backups"
    backups.mkdir()
    (backups / emulator.project_id).write_text("not a directory", encoding="utf-8")
    run = playbook.run(
        [
            {"name": "backup", "ignore_errors": True, BACKUP: {"backup_dir": "backups"}},
            {"name": "retention", "ignore_errors": True, BACKUP: {"backup_dir": "backups", "state": "absent", "keep_last": 1}},
        ]
    )
    for name in ("backup", "retention"):
        msg = run.task(name)["msg"]
        assert run.task(name)["failed"] is True and "is a regular file" in msg and "move or remove that file" in msg, msg
        assert "writable" not in msg
    assert emulator.writes() == []
