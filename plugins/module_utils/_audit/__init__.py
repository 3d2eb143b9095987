# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit trail (FOR INTERNAL COLLECTION USE ONLY).

Writers: the ``descope.mgmt.descope_audit`` callback (``writer``, ``sink``) and the engine's journal hook
(``journal``). Readers: ``descope_audit_info`` and the ``audit_report`` playbook (``reader``, ``verify``).
The format is documented in docs/audit-trail.md: one JSON object per line, one file per UTC day, each line
sealed (HMAC-SHA256 with DESCOPE_AUDIT_KEY, else SHA-256) and chained to the one before it, plus a
sealed checkpoint per run under ``checkpoints/``.
"""

from __future__ import annotations

from ansible_collections.descope.mgmt.plugins.module_utils._audit.chain import (
    GENESIS,
    KeyError_,
    canonical,
    check_key,
    hash_of_line,
    key_id,
    line_hash,
    seal,
    serialise,
)
from ansible_collections.descope.mgmt.plugins.module_utils._audit.reader import (
    FILTERS,
    INFO_ARGUMENT_SPEC,
    AuditInfoError,
    info,
    parse_bound,
    read_entries,
)
from ansible_collections.descope.mgmt.plugins.module_utils._audit.records import (
    ENV_DIR,
    ENV_KEY,
    FIELDS,
    FORMAT_VERSION,
    REDACTED,
    UTC,
    build_records,
    default_dir,
    file_for,
    iso,
    looks_secret,
    redact,
    scrub_text,
    secret_values,
    utc_now,
)
from ansible_collections.descope.mgmt.plugins.module_utils._audit.verify import VerifyResult, trail_files, verify
from ansible_collections.descope.mgmt.plugins.module_utils._audit.writer import (
    AuditWriteError,
    append,
    ensure_dir,
    write_failure,
)

__all__ = [
    "ENV_DIR",
    "ENV_KEY",
    "FIELDS",
    "FILTERS",
    "FORMAT_VERSION",
    "GENESIS",
    "INFO_ARGUMENT_SPEC",
    "REDACTED",
    "UTC",
    "AuditInfoError",
    "AuditWriteError",
    "KeyError_",
    "VerifyResult",
    "append",
    "build_records",
    "canonical",
    "check_key",
    "default_dir",
    "ensure_dir",
    "file_for",
    "hash_of_line",
    "info",
    "iso",
    "key_id",
    "line_hash",
    "looks_secret",
    "parse_bound",
    "read_entries",
    "redact",
    "scrub_text",
    "seal",
    "secret_values",
    "serialise",
    "trail_files",
    "utc_now",
    "verify",
    "write_failure",
]
