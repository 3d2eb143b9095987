# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_tenant_settings_info main(): the module path."""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.modules import descope_tenant_settings_info


def test_info_main_reports_missing_and_writes_nothing(env: t.Any, run_module: t.Any) -> None:
    env.seed(tenants=[{"id": "acme", "name": "Acme"}], passwordSettings={"acme": {"minLength": 15}})
    result = run_module(descope_tenant_settings_info, {"tenant_ids": ["acme", "ghost"]})
    assert [x["tenant_id"] for x in result["tenant_settings"]] == ["acme"] and result["missing_ids"] == ["ghost"]
    assert result["tenant_settings"][0]["password_policy"]["min_length"] == 15 and env.writes() == []
