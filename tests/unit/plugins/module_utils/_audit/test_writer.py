# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The trail writer killed (SIGKILL, a real signal) at its weakest point: after the lines, before the checkpoint."""

from __future__ import annotations

import multiprocessing
import os
import pathlib
import signal
import typing as t

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils import _audit
from ansible_collections.descope.mgmt.plugins.module_utils._audit import writer

KEY = "test-audit-key-0123456789abcdef"


def _record(run: str, target: str) -> dict[str, t.Any]:
    return {"v": 2, "run_id": run, "time": "2026-11-28T10:00:00.000Z", "target_id": target}


def _killed_after_the_lines(path: str, run: str) -> None:
    # the append's lines are written and fsynced; the process dies as it starts on the checkpoint (kill -9 of ansible-playbook)
    writer._count_lines = lambda _fd: os.kill(os.getpid(), signal.SIGKILL)  # type: ignore[assignment]
    _audit.append(path, [_record(run, "t1"), _record(run, "t2")], key=KEY)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
@pytest.mark.parametrize("earlier", [0, 2], ids=["new-day-file", "file-with-other-runs"])
def test_a_run_killed_before_its_first_checkpoint_is_not_tampering(tmp_path: pathlib.Path, earlier: int) -> None:
    path = str(tmp_path / "2026-11-28.jsonl")
    for n in range(earlier):
        _audit.append(path, [_record("before", f"b{n}")], key=KEY)
    child = multiprocessing.get_context("fork").Process(target=_killed_after_the_lines, args=(path, "killed"))
    child.start()
    child.join(60)
    assert child.exitcode == -signal.SIGKILL
    assert len(pathlib.Path(path).read_text().splitlines()) == earlier + 2  # the killed run's lines are there
    _audit.append(path, [_record("after", "a1")], key=KEY)  # the next run goes on
    result = _audit.verify(str(tmp_path), KEY)
    assert result.verified and result.problems == [], result.problems
    # cutting the lines of a run that completed is still found
    lines = pathlib.Path(path).read_text().splitlines(keepends=True)
    pathlib.Path(path).write_text("".join(lines[:-1]))
    assert not _audit.verify(str(tmp_path), KEY).verified
