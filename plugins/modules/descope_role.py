#!/usr/bin/python
# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: descope_role
short_description: Manage Descope project and tenant roles (and the permissions they grant)
version_added: 0.1.0
description:
  - Creates, updates and deletes roles of a Descope project. A role without O(tenant_id) is a project role; with
    O(tenant_id) it is a role of that tenant only.
  - B(Single mode) manages one role named by O(name) (and O(tenant_id)).
  - B(Set mode) declares many roles with O(roles) and, optionally, the permissions they grant with O(permissions).
    Writes are batched (one request per kind of change, whatever the number of roles) and ordered. Permissions are
    created and updated before the roles that use them, roles are deleted before the permissions they granted.
  - A role naming a permission that neither exists nor is declared in O(permissions) is refused before any write.
  - O(prune=true) deletes undeclared roles only in the scopes the set declares roles in, the project roles when an item
    has no C(tenant_id) (or O(roles) is empty) and the roles of each tenant an item names, and, when O(permissions) is
    given, undeclared permissions (never Descope's system permissions). O(protected_ids) names roles (C(name) for
    project roles, C(tenant_id/name) for tenant roles) and permissions that prune never deletes.
  - Only the fields you set are managed; a field left out keeps its value (the update call replaces the role, so the
    module sends the current role with your fields merged in). C(permission_names) is compared without order.
  - Everything is validated before the first write and every problem is reported at once (item, field, fix).
  - Check mode predicts exactly what a real run does and sends no write request.
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
    details: Plans the same changes as a real run (it still reads the current roles) and sends no write request.
  diff_mode:
    details: Shows the managed fields before and after for each created, updated and deleted role and permission.
options:
  name:
    description:
      - Single mode. The role name (unique per scope, that is the project or one tenant). Names with control or
        invisible characters or with leading or trailing blanks are refused, and so is a new name longer than 100
        bytes in UTF-8 (an existing longer name is managed as it is).
      - A new name that differs only in case from an existing one of the same scope is refused (whether Descope
        compares names with case is not published); rename with O(previous_names) to change only the case.
    type: str
  previous_names:
    description:
      - Single mode. Names the role had before. When the role's scope (the project, or O(tenant_id)) holds one of
        them and not O(name), that role is renamed in place (one update with the API's C(newName)), so the users and
        access keys that hold it, tenant default roles and SSO role mappings keep it; delete and create would take it
        away from all of them. The result and the diff show the rename (C(renamed_from)).
      - When both O(name) and a previous name exist, or several previous names exist, the task fails before any
        write (which role to keep is not guessed).
    type: list
    elements: str
  tenant_id:
    description:
      - Single mode. The tenant the role belongs to; left out, the role is a project role.
    type: str
  description:
    description:
      - Single mode. The description.
      - A new description is at most 254 bytes in UTF-8 (the Descope Terraform provider's limit); an existing longer
        one is kept as it is.
    type: str
  permission_names:
    description:
      - Single mode. The permissions the role grants (the whole list; order does not matter).
    type: list
    elements: str
  default:
    description:
      - Single mode. Whether Descope gives the role to new users by default.
    type: bool
  private:
    description:
      - Single mode. Whether the role is private.
    type: bool
  state:
    description:
      - Single mode. V(present) creates or updates the role, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  roles:
    description:
      - Set mode. The roles, each a mapping with C(name) and optional C(previous_names), C(tenant_id), C(description),
        C(permission_names), C(default), C(private) and C(state), the shape M(descope.mgmt.descope_role_info) returns.
      - C(previous_names) (a list of names) renames a role in place, as O(previous_names) does in single mode; a
        previous name is looked up in the item's own scope and is never pruned. Two items claiming the same previous
        name in one scope, or a previous name that is also declared as an item, are refused before any request.
      - Two items with the same name in the same scope (also after Unicode normalisation) are refused.
    type: list
    elements: raw
  permissions:
    description:
      - Set mode only (with O(roles)). Permissions managed in the same task, in the shape of
        O(descope.mgmt.descope_permission#module:permissions); they are written first and deleted last.
    type: list
    elements: raw
  pending_tenants:
    description:
      - Tenants that an earlier task of the same play creates (for example M(descope.mgmt.descope_tenant)).
      - In check mode such a tenant does not exist yet; listed here, its roles are planned as creates instead of
        being refused, so C(--check --diff) of a whole onboarding play shows every change. In a real run the tenant
        must exist, whatever this list says.
    type: list
    elements: str
    default: []
  prune:
    description:
      - Set mode only. Delete undeclared roles in the declared scopes and, with O(permissions), undeclared permissions.
      - An empty set with O(prune=true) is refused unless O(allow_empty_prune=true); a prune that would delete more
        than O(max_delete_ratio) (default half) of the existing roles (or permissions) is refused.
    type: bool
    default: false
  protected_ids:
    description:
      - Set mode only. Roles (C(name), or C(tenant_id/name)) and permission names that O(prune) never deletes.
    type: list
    elements: str
notes:
  - One read for the roles (C(GET /v1/mgmt/role/all), or one C(POST /v1/mgmt/role/search) with C(tenantIds) and
    C(includeProjectRoles) when tenant roles are involved); C(GET /v1/mgmt/permission/all) only when O(permissions)
    is given or a role names a permission no existing role grants; a tenant search only for a tenant that has no role
    yet. A second run of an unchanged set costs one read request.
  - "Writes: at most one batch create and one batch update of permissions, one batch create and one batch update of
    roles, one batch delete of roles per tenant scope and one batch delete of permissions (OpenAPI and official SDK
    endpoints C(/v1/mgmt/role/create/batch) and so on; the SDKs document each batch as one atomic transaction)."
  - Deleting a role removes it from tenant default roles and SSO role mappings in Descope.
seealso:
  - module: descope.mgmt.descope_permission
  - module: descope.mgmt.descope_role_info
"""

EXAMPLES = r"""
- name: A project role
  descope.mgmt.descope_role:
    name: billing-admin
    description: Manages invoices
    permission_names: [invoices.read, invoices.write]

- name: A role of one tenant
  descope.mgmt.descope_role:
    name: auditor
    tenant_id: acme
    permission_names: [invoices.read]

- name: Rename a role in place (its users, access keys, tenant default roles and SSO mappings keep it)
  descope.mgmt.descope_role:
    roles:
      - name: billing-reader
        previous_names: [billing-viewer]
        permission_names: [invoices.read]
      - name: acme-auditor
        tenant_id: acme
        previous_names: [auditor]
    prune: true

- name: Roles and their permissions in one ordered, batched change
  descope.mgmt.descope_role:
    prune: true
    protected_ids: [Tenant Admin]
    permissions:
      - name: invoices.read
      - name: invoices.write
    roles:
      - name: billing-admin
        permission_names: [invoices.read, invoices.write]
      - name: billing-viewer
        permission_names: [invoices.read]
      - name: auditor
        tenant_id: acme
        permission_names: [invoices.read]
"""

RETURN = r"""
role:
  description: Single mode. The role's outcome (C(id) is C(name), or C(tenant_id/name) for a tenant role).
  returned: single mode
  type: dict
  sample:
    id: billing-admin
    action: updated
    changed: true
    before: {"name": "billing-admin", "permission_names": ["invoices.read"]}
    after: {"name": "billing-admin", "permission_names": ["invoices.read", "invoices.write"]}
  contains:
    renamed_from:
      description: The role's id before a rename (only for a rename).
      returned: when the role was renamed
      type: str
      sample: billing-viewer
roles:
  description:
    - Set mode. One outcome per declared or pruned role (C(id), C(action), C(changed), C(before), C(after)).
    - A renamed role is an C(updated) outcome with C(renamed_from), the id it had before.
  returned: set mode
  type: list
  elements: dict
permissions:
  description: One outcome per declared or pruned permission.
  returned: when O(permissions) is given
  type: list
  elements: dict
descope_audit:
  description: The audit block, one operation per written role or permission.
  returned: always
  type: dict
api_requests:
  description: HTTP requests made by the task.
  returned: when the API was called
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.descope.mgmt.plugins.module_utils._authz import ROLE_SPEC as SPEC
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_module


def main() -> None:
    module = AnsibleModule(argument_spec=SPEC.argument_spec, **SPEC.module_kwargs)
    run_module(module, SPEC)


if __name__ == "__main__":
    main()
