# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_permission main(): the module path."""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.modules import descope_permission


def test_permission_main_check_mode_writes_nothing(env: t.Any, run_module: t.Any) -> None:
    env.seed(permissions=[], roles=[])
    result = run_module(descope_permission, {"permissions": [{"name": "a"}, {"name": "b"}], "_ansible_check_mode": True})
    assert result["changed"] and [p["action"] for p in result["permissions"]] == ["created", "created"] and env.writes() == []
    assert result["descope_audit"]["check_mode"] is True


def test_permission_main_prune_without_set_is_refused(env: t.Any, run_module: t.Any) -> None:
    result = run_module(descope_permission, {"name": "a", "prune": True})
    assert result["failed"] and "only applies to set mode" in result["msg"] and env.requests() == []
