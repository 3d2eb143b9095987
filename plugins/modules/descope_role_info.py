#!/usr/bin/python
# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: descope_role_info
short_description: Read Descope project and tenant roles in the shape descope_role accepts
version_added: 0.1.0
description:
  - Returns the project roles and, with O(tenant_ids), the roles of those tenants, with one request.
  - RV(roles) has exactly the item shape of O(descope.mgmt.descope_role#module:roles), with every managed field, so
    a project can be adopted with zero writes.
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
  names:
    description:
      - Return only roles with these names.
    type: list
    elements: str
  tenant_ids:
    description:
      - Also return the roles of these tenants.
    type: list
    elements: str
  include_project_roles:
    description:
      - Return the project roles. Ignored (always true) without O(tenant_ids).
    type: bool
    default: true
seealso:
  - module: descope.mgmt.descope_role
"""

EXAMPLES = r"""
- name: Read the project roles and those of one tenant
  descope.mgmt.descope_role_info:
    tenant_ids: [acme]
  register: found

- name: Manage them from now on (first run reports no change)
  descope.mgmt.descope_role:
    roles: "{{ found.roles }}"
"""

RETURN = r"""
roles:
  description: The roles, project roles first, then by tenant and name.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The role name.
      type: str
    tenant_id:
      description: The tenant of a tenant role.
      type: str
      returned: for tenant roles
    description:
      description: The description.
      type: str
    permission_names:
      description: The permissions it grants, sorted.
      type: list
      elements: str
    default:
      description: Whether new users get it by default.
      type: bool
    private:
      description: Whether it is private.
      type: bool
  sample: [{"name": "viewer", "description": "Reads data", "permission_names": ["read"], "default": false, "private": false}]
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

from ansible_collections.descope.mgmt.plugins.module_utils._authz import ROLE_INFO_SPEC as SPEC
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_module


def main() -> None:
    module = AnsibleModule(argument_spec=SPEC.argument_spec, **SPEC.module_kwargs)
    run_module(module, SPEC)


if __name__ == "__main__":
    main()
