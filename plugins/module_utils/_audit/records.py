# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Audit line schema, time and path helpers, redaction and record building (FOR INTERNAL COLLECTION USE ONLY).

Everything here works on plain dicts so it can be tested without Ansible. The format itself is
documented in docs/audit-trail.md; the chain and signatures are in ``chain.py``.
"""

from __future__ import annotations

import datetime
import os
import re
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._text import escape_record

FORMAT_VERSION = 2
# the UTC alias needs Python 3.11; ansible-core 2.16 controllers may run 3.10
UTC = datetime.timezone.utc  # noqa: UP017
GENESIS = "0" * 64
REDACTED = "[REDACTED]"
HIDDEN_NOTE = "result hidden by no_log"

ENV_DIR = "DESCOPE_AUDIT_DIR"
ENV_KEY = "DESCOPE_AUDIT_KEY"
ENV_SECRET_VALUES = ("DESCOPE_MANAGEMENT_KEY", "DESCOPE_AUDIT_KEY", "DESCOPE_AUDIT_TOKEN")
DEFAULT_HOME_DIR = os.path.join("~", ".descope-mgmt", "audit")
AWX_DATA_DIR_ENV = "AWX_ISOLATED_DATA_DIR"

# The complete, ordered line schema: nothing outside this list is ever written.
FIELDS = (
    "v",
    "time",
    "run_id",
    "playbook",
    "play",
    "task",
    "task_uuid",
    "module",
    "host",
    "project_id",
    "operation",
    "target_type",
    "target_id",
    "changed",
    "check_mode",
    "hidden",
    "before",
    "after",
    "outcome",
    "error",
    "duration_ms",
    "user",
    "awx_job_id",
    "awx_user",
    "interrupted",
    "alg",
    "key_id",
    "prev",
    "hash",
)
# task metadata the callback supplies (everything else comes from the module's descope_audit block)
META_FIELDS = ("run_id", "playbook", "play", "task", "task_uuid", "module", "host", "user", "awx_job_id", "awx_user")
ERROR_FIELDS = ("kind", "status", "code", "message")
FILTERS = ("since", "until", "project", "operation", "target_id", "outcome", "run_id", "changed_only", "module", "host")

# key names whose values are never written, whatever a module put under them
_SECRET_KEY = re.compile(
    r"(^|[_\-.])(pass(word|wd|phrase)?|secret|token|credentials?|authorization|private[_\-]?key|api[_\-]?key|"
    r"access[_\-]?key|management[_\-]?key|client[_\-]?secret|key)$"
    r"|(password|secret|token|apikey|accesskey|privatekey|managementkey|clientsecret)",
    re.IGNORECASE,
)
_MIN_SECRET_LEN = 6


# ---------------------------------------------------------------------------------------------- time, paths


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(UTC)


def iso(ts: datetime.datetime) -> str:
    return ts.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def default_dir(environ: t.Mapping[str, str]) -> str:
    """Where the trail goes when no directory is configured.

    Inside an AWX/AAP job (ansible-runner sets AWX_ISOLATED_DATA_DIR to the job's artifacts
    directory) the trail goes there so it leaves the ephemeral execution environment with the job.
    """
    configured = environ.get(ENV_DIR)
    if configured:
        return os.path.expanduser(configured)
    awx_dir = environ.get(AWX_DATA_DIR_ENV)
    if awx_dir:
        return os.path.join(awx_dir, "descope_audit")
    return os.path.expanduser(DEFAULT_HOME_DIR)


def file_for(directory: str, when: datetime.datetime | None = None) -> str:
    day = (when or utc_now()).astimezone(UTC).strftime("%Y-%m-%d")
    return os.path.join(directory, f"{day}.jsonl")


# ---------------------------------------------------------------------------------------------- redaction


def secret_values(environ: t.Mapping[str, str], extra: t.Iterable[t.Any] = ()) -> list[str]:
    """Known secret values to scrub: the management key from the environment plus any given."""
    values = [environ.get(name) for name in ENV_SECRET_VALUES]
    values.extend(v for v in extra if isinstance(v, str))
    return sorted({v for v in values if v and len(v) >= _MIN_SECRET_LEN}, key=len, reverse=True)


def looks_secret(key: str) -> bool:
    return bool(_SECRET_KEY.search(str(key)))


def scrub_text(text: str, secrets: t.Sequence[str]) -> str:
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, REDACTED)
    return text


def redact(value: t.Any, secrets: t.Sequence[str]) -> t.Any:
    """Final pass: drop the values of secret-looking keys and any known secret value, at any depth."""
    if isinstance(value, t.Mapping):
        return {
            str(k): (REDACTED if looks_secret(str(k)) and v not in (None, "", [], {}) else redact(v, secrets))
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [redact(v, secrets) for v in value]
    if isinstance(value, str):
        return scrub_text(value, secrets)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return scrub_text(str(value), secrets)


# ---------------------------------------------------------------------------------------------- building lines


def _error(error: t.Any) -> dict[str, t.Any] | None:
    if not isinstance(error, t.Mapping):
        return None
    out = {k: error.get(k) for k in ERROR_FIELDS}
    if not out.get("message"):
        out["message"] = error.get("description")
    status = out.get("status")
    out["status"] = status if isinstance(status, int) else None
    return out


def _base(
    meta: t.Mapping[str, t.Any], block: t.Mapping[str, t.Any] | None, now: datetime.datetime | None
) -> dict[str, t.Any]:
    block = block or {}
    record: dict[str, t.Any] = dict.fromkeys(FIELDS)
    record.update({k: meta.get(k) for k in META_FIELDS})
    record["v"] = FORMAT_VERSION
    record["time"] = iso(now or utc_now())
    record["module"] = block.get("module") or meta.get("module")
    record["project_id"] = block.get("project_id") or meta.get("project_id")
    record["check_mode"] = bool(block.get("check_mode", meta.get("check_mode", False)))
    record["changed"] = False
    record["hidden"] = False
    record["interrupted"] = False
    return record


def build_records(
    meta: t.Mapping[str, t.Any],
    block: t.Mapping[str, t.Any] | None,
    failed: bool,
    secrets: t.Sequence[str] = (),
    hidden: bool = False,
    changed: bool = False,
    duration_ms: int | None = None,
    now: datetime.datetime | None = None,
    error: t.Any = None,
) -> list[dict[str, t.Any]]:
    """The audit records (without ``prev``/``hash``) for one task result or loop item.

    ``meta`` is task metadata from the callback (run, play, task, host ...); ``block`` is the
    module's sanitised ``descope_audit`` result key, the only source of operation detail; ``error`` the
    result's own ``error``, recorded when a task failed before any operation.
    """
    if hidden:
        record = _base(meta, None, now)
        record.update(hidden=True, changed=bool(changed), outcome="failed" if failed else "ok", duration_ms=duration_ms)
        return [_finish(record, secrets)]
    block = block if isinstance(block, t.Mapping) else None
    records = []
    ops = (block or {}).get("operations") or []
    for op in ops if isinstance(ops, list) else []:
        if not isinstance(op, t.Mapping):
            continue
        record = _base(meta, block, now)
        record.update(
            operation=op.get("operation"),
            target_type=op.get("target_type"),
            target_id=op.get("target_id"),
            changed=bool(op.get("changed")),
            check_mode=bool(op.get("check_mode", record["check_mode"])),
            before=op.get("before"),
            after=op.get("after"),
            outcome=op.get("outcome") or ("failed" if failed else "ok"),
            error=_error(op.get("error")),
            duration_ms=op.get("duration_ms") if isinstance(op.get("duration_ms"), int) else None,
        )
        records.append(_finish(record, secrets))
    # a failure must be on record even when the module reported no failed operation
    # (validation, configuration or authentication failures happen before any operation)
    if failed and not any(r["outcome"] == "failed" for r in records):
        record = _base(meta, block, now)
        error = (
            _error((block or {}).get("error"))
            or _error(error)
            or {
                "kind": None,
                "status": None,
                "code": None,
                "message": "the task failed before the module reported (see the task output)",
            }
        )
        record.update(outcome="failed", error=error, duration_ms=duration_ms)
        records.append(_finish(record, secrets))
    return records


def _finish(record: dict[str, t.Any], secrets: t.Sequence[str]) -> dict[str, t.Any]:
    # alg/key_id/prev/hash are set by the writer (chain.seal), under the file lock
    clean = redact({k: record.get(k) for k in FIELDS if k not in ("alg", "key_id", "prev", "hash")}, secrets)
    return t.cast(dict[str, t.Any], escape_record(clean))  # no raw bidi/invisible character in a line (issue 12)
