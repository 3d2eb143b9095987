# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a descope_flow task declares: flows from src, definition or src_dir, and the theme (FOR INTERNAL COLLECTION USE
ONLY)."""

from __future__ import annotations

import dataclasses
import os
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem
from ansible_collections.descope.mgmt.plugins.module_utils._flow._fields import Json, _type_name
from ansible_collections.descope.mgmt.plugins.module_utils._flow._parse import (
    FlowDoc,
    parse_flow,
    parse_theme,
    read_json,
)


@dataclasses.dataclass
class Declared:
    """Everything planning needs, whoever declared it (descope_flow's options, or a verified backup)."""

    docs: list[FlowDoc]
    mode: str  # single | set | none
    theme: Json | None = None
    theme_source: str = ""
    prune: bool = False
    protected: frozenset[str] = frozenset()
    delete_id: str | None = None  # state=absent: the flow to delete
    absent: bool = False


def declare(ctx: TaskContext, problems: list[Problem]) -> Declared:
    p = ctx.params
    docs, mode = _declared_flows(ctx, problems)
    theme_doc: Json | None = None
    theme_source = ""
    if p.get("theme") is not None and p.get("state") != "absent":
        theme_doc, theme_source = load_theme(p["theme"], problems)
    absent = p.get("state") == "absent"
    return Declared(
        docs,
        mode,
        theme_doc,
        theme_source,
        prune=bool(p.get("prune")),
        protected=frozenset(p.get("protected_ids") or []),
        delete_id=p.get("flow_id") if absent else None,
        absent=absent,
    )


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
                        fix=f"remove '{name}', or split the task: one to delete flow '{flow_id}', one to deploy "
                        "content.",
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
        return load_dir(
            p["src_dir"], bool(p.get("prune")) and not p.get("allow_empty_prune"), problems, warn, theme_path=theme
        ), "set"
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


def load_dir(
    src_dir: str, prune: bool, problems: list[Problem], warn: t.Callable[[str], None], theme_path: str | None = None
) -> list[FlowDoc]:
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
    files = [(name, os.path.join(src_dir, name), *read_json(os.path.join(src_dir, name))) for name in names]
    return docs_from_files(src_dir, files, prune, problems, warn, theme_path)


def docs_from_files(
    src_dir: str,
    files: list[tuple[str, str, t.Any, list[Problem]]],
    prune: bool,
    problems: list[Problem],
    warn: t.Callable[[str], None],
    theme_path: str | None = None,
) -> list[FlowDoc]:
    """Flow documents from ``(file name, shown path, parsed JSON, read problems)``, sorted by name.

    The planning API for content already in memory: restore hands the bytes it verified, so a file
    changed after verification is never read.
    """
    docs: list[FlowDoc] = []
    flow_files = 0  # theme exports do not count: a directory holding only theme.json declares no flow
    for index, (name, path, data, file_problems) in enumerate(files):
        if file_problems:
            flow_files += 1
            problems.extend(dataclasses.replace(p, index=index) for p in file_problems)
            continue
        if _is_theme_document(data):
            # descope_flow_info writes the theme next to the flows; it is deployed only through the theme option,
            # so warn only when that option does not already point at this very file
            if theme_path is None or os.path.realpath(theme_path) != os.path.realpath(path):
                warn(f"{path}: a theme export, not a flow; skipped (set the theme option to import it).")
            continue
        flow_files += 1
        doc, doc_problems = parse_flow(
            data, path, name[: -len(".json")], index=index, warn=warn, declared_by="the file name"
        )
        problems.extend(doc_problems)
        if doc:
            docs.append(doc)
    if not flow_files and prune:
        problems.append(
            Problem(
                field="src_dir",
                source=src_dir,
                message="holds no flow files (a theme export is not one), and prune=true would delete every "
                "unprotected flow.",
                fix="check the path; to really delete all flows set allow_empty_prune: true (or delete them by id "
                "with state=absent).",
            )
        )
    return docs


def _is_theme_document(data: t.Any) -> bool:
    """A theme export: wrapped ``{"theme": ...}`` (this collection's older files) or the bare theme object
    descopecli writes (theme/crud.go), recognised by its ``styles`` (v2) or ``cssTemplate`` (v1) key."""
    if not isinstance(data, dict) or any(k in data for k in ("flow", "metadata", "contents")):
        return False
    return isinstance(data.get("theme"), dict) or "styles" in data or "cssTemplate" in data


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
        Problem(
            field="theme",
            message=f"must be a path or a dict, got {_type_name(value)}.",
            fix="set theme to a theme export file or its content.",
        )
    )
    return None, "theme"
