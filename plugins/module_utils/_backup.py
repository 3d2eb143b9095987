# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Verified backups of a Descope project, restore through the resource engines, retention (FOR INTERNAL COLLECTION USE ONLY).

On-disk layout (format version 1), one directory per backup::

    <backup_dir>/<project_id>/<UTC stamp, e.g. 20261124T071500Z>/
        manifest.json           format, project id, time, collection version, counts, sha256 of every file
        tenants.json            {"tenants": [<descope_tenant item>, ...]}  (parents before children)
        flows/<flow_id>.json    {"flow": {v2 flow}}: exactly what descope_flow (src_dir) and descope_flow_info use
        theme.json              {"theme": {v2 theme}}: what descope_flow's theme option reads
        snapshot/<path>         the project snapshot's files map, one file per key (JSON values as JSON)

A backup is written into a hidden temporary directory next to its final place and renamed into place,
so a crash never leaves a half-written backup that looks complete. Directories are 0700, files 0600.

Restore verifies every checksum (and refuses files the manifest does not list) before any request, then
plans tenants with ``_tenant.plan_task`` and runs flows and the theme through ``_flow.run``: the same
engines as descope_tenant and descope_flow, so only differences are written, with the same diffs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import json
import os
import re
import shutil
import tempfile
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _change as _engine
from ansible_collections.descope.mgmt.plugins.module_utils import _flow, _tenant
from ansible_collections.descope.mgmt.plugins.module_utils._errors import (
    DescopeAPIError,
    DescopeError,
    DescopeFileError,
    DescopeValidationError,
    Problem,
)
from ansible_collections.descope.mgmt.plugins.module_utils._hints import one_line
from ansible_collections.descope.mgmt.plugins.module_utils._options import with_connection
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._apply import execute as _execute

if t.TYPE_CHECKING:  # pragma: no cover
    from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext

Json = dict[str, t.Any]

FORMAT = "descope.mgmt.backup"
FORMAT_VERSION = 1
COLLECTION_VERSION = "0.1.0"  # kept equal to galaxy.yml by a unit test (modules cannot read galaxy.yml)
SECTIONS = ("tenants", "flows", "theme", "snapshot")
MANIFEST = "manifest.json"
TENANTS_FILE = "tenants.json"
FLOWS_DIR = "flows"
THEME_FILE = "theme.json"
SNAPSHOT_DIR = "snapshot"

PATH_SNAPSHOT_EXPORT = "/v1/mgmt/project/snapshot/export"
PATH_SNAPSHOT_VALIDATE = "/v1/mgmt/project/snapshot/validate"
PATH_SNAPSHOT_IMPORT = "/v1/mgmt/project/snapshot/import"

NAME_RE = re.compile(r"^(\d{8}T\d{6}Z)(?:-(\d{1,4}))?$")
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
PROJECT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
# Keys of snapshot JSON files that the server changes on every write; they never count as a content change.
VOLATILE_KEYS = frozenset({"version", "etag", "modifiedTime"})
# Descope answers a snapshot call on a plan without it with 403 (E112601 in the emulator; the real code is
# UNCERTAIN), so a licence refusal is recognised by the code or by the wording.
LICENCE_CODES = frozenset({"E112601"})
LICENCE_WORDS = ("licen", "plan does not", "upgrade", "not allowed for your")
CONCURRENCY_MIN = 1
CONCURRENCY_MAX = 16

ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = with_connection(
    {
        "state": {"type": "str", "default": "present", "choices": ["present", "restored", "absent"]},
        "backup_dir": {"type": "path", "required": True},
        "force": {"type": "bool", "default": False},
        "backup": {"type": "str"},
        "prune": {"type": "bool", "default": False},
        "protected_ids": {"type": "list", "elements": "str", "default": []},
        "include": {"type": "list", "elements": "str", "choices": list(SECTIONS), "default": list(SECTIONS)},
        "keep_last": {"type": "int"},
        "max_age_days": {"type": "int"},
        "concurrency": {"type": "int", "default": 4},
    }
)

MODULE_KWARGS: dict[str, t.Any] = {
    "supports_check_mode": True,
    "required_if": [["state", "restored", ["backup"]], ["state", "absent", ["keep_last", "max_age_days"], True]],
}

LIBRARIES = _tenant.LIBRARIES


# --------------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------------


UTC = datetime.timezone.utc  # noqa: UP017  # datetime.UTC needs Python 3.11; modules may run on older targets


def now() -> datetime.datetime:
    """The current UTC time (one function, so tests can move the clock)."""
    return datetime.datetime.now(UTC)


def stamp_of(moment: datetime.datetime) -> str:
    return moment.astimezone(UTC).strftime(STAMP_FORMAT)


def iso(moment: datetime.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: t.Any) -> datetime.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def safe_relpath(rel: t.Any) -> bool:
    """A relative path that stays inside the backup directory (API data and manifests are not trusted)."""
    if not isinstance(rel, str) or not rel or rel.startswith("/") or "\\" in rel or "\x00" in rel:
        return False
    parts = rel.split("/")
    return all(part not in ("", ".", "..") for part in parts)


def project_dir(backup_dir: str, project_id: str) -> str:
    return os.path.join(os.path.abspath(os.path.expanduser(backup_dir)), project_id)


def _json_text(value: t.Any) -> bytes:
    return _flow.dump_file_text(value).encode("utf-8")


def _strip_volatile(value: t.Any) -> t.Any:
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in VOLATILE_KEYS}
    return value


def is_licence_refusal(exc: DescopeAPIError) -> bool:
    if exc.status not in (402, 403):
        return False
    if exc.error_code in LICENCE_CODES:
        return True
    text = " ".join(p for p in (exc.error_description, exc.error_message) if p).lower()
    return any(word in text for word in LICENCE_WORDS)


def _problem(field: str, message: str, fix: str) -> Problem:
    return Problem(field=field, message=message, fix=fix)


# --------------------------------------------------------------------------------------------------
# reading the project
# --------------------------------------------------------------------------------------------------


def tenant_item(record: Json) -> Json:
    """An API tenant as a descope_tenant item with EVERY managed field, so a restore resets what changed."""
    view = _tenant.current_view(record)
    item: Json = {}
    for key, value in view.items():
        if value is None or (key == "name" and value == ""):
            continue  # no parent / no name: leaving the field out is what descope_tenant reads as "none"
        item[key] = value
    return item


@dataclasses.dataclass
class Capture:
    """What one backup holds, in memory."""

    include: list[str]
    tenants: list[Json] | None = None
    flows: dict[str, Json] | None = None
    theme: Json | None = None
    snapshot_files: dict[str, t.Any] | None = None
    snapshot_status: str = "not_included"  # ok | unavailable | not_included
    snapshot_reason: str | None = None

    def normalised(self) -> Json:
        """The content compared for idempotence: server-managed and empty values dropped, order-free lists sorted."""
        return {
            "format_version": FORMAT_VERSION,
            "include": sorted(self.include),
            "tenants": sorted(self.tenants, key=lambda x: str(x["id"])) if self.tenants is not None else None,
            "flows": {fid: _flow.compare_form(flow) for fid, flow in sorted(self.flows.items())} if self.flows is not None else None,
            "theme": _flow.theme_compare_form(self.theme) if self.theme is not None else None,
            "snapshot": {"status": self.snapshot_status, "files": {k: _strip_volatile(v) for k, v in sorted((self.snapshot_files or {}).items())}},
        }

    def content_sha256(self) -> str:
        return _flow.digest(self.normalised())

    def counts(self) -> dict[str, int]:
        return {
            "tenants": len(self.tenants or []),
            "flows": len(self.flows or {}),
            "theme": 1 if self.theme is not None else 0,
            "snapshot_files": len(self.snapshot_files or {}),
        }


def capture(client: t.Any, include: list[str], concurrency: int) -> Capture:
    """Read everything a backup holds: one tenant list, one flow list plus one export per flow, the theme, the snapshot."""
    cap = Capture(include=list(include))
    if "tenants" in include:
        cap.tenants = _tenant.parents_first([tenant_item(r) for r in _tenant.load_all(client)])
    if "flows" in include:
        ids = sorted(f["id"] for f in _flow.list_flows(client))
        exported = _flow.export_all(client, ids, concurrency)
        cap.flows = {fid: flow for fid, flow in exported.items() if flow is not None}  # None: deleted since the list
    if "theme" in include:
        theme = client.post(_flow.PATH_THEME_EXPORT, {}, read=True).get("theme")
        cap.theme = theme if isinstance(theme, dict) and theme else None
    if "snapshot" in include:
        try:
            files = client.post(PATH_SNAPSHOT_EXPORT, {}, read=True).get("files")
        except DescopeAPIError as exc:
            if not is_licence_refusal(exc):
                raise
            cap.snapshot_status = "unavailable"
            cap.snapshot_reason = f"the project's licence does not allow snapshots (HTTP {exc.status} {exc.error_code or ''}".strip() + ")"
        else:
            cap.snapshot_files = files if isinstance(files, dict) else {}
            cap.snapshot_status = "ok"
    return cap


def render_files(cap: Capture) -> tuple[dict[str, bytes], dict[str, str]]:
    """The backup's files (relative path -> bytes) and the kind of every snapshot key (json|text)."""
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    if cap.tenants is not None:
        files[TENANTS_FILE] = (json.dumps({"tenants": cap.tenants}, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    for fid, flow in sorted((cap.flows or {}).items()):
        if not _flow.FLOW_ID_RE.match(fid):
            problems.append(
                _problem(
                    "flows",
                    f"flow id '{fid}' cannot be used as a file name.",
                    "rename the flow in Descope (letters, digits, '-' and '_'), or leave flows out with include.",
                )
            )
            continue
        files[f"{FLOWS_DIR}/{fid}.json"] = _json_text(_flow.export_document(flow))
    if cap.theme is not None:
        files[THEME_FILE] = _json_text({"theme": cap.theme})
    kinds: dict[str, str] = {}
    for key, value in sorted((cap.snapshot_files or {}).items()):
        if not safe_relpath(key):
            problems.append(
                _problem(
                    "snapshot",
                    f"the snapshot holds a file named {key!r}, which is not a safe relative path.",
                    "leave the snapshot out with include, and report this to Descope.",
                )
            )
            continue
        if isinstance(value, str):
            kinds[key] = "text"
            files[f"{SNAPSHOT_DIR}/{key}"] = value.encode("utf-8")
        else:
            kinds[key] = "json"
            files[f"{SNAPSHOT_DIR}/{key}"] = _json_text(value)
    if problems:
        raise DescopeValidationError(problems)
    return files, kinds


def build_manifest(cap: Capture, project_id: str, created: datetime.datetime, name: str, files: dict[str, bytes], kinds: dict[str, str]) -> Json:
    snapshot: Json = {"status": cap.snapshot_status}
    if cap.snapshot_reason:
        snapshot["reason"] = cap.snapshot_reason
    if cap.snapshot_status == "ok":
        snapshot["files"] = kinds
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": name,
        "project_id": project_id,
        "created": iso(created),
        "collection_version": COLLECTION_VERSION,
        "include": sorted(cap.include, key=SECTIONS.index),
        "counts": cap.counts(),
        "snapshot": snapshot,
        "content_sha256": cap.content_sha256(),
        "files": {rel: sha256_bytes(data) for rel, data in sorted(files.items())},
    }


# --------------------------------------------------------------------------------------------------
# writing, reading and verifying backups on disk
# --------------------------------------------------------------------------------------------------


def _write_private(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o600)  # the umask can only remove bits; make the mode exact anyway


def free_name(root: str, stamp: str) -> str:
    """The stamp, or stamp-N when a backup of the same second already exists (force: true twice)."""
    name = stamp
    n = 1
    while os.path.lexists(os.path.join(root, name)):
        name = f"{stamp}-{n}"
        n += 1
    return name


def write_backup(root: str, name: str, files: dict[str, bytes], manifest: Json) -> str:
    """Write into a temporary sibling directory, then rename it into place; returns the final path."""
    try:
        os.makedirs(root, mode=0o700, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=f".tmp-{name}-", dir=root)  # mkdtemp creates it 0700
    except OSError as exc:
        raise DescopeFileError(
            root, f"cannot create the backup directory ({exc.strerror or exc}).", "check that backup_dir is writable by the user running Ansible."
        ) from None
    final = os.path.join(root, name)
    try:
        for rel, data in sorted(files.items()):
            target = os.path.join(tmp, *rel.split("/"))
            parent = os.path.dirname(target)
            if not os.path.isdir(parent):
                os.makedirs(parent, mode=0o700)
            _write_private(target, data)
        _write_private(os.path.join(tmp, MANIFEST), _json_text(manifest))
        for dirpath, _dirs, _files in os.walk(tmp):
            os.chmod(dirpath, 0o700)
        os.rename(tmp, final)  # same parent directory: atomic, and it refuses to replace a non-empty directory
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise DescopeFileError(
            final, f"cannot write the backup ({exc.strerror or exc}); nothing was kept.", "check free space and permissions of backup_dir."
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
        raise DescopeFileError(mpath, "does not exist, so this is not a backup written by descope_backup.", fix) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DescopeFileError(mpath, f"cannot be read as JSON ({exc.__class__.__name__}: {exc}).", fix) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DescopeFileError(mpath, f"is not a descope.mgmt backup manifest (format is not '{FORMAT}').", fix)
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DescopeFileError(mpath, "has no valid format_version.", fix)
    if version > FORMAT_VERSION:
        raise DescopeFileError(
            mpath, f"has format version {version}; this collection reads up to {FORMAT_VERSION}.", "upgrade the descope.mgmt collection to read this backup."
        )
    files = data.get("files")
    if (
        not isinstance(data.get("project_id"), str)
        or parse_iso(data.get("created")) is None
        or not isinstance(files, dict)
        or not all(isinstance(k, str) and isinstance(v, str) and SHA256_RE.match(v) for k, v in files.items())
        or not isinstance(data.get("include"), list)
    ):
        raise DescopeFileError(mpath, "is missing project_id, created, include or the files checksums, or one of them is malformed.", fix)
    if project_id is not None and data["project_id"] != project_id:
        raise DescopeFileError(
            mpath,
            f"belongs to a backup of project '{data['project_id']}', not of project '{project_id}'.",
            "choose a backup of this project, or connect to the project the backup was taken from.",
        )
    return data


def verify(path: str, project_id: str) -> Json:
    """Check the manifest and every file's sha256, and that no unlisted file was added (all problems at once)."""
    manifest = read_manifest(path, project_id)
    problems: list[tuple[str, str]] = []
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
            actual = sha256_file(full)
        except OSError as exc:
            problems.append((rel, f"cannot be read ({exc.strerror or exc})"))
            continue
        if actual != expected:
            problems.append((rel, f"sha256 {actual[:12]}... does not match {expected[:12]}... in manifest.json (modified or damaged)"))
    for dirpath, _dirs, names in os.walk(path):
        for fname in names:
            rel = os.path.relpath(os.path.join(dirpath, fname), path).replace(os.sep, "/")
            if rel != MANIFEST and rel not in listed:
                problems.append((rel, "not listed in manifest.json (added after the backup was written)"))
    if problems:
        raise BackupVerifyError(path, problems)
    return manifest


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


def list_backups(root: str, project_id: str) -> tuple[list[Entry], list[Json]]:
    """The valid backups of the project (oldest first) and the directories skipped, with why."""
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
        except DescopeFileError as exc:
            skipped.append({"name": name, "path": path, "reason": str(exc)})
            continue
        created = parse_iso(manifest["created"])
        if created is None:  # pragma: no cover - read_manifest already checked it
            continue
        valid.append(Entry(name, path, created, manifest))
    valid.sort(key=Entry.sort_key)
    return valid, skipped


def plan_retention(entries: list[Entry], keep_last: int | None, max_age_days: int | None, moment: datetime.datetime) -> list[tuple[Entry, str]]:
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


def resolve_backup(ref: str, root: str, project_id: str) -> str:
    """``latest``, a backup name under the project's directory, or a path."""
    valid, _skipped = list_backups(root, project_id)
    names = [e.name for e in valid]
    known = f"available: {', '.join(names[-5:])}" if names else "there are no backups of this project yet"
    if ref == "latest":
        if not valid:
            raise DescopeFileError(
                root, f"holds no valid backup of project '{project_id}'.", "take one with state=present, or check backup_dir and the project id."
            )
        return valid[-1].path
    path = os.path.join(root, ref) if NAME_RE.match(ref) else os.path.abspath(os.path.expanduser(ref))
    if not os.path.isdir(path):
        raise DescopeFileError(path, "is not a backup directory.", f"set backup to latest, a backup name or a backup path ({known}).")
    return path


# --------------------------------------------------------------------------------------------------
# the module
# --------------------------------------------------------------------------------------------------


def _check_params(ctx: TaskContext) -> list[Problem]:
    p = ctx.params
    problems: list[Problem] = []
    concurrency = int(p["concurrency"]) if p.get("concurrency") is not None else 4
    if not CONCURRENCY_MIN <= concurrency <= CONCURRENCY_MAX:
        problems.append(
            _problem("concurrency", f"must be between {CONCURRENCY_MIN} and {CONCURRENCY_MAX}, got {concurrency}.", "set concurrency to 1..16 (default 4).")
        )
    keep_last = p.get("keep_last")
    if keep_last is not None and keep_last < 1:
        problems.append(_problem("keep_last", f"must be 1 or more, got {keep_last}; the newest backup is always kept.", "set keep_last to 1 or more."))
    max_age = p.get("max_age_days")
    if max_age is not None and max_age < 0:
        problems.append(_problem("max_age_days", f"must be 0 or more, got {max_age}.", "set max_age_days to a number of days."))
    include = list(p.get("include") or [])
    if not include:
        problems.append(_problem("include", "is empty, so there is nothing to back up or restore.", f"list one or more of {', '.join(SECTIONS)}."))
    if p.get("state") != "restored":
        for name in ("backup", "protected_ids"):
            if p.get(name):
                problems.append(_problem(name, f"is only used with state=restored (state is {p.get('state')}).", f"remove {name}."))
    project_id = ctx.settings.project_id  # raises the missing-credentials error first, before any file access
    if not PROJECT_ID_RE.match(project_id):
        problems.append(_problem("project_id", f"'{project_id}' cannot be used as a directory name.", "check the project id (it starts with P)."))
    return problems


def run(ctx: TaskContext) -> Json:
    problems = _check_params(ctx)
    if problems:
        raise DescopeValidationError(problems)
    state = ctx.params.get("state") or "present"
    if state == "restored":
        return _run_restore(ctx)
    if state == "absent":
        return _run_retention(ctx, [], {})
    return _run_backup(ctx)


def _backup_dir(ctx: TaskContext, must_exist: bool) -> str:
    backup_dir = os.path.abspath(os.path.expanduser(str(ctx.params["backup_dir"])))
    if os.path.exists(backup_dir) and not os.path.isdir(backup_dir):
        raise DescopeFileError(backup_dir, "exists and is not a directory.", "point backup_dir at a directory.")
    if must_exist and not os.path.isdir(backup_dir):
        raise DescopeFileError(backup_dir, "does not exist.", "check backup_dir (backups are kept under <backup_dir>/<project_id>/).")
    return backup_dir


_op = _engine.operation  # backup, restore and retention entries of descope_audit


def _summary(path: str, manifest: Json) -> Json:
    return {
        "path": path,
        "name": manifest.get("name") or os.path.basename(path),
        "project_id": manifest.get("project_id"),
        "created": manifest.get("created"),
        "format_version": manifest.get("format_version"),
        "collection_version": manifest.get("collection_version"),
        "include": manifest.get("include"),
        "counts": manifest.get("counts"),
        "snapshot": {k: v for k, v in (manifest.get("snapshot") or {}).items() if k != "files"},
        "content_sha256": manifest.get("content_sha256"),
    }


def _guard_secret(ctx: TaskContext, files: dict[str, bytes], manifest: Json) -> None:
    """Refuse to write a backup that would contain the management key (a canary: it never should)."""
    key = ctx.settings.management_key
    if len(key) < 12:
        return  # too short to tell apart from ordinary content; real keys are long
    needle = key.encode("utf-8")
    leaked = sorted(rel for rel, data in files.items() if needle in data)
    if needle in _json_text(manifest):
        leaked.append(MANIFEST)
    if leaked:
        raise DescopeError(
            f"Refusing to write the backup: {', '.join(leaked)} would contain the management key. Nothing was written. "
            "Leave the affected section out with include, and report it."
        )


def _run_backup(ctx: TaskContext) -> Json:
    p = ctx.params
    project_id = ctx.settings.project_id
    backup_dir = _backup_dir(ctx, must_exist=False)
    root = project_dir(backup_dir, project_id)
    include = [s for s in SECTIONS if s in (p.get("include") or SECTIONS)]
    client = ctx.client()
    cap = capture(client, include, int(p.get("concurrency") or 4))
    if cap.snapshot_status == "unavailable":
        ctx.warn(f"The project snapshot was not backed up: {cap.snapshot_reason}. Tenants, flows and the theme were.")
    files, kinds = render_files(cap)
    content = cap.content_sha256()
    valid, _skipped = list_backups(root, project_id)
    latest = valid[-1] if valid else None
    latest_ok = False
    if latest is not None and latest.manifest.get("content_sha256") == content and not p.get("force"):
        try:
            verify(latest.path, project_id)
            latest_ok = True
        except DescopeFileError as exc:
            ctx.warn(f"The newest backup {latest.path} does not verify ({exc}); writing a new one.")
    if latest_ok and latest is not None:
        result: Json = {
            "changed": False,
            "backup": _summary(latest.path, latest.manifest),
            "msg": f"The project is unchanged since backup {latest.name}; nothing written (force=true writes anyway).",
        }
        ops = [_op("backup", "backup", latest.name, False, "unchanged", ctx.check_mode, after={"path": latest.path, "content_sha256": content})]
    else:
        created = now()
        name = free_name(root, stamp_of(created))
        manifest = build_manifest(cap, project_id, created, name, files, kinds)
        _guard_secret(ctx, files, manifest)
        path = os.path.join(root, name)
        if not ctx.check_mode:
            path = write_backup(root, name, files, manifest)
        verb = "Would write" if ctx.check_mode else "Wrote"
        counts = manifest["counts"]
        result = {
            "changed": True,
            "backup": _summary(path, manifest),
            "msg": f"{verb} backup {name}: {counts['tenants']} tenant(s), {counts['flows']} flow(s), theme {'yes' if counts['theme'] else 'no'}, "
            f"snapshot {cap.snapshot_status}" + (f" ({cap.snapshot_reason})" if cap.snapshot_reason else "") + ".",
        }
        ops = [
            _op(
                "backup",
                "backup",
                name,
                True,
                "backed_up",
                ctx.check_mode,
                after={"path": path, "counts": counts, "content_sha256": content, "snapshot": cap.snapshot_status},
            )
        ]
        if ctx.diff:
            before = {"latest": latest.name, "content_sha256": latest.manifest.get("content_sha256")} if latest else {}
            result["diff"] = [
                {
                    "before_header": "latest backup",
                    "after_header": f"backup {name}",
                    "before": before,
                    "after": {"name": name, "content_sha256": content, "counts": counts},
                }
            ]
    if p.get("keep_last") is not None or p.get("max_age_days") is not None:
        # The new backup exists now (or would, in check mode): retention counts it as the newest.
        return _run_retention(ctx, ops, result)
    result["descope_audit"] = _audit(ctx, ops, {"backed_up": 1 if result["changed"] else 0, "unchanged": 0 if result["changed"] else 1})
    return result


def _audit(ctx: TaskContext, ops: list[Json], counts: dict[str, int]) -> Json:
    block = _engine.audit_block(ctx.module, ctx.project_id, ctx.check_mode, [], extra_ops=[o for o in ops if o["changed"] or o.get("error")])
    block["counts"] = counts
    return block


def _run_retention(ctx: TaskContext, ops: list[Json], result: Json) -> Json:
    p = ctx.params
    project_id = ctx.settings.project_id
    backing_up = bool(ops)
    backup_dir = _backup_dir(ctx, must_exist=not backing_up)
    root = project_dir(backup_dir, project_id)
    entries, skipped = list_backups(root, project_id)
    if backing_up and result.get("changed") and ctx.check_mode:
        # check mode wrote nothing: count the backup that would exist as the newest
        created = parse_iso(result["backup"]["created"]) or now()
        entries.append(Entry(str(result["backup"]["name"]), str(result["backup"]["path"]), created, {}))
    doomed = plan_retention(entries, p.get("keep_last"), p.get("max_age_days"), now())
    removed: list[Json] = []
    for entry, why in doomed:
        if not ctx.check_mode:
            if os.path.islink(entry.path):  # pragma: no cover - list_backups never returns links
                continue
            try:
                shutil.rmtree(entry.path)
            except OSError as exc:
                raise DescopeFileError(
                    entry.path,
                    f"cannot remove this old backup ({exc.strerror or exc}); removed so far: {', '.join(r['name'] for r in removed) or 'none'}.",
                    "check the permissions of backup_dir.",
                ) from None
        removed.append({**entry.summary(), "reason": why})
        ops.append(_op("retention", "backup", entry.name, True, "removed", ctx.check_mode, before={"path": entry.path, "created": iso(entry.created)}))
    kept = [e.name for e in entries if e.name not in {r["name"] for r in removed}]
    verb = "would remove" if ctx.check_mode else "removed"
    text = f"Retention {verb} {len(removed)} backup(s), {len(kept)} kept" + (f": {', '.join(r['name'] for r in removed)}." if removed else ".")
    out = dict(result)
    out["changed"] = bool(result.get("changed")) or bool(removed)
    out["removed"] = removed
    out["kept"] = kept
    if skipped:
        out["skipped"] = skipped
    out["msg"] = (str(result["msg"]) + " " + text) if result.get("msg") else text
    if ctx.diff and removed:
        out.setdefault("diff", []).append(
            {
                "before_header": "backups",
                "after_header": "backups after retention",
                "before": {"backups": [e.name for e in entries]},
                "after": {"backups": kept},
            }
        )
    counts = {"removed": len(removed), "kept": len(kept)}
    if backing_up:
        counts["backed_up" if result.get("changed") else "unchanged"] = 1
    out["descope_audit"] = _audit(ctx, ops, counts)
    return out


# --------------------------------------------------------------------------------------------------
# restore
# --------------------------------------------------------------------------------------------------


def _load_tenants(path: str) -> tuple[list[Json], list[Problem]]:
    data, problems = _flow.read_json(os.path.join(path, TENANTS_FILE), TENANTS_FILE)
    if problems:
        return [], problems
    tenants = data.get("tenants") if isinstance(data, dict) else None
    if not isinstance(tenants, list) or not all(isinstance(x, dict) for x in tenants):
        return [], [Problem(field="$.tenants", message="must be a list of tenant items.", fix="restore from another backup.", source=TENANTS_FILE)]
    return tenants, []


def _snapshot_files(path: str, manifest: Json) -> tuple[dict[str, t.Any], list[Problem]]:
    kinds = (manifest.get("snapshot") or {}).get("files") or {}
    files: dict[str, t.Any] = {}
    problems: list[Problem] = []
    for key, kind in sorted(kinds.items()):
        rel = f"{SNAPSHOT_DIR}/{key}"
        full = os.path.join(path, *rel.split("/"))
        if kind == "json":
            value, found = _flow.read_json(full, rel)
            problems.extend(found)
            files[key] = value
        else:
            with open(full, encoding="utf-8") as handle:
                files[key] = handle.read()
    return files, problems


def _norm_snapshot(value: t.Any) -> str:
    return _flow.canonical(_strip_volatile(value))


def _plan_snapshot(client: t.Any, files: dict[str, t.Any], notes: list[str]) -> _engine.Change | None:
    """Compare with the live snapshot; when settings differ, validate (a read) and plan one import."""
    try:
        live = client.post(PATH_SNAPSHOT_EXPORT, {}, read=True).get("files") or {}
    except DescopeAPIError as exc:
        if not is_licence_refusal(exc):
            raise
        notes.append("snapshot not restored: the project's licence does not allow snapshots")
        return None
    # Flows and the theme are restored (and compared) by the flow engine; keys only the live project has
    # are left alone by an import, so they are not differences either.
    differing = sorted(k for k in files if not k.startswith(("flows/", "theme/")) and _norm_snapshot(files[k]) != _norm_snapshot(live.get(k)))
    digests = {k: _flow.digest(_strip_volatile(files[k])) for k in differing}
    if not differing:
        return _engine.Change("snapshot", "snapshot", "unchanged")
    answer = client.post(PATH_SNAPSHOT_VALIDATE, {"files": files}, read=True)
    failures = [str(f) for f in answer.get("failures") or []]
    missing = answer.get("missingSecrets") or {}
    missing_names = [str(s.get("name") or s.get("id")) for group in missing.values() if isinstance(group, list) for s in group if isinstance(s, dict)]
    if answer.get("ok") is False or failures or missing_names:
        detail = "; ".join(failures) or "validation failed"
        if missing_names:
            detail += f"; secrets needed for: {', '.join(missing_names)}"
        raise DescopeValidationError(
            [
                Problem(
                    field="snapshot",
                    source=SNAPSHOT_DIR,
                    message=f"Descope refused the backed-up snapshot: {detail}.",
                    fix="restore without it (include without snapshot), or add the missing connectors/secrets first.",
                )
            ]
        )
    before = {k: (_flow.digest(_strip_volatile(live[k])) if k in live else None) for k in differing}

    def apply(c: t.Any) -> None:
        c.post(PATH_SNAPSHOT_IMPORT, {"files": files})

    return _engine.Change("snapshot", "snapshot", "import", before={"files": before}, after={"files": digests}, apply=apply, phase=10)


def _run_restore(ctx: TaskContext) -> Json:
    p = ctx.params
    project_id = ctx.settings.project_id
    backup_dir = _backup_dir(ctx, must_exist=True)
    root = project_dir(backup_dir, project_id)
    path = resolve_backup(str(p["backup"]), root, project_id)
    manifest = verify(path, project_id)  # before any request: a backup that does not verify is never used
    include = [s for s in SECTIONS if s in (p.get("include") or SECTIONS)]
    in_backup = set(manifest.get("include") or [])
    notes = [f"{s} not restored: the backup does not hold it" for s in include if s not in in_backup]
    sections = [s for s in include if s in in_backup]
    snap = manifest.get("snapshot") or {}
    if "snapshot" in sections and snap.get("status") != "ok":
        notes.append(f"snapshot not restored: the backup has none ({snap.get('reason') or snap.get('status')})")
        sections.remove("snapshot")
    prune = bool(p.get("prune"))
    protected = list(p.get("protected_ids") or [])
    concurrency = int(p.get("concurrency") or 4)
    counts = manifest.get("counts") or {}

    # 1. everything local, before any request: the same parsers the engines use
    problems: list[Problem] = []
    tenants: list[Json] = []
    if "tenants" in sections:
        tenants, found = _load_tenants(path)
        problems.extend(found)
    flows_dir = os.path.join(path, FLOWS_DIR)
    use_flows = "flows" in sections and (os.path.isdir(flows_dir) or prune)
    if "flows" in sections and not os.path.isdir(flows_dir):
        if prune:
            problems.append(
                Problem(
                    field="prune",
                    source=FLOWS_DIR,
                    message="the backup holds no flow, and prune=true would delete every unprotected flow.",
                    fix="delete the flows by id with descope_flow state=absent, or restore without prune.",
                )
            )
        else:
            notes.append("flows: the backup holds none")
    if use_flows and os.path.isdir(flows_dir):
        _flow.load_dir(flows_dir, prune, problems, ctx.warn)
    theme_path = os.path.join(path, THEME_FILE)
    use_theme = "theme" in sections and os.path.isfile(theme_path)
    if use_theme:
        _flow.load_theme(theme_path, problems)
    snapshot_files: dict[str, t.Any] = {}
    if "snapshot" in sections:
        snapshot_files, found = _snapshot_files(path, manifest)
        problems.extend(found)
    if problems:
        raise DescopeValidationError(problems)

    # 2. read and plan everything that can still refuse (validation, snapshot validate) before the first write
    client = ctx.client()
    tenant_changes: list[_engine.Change] = []
    if "tenants" in sections:
        domains = [d for x in tenants for d in x.get("self_provisioning_domains") or []]
        tenant_params = {
            "tenants": tenants,
            "prune": prune,
            "protected_ids": protected,
            "concurrency": concurrency,
            # a backup whose tenants shared a domain was taken from a project that allowed it
            "allow_duplicate_domains": len(domains) != len(set(domains)),
        }
        tenant_changes = _tenant.plan_tenants(ctx, tenant_params)
    snapshot_change = _plan_snapshot(client, snapshot_files, notes) if "snapshot" in sections else None

    # 3. write: tenants, then flows and theme (through descope_flow's engine), then the snapshot
    _execute(tenant_changes, client, ctx.check_mode, concurrency)
    failed = [c for c in tenant_changes if c.outcome in ("failed", "skipped")]
    flow_result: Json = {}
    stopped: str | None = None
    if failed:
        stopped = "tenant writes failed, so flows, the theme and the snapshot were not restored"
    elif use_flows or use_theme:
        flow_params = {
            "flow_id": None,
            "src": None,
            "definition": None,
            "src_dir": flows_dir if use_flows else None,
            "state": "present",
            "prune": prune and use_flows,
            "protected_ids": protected,
            "theme": theme_path if use_theme else None,
            "concurrency": concurrency,
        }
        from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext as _Ctx  # pylint: disable=import-outside-toplevel

        sub = _Ctx(
            module=ctx.module,
            params=flow_params,
            check_mode=ctx.check_mode,
            diff=ctx.diff,
            environ=ctx.environ,
            warn=ctx.warn,
            in_process=ctx.in_process,
            _client=client,
            _settings=ctx.settings,
        )
        try:
            flow_result = _flow.run(sub)
        except DescopeError as exc:
            flow_result = {"failed": True, **exc.to_result()}
        if flow_result.get("failed"):
            stopped = "flow or theme writes failed, so the snapshot was not restored"
    snapshot_changes = [snapshot_change] if snapshot_change is not None else []
    if stopped is None:
        _execute(snapshot_changes, client, ctx.check_mode, 1)
    else:
        for change in snapshot_changes:
            change.outcome = "skipped" if change.changed else "unchanged"
    return _restore_result(ctx, path, manifest, counts, tenant_changes, flow_result, snapshot_change, notes, stopped)


def _restore_result(
    ctx: TaskContext,
    path: str,
    manifest: Json,
    counts: Json,
    tenant_changes: list[_engine.Change],
    flow_result: Json,
    snapshot_change: _engine.Change | None,
    notes: list[str],
    stopped: str | None,
) -> Json:
    done = ("ok", "check")
    snapshot_changes = [snapshot_change] if snapshot_change is not None else []
    flows_changed = bool(flow_result.get("changed"))
    changed = any(c.changed and c.outcome in done for c in tenant_changes + snapshot_changes) or flows_changed
    result: Json = {
        "changed": changed,
        "backup": _summary(path, manifest),
        "tenants": [c.as_result() for c in tenant_changes],
        "flows": flow_result.get("flows") or [],
    }
    if "theme" in flow_result:
        result["theme"] = flow_result["theme"]
    if snapshot_change is not None:
        result["snapshot"] = {
            "action": snapshot_change.result_action,
            "changed": snapshot_change.changed and snapshot_change.outcome in done,
            "files": sorted((snapshot_change.after or {}).get("files") or {}),
        }
        if snapshot_change.error:
            result["snapshot"]["error"] = snapshot_change.error
    if notes:
        result["notes"] = notes
    if ctx.diff:
        diff = _engine.diff_entries([c for c in tenant_changes if c.outcome in done])
        diff.extend(flow_result.get("diff") or [])
        diff.extend(_engine.diff_entries([c for c in snapshot_changes if c.outcome in done]))
        result["diff"] = diff

    flow_audit = flow_result.get("descope_audit") or {}
    ops = [c.as_operation(ctx.check_mode) for c in tenant_changes + snapshot_changes if c.changed or c.outcome == "failed"]
    ops.extend(flow_audit.get("operations") or [])
    tally = _engine.counts(tenant_changes + snapshot_changes)
    for key, value in (flow_audit.get("counts") or {}).items():
        tally[key] = tally.get(key, 0) + int(value)
    restore_op = _op(
        "restore",
        "backup",
        str(manifest.get("name") or os.path.basename(path)),
        changed,
        "restored" if changed else "unchanged",
        ctx.check_mode,
        before=None,
        after={"path": path, "content_sha256": manifest.get("content_sha256")},
    )
    failed_items = [op for op in ops if op.get("outcome") in ("failed", "skipped")]
    if failed_items or stopped:
        # the summary line must not read "restored/ok" when part of the restore failed or was not attempted
        restore_op.update(
            action="failed", outcome="failed", error={"kind": "partial", "message": stopped or f"{len(failed_items)} item(s) failed or were skipped"}
        )
    ops.append(restore_op)
    result["descope_audit"] = _audit(ctx, ops, tally)

    n_written = sum(1 for c in tenant_changes + snapshot_changes if c.changed and c.outcome in done)
    n_written += sum(1 for f in result["flows"] if f.get("changed")) + (1 if (result.get("theme") or {}).get("changed") else 0)
    name = manifest.get("name") or os.path.basename(path)
    if ctx.check_mode:
        text = f"Check mode: restoring backup {name} would write {n_written} change(s)." if changed else f"The project already matches backup {name}."
    else:
        text = f"Restored backup {name}: {n_written} change(s) written." if changed else f"The project already matches backup {name}; nothing written."
    flow_tally: dict[str, int] = {}
    for item in result["flows"]:
        flow_tally[str(item.get("action"))] = flow_tally.get(str(item.get("action")), 0) + 1
    text += f" Tenants: {_tally_text(_engine.counts(tenant_changes))}; flows: {_tally_text(flow_tally)}."
    if notes:
        text += " Note: " + "; ".join(notes) + "."
    failures = [c for c in tenant_changes + snapshot_changes if c.outcome == "failed"]
    if stopped or failures or flow_result.get("failed"):
        error = _engine.first_error(tenant_changes + snapshot_changes) or flow_result.get("error") or {"kind": "api", "message": "write failed"}
        hint = one_line(error)
        result["failed"] = True
        result["error"] = error
        result["hint"] = hint
        detail = error.get("message") or error.get("description") or error.get("status")
        flow_msg = f" Flows: {flow_result.get('msg')}" if flow_result.get("failed") else ""
        text = f"Restore incomplete: {stopped or 'a write failed'} ({detail}).{flow_msg}" + (f" Hint: {hint}" if hint else "") + " " + text
    result["msg"] = text
    return result


def _tally_text(counts: t.Mapping[str, t.Any]) -> str:
    parts = [f"{v} {k}" for k, v in counts.items() if v]
    return ", ".join(parts) if parts else "none"


__all__ = ["ARGUMENT_SPEC", "LIBRARIES", "MODULE_KWARGS", "capture", "list_backups", "plan_retention", "run", "verify"]


def _legacy(handler: t.Callable[[TaskContext], Json]) -> t.Callable[[TaskContext], t.Any]:
    """TEMPORARY adapter until descope_backup is ported."""
    from ansible_collections.descope.mgmt.plugins.module_utils._spec import Outcome  # pylint: disable=import-outside-toplevel

    def run_outcome(ctx: TaskContext) -> Outcome:
        result = handler(ctx)
        audit = result.pop("descope_audit")
        if result.get("failed"):
            result["descope_audit"] = audit
        return Outcome(result, audit["operations"], audit["counts"])

    return run_outcome


def _spec() -> t.Any:
    from ansible_collections.descope.mgmt.plugins.module_utils._spec import OptionRules, ResourceSpec  # pylint: disable=import-outside-toplevel

    return ResourceSpec("descope_backup", "backup", ARGUMENT_SPEC, MODULE_KWARGS, tuple(LIBRARIES), OptionRules(concurrency=False), run=_legacy(run))


SPEC = _spec()
