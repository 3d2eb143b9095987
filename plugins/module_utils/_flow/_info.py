# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_flow_info: list and export flows and the theme (FOR INTERNAL COLLECTION USE ONLY)."""

from __future__ import annotations

import contextlib
import copy
import os
import tempfile

from ansible_collections.descope.mgmt.plugins.module_utils._change import operation
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import (
    DescopeFileError,
    DescopeValidationError,
    Problem,
)
from ansible_collections.descope.mgmt.plugins.module_utils._flow._api import export_all, list_flows
from ansible_collections.descope.mgmt.plugins.module_utils._flow._fields import (
    FLOW_ID_RE,
    PATH_THEME_EXPORT,
    THEME_FILE,
    V2_KEYS,
    Json,
    dump_file_text,
)
from ansible_collections.descope.mgmt.plugins.module_utils._flow._parse import v2_to_v1
from ansible_collections.descope.mgmt.plugins.module_utils._spec import Outcome, concurrency_of


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
        raise DescopeFileError(
            path, f"cannot write the export ({exc.strerror or exc}).", "check that the directory is writable."
        ) from None
    return True


def export_document(flow: Json, form: str = "v2") -> Json:
    """The file content of one exported flow, without anything the server manages (v2, or the v1 console form).

    v2 is the bare flow object, as descopecli ``flow export`` writes it and ``flow import`` reads it (it sends
    the file as ``{"flow": <file>}``: descopecli ``flow/crud.go``, go-sdk ``ImportFlow``); a wrapped file would
    arrive double-wrapped. Every reader here accepts both the bare and the older wrapped form."""
    clean = {k: copy.deepcopy(flow[k]) for k in V2_KEYS if k in flow}
    clean["metadata"] = {
        k: v for k, v in (clean.get("metadata") or {}).items() if k not in ("version", "etag", "modifiedTime")
    }
    return v2_to_v1(clean) if form == "v1" else clean


def export_theme(theme: Json) -> Json:
    """The theme file: the bare theme object, as descopecli ``theme export`` writes it (theme/crud.go)."""
    return copy.deepcopy(theme)


def run_info(ctx: TaskContext) -> Outcome:
    p = ctx.params
    dest = p.get("dest")
    wanted = p.get("flow_ids")
    concurrency = concurrency_of(p)
    problems: list[Problem] = []
    for i, fid in enumerate(wanted or []):
        if not FLOW_ID_RE.match(fid):
            problems.append(
                Problem(
                    field="flow_ids",
                    index=i,
                    id=fid,
                    message="is not a valid flow id.",
                    fix="use letters, digits, '-' and '_' only.",
                )
            )
    if dest is not None and os.path.exists(dest) and not os.path.isdir(dest):
        problems.append(
            Problem(
                field="dest", source=dest, message="exists and is not a directory.", fix="point dest at a directory."
            )
        )
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
        {
            "id": fid,
            "name": by_id[fid].get("name", ""),
            "description": by_id[fid].get("description", ""),
            "disabled": bool(by_id[fid].get("disabled")),
        }
        for fid in selected
    ]
    result: Json = {"changed": False, "flows": flows}
    operations: list[Json] = []
    if dest is not None:
        if not ctx.check_mode:
            try:
                os.makedirs(dest, exist_ok=True)
            except OSError as exc:
                raise DescopeFileError(
                    dest, f"cannot create the directory ({exc.strerror or exc}).", "check the path and its permissions."
                ) from None
        exported = export_all(client, selected, concurrency)
        files = []
        action_of: dict[str, str] = {}
        for fid in selected:
            flow = exported.get(fid)
            if flow is None:
                continue  # deleted between list and export
            path = os.path.join(dest, f"{fid}.json")
            changed = write_if_changed(
                path, dump_file_text(export_document(flow, str(p.get("format") or "v2"))), ctx.check_mode
            )
            files.append({"id": fid, "path": path, "changed": changed})
            action_of[fid] = "exported" if changed else "unchanged"
            if changed:
                operations.append(
                    operation("export", "flow", fid, True, "exported", ctx.check_mode, after={"path": path})
                )
        result["files"] = files
        if p.get("theme"):
            live = client.post(PATH_THEME_EXPORT, {}, read=True).get("theme") or {}
            path = os.path.join(dest, THEME_FILE)
            changed = write_if_changed(path, dump_file_text(export_theme(live)), ctx.check_mode)
            # 'action' lets the callback list and count the theme file like the flow files
            result["theme"] = {"path": path, "changed": changed, "action": "exported" if changed else "unchanged"}
            if changed:
                operations.append(
                    operation("export", "theme", "theme", True, "exported", ctx.check_mode, after={"path": path})
                )
        result["changed"] = bool(operations)
        for flow in flows:  # what happened to each flow's file, so per-item lines and counts are true
            flow["action"] = action_of.get(flow["id"], "skipped")
    written = len(operations)
    verb = "would write" if ctx.check_mode else "wrote"
    names = [os.path.basename(str((op.get("after") or {}).get("path") or op.get("target_id"))) for op in operations]
    which = f" ({', '.join(names[:5])}{', ...' if len(names) > 5 else ''})" if names else ""
    result["msg"] = f"{len(flows)} flow(s)" + (
        f"; {verb} {written} file(s){which} to {dest}, the rest already up to date." if dest is not None else "."
    )
    tally = {
        "exported": written,
        "unchanged": (len(result.get("files", [])) + (1 if "theme" in result else 0)) - written,
    }
    return Outcome(result, operations, tally)
