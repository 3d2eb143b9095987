# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options on both execution paths: precedence, the task's environment, missing libraries."""

from __future__ import annotations

import pathlib
import subprocess
import sys
import typing as t

import pytest

PATHS = {"in-process": {}, "module": {"DESCOPE_MGMT_IN_PROCESS": "false"}}
INFO = "descope.mgmt.descope_tenant_info"


@pytest.mark.smoke
@pytest.mark.parametrize("path", PATHS)
def test_precedence_task_then_module_defaults_then_environment(playbook: t.Any, emulator: t.Any, path: str) -> None:
    emulator.seed(tenants=[{"id": "t1", "name": "One"}])
    env = {**PATHS[path], "DESCOPE_MANAGEMENT_KEY": "K2WrongKeyFromTheEnvironment000001"}
    play = {"module_defaults": {"group/descope.mgmt.descope": {"management_key": emulator.management_key}}}
    run = playbook.run(
        [
            {"name": "defaults beat the environment", INFO: {}},
            {"name": "the task beats the defaults", INFO: {"management_key": "K2WrongKeyOnTheTask00000000001"}, "ignore_errors": True},
        ],
        env=env,
        play=play,
    )
    assert [x["id"] for x in run.task("defaults beat the environment")["tenants"]] == ["t1"]
    failed = run.task("the task beats the defaults")
    assert failed["failed"] and failed["error"]["status"] == 401
    assert "K2WrongKey" not in run.stdout + run.stderr


@pytest.mark.parametrize("path", PATHS)
def test_the_tasks_environment_keyword_is_honoured(playbook: t.Any, emulator: t.Any, path: str) -> None:
    emulator.seed(tenants=[{"id": "t1", "name": "One"}])
    env = {**PATHS[path], "DESCOPE_PROJECT_ID": None, "DESCOPE_MANAGEMENT_KEY": None, "DESCOPE_BASE_URL": None}
    task = {
        "name": "credentials from environment:",
        INFO: {},
        "environment": {
            "DESCOPE_PROJECT_ID": emulator.project_id,
            "DESCOPE_MANAGEMENT_KEY": emulator.management_key,
            "DESCOPE_BASE_URL": emulator.base_url,
        },
    }
    run = playbook.run([task], env=env)
    assert run.rc == 0, run.stdout
    assert [x["id"] for x in run.task("credentials from environment:")["tenants"]] == ["t1"]


def test_missing_requests_gives_the_standard_message(playbook: t.Any, emulator: t.Any, tmp_path: pathlib.Path) -> None:
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True, timeout=120)
    interpreter = bare / "bin" / "python"
    task = {"name": "no requests here", INFO: {}, "ignore_errors": True, "vars": {"ansible_python_interpreter": str(interpreter)}}
    run = playbook.run([task], env=PATHS["module"])
    result = run.task("no requests here")
    assert result["failed"] is True
    assert "Failed to import the required Python library (requests)" in result["msg"]
    assert "Traceback" not in result["msg"] and "Traceback" not in run.stdout
    assert emulator.requests() == []
