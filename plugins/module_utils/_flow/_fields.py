# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Flow and theme constants, argument specs and small JSON helpers (FOR INTERNAL COLLECTION USE ONLY)."""

from __future__ import annotations

import hashlib
import json
import re
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._options import with_connection
from ansible_collections.descope.mgmt.plugins.module_utils._spec import PRUNE_GUARD_ARGSPEC

Json = dict[str, t.Any]

PATH_LIST = "/v1/mgmt/flow/list"
PATH_DELETE = "/v1/mgmt/flow/delete"
PATH_EXPORT = "/v2/mgmt/flow/export"
PATH_IMPORT = "/v2/mgmt/flow/import"
PATH_THEME_EXPORT = "/v2/mgmt/theme/export"
PATH_THEME_IMPORT = "/v2/mgmt/theme/import"

FLOW_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
V2_KEYS = ("flowId", "metadata", "contents", "screens", "references")
# Server-managed: they change on every import (or are the flow's own id), so they never count as drift.
# ``fingerprint`` is NOT one of them: it is a boolean flow setting (OAS ``ExportedFlowMetadata.fingerprint``,
# descopecli ``flow/convert.go`` ``Fingerprint bool``), compared, deployed and restored like any other.
SERVER_FIELDS = frozenset({"version", "etag", "modifiedTime", "flowId", "id"})
# v1 flow keys that map 1:1 onto v2 metadata (descopecli flow/convert.go).
V1_META_KEYS = (
    "name",
    "description",
    "disabled",
    "fingerprint",
    "widget",
    "sharedInteractions",
    "management",
    "managementConfig",
)
V1_TRANSLATION = (
    ("translate", "enabled"),
    ("translateConnectorID", "connectorId"),
    ("translateSourceLang", "sourceLanguage"),
    ("translateTargetLangs", "targetLanguages"),
)
V1_IGNORED_KEYS = frozenset({"id", "version", "etag", "modifiedTime", "dsl", "referencesGlobalStrings"})
THEME_FILE = "theme.json"

ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = with_connection(
    {
        "flow_id": {"type": "str"},
        "src": {"type": "path"},
        "definition": {"type": "dict"},
        "src_dir": {"type": "path"},
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "prune": {"type": "bool", "default": False},
        "protected_ids": {"type": "list", "elements": "str", "default": []},
        "theme": {"type": "raw"},
        "concurrency": {"type": "int", "default": 4},
        **PRUNE_GUARD_ARGSPEC,
    }
)

MODULE_KWARGS: dict[str, t.Any] = {
    "supports_check_mode": True,
    "mutually_exclusive": [["src", "definition", "src_dir"], ["flow_id", "src_dir"]],
    "required_one_of": [["flow_id", "src", "definition", "src_dir", "theme"]],
    "required_if": [["prune", True, ["src_dir"]], ["state", "absent", ["flow_id"]]],
}

INFO_ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = with_connection(
    {
        "flow_ids": {"type": "list", "elements": "str"},
        "dest": {"type": "path"},
        "theme": {"type": "bool", "default": False},
        "format": {"type": "str", "default": "v2", "choices": ["v2", "v1"]},
        "concurrency": {"type": "int", "default": 4},
    }
)

INFO_MODULE_KWARGS: dict[str, t.Any] = {
    "supports_check_mode": True,
    "required_if": [["theme", True, ["dest"]]],
}

LIBRARIES: tuple[tuple[str, bool, str | None], ...] = ()


_IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def jpath(*parts: str | int) -> str:
    """A JSONPath such as ``$.flow.screens[2].screenId`` (non-identifier keys as ``['a-b']``)."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENT_RE.match(part):
            out += f".{part}"
        else:
            out += "['" + part.replace("'", "\\'") + "']"
    return out


def _empty(value: t.Any) -> bool:
    return value is None or value is False or value == "" or value == [] or value == {}


def canonical(value: t.Any) -> str:
    """The canonical text of a JSON value (sorted keys, no whitespace): equality and digests."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(value: t.Any) -> str:
    return hashlib.sha256(canonical(value).encode("utf-8")).hexdigest()


def dump_file_text(value: t.Any) -> str:
    """The on-disk form of exports: stable key order and indentation, so they diff cleanly in git."""
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _type_name(value: t.Any) -> str:
    # isinstance, not type(): values of tasks run in the controller are tagged subclasses (_AnsibleTaggedInt...)
    for kind, name in (
        (bool, "boolean"),
        (dict, "object"),
        (list, "array"),
        (str, "string"),
        (int, "number"),
        (float, "number"),
    ):
        if isinstance(value, kind):
            return name
    return "null"
