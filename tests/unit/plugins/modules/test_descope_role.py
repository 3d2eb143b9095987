# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_role main(): the module path."""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.modules import descope_role


def test_role_main_creates_and_is_then_unchanged(env: t.Any, run_module: t.Any) -> None:
    env.seed(permissions=[{"name": "read"}], roles=[])
    first = run_module(descope_role, {"name": "viewer", "permission_names": ["read"]})
    assert first["changed"] and first["role"]["action"] == "created" and [o["operation"] for o in first["descope_audit"]["operations"]] == ["create"]
    second = run_module(descope_role, {"name": "viewer", "permission_names": ["read"]})
    assert not second["changed"] and second["descope_audit"]["operations"] == []


def test_role_main_refuses_mixing_modes(env: t.Any, run_module: t.Any) -> None:
    result = run_module(descope_role, {"name": "x", "roles": []})
    assert result["failed"] and "mutually exclusive" in result["msg"] and env.requests() == []
