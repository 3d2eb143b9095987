# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit trail: line schema, hash chain, locked append, reader and verifier (FOR INTERNAL COLLECTION USE ONLY).

Writers: the ``descope.mgmt.descope_audit`` callback. Readers: ``descope_audit_info`` and the
``audit_report`` playbook. Everything here works on plain dicts so it can be tested without Ansible.

File format: one JSON object per line (JSONL), UTF-8, one file per UTC day ``<YYYY-MM-DD>.jsonl``.
Each line is the canonical JSON of a record (sorted keys, no spaces). ``hash`` is the sha256 of the
canonical text of the record without its ``hash`` key; ``prev`` is the ``hash`` of the line before it
(``GENESIS`` for a file's first line). Editing a line breaks its own hash; removing, inserting or
reordering lines breaks the next line's ``prev``. (A chain cannot prove the newest lines were not cut off
the end; ship the files to append-only storage when that matters.)
"""

from __future__ import annotations

import dataclasses
import datetime
import errno
import fcntl
import glob
import hashlib
import json
import os
import re
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._text import escape_record

FORMAT_VERSION = 1
GENESIS = "0" * 64
REDACTED = "[REDACTED]"
HIDDEN_NOTE = "result hidden by no_log"

ENV_DIR = "DESCOPE_AUDIT_DIR"
ENV_SECRET_VALUES = ("DESCOPE_MANAGEMENT_KEY",)
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
    "prev",
    "hash",
)
# task metadata the callback supplies (everything else comes from the module's descope_audit block)
META_FIELDS = ("run_id", "playbook", "play", "task", "task_uuid", "module", "host", "user", "awx_job_id", "awx_user")
ERROR_FIELDS = ("kind", "status", "code", "message")
FILTERS = ("since", "until", "project", "operation", "target_id", "outcome", "run_id", "changed_only", "module", "host")

# key names whose values are never written, whatever a module put under them
_SECRET_KEY = re.compile(
    r"(^|[_\-.])(pass(word|wd|phrase)?|secret|token|credentials?|authorization|private[_\-]?key|api[_\-]?key|access[_\-]?key|"
    r"management[_\-]?key|client[_\-]?secret|key)$|(password|secret|token|apikey|accesskey|privatekey|managementkey|clientsecret)",
    re.IGNORECASE,
)
_MIN_SECRET_LEN = 6


class AuditWriteError(Exception):
    """The trail could not be written (the message names the path and the fix)."""


@dataclasses.dataclass
class VerifyResult:
    verified: bool
    files: int = 0
    lines: int = 0
    broken_file: str | None = None
    first_broken_line: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, t.Any]:
        return dataclasses.asdict(self)


# ---------------------------------------------------------------------------------------------- time, paths


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def iso(ts: datetime.datetime) -> str:
    return ts.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(value: t.Any) -> datetime.datetime:
    """Parse an ISO 8601 timestamp or date; naive values are taken as UTC."""
    if isinstance(value, datetime.datetime):
        ts = value
    else:
        text = str(value).strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            ts = datetime.datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"'{value}' is not an ISO 8601 timestamp (for example 2025-01-31T12:00:00Z or 2025-01-31)") from exc
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=datetime.UTC)
    return ts


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
    day = (when or utc_now()).astimezone(datetime.UTC).strftime("%Y-%m-%d")
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
        return {str(k): (REDACTED if looks_secret(str(k)) and v not in (None, "", [], {}) else redact(v, secrets)) for k, v in value.items()}
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


def _base(meta: t.Mapping[str, t.Any], block: t.Mapping[str, t.Any] | None, now: datetime.datetime | None) -> dict[str, t.Any]:
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
) -> list[dict[str, t.Any]]:
    """The audit records (without ``prev``/``hash``) for one task result or loop item.

    ``meta`` is task metadata from the callback (run, play, task, host ...); ``block`` is the
    module's sanitised ``descope_audit`` result key, the only source of operation detail.
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
        error = _error((block or {}).get("error")) or {
            "kind": None,
            "status": None,
            "code": None,
            "message": "the task failed before the module reported (see the task output)",
        }
        record.update(outcome="failed", error=error, duration_ms=duration_ms)
        records.append(_finish(record, secrets))
    return records


def _finish(record: dict[str, t.Any], secrets: t.Sequence[str]) -> dict[str, t.Any]:
    clean = escape_record(redact({k: record.get(k) for k in FIELDS if k not in ("prev", "hash")}, secrets))  # no raw bidi in a line
    return t.cast(dict[str, t.Any], clean)


# ---------------------------------------------------------------------------------------------- hash chain


def canonical(record: t.Mapping[str, t.Any]) -> str:
    """The text that is hashed: the record without ``hash``, sorted keys, no whitespace."""
    body = {k: v for k, v in record.items() if k != "hash"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def line_hash(record: t.Mapping[str, t.Any]) -> str:
    return hashlib.sha256(canonical(record).encode("utf-8")).hexdigest()


def chain(records: t.Iterable[t.Mapping[str, t.Any]], prev: str) -> list[dict[str, t.Any]]:
    """Set ``prev``/``hash`` on each record in order, starting from ``prev``."""
    out = []
    for record in records:
        item = dict(record)
        item["prev"] = prev
        item["hash"] = line_hash(item)
        prev = item["hash"]
        out.append(item)
    return out


def serialise(record: t.Mapping[str, t.Any]) -> str:
    return json.dumps(dict(record), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def hash_of_line(text: str) -> str:
    """The chain value a line hands to the next one: its ``hash``, or sha256 of the raw text when unreadable."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("hash"), str):
        return str(data["hash"])
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


# ---------------------------------------------------------------------------------------------- writing


def ensure_dir(directory: str) -> None:
    """Create the directory (and parents) as 0700; an existing directory is left as the owner set it."""
    if os.path.isdir(directory):
        return
    os.makedirs(directory, mode=0o700, exist_ok=True)
    os.chmod(directory, 0o700)  # makedirs honours the umask


def _tail(fd: int) -> tuple[str, bool]:
    """The last non-empty line of the open file and whether the file ends with a newline."""
    size = os.fstat(fd).st_size
    if size == 0:
        return "", True
    block = 4096
    data = b""
    pos = size
    while pos > 0:
        step = min(block, pos)
        pos -= step
        data = os.pread(fd, step, pos) + data
        if data.rstrip(b"\n").count(b"\n") >= 1:
            break
    ends_with_newline = data.endswith(b"\n")
    lines = [ln for ln in data.split(b"\n") if ln.strip()]
    return (lines[-1].decode("utf-8", "replace") if lines else ""), ends_with_newline


def append(path: str, records: t.Sequence[t.Mapping[str, t.Any]]) -> list[dict[str, t.Any]]:
    """Append records to ``path`` under an exclusive lock, chained to the file's last line.

    The lock serialises every writer (several ansible-playbook processes may share one file); the
    last line is re-read under the lock so concurrent runs extend one chain instead of forking it.
    All lines of one call go out in a single write(2) on an O_APPEND descriptor, then fsync.
    """
    if not records:
        return []
    try:
        ensure_dir(os.path.dirname(path) or ".")
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as exc:
        raise AuditWriteError(_write_failure(path, exc)) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_mode & 0o077 and os.fstat(fd).st_uid == os.geteuid():
                os.fchmod(fd, 0o600)
            last, ends_with_newline = _tail(fd)
            chained = chain(records, hash_of_line(last) if last else GENESIS)
            text = "".join(serialise(r) + "\n" for r in chained)
            if not ends_with_newline:
                text = "\n" + text  # a torn line from a crashed writer stays on its own line (verify reports it)
            payload = text.encode("utf-8")
            written = 0
            while written < len(payload):
                written += os.write(fd, payload[written:])
            os.fsync(fd)
            return chained
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
    except OSError as exc:
        raise AuditWriteError(_write_failure(path, exc)) from exc


def _write_failure(path: str, exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = f"make the directory writable by this user or point {ENV_DIR} (or [descope_audit] dir in ansible.cfg) to one that is"
    elif exc.errno == errno.ENOSPC:
        fix = "free disk space or move the trail to another file system"
    else:
        fix = f"check the path or set {ENV_DIR} / [descope_audit] dir in ansible.cfg"
    return f"cannot write the Descope audit trail {path}: {reason}; {fix}"


# ---------------------------------------------------------------------------------------------- reading


def trail_files(path: str) -> list[str]:
    """The trail files under ``path``: the file itself, or every ``*.jsonl`` of a directory in name (date) order."""
    path = os.path.expanduser(path)
    if os.path.isdir(path):
        return sorted(glob.glob(os.path.join(glob.escape(path), "*.jsonl")))
    if os.path.exists(path):
        return [path]
    return []


def _matches(entry: t.Mapping[str, t.Any], filters: t.Mapping[str, t.Any], since: datetime.datetime | None, until: datetime.datetime | None) -> bool:
    if since or until:
        try:
            ts = parse_time(entry.get("time"))
        except ValueError:
            return False
        if since and ts < since:
            return False
        if until and ts > until:
            return False
    pairs = (
        ("project", "project_id"),
        ("operation", "operation"),
        ("target_id", "target_id"),
        ("outcome", "outcome"),
        ("run_id", "run_id"),
        ("module", "module"),
        ("host", "host"),
    )
    for option, field in pairs:
        wanted = filters.get(option)
        if wanted not in (None, "", []):
            allowed = wanted if isinstance(wanted, (list, tuple)) else [wanted]
            value = entry.get(field)
            if option == "module":
                value = str(value or "").rsplit(".", 1)[-1]
                allowed = [str(a).rsplit(".", 1)[-1] for a in allowed]
            if value not in allowed:
                return False
    return not (filters.get("changed_only") and not entry.get("changed"))


def read_entries(path: str, filters: t.Mapping[str, t.Any] | None = None) -> tuple[list[dict[str, t.Any]], list[str]]:
    """Entries of the trail matching ``filters`` (see FILTERS), oldest first, plus the files read.

    Unreadable lines are skipped here (verify reports them).
    """
    filters = dict(filters or {})
    since = parse_time(filters["since"]) if filters.get("since") else None
    until = parse_time(filters["until"]) if filters.get("until") else None
    files = trail_files(path)
    entries = []
    for name in files:
        if since and _file_day_before(name, since):
            continue  # a whole day older than 'since' (files are named by UTC day)
        with open(name, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict) and _matches(entry, filters, since, until):
                    entries.append(entry)
    return entries, files


def _file_day_before(name: str, since: datetime.datetime) -> bool:
    stem = os.path.basename(name).rsplit(".", 1)[0]
    try:
        day = datetime.date.fromisoformat(stem)
    except ValueError:
        return False
    return day < since.astimezone(datetime.UTC).date()


def verify_file(path: str) -> VerifyResult:
    """Walk one file's chain; report the first line whose content or link is wrong."""
    prev = GENESIS
    count = 0
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            text = line.rstrip("\n")
            count = number

            def broken(reason: str, n: int = number) -> VerifyResult:
                return VerifyResult(False, 1, n, path, n, reason)

            if not text.strip():
                return broken("empty line inside the trail (lines are never blank)")
            try:
                entry = json.loads(text)
            except ValueError:
                return broken("not valid JSON (a torn or edited line)")
            if not isinstance(entry, dict) or not isinstance(entry.get("hash"), str):
                return broken("no 'hash' field (not an audit line, or edited)")
            if line_hash(entry) != entry["hash"]:
                return broken("content does not match its hash (the line was edited)")
            if entry.get("prev") != prev:
                if number == 1:
                    return broken("the first line does not chain from the genesis value (lines were removed from the start)")
                return broken(f"'prev' does not match the hash of line {number - 1} (a line was removed, inserted or reordered)")
            prev = entry["hash"]
    return VerifyResult(True, 1, count)


def verify(path: str) -> VerifyResult:
    """Verify every trail file under ``path``; stops at the first broken file."""
    files = trail_files(path)
    total = VerifyResult(True, 0, 0)
    for name in files:
        result = verify_file(name)
        total.files += 1
        total.lines += result.lines
        if not result.verified:
            total.verified = False
            total.broken_file = name
            total.first_broken_line = result.first_broken_line
            total.reason = result.reason
            return total
    return total


# ---------------------------------------------------------------------------------------------- descope_audit_info

INFO_ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = {
    "path": {"type": "path"},
    "since": {"type": "str"},
    "until": {"type": "str"},
    "project": {"type": "list", "elements": "str"},
    "operation": {"type": "list", "elements": "str"},
    "target_id": {"type": "list", "elements": "str"},
    "outcome": {"type": "list", "elements": "str", "choices": ["ok", "failed", "check", "skipped"]},
    "run_id": {"type": "list", "elements": "str"},
    "changed_only": {"type": "bool", "default": False},
    "verify": {"type": "bool", "default": False},
}


class AuditInfoError(Exception):
    """A problem with descope_audit_info's own input (bad timestamp...)."""


def info(params: t.Mapping[str, t.Any], environ: t.Mapping[str, str]) -> dict[str, t.Any]:
    """descope_audit_info: read (and optionally verify) the trail; same result on both execution paths."""
    path = os.path.expanduser(str(params.get("path") or default_dir(environ)))
    filters = {k: params.get(k) for k in FILTERS if k in params}
    for key in ("since", "until"):
        if filters.get(key):
            try:
                parse_time(filters[key])
            except ValueError as exc:
                raise AuditInfoError(f"Option '{key}': {exc}.") from exc
    if filters.get("since") and filters.get("until") and parse_time(filters["since"]) > parse_time(filters["until"]):
        raise AuditInfoError("Option 'since' is later than 'until'; swap them.")
    try:
        entries, files = read_entries(path, filters)
        result: dict[str, t.Any] = {"entries": entries, "count": len(entries), "files": files, "path": path}
        if params.get("verify"):
            checked = verify(path)
            result.update(
                verified=checked.verified,
                lines_checked=checked.lines,
                first_broken_line=checked.first_broken_line,
                broken_file=checked.broken_file,
                reason=checked.reason,
            )
    except OSError as exc:
        raise AuditInfoError(f"Cannot read the audit trail {path}: {exc.strerror or exc}. Check the path and its permissions.") from exc
    return result
