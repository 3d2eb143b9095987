#!/usr/bin/python
# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: descope_backup
short_description: Verified backups of a Descope project, restore with a dry run, and retention
version_added: 0.1.0
description:
  - >-
    O(state=present) writes one backup of the project: every tenant with its settings, every flow (exported in the v2
    form), the theme, and the project snapshot when the project's plan allows it. When Descope refuses the snapshot
    (any 4xx answer but 401 and 429, most likely a plan without snapshots), the task warns, the manifest and the
    result say so with Descope's status, code and text (RV(backup.snapshot.status=unavailable)) and the backup still
    succeeds with the rest.
  - >-
    Layout: C(<backup_dir>/<project_id>/<UTC time, for example 20261124T071500Z>/) holding C(tenants.json)
    (C({"tenants": [...]}), items in the shape M(descope.mgmt.descope_tenant) reads, parents before children),
    C(flows/<flow_id>.json) (exactly the files M(descope.mgmt.descope_flow) deploys with O(descope.mgmt.descope_flow#module:src_dir)),
    C(theme.json) (for O(descope.mgmt.descope_flow#module:theme)), C(snapshot/) (the snapshot's files, one per key,
    images stored as image files) and
    C(manifest.json) (format version, project id, UTC time, collection version, counts, snapshot status and the SHA-256
    of every file).
  - >-
    A backup is written to a temporary directory next to its final place and renamed into place, so an interrupted run
    never leaves a partial backup that looks complete. Directories are created with mode 0700 and files with 0600. The
    management key is never written; a backup that would contain it is refused.
  - >-
    Idempotent: when the normalised content of the project (what a restore would compare) equals the newest backup,
    nothing is written and the task reports no change. O(force=true) writes a new backup anyway.
  - >-
    O(state=restored) restores O(backup). Every checksum is verified first, and a backup with a modified, missing or
    added file is refused before any request, naming each file. Tenants are restored through the same engine as
    M(descope.mgmt.descope_tenant) and flows and the theme through the same engine as M(descope.mgmt.descope_flow), so
    only differences are written and C(--diff) shows them. The snapshot is compared with the live one; when project
    settings differ it is checked with Descope's validate endpoint, then imported. Check mode reads, compares and
    validates, and writes nothing.
  - >-
    O(state=absent) applies retention to the project's backups (O(keep_last) and/or O(max_age_days)). Only directories
    holding a valid manifest of this project are considered; the newest backup is never removed. O(keep_last) and
    O(max_age_days) can also be set with O(state=present) to apply retention right after the backup.
author:
  - descope.mgmt maintainers (@descope-mgmt)
extends_documentation_fragment:
  - descope.mgmt.connection
  - descope.mgmt.connection.ATTRIBUTES
  - descope.mgmt.prune_guard
attributes:
  check_mode:
    details:
      - O(state=present) reads the project and reports whether a backup would be written; nothing is written to disk.
      - O(state=restored) verifies the backup, reads the project, validates the snapshot and reports exactly what would
        be written; it sends no write request.
      - O(state=absent) lists the backups that would be removed without removing them.
  diff_mode:
    details:
      - With O(state=restored), one before/after entry per tenant, flow, theme and snapshot that differs, as
        M(descope.mgmt.descope_tenant) and M(descope.mgmt.descope_flow) show them.
options:
  state:
    description:
      - V(present) writes a backup (unless the project is unchanged since the newest one).
      - V(restored) makes the project match O(backup).
      - V(absent) removes old backups according to O(keep_last) and O(max_age_days).
    type: str
    choices: [present, restored, absent]
    default: present
  backup_dir:
    description:
      - Directory on the host running the module (the controller, for C(connection=local)) that holds the backups.
        Each project gets its own subdirectory named after its id.
      - Created (mode 0700) by the first backup. For O(state=restored) and O(state=absent) it must exist.
    type: path
    required: true
  force:
    description:
      - With O(state=present), write a new backup even when the project has not changed since the newest one.
    type: bool
    default: false
  backup:
    description:
      - With O(state=restored), the backup to restore. V(latest) is the newest valid backup of the project; a backup
        name (for example V(20261124T071500Z)) is looked up in the project's directory; anything else is a path to a
        backup directory.
      - A backup of another project is refused.
      - Required with O(state=restored).
    type: str
  prune:
    description:
      - With O(state=restored), also delete the tenants and flows that are not in the backup (created after it),
        except O(protected_ids). Without it, such tenants and flows are kept.
      - Used only with O(state=restored).
    type: bool
    default: false
  protected_ids:
    description:
      - Tenant and flow ids that O(prune) never deletes.
    type: list
    elements: str
    default: []
  include:
    description:
      - What to back up or restore.
      - Restoring a part the backup does not hold is skipped with a note in RV(notes).
      - V(roles) (opt-in, not in the default) holds the permissions and the project and tenant roles in C(roles.json), in
        the item shapes of M(descope.mgmt.descope_permission) and M(descope.mgmt.descope_role) (Descope's system
        permissions are left out, every project has them). A restore writes permissions and project roles before the
        tenants (their default roles name them), tenant roles after them, and deletes (with O(prune)) last; a prune
        that would delete more than half of the existing roles or permissions is refused.
      - V(tenant_settings) (opt-in) holds every tenant's session settings and password policy in C(tenant_settings.json),
        in the item shape of M(descope.mgmt.descope_tenant_settings). A restore writes them after the tenants and
        the roles, setting every field back to its backed-up value.
      - V(sso) (opt-in) holds every tenant's SSO configurations (OIDC, SAML, mappings, domains, redirect URL) in
        C(sso.json), in the item shape of M(descope.mgmt.descope_sso), without any secret (the API never returns
        them). C(secrets_not_captured) in the file, the manifest and RV(backup.secrets_not_captured) names each secret
        a restore cannot bring back (an OIDC client secret); a connection that still exists keeps its stored secret,
        one the restore creates has none until a task sets O(descope.mgmt.descope_sso#module:oidc.client_secret)
        again. A restore writes SSO after the tenants and roles (its mappings name them), never deletes an SSO
        configuration, and refuses an item with a secret or with keys a backup never writes, before any request.
    type: list
    elements: str
    choices: [tenants, flows, theme, snapshot, roles, tenant_settings, sso]
    default: [tenants, flows, theme, snapshot]
  keep_last:
    description:
      - Retention (O(state=absent), or O(state=present) after the backup) keeps at most this many backups of the project
        and removes the older ones.
    type: int
  max_age_days:
    description:
      - Retention removes backups older than this many days.
      - With O(keep_last) as well, a backup is removed when either rule selects it. The newest backup is never removed.
    type: int
  concurrency:
    description:
      - How many requests run at the same time (1 to 16).
      - A backup sends all its reads on one pool of this size. The tenant list, the flow list, the theme and the snapshot
        go out together, then the flow exports and the per-tenant reads of O(include=tenant_settings) and O(include=sso).
      - A restore runs the writes of each stage on it.
    type: int
    default: 4
  signing_key:
    description:
      - A secret key that signs each backup's manifest (HMAC-SHA256, stored as C(signature) in C(manifest.json)).
        When not set, the value of the E(DESCOPE_BACKUP_SIGNING_KEY) environment variable is used.
      - With a key, O(state=restored) (check mode included) refuses a backup whose signature is missing or does not
        verify, and V(latest) is the newest backup whose signed manifest verifies and names this project; unsigned
        or forged directories are ignored (listed in RV(ignored) by retention, never removed).
      - Without a key the manifest's sha256 checksums catch accidental damage only, not a deliberate edit (whoever can
        write a file can recompute its checksum); restore says so in a warning. See docs/backups-and-restore.md.
      - At least 16 characters; a value set but empty or shorter is an error. Keep it in a vault; it is never shown.
    type: str
notes:
  - >-
    Tenants are backed up with the fields M(descope.mgmt.descope_tenant) manages (name, self-provisioning domains, custom
    attributes, SSO enforcement and exclusions, disabled, parent, default roles). Tenant session settings and SSO
    configuration are in a backup only with the opt-in O(include) choices V(tenant_settings) and V(sso); users never are.
  - Descope sets a tenant's parent only when the tenant is created; restoring a tenant that now has another parent
    than in the backup is refused (nothing is written) and the message names it.
  - >-
    A tenant file can be used directly:
    C(tenants: "{{ (lookup('ansible.builtin.file', path + '/tenants.json') | from_json).tenants }}"), or as a
    C(vars_files) entry, which defines the variable C(tenants).
  - >-
    Backup format 2: the flow and theme files are the bare objects the Descope CLI writes and reads, and the
    C(snapshot/) directory is laid out like C(descope project snapshot export). Format 1 backups (wrapped flow and
    theme files, images as base64 text) are still verified and restored.
  - >-
    The snapshot needs a Pro licence or above. Flows and the theme inside it are restored by the flow engine and are
    never sent again with the snapshot; the snapshot is imported only when other project settings differ. Descope
    documents that a snapshot import overrides the current configuration; what it does to settings absent from the
    snapshot is unpublished, so preview a restore with check mode.
seealso:
  - module: descope.mgmt.descope_tenant
    description: The tenant engine restores use.
  - module: descope.mgmt.descope_flow
    description: The flow and theme engine restores use.
"""

EXAMPLES = r"""
- name: Back up the project (nothing is written when it has not changed since the newest backup)
  descope.mgmt.descope_backup:
    backup_dir: /var/backups/descope
  register: backup

- name: Back up, then keep the 30 newest backups and none older than 90 days
  descope.mgmt.descope_backup:
    backup_dir: /var/backups/descope
    keep_last: 30
    max_age_days: 90

- name: Show what restoring the newest backup would change (writes nothing)
  descope.mgmt.descope_backup:
    state: restored
    backup_dir: /var/backups/descope
    backup: latest
  check_mode: true
  diff: true

- name: Restore a given backup, deleting tenants and flows created since, but never the built-in flow
  descope.mgmt.descope_backup:
    state: restored
    backup_dir: /var/backups/descope
    backup: 20261124T071500Z
    prune: true
    protected_ids:
      - sign-up-or-in

- name: Restore only the tenants
  descope.mgmt.descope_backup:
    state: restored
    backup_dir: /var/backups/descope
    backup: latest
    include: [tenants]

- name: Apply retention only
  descope.mgmt.descope_backup:
    state: absent
    backup_dir: /var/backups/descope
    keep_last: 10

- name: Deploy the tenants of a backup with descope_tenant
  descope.mgmt.descope_tenant:
    tenants: "{{ (lookup('ansible.builtin.file', backup.backup.path + '/tenants.json') | from_json).tenants }}"
"""

RETURN = r"""
backup:
  description: The backup written, found unchanged, or restored, with a summary of its manifest.
  returned: success, O(state=present) and O(state=restored)
  type: dict
  contains:
    path:
      description: The backup directory (in check mode, where it would be written).
      type: str
      sample: /var/backups/descope/P2abc/20261124T071500Z
    name:
      description: The backup's name (its UTC time).
      type: str
      sample: 20261124T071500Z
    project_id:
      description: The project the backup belongs to.
      type: str
    created:
      description: When the backup was taken (UTC, ISO 8601).
      type: str
      sample: "2026-11-24T07:15:00Z"
    format_version:
      description: The backup format version.
      type: int
      sample: 2
    collection_version:
      description: The descope.mgmt version that wrote the backup.
      type: str
    include:
      description: The parts the backup holds.
      type: list
      elements: str
    counts:
      description: Number of C(tenants), C(flows), C(theme) (0 or 1) and C(snapshot_files).
      type: dict
      sample: {"tenants": 120, "flows": 12, "theme": 1, "snapshot_files": 40}
    snapshot:
      description: Whether the backup holds the project snapshot.
      type: dict
      sample: {"status": "unavailable", "reason": "Descope refused the snapshot export (HTTP 403, E112601); snapshots need a Pro licence or above"}
      contains:
        status:
          description: V(ok), V(unavailable) (Descope refused the snapshot export, see C(reason)) or V(not_included).
          type: str
          sample: ok
        reason:
          description: Why the snapshot is unavailable.
          type: str
          returned: when RV(backup.snapshot.status=unavailable)
    content_sha256:
      description: Digest of the normalised content, used to detect that nothing changed.
      type: str
    secrets_not_captured:
      description:
        - The secrets the backup does not hold, so a restore cannot bring them back, each as C(tenant id[/sso id]) followed
          by the secret's option name (for example C(oidc.client_secret)); a task must set them again.
      type: list
      elements: str
      returned: when the backup holds V(sso)
      sample: ["acme: oidc.client_secret"]
    signed:
      description: Whether the manifest carries a signature (written with O(signing_key)).
      type: bool
tenants:
  description: With O(state=restored), one entry per tenant as M(descope.mgmt.descope_tenant) returns them (C(id), C(action), C(changed), C(before), C(after)).
  returned: O(state=restored)
  type: list
  elements: dict
roles:
  description: With O(state=restored) and V(roles) restored, one entry per role as M(descope.mgmt.descope_role) returns them.
  returned: O(state=restored) with V(roles) in O(include)
  type: list
  elements: dict
permissions:
  description: With O(state=restored) and V(roles) restored, one entry per permission as M(descope.mgmt.descope_permission) returns them.
  returned: O(state=restored) with V(roles) in O(include)
  type: list
  elements: dict
tenant_settings:
  description: With O(state=restored) and V(tenant_settings) restored, one entry per tenant as M(descope.mgmt.descope_tenant_settings) returns them.
  returned: O(state=restored) with V(tenant_settings) in O(include)
  type: list
  elements: dict
sso:
  description: With O(state=restored) and V(sso) restored, one entry per SSO configuration as M(descope.mgmt.descope_sso) returns it.
  returned: O(state=restored) with V(sso) in O(include)
  type: list
  elements: dict
secrets_not_captured:
  description: With O(state=restored) and V(sso) restored, the secrets the restore could not bring back; set them again with M(descope.mgmt.descope_sso).
  returned: O(state=restored) with V(sso) in O(include)
  type: list
  elements: str
  sample: ["acme: oidc.client_secret"]
flows:
  description: With O(state=restored), one entry per flow as M(descope.mgmt.descope_flow) returns them (C(id), C(action), C(changed), C(summary), C(changes)).
  returned: O(state=restored)
  type: list
  elements: dict
theme:
  description: With O(state=restored), the theme comparison (C(action), C(changed), C(summary)).
  returned: O(state=restored) when the backup holds a theme
  type: dict
snapshot:
  description: With O(state=restored), the snapshot outcome (C(action) V(imported) or V(unchanged), and the differing C(files)).
  returned: O(state=restored) when the snapshot is restored
  type: dict
notes:
  description: Parts that were not restored and why (for example a backup taken without a snapshot licence).
  returned: when there is something to say
  type: list
  elements: str
removed:
  description: The backups retention removed (or would remove in check mode), each with C(name), C(path), C(created) and C(reason).
  returned: when retention ran (O(state=absent), or O(keep_last)/O(max_age_days) with O(state=present))
  type: list
  elements: dict
kept:
  description: The names of the backups retention kept, oldest first.
  returned: when retention ran
  type: list
  elements: str
removed_temporary:
  description:
    - Temporary directories (C(.tmp-*)) left by backups that were killed mid-way, removed by this run (never in check
      mode; never one that another running process is still writing).
  returned: when some were removed
  type: list
  elements: str
ignored:
  description:
    - Directories that look like backups but hold no valid manifest of this project (each with C(name), C(path) and
      C(reason)); retention never touches them.
    - Named C(skipped) before version 0.2.0, a key Ansible reserves (it showed the task as skipped).
  returned: when retention found some
  type: list
  elements: dict
msg:
  description: A one-line summary.
  returned: always
  type: str
  sample: "Restored backup 20261124T071500Z: 3 change(s) written. Tenants: 1 created, 1 updated, 98 unchanged; flows: 1 updated, 11 unchanged."
diff:
  description: Before/after entries of what changed.
  returned: diff mode
  type: list
  elements: dict
descope_audit:
  description:
    - The audit block every descope.mgmt module returns, with operations C(backup), C(restore) (plus the tenant, flow,
      theme and snapshot writes) and C(retention).
  returned: always
  type: dict
api_requests:
  description: Request counters of this task (reads, writes, retries, rate_limited, waited).
  returned: when a request was made
  type: dict
validation_errors:
  description: Every problem found before anything was written, each with C(field), C(message) and C(fix).
  returned: on validation failure
  type: list
  elements: dict
error:
  description: The machine-readable error of a failure; for a backup that does not verify, C(files) lists each file and its problem.
  returned: on failure
  type: dict
hint:
  description: One line on what to do about a failure.
  returned: on failure
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.descope.mgmt.plugins.module_utils._backup import SPEC
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_module


def main() -> None:
    module = AnsibleModule(argument_spec=SPEC.argument_spec, **SPEC.module_kwargs)
    run_module(module, SPEC)


if __name__ == "__main__":
    main()
