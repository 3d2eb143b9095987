#!/usr/bin/python
# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: descope_audit_info
short_description: Read and verify the descope.mgmt audit trail
version_added: 0.1.0
description:
  - Reads the JSONL audit trail written by the C(descope.mgmt.descope_audit) callback plugin and returns the entries
    that match the filters, oldest first.
  - With O(verify=true) it also checks every line's seal and link and the per-run checkpoints, and reports every line
    that was edited, removed, inserted, reordered, forged or cut off, each with its file and line number. With O(key)
    (or E(DESCOPE_AUDIT_KEY)) forgery and full rewrites are detected too; without it RV(forgery_detectable) is false
    and a warning says so. A path with no trail is never RV(verified). Torn lines (a writer killed mid-line) are
    listed in RV(torn_lines) and skipped; the rest of the file and later files are still verified.
  - A line is torn only if it is the start of a line the writer emits (UTF-8, the writer's JSON form) and stands where
    an interrupted writer leaves one (the last line with no newline, or a line the next line chains from). Any other
    line that is not a sealed record (text, binary or non-UTF-8 bytes, a blank line, a JSON line without a seal) is
    reported in RV(problems) as tampering, with its file and line.
  - It makes no Descope API calls and needs no credentials. Filters combine with AND; several values of one filter
    combine with OR.
author:
  - descope.mgmt contributors (@descope-mgmt)
options:
  path:
    description:
      - A trail file, or a directory whose C(*.jsonl) files are read in name (date) order.
      - Default is the callback's default directory, E(DESCOPE_AUDIT_DIR) when set, then
        C($AWX_ISOLATED_DATA_DIR/descope_audit) inside an AWX/AAP job, then C(~/.descope-mgmt/audit).
    type: path
  since:
    description:
      - Only entries at or after this time, an ISO 8601 timestamp or date (for example V(2025-01-31T08:00:00Z) or
        V(2025-01-31), the start of that UTC day), a relative time V(30m), V(2h), V(1d), V(1w) (before now), or
        V(today) / V(yesterday). A time without a zone is UTC.
    type: str
  until:
    description:
      - Only entries at or before this time (same formats as O(since)). A bare date, V(today) or V(yesterday) includes
        that whole UTC day.
    type: str
  project:
    description:
      - Only entries of these Descope project IDs.
      - This is a filter on the trail; the module makes no API calls and takes no connection options.
    type: list
    elements: str
  operation:
    description:
      - Only these operations, for example V(create), V(update), V(delete), V(import), V(backup), V(restore), V(retention).
    type: list
    elements: str
  target_id:
    description:
      - Only entries about these object IDs (tenant IDs, flow IDs...).
    type: list
    elements: str
  outcome:
    description:
      - Only entries with these outcomes. V(check) marks check-mode entries (nothing was written).
    type: list
    elements: str
    choices: [ok, failed, check, skipped, unknown]
  run_id:
    description:
      - Only entries of these playbook runs (the callback gives each C(ansible-playbook) run one id).
    type: list
    elements: str
  module:
    description:
      - Only entries of these modules (V(descope_tenant) or V(descope.mgmt.descope_tenant)).
    type: list
    elements: str
  host:
    description:
      - Only entries of these inventory hosts.
    type: list
    elements: str
  changed_only:
    description:
      - Only entries that changed something (or would have, in check mode).
    type: bool
    default: false
  verify:
    description:
      - Check the seals, the chain and the checkpoints of every file under O(path) and return RV(verified),
        RV(problems), RV(first_broken_line), RV(broken_file), RV(reason), RV(torn_lines) and RV(forgery_detectable).
    type: bool
    default: false
  key:
    description:
      - The key the C(descope.mgmt.descope_audit) callback seals with. Default E(DESCOPE_AUDIT_KEY).
    type: str
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: This module only reads; it runs normally in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  action:
    description: The action plugin reads the trail on the controller, where the callback writes it.
    support: full
  async:
    description: Not supported; a task with C(async) is refused by Ansible before the trail is read.
    support: none
notes:
  - The trail is written on the controller, so the action plugin always reads it there, whatever the task's host.
  - Unreadable lines are skipped from RV(entries); O(verify=true) reports them.
seealso:
  - plugin: descope.mgmt.descope_audit
    plugin_type: callback
"""

EXAMPLES = r"""
- name: Everything changed in one project since yesterday morning
  descope.mgmt.descope_audit_info:
    project: [P2abc]
    since: "2025-01-31T00:00:00Z"
    changed_only: true
  register: audit

- name: What did one run do?
  descope.mgmt.descope_audit_info:
    run_id: ["{{ wanted_run_id }}"]

- name: Failed deletions of one tenant
  descope.mgmt.descope_audit_info:
    target_id: [acme]
    operation: [delete]
    outcome: [failed]

- name: Prove the trail was not tampered with (the key comes from DESCOPE_AUDIT_KEY)
  descope.mgmt.descope_audit_info:
    path: /var/log/descope-audit
    verify: true
  register: check
  failed_when: not check.verified or not check.forgery_detectable

- name: Yesterday's deletions
  descope.mgmt.descope_audit_info:
    since: yesterday
    until: yesterday
    operation: [delete]
"""

RETURN = r"""
msg:
  description:
    - What was read, or the outcome of O(verify=true) in one line. When the verification fails it names the first
      broken line as C(file:line), why it is broken and the next steps, so a task failed on RV(verified) with
      C(failed_when) shows it.
  returned: always
  type: str
  sample: >-
    Audit trail verification failed at /home/ops/.descope-mgmt/audit/2025-01-31.jsonl:17: content does not match
    its seal (the line was edited or forged). Next steps: ...
entries:
  description: The matching audit lines, oldest first (each file's lines in order).
  returned: always
  type: list
  elements: dict
  sample:
    - v: 2
      time: "2025-01-31T08:00:01.123Z"
      run_id: 0b6f3c8e-1f0e-4f5e-9d55-8a7f3f8b2f8c
      playbook: site.yml
      play: Configure Descope
      task: Tenants
      task_uuid: 0242ac11-0002-1234-5678-000000000008
      module: descope_tenant
      host: localhost
      project_id: P2abc
      operation: update
      target_type: tenant
      target_id: acme
      changed: true
      check_mode: false
      hidden: false
      before: {name: Acme}
      after: {name: Acme Corp}
      outcome: ok
      error: null
      duration_ms: 85
      user: ops
      awx_job_id: null
      awx_user: null
      interrupted: false
      alg: hmac-sha256
      key_id: 3f2a9c0d1e4b5a6c
      prev: "5b1e...64 hex digits"
      hash: "9c0d...64 hex digits"
count:
  description: Number of RV(entries).
  returned: always
  type: int
  sample: 1
files:
  description: The trail files that were read.
  returned: always
  type: list
  elements: str
  sample: [/home/ops/.descope-mgmt/audit/2025-01-31.jsonl]
path:
  description: The file or directory that was read.
  returned: always
  type: str
  sample: /home/ops/.descope-mgmt/audit
verified:
  description: Whether a trail was found and every line, link and checkpoint is intact (torn lines aside).
  returned: when O(verify=true)
  type: bool
  sample: true
lines_checked:
  description: How many lines were checked (up to and including the first broken one).
  returned: when O(verify=true)
  type: int
  sample: 120
first_broken_line:
  description: The 1-based line number of the first broken line in RV(broken_file), or null.
  returned: when O(verify=true)
  type: int
  sample: 17
broken_file:
  description: The file holding the first broken line, or null.
  returned: when O(verify=true)
  type: str
  sample: /home/ops/.descope-mgmt/audit/2025-01-31.jsonl
reason:
  description: Why that line is broken (edited, removed/inserted/reordered, not JSON...), or null.
  returned: when O(verify=true)
  type: str
  sample: content does not match its seal (the line was edited or forged)
problems:
  description: Every problem found (at most 200), each with its C(file), C(line) (null for a checkpoint) and C(reason).
  returned: when O(verify=true)
  type: list
  elements: dict
  sample: [{file: /home/ops/.descope-mgmt/audit/2025-01-31.jsonl, line: 17, reason: "'prev' does not match line 16"}]
torn_lines:
  description:
    - Incomplete lines a writer killed mid-line left (the start of a line as the writer emits it, as the file's last
      line or chained from by the next line), skipped by the verification. Other unsealed text is in RV(problems).
  returned: when O(verify=true)
  type: list
  elements: dict
  sample: [{file: /home/ops/.descope-mgmt/audit/2025-01-31.jsonl, line: 9, reason: an incomplete last line (a writer interrupted mid-write)}]
forgery_detectable:
  description: True only when a key was given, so a forged or rewritten line would have been detected.
  returned: when O(verify=true)
  type: bool
  sample: true
checkpoints:
  description: How many run checkpoints were checked.
  returned: when O(verify=true)
  type: int
  sample: 3
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.descope.mgmt.plugins.module_utils._audit import INFO_ARGUMENT_SPEC, AuditInfoError, info


def main() -> None:
    module = AnsibleModule(argument_spec=INFO_ARGUMENT_SPEC, supports_check_mode=True)
    try:
        result = info(module.params, os.environ)
    except AuditInfoError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
