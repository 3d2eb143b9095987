# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_tenant_settings main(): the module path."""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.modules import descope_tenant_settings


def test_main_updates_then_reports_nothing_to_do(env: t.Any, run_module: t.Any) -> None:
    env.seed(tenants=[{"id": "acme", "name": "Acme"}])
    args = {"tenant_id": "acme", "password_policy": {"min_length": 13}}
    first = run_module(descope_tenant_settings, args)
    assert first["changed"] is True and first["tenant_settings"]["after"] == {"password_policy": {"min_length": 13}}
    second = run_module(descope_tenant_settings, args)
    assert second["changed"] is False and env.state()["passwordSettings"]["acme"]["minLength"] == 13


def test_main_refuses_a_bad_unit_before_any_request(env: t.Any, run_module: t.Any) -> None:
    env.seed(tenants=[{"id": "acme", "name": "Acme"}])
    env.clear_log()
    result = run_module(descope_tenant_settings, {"tenant_id": "acme", "session": {"inactivity_time": 3, "inactivity_time_unit": "years"}})
    assert result["failed"] is True and "inactivity_time_unit" in result["msg"] and env.requests() == []
