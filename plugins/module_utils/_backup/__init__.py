# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Verified backups of a Descope project, restore through the resource engines, retention (FOR INTERNAL COLLECTION USE
ONLY).

On-disk layout (format version 1), one directory per backup::

    <backup_dir>/<project_id>/<UTC stamp, e.g. 20261124T071500Z>/
        manifest.json           format, project id, time, collection version, counts, sha256 of every file
        tenants.json            {"tenants": [<descope_tenant item>, ...]}  (parents before children)
        flows/<flow_id>.json    {"flow": {v2 flow}}: exactly what descope_flow (src_dir) and descope_flow_info use
        theme.json              {"theme": {v2 theme}}: what descope_flow's theme option reads
        snapshot/<path>         the project snapshot's files map, one file per key (JSON values as JSON)

A backup is written into a hidden temporary directory next to its final place and renamed into place,
so a crash never leaves a half-written backup that looks complete. Directories are 0700, files 0600.

Restore verifies every checksum (and refuses files the manifest does not list) before any request and
parses only the bytes it verified; it then plans tenants with ``_tenant.plan_tenants`` and flows and the
theme with ``_flow.plan`` (the same planning as descope_tenant and descope_flow, so only differences are
written, with the same diffs) and the snapshot, all before the first write (``_restore``).

Files: ``_layout`` (format constants, argument spec, helpers), ``_capture`` (reading a project),
``_reads`` (the bounded pool every read of a backup shares, sections side by side),
``_store`` (disk: write, verify, list, retention planning), ``_module`` (back up, retention), ``_restore``.
"""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._backup import _layout, _restore, _store
from ansible_collections.descope.mgmt.plugins.module_utils._backup._capture import (
    Capture,
    build_manifest,
    capture,
    render_files,
    tenant_item,
)
from ansible_collections.descope.mgmt.plugins.module_utils._backup._layout import (
    ARGUMENT_SPEC,
    COLLECTION_VERSION,
    LIBRARIES,
    MODULE_KWARGS,
    SECTIONS,
    decode_snapshot_bytes,
    encode_snapshot_value,
    is_snapshot_refusal,
    iso,
    parse_iso,
    refusal_reason,
    safe_relpath,
    sha256_bytes,
    sha256_file,
    stamp_of,
)
from ansible_collections.descope.mgmt.plugins.module_utils._backup._module import (
    check_params,
    run_backup,
    run_retention,
)
from ansible_collections.descope.mgmt.plugins.module_utils._backup._store import (
    BackupVerifyError,
    Entry,
    list_backups,
    plan_retention,
    read_manifest,
    verify,
    verify_contents,
)
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeFileError, DescopeValidationError
from ansible_collections.descope.mgmt.plugins.module_utils._spec import OptionRules, ResourceSpec

_COMMON: dict[str, t.Any] = {
    "module": "descope_backup",
    "target_type": "backup",
    "argument_spec": ARGUMENT_SPEC,
    "module_kwargs": MODULE_KWARGS,
    "libraries": tuple(LIBRARIES),
    "rules": OptionRules(concurrency=True),
}

BACKUP_SPEC = ResourceSpec(**_COMMON, declare=check_params, run=run_backup)
RETENTION_SPEC = ResourceSpec(**_COMMON, declare=check_params, run=run_retention)


def _restore_declare(ctx: t.Any, problems: list[t.Any]) -> t.Any:
    check_params(ctx, problems)
    return _restore.declare(ctx, problems)


RESTORE_SPEC = ResourceSpec(
    **_COMMON,
    declare=_restore_declare,
    plan=_restore.plan,
    report=_restore.report,
    audit_view=_restore.audit_view,
    # the SAML certificates of sso.json, named as file_problems reports them
    certificate_fields=("sso.sso.saml.idp_cert", "sso.sso.saml.idp_additional_certs"),
)


def _select(params: t.Mapping[str, t.Any]) -> ResourceSpec:
    state = params.get("state") or "present"
    return RESTORE_SPEC if state == "restored" else RETENTION_SPEC if state == "absent" else BACKUP_SPEC


SPEC = ResourceSpec(**_COMMON, select=_select)

__all__ = [
    "ARGUMENT_SPEC",
    "COLLECTION_VERSION",
    "LIBRARIES",
    "MODULE_KWARGS",
    "SECTIONS",
    "SPEC",
    "BackupVerifyError",
    "Capture",
    "DescopeFileError",
    "DescopeValidationError",
    "Entry",
    "_layout",
    "_store",
    "build_manifest",
    "capture",
    "decode_snapshot_bytes",
    "encode_snapshot_value",
    "is_snapshot_refusal",
    "iso",
    "list_backups",
    "parse_iso",
    "plan_retention",
    "read_manifest",
    "refusal_reason",
    "render_files",
    "safe_relpath",
    "sha256_bytes",
    "sha256_file",
    "stamp_of",
    "tenant_item",
    "verify",
    "verify_contents",
]
