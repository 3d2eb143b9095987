# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The failed task's message, pinned per error class (input -> exact text) so wording regressions fail."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils._hints import failure_message, sentence

TASK = {"project_id": "task argument 'project_id'", "management_key": "task argument 'management_key'", "base_url": "task argument 'base_url'"}
ENV = {
    "project_id": "environment variable DESCOPE_PROJECT_ID",
    "management_key": "environment variable DESCOPE_MANAGEMENT_KEY",
    "base_url": "the default base URL",
}
HOSTVAR = {
    "project_id": "task argument 'project_id', from the variable 'descope_project_id' (host or group variables, vars or extra vars)",
    "management_key": "module_defaults ('management_key')",
}

CASES: list[tuple[str, dict[str, t.Any], dict[str, t.Any], str]] = [
    (
        "401 credentials from a host variable and module_defaults",
        {"kind": "api", "status": 401, "code": "E011003", "method": "POST", "path": "/v1/mgmt/tenant/create"},
        {"project_id": "P2abc", "sources": HOSTVAR},
        "Descope refused the management key for project 'P2abc' (HTTP 401). Next steps: "
        "1) Check the management key from module_defaults ('management_key'): it must be active and allowed for this project "
        "(Descope console > Company > Management Keys). "
        "2) Check the project id from task argument 'project_id', from the variable 'descope_project_id' (host or group variables, "
        "vars or extra vars): it must be the project the key belongs to.",
    ),
    (
        "403 credentials from the environment",
        {"kind": "api", "status": 403},
        {"project_id": "P2abc", "sources": ENV},
        "Descope refused the management key for project 'P2abc' (HTTP 403). Next steps: "
        "1) Check the management key from environment variable DESCOPE_MANAGEMENT_KEY: it must be active and allowed for this project "
        "(Descope console > Company > Management Keys). "
        "2) Check the project id from environment variable DESCOPE_PROJECT_ID: it must be the project the key belongs to.",
    ),
    (
        "404 not found",
        {"kind": "api", "status": 404, "not_found": True},
        {"project_id": "P2abc", "target_id": "acme", "module": "descope_tenant", "sources": TASK},
        "'acme' does not exist for project 'P2abc' (HTTP 404). Next steps: 1) List what exists with descope.mgmt.descope_tenant_info. "
        "2) Check the project id from task argument 'project_id' names the intended project.",
    ),
    (
        "404 naming another object than the one written",
        {"kind": "api", "status": 404, "not_found": True, "message": "Tenant 'e1' not found"},
        {"project_id": "P2abc", "target_id": "t1", "module": "descope_tenant", "sources": TASK},
        "Descope answered HTTP 404 for project 'P2abc' to the request for 't1': Tenant 'e1' not found. Next steps: "
        "1) List what exists with descope.mgmt.descope_tenant_info. 2) Check the project id from task argument "
        "'project_id' names the intended project.",
    ),
    (
        "429 rate limit exhausted",
        {"kind": "api", "status": 429, "code": "E130429", "message": "Rate limit exceeded.", "retry_after": 7.0},
        {"sources": TASK},
        "Descope kept rate-limiting the requests (HTTP 429, last asked to wait 7 s) until the retries ran out. Next steps: "
        "1) Lower 'concurrency' on set-mode tasks, and forks or serial across projects. 2) Raise 'retries' and 'retry_max_wait'. "
        "3) Re-run: the modules are idempotent and write only what is still missing.",
    ),
    (
        "configuration: missing settings",
        {
            "kind": "config",
            "message": "Missing Descope connection settings: set option 'project_id' (environment variable DESCOPE_PROJECT_ID).",
            "missing": [{"option": "project_id", "env": "DESCOPE_PROJECT_ID"}],
        },
        {},
        "Missing Descope connection settings: set option 'project_id' (environment variable DESCOPE_PROJECT_ID). Next steps: "
        "1) Set option 'project_id' on the task or in module_defaults, or environment variable DESCOPE_PROJECT_ID. "
        "2) In AWX/AAP attach the 'Descope Management API' credential (awx/credential_type.yml).",
    ),
    (
        "configuration: a malformed value names its own fix",
        {"kind": "config", "message": "The value of task argument 'project_id' is not a Descope project ID. Fix: set it.", "missing": []},
        {},
        "The value of task argument 'project_id' is not a Descope project ID. Fix: set it.",
    ),
    (
        "validation",
        {"kind": "validation", "message": "2 validation problem(s)", "count": 2},
        {
            "validation_errors": [
                {"field": "name", "message": "is required", "fix": "Give each tenant a name", "index": 0},
                {"field": "id", "message": "is duplicated.", "fix": "Use each id once.", "index": 3, "id": "acme"},
            ]
        },
        "The task input has 2 problem(s); nothing was written. Next steps: 1) item 0: name: is required. Give each tenant a name. "
        "2) item 3, id 'acme': id: is duplicated. Use each id once.",
    ),
    (
        "network",
        {"kind": "network", "status": None, "message": "ConnectionError: [Errno 111] Connection refused"},
        {"sources": ENV},
        "No answer from the Descope API: ConnectionError: [Errno 111] Connection refused. Next steps: "
        "1) Check the API address from the default base URL. "
        "2) Check DNS, proxy variables (HTTPS_PROXY) and firewalls on the controller; for a private CA set REQUESTS_CA_BUNDLE.",
    ),
    (
        "5xx",
        {"kind": "api", "status": 503, "method": "POST", "path": "/v1/mgmt/tenant/update"},
        {},
        "Descope answered HTTP 503 (a server error) to POST /v1/mgmt/tenant/update, also after the retries. Next steps: "
        "1) Re-run later: the modules are idempotent. 2) Raise 'retries' for flaky periods; check https://status.descope.com.",
    ),
]


@pytest.mark.parametrize(("error", "context", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_failure_message_per_error_class(error: dict[str, t.Any], context: dict[str, t.Any], expected: str) -> None:
    assert failure_message(error, context) == expected


@pytest.mark.parametrize(("text", "expected"), [("exceeded.", "exceeded."), ("exceeded", "exceeded."), ("  a\n b ", "a b."), ("", ""), ("why?", "why?")])
def test_sentence_ends_with_one_full_stop(text: str, expected: str) -> None:
    assert sentence(text) == expected


def test_no_message_has_a_doubled_full_stop_or_a_missing_one() -> None:
    for _name, error, context, _expected in CASES:
        text = failure_message(error, context)
        assert ".." not in text and text.endswith(".")
