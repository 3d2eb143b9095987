#!/usr/bin/python
# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: descope_flow
short_description: Deploy Descope flows and the project theme, only when they really differ
version_added: 0.1.0
description:
  - Deploys one Descope flow from an export file (O(src)) or inline content (O(definition)), every flow of a directory
    of exports (O(src_dir)), and optionally the project theme (O(theme)).
  - >-
    Accepts both export forms. The v1 (console) form is C({"flow": {"id", "name", "dsl", ...}, "screens": [...]}); the
    v2 form is the flow object C({"flowId", "metadata", "contents", "screens", "references"}), as written by
    M(descope.mgmt.descope_flow_info) and C(descope flow export) of the Descope CLI, or the same wrapped as
    C({"flow": {...}}) (files written by earlier versions of this collection). Everything is converted to v2 and imported with the v2 import endpoint.
  - Compares normalised content before writing. Both sides are converted to v2, then what Descope manages itself is
    dropped (C(version), C(etag), C(modifiedTime), the flow id; C(metadata.fingerprint) is a setting and is compared), empty values are treated as absent
    (C(disabled=false) equals a missing C(disabled)), and lists whose order means nothing are sorted (screens by
    C(screenId), the C(references) lists). A flow is imported only when this normalised content differs, so a
    second run makes no write request.
  - >-
    Validates every declared file before the first request that writes, and reports every problem at once, each
    naming the file and the JSON path (for example C(flows/sign-in.json, id 'sign-in': $.flow.screens[2].screenId: duplicate
    screen id ...)). Checked are JSON syntax, the shape of the detected form, the flow id, unique screen ids, and that
    every screen the flow graph refers to (any C(screenId) inside the contents) is among the flow's screens.
  - >-
    Requests: one flow list, one v2 export per declared flow that already exists (the minimum needed to compare
    contents), one v2 import per flow that differs, and a single delete request for every flow removed.
author:
  - descope.mgmt maintainers (@descope-mgmt)
extends_documentation_fragment:
  - descope.mgmt.connection
  - descope.mgmt.connection.ATTRIBUTES
  - descope.mgmt.prune_guard
attributes:
  check_mode:
    details: Check mode reads the flows and predicts exactly what would be imported or deleted; it sends no write request.
  diff_mode:
    details:
      - Each changed flow gets a readable summary (screens and tasks added, removed or changed; metadata fields changed)
        followed by the full normalised content before and after.
options:
  flow_id:
    description:
      - The id of the flow to deploy or delete.
      - When the document names another id (C(flow.flowId) in v2, C(flow.id) in v1), O(flow_id) wins and a warning
        says so, which makes deploying a copy of a flow under a new id a one-line change.
      - When not set with O(src) or O(definition), the id in the document is used.
      - Required with O(state=absent). Cannot be used with O(src_dir), where each file name is the flow id.
    type: str
  src:
    description:
      - Path to one exported flow (JSON, v1 or v2 form).
      - A relative path is looked up like the C(src) of M(ansible.builtin.copy) when the module runs on the
        controller (the role's C(files/) directory, then the playbook's), and otherwise relative to the current directory.
    type: path
  definition:
    description:
      - The content of one exported flow, inline (the same v1 or v2 structure as a file, for example from
        C(lookup('file', ...) | from_json)).
    type: dict
  src_dir:
    description:
      - A directory of exported flows, one C(<flow_id>.json) per flow; every C(*.json) file in it is deployed.
      - The file name is the flow id. When a file names another id inside, the file name wins with a warning.
      - A theme export in the directory (the C(theme.json) that M(descope.mgmt.descope_flow_info) writes) is skipped;
        deploy it with O(theme).
      - Relative paths are looked up like O(src).
    type: path
  state:
    description:
      - V(present) imports the declared flows when their content differs.
      - V(absent) deletes the flow O(flow_id); deleting a flow that does not exist is not a change.
    type: str
    choices: [present, absent]
    default: present
  prune:
    description:
      - With O(src_dir), delete every flow of the project that has no file in the directory, except O(protected_ids).
      - B(Deleting flows is destructive) and cannot be undone from Ansible unless you have an export; Descope projects
        also contain built-in flows (for example V(sign-up-or-in)) that applications may use. Run with C(--check --diff)
        first, list every built-in flow you keep in O(protected_ids), and take a backup.
      - A directory without any flow file is refused when O(prune=true), so a wrong path cannot wipe the project.
      - All pruned flows are deleted with one request.
    type: bool
    default: false
  protected_ids:
    description:
      - Flow ids that O(prune) never deletes. A protected flow that has a file in O(src_dir) is still deployed.
    type: list
    elements: str
    default: []
  theme:
    description:
      - >-
        The project theme to import, as a path to a theme export (the theme object C({"styles", "componentsVersion",
        "references"}) as written by M(descope.mgmt.descope_flow_info) with O(descope.mgmt.descope_flow_info#module:theme=true)
        and by C(descope theme export) of the Descope CLI, or the same wrapped as C({"theme": ...}))
        or as the same content in a dict. A v1 theme export (C(cssTemplate)) is refused with a validation error.
      - The theme is compared the same way as flows (empty values dropped, reference lists sorted) and imported
        only when it differs. There is one theme per project.
      - Relative paths are looked up like O(src).
    type: raw
  concurrency:
    description:
      - How many export or import requests run at the same time in set mode.
      - Lower it if Descope rate-limits the run.
      - From 1 to 16; any other value is rejected before any request.
    type: int
    default: 4
notes:
  - Screen C(inputs) exist only in the v1 form and have no v2 equivalent; they are not compared and not imported.
  - C(fingerprint) is kept in what is imported but never compared, since Descope may compute it.
seealso:
  - module: descope.mgmt.descope_flow_info
    description: List flows and export them (and the theme) to files this module deploys unchanged.
"""

EXAMPLES = r"""
- name: Deploy the sign-in flow from the role's files/ directory (v1 or v2 export)
  descope.mgmt.descope_flow:
    src: flows/sign-in.json

- name: Deploy a copy of a flow under another id (flow_id wins over the id in the file)
  descope.mgmt.descope_flow:
    flow_id: sign-in-staging
    src: flows/sign-in.json

- name: Deploy every exported flow and the theme, deleting flows that are not in the directory
  descope.mgmt.descope_flow:
    src_dir: flows/
    prune: true
    protected_ids:
      - sign-up-or-in
      - step-up
    theme: flows/theme.json
  register: deployed

- name: Show what changed
  ansible.builtin.debug:
    msg: "{{ deployed.flows | selectattr('changed') | map(attribute='summary') | list }}"

- name: Deploy inline content
  descope.mgmt.descope_flow:
    flow_id: welcome
    definition: "{{ lookup('ansible.builtin.file', 'welcome.json') | from_json }}"

- name: Delete a flow
  descope.mgmt.descope_flow:
    flow_id: old-sign-in
    state: absent

- name: Detect drift in CI without changing anything
  descope.mgmt.descope_flow:
    src_dir: flows/
  check_mode: true
  diff: true
  register: drift
  failed_when: drift.changed
"""

RETURN = r"""
flows:
  description: One entry per flow the task declared, deleted or pruned.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The flow id.
      type: str
      sample: sign-in
    action:
      description: What happened (or would happen in check mode).
      type: str
      sample: updated
      choices: [created, updated, deleted, unchanged, failed, skipped]
    changed:
      description: Whether this flow was (or would be) written.
      type: bool
    summary:
      description: A readable summary of the difference.
      type: str
      sample: "flow 'sign-in': screens changed: SC2welcome; tasks added: 4; metadata changed: description"
    changes:
      description: The same summary as data.
      type: dict
      contains:
        screens:
          description: Screen ids C(added), C(removed) and C(changed).
          type: dict
        tasks:
          description: Task ids C(added), C(removed) and C(changed).
          type: dict
        metadata:
          description: Metadata fields that differ.
          type: list
          elements: str
        contents:
          description: Other keys of the flow graph (for example C(startTask)) that differ.
          type: list
          elements: str
        references:
          description: Reference kinds that differ.
          type: list
          elements: str
    src:
      description: The file (or V(definition)) the flow came from.
      type: str
      returned: when the flow was declared
    error:
      description: The API error, when the write failed.
      type: dict
      returned: on failure
flow:
  description: The single entry of RV(flows) when the task declares one flow with O(flow_id), O(src) or O(definition).
  returned: success, single-flow tasks
  type: dict
theme:
  description: The theme comparison.
  returned: when O(theme) is set
  type: dict
  contains:
    action:
      description: V(updated) or V(unchanged).
      type: str
    changed:
      description: Whether the theme was (or would be) imported.
      type: bool
    summary:
      description: Which parts differ (C(styles.light), C(styles.dark), C(componentsVersion), C(references)).
      type: str
    src:
      description: The theme file, or V(theme) for inline content.
      type: str
msg:
  description: A one-line summary.
  returned: always
  type: str
  sample: "1 updated, 49 unchanged (flows)."
diff:
  description: Per changed flow, the summary (C(prepared)) and the full normalised content before and after.
  returned: diff mode
  type: list
  elements: dict
descope_audit:
  description:
    - The audit block every descope.mgmt module returns (see the collection's architecture notes). Flow contents are
      recorded as a SHA-256 digest with screen and task counts, not in full.
  returned: always
  type: dict
api_requests:
  description: Request counters of this task (reads, writes, retries, rate_limited, waited).
  returned: when a request was made
  type: dict
validation_errors:
  description: Every problem found before anything was written, each with C(source) (the file), C(field) (the JSON path), C(message) and C(fix).
  returned: on validation failure
  type: list
  elements: dict
error:
  description: The machine-readable error of a failure.
  returned: on failure
  type: dict
hint:
  description: One line on what to do about a failure.
  returned: on failure
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.descope.mgmt.plugins.module_utils._flow import SPEC
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_module


def main() -> None:
    module = AnsibleModule(argument_spec=SPEC.argument_spec, **SPEC.module_kwargs)
    run_module(module, SPEC)


if __name__ == "__main__":
    main()
