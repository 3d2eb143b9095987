# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live suite passes when DESCOPE_LIVE_* point at the emulator, and cleans up after a failing test.

Runs tests/live/test_live.py in a subprocess (as a person would run it) against a fresh emulator whose key is
a canary, then checks: every live test ran and passed, nothing with the ``dmlive-`` prefix is left, the
answers were recorded (into a temporary file, never the committed fixture) and the key is in no output or file.
"""

from __future__ import annotations

import os
import pathlib
import secrets
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

TESTS = pathlib.Path(__file__).resolve().parents[1]
REPO = TESTS.parent
sys.path.insert(0, str(TESTS))
sys.path.insert(0, str(TESTS / "live"))
from emulator.control_client import EmulatorControl  # noqa: E402  # pylint: disable=wrong-import-position
from emulator.launcher import EmulatorProcess  # noqa: E402  # pylint: disable=wrong-import-position
from live_target import redact  # noqa: E402  # pylint: disable=wrong-import-position

# the live suite runs real ansible-playbook against the emulator, in a subprocess of its own
pytestmark = [pytest.mark.integration, pytest.mark.slow]

LIVE_TESTS = 5  # the test functions of tests/live/test_live.py


@pytest.fixture
def canary_emulator():
    key = "K2LiveCanary" + secrets.token_hex(16)
    with EmulatorProcess(args=("--management-key", key), strict=True) as running:
        assert running.env["DESCOPE_MANAGEMENT_KEY"] == key
        yield EmulatorControl(running.env)


def run_live_suite(emulator, tmp_path, *args, name="run", env_extra=None):
    # not measured by coverage (COVERAGE_*): it would triple the run time, and the integration suite measures these modules
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DESCOPE_LIVE_", "PYTEST_", "COVERAGE_"))}
    env.pop("DESCOPE_PROJECT_ID", None)
    env.pop("DESCOPE_MANAGEMENT_KEY", None)
    env.pop("DESCOPE_BASE_URL", None)
    env.update(
        {
            "DESCOPE_LIVE_PROJECT_ID": emulator.project_id,
            "DESCOPE_LIVE_MANAGEMENT_KEY": emulator.management_key,
            "DESCOPE_LIVE_BASE_URL": emulator.base_url,
            "DESCOPE_LIVE_RECORD": "1",
            "DESCOPE_LIVE_ANSWERS_FILE": str(tmp_path / "answers.json"),
            **(env_extra or {}),
        }
    )
    junit = tmp_path / f"{name}.xml"
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-q", "-rA", f"--basetemp={tmp_path / name}", f"--junitxml={junit}"]
    proc = subprocess.run([*cmd, "tests/live/test_live.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=400, check=False)
    suite = ET.parse(junit).getroot().find("testsuite") if junit.exists() else None
    counts = {k: int(suite.get(k, -1)) for k in ("tests", "failures", "errors", "skipped")} if suite is not None else {}
    return proc, counts


def leftovers(emulator):
    state = emulator.state()
    tenants = [t["id"] for t in state["tenants"] if t["id"].startswith("dmlive-") or t["name"].startswith("dmlive-")]
    return tenants + [f for f in state["flows"] if f.startswith("dmlive-")]


def assert_no_key(emulator, proc, tmp_path):
    key = emulator.management_key
    assert key not in proc.stdout and key not in proc.stderr, "the key was printed by the live suite"
    files = [p for p in tmp_path.rglob("*") if p.is_file() and not p.is_symlink() and "collections" not in p.parts]
    assert files and not [str(p) for p in files if key.encode() in p.read_bytes()]


STALE = "dmlive-20200101t000000z-abcdef-old"  # what a killed run of 2020 left behind


def test_the_live_suite_passes_against_the_emulator(canary_emulator, tmp_path):
    # objects the suite did not create: a customer's tenant, a stale object of a killed run, the seeded flows and theme
    for body in ({"id": "customer-acme", "name": "Acme", "selfProvisioningDomains": ["acme.example.com"]}, {"id": STALE, "name": STALE}):
        assert canary_emulator.api("POST", "/v1/mgmt/tenant/create", json=body).status_code == 200
    before = canary_emulator.state()
    proc, counts = run_live_suite(canary_emulator, tmp_path)
    output = (proc.stdout[-8000:] + proc.stderr[-4000:]).replace(canary_emulator.management_key, "<key>")
    assert proc.returncode == 0, output
    assert counts == {"tests": LIVE_TESTS, "failures": 0, "errors": 0, "skipped": 0}, output
    after = canary_emulator.state()
    assert leftovers(canary_emulator) == [STALE]  # reported, not deleted, without DESCOPE_LIVE_SWEEP_STALE
    assert "dmlive-20200101t000000z-abcdef" in proc.stdout and "DESCOPE_LIVE_SWEEP_STALE" in proc.stdout
    assert [t for t in after["tenants"] if not t["id"].startswith("dmlive-")] == [t for t in before["tenants"] if not t["id"].startswith("dmlive-")]
    assert {k: v for k, v in after["flows"].items() if not k.startswith("dmlive-")} == before["flows"] and after["theme"] == before["theme"]
    answers = (tmp_path / "answers.json").read_text(encoding="utf-8")
    assert '"source": "emulator"' in answers and '"tenant_load_missing"' in answers
    assert_no_key(canary_emulator, proc, tmp_path)
    # writes happened (the suite really created, updated and deleted), all through the canary project
    assert any(r["write"] and r["path"] == "/v1/mgmt/tenant/create" for r in canary_emulator.requests())


def test_a_failing_live_test_still_cleans_up_and_redacts(canary_emulator, tmp_path):
    # every tenant update fails with an error page that echoes the key: the round trip fails after the create
    page = "<html>upstream error for Bearer %s:%s</html>" % (canary_emulator.project_id, canary_emulator.management_key)
    canary_emulator.faults({"path": "/v1/mgmt/tenant/update", "kind": "status", "status": 400, "body": page})
    assert canary_emulator.api("POST", "/v1/mgmt/tenant/create", json={"id": STALE, "name": STALE}).status_code == 200
    env = {"DESCOPE_LIVE_SWEEP_STALE": "1"}  # and this time the stale object goes
    proc, counts = run_live_suite(canary_emulator, tmp_path, "-k", "tenant_create_noop", name="failing", env_extra=env)
    output = (proc.stdout + proc.stderr).replace(canary_emulator.management_key, "<key>")
    assert proc.returncode == 1 and counts == {"tests": 1, "failures": 1, "errors": 0, "skipped": 0}, output
    assert "<redacted>" in proc.stdout  # the failure message was shown, without the key
    assert any(r["write"] and r["path"] == "/v1/mgmt/tenant/create" and r["status"] == 200 for r in canary_emulator.requests())
    assert leftovers(canary_emulator) == []
    assert_no_key(canary_emulator, proc, tmp_path)


def test_redact_removes_the_key_and_the_pieces_pytest_shows_of_it():
    key = "K2LiveCanary" + "0123456789abcdef" * 2
    text = f"Bearer P2x:{key} / assert '{key[:12]}...{key[-12:]}' == 'x' / P2EmulatorDefaultProject0001 kept"
    out = redact(text, key)
    assert key[:12] not in out and key[-12:] not in out and "<redacted>...<redacted>" in out
    assert "P2EmulatorDefaultProject0001 kept" in out and redact("short", "abc") == "short"
