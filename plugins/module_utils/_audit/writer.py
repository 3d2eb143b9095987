# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Locked, chained appends to the daily trail files and the per-run checkpoints (FOR INTERNAL COLLECTION USE ONLY)."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._audit import chain
from ansible_collections.descope.mgmt.plugins.module_utils._audit.records import ENV_DIR, iso, utc_now

CHECKPOINT_DIR = "checkpoints"


class AuditWriteError(Exception):
    """The trail could not be written (the message names the path and the fix)."""


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
    data = b""
    pos = size
    while pos > 0:
        step = min(4096, pos)
        pos -= step
        data = os.pread(fd, step, pos) + data
        if data.rstrip(b"\n").count(b"\n") >= 1:
            break
    lines = [ln for ln in data.split(b"\n") if ln.strip()]
    return (lines[-1].decode("utf-8", "replace") if lines else ""), data.endswith(b"\n")


def _count_lines(fd: int) -> int:
    count = 0
    pos = 0
    while True:
        data = os.pread(fd, 1 << 20, pos)
        if not data:
            return count
        count += data.count(b"\n")
        pos += len(data)


def checkpoint_path(directory: str, run_id: str) -> str:
    safe = "".join(c for c in run_id if c.isalnum() or c in "-_") or "run"
    return os.path.join(directory, CHECKPOINT_DIR, f"{safe}.json")


def write_checkpoint(trail_file: str, run_id: str, lines: int | None, head: str, key: str | None) -> None:
    """Record (atomically) that ``trail_file`` had ``lines`` lines ending with ``head`` after this run's append.

    ``lines=None`` registers the run before its first lines (no file entry): a run killed between its lines and
    its first checkpoint then reads as an interrupted run, like one killed before a later checkpoint, not as a
    run whose checkpoint was deleted.
    """
    directory = os.path.dirname(trail_file) or "."
    path = checkpoint_path(directory, run_id)
    ensure_dir(os.path.dirname(path))
    files: dict[str, t.Any] = {}
    try:
        with open(path, encoding="utf-8") as handle:
            old = json.load(handle)
        if isinstance(old, dict) and isinstance(old.get("files"), dict):
            files = dict(old["files"])
    except (OSError, ValueError):
        files = {}
    if lines is not None:
        files[os.path.basename(trail_file)] = {"lines": lines, "head": head}
    body = chain.seal_checkpoint({"run_id": run_id, "time": iso(utc_now()), "files": files}, key)
    tmp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, (json.dumps(body, sort_keys=True, indent=1) + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def append(
    path: str, records: t.Sequence[t.Mapping[str, t.Any]], key: str | None = None, run_id: str | None = None
) -> list[dict[str, t.Any]]:
    """Append records to ``path`` under an exclusive lock, chained to the file's last line.

    The lock serialises every writer (several ansible-playbook processes may share one file); the
    last line is re-read under the lock so concurrent runs extend one chain instead of forking it.
    All lines of one call go out in a single write(2) on an O_APPEND descriptor, then fsync; then
    the run's checkpoint is rewritten while the lock is still held.
    """
    if not records:
        return []
    run_id = run_id or (str(records[-1].get("run_id")) if records[-1].get("run_id") else None)
    try:
        ensure_dir(os.path.dirname(path) or ".")
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as exc:
        raise AuditWriteError(write_failure(path, exc)) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_mode & 0o077 and os.fstat(fd).st_uid == os.geteuid():
                os.fchmod(fd, 0o600)
            if run_id and not os.path.exists(checkpoint_path(os.path.dirname(path) or ".", run_id)):
                write_checkpoint(path, run_id, None, "", key)
            last, ends_with_newline = _tail(fd)
            sealed = chain.seal(records, chain.hash_of_line(last) if last else chain.GENESIS, key)
            text = "".join(chain.serialise(r) + "\n" for r in sealed)
            if not ends_with_newline:
                text = "\n" + text  # a torn line from a crashed writer stays on its own line (verify reports it)
            payload = text.encode("utf-8")
            written = 0
            while written < len(payload):
                written += os.write(fd, payload[written:])
            os.fsync(fd)
            if run_id:
                write_checkpoint(path, run_id, _count_lines(fd), sealed[-1]["hash"], key)
            return sealed
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
    except OSError as exc:
        raise AuditWriteError(write_failure(path, exc)) from exc


def write_failure(path: str, exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = (
            f"make the directory writable by this user or point {ENV_DIR} (or [descope_audit] dir in ansible.cfg) to "
            "one that is"
        )
    elif exc.errno == errno.ENOSPC:
        fix = "free disk space or move the trail to another file system"
    else:
        fix = f"check the path or set {ENV_DIR} / [descope_audit] dir in ansible.cfg"
    return f"cannot write the Descope audit trail {path}: {reason}; {fix}"
