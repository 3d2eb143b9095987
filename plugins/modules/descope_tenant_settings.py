#!/usr/bin/python
# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: descope_tenant_settings
short_description: Manage a Descope tenant's session settings and password policy
version_added: 0.1.0
description:
  - Manages, per tenant, the session settings (session, refresh and step-up token expiry, inactivity timeout,
    just-in-time provisioning) and the password policy of Descope tenants.
  - B(Single mode) manages one tenant with O(tenant_id), O(session) and O(password_policy). B(Set mode) manages
    several tenants with O(tenants); tenants that are not listed are left alone (settings are never deleted).
  - Only the fields you set are managed; a field left out keeps its value in Descope. With O(authoritative=true)
    every field of a declared section (O(session) or O(password_policy)) that you leave out is reset to the
    default a public source publishes for it (listed with each field); a field with no published default must be
    declared, or the task is refused. A section you do not declare is never read or written; an empty one is
    refused with O(authoritative=true) unless O(allow_empty_reset=true).
  - Every item is validated before the first request that writes, against the bounds Descope's own Terraform
    provider publishes (listed with each field), that is types (V(true) is not a number), units, durations and their
    minimums, policy ranges, unknown tenants. All problems are reported at once, each naming the field and the
    fix, and on any problem nothing is written. A value Descope already holds is accepted as it is.
  - A duration Descope answers in seconds is compared exactly (600 seconds equal 10 minutes) and, when the task
    does not declare it, written back as answered; it is never read in another unit.
  - Check mode reads the current settings, predicts exactly what a real run writes and sends no write request.
requirements:
  - requests
author:
  - descope.mgmt maintainers (@descope-mgmt)
extends_documentation_fragment:
  - descope.mgmt.connection
  - descope.mgmt.connection.ATTRIBUTES
attributes:
  check_mode:
    details: Reads the current settings and plans the same writes as a real run; sends no write request.
  diff_mode:
    details: Shows the managed fields before and after for each tenant whose settings change.
options:
  tenant_id:
    description:
      - Single mode. The ID of the tenant whose settings are managed. The tenant must exist.
      - Mutually exclusive with O(tenants).
    type: str
  session:
    description:
      - Single mode. The tenant's session settings (C(POST /v1/mgmt/tenant/settings)).
      - A duration and its unit are set together.
    type: dict
    suboptions: &session_fields  # also the fields of tenants[].session (a YAML alias below)
      enabled:
        description:
          - Whether the tenant uses its own session settings (V(false) means the project's settings apply).
          - Default with O(authoritative=true) is V(false).
        type: bool
      session_token_expiration:
        description:
          - How long a session token is valid, in O(session.session_token_expiration_unit), at least 3 minutes
            and not longer than the refresh token. The number is 1 to 1000 (use a larger unit beyond).
          - Default with O(authoritative=true) is V(10) (minutes).
        type: int
      session_token_expiration_unit:
        description:
          - Unit of O(session.session_token_expiration); required together with it.
          - Default with O(authoritative=true) is V(minutes).
        type: str
        choices: [minutes, hours, days, weeks]
      refresh_token_expiration:
        description:
          - How long a refresh token is valid, in O(session.refresh_token_expiration_unit), at least 3 minutes;
            the number is 1 to 1000.
          - Default with O(authoritative=true) is V(4) (weeks).
        type: int
      refresh_token_expiration_unit:
        description:
          - Unit of O(session.refresh_token_expiration); required together with it.
          - Default with O(authoritative=true) is V(weeks).
        type: str
        choices: [minutes, hours, days, weeks]
      stepup_token_expiration:
        description:
          - How long a step-up token is valid, in O(session.stepup_token_expiration_unit), at least 3 minutes;
            the number is 1 to 1000.
          - Default with O(authoritative=true) is V(10) (minutes).
        type: int
      stepup_token_expiration_unit:
        description:
          - Unit of O(session.stepup_token_expiration); required together with it.
          - Default with O(authoritative=true) is V(minutes).
        type: str
        choices: [minutes, hours, days, weeks]
      enable_inactivity:
        description:
          - Whether an inactive session ends after O(session.inactivity_time).
          - Default with O(authoritative=true) is V(false).
        type: bool
      inactivity_time:
        description:
          - Inactivity timeout, in O(session.inactivity_time_unit), at least 10 minutes; the number is 1 to 1000.
          - Default with O(authoritative=true) is V(12) (minutes, as the Terraform provider publishes).
        type: int
      inactivity_time_unit:
        description:
          - Unit of O(session.inactivity_time); required together with it.
          - Default with O(authoritative=true) is V(minutes).
        type: str
        choices: [minutes, hours, days, weeks]
      jit_disabled:
        description:
          - Disable just-in-time user provisioning through this tenant's SSO.
          - No default is published; with O(authoritative=true) it must be declared.
        type: bool
  password_policy:
    description:
      - Single mode. The tenant's password policy (C(POST /v1/mgmt/password/settings) with the tenant ID).
      - A tenant that has no policy of its own reads the project's; writing one gives the tenant its own.
    type: dict
    suboptions: &password_policy_fields  # also the fields of tenants[].password_policy
      enabled:
        description:
          - Whether password authentication is enabled for the tenant.
          - Default with O(authoritative=true) is V(true).
        type: bool
      min_length:
        description:
          - Minimum password length (4 to 64).
          - No default is published; with O(authoritative=true) it must be declared.
        type: int
      lowercase:
        description:
          - Require a lowercase letter.
          - No default is published; with O(authoritative=true) it must be declared.
        type: bool
      uppercase:
        description:
          - Require an uppercase letter.
          - No default is published; with O(authoritative=true) it must be declared.
        type: bool
      number:
        description:
          - Require a digit.
          - No default is published; with O(authoritative=true) it must be declared.
        type: bool
      non_alphanumeric:
        description:
          - Require a non-alphanumeric character.
          - No default is published; with O(authoritative=true) it must be declared.
        type: bool
      expiration:
        description:
          - Whether passwords expire.
          - No default is published; with O(authoritative=true) it must be declared.
        type: bool
      expiration_weeks:
        description:
          - Weeks until a password expires (1 to 999).
          - No default is published; with O(authoritative=true) it must be declared.
        type: int
      reuse:
        description:
          - Whether reuse of recent passwords is prevented.
          - No default is published; with O(authoritative=true) it must be declared.
        type: bool
      reuse_amount:
        description:
          - How many previous passwords cannot be reused (1 to 50).
          - No default is published; with O(authoritative=true) it must be declared.
        type: int
      lock:
        description:
          - Lock the account after O(password_policy.lock_attempts) failures.
          - No default is published; with O(authoritative=true) it must be declared.
        type: bool
      lock_attempts:
        description:
          - Failed attempts before the account is locked (2 to 10).
          - No default is published; with O(authoritative=true) it must be declared.
        type: int
      temp_lock:
        description:
          - Temporarily lock the account after failures.
          - Default with O(authoritative=true) is V(false).
        type: bool
      temp_lock_attempts:
        description:
          - Failed attempts before a temporary lock (1 to 10).
          - Default with O(authoritative=true) is V(3).
        type: int
      temp_lock_duration:
        description:
          - Duration of a temporary lock, in minutes (1 to 1440, that is 1 minute to 24 hours).
          - Default with O(authoritative=true) is V(5).
        type: int
      enable_password_strength:
        description:
          - Require a minimum password strength score.
          - Default with O(authoritative=true) is V(false).
        type: bool
      password_strength_score:
        description:
          - Minimum strength score (0 to 4).
          - Default with O(authoritative=true) is V(0).
        type: int
      any_letter:
        description:
          - Require any letter.
          - No default is published; with O(authoritative=true) it must be declared.
        type: bool
      disallowed_characters:
        description:
          - Characters a password may not contain.
          - No default is published; with O(authoritative=true) it must be declared.
        type: str
      disallow_email_match:
        description:
          - Refuse passwords that match the user's email.
          - No default is published; with O(authoritative=true) it must be declared.
        type: bool
  tenants:
    description:
      - Set mode. One item per tenant, each with O(tenants[].tenant_id) and O(tenants[].session) and/or
        O(tenants[].password_policy) as in single mode. RV(descope.mgmt.descope_tenant_settings_info#module:tenant_settings)
        returns this shape.
    type: list
    elements: dict
    suboptions:
      tenant_id:
        description: The tenant ID.
        type: str
        required: true
      session:
        description: The tenant's session settings, as O(session).
        type: dict
        suboptions: *session_fields
      password_policy:
        description: The tenant's password policy, as O(password_policy).
        type: dict
        suboptions: *password_policy_fields
  authoritative:
    description:
      - When V(true), every field of a declared section that the task leaves out is reset to its default, listed
        with each field. Only published defaults are used. No source publishes tenant-level defaults, so these are
        Descope's project defaults as its Terraform provider declares them (10-minute session and step-up tokens,
        4-week refresh token, inactivity off and 12 minutes; password authentication on, temporary lock off after
        3 attempts for 5 minutes, no strength score); V(session.enabled=false) makes the tenant follow the
        project's session settings (U(https://docs.descope.com/customize/tenant/)).
      - A field with no published default (O(session.jit_disabled), and in O(password_policy) the length,
        character classes, expiry, reuse, lock and character rules) is never reset; leaving it out is refused,
        and the error says which value keeps the current one.
      - When V(false) (the default), fields you leave out keep whatever value they have.
    type: bool
    default: false
  allow_empty_reset:
    description:
      - With O(authoritative=true), a declared section with no field set (O(session={}), O(password_policy={}),
        for example from an empty variable) would reset the whole section. Such a task is refused, with no write
        and in check mode too, unless this is V(true).
      - Even then a field with no published default is not reset (see O(authoritative)).
    type: bool
    default: false
  pending_tenants:
    description:
      - Tenants that an earlier task of the same play creates (for example M(descope.mgmt.descope_tenant)).
      - In check mode such a tenant does not exist yet; listed here, it is planned as a new tenant would start
        (its session settings as the published defaults with just-in-time provisioning on, its password policy the
        project's) instead of being refused, so C(--check --diff) of a whole onboarding play shows every change.
        In a real run the tenant must exist, whatever this list says.
    type: list
    elements: str
    default: []
  concurrency:
    description: How many tenants are read and written at the same time (1 to 16).
    type: int
    default: 4
notes:
  - Reads are one or two requests per tenant (the session settings and the password policy, only for the sections
    declared); a tenant whose settings already match costs no write.
  - Whether a settings call resets what it leaves out is not documented, so each write carries every value the
    answer holds, unchanged; the session call also carries C(selfProvisioningDomains), C(domains), C(authType),
    the SSO Setup Suite settings (C(ssoSetupSuiteSettings)) and the tenant's C(enforceSSO),
    C(enforceSSOExclusions) and C(federatedAppIds); the policy call carries every policy field.
  - Whether a tenant exists is read with C(POST /v1/mgmt/tenant/search) (one request per task), never guessed
    from the status of an error.
seealso:
  - module: descope.mgmt.descope_tenant_settings_info
  - module: descope.mgmt.descope_tenant
  - module: descope.mgmt.descope_sso
"""

EXAMPLES = r"""
- name: Short sessions and a strict password policy for one customer
  descope.mgmt.descope_tenant_settings:
    tenant_id: acme
    session:
      enabled: true
      session_token_expiration: 15
      session_token_expiration_unit: minutes
      refresh_token_expiration: 2
      refresh_token_expiration_unit: weeks
      enable_inactivity: true
      inactivity_time: 30
      inactivity_time_unit: minutes
    password_policy:
      min_length: 12
      uppercase: true
      number: true
      lock: true
      lock_attempts: 5

- name: The whole session section; the fields not listed go back to their published defaults
  descope.mgmt.descope_tenant_settings:
    authoritative: true
    tenants:
      - tenant_id: acme
        session:
          enabled: true
          session_token_expiration: 15
          session_token_expiration_unit: minutes
          jit_disabled: false  # no published default: an authoritative task declares it

- name: Adopt what exists, with zero writes
  descope.mgmt.descope_tenant_settings_info:
  register: current

- name: Manage it as read
  descope.mgmt.descope_tenant_settings:
    tenants: "{{ current.tenant_settings }}"
"""

RETURN = r"""
tenant_settings:
  description:
    - What happened to each tenant's settings (a dict in single mode, a list in set mode). RV(tenant_settings.before)
      and RV(tenant_settings.after) hold the managed fields of each declared section.
  returned: success or write failure
  type: raw
  contains:
    id:
      description: The tenant ID.
      type: str
      sample: acme
    action:
      description: V(updated), V(unchanged), V(failed) or V(skipped) (what would happen in check mode).
      type: str
      sample: updated
    changed:
      description: Whether this tenant's settings changed (or would change in check mode).
      type: bool
    before:
      description: The managed fields before, per section.
      type: dict
      sample: {"session": {"inactivity_time": 12, "inactivity_time_unit": "minutes"}}
    after:
      description: The managed fields after, per section.
      type: dict
      sample: {"session": {"inactivity_time": 30, "inactivity_time_unit": "minutes"}}
descope_audit:
  description:
    - Sanitised record of the operations performed (or planned in check mode), read by the
      C(descope.mgmt.descope_audit) callback. It never holds the management key.
  returned: always
  type: dict
validation_errors:
  description: Every problem found before anything was written (index, id, field, message, fix).
  returned: on validation failure
  type: list
  elements: dict
error:
  description: The structured error of a failure (kind, status, code, description, message, method, path).
  returned: on failure
  type: dict
hint:
  description: A one-line suggestion for the failure.
  returned: on failure
  type: str
api_requests:
  description: HTTP requests made by the task (reads, writes, retries, rate_limited, waited seconds).
  returned: when the API was called
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_module
from ansible_collections.descope.mgmt.plugins.module_utils._tenant_settings import SPEC


def main() -> None:
    module = AnsibleModule(argument_spec=SPEC.argument_spec, **SPEC.module_kwargs)
    run_module(module, SPEC)


if __name__ == "__main__":
    main()
