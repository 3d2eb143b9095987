#!/usr/bin/python
# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: descope_flow_info
short_description: List Descope flows and export them and the project theme to files
version_added: 0.1.0
description:
  - Lists the flows of a Descope project (id, name, description, disabled).
  - >-
    With O(dest), exports the selected flows (O(flow_ids), or all) to C(<dest>/<flow_id>.json) in the v2 form
    C({"flowId", "metadata", "contents", "screens", "references"}) (the bare flow object the Descope CLI writes with
    C(descope flow export) and reads with C(descope flow import)), written with sorted keys and
    two-space indentation, so exports diff cleanly in git and M(descope.mgmt.descope_flow) deploys them unchanged
    (a redeploy of a fresh export makes no write request).
  - With O(theme=true), also exports the project theme to C(<dest>/theme.json), the bare theme object
    C({"styles", "componentsVersion", "references"}) as C(descope theme export) writes it.
  - A file is written only when its content differs (atomically, through a temporary file in O(dest)); the task
    reports C(changed) only then. Check mode writes no file and reports what would be written.
author:
  - descope.mgmt maintainers (@descope-mgmt)
extends_documentation_fragment:
  - descope.mgmt.connection
  - descope.mgmt.connection.ATTRIBUTES
attributes:
  check_mode:
    details: Check mode reads from Descope and compares with the files in O(dest) but writes no file.
  diff_mode:
    support: none
options:
  flow_ids:
    description:
      - The flows to list and export. Default is every flow of the project.
      - An id that does not exist fails the task before any file is written.
    type: list
    elements: str
  dest:
    description:
      - The directory to export to, created when missing. Existing files of other flows are left alone.
      - >-
        The directory is on the host that runs the module (the controller, with C(connection: local) or
        C(delegate_to: localhost)); a relative path is relative to the current directory.
    type: path
  theme:
    description:
      - Also export the project theme to C(<dest>/theme.json). Requires O(dest).
    type: bool
    default: false
  format:
    description:
      - The form of the exported flow files.
      - V(v2) is the exported form C(flow.flowId/metadata/contents/screens/references) that the Descope CLI and
        Terraform use; V(v1) is the console form C(flow.id/name/dsl) plus C(screens), without C(references) (which
        M(descope.mgmt.descope_flow) then leaves as they are in Descope). Both redeploy without a write.
    type: str
    choices: [v2, v1]
    default: v2
  concurrency:
    description:
      - How many export requests run at the same time.
      - From 1 to 16; any other value is rejected before any request.
    type: int
    default: 4
notes:
  - Unlike most C(_info) modules this one can change the controller's files (only with O(dest)); Descope itself is
    never changed.
seealso:
  - module: descope.mgmt.descope_flow
    description: Deploy the exported files.
"""

EXAMPLES = r"""
- name: List the flows
  descope.mgmt.descope_flow_info:
  register: listing

- name: Export every flow and the theme into the repository
  descope.mgmt.descope_flow_info:
    dest: "{{ playbook_dir }}/files/flows"
    theme: true

- name: Export two flows
  descope.mgmt.descope_flow_info:
    flow_ids: [sign-in, sign-up-or-in]
    dest: exports/
"""

RETURN = r"""
flows:
  description: The selected flows.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Flow id.
      type: str
      sample: sign-in
    name:
      description: Display name.
      type: str
      sample: Sign In
    description:
      description: Description.
      type: str
    disabled:
      description: Whether the flow is disabled.
      type: bool
    action:
      description:
        - What happened to the flow's export file (V(exported), or V(unchanged) when it already held the same content).
      type: str
      returned: when O(dest) is set
      sample: exported
files:
  description: The export files, with C(id), C(path) and C(changed) (the file was, or in check mode would be, written).
  returned: when O(dest) is set
  type: list
  elements: dict
theme:
  description: The theme export file, with C(path), C(changed) and C(action) (V(exported) or V(unchanged)).
  returned: when O(theme=true)
  type: dict
msg:
  description: A one-line summary.
  returned: always
  type: str
descope_audit:
  description: The audit block every descope.mgmt module returns; one C(export) operation per file written.
  returned: always
  type: dict
api_requests:
  description: Request counters of this task.
  returned: when a request was made
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.descope.mgmt.plugins.module_utils._flow import INFO_SPEC as SPEC
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_module


def main() -> None:
    module = AnsibleModule(argument_spec=SPEC.argument_spec, **SPEC.module_kwargs)
    run_module(module, SPEC)


if __name__ == "__main__":
    main()
