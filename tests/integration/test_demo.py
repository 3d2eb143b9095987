# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""scripts/demo as a new user runs it (the first command of the README): every step passes, the drift gate
included, with no warning, and the audit report tells what changed from what was only planned."""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_demo_ends_with_its_drift_gate_passing_and_a_true_audit_report(tmp_path: pathlib.Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DESCOPE_", "ANSIBLE_"))}
    env.update({"VENV": str(pathlib.Path(sys.executable).parent.parent), "DEMO_WORK": str(tmp_path / "demo"), "NO_COLOR": "1"})
    proc = subprocess.run([str(REPO / "scripts" / "demo")], env=env, capture_output=True, text=True, timeout=600, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "[WARNING]" not in out
    for step in range(1, 8):
        assert re.search(rf"^==== {step}\. ", proc.stdout, flags=re.MULTILINE), f"step {step} did not run"
    drift = (tmp_path / "demo" / "logs" / "drift.log").read_text(encoding="utf-8")
    assert re.search(r"^staging +: .*failed=0", drift, flags=re.MULTILINE) and re.search(r"^production +: .*failed=0", drift, flags=re.MULTILINE)
    # the report's figures against the trail itself: applied changes apart from check-mode plans
    lines = [json.loads(x) for f in sorted((tmp_path / "demo" / "audit").glob("*.jsonl")) for x in f.read_text().splitlines() if x.strip()]
    applied = sum(1 for e in lines if e["changed"] and not e["check_mode"])
    planned = sum(1 for e in lines if e["changed"] and e["check_mode"])
    assert applied and planned
    summary = " ".join(proc.stdout.split())
    assert f"changes applied: {applied}, planned in check mode (nothing written): {planned}," in summary
    assert "Hash chain: verified" in summary and "forgery would not be detected" not in summary
    # every real change has its plan in the dry run before it, and no real run recorded a plan of its own
    real_runs = {e["run_id"] for e in lines if not e["check_mode"] and e["changed"]}
    assert not any(e["check_mode"] for e in lines if e["run_id"] in real_runs)
