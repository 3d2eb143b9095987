# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compare forms and human summaries of flow differences (FOR INTERNAL COLLECTION USE ONLY)."""

from __future__ import annotations

import copy
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._flow._fields import SERVER_FIELDS, Json, _empty, canonical


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
        screens.append(
            {
                k: copy.deepcopy(v)
                for k, v in screen.items()
                if k == "screenId" or (k not in SERVER_FIELDS and not _empty(v))
            }
        )
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
        text = (
            f"flow '{flow_id}' ({a['metadata'].get('name', '')}): new flow with {len(a['screens'])} screen(s) and "
            f"{len(_tasks(a['contents']))} task(s)"
        )
        return text, details
    if after is None:
        text = (
            f"flow '{flow_id}' ({b['metadata'].get('name', '')}): removed, with {len(b['screens'])} screen(s) and "
            f"{len(_tasks(b['contents']))} task(s)"
        )
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
