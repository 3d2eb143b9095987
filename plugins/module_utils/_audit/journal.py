# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The journal of intent: writes recorded as they are sent, reconciled into the trail (FOR INTERNAL COLLECTION USE
ONLY).

The callback opens ``<dir>/journal/<run_id>.jsonl`` at playbook start, holds a shared lock on it for the
life of the run (forked workers inherit the descriptor) and puts its path in the controller environment
(``_DESCOPE_AUDIT_JOURNAL``). The engine calls ``note()`` before each write is sent and after its answer.
Task results normally carry every operation to the trail; whatever a killed run never reported is
appended by ``reconcile()`` with ``interrupted: true`` and the outcome the journal knows (``unknown`` when
the request was sent and no answer was recorded), at the end of the run or at the latest by the next run
that finds the journal unlocked.

The intent line of a write is flushed and fsynced before the write is sent. When the journal cannot be
written (a full disk, an I/O error, a read-only or unwritable directory) ``blocked()`` says so: with the
audit required (``_DESCOPE_AUDIT_JOURNAL_REQUIRED``, set by the callback) the engine sends no further write;
otherwise ``failure()`` gives the one warning the task prints and the writes go on unjournaled.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import fcntl
import glob
import itertools
import json
import os
import threading
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._audit import records, writer
from ansible_collections.descope.mgmt.plugins.module_utils._text import escape_record

ENV_JOURNAL = "_DESCOPE_AUDIT_JOURNAL"
ENV_REQUIRED = "_DESCOPE_AUDIT_JOURNAL_REQUIRED"
JOURNAL_DIR = "journal"
SENT = "sent"
# the module that usually writes each type (a descope_role task may also write permissions; restore writes them all)
_MODULES = {
    "tenant": "descope_tenant",
    "flow": "descope_flow",
    "theme": "descope_flow",
    "role": "descope_role",
    "permission": "descope_permission",
}
_SEQ = itertools.count(1)
_LOCK = threading.Lock()  # a batch and its members' workers note the same changes at once: one of them writes each
_FAILED: dict[str, str] = {}  # journal path -> why it could not be written (per path: each run has its own journal)


def _why(path: str, exc: OSError) -> str:
    code = errno.errorcode.get(exc.errno or 0, "error")
    cause = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exhausted",
        errno.EROFS: "the file system is read-only",
    }
    what = cause.get(exc.errno or 0) or (
        "permission denied" if exc.errno in (errno.EACCES, errno.EPERM) else exc.strerror or str(exc)
    )
    return f"the Descope audit journal {path} cannot be written: {what} ({code})"


def failure(environ: t.Mapping[str, str] | None = None) -> str | None:
    """Why this run's journal could not be written, or None."""
    path = (environ if environ is not None else os.environ).get(ENV_JOURNAL)
    return _FAILED.get(path) if path else None


def required(environ: t.Mapping[str, str] | None = None) -> bool:
    return bool((environ if environ is not None else os.environ).get(ENV_REQUIRED))


def blocked(environ: t.Mapping[str, str] | None = None) -> str | None:
    """With the audit required, why no further write may be sent (the journal failed), else None."""
    why = failure(environ)
    if why is None or not required(environ):
        return None
    return (
        f"{why}. The audit is required (DESCOPE_AUDIT_REQUIRED), so no further write was sent; every write sent "
        "before it is in the journal. Free space on (or fix) that file system, then re-run the play: the modules are "
        "idempotent, and the next run with the callback adds the journal's writes to the trail"
    )


def unjournaled_warning(environ: t.Mapping[str, str] | None = None) -> str | None:
    """Without "required", the one warning a task prints when its writes went on without a journal."""
    why = failure(environ)
    if why is None or required(environ):
        return None
    return (
        f"{why}. Writes went on without it: if this run is killed, some of them may be missing from the audit trail. "
        "Free space on (or fix) that file system; set DESCOPE_AUDIT_REQUIRED=true to stop writes instead"
    )


def _op_id(change: t.Any, state: str) -> str:
    """One id per write: set when it is sent, read back for its outcome (never reused, unlike id())."""
    op = getattr(change, "_audit_journal_op", None)
    if op is None or state == SENT:
        op = f"{os.getpid()}.{next(_SEQ)}"
        try:
            change._audit_journal_op = op  # pylint: disable=protected-access
        except AttributeError:
            op = f"{os.getpid()}.{id(change)}"
    return str(op)


def note(change: t.Any, client: object, state: str, environ: t.Mapping[str, str] | None = None) -> None:
    """Engine hook: record that ``change`` is about to be sent (``state='sent'``) or how it ended. Never raises."""
    note_many([change], client, state, environ)


def note_many(
    changes: t.Sequence[t.Any], client: object, state: str, environ: t.Mapping[str, str] | None = None
) -> None:
    """``note`` for many changes in one write and one fsync (a batch request sends them all at once). Never raises."""
    path = (environ if environ is not None else os.environ).get(ENV_JOURNAL)
    if not path:
        return
    try:
        with _LOCK:  # which changes to note and their op ids; the I/O runs outside, so workers' fsyncs overlap
            # noted as sent once: a batch notes its members before its request, then each member's worker does
            if state == SENT:
                changes = [c for c in changes if getattr(c, "_audit_journal_state", None) != SENT]
            ops = [_op_id(change, state) for change in changes]
            for change in changes:
                with contextlib.suppress(AttributeError):
                    change._audit_journal_state = state  # pylint: disable=protected-access
        if not changes:
            return
        settings = getattr(client, "settings", None)
        secrets = records.secret_values(os.environ)
        lines = []
        for index, change in enumerate(changes):
            entry = {
                "op": ops[index],
                "state": state,
                "time": records.iso(records.utc_now()),
                "project_id": getattr(settings, "project_id", None),
                "target_type": getattr(change, "target_type", None),
                "target_id": getattr(change, "target_id", None),
                "operation": getattr(change, "action", None),
                "before": records.redact(getattr(change, "before", None), secrets),
                "after": records.redact(getattr(change, "after", None), secrets),
                "error": records.redact(getattr(change, "error", None), secrets) if state != SENT else None,
            }
            # escaped as the trail escapes its lines (records._finish): the journal holds no raw bidi/invisible
            # character, and its (project, type, id, operation) equal those of the trail line it reconciles with
            lines.append(json.dumps(escape_record(entry), sort_keys=True, default=str) + "\n")
        data = "".join(lines).encode("utf-8")
        _append(path, data, fsync=state == SENT)  # the intent is on disk before the request leaves
    except OSError as exc:
        with _LOCK:
            _FAILED.setdefault(path, _why(path, exc))
    except Exception:  # noqa: BLE001  # pylint: disable=broad-except  # the journal must never break a write
        return


def _append(path: str, data: bytes, fsync: bool) -> None:
    if path in _FAILED:
        data = b"\n" + data  # ends a line torn by the failure, so this one parses
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)  # no O_CREAT: no journal unless the callback opened one
    try:
        while data:
            data = data[os.write(fd, data) :]
        if fsync:
            os.fsync(fd)
    finally:
        os.close(fd)


def journal_path(directory: str, run_id: str) -> str:
    return os.path.join(directory, JOURNAL_DIR, f"{run_id}.jsonl")


def open_run(directory: str, run_id: str, header: t.Mapping[str, t.Any]) -> tuple[str, int]:
    """Create this run's journal with its header and hold a shared lock on it (the descriptor stays open)."""
    path = journal_path(directory, run_id)
    writer.ensure_dir(os.path.dirname(path))
    # created under another name and renamed once locked: another run never sees it unlocked and takes it for abandoned
    fresh = f"{path}.{os.getpid()}.new"
    fd = os.open(fresh, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC, 0o600)
    fcntl.flock(fd, fcntl.LOCK_SH)
    body = escape_record({"header": True, "run_id": run_id, **header})
    os.write(fd, (json.dumps(body, sort_keys=True, default=str) + "\n").encode("utf-8"))
    os.fsync(fd)
    os.replace(fresh, path)
    return path, fd


def _load(fd: int) -> tuple[dict[str, t.Any], list[dict[str, t.Any]]]:
    """The journal's header and each operation's last known state, in the order they were sent."""
    data = b""
    while chunk := os.read(fd, 1 << 20):
        data += chunk
    header: dict[str, t.Any] = {}
    ops: dict[str, dict[str, t.Any]] = {}
    for line in data.decode("utf-8", "replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line torn by the kill
        if not isinstance(entry, dict):
            continue
        if entry.get("header"):
            header = entry
        elif isinstance(entry.get("op"), str):
            ops.setdefault(entry["op"], {}).update(
                {k: v for k, v in entry.items() if v is not None or k not in ops.get(entry["op"], {})}
            )
    return header, list(ops.values())


def _ident(entry: t.Mapping[str, t.Any]) -> tuple[t.Any, ...]:
    """What pairs a journal operation with its trail line, compared escaped (escaping is idempotent: old raw journals
    match too)."""
    return tuple(escape_record(entry.get(k)) for k in ("project_id", "target_type", "target_id", "operation"))


def _recorded(directory: str, run_id: str) -> collections.Counter[tuple[t.Any, ...]]:
    """How many trail lines of the run exist per (project, target type, target id, operation)."""
    seen: collections.Counter[tuple[t.Any, ...]] = collections.Counter()
    for name in glob.glob(os.path.join(glob.escape(directory), "*.jsonl")):
        with open(name, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if run_id not in line:
                    continue
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict) and entry.get("run_id") == run_id:
                    seen[_ident(entry)] += 1
    return seen


def missing_records(directory: str, fd: int) -> tuple[str | None, list[dict[str, t.Any]]]:
    """The trail records (unsealed) for the journal's operations that the trail does not hold yet."""
    os.lseek(fd, 0, os.SEEK_SET)
    header, ops = _load(fd)
    run_id = header.get("run_id")
    if not isinstance(run_id, str):
        return None, []
    recorded = _recorded(directory, run_id)
    out = []
    for op in ops:
        ident = _ident(op)
        if recorded[ident] > 0:
            recorded[ident] -= 1
            continue
        outcome = op.get("state") if op.get("state") not in (SENT, None, "pending") else "unknown"
        error = op.get("error") if outcome == "failed" else None
        if outcome == "unknown":
            error = {
                "kind": "interrupted",
                "status": None,
                "code": None,
                "message": "the run stopped after this request was sent and before its answer was recorded; compare "
                "with the project (drift report)",
            }
        record: dict[str, t.Any] = dict.fromkeys(records.FIELDS)
        record.update({k: header.get(k) for k in ("playbook", "user", "awx_job_id", "awx_user")})
        record.update(
            v=records.FORMAT_VERSION,
            time=op.get("time"),
            run_id=run_id,
            module=_MODULES.get(str(op.get("target_type"))),
            project_id=op.get("project_id"),
            operation=op.get("operation"),
            target_type=op.get("target_type"),
            target_id=op.get("target_id"),
            changed=outcome in ("ok", "unknown"),
            check_mode=False,
            hidden=False,
            before=op.get("before"),
            after=op.get("after"),
            outcome=outcome,
            error=records._error(error),  # pylint: disable=protected-access
            interrupted=True,
        )
        # escaped again: a journal written before escaping, or edited, must not put a raw bidi character in the trail
        out.append(
            escape_record({k: record.get(k) for k in records.FIELDS if k not in ("alg", "key_id", "prev", "hash")})
        )
    return run_id, out


def reconcile_fd(directory: str, fd: int, key: str | None) -> list[dict[str, t.Any]]:
    """Append the journal's unreported operations to today's trail file; return the sealed lines."""
    run_id, missing = missing_records(directory, fd)
    if run_id and missing:
        return writer.append(records.file_for(directory), missing, key=key, run_id=run_id)
    return []


def reconcile_abandoned(directory: str, key: str | None, skip: str | None = None) -> list[dict[str, t.Any]]:
    """Reconcile and remove every journal whose run is over (nobody holds its lock)."""
    total: list[dict[str, t.Any]] = []
    for path in sorted(glob.glob(os.path.join(glob.escape(directory), JOURNAL_DIR, "*.jsonl"))):
        if skip and os.path.abspath(path) == os.path.abspath(skip):
            continue
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # its run (or one of its workers) is still alive
            if os.fstat(fd).st_nlink == 0:
                continue  # another run reconciled and removed it meanwhile
            total += reconcile_fd(directory, fd, key)
            os.unlink(path)
        finally:
            os.close(fd)
    return total


def close_run(directory: str, path: str, fd: int, key: str | None) -> list[dict[str, t.Any]]:
    """End of a run: reconcile what the task results did not report, then remove the journal."""
    try:
        sealed = reconcile_fd(directory, fd, key)
        os.unlink(path)
        return sealed
    finally:
        os.close(fd)
