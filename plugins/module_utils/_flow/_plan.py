# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_flow: plan flows and the theme against what exists, and report (FOR INTERNAL COLLECTION USE ONLY)."""

from __future__ import annotations

import concurrent.futures
import copy
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _threads
from ansible_collections.descope.mgmt.plugins.module_utils._change import Change, diff_entries, summary_message
from ansible_collections.descope.mgmt.plugins.module_utils._client_protocol import ApiClient
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem
from ansible_collections.descope.mgmt.plugins.module_utils._flow._api import (
    _BatchDelete,
    _poster,
    export_all,
    list_flows,
)
from ansible_collections.descope.mgmt.plugins.module_utils._flow._compare import _tasks, compare_form, summarise
from ansible_collections.descope.mgmt.plugins.module_utils._flow._fields import (
    PATH_IMPORT,
    PATH_THEME_EXPORT,
    PATH_THEME_IMPORT,
    Json,
    _empty,
    canonical,
    digest,
)
from ansible_collections.descope.mgmt.plugins.module_utils._flow._load import Declared
from ansible_collections.descope.mgmt.plugins.module_utils._flow._parse import theme_compare_form
from ansible_collections.descope.mgmt.plugins.module_utils._spec import Plan, concurrency_of

DONE = ("ok", "check")


def plan(ctx: TaskContext, declared: Declared, _problems: list[Problem]) -> Plan:
    """Reads: one flow list, one export per declared flow that exists (plus, in diff mode, per deleted flow), the
    theme."""
    concurrency = concurrency_of(ctx.params)
    changes: list[Change] = []
    summaries: dict[str, tuple[str, Json]] = {}
    sources = {d.flow_id: d.source for d in declared.docs}
    listed_count: dict[str, int] = {}  # the delete guard's denominator
    flows_wanted = bool(declared.docs or declared.absent or declared.prune)
    theme_read: concurrent.futures.Future[t.Any] | None = None
    if declared.theme is not None and flows_wanted and concurrency > 1:
        # The theme export needs no other answer: it goes out beside the flow list (2 in flight) instead of
        # after every export. Its answer, or error, is taken where it was read before, so errors keep their order.
        with _threads.pool(1, "descope-flow-theme") as side:
            theme_read = side.submit(_live_theme, ctx.client())
            try:
                listed_flows = list_flows(ctx.client())
            finally:
                concurrent.futures.wait([theme_read])  # done before the exports: never more than concurrency in flight
    elif flows_wanted:
        listed_flows = list_flows(ctx.client())
    if flows_wanted:
        client = ctx.client()
        listed = {f["id"]: f for f in listed_flows}
        listed_count["flow"] = len(listed)
        current = export_all(client, [d.flow_id for d in declared.docs if d.flow_id in listed], concurrency)
        for doc in declared.docs:
            existing = current.get(doc.flow_id)
            if doc.form == "v1" and existing is not None:
                # The v1 form has no references: they are not managed by a v1 file, so keep Descope's
                # (the v1 import endpoint does the same).
                doc.flow["references"] = copy.deepcopy(existing.get("references") or {})
            before = compare_form(existing) if existing is not None else None
            after = compare_form(doc.flow)
            if before is not None and canonical(before) == canonical(after):
                changes.append(Change("flow", doc.flow_id, "unchanged", before=before, after=after))
                summaries[doc.flow_id] = (
                    f"flow '{doc.flow_id}': no differences",
                    summarise(doc.flow_id, before, after)[1],
                )
                continue
            body = doc.import_body()
            changes.append(
                Change(
                    "flow",
                    doc.flow_id,
                    "create" if before is None else "update",
                    before=before,
                    after=after,
                    apply=_poster(PATH_IMPORT, body),
                )
            )
            summaries[doc.flow_id] = summarise(doc.flow_id, before, after)
        doomed: list[str] = []
        if declared.delete_id:
            fid = declared.delete_id
            if fid in listed:
                doomed.append(fid)
            else:
                changes.append(Change("flow", fid, "unchanged"))
                summaries[fid] = (f"flow '{fid}': already absent", {})
        pruning: set[str] = set()
        if declared.prune:
            names = {d.flow_id for d in declared.docs}
            pruning = {fid for fid in listed if fid not in names and fid not in declared.protected}
            doomed.extend(sorted(pruning))
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
                    before = {
                        "metadata": {
                            k: entry.get(k) for k in ("name", "description", "disabled") if not _empty(entry.get(k))
                        }
                    }
                    summaries[fid] = (f"flow '{fid}' ({entry.get('name', '')}): removed", {})
                changes.append(
                    Change(
                        "flow", fid, "delete", before=before, after=None, apply=batch, phase=1, pruned=fid in pruning
                    )
                )

    theme_change: Change | None = None
    if declared.theme is not None:
        live = theme_read.result() if theme_read is not None else _live_theme(ctx.client())
        before = theme_compare_form(live) if isinstance(live, dict) else None
        after = theme_compare_form(declared.theme)
        if before is not None and canonical(before) == canonical(after):
            theme_change = Change("theme", "theme", "unchanged", before=before, after=after)
        else:
            theme_body = {"theme": declared.theme}
            theme_change = Change(
                "theme", "theme", "update", before=before, after=after, apply=_poster(PATH_THEME_IMPORT, theme_body)
            )
        changes.append(theme_change)
    data = {
        "summaries": summaries,
        "sources": sources,
        "theme_change": theme_change,
        "theme_source": declared.theme_source,
        "absent": declared.absent,
    }
    return Plan(changes, declared.mode, data, existing=listed_count)


def _live_theme(client: ApiClient) -> t.Any:
    return client.post(PATH_THEME_EXPORT, {}, read=True).get("theme")


def _theme_summary(change: Change) -> str:
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


def report(ctx: TaskContext, planned: Plan) -> Json:
    """``flows`` (and ``flow`` in single mode), ``theme``, the message and the diff with a readable summary per
    object."""
    changes = planned.changes
    summaries: dict[str, tuple[str, Json]] = planned.data["summaries"]
    sources: dict[str, str] = planned.data["sources"]
    theme_change: Change | None = planned.data["theme_change"]
    flow_changes = [c for c in changes if c.target_type == "flow"]
    items = []
    for change in flow_changes:
        text, details = summaries.get(change.target_id, ("", {}))
        item: Json = {
            "id": change.target_id,
            "action": change.result_action,
            "changed": change.changed and change.outcome in DONE,
            "summary": text,
            "changes": details,
        }
        if change.target_id in sources:
            item["src"] = sources[change.target_id]
        if change.error:
            item["error"] = change.error
        items.append(item)
    result: Json = {"flows": items}
    if planned.mode == "single" and items:
        result["flow"] = items[0]
    if theme_change is not None:
        result["theme"] = {
            "action": theme_change.result_action,
            "changed": theme_change.changed and theme_change.outcome in DONE,
            "summary": _theme_summary(theme_change),
            "src": planned.data["theme_source"],
        }
        if theme_change.error:
            result["theme"]["error"] = theme_change.error

    parts = []
    if planned.data["absent"] and flow_changes and not flow_changes[0].changed:
        parts.append(f"Flow '{flow_changes[0].target_id}' is already absent; nothing to do.")
    elif flow_changes or planned.mode != "none":
        parts.append(summary_message("flow", flow_changes, ctx.check_mode))
    if theme_change is not None:
        verb = "would be imported" if ctx.check_mode else "imported"
        parts.append(f"Theme {verb}." if theme_change.changed else "Theme already matches.")
    result["msg"] = " ".join(parts)

    if ctx.diff:
        entries = []
        for change in changes:
            if not change.changed:
                continue
            entry = diff_entries([change])[0]
            prepared = summaries[change.target_id][0] if change.target_type == "flow" else _theme_summary(change)
            entry["prepared"] = (
                prepared if prepared.endswith("\n") else prepared + "\n"
            )  # keep the next diff header on its own line
            entries.append(entry)
        result["diff"] = entries
    return result


def _compact(value: Json | None) -> Json | None:
    """What the audit trail keeps of a flow: a digest and counts, never the whole graph."""
    if value is None:
        return None
    out: Json = {"sha256": digest(value)}
    if "screens" in value:
        out.update(
            name=(value.get("metadata") or {}).get("name"),
            screens=len(value.get("screens") or []),
            tasks=len(_tasks(value.get("contents") or {})),
        )
    return out


def audit_view(op: Json, planned: Plan) -> Json:
    """A one-line summary and digests instead of flow graphs."""
    summaries: dict[str, tuple[str, Json]] = planned.data["summaries"]
    theme_change: Change | None = planned.data["theme_change"]
    key = op["target_id"]
    if op["target_type"] == "flow" and key in summaries:
        op["summary"] = summaries[key][0]
    elif op["target_type"] == "theme" and theme_change is not None:
        op["summary"] = _theme_summary(theme_change)
    else:
        op["summary"] = ""
    op["before"] = _compact(op["before"])
    op["after"] = _compact(op["after"])
    return op
