# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backups on disk: atomic write, manifest, verification, listing, retention planning (FOR INTERNAL COLLECTION USE
ONLY)."""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import datetime
import json
import os
import re
import shutil
import tempfile
import time
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _threads
from ansible_collections.descope.mgmt.plugins.module_utils._backup._layout import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    NAME_RE,
    SHA256_RE,
    Json,
    _json_text,
    iso,
    parse_iso,
    safe_relpath,
    sha256_bytes,
)
from ansible_collections.descope.mgmt.plugins.module_utils._backup._signing import check_signature
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeFileError


def _write_private(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o600)  # the umask can only remove bits; make the mode exact anyway


# Files written (and fsync'ed) side by side: one fsync at a time costs a journal commit each, while concurrent
# ones share commits (257 files: about half the time on ext4). Disk threads, not API requests: not `concurrency`.
WRITE_WORKERS = 8


def _write_all(targets: list[tuple[str, bytes]]) -> None:
    """Write every file; every write has ended (done or failed) before this returns or raises the first error."""
    if len(targets) < 2:
        for target, data in targets:
            _write_private(target, data)
        return
    with _threads.pool(min(WRITE_WORKERS, len(targets)), "descope-backup-write") as pool:
        futures = [pool.submit(_write_private, target, data) for target, data in targets]
        concurrent.futures.wait(futures, return_when=concurrent.futures.FIRST_EXCEPTION)
        for f in futures:
            f.cancel()  # a write failed: the rest is not started (the directory is removed anyway)
    for f in futures:
        if not f.cancelled() and f.exception() is not None:
            raise t.cast(BaseException, f.exception())


def free_name(root: str, stamp: str) -> str:
    """The stamp, or stamp-N when a backup of the same second already exists (force: true twice)."""
    name = stamp
    n = 1
    while os.path.lexists(os.path.join(root, name)):
        name = f"{stamp}-{n}"
        n += 1
    return name


# A backup killed mid-way (SIGTERM, OOM) leaves its temporary directory: ".tmp-<stamp>-p<pid>-<mkdtemp suffix>"
# (older versions: no "p<pid>-"). Only names of exactly that form are ever removed, never a link.
TMP_RE = re.compile(r"^\.tmp-\d{8}T\d{6}Z(?:-\d+)?-(?:p(\d+)-)?[A-Za-z0-9_]{6,12}$")
PROCESS_START = (
    time.time()
)  # when this process (the module, or the controller for the in-process path) loaded this file


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _newest_mtime(path: str) -> float:
    newest = os.lstat(path).st_mtime
    for dirpath, dirs, files in os.walk(path):
        for entry in dirs + files:
            with contextlib.suppress(OSError):
                newest = max(newest, os.lstat(os.path.join(dirpath, entry)).st_mtime)
    return newest


def remove_stale_temporaries(root: str) -> list[str]:
    """Remove what killed backups left in ``root``; returns the names removed.

    Stale means: our name form, a real directory owned by this user, its writer process gone (when the name
    records it), and nothing in it modified since this process started: a backup still being written by another
    run is never touched.
    """
    removed: list[str] = []
    try:
        names = os.listdir(root)
    except OSError:
        return removed
    for name in sorted(names):
        match = TMP_RE.match(name)
        path = os.path.join(root, name)
        if not match or os.path.islink(path) or not os.path.isdir(path):
            continue
        try:
            if os.lstat(path).st_uid != os.getuid() or (match.group(1) and _alive(int(match.group(1)))):
                continue
            if _newest_mtime(path) >= PROCESS_START:
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.lexists(path):
            removed.append(name)
    return removed


def write_backup(root: str, name: str, files: dict[str, bytes], manifest: Json) -> str:
    """Write into a temporary sibling directory, then rename it into place; returns the final path."""
    try:
        os.makedirs(root, mode=0o700, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=f".tmp-{name}-p{os.getpid()}-", dir=root)  # mkdtemp creates it 0700
    except OSError as exc:
        raise DescopeFileError(
            root,
            f"cannot create the backup directory ({exc.strerror or exc}).",
            "check that backup_dir is writable by the user running Ansible.",
        ) from None
    final = os.path.join(root, name)
    try:
        targets = [(os.path.join(tmp, *rel.split("/")), data) for rel, data in sorted(files.items())]
        for parent in sorted({os.path.dirname(target) for target, _data in targets}):
            if not os.path.isdir(parent):
                os.makedirs(parent, mode=0o700)
        _write_all(targets)
        _write_private(os.path.join(tmp, MANIFEST), _json_text(manifest))
        for dirpath, _dirs, _files in os.walk(tmp):
            os.chmod(dirpath, 0o700)
        os.rename(tmp, final)  # same parent directory: atomic, and it refuses to replace a non-empty directory
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise DescopeFileError(
            final,
            f"cannot write the backup ({exc.strerror or exc}); nothing was kept.",
            "check free space and permissions of backup_dir.",
        ) from None
    with contextlib.suppress(OSError):  # make the rename itself durable where the platform allows it
        fd = os.open(root, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    return final


class BackupVerifyError(DescopeFileError):
    """One or more files of a backup do not verify; every one is named."""

    def __init__(self, path: str, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        listed = "; ".join(f"{rel}: {why}" for rel, why in problems)
        super().__init__(
            path,
            f"the backup does not verify, so it was not used ({len(problems)} problem(s)): {listed}.",
            "restore from another backup (backup: <name>), or take a new one; never edit files of a backup by hand.",
        )

    def error_dict(self) -> dict[str, t.Any]:
        out = super().error_dict()
        out["files"] = [{"file": rel, "problem": why} for rel, why in self.problems]
        return out


def read_manifest(path: str, project_id: str | None = None) -> Json:
    """Parse and check a backup's manifest.json; raises DescopeFileError naming the file."""
    mpath = os.path.join(path, MANIFEST)
    fix = "choose another backup; a directory without a valid manifest.json is not a backup."
    try:
        with open(mpath, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise DescopeFileError(
            mpath, "does not exist, so this is not a backup written by descope_backup.", fix
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DescopeFileError(mpath, f"cannot be read as JSON ({exc.__class__.__name__}: {exc}).", fix) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DescopeFileError(mpath, f"is not a descope.mgmt backup manifest (format is not '{FORMAT}').", fix)
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DescopeFileError(mpath, "has no valid format_version.", fix)
    if version > FORMAT_VERSION:
        raise DescopeFileError(
            mpath,
            f"has format version {version}; this collection reads up to {FORMAT_VERSION}.",
            "upgrade the descope.mgmt collection to read this backup.",
        )
    files = data.get("files")
    if (
        not isinstance(data.get("project_id"), str)
        or parse_iso(data.get("created")) is None
        or not isinstance(files, dict)
        or not all(isinstance(k, str) and isinstance(v, str) and SHA256_RE.match(v) for k, v in files.items())
        or not isinstance(data.get("include"), list)
    ):
        raise DescopeFileError(
            mpath, "is missing project_id, created, include or the files checksums, or one of them is malformed.", fix
        )
    if project_id is not None and data["project_id"] != project_id:
        raise DescopeFileError(
            mpath,
            f"belongs to a backup of project '{data['project_id']}', not of project '{project_id}'.",
            "choose a backup of this project, or connect to the project the backup was taken from.",
        )
    return data


def verify(path: str, project_id: str, key: bytes | None = None) -> Json:
    """Check the manifest (and its signature with a key) and every file's sha256, and that no unlisted file was
    added."""
    return verify_contents(path, project_id, key)[0]


def verify_contents(path: str, project_id: str, key: bytes | None = None) -> tuple[Json, dict[str, bytes]]:
    """``verify``, returning the bytes it checked: restore uses these, never the files again (they may change)."""
    manifest = read_manifest(path, project_id)
    check_signature(path, manifest, key)  # before the files: a forged manifest's checksums mean nothing
    problems: list[tuple[str, str]] = []
    contents: dict[str, bytes] = {}
    listed = manifest["files"]
    for rel, expected in sorted(listed.items()):
        if not safe_relpath(rel):
            problems.append((rel, "the manifest names a path outside the backup"))
            continue
        full = os.path.join(path, *rel.split("/"))
        if os.path.islink(full) or not os.path.isfile(full):
            problems.append((rel, "listed in manifest.json but missing"))
            continue
        try:
            with open(full, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            problems.append((rel, f"cannot be read ({exc.strerror or exc})"))
            continue
        actual = sha256_bytes(data)
        contents[rel] = data
        if actual != expected:
            problems.append(
                (
                    rel,
                    f"sha256 {actual[:12]}... does not match {expected[:12]}... in manifest.json (modified or damaged)",
                )
            )
    for dirpath, _dirs, names in os.walk(path):
        for fname in names:
            rel = os.path.relpath(os.path.join(dirpath, fname), path).replace(os.sep, "/")
            if rel != MANIFEST and rel not in listed:
                problems.append((rel, "not listed in manifest.json (added after the backup was written)"))
    if problems:
        raise BackupVerifyError(path, problems)
    return manifest, contents


@dataclasses.dataclass
class Entry:
    name: str
    path: str
    created: datetime.datetime
    manifest: Json

    def sort_key(self) -> tuple[datetime.datetime, str, int]:
        match = NAME_RE.match(self.name)
        return (self.created, match.group(1) if match else self.name, int(match.group(2) or 0) if match else 0)

    def summary(self) -> Json:
        return {"name": self.name, "path": self.path, "created": iso(self.created)}


def list_backups(root: str, project_id: str, key: bytes | None = None) -> tuple[list[Entry], list[Json]]:
    """The valid backups of the project (oldest first) and the directories skipped, with why.

    With a signing key, valid means signed with it too: ``latest`` is then the newest backup whose signed
    manifest verifies and names this project, whatever the directory names say.
    """
    valid: list[Entry] = []
    skipped: list[Json] = []
    if not os.path.isdir(root):
        return valid, skipped
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name)
        if not NAME_RE.match(name) or os.path.islink(path) or not os.path.isdir(path):
            continue  # temporary directories (.tmp-*) and anything else are never ours to touch
        try:
            manifest = read_manifest(path, project_id)
            check_signature(path, manifest, key)
        except DescopeFileError as exc:
            skipped.append({"name": name, "path": path, "reason": str(exc)})
            continue
        created = parse_iso(manifest["created"])
        if created is None:  # pragma: no cover - read_manifest already checked it
            continue
        valid.append(Entry(name, path, created, manifest))
    valid.sort(key=Entry.sort_key)
    return valid, skipped


def plan_retention(
    entries: list[Entry], keep_last: int | None, max_age_days: int | None, moment: datetime.datetime
) -> list[tuple[Entry, str]]:
    """Which backups to remove and why; a backup goes when any rule selects it, the newest never does."""
    if not entries:
        return []
    ordered = sorted(entries, key=Entry.sort_key)
    newest = ordered[-1]
    doomed: dict[str, tuple[Entry, str]] = {}
    if keep_last is not None:
        for entry in ordered[: max(0, len(ordered) - keep_last)]:
            doomed[entry.name] = (entry, f"keep_last={keep_last}")
    if max_age_days is not None:
        limit = moment - datetime.timedelta(days=max_age_days)
        for entry in ordered:
            if entry.created < limit and entry.name not in doomed:
                doomed[entry.name] = (entry, f"max_age_days={max_age_days}")
    doomed.pop(newest.name, None)
    return [doomed[e.name] for e in ordered if e.name in doomed]


def resolve_backup(ref: str, root: str, project_id: str, key: bytes | None = None) -> str:
    """``latest``, a backup name under the project's directory, or a path."""
    valid, _skipped = list_backups(root, project_id, key)
    names = [e.name for e in valid]
    known = f"available: {', '.join(names[-5:])}" if names else "there are no backups of this project yet"
    if ref == "latest":
        if not valid:
            raise DescopeFileError(
                root,
                f"holds no valid backup of project '{project_id}'"
                + (" signed with the configured signing key." if key else "."),
                "take one with state=present, or check backup_dir and the project id"
                + (" and the signing key." if key else "."),
            )
        return valid[-1].path
    path = os.path.join(root, ref) if NAME_RE.match(ref) else os.path.abspath(os.path.expanduser(ref))
    if not os.path.isdir(path):
        raise DescopeFileError(
            path, "is not a backup directory.", f"set backup to latest, a backup name or a backup path ({known})."
        )
    return path
