#!/usr/bin/python
# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: descope_sso
short_description: Manage a Descope tenant's SSO connections (OIDC or SAML)
version_added: 0.1.0
description:
  - Configures an SSO connection of one tenant, OIDC or SAML (by metadata URL or by fields), with its attribute
    mapping, group-to-role mapping, default SSO roles, SSO domains and redirect URL, or removes it.
  - With O(connections), declares a tenant's list of connections matched by O(connections[].sso_id); with
    O(prune=true) a connection of that tenant the list does not declare is deleted (never another tenant's).
  - Only the fields you set are managed; a field left out keeps its value. The configure calls replace the whole
    connection, so a write sends the current connection with your fields merged in, including every setting the
    module has no option for (see O(other_settings)), so nothing set in the console is dropped.
  - The active protocol is read from the answer's C(tenant.authType) (Descope answers carry both a C(saml) and an
    C(oidc) object, see go-sdk C(sso_test.go) TestLoadSettingsSuccess, python-sdk 2.16.1 C(load_settings) sample).
  - Everything is checked before the first write and every problem is reported at once, naming the field and
    the fix. Checked are an unknown tenant (by look-up, whatever status Descope gives a missing id), a role
    mapping or default role naming a role that does not exist (checked with C(GET /v1/mgmt/role/all), plus the
    tenant's own roles), a secret in a field that is logged, a private key or anything but an X.509 certificate
    where the IdP certificate belongs, non-https IdP URLs, malformed domains, a domain another tenant or another
    declared connection already claims. On any problem nothing is written.
  - Check mode reads the current connection and roles, predicts exactly what a real run writes, and sends no write.
  - B(Secrets.) O(oidc.client_secret) is C(no_log); it never appears in results, diffs, audit lines or backups
    (a diff shows a fixed marker when it will be sent). Descope never returns it, so it cannot be compared
    (see O(update_secret)) and drift detection cannot see a secret changed in the console.
  - B(Updates need the secret.) No source says whether Descope keeps or clears the stored client secret when an
    OIDC update omits it. A cleared secret breaks every login, so an update of an existing OIDC connection is
    refused unless the task gives O(oidc.client_secret); a task that changes nothing needs none. This is safe
    whichever way Descope behaves (both are tested against the emulator).
requirements:
  - requests
author:
  - descope.mgmt maintainers (@descope-mgmt)
extends_documentation_fragment:
  - descope.mgmt.connection
  - descope.mgmt.connection.ATTRIBUTES
  - descope.mgmt.prune_guard
attributes:
  check_mode:
    details: Reads the tenant, its SSO configurations and the roles, and plans the same write as a real run; sends no write.
  diff_mode:
    details: Shows the managed fields before and after (a secret only as a marker).
options:
  tenant_id:
    description: The tenant whose SSO connection is managed. It must exist.
    type: str
    required: true
  sso_id:
    description:
      - An additional SSO connection of the tenant. Without it, the tenant's default connection.
      - A connection that does not exist yet is created (with O(display_name)).
    type: str
  display_name:
    description:
      - Display name of a new additional connection (O(sso_id)); defaults to the O(sso_id).
      - Used only when the connection is created. No load answer carries a display name (OAS
        C(LoadSSOSettingsResponse), go-sdk C(SSOTenantSettingsResponse)), so it is never compared or exported.
    type: str
  state:
    description:
      - V(present) configures the connection; V(absent) removes it (the default configuration is emptied and the
        tenant's authentication type goes back to none).
    type: str
    choices: [present, absent]
    default: present
  protocol:
    description:
      - The connection protocol. Required with O(state=present) (in single mode, and in each O(connections) item).
        Changing it replaces the connection.
    type: str
    choices: [oidc, saml]
  oidc: &oidc_option
    description: OIDC connection settings (with O(protocol=oidc)). Creating one needs O(oidc.name) and O(oidc.client_id).
    type: dict
    suboptions:
      name:
        description: Provider name shown to users.
        type: str
      client_id:
        description: The client ID issued by the identity provider.
        type: str
      client_secret:
        description:
          - The client secret issued by the identity provider. Never logged, shown, audited or exported.
          - When it is sent is set by O(update_secret).
        type: str
      auth_url:
        description: Authorization endpoint (https).
        type: str
      token_url:
        description: Token endpoint (https).
        type: str
      user_data_url:
        description: User info endpoint (https).
        type: str
      jwks_url:
        description: JWKS endpoint (https).
        type: str
      issuer:
        description: The issuer the ID tokens carry.
        type: str
      scope:
        description: Scopes requested (compared without order).
        type: list
        elements: str
      grant_type:
        description: OAuth grant type.
        type: str
        choices: [authorization_code, implicit]
      callback_domain:
        description: Custom callback domain.
        type: str
      prompt:
        description: OIDC prompt values (compared without order).
        type: list
        elements: str
        choices: [none, login, consent, select_account]
      use_pkce:
        description:
          - Use PKCE (C(settings.usePkce), sent by python-sdk 2.16.0; not allowed with O(oidc.grant_type=implicit)).
          - Compared only when Descope's answer carries it; otherwise it is sent with a write but cannot show drift.
        type: bool
      manage_provider_tokens:
        description: Let Descope store the provider's tokens.
        type: bool
      attribute_mapping:
        description: Which claim fills each user attribute; only the keys you set are managed.
        type: dict
        suboptions:
          login_id:
            description: Claim for the login ID.
            type: str
          name:
            description: Claim for the name.
            type: str
          given_name:
            description: Claim for the given name.
            type: str
          middle_name:
            description: Claim for the middle name.
            type: str
          family_name:
            description: Claim for the family name.
            type: str
          email:
            description: Claim for the email.
            type: str
          verified_email:
            description: Claim telling whether the email is verified.
            type: str
          username:
            description: Claim for the username.
            type: str
          phone_number:
            description: Claim for the phone number.
            type: str
          verified_phone:
            description: Claim telling whether the phone is verified.
            type: str
          picture:
            description: Claim for the picture URL.
            type: str
  saml: &saml_option
    description:
      - SAML connection settings (with O(protocol=saml)). Either O(saml.metadata_url), or O(saml.entity_id),
        O(saml.idp_url) and O(saml.idp_cert).
    type: dict
    suboptions:
      metadata_url:
        description:
          - The IdP metadata URL (https). The IdP URL and certificates Descope reads from it are not managed or
            exported.
        type: str
      entity_id:
        description: The IdP entity ID.
        type: str
      idp_url:
        description: The IdP SSO URL (https).
        type: str
      idp_cert:
        description:
          - The IdP's public signing certificate, PEM or base64 DER; it must parse as an X.509 certificate.
            A private key here is refused.
        type: str
      idp_additional_certs:
        description: Additional IdP certificates (rotation), checked like O(saml.idp_cert).
        type: list
        elements: str
      sp_acs_url:
        description: Override of the service provider ACS URL.
        type: str
      sp_entity_id:
        description: Override of the service provider entity ID.
        type: str
      attribute_mapping:
        description: Which SAML attribute fills each user attribute; only the keys you set are managed.
        type: dict
        suboptions:
          name:
            description: Attribute for the name.
            type: str
          email:
            description: Attribute for the email.
            type: str
          phone_number:
            description: Attribute for the phone number.
            type: str
          group:
            description: Attribute listing the user's groups (used by O(role_mappings)).
            type: str
          given_name:
            description: Attribute for the given name.
            type: str
          middle_name:
            description: Attribute for the middle name.
            type: str
          family_name:
            description: Attribute for the family name.
            type: str
          picture:
            description: Attribute for the picture URL.
            type: str
          custom_attributes:
            description: Custom user attribute name to SAML attribute.
            type: dict
  redirect_url:
    description: Where users land after SSO.
    type: str
  domains:
    description:
      - The tenant's SSO domains (users with these email domains are sent to this connection). Compared
        case-insensitively and without order. V([]) removes them. Sent only when declared.
      - Answers hold them under the tenant, so with several connections declare them on one connection only.
    type: list
    elements: str
  role_mappings:
    description:
      - IdP groups to Descope roles (SAML and OIDC, C(roleMappings) in the request, C(groupsMapping) in the
        answer); the whole list is managed (V([]) removes every mapping). Left out, the current mappings are kept.
      - Every role must exist (a project role or a role of this tenant); in check mode O(known_roles) excuses one.
    type: list
    elements: dict
    suboptions:
      groups:
        description: IdP group names.
        type: list
        elements: str
        required: true
      role:
        description: The Descope role name.
        type: str
        required: true
  default_sso_roles:
    description:
      - Roles every SSO user of the tenant gets (checked like O(role_mappings)).
      - V([]) removes them on SAML (with C(replaceDefaultSSORoles), python-sdk 2.16.0). On OIDC no published
        request clears them, so emptying them there is refused.
    type: list
    elements: str
  other_settings:
    description:
      - Settings of the connection the module has no option for, in the API's request names, for example SAML
        C(groupsPriority), C(fgaMappings), C(configFGATenantIDResourcePrefix), C(configFGATenantIDResourceSuffix),
        C(subjectNameIdFormat), C(disableSignRequest), or OIDC C(groupsPriority), C(fgaMappings), C(providerID),
        and the claim mappings without an option (C(userAttrMapping.group), C(userAttrMapping.customAttributes)).
      - Left out, whatever the connection holds is kept and written back unchanged. Given, each key named is
        managed (an empty value removes it); other keys are kept. M(descope.mgmt.descope_sso_info) exports them.
      - Keys a module option manages, and for SAML keys outside that list, are refused.
      - SP signing and encryption keys (C(spSignKey), C(spEncryptionKey)) are private keys and are refused here.
        They are never in answers, so they cannot be carried; whether an update without them keeps them is not
        published.
    type: dict
  connections:
    description:
      - Set mode. The tenant's connections, each with the options of one connection (O(sso_id) required, V("")
        for the default connection). Matched by O(connections[].sso_id); each is planned like a single task.
      - Not with top-level O(sso_id) or O(protocol); O(state=absent) does not apply.
    type: list
    elements: dict
    suboptions:
      sso_id:
        description: The connection (V("") for the tenant's default connection).
        type: str
        required: true
      display_name:
        description: As O(display_name).
        type: str
      protocol:
        description: As O(protocol).
        type: str
        choices: [oidc, saml]
      oidc: *oidc_option
      saml: *saml_option
      redirect_url:
        description: As O(redirect_url).
        type: str
      domains:
        description: As O(domains); declare them on one connection only.
        type: list
        elements: str
      role_mappings:
        description: As O(role_mappings).
        type: list
        elements: dict
        suboptions:
          groups:
            description: IdP group names.
            type: list
            elements: str
            required: true
          role:
            description: The Descope role name.
            type: str
            required: true
      default_sso_roles:
        description: As O(default_sso_roles).
        type: list
        elements: str
      other_settings:
        description: As O(other_settings).
        type: dict
      update_secret:
        description: As O(update_secret).
        type: str
        choices: [always, on_create]
        default: on_create
  prune:
    description:
      - Set mode only. Delete the connections of O(tenant_id) that O(connections) does not declare (never another
        tenant's); the default connection counts as one when it is configured.
      - The delete guards apply (O(allow_empty_prune), O(max_delete_ratio), O(max_deletes)).
    type: bool
    default: false
  protected_ids:
    description: Set mode only. SSO ids (V("") for the default connection) that O(prune) never deletes.
    type: list
    elements: str
    default: []
  update_secret:
    description:
      - V(on_create) (the default) sends O(oidc.client_secret) when the connection is created, when the protocol
        changes and together with any other write, so an unchanged connection stays unchanged (no write).
      - V(always) sends it on every run; the task then always reports a change. Use it to rotate a secret.
      - An update of an existing OIDC connection without O(oidc.client_secret) is refused (see the description).
    type: str
    choices: [always, on_create]
    default: on_create
  known_roles:
    description:
      - Role names that the same play creates before this task (for example with C(descope.mgmt.descope_role)).
        In check mode they are accepted without a look-up, so C(--check) of a whole onboarding play succeeds
        before they exist. In a real run every role must exist by then, and a listed role that does not is refused
        before the first write.
    type: list
    elements: str
    default: []
  pending_tenants:
    description:
      - Tenants that an earlier task of the same play creates (for example M(descope.mgmt.descope_tenant)).
      - In check mode such a tenant does not exist yet; listed here, it is planned as a new tenant would start
        (no SSO connection) instead of being refused, so C(--check --diff) of a whole onboarding play shows every change.
        In a real run the tenant must exist, whatever this list says.
    type: list
    elements: str
    default: []
notes:
  - Reads per task are the tenant (C(tenant/search)), its SSO connections, the roles when mappings or default roles
    are declared, and the tenant list when domains are declared.
  - One write per connection that differs (two when an additional connection is created).
  - "What drift detection can see: every field above except O(oidc.client_secret). What it cannot: the secret,
    and IdP fields Descope fills from O(saml.metadata_url)."
seealso:
  - module: descope.mgmt.descope_sso_info
  - module: descope.mgmt.descope_sso_admin_link
  - module: descope.mgmt.descope_tenant_settings
"""

EXAMPLES = r"""
- name: Acme signs in with Okta (OIDC)
  descope.mgmt.descope_sso:
    tenant_id: acme
    protocol: oidc
    oidc:
      name: Okta
      client_id: 0oa1example
      client_secret: "{{ vault_acme_okta_secret }}"
      auth_url: https://acme.okta.com/oauth2/v1/authorize
      token_url: https://acme.okta.com/oauth2/v1/token
      user_data_url: https://acme.okta.com/oauth2/v1/userinfo
      scope: [openid, profile, email]
    domains: [acme.com]
    redirect_url: https://app.example.com/

- name: Globex signs in with SAML metadata, groups mapped to roles
  descope.mgmt.descope_sso:
    tenant_id: globex
    protocol: saml
    saml:
      metadata_url: https://idp.globex.example/metadata.xml
      attribute_mapping:
        email: mail
        group: memberOf
    role_mappings:
      - groups: [globex-admins]
        role: Tenant Admin
      - groups: [globex-staff]
        role: Member
    domains: [globex.example]

- name: Initech has two IdPs; a third, made in the console, is removed
  descope.mgmt.descope_sso:
    tenant_id: initech
    connections:
      - sso_id: ""
        protocol: saml
        saml:
          metadata_url: https://idp.initech.example/metadata.xml
        domains: [initech.example]
      - sso_id: contractors
        display_name: Contractors (Okta)
        protocol: oidc
        oidc:
          name: Okta
          client_id: 0oa2example
          client_secret: "{{ vault_initech_okta_secret }}"
        role_mappings:
          - groups: [contractors]
            role: Member
    prune: true

- name: Remove a tenant's SSO connection
  descope.mgmt.descope_sso:
    tenant_id: acme
    state: absent
"""

RETURN = r"""
ssos:
  description: Set mode (O(connections)). One outcome per declared or pruned connection, shaped as RV(sso).
  returned: set mode
  type: list
  elements: dict
sso:
  description: What happened to the connection. RV(sso.before) and RV(sso.after) hold the managed fields.
  returned: single mode, success or write failure
  type: dict
  contains:
    id:
      description: The tenant ID (C(tenant/sso_id) for an additional configuration).
      type: str
      sample: acme
    action:
      description: V(created), V(updated), V(deleted), V(unchanged), V(failed) or V(skipped).
      type: str
      sample: updated
    changed:
      description: Whether the connection changed (or would change in check mode).
      type: bool
    before:
      description: The managed fields before; V(null) when there was no connection.
      type: dict
    after:
      description: The managed fields after (a secret only as a marker); V(null) when removed.
      type: dict
descope_audit:
  description: Sanitised record of the operations, read by the C(descope.mgmt.descope_audit) callback. Never holds a secret.
  returned: always
  type: dict
validation_errors:
  description: Every problem found before anything was written (id, field, message, fix).
  returned: on validation failure
  type: list
  elements: dict
error:
  description: The structured error of a failure.
  returned: on failure
  type: dict
hint:
  description: A one-line suggestion for the failure.
  returned: on failure
  type: str
api_requests:
  description: HTTP requests made by the task.
  returned: when the API was called
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_module
from ansible_collections.descope.mgmt.plugins.module_utils._sso import SPEC


def main() -> None:
    module = AnsibleModule(argument_spec=SPEC.argument_spec, **SPEC.module_kwargs)
    run_module(module, SPEC)


if __name__ == "__main__":
    main()
