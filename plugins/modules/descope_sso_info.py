#!/usr/bin/python
# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: descope_sso_info
short_description: Read Descope tenants' SSO connections in the shape descope_sso accepts
version_added: 0.1.0
description:
  - Returns the configured SSO connections (OIDC and SAML) of every tenant, or of the tenants in O(tenant_ids).
  - Each item of RV(sso) holds exactly the options of M(descope.mgmt.descope_sso), so looping over them adopts an
    existing project with zero writes.
  - The protocol of each connection is the answer's C(tenant.authType) (answers carry both a C(saml) and an
    C(oidc) object), so a SAML connection is never exported as OIDC.
  - Settings the module has no option for (for example C(groupsPriority), C(fgaMappings), OIDC claim mappings for
    groups) are exported in C(other_settings), in the API's names, so a restore or a re-apply keeps them.
  - Every connection of a tenant is an item (C(sso_id) for additional ones). Display names are not exported,
    as no answer carries them.
  - Secrets are never returned (Descope does not return them); RV(secrets_not_exported) lists them.
requirements:
  - requests
author:
  - descope.mgmt maintainers (@descope-mgmt)
extends_documentation_fragment:
  - descope.mgmt.connection
  - descope.mgmt.connection.ATTRIBUTES
attributes:
  check_mode:
    details: Read-only; runs the same in check mode.
  diff_mode:
    support: none
    details: Reads only; there is nothing to diff.
options:
  tenant_ids:
    description: The tenants to read. Without it, every tenant (one extra request lists them).
    type: list
    elements: str
  sso_id:
    description:
      - Only this connection of each tenant (V("") for the default connection). Without it, every connection.
    type: str
notes:
  - One request per tenant. Tenants without a connection contribute no item. A tenant named in O(tenant_ids)
    that does not exist is told by look-up (C(missing_ids)), whatever status Descope gives it.
seealso:
  - module: descope.mgmt.descope_sso
"""

EXAMPLES = r"""
- name: Read the SSO connections of every tenant
  descope.mgmt.descope_sso_info:
  register: sso

- name: Manage them as read (adoption, zero writes)
  descope.mgmt.descope_sso:
  args: "{{ item }}"
  loop: "{{ sso.sso }}"
"""

RETURN = r"""
sso:
  description: One item per configured connection, in descope_sso's option shape.
  returned: success
  type: list
  elements: dict
  sample: [{"tenant_id": "acme", "protocol": "oidc", "oidc": {"name": "Okta", "client_id": "0oa1"}, "domains": ["acme.com"]}]
secrets_not_exported:
  description: "The secrets the export could not include, as C(<tenant>[/<sso_id>]: oidc.client_secret)."
  returned: success
  type: list
  elements: str
missing_ids:
  description: Requested tenant IDs that do not exist.
  returned: when some are missing
  type: list
  elements: str
descope_audit:
  description: The audit envelope (no operations for a read).
  returned: always
  type: dict
api_requests:
  description: HTTP requests made by the task.
  returned: when the API was called
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_module
from ansible_collections.descope.mgmt.plugins.module_utils._sso import INFO_SPEC as SPEC


def main() -> None:
    module = AnsibleModule(argument_spec=SPEC.argument_spec, **SPEC.module_kwargs)
    run_module(module, SPEC)


if __name__ == "__main__":
    main()
