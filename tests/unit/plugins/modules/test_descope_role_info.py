# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_role_info main(): the module path."""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.modules import descope_role_info


def test_role_info_main(env: t.Any, run_module: t.Any) -> None:
    env.seed(permissions=[{"name": "read"}], roles=[{"name": "viewer", "permissionNames": ["read"]}])
    result = run_module(descope_role_info, {"_ansible_check_mode": True})
    assert result["roles"] == [{"name": "viewer", "description": "", "permission_names": ["read"], "default": False, "private": False}]
    assert not result["changed"] and env.writes() == []
