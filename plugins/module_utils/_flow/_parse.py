# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsing and validation of declared flows (v1 and v2 forms) and themes (FOR INTERNAL COLLECTION USE ONLY)."""

from __future__ import annotations

import copy
import dataclasses
import json
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem
from ansible_collections.descope.mgmt.plugins.module_utils._flow._compare import _clean_references
from ansible_collections.descope.mgmt.plugins.module_utils._flow._fields import (
    FLOW_ID_RE,
    SERVER_FIELDS,
    V1_META_KEYS,
    V1_TRANSLATION,
    V2_KEYS,
    Json,
    _type_name,
    jpath,
)
from ansible_collections.descope.mgmt.plugins.module_utils._text import (
    NAME_FIX,
    NAME_REFUSED,
    escape_text,
    invisible_in_name,
)


@dataclasses.dataclass
class FlowDoc:
    """One declared flow, converted to a v2 flow object whose ``flowId`` is the id that wins."""

    flow_id: str
    source: str
    form: str  # v1 | v2
    flow: Json
    index: int | None = None

    def import_body(self) -> Json:
        # OAS ImportFlowRequest is {flow, skipRender, changelog}; go-sdk ImportFlow sends {"flow": ...} only.
        # The id travels inside the flow (``flow.flowId``, set to ``flow_id`` by the parser).
        return {"flow": self.flow}


class _Collector:
    """Gathers problems for one source so that every problem is reported at once."""

    def __init__(self, source: str, flow_id: str | None, index: int | None) -> None:
        self.source = source
        self.flow_id = flow_id
        self.index = index
        self.problems: list[Problem] = []

    def add(self, path: str, message: str, fix: str) -> None:
        self.problems.append(
            Problem(field=path, message=message, fix=fix, index=self.index, id=self.flow_id, source=self.source)
        )

    def expect(self, value: t.Any, kind: type, path: str, what: str, required: bool = False) -> bool:
        if value is None:
            if required:
                self.add(path, f"missing {what}.", f"add {path} ({_type_name(kind())}).")
            return False
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.add(
                path,
                f"{what} must be a JSON {_type_name(kind())}, got {_type_name(value)}.",
                f"change {path} to a JSON {_type_name(kind())}.",
            )
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


def _check_screens(
    c: _Collector, screens: list[t.Any], base: tuple[str | int, ...], id_key: str, body_key: str
) -> list[str]:
    ids: list[str] = []
    first_seen: dict[str, int] = {}
    for i, screen in enumerate(screens):
        spath = (*base, i)
        if not c.expect(screen, dict, jpath(*spath), "a screen", required=True):
            continue
        sid = screen.get(id_key)
        if not isinstance(sid, str) or not sid:
            c.add(
                jpath(*spath, id_key),
                "every screen needs a non-empty string id.",
                f"set {id_key} to the screen's id as exported by Descope.",
            )
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


def _check_refs(
    c: _Collector, contents: t.Any, base: tuple[str | int, ...], screen_ids: list[str], all_screens_valid: bool
) -> None:
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
    data: t.Any,
    source: str,
    declared_id: str | None,
    index: int | None = None,
    warn: t.Callable[[str], None] | None = None,
    declared_by: str = "flow_id",
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
            'not a Descope flow export: expected {"flow": {"flowId", "metadata", "contents", "screens", '
            '"references"}} (v2) '
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
        c.add(
            id_path,
            "no flow id: the document has none and the task sets none.",
            "set flow_id on the task or the flow id in the document.",
        )
    elif not FLOW_ID_RE.match(flow_id):
        where = declared_by if declared_id else id_path
        c.add(
            where,
            f"flow id '{flow_id}' may only contain letters, digits, '-' and '_' (1 to 100 characters).",
            "rename the flow id.",
        )
    elif declared_id and doc_id and doc_id != declared_id and warn is not None:
        warn(
            f"{source}: {id_path} is '{doc_id}' but {declared_by} is '{declared_id}'; the flow is deployed as "
            f"'{declared_id}' ({declared_by} wins)."
        )
    c.flow_id = flow_id
    problems = [dataclasses.replace(p, id=flow_id) for p in c.problems] if flow_id else c.problems
    if problems or flow is None or not flow_id:
        return None, problems
    flow["flowId"] = flow_id
    return FlowDoc(flow_id=flow_id, source=source, form="v1" if form == "v1" else "v2", flow=flow, index=index), []


def _parse_v2(
    c: _Collector, raw: t.Any, prefix: tuple[str | int, ...], warn: t.Callable[[str], None] | None, source: str
) -> tuple[Json | None, str | None]:
    doc_id = raw.get("flowId")
    if doc_id is not None and not isinstance(doc_id, str):
        c.add(jpath(*prefix, "flowId"), "flowId must be a string.", "set flowId to the flow's id or remove it.")
        doc_id = None
    meta = raw.get("metadata")
    if c.expect(meta, dict, jpath(*prefix, "metadata"), "metadata", required=True):
        name = meta.get("name")
        if not isinstance(name, str) or not name.strip():
            c.add(
                jpath(*prefix, "metadata", "name"),
                "every flow needs a non-empty name.",
                "set metadata.name to the flow's display name.",
            )
        elif invisible_in_name(name):  # the rule every module applies to names
            c.add(jpath(*prefix, "metadata", "name"), f"'{escape_text(name)}' {NAME_REFUSED}.", NAME_FIX)
        c.expect(meta.get("description"), str, jpath(*prefix, "metadata", "description"), "description")
        c.expect(meta.get("disabled"), bool, jpath(*prefix, "metadata", "disabled"), "disabled")
        c.expect(
            meta.get("componentsVersion"), str, jpath(*prefix, "metadata", "componentsVersion"), "componentsVersion"
        )
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
    elif invisible_in_name(name):
        c.add(jpath("flow", "name"), f"'{escape_text(name)}' {NAME_REFUSED}.", NAME_FIX)
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
    return {
        "flowId": flow.get("id"),
        "metadata": meta,
        "contents": copy.deepcopy(flow.get("dsl") or {}),
        "screens": out_screens,
        "references": {},
    }


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
                fix="check the path; relative paths are looked up in the role's or playbook's files/ directory, then "
                "relative to the current directory.",
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
    return parse_json_text(text, shown)


def parse_json_text(text: str, shown: str) -> tuple[t.Any, list[Problem]]:
    """Parse JSON text already read (a verified backup's bytes); malformed text is one validation problem."""
    try:
        return json.loads(text), []
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        col = getattr(exc, "colno", None)
        where = f" at line {line}, column {col}" if line else ""
        msg = getattr(exc, "msg", str(exc))
        return None, [
            Problem(
                field="$",
                message=f"invalid JSON{where}: {msg}.",
                fix="fix the JSON syntax (or export the flow again).",
                source=shown,
            )
        ]


def parse_theme(data: t.Any, source: str) -> tuple[Json | None, list[Problem]]:
    """Accept ``{"theme": {styles, componentsVersion, references}}`` (v2, this collection's older files) or the
    bare theme object (what descopecli ``theme export`` writes: go-sdk ``ExportTheme`` returns the theme, and
    ``theme import`` sends the file as ``{"theme": <file>}``). A v1 theme (``cssTemplate``) is refused: no
    public source shows that its structure is the v2 ``styles`` one, so mapping it would be a guess."""
    c = _Collector(source, None, None)
    raw = data.get("theme") if isinstance(data, dict) and isinstance(data.get("theme"), dict) else data
    prefix: tuple[str | int, ...] = ("theme",) if raw is not data else ()
    if isinstance(raw, dict) and "cssTemplate" in raw and "styles" not in raw:
        c.add(
            jpath(*prefix, "cssTemplate"),
            "a v1 (console) theme export is not supported: nothing published shows that v1 cssTemplate maps onto v2 "
            "styles.",
            "export the theme in the v2 form with descope.mgmt.descope_flow_info (theme: true) or 'descope theme "
            "export', and use that file.",
        )
        return None, c.problems
    if not isinstance(raw, dict) or "styles" not in raw:
        c.add(
            jpath(*prefix),
            'not a Descope theme export: expected {"theme": {"styles", "componentsVersion", "references"}}.',
            "export the theme again with descope.mgmt.descope_flow_info (theme: true).",
        )
        return None, c.problems
    key = "styles"
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
