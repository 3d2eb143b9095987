# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_sso_admin_link main(): the module path."""

from __future__ import annotations

import json
import typing as t

from ansible_collections.descope.mgmt.plugins.modules import descope_sso_admin_link


def test_main_returns_the_link_outside_the_audit_block(env: t.Any, run_module: t.Any) -> None:
    env.seed(tenants=[{"id": "acme", "name": "Acme"}])
    result = run_module(descope_sso_admin_link, {"tenant_id": "acme", "expire_time": 600})
    assert result["changed"] is True and result["admin_link"].startswith("https://emulator.invalid/sso-setup?t=")
    assert result["admin_link"] not in json.dumps(result["descope_audit"]) and result["admin_link"] not in result["msg"]
    assert result["descope_audit"]["operations"][0]["after"]["expire_time"] == 600


def test_main_check_mode_generates_nothing(env: t.Any, run_module: t.Any) -> None:
    env.seed(tenants=[{"id": "acme", "name": "Acme"}])
    env.clear_log()
    result = run_module(descope_sso_admin_link, {"tenant_id": "acme", "_ansible_check_mode": True})
    assert "admin_link" not in result and result["descope_audit"]["check_mode"] is True and env.writes() == []
