#!/usr/bin/python
# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: descope_tenant_settings_info
short_description: Read Descope tenants' session settings and password policies in the shape descope_tenant_settings accepts
version_added: 0.1.0
description:
  - Returns the session settings and the password policy of every tenant, or of the tenants in O(tenant_ids).
  - RV(tenant_settings) has exactly the item shape of O(descope.mgmt.descope_tenant_settings#module:tenants), with every
    field, so feeding it back adopts an existing project with zero writes.
  - A duration Descope answers in seconds is exported in whole minutes when it is exact; one that is not (for
    example 90 seconds) fails the task naming the tenant and field, never exported in another unit.
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
    description:
      - The tenants to read. Without it, every tenant of the project (one extra request lists them).
      - IDs that do not exist are listed in RV(missing_ids); a failed read is checked with C(POST /v1/mgmt/tenant/search),
        so the status the API uses for an unknown tenant (404 or 400) does not matter.
    type: list
    elements: str
notes:
  - Two requests per tenant. A tenant without a password policy of its own shows the project's policy.
seealso:
  - module: descope.mgmt.descope_tenant_settings
"""

EXAMPLES = r"""
- name: Read the settings of two tenants
  descope.mgmt.descope_tenant_settings_info:
    tenant_ids: [acme, globex]
  register: settings

- name: Feed them back unchanged (adoption, zero writes)
  descope.mgmt.descope_tenant_settings:
    tenants: "{{ settings.tenant_settings }}"
"""

RETURN = r"""
tenant_settings:
  description: One item per tenant, C(tenant_id), C(session) and C(password_policy), with every field.
  returned: success
  type: list
  elements: dict
  sample: [{"tenant_id": "acme", "session": {"enabled": true, "inactivity_time": 30}, "password_policy": {"min_length": 12}}]
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
from ansible_collections.descope.mgmt.plugins.module_utils._tenant_settings import INFO_SPEC as SPEC


def main() -> None:
    module = AnsibleModule(argument_spec=SPEC.argument_spec, **SPEC.module_kwargs)
    run_module(module, SPEC)


if __name__ == "__main__":
    main()
