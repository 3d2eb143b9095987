#!/usr/bin/python
# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: descope_permission
short_description: Manage Descope permissions, one at a time or as a whole declared set
version_added: 0.1.0
description:
  - Creates, updates and deletes the permissions of a Descope project (the names roles grant).
  - B(Single mode) manages one permission named by O(name).
  - B(Set mode) declares many permissions with O(permissions). It reads all permissions with one request and writes
    the differences with at most three requests (one batch create, one batch update, one batch delete), whatever
    the number of permissions. With O(prune=true) permissions that are not declared are deleted, except those in
    O(protected_ids) and Descope's own system permissions.
  - A permission that an existing role grants is never deleted by this module (Descope would silently remove it from
    the role). Remove it from the role first, or manage roles and permissions together with
    M(descope.mgmt.descope_role) and its O(descope.mgmt.descope_role#module:permissions) option, which orders the writes.
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
    details: Plans the same changes as a real run (it still reads the current permissions) and sends no write request.
  diff_mode:
    details: Shows name and description before and after for each created, updated and deleted permission.
options:
  name:
    description:
      - Single mode. The permission name (unique per project). Names with control or invisible characters or with
        leading or trailing blanks are refused, and so is a new name longer than 100 bytes in UTF-8 (an existing
        longer name is managed as it is).
      - A new name that differs only in case from an existing one of the same scope is refused (whether Descope
        compares names with case is not published); rename with O(previous_names) to change only the case.
    type: str
  previous_names:
    description:
      - Single mode. Names the permission had before. When the project has one of them and not O(name), it is renamed
        in place (one update with the API's C(newName)); the roles that grant it are not touched by this module.
        The result and the diff show the rename (C(renamed_from)).
      - When both O(name) and a previous name exist, or several previous names exist, the task fails before any write.
    type: list
    elements: str
  description:
    description:
      - Single mode. The description. Left out, the current description is kept.
      - A new description is at most 254 bytes in UTF-8 (the Descope Terraform provider's limit); an existing longer
        one is kept as it is.
    type: str
  state:
    description:
      - Single mode. V(present) creates or updates the permission, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  permissions:
    description:
      - Set mode. The permissions, each a mapping with C(name), optional C(previous_names), C(description) and
        C(state) (V(present) or V(absent)), the shape M(descope.mgmt.descope_permission_info) returns.
      - C(previous_names) (a list of names) renames a permission in place, as O(previous_names) does in single mode;
        a previous name is never pruned. Two items claiming the same previous name, or a previous name that is also
        declared as an item, are refused before any request.
      - Two items with the same name (also after Unicode normalisation) are refused.
    type: list
    elements: raw
  prune:
    description:
      - Set mode only. Delete every existing permission that is not declared, except those in O(protected_ids) and
        Descope's system permissions.
      - An empty O(permissions) with O(prune=true) is refused unless O(allow_empty_prune=true); a prune that would delete
        more than O(max_delete_ratio) (default half) of the existing permissions is refused.
    type: bool
    default: false
  protected_ids:
    description:
      - Set mode only. Permission names that O(prune) never deletes. Declaring a protected permission V(absent) is refused.
    type: list
    elements: str
notes:
  - One read (C(GET /v1/mgmt/permission/all)) per task. When a permission is to be deleted, the roles that grant it
    are searched (to refuse deleting a permission a role grants) with one C(POST /v1/mgmt/role/search) by permission
    name, plus C(GET /v1/mgmt/tenant/all) and one search with the tenants' C(tenantIds) (whether a search without
    C(tenantIds) returns tenant roles is not published, so tenant roles are always searched explicitly).
  - The batch endpoints are those of the OpenAPI description and the official SDKs (C(/v1/mgmt/permission/create/batch),
    C(/update/batch), C(/delete/batch)); a change of one permission uses the single-object endpoint.
seealso:
  - module: descope.mgmt.descope_role
  - module: descope.mgmt.descope_permission_info
"""

EXAMPLES = r"""
- name: One permission
  descope.mgmt.descope_permission:
    name: invoices.read
    description: Read invoices

- name: The whole set, deleting undeclared permissions (never Descope's system ones)
  descope.mgmt.descope_permission:
    prune: true
    protected_ids: [legacy.export]
    permissions:
      - name: invoices.read
        description: Read invoices
      - name: invoices.write
        description: Create and change invoices

- name: Rename a permission in place
  descope.mgmt.descope_permission:
    name: invoices.view
    previous_names: [invoices.read]

- name: Delete one
  descope.mgmt.descope_permission:
    name: invoices.archive
    state: absent
"""

RETURN = r"""
permission:
  description: Single mode. The permission's outcome.
  returned: single mode
  type: dict
  contains:
    id:
      description: The permission name.
      type: str
    action:
      description: V(created), V(updated), V(deleted), V(unchanged), V(failed) or V(skipped) (what check mode would do).
      type: str
    changed:
      description: Whether it changed (or would change in check mode).
      type: bool
    before:
      description: The managed fields before (null when absent).
      type: dict
    after:
      description: The managed fields after (null when deleted).
      type: dict
    renamed_from:
      description: The permission's name before a rename (an V(updated) outcome).
      returned: when the permission was renamed
      type: str
  sample: {"id": "invoices.read", "action": "created", "changed": true, "before": null, "after": {"name": "invoices.read", "description": "Read invoices"}}
permissions:
  description: Set mode. One outcome per declared or pruned permission, in the shape of RV(permission).
  returned: set mode
  type: list
  elements: dict
descope_audit:
  description: The audit block, one operation per written permission (see the descope_audit callback).
  returned: always
  type: dict
api_requests:
  description: HTTP requests made by the task (reads, writes, retries).
  returned: when the API was called
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.descope.mgmt.plugins.module_utils._authz import PERMISSION_SPEC as SPEC
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_module


def main() -> None:
    module = AnsibleModule(argument_spec=SPEC.argument_spec, **SPEC.module_kwargs)
    run_module(module, SPEC)


if __name__ == "__main__":
    main()
