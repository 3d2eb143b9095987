# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit journal on a disk that fills during a task, through real ansible-playbook runs.

With the audit required, a write whose intent the journal cannot take is not sent, nor is any after it, the task
fails naming the journal and the cause, and every write that went out is in the journal. Without "required" the
writes go on with one warning. Two real faults: a 64 KiB tmpfs that the test mounts (skipped, loudly, where
mounting is not permitted) and the journal's name pointed at /dev/full mid-task, whose write(2) answers ENOSPC.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import threading
import time
import typing as t
import warnings

import pytest

CALLBACK = ("descope.mgmt.descope_audit",)
TENANTS = [{"id": f"d{i:02d}", "name": f"Disk {i}"} for i in range(60)]
SYNC = {"name": "sync", "descope.mgmt.descope_tenant": {"tenants": TENANTS}}


def _journal_dir(playbook: t.Any) -> pathlib.Path:
    return pathlib.Path(playbook.base_env()["DESCOPE_AUDIT_DIR"]) / "journal"


def _sent(path: pathlib.Path) -> list[str]:
    """The target ids of the journal's intent lines (a line torn by the full disk does not parse)."""
    out = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("state") == "sent":
            out.append(entry["target_id"])
    return out


def _created(emulator: t.Any) -> list[str]:
    return [tenant["id"] for tenant in emulator.state()["tenants"]]


def _creates(emulator: t.Any) -> int:
    return sum(1 for w in emulator.writes() if w["path"] == "/v1/mgmt/tenant/create")


class _DevFullAfter(threading.Thread):
    """Once ``after`` creates reached the emulator, point the run's journal name at /dev/full.

    The journal's inode stays reachable through a hard link (``kept``), so the test reads what it holds.
    """

    def __init__(self, playbook: t.Any, emulator: t.Any, after: int) -> None:
        super().__init__(daemon=True)
        self.playbook, self.emulator, self.after = playbook, emulator, after
        self.kept: pathlib.Path | None = None
        self.halt = threading.Event()

    def run(self) -> None:
        deadline = time.monotonic() + 120
        while not self.halt.is_set() and time.monotonic() < deadline:
            journals = list(_journal_dir(self.playbook).glob("*.jsonl")) if _journal_dir(self.playbook).is_dir() else []
            if journals and _creates(self.emulator) >= self.after:
                (journal,) = journals
                self.kept = journal.with_suffix(".kept")
                os.link(journal, self.kept)
                link = journal.with_suffix(".full")
                link.symlink_to("/dev/full")
                os.replace(link, journal)
                return
            time.sleep(0.02)


CONCURRENCY = 4  # the module's default


def _all_sent_are_journaled(journaled: list[str], created: list[str]) -> None:
    """Every write that went out is in the journal, written before it was sent; at most the other workers' intents
    written in the instant before the disk filled are there and were held back (the trail records them skipped)."""
    assert set(created) <= set(journaled), sorted(set(created) - set(journaled))
    assert len(journaled) == len(set(journaled))
    assert len(journaled) - len(created) <= CONCURRENCY - 1, sorted(set(journaled) - set(created))


def _required_env(required: bool) -> dict[str, str | None]:
    return {"DESCOPE_AUDIT_REQUIRED": "true" if required else "false"}


@pytest.mark.canary
@pytest.mark.parametrize("required", [True, False], ids=["required", "not-required"])
def test_journal_on_dev_full_mid_task(playbook: t.Any, emulator: t.Any, required: bool) -> None:
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "delay", "seconds": 0.15, "count": None})
    swap = _DevFullAfter(playbook, emulator, after=8)
    swap.start()
    try:
        result = playbook.run([SYNC], callbacks=CALLBACK, env=_required_env(required))
    finally:
        swap.halt.set()
        swap.join()
    assert swap.kept is not None, "the run ended before the journal could be swapped"
    output = result.stdout + result.stderr
    created = _created(emulator)
    journal = str(swap.kept.with_suffix(".jsonl"))
    if required:
        assert result.rc != 0 and result.status("sync") == "failed", output
        msg = result.task("sync")["msg"]
        assert journal in msg and "the disk is full (ENOSPC)" in msg and "DESCOPE_AUDIT_REQUIRED" in msg, msg
        assert "no further write was sent" in msg and "Free space" in msg
        assert 8 <= len(created) < len(TENANTS)
        _all_sent_are_journaled(_sent(swap.kept), created)
        assert _creates(emulator) == len(created)
    else:
        assert result.rc == 0, output
        assert sorted(created) == sorted(t_["id"] for t_ in TENANTS)  # the run went on
        assert output.count("Writes went on without it") == 1, output
        assert journal in output and "ENOSPC" in output


def test_check_mode_journals_no_write(playbook: t.Any, emulator: t.Any, tmp_path: pathlib.Path) -> None:
    flag = tmp_path / "journal-swapped"
    tasks = [{"name": "wait", "ansible.builtin.wait_for": {"path": str(flag), "timeout": 60}}, SYNC]
    done: list[t.Any] = []
    runner = threading.Thread(target=lambda: done.append(playbook.run(tasks, check=True, callbacks=CALLBACK, env=_required_env(True))))
    runner.start()
    deadline = time.monotonic() + 60
    while not list(_journal_dir(playbook).glob("*.jsonl")) if _journal_dir(playbook).is_dir() else True:
        assert time.monotonic() < deadline, "the run opened no journal"
        time.sleep(0.02)
    (journal,) = list(_journal_dir(playbook).glob("*.jsonl"))
    link = journal.with_suffix(".full")
    link.symlink_to("/dev/full")
    os.replace(link, journal)  # any journal line now fails with ENOSPC, and would fail the task (required)
    flag.write_text("go")
    runner.join(timeout=120)
    (result,) = done
    assert result.rc == 0, result.stdout + result.stderr
    assert result.task("sync")["changed"] is True  # 60 creates planned
    # no journal failure reported (the word "journal" itself is in this test's temporary path, printed at -vvvv)
    output = result.stdout + result.stderr
    assert emulator.writes() == [] and "ENOSPC" not in output and "disk is full" not in output


@pytest.fixture
def small_audit_fs(playbook: t.Any) -> t.Iterator[pathlib.Path]:
    """A 64 KiB tmpfs as the audit directory, nearly full; always unmounted."""
    where = pathlib.Path(playbook.base_env()["DESCOPE_AUDIT_DIR"])
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(where)], capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        message = f"SKIPPED: cannot mount a tmpfs here ({mounted.stderr.strip()}); the /dev/full variant still runs"
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    try:
        free = os.statvfs(where).f_bavail * os.statvfs(where).f_frsize
        (where / "filler").write_bytes(b"\0" * (free - 3 * 4096))  # three pages left: a few dozen journal lines
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.mark.parametrize("required", [True, False], ids=["required", "not-required"])
def test_journal_on_a_filling_tmpfs(playbook: t.Any, emulator: t.Any, small_audit_fs: pathlib.Path, required: bool) -> None:
    result = playbook.run([SYNC], callbacks=CALLBACK, env=_required_env(required))
    output = result.stdout + result.stderr
    created = _created(emulator)
    (journal,) = list((small_audit_fs / "journal").glob("*.jsonl"))  # the trail could not take it either: kept
    if required:
        assert result.rc != 0 and result.status("sync") == "failed", output
        msg = result.task("sync")["msg"]
        assert str(journal) in msg and "the disk is full (ENOSPC)" in msg, msg
        assert 0 < len(created) < len(TENANTS)
        _all_sent_are_journaled(_sent(journal), created)
        assert _creates(emulator) == len(created)
        (small_audit_fs / "filler").unlink()  # space again: the next run puts the journal's writes in the trail
        after = playbook.run([{"name": "noop", "ansible.builtin.debug": {"msg": "next"}}], callbacks=CALLBACK)
        assert after.rc == 0, after.stdout + after.stderr
        lines = [json.loads(x) for f in sorted(small_audit_fs.glob("*.jsonl")) for x in f.read_text().splitlines() if x.strip()]
        recorded = {e["target_id"] for e in lines if e.get("operation") == "create" and e["outcome"] in ("ok", "unknown")}
        assert recorded == set(created)
    else:
        assert result.rc == 0, output
        assert sorted(created) == sorted(t_["id"] for t_ in TENANTS)
        assert output.count("Writes went on without it") == 1, output
        assert str(journal) in output and "ENOSPC" in output
