# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared pipeline: failure keys, request stats, client reuse and the option checks every module shares."""

from __future__ import annotations

import types
import typing as t

import pytest
from harness import SPECS, run_spec

from ansible_collections.descope.mgmt.plugins.module_utils._change import Change
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError, DescopeValidationError, Problem
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_task
from ansible_collections.descope.mgmt.plugins.module_utils._spec import Outcome, Plan, ResourceSpec


def spec_running(handler: t.Callable[[TaskContext], dict[str, t.Any]]) -> ResourceSpec:
    return ResourceSpec("descope_x", "thing", {}, {}, run=lambda ctx: Outcome(handler(ctx)))


def test_success_result_gets_request_stats(emulator: t.Any) -> None:
    def handler(ctx: TaskContext) -> dict[str, t.Any]:
        ctx.client().get("/v1/mgmt/tenant/all")
        return {"changed": False, "msg": "read"}

    result = run_task(spec_running(handler), {}, check_mode=False, diff=False, environ=emulator.env, warn=lambda m: None)
    assert result["msg"] == "read" and result["api_requests"]["reads"] == 1 and result["api_requests"]["writes"] == 0
    assert result["descope_audit"]["module"] == "descope_x" and result["descope_audit"]["operations"] == []


def test_missing_credentials_fail_before_any_request(emulator: t.Any) -> None:
    def handler(ctx: TaskContext) -> dict[str, t.Any]:
        ctx.client().get("/v1/mgmt/tenant/all")
        return {"changed": False}

    result = run_task(spec_running(handler), {}, check_mode=False, diff=False, environ={}, warn=lambda m: None)
    assert result["failed"] is True and result["changed"] is False
    assert "DESCOPE_PROJECT_ID" in result["msg"] and "DESCOPE_MANAGEMENT_KEY" in result["msg"]
    assert result["descope_audit"]["operations"] == [] and result["error"]["kind"] == "config"
    assert "error" not in result["descope_audit"]  # kept once: the failure dump prints it once
    assert emulator.requests() == []


def test_api_error_becomes_standard_failure_keys(emulator: t.Any) -> None:
    canary = "K2CanaryRunnerKey000000000000001"

    def handler(ctx: TaskContext) -> dict[str, t.Any]:
        ctx.client().get("/v1/mgmt/tenant/all")
        return {"changed": False}

    env = dict(emulator.env, DESCOPE_MANAGEMENT_KEY=canary)
    result = run_task(spec_running(handler), {}, check_mode=False, diff=False, environ=env, warn=lambda m: None)
    assert result["failed"] and result["error"]["status"] == 401 and result["hint"]
    assert canary not in repr(result)
    assert result["descope_audit"]["project_id"] == emulator.project_id


def test_validation_error_carries_every_problem() -> None:
    def handler(ctx: TaskContext) -> dict[str, t.Any]:
        raise DescopeValidationError([Problem("name", "is required.", "Add it.", index=0), Problem("id", "duplicate.", "Rename.", index=1, id="a")])

    result = run_task(spec_running(handler), {"project_id": "P", "management_key": "K"}, False, False, {}, lambda m: None)
    assert result["failed"] and len(result["validation_errors"]) == 2 and "api_requests" not in result


def test_in_process_clients_are_reused(emulator: t.Any) -> None:
    seen: list[t.Any] = []

    def handler(ctx: TaskContext) -> dict[str, t.Any]:
        seen.append(ctx.client())
        return {"changed": False}

    for _run in range(2):
        run_task(spec_running(handler), {}, False, False, emulator.env, lambda m: None, in_process=True)
    run_task(spec_running(handler), {}, False, False, emulator.env, lambda m: None, in_process=False)
    assert seen[0] is seen[1] and seen[2] is not seen[0]


def test_not_found_error_is_flagged(emulator: t.Any) -> None:
    def handler(ctx: TaskContext) -> dict[str, t.Any]:
        try:
            ctx.client().get("/v1/mgmt/tenant", {"id": "missing"})
        except DescopeAPIError as exc:
            return {"changed": False, "absent": exc.is_not_found}
        return {"changed": False, "absent": False}

    assert run_task(spec_running(handler), {}, False, False, emulator.env, lambda m: None)["absent"] is True


def test_static_and_read_problems_are_reported_together_and_nothing_is_applied() -> None:
    applied: list[str] = []

    def declare(_ctx: TaskContext, problems: list[Problem]) -> str:
        problems.append(Problem("a", "static.", "Fix a."))
        return "declared"

    def plan(_ctx: TaskContext, declared: str, problems: list[Problem]) -> Plan:
        assert declared == "declared"
        problems.append(Problem("b", "against what exists.", "Fix b."))
        return Plan([Change("thing", "x", "create", None, {}, lambda _c: applied.append("x"))])

    spec = ResourceSpec("descope_x", "thing", {}, {}, declare=declare, plan=plan, read_despite_problems=True)
    result = run_task(spec, {"concurrency": 0, "project_id": "P", "management_key": "K"}, False, False, {}, lambda m: None)
    assert [p["field"] for p in result["validation_errors"]] == ["concurrency", "a", "b"] and applied == []


def test_without_read_despite_problems_a_static_problem_stops_before_plan() -> None:
    planned: list[str] = []

    def declare(_ctx: TaskContext, problems: list[Problem]) -> None:
        problems.append(Problem("a", "static.", "Fix a."))

    def plan(_ctx: TaskContext, _declared: None, _problems: list[Problem]) -> Plan:
        planned.append("plan")
        return Plan([])

    spec = ResourceSpec("descope_x", "thing", {}, {}, declare=declare, plan=plan)
    result = run_task(spec, {"project_id": "P", "management_key": "K"}, False, False, {}, lambda m: None)
    assert result["failed"] and planned == []


def test_skipped_writes_fail_the_task_for_every_spec() -> None:
    """A write not attempted (after a 401) is a failure, whatever the resource (it used to pass for flows)."""
    unauthorized = DescopeAPIError(401, "POST", "/v1/mgmt/x", "E011003", "Unauthorized")

    def refuse(_client: t.Any) -> None:
        raise unauthorized

    def plan(_ctx: TaskContext, _declared: None, _problems: list[Problem]) -> Plan:
        return Plan([Change("thing", "a", "create", None, {}, refuse), Change("thing", "b", "create", None, {}, lambda _c: None, phase=1)])

    spec = ResourceSpec("descope_x", "thing", {}, {}, plan=plan)
    ctx = TaskContext("descope_x", {"project_id": "P", "management_key": "K"}, False, False, {}, lambda m: None)
    ctx._client = t.cast(t.Any, types.SimpleNamespace(stats={}))  # the writes above never use it
    from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_in_context  # pylint: disable=import-outside-toplevel

    ctx.in_process = True  # keep the fake client (nothing to close)
    result = run_in_context(spec, ctx)
    assert result["failed"] and result["things"][1]["action"] == "skipped"
    assert result["msg"].startswith("2 of 2 thing(s) failed, 0 written;")
    assert result["descope_audit"]["counts"]["skipped"] == 1


CONCURRENT = sorted(name for name, spec in SPECS.items() if "concurrency" in spec.argument_spec)


def test_every_module_with_writes_or_exports_has_the_concurrency_option() -> None:
    assert CONCURRENT == ["descope_backup", "descope_flow", "descope_flow_info", "descope_tenant", "descope_tenant_settings"]


@pytest.mark.parametrize("module", CONCURRENT)
@pytest.mark.parametrize("value", [0, -1, 17, 1000])
def test_concurrency_outside_1_to_16_is_rejected_by_every_module(emulator: t.Any, tmp_path: t.Any, module: str, value: int) -> None:
    minimal = {
        "descope_backup": {"backup_dir": str(tmp_path)},
        "descope_flow": {"flow_id": "f1", "state": "absent"},
        "descope_flow_info": {},
        "descope_tenant": {"id": "t1", "name": "T"},
        "descope_tenant_settings": {"tenant_id": "t1", "password_policy": {"min_length": 9}},
    }[module]
    emulator.seed(tenants=[{"id": "t1", "name": "T"}] if module == "descope_tenant_settings" else [])  # settings need the tenant
    result = run_spec(module, {**minimal, "concurrency": value}, environ=emulator.env)
    assert result["failed"] and result["error"]["kind"] == "validation", result
    assert [p["field"] for p in result["validation_errors"]] == ["concurrency"]
    # reported with every other problem (tenants check items against what exists first), never written
    assert "between 1 and 16" in result["validation_errors"][0]["message"] and emulator.writes() == []


def test_a_management_key_pasted_into_a_description_never_reaches_the_result_diff_or_descope(emulator: t.Any) -> None:
    key = emulator.env["DESCOPE_MANAGEMENT_KEY"]
    params = {"roles": [{"name": "r", "description": key}], "permissions": [{"name": "p", "description": f"see {key}"}]}
    result = run_spec("descope_role", params, environ=emulator.env, diff=True)
    assert result["failed"] and [p["field"] for p in result["validation_errors"]] == ["roles[0].description", "permissions[0].description"]
    assert key not in repr(result)
    tenant = run_spec("descope_tenant", {"id": "t-secret", "name": key}, environ=emulator.env, diff=True)
    assert tenant["failed"] and key not in repr(tenant)
    assert emulator.requests() == []  # refused, not masked: nothing reached Descope (test_secrets.py covers every module)
