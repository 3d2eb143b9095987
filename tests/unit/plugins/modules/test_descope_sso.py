# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_sso main(): the module path, where AnsibleModule scrubs no_log values."""

from __future__ import annotations

import json
import typing as t

from ansible_collections.descope.mgmt.plugins.modules import descope_sso

SECRET = "module-path-secret-4c1d2e"  # noqa: S105  # test value


def test_main_configures_oidc_and_never_returns_the_secret(env: t.Any, run_module: t.Any) -> None:
    env.seed(tenants=[{"id": "acme", "name": "Acme"}])
    args = {"tenant_id": "acme", "protocol": "oidc", "oidc": {"name": "Okta", "client_id": "c", "client_secret": SECRET}, "_ansible_diff": True}
    result = run_module(descope_sso, args)
    assert result["changed"] is True and result["sso"]["action"] == "created"
    assert SECRET not in json.dumps(result)
    assert env.state()["sso"]["acme"][0]["oidc"]["clientSecret"] == "<set>"
