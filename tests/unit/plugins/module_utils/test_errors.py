# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils._errors import (
    DescopeAPIError,
    DescopeFileError,
    DescopeValidationError,
    Problem,
)
from ansible_collections.descope.mgmt.plugins.module_utils._hints import one_line, suggestions


@pytest.mark.parametrize(
    ("status", "description", "expected"),
    [
        (404, None, True),
        # no wording is guessed: a 400 never means "absent" by itself, whatever its text says
        (400, "Tenant not found", False),
        (400, "unknown field 'x'", False),
        (400, "Request is invalid", False),
        (500, "not found", False),
        (401, None, False),
    ],
)
def test_not_found_is_recognised_both_ways(status: int, description: str | None, expected: bool) -> None:
    assert DescopeAPIError(status, "GET", "/v1/mgmt/tenant", "E1", description).is_not_found is expected


def test_api_error_message_and_result() -> None:
    exc = DescopeAPIError(401, "GET", "/v1/mgmt/tenant/all", "E011003", "Unauthorized", "bad key")
    result = exc.to_result()
    assert "HTTP 401" in result["msg"] and "E011003" in result["msg"]
    assert result["error"] == {
        "kind": "api",
        "status": 401,
        "code": "E011003",
        "description": "Unauthorized",
        "message": "bad key",
        "method": "GET",
        "path": "/v1/mgmt/tenant/all",
        "retry_after": None,
        "not_found": False,
    }
    assert result["hint"] and result["hint"] in result["msg"]


def test_network_error_kind() -> None:
    exc = DescopeAPIError(None, "POST", "/v1/mgmt/flow/list", network_error="ConnectionError: refused")
    assert exc.kind == "network" and exc.to_result()["error"]["kind"] == "network"
    assert "base_url" in exc.to_result()["hint"]


def test_validation_error_lists_every_problem() -> None:
    problems = [
        Problem("name", "is required.", "Add a name.", index=0, id="t1"),
        Problem("self_provisioning_domains[0]", "'x y' is not a domain.", "Use a name like example.com.", index=2, id="t3"),
    ]
    result = DescopeValidationError(problems).to_result()
    assert "2 problem(s)" in result["msg"] and "item 0" in result["msg"] and "id 't3'" in result["msg"]
    assert result["validation_errors"][1] == {
        "field": "self_provisioning_domains[0]",
        "message": "'x y' is not a domain.",
        "fix": "Use a name like example.com.",
        "index": 2,
        "id": "t3",
    }
    steps = suggestions(result["error"], {"validation_errors": result["validation_errors"]})
    assert any("item 2" in s and "Fix: Use a name like example.com." in s for s in steps)
    assert "Nothing was written" in steps[-1]


def test_file_error() -> None:
    result = DescopeFileError("/tmp/x.json", "is not valid JSON.", "Export the flow again.").to_result()
    assert result["error"]["path"] == "/tmp/x.json" and "Fix: Export the flow again." in result["msg"]


@pytest.mark.parametrize(
    ("error", "needle"),
    [
        ({"kind": "api", "status": 401}, "swapped"),
        ({"kind": "api", "status": 403}, "limited to other projects"),
        ({"kind": "api", "status": 429, "code": "E130429", "retry_after": 7}, "7 second"),
        ({"kind": "api", "status": 400, "not_found": True}, "descope_tenant_info"),
        ({"kind": "api", "status": 400, "description": "Tenant name already exists"}, "Adopt it"),
        ({"kind": "api", "status": 503}, "idempotent"),
        ({"kind": "network", "message": "refused"}, "DESCOPE_BASE_URL"),
        ({"kind": "config", "missing": [{"option": "project_id", "env": "DESCOPE_PROJECT_ID"}]}, "DESCOPE_PROJECT_ID"),
        ({"kind": "api", "status": 400, "code": "E011002", "message": "name is required"}, "name is required"),
    ],
)
def test_suggestion_catalogue(error: dict, needle: str) -> None:
    text = "\n".join(suggestions(error, {"project_id": "P2x", "module": "descope_tenant"}))
    assert needle in text
    assert one_line(error)


def test_not_found_suggestion_names_the_id_and_the_flow_info_module() -> None:
    text = "\n".join(suggestions({"kind": "api", "status": 404}, {"module": "descope_flow", "target_id": "sign-in"}))
    assert "'sign-in'" in text and "descope_flow_info" in text
