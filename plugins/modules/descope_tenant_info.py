#!/usr/bin/python
# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: descope_tenant_info
short_description: Read Descope tenants in the shape descope_tenant accepts
version_added: 0.1.0
description:
  - Returns all tenants of a Descope project, some of them by ID, or a search by name, self-provisioning domain or
    custom attribute.
  - The result RV(tenants) has exactly the item shape of O(descope.mgmt.descope_tenant#module:tenants), so an existing
    project can be adopted by writing it to a vars file and managing it with M(descope.mgmt.descope_tenant) from then on
    (the first run reports no change).
  - Filters combine with AND; several values of one filter combine with OR.
requirements:
  - requests
author:
  - descope.mgmt maintainers (@descope-mgmt)
extends_documentation_fragment:
  - descope.mgmt.connection
  - descope.mgmt.connection.ATTRIBUTES
attributes:
  check_mode:
    details: This module only reads; it runs normally in check mode.
  diff_mode:
    support: none
options:
  ids:
    description:
      - Return only these tenant IDs. IDs that do not exist are listed in RV(missing_ids).
    type: list
    elements: str
  names:
    description:
      - Return only tenants with one of these exact names.
    type: list
    elements: str
  self_provisioning_domains:
    description:
      - Return only tenants that claim one of these self-provisioning domains (case-insensitive).
    type: list
    elements: str
  custom_attributes:
    description:
      - Return only tenants whose custom attributes have these values. A list value matches any of its elements.
    type: dict
notes:
  - One request per task. Without filters, or with O(self_provisioning_domains) (matched case-insensitively here), it reads all
    tenants; with a single O(ids) entry it loads that tenant; otherwise it sends one search and filters the answer again locally.
seealso:
  - module: descope.mgmt.descope_tenant
"""

EXAMPLES = r"""
- name: Read all tenants
  descope.mgmt.descope_tenant_info:
  register: all_tenants

- name: Read two tenants by id
  descope.mgmt.descope_tenant_info:
    ids: [acme, globex]
  register: some

- name: Which tenant claims this domain?
  descope.mgmt.descope_tenant_info:
    self_provisioning_domains: [acme.com]
  register: by_domain

- name: Enterprise tenants only
  descope.mgmt.descope_tenant_info:
    custom_attributes:
      plan: enterprise
  register: enterprise

- name: Manage what was read, unchanged (adoption)
  descope.mgmt.descope_tenant:
    tenants: "{{ all_tenants.tenants }}"
"""

RETURN = r"""
tenants:
  description:
    - The matching tenants, parents before their sub-tenants, then by ID.
    - Each item holds only meaningful fields (empty lists and dicts and false booleans are left out), with the
      option names of M(descope.mgmt.descope_tenant).
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The tenant ID.
      type: str
    name:
      description: The tenant name.
      type: str
    self_provisioning_domains:
      description: Self-provisioning domains, lower-case and sorted.
      type: list
      elements: str
      returned: when not empty
    custom_attributes:
      description: Custom attributes.
      type: dict
      returned: when not empty
    enforce_sso:
      description: Whether SSO is enforced.
      type: bool
      returned: when true
    enforce_sso_exclusions:
      description: User IDs exempt from SSO enforcement, sorted.
      type: list
      elements: str
      returned: when not empty
    disabled:
      description: Whether the tenant is disabled.
      type: bool
      returned: when true
    parent_tenant_id:
      description: The parent tenant ID.
      type: str
      returned: for sub-tenants
    default_roles:
      description: Default roles, sorted.
      type: list
      elements: str
      returned: when not empty
  sample:
    - {"id": "acme", "name": "Acme Corp", "self_provisioning_domains": ["acme.com"], "custom_attributes": {"plan": "enterprise"}}
    - {"id": "acme-eu", "name": "Acme Europe", "parent_tenant_id": "acme"}
missing_ids:
  description: Requested O(ids) that do not exist.
  returned: when some requested IDs do not exist
  type: list
  elements: str
descope_audit:
  description: Sanitised audit block (no operations, as the module only reads).
  returned: always
  type: dict
api_requests:
  description: HTTP requests made by the task.
  returned: when the API was called
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_module
from ansible_collections.descope.mgmt.plugins.module_utils._tenant import INFO_SPEC as SPEC


def main() -> None:
    module = AnsibleModule(argument_spec=SPEC.argument_spec, **SPEC.module_kwargs)
    run_module(module, SPEC)


if __name__ == "__main__":
    main()
