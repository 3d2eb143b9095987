# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backup format: layout constants, the argument spec, time stamps, checksums (FOR INTERNAL COLLECTION USE ONLY)."""

from __future__ import annotations

import base64
import binascii
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
# 2: flow and theme files are the bare objects the Descope CLI writes and reads (descopecli flow/crud.go,
#    theme/crud.go), snapshot images are stored as decoded bytes like descopecli snapshot/export.go
#    (manifest kind "binary"). 1: flows/theme wrapped ({"flow": ...}, {"theme": ...}), images as base64 text.
# Every version up to FORMAT_VERSION is read.
FORMAT_VERSION = 2
COLLECTION_VERSION = "0.1.0"  # kept equal to galaxy.yml by a unit test (modules cannot read galaxy.yml)
SECTIONS = ("tenants", "flows", "theme", "snapshot")
# Opt-in sections (include them by name); not in the default until a format version bump makes them so.
# roles: roles.json, {"permissions": [descope_permission items], "roles": [descope_role items]} (issue 16)
# tenant_settings: tenant_settings.json, {"tenant_settings": [descope_tenant_settings items]}
# sso: sso.json, {"sso": [descope_sso items without secrets], "secrets_not_captured": ["<tenant>[/<sso id>]:
# oidc.client_secret"]}
OPTIONAL_SECTIONS = ("roles", "tenant_settings", "sso")
ALL_SECTIONS = SECTIONS + OPTIONAL_SECTIONS
ROLES_FILE = "roles.json"
TENANT_SETTINGS_FILE = "tenant_settings.json"
SSO_FILE = "sso.json"
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
# Snapshot files the CLI writes as text (descopecli snapshot/export.go writeAsset, import.go readFile);
# every other string value is an asset the API sends as base64 and the CLI writes decoded.
TEXT_SUFFIXES = (".txt", ".html")
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


def is_snapshot_refusal(exc: DescopeAPIError) -> bool:
    """A snapshot call refused for this project (a plan without snapshots, most likely).

    Snapshots need a Pro licence or above (node-sdk ``lib/management/project.ts``, go-sdk ``descope/sdk/mgmt.go``)
    but the refusal's status, code and text are unpublished, so every 4xx except 401 (bad key) and 429 (rate
    limit, retried by the client) counts, and the caller keeps the raw status/code/description as the reason.
    """
    return exc.status is not None and 400 <= exc.status < 500 and exc.status not in (401, 429)


def refusal_reason(exc: DescopeAPIError) -> str:
    detail = ": ".join(p for p in (exc.error_code, exc.error_description, exc.error_message) if p)
    return (
        f"Descope refused the snapshot export (HTTP {exc.status}{', ' + detail if detail else ''}); snapshots need a "
        "Pro licence or above"
    )


def encode_snapshot_value(key: str, value: t.Any) -> tuple[str, bytes]:
    """A snapshot file as stored on disk, the way descopecli writes it: (kind, bytes); kind json|text|binary."""
    if not isinstance(value, str):
        return "json", _json_text(value)
    if not key.lower().endswith(TEXT_SUFFIXES):
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            data = None
        # only when the text is exactly the encoding of those bytes: reading it back gives the same string
        if data is not None and base64.b64encode(data).decode("ascii") == value:
            return "binary", data
    return "text", value.encode("utf-8")


def decode_snapshot_bytes(kind: str, data: bytes) -> str:
    """The API value of a stored ``binary`` snapshot file (base64, as descopecli snapshot/import.go sends it)."""
    return base64.b64encode(data).decode("ascii") if kind == "binary" else data.decode("utf-8")


def _problem(field: str, message: str, fix: str) -> Problem:
    return Problem(field=field, message=message, fix=fix)
