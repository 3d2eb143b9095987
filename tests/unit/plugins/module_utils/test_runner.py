# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError, DescopeValidationError, Problem
from ansible_collections.descope.mgmt.plugins.module_utils._runner import TaskContext, run_task


def test_success_result_gets_request_stats(emulator: t.Any) -> None:
    def handler(ctx: TaskContext) -> dict[str, t.Any]:
        ctx.client().get("/v1/mgmt/tenant/all")
        return {"changed": False, "msg": "read"}

    result = run_task(handler, "descope_x", {}, check_mode=False, diff=False, environ=emulator.env, warn=lambda m: None)
    assert result["msg"] == "read" and result["api_requests"]["reads"] == 1 and result["api_requests"]["writes"] == 0


def test_missing_credentials_fail_before_any_request(emulator: t.Any) -> None:
    def handler(ctx: TaskContext) -> dict[str, t.Any]:
        ctx.client().get("/v1/mgmt/tenant/all")
        return {"changed": False}

    result = run_task(handler, "descope_x", {}, check_mode=False, diff=False, environ={}, warn=lambda m: None)
    assert result["failed"] is True and result["changed"] is False
    assert "DESCOPE_PROJECT_ID" in result["msg"] and "DESCOPE_MANAGEMENT_KEY" in result["msg"]
    assert result["descope_audit"]["operations"] == [] and result["descope_audit"]["error"]["kind"] == "config"
    assert emulator.requests() == []


def test_api_error_becomes_standard_failure_keys(emulator: t.Any) -> None:
    canary = "K2CanaryRunnerKey000000000000001"

    def handler(ctx: TaskContext) -> dict[str, t.Any]:
        ctx.client().get("/v1/mgmt/tenant/all")
        return {"changed": False}

    env = dict(emulator.env, DESCOPE_MANAGEMENT_KEY=canary)
    result = run_task(handler, "descope_x", {}, check_mode=False, diff=False, environ=env, warn=lambda m: None)
    assert result["failed"] and result["error"]["status"] == 401 and result["hint"]
    assert canary not in repr(result)
    assert result["descope_audit"]["project_id"] == emulator.project_id


def test_validation_error_carries_every_problem() -> None:
    def handler(ctx: TaskContext) -> dict[str, t.Any]:
        raise DescopeValidationError([Problem("name", "is required.", "Add it.", index=0), Problem("id", "duplicate.", "Rename.", index=1, id="a")])

    result = run_task(handler, "descope_x", {"project_id": "P", "management_key": "K"}, False, False, {}, lambda m: None)
    assert result["failed"] and len(result["validation_errors"]) == 2 and "api_requests" not in result


def test_in_process_clients_are_reused(emulator: t.Any) -> None:
    seen: list[t.Any] = []

    def handler(ctx: TaskContext) -> dict[str, t.Any]:
        seen.append(ctx.client())
        return {"changed": False}

    for _run in range(2):
        run_task(handler, "descope_x", {}, False, False, emulator.env, lambda m: None, in_process=True)
    run_task(handler, "descope_x", {}, False, False, emulator.env, lambda m: None, in_process=False)
    assert seen[0] is seen[1] and seen[2] is not seen[0]


def test_not_found_error_is_flagged(emulator: t.Any) -> None:
    def handler(ctx: TaskContext) -> dict[str, t.Any]:
        try:
            ctx.client().get("/v1/mgmt/tenant", {"id": "missing"})
        except DescopeAPIError as exc:
            return {"changed": False, "absent": exc.is_not_found}
        return {"changed": False, "absent": False}

    assert run_task(handler, "descope_x", {}, False, False, emulator.env, lambda m: None)["absent"] is True
