# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backup format: layout constants, the argument spec, time stamps, checksums (FOR INTERNAL COLLECTION USE ONLY)."""

from __future__ import annotations

import datetime
import hashlib
import os
import re
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _flow, _tenant
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError, Problem
from ansible_collections.descope.mgmt.plugins.module_utils._options import with_connection
from ansible_collections.descope.mgmt.plugins.module_utils._spec import PRUNE_GUARD_ARGSPEC

Json = dict[str, t.Any]

FORMAT = "descope.mgmt.backup"
FORMAT_VERSION = 1
COLLECTION_VERSION = "0.1.0"  # kept equal to galaxy.yml by a unit test (modules cannot read galaxy.yml)
SECTIONS = ("tenants", "flows", "theme", "snapshot")
# Opt-in sections (include them by name); not in the default until a format version bump makes them so.
# roles: roles.json, {"permissions": [descope_permission items], "roles": [descope_role items]} (issue 16)
OPTIONAL_SECTIONS = ("roles",)
ALL_SECTIONS = SECTIONS + OPTIONAL_SECTIONS
ROLES_FILE = "roles.json"
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
        "include": {"type": "list", "elements": "str", "choices": list(ALL_SECTIONS), "default": list(SECTIONS)},
        "keep_last": {"type": "int"},
        "max_age_days": {"type": "int"},
        "concurrency": {"type": "int", "default": 4},
        "signing_key": {"type": "str", "no_log": True},
        **PRUNE_GUARD_ARGSPEC,
    }
)

MODULE_KWARGS: dict[str, t.Any] = {
    "supports_check_mode": True,
    "required_if": [["state", "restored", ["backup"]], ["state", "absent", ["keep_last", "max_age_days"], True]],
}

LIBRARIES = _tenant.LIBRARIES


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
