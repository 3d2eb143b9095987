"""Flows and the theme: v2 is the stored form, v1 ("console" format) is derived from it.

Mapping (descopecli flow/convert.go): flow.id<->flowId, name/description/disabled/fingerprint/widget/
sharedInteractions/management/managementConfig<->metadata.*, translate*<->metadata.translation,
dsl<->contents, screen.id<->screenId, screen.htmlTemplate<->screens[].contents,
screen.componentsVersion<->metadata.componentsVersion. v1-only data (screen inputs) is kept aside.
"""

import copy
import hashlib
import json
import re
import time

from . import errors
from .errors import invalid
from .validate import required_str

_FLOW_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
META_PLAIN = ("name", "description", "disabled", "fingerprint", "widget", "sharedInteractions", "management", "managementConfig")
TRANSLATION = (
    ("translate", "enabled"),
    ("translateConnectorID", "connectorId"),
    ("translateSourceLang", "sourceLanguage"),
    ("translateTargetLangs", "targetLanguages"),
)


def _empty(value):
    return value in (None, "", [], {}, False)


def _etag(doc, version):
    digest = hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()
    return "%d-%s" % (version, digest[:16])


def _now():
    # OAS Flow.modifiedTime is a string holding an int64 (protobuf JSON); descopecli reads it as int64 seconds.
    return str(int(time.time()))


def normalise_v2(flow, flow_id):
    """Check a v2 flow object and return the stored copy with flowId forced to ``flow_id``."""
    if not isinstance(flow, dict):
        raise invalid("flow must be an object")
    meta = flow.get("metadata") or {}
    if not isinstance(meta, dict):
        raise invalid("flow.metadata must be an object")
    if not meta.get("name"):
        raise errors.missing("flow.metadata.name")
    screens = flow.get("screens") or []
    if not isinstance(screens, list) or not all(isinstance(s, dict) and s.get("screenId") for s in screens):
        raise invalid("flow.screens must be a list of objects with screenId")
    contents = flow.get("contents") or {}
    references = flow.get("references") or {}
    if not isinstance(contents, dict) or not isinstance(references, dict):
        raise invalid("flow.contents and flow.references must be objects")
    out = {
        "flowId": flow_id,
        "metadata": copy.deepcopy(meta),
        "contents": copy.deepcopy(contents),
        "screens": [
            {"screenId": s["screenId"], "interactions": copy.deepcopy(s.get("interactions") or []), "contents": copy.deepcopy(s.get("contents") or {})}
            for s in screens
        ],
        "references": copy.deepcopy(references),
    }
    return out


def v1_to_v2(flow_id, flow, screens, references=None):
    if not isinstance(flow, dict):
        raise errors.missing("flow")
    if screens is None:
        screens = []
    if not isinstance(screens, list) or not all(isinstance(s, dict) and s.get("id") for s in screens):
        raise invalid("screens must be a list of objects with id")
    meta = {k: copy.deepcopy(flow[k]) for k in META_PLAIN if not _empty(flow.get(k))}
    meta.setdefault("description", "")
    if not flow.get("name"):
        raise errors.missing("flow.name")
    translation = {v2: copy.deepcopy(flow[v1]) for v1, v2 in TRANSLATION if not _empty(flow.get(v1))}
    if translation:
        meta["translation"] = translation
    versions = [s.get("componentsVersion") for s in screens if s.get("componentsVersion")]
    if versions:
        meta["componentsVersion"] = versions[0]
    v2 = {
        "flowId": flow_id,
        "metadata": meta,
        "contents": copy.deepcopy(flow.get("dsl") or {}),
        "screens": [
            {"screenId": s["id"], "interactions": copy.deepcopy(s.get("interactions") or []), "contents": copy.deepcopy(s.get("htmlTemplate") or {})}
            for s in screens
        ],
        "references": copy.deepcopy(references or {}),
    }
    inputs = {s["id"]: copy.deepcopy(s["inputs"]) for s in screens if s.get("inputs")}
    return v2, inputs


def v2_to_v1(record):
    flow = record["flow"]
    meta = flow["metadata"]
    out = {
        "id": flow["flowId"],
        "version": record["version"],
        "name": meta.get("name", ""),
        "description": meta.get("description", ""),
        "dsl": copy.deepcopy(flow["contents"]),
        "disabled": bool(meta.get("disabled")),
        "etag": record["etag"],
        "modifiedTime": record["modifiedTime"],
    }
    for key in META_PLAIN[3:]:
        if not _empty(meta.get(key)):
            out[key] = copy.deepcopy(meta[key])
    for v1, v2 in TRANSLATION:
        value = (meta.get("translation") or {}).get(v2)
        if not _empty(value):
            out[v1] = copy.deepcopy(value)
    screens = []
    for screen in flow["screens"]:
        v1_screen = {
            "id": screen["screenId"],
            "version": record["version"],
            "flowId": flow["flowId"],
            "inputs": copy.deepcopy(record["inputs"].get(screen["screenId"], [])),
            "interactions": copy.deepcopy(screen["interactions"]),
            "htmlTemplate": copy.deepcopy(screen["contents"]),
        }
        if meta.get("componentsVersion"):
            v1_screen["componentsVersion"] = meta["componentsVersion"]
        screens.append(v1_screen)
    return {"flow": out, "screens": screens}


def store_flow(project, flow_v2, inputs=None):
    """Create or overwrite a flow, bumping its version and etag."""
    previous = project["flows"].get(flow_v2["flowId"])
    version = previous["version"] + 1 if previous else 1
    project["flows"][flow_v2["flowId"]] = {"flow": flow_v2, "version": version, "etag": _etag(flow_v2, version), "modifiedTime": _now(), "inputs": inputs or {}}


def _flow_id(body, key="flowId"):
    flow_id = required_str(body, key)
    if not _FLOW_ID_RE.match(flow_id):
        raise invalid("flowId %r may only contain letters, digits, '-' and '_'" % flow_id)
    return flow_id


def _get(store, project, flow_id):
    record = project["flows"].get(flow_id)
    if record is None:
        raise errors.not_found(store.config, errors.FLOW_NOT_FOUND, "Flow", flow_id)
    return record


def list_flows(_store, project, body):
    ids = body.get("ids") or []
    if not isinstance(ids, list):
        raise invalid("ids must be a list of strings")
    flows = []
    for flow_id, record in project["flows"].items():
        if ids and flow_id not in ids:
            continue
        entry = v2_to_v1(record)["flow"]
        entry.pop("dsl")
        flows.append(entry)
    return {"flows": flows, "total": len(flows)}


def delete_flows(_store, project, body):
    ids = body.get("ids")
    if not ids:
        raise errors.missing("ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise invalid("ids must be a list of strings")
    # UNCERTAIN: unknown ids are ignored, so deleting twice succeeds.
    for flow_id in ids:
        project["flows"].pop(flow_id, None)
    return {}


def export_v1(store, project, body):
    return v2_to_v1(_get(store, project, _flow_id(body)))


def import_v1(_store, project, body):
    flow_id = _flow_id(body)
    previous = project["flows"].get(flow_id)
    references = previous["flow"]["references"] if previous else {}
    flow_v2, inputs = v1_to_v2(flow_id, body.get("flow"), body.get("screens"), references)
    store_flow(project, flow_v2, inputs)
    return v2_to_v1(project["flows"][flow_id])


def export_v2(store, project, body):
    record = _get(store, project, _flow_id(body))
    return {"flow": copy.deepcopy(record["flow"])}


def import_v2(_store, project, body):
    flow = body.get("flow")
    if flow is None:
        raise errors.missing("flow")
    if not isinstance(flow, dict):
        raise invalid("flow must be an object")
    # ImportFlowRequest is {flow, skipRender, changelog}: the id comes from flow.flowId only (the Go SDK
    # sets it there; a top-level flowId is not part of the schema and is ignored, or refused in strict mode).
    flow_id = _flow_id(flow)
    if body.get("skipRender") is not None and not isinstance(body["skipRender"], bool):
        raise invalid("skipRender must be a boolean")
    if body.get("changelog") is not None and not isinstance(body["changelog"], str):
        raise invalid("changelog must be a string")
    previous = project["flows"].get(flow_id)
    store_flow(project, normalise_v2(flow, flow_id), previous["inputs"] if previous else {})
    return {}


# --- theme -------------------------------------------------------------------------------------


def normalise_theme(theme):
    if not isinstance(theme, dict):
        raise invalid("theme must be an object")
    styles = theme.get("styles")
    if styles is None:
        raise errors.missing("theme.styles")
    if not isinstance(styles, dict) or not isinstance(theme.get("references") or {}, dict):
        raise invalid("theme.styles and theme.references must be objects")
    version = theme.get("componentsVersion") or ""
    if not isinstance(version, str):
        raise invalid("theme.componentsVersion must be a string")
    return {"styles": copy.deepcopy(styles), "componentsVersion": version, "references": copy.deepcopy(theme.get("references") or {})}


def store_theme(project, theme_v2, code_mode=None):
    previous = project["theme"]
    project["theme"] = {
        "theme": theme_v2,
        "version": (previous["version"] + 1) if previous else 1,
        "codeMode": previous["codeMode"] if previous and code_mode is None else bool(code_mode),
    }


def _theme_v1(project):
    record = project["theme"] or {"theme": {"styles": {"dark": {}, "light": {}}, "componentsVersion": "", "references": {}}, "version": 0, "codeMode": False}
    theme = record["theme"]
    return {
        "id": "theme",
        "version": record["version"],
        "cssTemplate": copy.deepcopy(theme["styles"]),
        "componentsVersion": theme["componentsVersion"],
        "codeMode": record["codeMode"],
    }


def theme_export_v1(_store, project, _body):
    return {"theme": _theme_v1(project)}


def theme_import_v1(_store, project, body):
    theme = body.get("theme")
    if theme is None:
        raise errors.missing("theme")
    if not isinstance(theme, dict):
        raise invalid("theme must be an object")
    css = theme.get("cssTemplate")
    if css is None:
        raise errors.missing("theme.cssTemplate")
    if not isinstance(css, dict):
        raise invalid("theme.cssTemplate must be an object")
    code_mode = theme.get("codeMode")
    if code_mode is not None and not isinstance(code_mode, bool):
        raise invalid("theme.codeMode must be a boolean")
    references = project["theme"]["theme"]["references"] if project["theme"] else {}
    store_theme(project, normalise_theme({"styles": css, "componentsVersion": theme.get("componentsVersion") or "", "references": references}), code_mode)
    return {"theme": _theme_v1(project)}


def theme_export_v2(_store, project, _body):
    if project["theme"] is None:
        return {"theme": {"styles": {"dark": {}, "light": {}}, "componentsVersion": "", "references": {}}}
    return {"theme": copy.deepcopy(project["theme"]["theme"])}


def theme_import_v2(_store, project, body):
    theme = body.get("theme")
    if theme is None:
        raise errors.missing("theme")
    store_theme(project, normalise_theme(theme))
    return {}
