# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The engine sends no write once the controller is gone, or once a required journal could not take a write's intent."""

from __future__ import annotations

import errno
import json
import os
import pathlib
import subprocess
import sys
import textwrap
import time
import typing as t

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils._audit import journal
from ansible_collections.descope.mgmt.plugins.module_utils._change import Change, first_error
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import _apply, _lifeline
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._apply import execute

FULL = pathlib.Path("/dev/full")


def _writes(log: list[str], n: int, hook: t.Callable[[int], None] | None = None) -> list[Change]:
    def make(i: int) -> t.Callable[[t.Any], None]:
        def apply(_client: t.Any) -> None:
            log.append(f"t{i}")
            if hook is not None:
                hook(i)

        return apply

    return [Change("tenant", f"t{i}", "create", None, {"name": f"T{i}"}, make(i)) for i in range(n)]


def _sent(path: pathlib.Path) -> list[str]:
    out = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("state") == journal.SENT:
            out.append(entry["target_id"])
    return out


def _to_dev_full(path: str) -> None:
    link = path + ".full"
    os.symlink(FULL, link)
    os.replace(link, path)


@pytest.fixture
def run_journal(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> t.Iterator[tuple[str, pathlib.Path]]:
    path, fd = journal.open_run(str(tmp_path), "run-halt", {})
    kept = tmp_path / "kept.jsonl"
    os.link(path, kept)  # the journal's content stays readable once its name points at /dev/full
    monkeypatch.setenv(journal.ENV_JOURNAL, path)
    try:
        yield path, kept
    finally:
        os.close(fd)


def test_a_dead_controller_lets_no_write_start(monkeypatch: pytest.MonkeyPatch) -> None:
    log: list[str] = []
    changes = _writes(log, 10)
    monkeypatch.setattr(_lifeline, "alive", lambda: False)
    execute(changes, client=None, check_mode=False, concurrency=4)
    assert log == []
    assert {c.outcome for c in changes} == {"skipped"}
    error = first_error(changes)
    assert error is not None and error["kind"] == "interrupted" and "controller process ended" in error["message"]


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full (write(2) answers ENOSPC)")
@pytest.mark.parametrize("concurrency", [1, 4])
def test_required_journal_that_fills_mid_task_stops_the_writes(
    run_journal: tuple[str, pathlib.Path], monkeypatch: pytest.MonkeyPatch, concurrency: int
) -> None:
    path, kept = run_journal
    monkeypatch.setenv(journal.ENV_REQUIRED, "1")
    log: list[str] = []
    filled_at: list[int] = []

    def fill(i: int) -> None:
        if i == 5:
            _to_dev_full(path)
            filled_at.append(len(log))

    changes = _writes(log, 40, hook=fill)
    execute(changes, client=None, check_mode=False, concurrency=concurrency)
    # the writes in flight when the disk filled finish; none starts after
    assert filled_at and len(log) - filled_at[0] <= concurrency - 1, (log, filled_at)
    if concurrency == 1:
        assert log == [f"t{i}" for i in range(6)]
    sent = _sent(kept)
    assert set(log) <= set(sent) and len(sent) == len(set(sent))  # every write sent is in the journal, written before it
    # an intent written just before another worker's line hit the full disk is held back all the same (not sent)
    assert len(sent) - len(log) <= concurrency - 1
    assert sorted(c.target_id for c in changes if c.outcome == "ok") == sorted(log)
    assert all(c.outcome == "skipped" for c in changes if c.target_id not in log)
    error = first_error(changes)
    assert error is not None and error["kind"] == "file"
    assert path in error["message"] and "the disk is full (ENOSPC)" in error["message"] and "DESCOPE_AUDIT_REQUIRED" in error["message"]
    assert journal.unjournaled_warning() is None


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full (write(2) answers ENOSPC)")
def test_required_journal_unwritable_from_the_start_sends_nothing(run_journal: tuple[str, pathlib.Path], monkeypatch: pytest.MonkeyPatch) -> None:
    path, _kept = run_journal
    monkeypatch.setenv(journal.ENV_REQUIRED, "1")
    _to_dev_full(path)
    log: list[str] = []
    changes = _writes(log, 8)
    execute(changes, client=None, check_mode=False, concurrency=1)
    assert log == [] and {c.outcome for c in changes} == {"skipped"}
    assert "ENOSPC" in (first_error(changes) or {})["message"]


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full (write(2) answers ENOSPC)")
def test_journal_not_required_goes_on_with_one_warning(run_journal: tuple[str, pathlib.Path]) -> None:
    path, _kept = run_journal
    log: list[str] = []
    changes = _writes(log, 20, hook=lambda i: _to_dev_full(path) if i == 3 else None)
    execute(changes, client=None, check_mode=False, concurrency=2)
    assert len(log) == 20 and {c.outcome for c in changes} == {"ok"}
    assert journal.blocked() is None
    warning = journal.unjournaled_warning()
    assert warning is not None and path in warning and "ENOSPC" in warning and "Writes went on without it" in warning


def test_the_failure_names_each_cause(tmp_path: pathlib.Path) -> None:
    where = str(tmp_path / "j.jsonl")
    causes = {
        errno.ENOSPC: "the disk is full (ENOSPC)",
        errno.EDQUOT: "the disk quota is exhausted (EDQUOT)",
        errno.EROFS: "the file system is read-only (EROFS)",
        errno.EACCES: "permission denied (EACCES)",
        errno.EIO: "(EIO)",
    }
    for code, text in causes.items():
        why = journal._why(where, OSError(code, os.strerror(code)))  # pylint: disable=protected-access
        assert why.startswith(f"the Descope audit journal {where} cannot be written: ") and why.endswith(text), why


# a controller that forks a worker which watches it, starts a 1.5 s write (in flight) and then keeps trying to write
_WORKER = textwrap.dedent(
    """
    import os, sys, time
    from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import _lifeline
    out = sys.argv[1]
    pid = os.fork()
    if pid == 0:
        _lifeline.watch(os.getppid())
        with open(out, "a") as log:
            log.write(f"worker {os.getpid()}\\n"); log.flush()
            with _lifeline.sending():
                time.sleep(1.5)  # in flight when the controller dies: it finishes
                log.write(f"finished alive={_lifeline.alive()}\\n"); log.flush()
            while True:
                log.write(f"try alive={_lifeline.alive()}\\n"); log.flush()
                time.sleep(0.05)
    time.sleep(60)
    """
)


def _state(pid: int) -> str | None:
    try:
        return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


@pytest.mark.skipif(not pathlib.Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_a_worker_whose_controller_is_killed_ends_itself(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "worker.log"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    controller = subprocess.Popen([sys.executable, "-c", _WORKER, str(out)], env=env)
    worker = None
    try:
        deadline = time.monotonic() + 30
        while worker is None and time.monotonic() < deadline:
            if out.exists() and out.read_text().startswith("worker "):
                worker = int(out.read_text().split()[1])
            time.sleep(0.02)
        assert worker is not None, "the worker never started"
        controller.kill()
        controller.wait(timeout=10)
        gone_by = time.monotonic() + _lifeline.GRACE + 3
        while _state(worker) not in (None, "Z") and time.monotonic() < gone_by:
            time.sleep(0.05)
        assert _state(worker) in (None, "Z"), "the orphaned worker is still running"
        lines = out.read_text().splitlines()
        assert "finished alive=False" in lines  # the write in flight finished, after the controller died
        assert all(line == "try alive=False" for line in lines[2:])  # every later attempt saw the controller gone
    finally:
        if controller.poll() is None:
            controller.kill()
            controller.wait(timeout=10)
        if worker is not None and _state(worker) not in (None, "Z"):
            os.kill(worker, 9)


# a module process (the module path): its result pipe goes to a reader that then goes away, as a dead worker's does
_MODULE = textwrap.dedent(
    """
    import os, sys, time
    from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import _lifeline
    out = sys.argv[1]
    _lifeline.watch_output(1)
    with open(out, "a") as log:
        log.write(f"module {os.getpid()} alive={_lifeline.alive()}\\n"); log.flush()
        with _lifeline.sending():
            time.sleep(1.0)  # in flight when the reader goes: it finishes
            log.write(f"finished alive={_lifeline.alive()}\\n"); log.flush()
        while True:
            log.write(f"try alive={_lifeline.alive()}\\n"); log.flush()
            time.sleep(0.05)
    """
)


@pytest.mark.skipif(not pathlib.Path("/proc/self/stat").exists(), reason="reads process states from /proc")
@pytest.mark.parametrize("controller_known", [False, True])
def test_a_module_whose_reader_is_gone_stops_writing_and_ends_itself(tmp_path: pathlib.Path, controller_known: bool) -> None:
    out = tmp_path / "module.log"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    env.pop(_lifeline.CONTROLLER_ENV, None)
    stand_in = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # plays the controller
    if controller_known:
        env[_lifeline.CONTROLLER_ENV] = str(stand_in.pid)
    module = subprocess.Popen([sys.executable, "-c", _MODULE, str(out)], env=env, stdout=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while not (out.exists() and out.read_text().startswith("module ")) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert out.read_text().split()[2] == "alive=True", out.read_text()
        if controller_known:
            stand_in.kill()  # the controller goes first; the pipe stays open a moment longer, as the worker's does
            stand_in.wait(timeout=10)
            time.sleep(0.3)
        assert module.stdout is not None
        module.stdout.close()  # nobody reads the module's result any more
        module.wait(timeout=_lifeline.GRACE + 5)
        lines = out.read_text().splitlines()
        assert module.returncode == _lifeline.EXIT_CODE
        assert "finished alive=False" in lines
        assert all(line == "try alive=False" for line in lines[2:]), lines
    finally:
        for proc in (module, stand_in):
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)


def test_a_module_path_without_a_pipe_watches_nothing(tmp_path: pathlib.Path) -> None:
    with open(tmp_path / "out", "w", encoding="utf-8") as handle:  # a file, as under pytest's capture: no-op
        _lifeline.watch_output(handle.fileno())
    assert _lifeline.alive()


def test_halted_reports_nothing_while_all_is_well(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(journal.ENV_JOURNAL, raising=False)
    assert _apply._halted() is None  # pylint: disable=protected-access
