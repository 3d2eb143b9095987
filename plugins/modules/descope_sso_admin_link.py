#!/usr/bin/python
# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: descope_sso_admin_link
short_description: Generate the SSO setup link for a Descope tenant's admin, without logging it
version_added: 0.1.0
description:
  - Generates the link with which a customer's IT admin configures their tenant's SSO in Descope's SSO setup suite
    (C(POST /v2/mgmt/tenant/adminlinks/sso/generate)).
  - The link is a bearer credential. It is returned only in RV(admin_link) of the registered result. A result
    holding it is marked C(no_log), so every callback (the stdout ones, junit, tree, ansible-runner's job events, the
    audit trail) gets a censored copy, at any verbosity, while C(register) gets the link. Hand it on with a task
    that is itself C(no_log).
  - Every run issues a new link (the task always reports a change). In check mode nothing is generated.
requirements:
  - requests
author:
  - descope.mgmt maintainers (@descope-mgmt)
extends_documentation_fragment:
  - descope.mgmt.connection
  - descope.mgmt.connection.ATTRIBUTES
attributes:
  check_mode:
    details: Checks the tenant (by look-up) and O(sso_id) exist, and generates or sends nothing.
  diff_mode:
    support: none
    details: A link is not a configuration; there is nothing to diff.
options:
  tenant_id:
    description: The tenant. It must exist.
    type: str
    required: true
  sso_id:
    description:
      - The SSO connection the link configures (an additional connection of the tenant; it must exist). Without
        it, the default one. A tenant with several IdPs gets one link per connection.
    type: str
  email:
    description:
      - The admin's email address. Descope emails the link to it (go-sdk C(GenerateSSOConfigurationLink), "in
        case provided, email will be sent"), so it is sent only together with O(send_email=true); an email
        without that choice is refused.
    type: str
  send_email:
    description:
      - V(true) has Descope email the link to O(email) (which it needs). V(false) (the default) only generates
        the link, and no email is sent.
    type: bool
    default: false
  expire_time:
    description: How long the link is valid, in seconds (1 to 2592000). Without it, Descope's default.
    type: int
  pending_tenants:
    description:
      - Tenants that an earlier task of the same play creates (for example M(descope.mgmt.descope_tenant)).
      - In check mode such a tenant does not exist yet; listed here, it is planned as a new tenant would start
        (nothing is generated in check mode anyway) instead of being refused, so C(--check --diff) of a whole onboarding play shows every change.
        In a real run the tenant must exist, whatever this list says.
    type: list
    elements: str
    default: []
notes:
  - ansible-core censors a C(no_log) result for every callback, including third-party ones, so the task shows only
    C(changed) and the audit trail records a hidden write (no tenant id); name the task after the tenant if the
    trail must say which. In check mode nothing is generated and the result is shown in full.
seealso:
  - module: descope.mgmt.descope_sso
"""

EXAMPLES = r"""
- name: Generate a one-day SSO setup link for Acme's admin
  descope.mgmt.descope_sso_admin_link:
    tenant_id: acme
    expire_time: 86400
  register: acme_link


- name: Send it (the link stays out of the logs)
  ansible.builtin.copy:
    content: "{{ acme_link.admin_link }}"
    dest: /secure/outbox/acme-sso-link.txt
    mode: "0600"
  no_log: true

- name: Have Descope email a link for Acme's second IdP to its admin (an explicit choice)
  descope.mgmt.descope_sso_admin_link:
    tenant_id: acme
    sso_id: contractors
    email: it-admin@acme.com
    send_email: true
    expire_time: 86400
"""

RETURN = r"""
admin_link:
  description: The setup link. In the registered result only; no callback, log or job event receives it.
  returned: success, not in check mode
  type: str
sso_admin_link:
  description: What was generated (tenant, SSO configuration, email, expiry), without the link.
  returned: success
  type: dict
  sample: {"id": "acme", "action": "created", "changed": true, "after": {"tenant_id": "acme", "email": "it-admin@acme.com", "expire_time": 86400}}
descope_audit:
  description: The audit record of the generation, without the link.
  returned: always
  type: dict
validation_errors:
  description: Every problem found before the request (unknown tenant or SSO configuration, bad expiry or email).
  returned: on validation failure
  type: list
  elements: dict
api_requests:
  description: HTTP requests made by the task.
  returned: when the API was called
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_module
from ansible_collections.descope.mgmt.plugins.module_utils._sso import ADMIN_LINK_SPEC as SPEC


def main() -> None:
    module = AnsibleModule(argument_spec=SPEC.argument_spec, **SPEC.module_kwargs)
    run_module(module, SPEC)


if __name__ == "__main__":
    main()
