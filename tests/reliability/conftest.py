# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reliability harness: run the collection's modules in process against the emulator.

``engine.run(module, params)`` does what the controller-side action plugin does (``tests/harness.py``:
the module's own argument spec validation, the shared pipeline, no_log scrubbing), then feeds the result to the real
``descope.mgmt.descope_audit`` callback, so each run leaves the same JSONL audit lines and printed
suggestions as a playbook would. The fault matrix uses this path for speed; tests/integration covers
the same contract through real ``ansible-playbook`` runs.
"""

from __future__ import annotations

import dataclasses
import pathlib
import types
import typing as t

import pytest
from harness import run_spec

from ansible_collections.descope.mgmt.plugins.callback import descope_audit as audit_callback
from ansible_collections.descope.mgmt.plugins.module_utils import _audit


class Display:
    """Stands in for ansible's Display inside the callback: keeps what would be printed."""

    # -v: the callback's full failure report (every recovery step) is what the fault matrix checks; at 0 a
    # message that already carries numbered next steps is not repeated (issue 14)
    verbosity = 1

    def __init__(self) -> None:
        self.lines: list[str] = []

    def display(self, msg: str, **_kw: t.Any) -> None:
        self.lines.append(msg)

    warning = error = display

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclasses.dataclass
class Outcome:
    result: dict[str, t.Any]
    warnings: list[str]
    printed: str
    audit: list[dict[str, t.Any]]
    requests: list[dict[str, t.Any]]
    audit_dir: pathlib.Path

    @property
    def failed(self) -> bool:
        return bool(self.result.get("failed"))

    @property
    def writes(self) -> list[dict[str, t.Any]]:
        return [r for r in self.requests if r["write"]]


class Engine:
    def __init__(self, emulator: t.Any, audit_dir: pathlib.Path) -> None:
        self.emulator = emulator
        self.audit_dir = audit_dir
        self.display = Display()
        self.callback = audit_callback.CallbackModule()
        self.callback._display = self.display
        self.callback.dir = str(audit_dir)
        self.runs = 0

    def run(self, module: str, params: t.Mapping[str, t.Any], check: bool = False, diff: bool = False, environ: t.Mapping[str, str] | None = None) -> Outcome:
        self.runs += 1
        since = self.emulator.last_seq()
        seen = len(_audit.read_entries(str(self.audit_dir))[0]) if self.audit_dir.exists() else 0
        printed_before = len(self.display.lines)
        warnings: list[str] = []
        env = dict(self.emulator.env if environ is None else environ)
        result = run_spec(module, params, check=check, diff=diff, environ=env, warn=warnings.append)
        task = types.SimpleNamespace(
            action=f"descope.mgmt.{module}",
            _resolved_action=None,
            no_log=False,
            check_mode=check,
            _uuid=f"task-{self.runs}",
            args=dict(params),
            get_name=lambda: f"{module} run {self.runs}",
        )
        self.callback.handle("failed" if result.get("failed") else "ok", "localhost", task, dict(result))
        entries = _audit.read_entries(str(self.audit_dir))[0] if self.audit_dir.exists() else []
        return Outcome(result, warnings, "\n".join(self.display.lines[printed_before:]), entries[seen:], self.emulator.requests(since=since), self.audit_dir)


@pytest.fixture
def engine(emulator: t.Any, tmp_path: pathlib.Path) -> Engine:
    return Engine(emulator, tmp_path / "audit")
