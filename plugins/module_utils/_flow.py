# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Flows and the project theme as code (FOR INTERNAL COLLECTION USE ONLY).

Two wire forms exist for a flow (docs/architecture.md, reference descope-api.md section 5):

* v1, the console form: ``{"flow": {id, name, description, dsl, ...}, "screens": [{id, htmlTemplate, ...}]}``
* v2, the exported form: ``{"flow": {flowId, metadata, contents, screens: [{screenId, ...}], references}}``

Everything here converts to v2 first. Comparison uses a *compare form* of v2 without what the server
manages (version, etag, modified time, fingerprint, the flow id itself), with empty values dropped
(``disabled: false`` and a missing ``disabled`` mean the same) and with lists whose order carries no
meaning sorted (screens by id, reference lists). Task graphs are objects keyed by task id, so the
dict comparison is already order-free for them; lists inside task and screen contents keep their order.

Requests: one ``POST /v1/mgmt/flow/list``, then one ``POST /v2/mgmt/flow/export`` per declared flow
that exists (the minimum to compare contents), then ``POST /v2/mgmt/flow/import`` per flow that differs
and a single ``POST /v1/mgmt/flow/delete`` for every flow removed.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import copy
import dataclasses
import hashlib
import json
import os
import re
import tempfile
import threading
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _change as _engine
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

PATH_LIST = "/v1/mgmt/flow/list"
PATH_DELETE = "/v1/mgmt/flow/delete"
PATH_EXPORT = "/v2/mgmt/flow/export"
PATH_IMPORT = "/v2/mgmt/flow/import"
PATH_THEME_EXPORT = "/v2/mgmt/theme/export"
PATH_THEME_IMPORT = "/v2/mgmt/theme/import"

FLOW_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
V2_KEYS = ("flowId", "metadata", "contents", "screens", "references")
# Server-managed: they change on every import (or are computed by Descope), so they never count as drift.
SERVER_FIELDS = frozenset({"version", "etag", "modifiedTime", "fingerprint", "flowId", "id"})
# v1 flow keys that map 1:1 onto v2 metadata (descopecli flow/convert.go).
V1_META_KEYS = ("name", "description", "disabled", "fingerprint", "widget", "sharedInteractions", "management", "managementConfig")
V1_TRANSLATION = (
    ("translate", "enabled"),
    ("translateConnectorID", "connectorId"),
    ("translateSourceLang", "sourceLanguage"),
    ("translateTargetLangs", "targetLanguages"),
)
V1_IGNORED_KEYS = frozenset({"id", "version", "etag", "modifiedTime", "dsl", "referencesGlobalStrings"})
THEME_FILE = "theme.json"

# --------------------------------------------------------------------------------------------------
# argument specs
# --------------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------------

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
    return {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}.get(type(value), "null")


# --------------------------------------------------------------------------------------------------
# parsing and validation of declared flows
# --------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class FlowDoc:
    """One declared flow, converted to a v2 flow object whose ``flowId`` is the id that wins."""

    flow_id: str
    source: str
    form: str  # v1 | v2
    flow: Json
    index: int | None = None

    def import_body(self) -> Json:
        return {"flowId": self.flow_id, "flow": self.flow}


class _Collector:
    """Gathers problems for one source so that every problem is reported at once."""

    def __init__(self, source: str, flow_id: str | None, index: int | None) -> None:
        self.source = source
        self.flow_id = flow_id
        self.index = index
        self.problems: list[Problem] = []

    def add(self, path: str, message: str, fix: str) -> None:
        self.problems.append(Problem(field=path, message=message, fix=fix, index=self.index, id=self.flow_id, source=self.source))

    def expect(self, value: t.Any, kind: type, path: str, what: str, required: bool = False) -> bool:
        if value is None:
            if required:
                self.add(path, f"missing {what}.", f"add {path} ({_type_name(kind())}).")
            return False
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.add(path, f"{what} must be a JSON {_type_name(kind())}, got {_type_name(value)}.", f"change {path} to a JSON {_type_name(kind())}.")
            return False
        return True


def detect_form(data: t.Any) -> str | None:
    """'v1', 'v2', 'v2-bare' (a v2 flow object without the ``flow`` wrapper) or None."""
    if not isinstance(data, dict):
        return None
    flow = data.get("flow")
    if isinstance(flow, dict):
        if any(k in flow for k in ("flowId", "metadata", "contents")):
            return "v2"
        if "screens" in data or any(k in flow for k in ("dsl", "id", "name")):
            return "v1"
        return None
    if any(k in data for k in ("metadata", "contents")) and "flow" not in data:
        return "v2-bare"
    return None


def _screen_refs(node: t.Any, path: tuple[str | int, ...]) -> t.Iterator[tuple[str, tuple[str | int, ...]]]:
    """Every ``screenId`` string in a flow graph with its path (tasks name the screens they show)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "screenId" and isinstance(value, str):
                yield value, (*path, key)
            else:
                yield from _screen_refs(value, (*path, str(key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _screen_refs(value, (*path, i))


def _check_screens(c: _Collector, screens: list[t.Any], base: tuple[str | int, ...], id_key: str, body_key: str) -> list[str]:
    ids: list[str] = []
    first_seen: dict[str, int] = {}
    for i, screen in enumerate(screens):
        spath = (*base, i)
        if not c.expect(screen, dict, jpath(*spath), "a screen", required=True):
            continue
        sid = screen.get(id_key)
        if not isinstance(sid, str) or not sid:
            c.add(jpath(*spath, id_key), "every screen needs a non-empty string id.", f"set {id_key} to the screen's id as exported by Descope.")
            continue
        if sid in first_seen:
            c.add(
                jpath(*spath, id_key),
                f"duplicate screen id '{sid}' (also at {jpath(*base, first_seen[sid])}).",
                "keep one screen per id: remove the copy or give it its own id and point the tasks at it.",
            )
        else:
            first_seen[sid] = i
            ids.append(sid)
        c.expect(screen.get("interactions"), list, jpath(*spath, "interactions"), "interactions")
        c.expect(screen.get(body_key), dict, jpath(*spath, body_key), body_key)
    return ids


def _check_refs(c: _Collector, contents: t.Any, base: tuple[str | int, ...], screen_ids: list[str], all_screens_valid: bool) -> None:
    if not all_screens_valid:
        return  # the screen list itself is broken; missing references would only repeat that
    known = set(screen_ids)
    for sid, path in _screen_refs(contents, base):
        if sid and sid not in known:
            c.add(
                jpath(*path),
                f"the flow refers to screen '{sid}', which is not among its screens.",
                "export the flow again with all its screens, or remove the task that shows this screen.",
            )


def parse_flow(
    data: t.Any, source: str, declared_id: str | None, index: int | None = None, warn: t.Callable[[str], None] | None = None, declared_by: str = "flow_id"
) -> tuple[FlowDoc | None, list[Problem]]:
    """Validate one flow document (any form) and convert it to a v2 flow object.

    ``declared_id`` is the id from the task (``flow_id``) or the file name in ``src_dir`` mode; when the
    document carries another id, the declared id wins and a warning says so.
    """
    form = detect_form(data)
    c = _Collector(source, declared_id, index)
    if form is None:
        c.add(
            "$",
            'not a Descope flow export: expected {"flow": {"flowId", "metadata", "contents", "screens", "references"}} (v2) '
            'or {"flow": {"id", "name", "dsl"}, "screens": [...]} (v1).',
            "export the flow again from the console, with descope.mgmt.descope_flow_info or the Descope CLI.",
        )
        return None, c.problems
    if form == "v1":
        flow, doc_id = _parse_v1(c, data)
    else:
        raw = data["flow"] if form == "v2" else data
        prefix: tuple[str | int, ...] = ("flow",) if form == "v2" else ()
        flow, doc_id = _parse_v2(c, raw, prefix, warn, source)
    flow_id = declared_id or doc_id
    id_path = jpath("flow", "id") if form == "v1" else jpath(*(("flow", "flowId") if form == "v2" else ("flowId",)))
    if not flow_id:
        c.add(id_path, "no flow id: the document has none and the task sets none.", "set flow_id on the task or the flow id in the document.")
    elif not FLOW_ID_RE.match(flow_id):
        where = declared_by if declared_id else id_path
        c.add(where, f"flow id '{flow_id}' may only contain letters, digits, '-' and '_' (1 to 100 characters).", "rename the flow id.")
    elif declared_id and doc_id and doc_id != declared_id and warn is not None:
        warn(f"{source}: {id_path} is '{doc_id}' but {declared_by} is '{declared_id}'; the flow is deployed as '{declared_id}' ({declared_by} wins).")
    c.flow_id = flow_id
    problems = [dataclasses.replace(p, id=flow_id) for p in c.problems] if flow_id else c.problems
    if problems or flow is None or not flow_id:
        return None, problems
    flow["flowId"] = flow_id
    return FlowDoc(flow_id=flow_id, source=source, form="v1" if form == "v1" else "v2", flow=flow, index=index), []


def _parse_v2(c: _Collector, raw: t.Any, prefix: tuple[str | int, ...], warn: t.Callable[[str], None] | None, source: str) -> tuple[Json | None, str | None]:
    doc_id = raw.get("flowId")
    if doc_id is not None and not isinstance(doc_id, str):
        c.add(jpath(*prefix, "flowId"), "flowId must be a string.", "set flowId to the flow's id or remove it.")
        doc_id = None
    meta = raw.get("metadata")
    if c.expect(meta, dict, jpath(*prefix, "metadata"), "metadata", required=True):
        name = meta.get("name")
        if not isinstance(name, str) or not name.strip():
            c.add(jpath(*prefix, "metadata", "name"), "every flow needs a non-empty name.", "set metadata.name to the flow's display name.")
        c.expect(meta.get("description"), str, jpath(*prefix, "metadata", "description"), "description")
        c.expect(meta.get("disabled"), bool, jpath(*prefix, "metadata", "disabled"), "disabled")
        c.expect(meta.get("componentsVersion"), str, jpath(*prefix, "metadata", "componentsVersion"), "componentsVersion")
    contents = raw.get("contents")
    c.expect(contents, dict, jpath(*prefix, "contents"), "contents (the flow graph)", required=True)
    screens = raw.get("screens")
    if screens is None:
        screens = []
    screen_ids: list[str] = []
    screens_ok = False
    if c.expect(screens, list, jpath(*prefix, "screens"), "screens"):
        before = len(c.problems)
        screen_ids = _check_screens(c, screens, (*prefix, "screens"), "screenId", "contents")
        screens_ok = len(c.problems) == before
    c.expect(raw.get("references"), dict, jpath(*prefix, "references"), "references")
    if isinstance(contents, dict):
        _check_refs(c, contents, (*prefix, "contents"), screen_ids, screens_ok)
    unknown = sorted(k for k in raw if k not in V2_KEYS and k not in SERVER_FIELDS)
    if unknown and warn is not None:
        warn(f"{source}: ignoring unknown key(s) {', '.join(unknown)} in the v2 flow object.")
    if c.problems:
        return None, doc_id
    flow = {
        "flowId": doc_id,
        "metadata": {k: copy.deepcopy(v) for k, v in meta.items() if k not in ("version", "etag", "modifiedTime")},
        "contents": copy.deepcopy(contents),
        "screens": copy.deepcopy(screens),
        "references": copy.deepcopy(raw.get("references") or {}),
    }
    return flow, doc_id


def _parse_v1(c: _Collector, data: Json) -> tuple[Json | None, str | None]:
    flow = data["flow"]
    doc_id = flow.get("id")
    if doc_id is not None and not isinstance(doc_id, str):
        c.add(jpath("flow", "id"), "id must be a string.", "set flow.id to the flow's id or remove it.")
        doc_id = None
    name = flow.get("name")
    if not isinstance(name, str) or not name.strip():
        c.add(jpath("flow", "name"), "every flow needs a non-empty name.", "set flow.name to the flow's display name.")
    c.expect(flow.get("description"), str, jpath("flow", "description"), "description")
    c.expect(flow.get("disabled"), bool, jpath("flow", "disabled"), "disabled")
    dsl = flow.get("dsl")
    c.expect(dsl, dict, jpath("flow", "dsl"), "dsl (the flow graph)", required=True)
    screens = data.get("screens")
    if screens is None:
        screens = []
    screen_ids: list[str] = []
    screens_ok = False
    if c.expect(screens, list, jpath("screens"), "screens"):
        before = len(c.problems)
        screen_ids = _check_screens(c, screens, ("screens",), "id", "htmlTemplate")
        screens_ok = len(c.problems) == before
    if isinstance(dsl, dict):
        _check_refs(c, dsl, ("flow", "dsl"), screen_ids, screens_ok)
    if c.problems:
        return None, doc_id
    return v1_to_v2(flow, screens), doc_id


def v1_to_v2(flow: Json, screens: list[Json]) -> Json:
    """The v1 -> v2 mapping of the Descope CLI converter (reference section 5.3)."""
    meta: Json = {k: copy.deepcopy(flow[k]) for k in V1_META_KEYS if k in flow and flow[k] is not None}
    translation = {v2: copy.deepcopy(flow[v1]) for v1, v2 in V1_TRANSLATION if flow.get(v1) is not None}
    if translation:
        meta["translation"] = translation
    versions = [s.get("componentsVersion") for s in screens if s.get("componentsVersion")]
    if versions:
        meta["componentsVersion"] = versions[0]
    out_screens = []
    for screen in screens:
        out: Json = {"screenId": screen["id"]}
        if screen.get("interactions") is not None:
            out["interactions"] = copy.deepcopy(screen["interactions"])
        out["contents"] = copy.deepcopy(screen.get("htmlTemplate") or {})
        out_screens.append(out)
    return {"flowId": flow.get("id"), "metadata": meta, "contents": copy.deepcopy(flow.get("dsl") or {}), "screens": out_screens, "references": {}}


def v2_to_v1(flow: Json) -> Json:
    """The reverse mapping, for exports in the console form (screen ``inputs`` do not exist in v2)."""
    meta = flow.get("metadata") or {}
    out: Json = {"id": flow.get("flowId")}
    for key in V1_META_KEYS:
        if key in meta:
            out[key] = copy.deepcopy(meta[key])
    for v1, v2 in V1_TRANSLATION:
        value = (meta.get("translation") or {}).get(v2)
        if value is not None:
            out[v1] = copy.deepcopy(value)
    out["dsl"] = copy.deepcopy(flow.get("contents") or {})
    screens = []
    for screen in flow.get("screens") or []:
        s: Json = {
            "id": screen.get("screenId"),
            "interactions": copy.deepcopy(screen.get("interactions") or []),
            "htmlTemplate": copy.deepcopy(screen.get("contents") or {}),
        }
        if meta.get("componentsVersion"):
            s["componentsVersion"] = meta["componentsVersion"]
        screens.append(s)
    return {"flow": out, "screens": screens}


def read_json(path: str, display: str | None = None) -> tuple[t.Any, list[Problem]]:
    """Parse a JSON file; a missing, unreadable or malformed file is one validation problem."""
    shown = display or path
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return None, [
            Problem(
                field="$",
                message="file not found.",
                fix="check the path; relative paths are looked up in the role's or playbook's files/ directory, then relative to the current directory.",
                source=shown,
            )
        ]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [
            Problem(
                field="$",
                message=f"cannot read the file ({exc.__class__.__name__}: {exc}).",
                fix="check the file's permissions and that it is UTF-8 JSON.",
                source=shown,
            )
        ]
    try:
        return json.loads(text), []
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        col = getattr(exc, "colno", None)
        where = f" at line {line}, column {col}" if line else ""
        msg = getattr(exc, "msg", str(exc))
        return None, [Problem(field="$", message=f"invalid JSON{where}: {msg}.", fix="fix the JSON syntax (or export the flow again).", source=shown)]


# --------------------------------------------------------------------------------------------------
# themes
# --------------------------------------------------------------------------------------------------


def parse_theme(data: t.Any, source: str) -> tuple[Json | None, list[Problem]]:
    """Accept ``{"theme": {styles, componentsVersion, references}}`` (v2), the bare theme, or v1 ``cssTemplate``."""
    c = _Collector(source, None, None)
    raw = data.get("theme") if isinstance(data, dict) and isinstance(data.get("theme"), dict) else data
    prefix: tuple[str | int, ...] = ("theme",) if raw is not data else ()
    if not isinstance(raw, dict) or not ("styles" in raw or "cssTemplate" in raw):
        c.add(
            jpath(*prefix),
            'not a Descope theme export: expected {"theme": {"styles", "componentsVersion", "references"}}.',
            "export the theme again with descope.mgmt.descope_flow_info (theme: true).",
        )
        return None, c.problems
    key = "styles" if "styles" in raw else "cssTemplate"
    c.expect(raw.get(key), dict, jpath(*prefix, key), key, required=True)
    c.expect(raw.get("componentsVersion"), str, jpath(*prefix, "componentsVersion"), "componentsVersion")
    c.expect(raw.get("references"), dict, jpath(*prefix, "references"), "references")
    if c.problems:
        return None, c.problems
    return {
        "styles": copy.deepcopy(raw[key]),
        "componentsVersion": raw.get("componentsVersion") or "",
        "references": copy.deepcopy(raw.get("references") or {}),
    }, []


def theme_compare_form(theme: Json) -> Json:
    return {
        "styles": copy.deepcopy(theme.get("styles") or {}),
        "componentsVersion": theme.get("componentsVersion") or "",
        "references": _clean_references(theme.get("references") or {}),
    }


# --------------------------------------------------------------------------------------------------
# normalisation and summaries
# --------------------------------------------------------------------------------------------------


def _sorted_list(values: list[t.Any]) -> list[t.Any]:
    return sorted(values, key=canonical)


def _clean_references(refs: Json) -> Json:
    out: Json = {}
    for key, value in refs.items():
        if _empty(value):
            continue
        out[key] = _sorted_list(value) if isinstance(value, list) else copy.deepcopy(value)
    return out


def compare_form(flow: Json) -> Json:
    """The v2 flow as compared: no server-managed fields, no empty values, order-free lists sorted."""
    meta: Json = {}
    for key, value in (flow.get("metadata") or {}).items():
        if key in SERVER_FIELDS or _empty(value):
            continue
        if key == "translation" and isinstance(value, dict):
            value = {k: (_sorted_list(v) if isinstance(v, list) else v) for k, v in value.items() if not _empty(v)}
            if not value:
                continue
        elif key == "sharedInteractions" and isinstance(value, list):
            value = sorted(value, key=lambda i: (str(i.get("id")) if isinstance(i, dict) else "", canonical(i)))
        meta[key] = copy.deepcopy(value)
    screens = []
    for screen in flow.get("screens") or []:
        screens.append({k: copy.deepcopy(v) for k, v in screen.items() if k == "screenId" or (k not in SERVER_FIELDS and not _empty(v))})
    screens.sort(key=lambda s: str(s.get("screenId")))
    return {
        "metadata": meta,
        "contents": copy.deepcopy(flow.get("contents") or {}),
        "screens": screens,
        "references": _clean_references(flow.get("references") or {}),
    }


def _tasks(contents: Json) -> dict[str, t.Any]:
    tasks = contents.get("tasks")
    if isinstance(tasks, dict):
        return {str(k): v for k, v in tasks.items()}
    if isinstance(tasks, list):  # some graphs list their tasks; key them by id when they have one
        return {str(task.get("id", i)) if isinstance(task, dict) else str(i): task for i, task in enumerate(tasks)}
    return {}


def _keyed_changes(before: dict[str, t.Any], after: dict[str, t.Any]) -> Json:
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "changed": sorted(k for k in set(before) & set(after) if canonical(before[k]) != canonical(after[k])),
    }


def _differing_keys(before: Json, after: Json, skip: tuple[str, ...] = ()) -> list[str]:
    keys = (set(before) | set(after)) - set(skip)
    return sorted(k for k in keys if canonical(before.get(k)) != canonical(after.get(k)))


def summarise(flow_id: str, before: Json | None, after: Json | None) -> tuple[str, Json]:
    """A readable summary of the difference between two compare forms (either may be None)."""
    b = before or {"metadata": {}, "contents": {}, "screens": [], "references": {}}
    a = after or {"metadata": {}, "contents": {}, "screens": [], "references": {}}
    screens = _keyed_changes({s["screenId"]: s for s in b["screens"]}, {s["screenId"]: s for s in a["screens"]})
    tasks = _keyed_changes(_tasks(b["contents"]), _tasks(a["contents"]))
    details: Json = {
        "screens": screens,
        "tasks": tasks,
        "metadata": _differing_keys(b["metadata"], a["metadata"]),
        "contents": _differing_keys(b["contents"], a["contents"], skip=("tasks",)),
        "references": _differing_keys(b["references"], a["references"]),
    }
    if before is None and after is not None:
        text = f"flow '{flow_id}' ({a['metadata'].get('name', '')}): new flow with {len(a['screens'])} screen(s) and {len(_tasks(a['contents']))} task(s)"
        return text, details
    if after is None:
        text = f"flow '{flow_id}' ({b['metadata'].get('name', '')}): removed, with {len(b['screens'])} screen(s) and {len(_tasks(b['contents']))} task(s)"
        return text, details
    parts = []
    for label, group in (("screens", screens), ("tasks", tasks)):
        for verb in ("added", "removed", "changed"):
            if group[verb]:
                parts.append(f"{label} {verb}: {', '.join(group[verb])}")
    if details["metadata"]:
        parts.append("metadata changed: " + ", ".join(details["metadata"]))
    if details["contents"]:
        parts.append("flow graph changed: " + ", ".join(details["contents"]))
    if details["references"]:
        parts.append("references changed: " + ", ".join(details["references"]))
    text = f"flow '{flow_id}': " + ("; ".join(parts) if parts else "no differences")
    return text, details


# --------------------------------------------------------------------------------------------------
# descope_flow
# --------------------------------------------------------------------------------------------------


class _BatchDelete:
    """One ``flow/delete`` request for every removed flow, shared by their Change objects."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        self._lock = threading.Lock()
        self._done = False
        self._error: DescopeError | None = None

    def __call__(self, client: t.Any) -> None:
        with self._lock:
            if not self._done:
                self._done = True
                try:
                    client.post(PATH_DELETE, {"ids": self.ids})
                except DescopeError as exc:
                    self._error = exc
        if self._error is not None:
            raise self._error


def _declared_flows(ctx: TaskContext, problems: list[Problem]) -> tuple[list[FlowDoc], str]:
    """Load what the task declares. Returns the flows and the mode: single | set | none."""
    p = ctx.params
    warn = ctx.warn
    flow_id = p.get("flow_id")
    if p.get("state") == "absent":
        for name in ("src", "definition", "theme"):
            if p.get(name) is not None:
                problems.append(
                    Problem(
                        field=name,
                        message="is not used with state=absent.",
                        fix=f"remove '{name}', or split the task: one to delete flow '{flow_id}', one to deploy content.",
                    )
                )
        return [], "single"
    if p.get("src") is not None:
        data, file_problems = read_json(p["src"])
        problems.extend(file_problems)
        if not file_problems:
            doc, doc_problems = parse_flow(data, p["src"], flow_id, warn=warn)
            problems.extend(doc_problems)
            return ([doc] if doc else []), "single"
        return [], "single"
    if p.get("definition") is not None:
        doc, doc_problems = parse_flow(p["definition"], "definition", flow_id, warn=warn)
        problems.extend(doc_problems)
        return ([doc] if doc else []), "single"
    if p.get("src_dir") is not None:
        theme = p.get("theme") if isinstance(p.get("theme"), str) else None
        return load_dir(p["src_dir"], bool(p.get("prune")), problems, warn, theme_path=theme), "set"
    if flow_id is not None:
        problems.append(
            Problem(
                field="flow_id",
                id=flow_id,
                message="state=present needs the flow's content.",
                fix="add src (an exported JSON file) or definition (the same content inline).",
            )
        )
        return [], "single"
    return [], "none"


def load_dir(src_dir: str, prune: bool, problems: list[Problem], warn: t.Callable[[str], None], theme_path: str | None = None) -> list[FlowDoc]:
    if not os.path.isdir(src_dir):
        problems.append(
            Problem(
                field="src_dir",
                source=src_dir,
                message="is not a directory.",
                fix="point src_dir at a directory of exported flows (one <flow_id>.json per flow).",
            )
        )
        return []
    names = sorted(n for n in os.listdir(src_dir) if n.endswith(".json") and os.path.isfile(os.path.join(src_dir, n)))
    docs: list[FlowDoc] = []
    for index, name in enumerate(names):
        path = os.path.join(src_dir, name)
        data, file_problems = read_json(path)
        if file_problems:
            problems.extend(dataclasses.replace(p, index=index) for p in file_problems)
            continue
        if isinstance(data, dict) and isinstance(data.get("theme"), dict) and "flow" not in data:
            # descope_flow_info writes the theme next to the flows; it is deployed only through the theme option,
            # so warn only when that option does not already point at this very file
            if theme_path is None or os.path.realpath(theme_path) != os.path.realpath(path):
                warn(f"{path}: a theme export, not a flow; skipped (set the theme option to import it).")
            continue
        doc, doc_problems = parse_flow(data, path, name[: -len(".json")], index=index, warn=warn, declared_by="the file name")
        problems.extend(doc_problems)
        if doc:
            docs.append(doc)
    if not names and prune:
        problems.append(
            Problem(
                field="src_dir",
                source=src_dir,
                message="holds no flow files, and prune=true would delete every unprotected flow.",
                fix="check the path; to really delete all flows, delete them by id with state=absent.",
            )
        )
    return docs


def load_theme(value: t.Any, problems: list[Problem]) -> tuple[Json | None, str]:
    if isinstance(value, dict):
        theme, theme_problems = parse_theme(value, "theme")
        problems.extend(theme_problems)
        return theme, "theme"
    if isinstance(value, str):
        data, file_problems = read_json(value)
        if file_problems:
            problems.extend(file_problems)
            return None, value
        theme, theme_problems = parse_theme(data, value)
        problems.extend(theme_problems)
        return theme, value
    problems.append(
        Problem(field="theme", message=f"must be a path or a dict, got {_type_name(value)}.", fix="set theme to a theme export file or its content.")
    )
    return None, "theme"


def export_all(client: t.Any, ids: list[str], concurrency: int) -> dict[str, Json | None]:
    """Export the given flows (v2) on a bounded pool; a flow that vanished since the list is None."""

    def one(flow_id: str) -> Json | None:
        try:
            body = client.post(PATH_EXPORT, {"flowId": flow_id}, read=True)
        except DescopeAPIError as exc:
            _engine.raise_for_not_found(exc)
            return None
        flow = body.get("flow")
        return flow if isinstance(flow, dict) else None

    if not ids:
        return {}
    workers = max(1, min(concurrency, len(ids)))
    if workers == 1:
        return {i: one(i) for i in ids}
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(ids, pool.map(one, ids), strict=False))


def _poster(path: str, body: Json) -> t.Callable[[t.Any], None]:
    def apply(client: t.Any) -> None:
        client.post(path, body)

    return apply


def list_flows(client: t.Any) -> list[Json]:
    body = client.post(PATH_LIST, {}, read=True)
    return [f for f in body.get("flows") or [] if isinstance(f, dict) and isinstance(f.get("id"), str)]


def _compact(value: Json | None) -> Json | None:
    """What the audit trail keeps of a flow: a digest and counts, never the whole graph."""
    if value is None:
        return None
    out: Json = {"sha256": digest(value)}
    if "screens" in value:
        out.update(name=(value.get("metadata") or {}).get("name"), screens=len(value.get("screens") or []), tasks=len(_tasks(value.get("contents") or {})))
    return out


def run(ctx: TaskContext) -> Json:
    p = ctx.params
    problems: list[Problem] = []
    concurrency = int(p.get("concurrency") or 4)
    if concurrency < 1:
        problems.append(Problem(field="concurrency", message=f"must be 1 or more, got {concurrency}.", fix="set concurrency to 1..16."))
    protected = set(p.get("protected_ids") or [])
    declared, mode = _declared_flows(ctx, problems)
    theme_doc: Json | None = None
    theme_source = ""
    if p.get("theme") is not None and p.get("state") != "absent":
        theme_doc, theme_source = load_theme(p["theme"], problems)
    if problems:
        raise DescopeValidationError(problems)

    client = ctx.client()
    changes: list[_engine.Change] = []
    summaries: dict[str, tuple[str, Json]] = {}
    sources = {d.flow_id: d.source for d in declared}
    state = p.get("state")
    if declared or state == "absent" or p.get("prune"):
        listed = {f["id"]: f for f in list_flows(client)}
        current = export_all(client, [d.flow_id for d in declared if d.flow_id in listed], concurrency)
        for doc in declared:
            existing = current.get(doc.flow_id)
            if doc.form == "v1" and existing is not None:
                # The v1 form has no references: they are not managed by a v1 file, so keep Descope's
                # (the v1 import endpoint does the same).
                doc.flow["references"] = copy.deepcopy(existing.get("references") or {})
            before = compare_form(existing) if existing is not None else None
            after = compare_form(doc.flow)
            if before is not None and canonical(before) == canonical(after):
                changes.append(_engine.Change("flow", doc.flow_id, "unchanged", before=before, after=after))
                summaries[doc.flow_id] = (f"flow '{doc.flow_id}': no differences", summarise(doc.flow_id, before, after)[1])
                continue
            body = doc.import_body()
            changes.append(
                _engine.Change("flow", doc.flow_id, "create" if before is None else "update", before=before, after=after, apply=_poster(PATH_IMPORT, body))
            )
            summaries[doc.flow_id] = summarise(doc.flow_id, before, after)
        doomed: list[str] = []
        if state == "absent" and p.get("flow_id"):
            fid = p["flow_id"]
            if fid in listed:
                doomed.append(fid)
            else:
                changes.append(_engine.Change("flow", fid, "unchanged"))
                summaries[fid] = (f"flow '{fid}': already absent", {})
        if p.get("prune"):
            names = {d.flow_id for d in declared}
            doomed.extend(sorted(fid for fid in listed if fid not in names and fid not in protected))
        if doomed:
            # Deleting needs no export: the listing is enough to know the flow is there. Its full
            # content is exported only in diff mode, so that --diff shows what would be lost.
            gone = export_all(client, doomed, concurrency) if ctx.diff else {}
            batch = _BatchDelete(doomed)
            for fid in doomed:
                old = gone.get(fid)
                if old is not None:
                    before = compare_form(old)
                    summaries[fid] = summarise(fid, before, None)
                else:
                    entry = listed[fid]
                    before = {"metadata": {k: entry.get(k) for k in ("name", "description", "disabled") if not _empty(entry.get(k))}}
                    summaries[fid] = (f"flow '{fid}' ({entry.get('name', '')}): removed", {})
                changes.append(_engine.Change("flow", fid, "delete", before=before, after=None, apply=batch, phase=1))

    theme_change: _engine.Change | None = None
    if theme_doc is not None:
        live = client.post(PATH_THEME_EXPORT, {}, read=True).get("theme")
        before = theme_compare_form(live) if isinstance(live, dict) else None
        after = theme_compare_form(theme_doc)
        if before is not None and canonical(before) == canonical(after):
            theme_change = _engine.Change("theme", "theme", "unchanged", before=before, after=after)
        else:
            theme_body = {"theme": theme_doc}
            theme_change = _engine.Change("theme", "theme", "update", before=before, after=after, apply=_poster(PATH_THEME_IMPORT, theme_body))
        changes.append(theme_change)

    _execute(changes, client, ctx.check_mode, concurrency)
    return _flow_result(ctx, mode, changes, summaries, sources, theme_change, theme_source)


def _theme_summary(change: _engine.Change) -> str:
    if not change.changed:
        return "theme: no differences"
    b = change.before or {}
    a = change.after or {}
    parts = []
    for mode in sorted(set(b.get("styles") or {}) | set(a.get("styles") or {})):
        if canonical((b.get("styles") or {}).get(mode)) != canonical((a.get("styles") or {}).get(mode)):
            parts.append(f"styles.{mode}")
    parts.extend(k for k in ("componentsVersion", "references") if canonical(b.get(k)) != canonical(a.get(k)))
    return "theme changed: " + (", ".join(parts) if parts else "(new)")


def _flow_result(
    ctx: TaskContext,
    mode: str,
    changes: list[_engine.Change],
    summaries: dict[str, tuple[str, Json]],
    sources: dict[str, str],
    theme_change: _engine.Change | None,
    theme_source: str,
) -> Json:
    flow_changes = [c for c in changes if c.target_type == "flow"]
    items = []
    for change in flow_changes:
        text, details = summaries.get(change.target_id, ("", {}))
        item: Json = {
            "id": change.target_id,
            "action": change.result_action,
            "changed": change.changed and change.outcome in ("ok", "check"),
            "summary": text,
            "changes": details,
        }
        if change.target_id in sources:
            item["src"] = sources[change.target_id]
        if change.error:
            item["error"] = change.error
        items.append(item)
    result: Json = {"changed": any(c.changed and c.outcome in ("ok", "check") for c in changes), "flows": items}
    if mode == "single" and items:
        result["flow"] = items[0]
    if theme_change is not None:
        result["theme"] = {
            "action": theme_change.result_action,
            "changed": theme_change.changed and theme_change.outcome in ("ok", "check"),
            "summary": _theme_summary(theme_change),
            "src": theme_source,
        }
        if theme_change.error:
            result["theme"]["error"] = theme_change.error

    parts = []
    if ctx.params.get("state") == "absent" and flow_changes and not flow_changes[0].changed:
        parts.append(f"Flow '{flow_changes[0].target_id}' is already absent; nothing to do.")
    elif flow_changes or mode != "none":
        parts.append(_engine.summary_message("flow", flow_changes, ctx.check_mode))
    if theme_change is not None:
        verb = "would be imported" if ctx.check_mode else "imported"
        parts.append(f"Theme {verb}." if theme_change.changed else "Theme already matches.")
    result["msg"] = " ".join(parts)

    if ctx.diff:
        entries = []
        for change in changes:
            if not change.changed:
                continue
            entry = _engine.diff_entries([change])[0]
            prepared = summaries[change.target_id][0] if change.target_type == "flow" else _theme_summary(change)
            entry["prepared"] = prepared if prepared.endswith("\n") else prepared + "\n"  # keep the next diff header on its own line
            entries.append(entry)
        result["diff"] = entries

    audit = _engine.audit_block(ctx.module, ctx.project_id, ctx.check_mode, changes)
    for op in audit["operations"]:
        key = op["target_id"]
        op["summary"] = (
            summaries[key][0]
            if op["target_type"] == "flow" and key in summaries
            else (_theme_summary(theme_change) if theme_change is not None and op["target_type"] == "theme" else "")
        )
        op["before"] = _compact(op["before"])
        op["after"] = _compact(op["after"])
    result["descope_audit"] = audit

    failed = [c for c in changes if c.outcome == "failed"]
    if failed:
        first = _engine.first_error(changes) or {}
        hint = one_line(first)
        result["failed"] = True
        result["error"] = first
        result["hint"] = hint
        names = ", ".join(f"{c.target_type} '{c.target_id}'" for c in failed)
        detail = first.get("message") or first.get("description")
        result["msg"] = (
            f"{len(failed)} of {sum(1 for c in changes if c.changed)} write(s) failed ({names}): {detail}."
            + (f" Hint: {hint}" if hint else "")
            + " "
            + result["msg"]
        )
    return result


# --------------------------------------------------------------------------------------------------
# descope_flow_info
# --------------------------------------------------------------------------------------------------


def write_if_changed(path: str, text: str, check_mode: bool) -> bool:
    """Write ``text`` atomically unless the file already holds exactly it; True when it differs."""
    try:
        with open(path, encoding="utf-8") as handle:
            if handle.read() == text:
                return False
    except FileNotFoundError:
        pass
    except (OSError, UnicodeDecodeError):
        pass  # unreadable or not text: replace it
    if check_mode:
        return True
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".descope-", suffix=".json.tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise DescopeFileError(path, f"cannot write the export ({exc.strerror or exc}).", "check that the directory is writable.") from None
    return True


def export_document(flow: Json, form: str = "v2") -> Json:
    """The file content of one exported flow, without anything the server manages (v2, or the v1 console form)."""
    clean = {k: copy.deepcopy(flow[k]) for k in V2_KEYS if k in flow}
    clean["metadata"] = {k: v for k, v in (clean.get("metadata") or {}).items() if k not in ("version", "etag", "modifiedTime")}
    return v2_to_v1(clean) if form == "v1" else {"flow": clean}


def run_info(ctx: TaskContext) -> Json:
    p = ctx.params
    dest = p.get("dest")
    wanted = p.get("flow_ids")
    concurrency = max(1, int(p.get("concurrency") or 4))
    problems: list[Problem] = []
    for i, fid in enumerate(wanted or []):
        if not FLOW_ID_RE.match(fid):
            problems.append(Problem(field="flow_ids", index=i, id=fid, message="is not a valid flow id.", fix="use letters, digits, '-' and '_' only."))
    if dest is not None and os.path.exists(dest) and not os.path.isdir(dest):
        problems.append(Problem(field="dest", source=dest, message="exists and is not a directory.", fix="point dest at a directory."))
    if problems:
        raise DescopeValidationError(problems)

    client = ctx.client()
    listed = list_flows(client)
    by_id = {f["id"]: f for f in listed}
    if wanted:
        missing = [fid for fid in wanted if fid not in by_id]
        if missing:
            raise DescopeValidationError(
                [
                    Problem(
                        field="flow_ids",
                        id=fid,
                        message="no flow with this id exists in the project.",
                        fix=f"choose among: {', '.join(sorted(by_id)) or '(no flows)'}.",
                    )
                    for fid in missing
                ]
            )
        selected = list(dict.fromkeys(wanted))
    else:
        selected = sorted(by_id)
    if dest is not None:
        # Ids come from the API and become file names: one that is not a plain id (say '../x') must not escape dest.
        unsafe = [fid for fid in selected if not FLOW_ID_RE.match(fid)]
        if unsafe:
            raise DescopeValidationError(
                [
                    Problem(
                        field="flows",
                        id=fid,
                        message=f"flow id {fid!r} from the API cannot be used as a file name; nothing was written.",
                        fix="rename the flow in Descope (letters, digits, '-' and '_'), or leave it out with flow_ids.",
                    )
                    for fid in unsafe
                ]
            )
    flows = [
        {"id": fid, "name": by_id[fid].get("name", ""), "description": by_id[fid].get("description", ""), "disabled": bool(by_id[fid].get("disabled"))}
        for fid in selected
    ]
    result: Json = {"changed": False, "flows": flows}
    operations: list[Json] = []
    if dest is not None:
        if not ctx.check_mode:
            try:
                os.makedirs(dest, exist_ok=True)
            except OSError as exc:
                raise DescopeFileError(dest, f"cannot create the directory ({exc.strerror or exc}).", "check the path and its permissions.") from None
        exported = export_all(client, selected, concurrency)
        files = []
        for fid in selected:
            flow = exported.get(fid)
            if flow is None:
                continue  # deleted between list and export
            path = os.path.join(dest, f"{fid}.json")
            changed = write_if_changed(path, dump_file_text(export_document(flow, str(p.get("format") or "v2"))), ctx.check_mode)
            files.append({"id": fid, "path": path, "changed": changed})
            if changed:
                operations.append(_engine.operation("export", "flow", fid, True, "exported", ctx.check_mode, after={"path": path}))
        result["files"] = files
        if p.get("theme"):
            live = client.post(PATH_THEME_EXPORT, {}, read=True).get("theme") or {}
            path = os.path.join(dest, THEME_FILE)
            changed = write_if_changed(path, dump_file_text({"theme": live}), ctx.check_mode)
            result["theme"] = {"path": path, "changed": changed}
            if changed:
                operations.append(_engine.operation("export", "theme", "theme", True, "exported", ctx.check_mode, after={"path": path}))
        result["changed"] = bool(operations)
    written = len(operations)
    verb = "would write" if ctx.check_mode else "wrote"
    result["msg"] = f"{len(flows)} flow(s)" + (f"; {verb} {written} file(s) to {dest}, the rest already up to date." if dest is not None else ".")
    audit = _engine.audit_block(ctx.module, ctx.project_id, ctx.check_mode, [], extra_ops=operations)
    audit["counts"] = {"exported": written, "unchanged": (len(result.get("files", [])) + (1 if "theme" in result else 0)) - written}
    result["descope_audit"] = audit
    return result


def _legacy(handler: t.Callable[[TaskContext], Json]) -> t.Callable[[TaskContext], t.Any]:
    """TEMPORARY adapter until descope_flow is ported onto declare/plan."""
    from ansible_collections.descope.mgmt.plugins.module_utils._spec import Outcome  # pylint: disable=import-outside-toplevel

    def run_outcome(ctx: TaskContext) -> Outcome:
        result = handler(ctx)
        audit = result.pop("descope_audit")
        return Outcome(result, audit["operations"], audit["counts"])

    return run_outcome


def _specs() -> tuple[t.Any, t.Any]:
    from ansible_collections.descope.mgmt.plugins.module_utils._spec import OptionRules, ResourceSpec  # pylint: disable=import-outside-toplevel

    spec = ResourceSpec("descope_flow", "flow", ARGUMENT_SPEC, MODULE_KWARGS, LIBRARIES, OptionRules(concurrency=False), run=_legacy(run))
    info = ResourceSpec(
        "descope_flow_info", "flow", INFO_ARGUMENT_SPEC, INFO_MODULE_KWARGS, LIBRARIES, OptionRules(concurrency=False), run=_legacy(run_info), writes=False
    )
    return spec, info


SPEC, INFO_SPEC = _specs()
