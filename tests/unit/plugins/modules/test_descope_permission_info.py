# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_permission_info main(): the module path."""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.modules import descope_permission_info


def test_permission_info_main(env: t.Any, run_module: t.Any) -> None:
    env.seed(permissions=[{"name": "read", "description": "R"}], roles=[])
    result = run_module(descope_permission_info, {})
    assert result["permissions"] == [{"name": "read", "description": "R"}] and not result["changed"] and result["descope_audit"]["operations"] == []
