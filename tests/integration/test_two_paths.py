# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Two paths, one behaviour: the in-process action plugin and the module (AnsiballZ) path give the same result.

The module path (DESCOPE_MGMT_IN_PROCESS=false) also proves that the module_utils subpackages
(_pipeline/, _tenant/, _flow/, _backup/) are packaged into AnsiballZ with every module.
"""

from __future__ import annotations

import json
import typing as t

import pytest

PATHS = {"in-process": {}, "module": {"DESCOPE_MGMT_IN_PROCESS": "false"}}
TENANT = "descope.mgmt.descope_tenant"
# keys that differ by path on purpose: the module path reports its arguments, timing is per run
VOLATILE = ("invocation", "api_requests", "_ansible_no_log", "duration_ms", "_ansible_verbose_always")


def comparable(value: t.Any) -> t.Any:
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value


@pytest.mark.slow
def test_every_module_runs_on_both_paths_with_the_same_result(playbook: t.Any, emulator: t.Any, tmp_path: t.Any) -> None:
    tasks = [
        {"name": "tenant", TENANT: {"tenants": [{"id": "a", "name": "A"}, {"id": "b", "name": "B", "parent_tenant_id": "a"}]}},
        {"name": "tenant again", TENANT: {"id": "a", "name": "A"}},
        {"name": "tenant info", "descope.mgmt.descope_tenant_info": {}},
        {"name": "flow info", "descope.mgmt.descope_flow_info": {}},
        {"name": "flow absent", "descope.mgmt.descope_flow": {"flow_id": "no-such-flow", "state": "absent"}},
        {"name": "permission", "descope.mgmt.descope_permission": {"permissions": [{"name": "p.one"}, {"name": "p.two", "description": "two"}]}},
        {"name": "role", "descope.mgmt.descope_role": {"roles": [{"name": "r.one", "permission_names": ["p.one"]}, {"name": "r.two", "tenant_id": "a"}]}},
        {"name": "role info", "descope.mgmt.descope_role_info": {"tenant_ids": ["a"]}},
        {"name": "permission info", "descope.mgmt.descope_permission_info": {}},
        {"name": "backup", "descope.mgmt.descope_backup": {"backup_dir": "{{ backup_dir }}", "include": ["tenants", "theme"]}},
    ]
    outcomes = {}
    for path, env in PATHS.items():
        emulator.reset()
        run = playbook.run(tasks, env=env, extra_vars={"backup_dir": str(tmp_path / path)})
        assert run.rc == 0, run.stdout + run.stderr
        outcomes[path] = {task["name"]: comparable(task["result"]) for task in run.tasks}
        if path == "module":
            assert all("invocation" in task["result"] for task in run.tasks), "expected AnsiballZ module runs"
    for name in ("tenant", "tenant again", "tenant info", "flow info", "flow absent", "permission", "role", "role info", "permission info"):
        assert outcomes["in-process"][name] == outcomes["module"][name], name
    backups = {p: outcomes[p]["backup"] for p in PATHS}
    assert backups["in-process"]["backup"]["counts"] == backups["module"]["backup"]["counts"]
    assert backups["in-process"]["backup"]["content_sha256"] == backups["module"]["backup"]["content_sha256"]


@pytest.mark.canary
@pytest.mark.parametrize("path", PATHS)
def test_no_log_option_values_are_scrubbed_on_both_paths(playbook: t.Any, emulator: t.Any, path: str) -> None:
    """A value of a no_log option (management_key) pasted into another field is refused on both paths and never shown."""
    key = emulator.management_key
    task = {"name": "named like the key", TENANT: {"id": "k1", "name": key, "management_key": key}}
    run = playbook.run([task], env=PATHS[path])
    assert run.rc != 0, run.stdout + run.stderr
    result = run.task("named like the key")
    assert key not in json.dumps(result) and key not in run.stdout + run.stderr
    assert result["failed"] and "name: holds the management key (task argument 'management_key')" in result["msg"], result
    assert emulator.state()["tenants"] == [] and emulator.requests() == []  # refused, not only masked (test_pasted_secrets.py)


@pytest.mark.parametrize("path", PATHS)
def test_a_no_log_task_is_censored_on_both_paths(playbook: t.Any, emulator: t.Any, path: str) -> None:
    task = {"name": "hidden", TENANT: {"id": "h1", "name": "Hidden"}, "no_log": True}
    run = playbook.run([task], env=PATHS[path])
    assert run.rc == 0, run.stdout + run.stderr
    result = run.task("hidden")
    assert "tenant" not in result and "censored" in result and "Hidden" not in run.stdout


@pytest.mark.parametrize("path", PATHS)
def test_async_is_refused_with_the_documented_message_before_any_request(playbook: t.Any, emulator: t.Any, path: str) -> None:
    task = {"name": "async", TENANT: {"id": "a1", "name": "A"}, "async": 30, "poll": 2, "ignore_errors": True}
    run = playbook.run([task], env=PATHS[path])
    result = run.task("async")
    assert result["failed"] and "does not support async: remove async and poll" in result["msg"], result
    assert emulator.requests() == []
