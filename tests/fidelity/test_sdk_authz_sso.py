"""The official python SDK's mgmt.permission, mgmt.role, mgmt.sso, mgmt.tenant settings and mgmt.password
calls, unchanged, against the emulator in strict mode (so every field the SDK sends is one the schema has)."""

import pytest

descope = pytest.importorskip("descope")
# pylint: disable=wrong-import-position
from descope.exceptions import AuthException  # noqa: E402
from descope.management.sso_settings import (  # noqa: E402
    AttributeMapping,
    RoleMapping,
    SSOOIDCSettings,
    SSOSAMLSettings,
    SSOSAMLSettingsByMetadata,
)


@pytest.fixture
def client(emulator):
    emulator.config(strict=True)
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}, {"id": "beta", "name": "Beta"}])  # a project with no roles
    return descope.DescopeClient(project_id=emulator.project_id, management_key=emulator.management_key, base_url=emulator.base_url)


def _roles(emulator, tenant_id=""):
    return {r["name"]: r for r in emulator.state()["roles"] if r["tenantId"] == tenant_id}


def test_permissions_single_and_batch(client, emulator):
    client.mgmt.permission.create("read", "Read things")
    client.mgmt.permission.create_batch([{"name": "write", "description": "W"}, {"name": "admin"}])
    client.mgmt.permission.update("read", "view", "Views")
    client.mgmt.permission.update_batch([{"name": "write", "newName": "edit", "description": "E"}])
    assert sorted(p["name"] for p in client.mgmt.permission.load_all()["permissions"]) == ["admin", "edit", "view"]
    client.mgmt.permission.delete("admin")
    client.mgmt.permission.delete_batch(["edit"])
    remaining = client.mgmt.permission.load_all()["permissions"]
    assert [(p["name"], p["description"]) for p in remaining] == [("view", "Views")]
    client.mgmt.permission.delete_batch_by_ids([remaining[0]["id"]])
    assert client.mgmt.permission.load_all()["permissions"] == []
    with pytest.raises(AuthException) as info:
        client.mgmt.permission.create_batch([{"name": "x"}, {"name": "x"}])
    assert info.value.status_code == 400 and emulator.state()["permissions"] == []  # atomic


def test_roles_project_and_tenant_scoped(client, emulator):
    client.mgmt.permission.create_batch([{"name": "read"}, {"name": "write"}])
    client.mgmt.role.create("viewer", "Reads", ["read"])
    client.mgmt.role.create("viewer", "Tenant viewer", ["read"], tenant_id="acme")
    client.mgmt.role.create_batch([{"name": "editor", "permissionNames": ["read", "write"]}, {"name": "ops", "tenantId": "acme"}])
    assert sorted(r["name"] for r in client.mgmt.role.load_all()["roles"]) == ["editor", "viewer"]
    found = client.mgmt.role.search(tenant_ids=["acme"], include_project_roles=False)["roles"]
    assert sorted((r["name"], r["tenantId"]) for r in found) == [("ops", "acme"), ("viewer", "acme")]
    assert [r["name"] for r in client.mgmt.role.search(permission_names=["write"])["roles"]] == ["editor"]
    client.mgmt.role.update("viewer", "reader", "Reads", ["read", "write"])
    client.mgmt.role.update_batch([{"name": "ops", "newName": "operators", "tenantId": "acme", "permissionNames": ["write"]}])
    assert _roles(emulator)["reader"]["permissionNames"] == ["read", "write"]
    assert _roles(emulator, "acme")["operators"]["permissionNames"] == ["write"]
    with pytest.raises(AuthException) as info:
        client.mgmt.role.create("broken", permission_names=["nope"])
    assert info.value.status_code == 400 and "'nope'" in info.value.error_message
    client.mgmt.role.delete("operators", tenant_id="acme")
    client.mgmt.role.delete_batch(["editor"])
    client.mgmt.role.delete_batch_by_ids([_roles(emulator, "acme")["viewer"]["id"]], tenant_id="acme")
    assert sorted((r["name"], r["tenantId"]) for r in emulator.state()["roles"]) == [("reader", "")]


def test_permission_delete_leaves_roles_without_it(client, emulator):
    client.mgmt.permission.create_batch([{"name": "read"}, {"name": "write"}])
    client.mgmt.role.create("editor", permission_names=["read", "write"])
    client.mgmt.permission.delete("write")
    assert _roles(emulator)["editor"]["permissionNames"] == ["read"]


def test_tenant_session_settings(client):
    # plain strings: descope 2.16's TenantAuthType / SessionExpirationUnit enums are not JSON serialisable
    client.mgmt.tenant.update_settings(
        "acme",
        self_provisioning_domains=["acme.com"],
        domains=["sso.acme.com"],
        auth_type="oidc",
        session_settings_enabled=True,
        refresh_token_expiration=2,
        refresh_token_expiration_unit="weeks",
        session_token_expiration=15,
        session_token_expiration_unit="minutes",
        stepup_token_expiration=5,
        stepup_token_expiration_unit="minutes",
        enable_inactivity=True,
        inactivity_time=30,
        inactivity_time_unit="minutes",
        JITDisabled=True,
    )
    loaded = client.mgmt.tenant.load_settings("acme")
    assert loaded["enabled"] is True and loaded["refreshTokenExpiration"] == 2 and loaded["refreshTokenExpirationUnit"] == "weeks"
    assert loaded["inactivityTime"] == 30 and loaded["JITDisabled"] is True and loaded["domains"] == ["sso.acme.com"]
    with pytest.raises(AuthException):
        client.mgmt.tenant.update_settings("acme", self_provisioning_domains=[], session_token_expiration=1, session_token_expiration_unit="minutes")
    assert client.mgmt.tenant.load_settings("acme")["sessionTokenExpiration"] == 15


def test_password_settings_project_and_tenant(client, emulator):
    project_policy = client.mgmt.password.get_settings()
    assert project_policy["minLength"] == 8
    client.mgmt.password.configure_settings("acme", {"enabled": True, "minLength": 12, "uppercase": True, "lock": True, "lockAttempts": 5})
    policy = client.mgmt.password.get_settings("acme")
    assert policy["minLength"] == 12 and policy["uppercase"] is True and policy["lockAttempts"] == 5
    assert client.mgmt.password.get_settings("beta")["minLength"] == 8  # no own policy: the project's
    with pytest.raises(AuthException):
        client.mgmt.password.configure_settings("acme", {"minLength": "long"})
    with pytest.raises(AuthException) as info:
        client.mgmt.password.configure_settings("acme", {"minLenght": 3})  # strict mode names the typo
    assert "minLenght" in info.value.error_message
    assert emulator.state()["passwordSettings"]["acme"]["minLength"] == 12


def test_oidc_secret_is_write_only(client, emulator):
    settings = SSOOIDCSettings(name="Okta", client_id="cid", client_secret="s3cr3t-value", auth_url="https://idp/auth", scope=["openid"])
    client.mgmt.sso.configure_oidc_settings("acme", settings, domains=["acme.com"])
    loaded = client.mgmt.sso.load_settings("acme")
    assert loaded["oidc"]["clientId"] == "cid" and loaded["oidc"]["clientSecret"] == "" and loaded["tenant"]["authType"] == "oidc"
    assert loaded["tenant"]["domains"] == ["acme.com"]
    assert "s3cr3t-value" not in str(loaded) and "s3cr3t-value" not in str(emulator.state())
    # an update without the secret keeps it or clears it: no source says which, the emulator does either
    client.mgmt.sso.configure_oidc_settings("acme", SSOOIDCSettings(name="Okta 2", client_id="cid"))
    assert emulator.state()["sso"]["acme"][0]["oidc"]["clientSecret"] == "<set>"
    emulator.config(oidcSecretOnOmit="clear")
    client.mgmt.sso.configure_oidc_settings("acme", SSOOIDCSettings(name="Okta 3", client_id="cid"))
    assert emulator.state()["sso"]["acme"][0]["oidc"]["clientSecret"] == ""


def test_saml_fields_metadata_mapping_and_delete(client, emulator):
    client.mgmt.role.create("viewer")
    saml = SSOSAMLSettings(
        idp_url="https://idp/sso",
        idp_entity_id="idp-entity",
        idp_cert="CERT",
        attribute_mapping=AttributeMapping(name="displayName", email="mail"),
        role_mappings=[RoleMapping(groups=["staff"], role_name="viewer")],
    )
    client.mgmt.sso.configure_saml_settings("acme", saml, redirect_url="https://app/after", domains=["acme.com"])
    loaded = client.mgmt.sso.load_settings("acme")["saml"]
    assert loaded["idpSSOUrl"] == "https://idp/sso" and loaded["idpEntityId"] == "idp-entity" and loaded["idpCertificate"] == "CERT"
    assert loaded["groupsMapping"][0]["role"]["name"] == "viewer" and loaded["groupsMapping"][0]["groups"] == ["staff"]
    with pytest.raises(AuthException) as info:
        client.mgmt.sso.mapping("acme", [RoleMapping(groups=["x"], role_name="ghost-role")], AttributeMapping(name="n"))
    assert info.value.status_code == 400 and "'ghost-role'" in info.value.error_message
    client.mgmt.sso.mapping("acme", [], AttributeMapping(email="email"))
    assert client.mgmt.sso.load_settings("acme")["saml"].get("groupsMapping") == []
    client.mgmt.sso.configure_saml_settings_by_metadata("beta", SSOSAMLSettingsByMetadata(idp_metadata_url="https://idp/meta.xml"))
    assert client.mgmt.sso.load_settings("beta")["saml"]["idpMetadataUrl"] == "https://idp/meta.xml"
    client.mgmt.sso.delete_settings("acme")
    after = client.mgmt.sso.load_settings("acme")
    assert after["saml"]["idpSSOUrl"] == "" and after["tenant"]["authType"] == "none"


def test_multi_sso_and_admin_link(client, emulator):
    created = client.mgmt.sso.new_settings("acme", "Second IdP", sso_id="second")
    assert created["ssoId"] == "second"
    all_settings = client.mgmt.sso.load_all_settings("acme")["SSOSettings"]
    assert sorted(s["ssoId"] for s in all_settings) == ["", "second"]
    link = client.mgmt.tenant.generate_sso_configuration_link("acme", expire_time=3600, email="admin@acme.com", sso_id="second")
    assert link.startswith("https://") and link.split("=")[-1] not in str(emulator.state())
    assert emulator.state()["adminLinks"] == [{"tenantId": "acme", "ssoId": "second", "email": "admin@acme.com", "expireTime": 3600}]
    client.mgmt.sso.delete_settings("acme", sso_id="second")
    assert [s["ssoId"] for s in client.mgmt.sso.load_all_settings("acme")["SSOSettings"]] == [""]
    with pytest.raises(AuthException) as info:
        client.mgmt.sso.delete_settings("acme", sso_id="second")
    assert info.value.status_code == 404


def test_default_roles_via_sdk_must_exist(client):
    client.mgmt.role.create("viewer")
    client.mgmt.tenant.update_default_roles("acme", ["viewer"])
    with pytest.raises(AuthException) as info:
        client.mgmt.tenant.update_default_roles("acme", ["viewer", "typo"])
    assert info.value.status_code == 400 and "'typo'" in info.value.error_message
