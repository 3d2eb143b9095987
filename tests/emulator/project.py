"""Project-level endpoints: licence handshake, snapshot export/validate/import, legacy export/import,
clone, rename, tags, delete, company project list.

Snapshot ``files`` layout (UNCERTAIN beyond the per-flow folder, which follows the CLI):
  snapshot.json                 {"version": 1}
  project.json                  {"name", "tags"}
  theme/theme.json              the v2 theme {"styles", "componentsVersion", "references"}
  flows/<id>/metadata.json      v2 metadata + "references" + "screens": [screen ids, in flow order]
  flows/<id>/contents.json      the flow graph
  flows/<id>/screen-<sid>.json  {"interactions", "contents"}
  connectors/<id>.json          {"id", "name", "type", "configuration", "secret": ""} (secrets blank)
  assets/<name>                 base64 strings; left out with format "plain"
"""

import copy

from . import errors, flows
from .errors import invalid

TIERS = {"free": "tier1", "pro": "tier2", "growth": "tier3", "enterprise": "tier4"}


# OAS ImportSnapshotRequest.excludes; the Go SDK documents only "lists" (IP/text lists, not modelled here).
SNAPSHOT_EXCLUDES = ("lists",)
# Legacy ImportProjectRequest.excludes names (OAS/docs import-project); the emulator acts on the first four.
LEGACY_EXCLUDES = ("flows", "styles", "connectors", "project", "authorization", "attributes", "ssoApps", "lists", "accessKeys", "jwtTemplates")
# OAS SnapshotSecrets: every group a validate answer may carry.
SECRET_GROUPS = ("connectors", "oauthProviders", "outboundApps", "externalAuth")


def require_pro(store, project):
    # UNCERTAIN: status and code are unpublished; /_emulator/config "licenseRefusal" sets them.
    if project["license"] == "free":
        raise errors.licence_refusal(store.config)


def license_tier(_store, project, _body):
    return {"rateLimitTier": TIERS.get(project["license"], "tier2")}


def build_files(project, plain=False):
    files = {"snapshot.json": {"version": 1}, "project.json": {"name": project["name"], "tags": list(project["tags"])}}
    if project["theme"] is not None:
        files["theme/theme.json"] = copy.deepcopy(project["theme"]["theme"])
    for flow_id, record in project["flows"].items():
        flow = record["flow"]
        meta = copy.deepcopy(flow["metadata"])
        meta["references"] = copy.deepcopy(flow["references"])
        meta["screens"] = [s["screenId"] for s in flow["screens"]]  # flow order, so a restore is exact
        files["flows/%s/metadata.json" % flow_id] = meta
        files["flows/%s/contents.json" % flow_id] = copy.deepcopy(flow["contents"])
        for screen in flow["screens"]:
            files["flows/%s/screen-%s.json" % (flow_id, screen["screenId"])] = {
                "interactions": copy.deepcopy(screen["interactions"]),
                "contents": copy.deepcopy(screen["contents"]),
            }
    for conn_id, conn in project["connectors"].items():
        files["connectors/%s.json" % conn_id] = {
            "id": conn_id,
            "name": conn["name"],
            "type": conn["type"],
            "configuration": copy.deepcopy(conn.get("configuration") or {}),
            "secret": "",
        }
    if not plain:
        for name, data in project["assets"].items():
            files["assets/%s" % name] = data
    return files


def parse_files(files):
    """Return (parsed, failures) for a files map; failures are readable strings."""
    if files is None:
        raise errors.missing("files")
    if not isinstance(files, dict):
        raise invalid("files must be an object of path -> content")
    parsed = {"name": None, "tags": None, "theme": None, "flows": {}, "connectors": {}, "assets": {}}
    failures = []
    flow_files = {}
    for path, content in files.items():
        parts = path.split("/")
        if path == "project.json":
            if not isinstance(content, dict):
                failures.append("project.json: must be an object")
            else:
                parsed["name"] = content.get("name")
                parsed["tags"] = content.get("tags")
        elif path == "theme/theme.json":
            try:
                parsed["theme"] = flows.normalise_theme(content)
            except errors.ApiError as exc:
                failures.append("theme/theme.json: %s" % exc.message)
        elif parts[0] == "flows" and len(parts) == 3:
            flow_files.setdefault(parts[1], {})[parts[2]] = content
        elif parts[0] == "connectors" and len(parts) == 2 and path.endswith(".json"):
            if not isinstance(content, dict) or not content.get("id") or not content.get("type"):
                failures.append("%s: a connector needs id and type" % path)
            else:
                parsed["connectors"][content["id"]] = content
        elif parts[0] == "assets" and len(parts) >= 2:
            if not isinstance(content, str):
                failures.append("%s: assets must be base64 strings" % path)
            else:
                parsed["assets"]["/".join(parts[1:])] = content
    for flow_id, parts in flow_files.items():
        _parse_flow(flow_id, parts, parsed, failures)
    return parsed, failures


def _parse_flow(flow_id, parts, parsed, failures):
    meta = parts.get("metadata.json")
    if not isinstance(meta, dict):
        failures.append("flows/%s: metadata.json is missing or not an object" % flow_id)
        return
    meta = copy.deepcopy(meta)
    references = meta.pop("references", {}) or {}
    screen_ids = meta.pop("screens", []) or []
    screens = []
    for screen_id in screen_ids:
        screen = parts.get("screen-%s.json" % screen_id)
        if not isinstance(screen, dict):
            failures.append("flows/%s: screen-%s.json is missing or not an object" % (flow_id, screen_id))
            return
        screens.append({"screenId": screen_id, "interactions": screen.get("interactions") or [], "contents": screen.get("contents") or {}})
    contents = parts.get("contents.json", {})
    try:
        parsed["flows"][flow_id] = flows.normalise_v2({"metadata": meta, "contents": contents, "screens": screens, "references": references}, flow_id)
    except errors.ApiError as exc:
        failures.append("flows/%s: %s" % (flow_id, exc.message))


def _missing_secrets(project, parsed, input_secrets):
    given = {}
    if isinstance(input_secrets, dict):
        for group in SECRET_GROUPS:
            for secret in input_secrets.get(group) or []:
                if isinstance(secret, dict) and secret.get("value"):
                    given[secret.get("id")] = secret["value"]
    missing = []
    for conn_id, conn in parsed["connectors"].items():
        if conn_id not in project["connectors"] and not conn.get("secret") and conn_id not in given:
            missing.append({"id": conn_id, "name": conn.get("name", ""), "type": conn.get("type", ""), "value": ""})
    return missing, given


def _check(project, body):
    if not isinstance(body.get("inputSecrets"), (dict, type(None))):
        raise invalid("inputSecrets must be an object")
    parsed, failures = parse_files(body.get("files"))
    missing, given = _missing_secrets(project, parsed, body.get("inputSecrets"))
    failures += ["connector %r needs a secret in inputSecrets" % m["id"] for m in missing]
    return parsed, failures, missing, given


def snapshot_export(store, project, body):
    require_pro(store, project)
    fmt = body.get("format")
    if fmt not in (None, "", "plain"):
        raise invalid("format must be empty or 'plain'")
    return {"files": build_files(project, plain=fmt == "plain")}


def snapshot_validate(store, project, body):
    require_pro(store, project)
    _parsed, failures, missing, _given = _check(project, body)
    out = {"ok": not failures}
    if failures:
        out["failures"] = failures
    if missing:
        # only connectors carry secrets in the emulator; the other OAS groups are present and empty
        out["missingSecrets"] = {group: (missing if group == "connectors" else []) for group in SECRET_GROUPS}
    return out


def _import(project, body, excludes):
    parsed, failures, _missing, given = _check(project, body)
    if failures:
        raise invalid("; ".join(failures))
    if "flows" not in excludes:
        # UNCERTAIN: flows absent from the files are kept, the given ones overwritten.
        for flow in parsed["flows"].values():
            previous = project["flows"].get(flow["flowId"])
            flows.store_flow(project, flow, previous["inputs"] if previous else {})
    if parsed["theme"] is not None and "styles" not in excludes:
        flows.store_theme(project, parsed["theme"])
    if "connectors" not in excludes:
        for conn_id, conn in parsed["connectors"].items():
            previous = project["connectors"].get(conn_id, {})
            secret = conn.get("secret") or given.get(conn_id) or previous.get("secret", "")
            project["connectors"][conn_id] = {
                "name": conn.get("name", ""),
                "type": conn["type"],
                "configuration": copy.deepcopy(conn.get("configuration") or {}),
                "secret": secret,
            }
    if "project" not in excludes:
        if isinstance(parsed["name"], str) and parsed["name"]:
            project["name"] = parsed["name"]
        if isinstance(parsed["tags"], list):
            project["tags"] = list(parsed["tags"])
    project["assets"].update(parsed["assets"])
    return {}


def _excludes(body, allowed):
    excludes = body.get("excludes") or []
    if not isinstance(excludes, list) or not all(isinstance(e, str) for e in excludes):
        raise invalid("excludes must be a list of strings")
    for name in excludes:
        if name not in allowed:
            raise invalid("excludes: %r is not one of %s" % (name, ", ".join(allowed)))
    return excludes


def snapshot_import(store, project, body):
    require_pro(store, project)
    _excludes(body, SNAPSHOT_EXCLUDES)  # "lists": nothing to skip, the emulator has no lists
    return _import(project, body, ())


def legacy_export(store, project, _body):
    require_pro(store, project)
    return {"files": build_files(project)}


def legacy_import(store, project, body):
    require_pro(store, project)
    return _import(project, body, _excludes(body, LEGACY_EXCLUDES))


def clone(store, project, body):
    require_pro(store, project)
    name = body.get("name")
    if not name:
        raise errors.missing("name")
    env = body.get("environment") or ""
    if env not in ("", "production"):
        raise invalid("environment must be empty or 'production'")
    tags = body.get("tags") or []
    new = store.clone_project(project, name, env, tags)
    # CloneProjectResponse {projectId, projectName, tag, environment, tags}; tag is the old single tag
    return {"projectId": new["id"], "projectName": name, "tag": "", "environment": env, "tags": list(tags)}


def rename(_store, project, body):
    name = body.get("name")
    if not name or not isinstance(name, str):
        raise errors.missing("name")
    project["name"] = name
    return {}


def set_tags(_store, project, body):
    tags = body.get("tags")
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise invalid("tags must be a list of strings")
    project["tags"] = list(tags)
    return {}


def delete_project(store, project, _body):
    store.projects.pop(project["id"], None)
    return {}
