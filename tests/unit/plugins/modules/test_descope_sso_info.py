# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_sso_info main(): the module path."""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.modules import descope_sso_info


def test_info_main_exports_seeded_saml(env: t.Any, run_module: t.Any) -> None:
    env.seed(
        tenants=[{"id": "acme", "name": "Acme"}, {"id": "bare", "name": "Bare"}],
        sso={"acme": [{"saml": {"idpMetadataUrl": "https://idp/m.xml", "groupsMapping": []}}]},
    )
    result = run_module(descope_sso_info, {})
    # the answer's default attribute mapping (python-sdk load_settings sample) is exported as it is
    mapping = {"name": "name", "email": "email", "phone_number": "phone"}
    assert result["sso"] == [{"tenant_id": "acme", "protocol": "saml", "saml": {"metadata_url": "https://idp/m.xml", "attribute_mapping": mapping}}]
    assert result["secrets_not_exported"] == [] and env.writes() == []
