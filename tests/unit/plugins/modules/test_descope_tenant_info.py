# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_tenant_info main(): the module path."""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.modules import descope_tenant_info


def test_info_main(env: t.Any, run_module: t.Any) -> None:
    env.seed(tenants=[{"id": "x", "name": "X", "disabled": True}])
    result = run_module(descope_tenant_info, {})
    full = {"self_provisioning_domains": [], "custom_attributes": {}, "enforce_sso": False, "enforce_sso_exclusions": [], "default_roles": []}
    assert result["tenants"] == [{"id": "x", "name": "X", "disabled": True, **full}] and not result["changed"]


def test_info_main_by_ids_reports_missing(env: t.Any, run_module: t.Any) -> None:
    env.seed(tenants=[{"id": "x", "name": "X"}, {"id": "y", "name": "Y"}])
    result = run_module(descope_tenant_info, {"ids": ["y", "nope"], "_ansible_check_mode": True})
    assert [x["id"] for x in result["tenants"]] == ["y"] and result["missing_ids"] == ["nope"] and "Not found: nope" in result["msg"]
    assert result["descope_audit"]["operations"] == [] and env.writes() == []
