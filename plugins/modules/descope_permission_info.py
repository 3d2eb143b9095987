#!/usr/bin/python
# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: descope_permission_info
short_description: Read Descope permissions in the shape descope_permission accepts
version_added: 0.1.0
description:
  - Returns the permissions of a Descope project with one request. RV(permissions) has exactly the item shape of
    O(descope.mgmt.descope_permission#module:permissions), so a project can be adopted with zero writes.
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
      - Return only these permissions (system permissions included when named).
    type: list
    elements: str
  include_system_default:
    description:
      - Also return Descope's own system permissions (which every project has and no prune deletes).
    type: bool
    default: false
seealso:
  - module: descope.mgmt.descope_permission
"""

EXAMPLES = r"""
- name: Read the permissions
  descope.mgmt.descope_permission_info:
  register: perms

- name: Manage them from now on (first run reports no change)
  descope.mgmt.descope_permission:
    permissions: "{{ perms.permissions }}"
"""

RETURN = r"""
permissions:
  description: The permissions by name, each with every managed field.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The permission name.
      type: str
    description:
      description: The description (empty string when none).
      type: str
  sample: [{"name": "invoices.read", "description": "Read invoices"}]
missing_names:
  description: Requested O(names) that do not exist.
  returned: when some do not exist
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

from ansible_collections.descope.mgmt.plugins.module_utils._authz import PERMISSION_INFO_SPEC as SPEC
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_module


def main() -> None:
    module = AnsibleModule(argument_spec=SPEC.argument_spec, **SPEC.module_kwargs)
    run_module(module, SPEC)


if __name__ == "__main__":
    main()
