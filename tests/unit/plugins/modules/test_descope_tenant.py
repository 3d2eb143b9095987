# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_tenant / descope_tenant_info main(): the module path (AnsibleModule in, exit_json out)."""

from __future__ import annotations

import json
import typing as t

import pytest

from ansible_collections.descope.mgmt.plugins.modules import descope_tenant


def test_main_creates_then_reports_unchanged(env: t.Any, run_module: t.Any) -> None:
    args = {"id": "m1", "name": "Module One", "self_provisioning_domains": ["m1.com"]}
    first = run_module(descope_tenant, args)
    assert first["changed"] and first["tenant"]["action"] == "created" and first["descope_audit"]["module"] == "descope_tenant"
    second = run_module(descope_tenant, args)
    assert not second["changed"] and second["tenant"]["action"] == "unchanged"
    assert env.management_key not in json.dumps(second)


def test_main_check_mode_and_diff(env: t.Any, run_module: t.Any) -> None:
    args = {"tenants": [{"id": "a", "name": "A"}], "_ansible_check_mode": True, "_ansible_diff": True}
    result = run_module(descope_tenant, args)
    assert result["changed"] and result["tenants"][0]["action"] == "created" and result["diff"][0]["after"] == {"id": "a", "name": "A"}
    assert env.writes() == []


def test_main_validation_failure(env: t.Any, run_module: t.Any) -> None:
    result = run_module(descope_tenant, {"tenants": [{"id": "a", "name": "A", "disabled": "maybe"}]})
    assert result["failed"] and result["validation_errors"][0]["field"] == "disabled" and env.writes() == []


def test_main_rejects_single_and_set_mode_together(env: t.Any, run_module: t.Any) -> None:
    result = run_module(descope_tenant, {"id": "a", "tenants": []})
    assert result["failed"] and "mutually exclusive" in result["msg"]


def test_main_missing_credentials_names_option_and_variable(env: t.Any, run_module: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("DESCOPE_PROJECT_ID", "DESCOPE_MANAGEMENT_KEY", "DESCOPE_BASE_URL"):
        monkeypatch.delenv(key, raising=False)
    result = run_module(descope_tenant, {"id": "a", "name": "A"})
    assert result["failed"] and "management_key" in result["msg"] and "DESCOPE_MANAGEMENT_KEY" in result["msg"]
    assert env.requests() == []
