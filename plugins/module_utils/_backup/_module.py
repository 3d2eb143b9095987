# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_backup state=present (back up) and state=absent (retention) (FOR INTERNAL COLLECTION USE ONLY)."""

from __future__ import annotations

import os
import shutil

from ansible_collections.descope.mgmt.plugins.module_utils._backup import _layout
from ansible_collections.descope.mgmt.plugins.module_utils._backup._capture import build_manifest, capture, render_files
from ansible_collections.descope.mgmt.plugins.module_utils._backup._layout import (
    ALL_SECTIONS,
    MANIFEST,
    PROJECT_ID_RE,
    SECTIONS,
    Json,
    _json_text,
    _problem,
    iso,
    parse_iso,
    project_dir,
    stamp_of,
)
from ansible_collections.descope.mgmt.plugins.module_utils._backup._signing import sign, signing_key
from ansible_collections.descope.mgmt.plugins.module_utils._backup._store import (
    Entry,
    free_name,
    list_backups,
    plan_retention,
    remove_stale_temporaries,
    verify,
    write_backup,
)
from ansible_collections.descope.mgmt.plugins.module_utils._change import operation
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeError, DescopeFileError, Problem
from ansible_collections.descope.mgmt.plugins.module_utils._spec import Outcome, concurrency_of


def check_params(ctx: TaskContext, problems: list[Problem]) -> None:
    """The options of every state, checked before any file access or request (with the shared checks)."""
    p = ctx.params
    keep_last = p.get("keep_last")
    if keep_last is not None and keep_last < 1:
        problems.append(
            _problem(
                "keep_last",
                f"must be 1 or more, got {keep_last}; the newest backup is always kept.",
                "set keep_last to 1 or more.",
            )
        )
    max_age = p.get("max_age_days")
    if max_age is not None and max_age < 0:
        problems.append(
            _problem("max_age_days", f"must be 0 or more, got {max_age}.", "set max_age_days to a number of days.")
        )
    include = list(p.get("include") or [])
    if not include:
        problems.append(
            _problem(
                "include",
                "is empty, so there is nothing to back up or restore.",
                f"list one or more of {', '.join(SECTIONS)}.",
            )
        )
    if p.get("state") != "restored":
        for name in ("backup", "protected_ids"):
            if p.get(name):
                problems.append(
                    _problem(name, f"is only used with state=restored (state is {p.get('state')}).", f"remove {name}.")
                )
    project_id = ctx.settings.project_id  # raises the missing-credentials error first, before any file access
    if not PROJECT_ID_RE.match(project_id):
        problems.append(
            _problem(
                "project_id",
                f"'{project_id}' cannot be used as a directory name.",
                "check the project id (it starts with P).",
            )
        )


def _backup_dir(ctx: TaskContext, must_exist: bool) -> str:
    backup_dir = os.path.abspath(os.path.expanduser(str(ctx.params["backup_dir"])))
    if os.path.exists(backup_dir) and not os.path.isdir(backup_dir):
        raise DescopeFileError(backup_dir, "exists and is not a directory.", "point backup_dir at a directory.")
    if must_exist and not os.path.isdir(backup_dir):
        raise DescopeFileError(
            backup_dir, "does not exist.", "check backup_dir (backups are kept under <backup_dir>/<project_id>/)."
        )
    return backup_dir


def _project_root(backup_dir: str, project_id: str) -> str:
    """``<backup_dir>/<project_id>``, refused when something that is not a directory holds that name."""
    root = project_dir(backup_dir, project_id)
    if os.path.lexists(root) and not os.path.isdir(root):
        kind = (
            "a regular file"
            if os.path.isfile(root)
            else "a broken symbolic link"
            if os.path.islink(root)
            else "not a directory"
        )
        raise DescopeFileError(
            root,
            f"is {kind}, but backups of project {project_id} are kept in a directory of that name.",
            "move or remove that file (it is not a backup), or set backup_dir to another directory.",
        )
    return root


_op = operation  # backup, restore and retention entries of descope_audit


def _summary(path: str, manifest: Json) -> Json:
    return {
        "path": path,
        "name": manifest.get("name") or os.path.basename(path),
        "project_id": manifest.get("project_id"),
        "created": manifest.get("created"),
        "format_version": manifest.get("format_version"),
        "collection_version": manifest.get("collection_version"),
        "include": manifest.get("include"),
        "counts": manifest.get("counts"),
        "snapshot": {k: v for k, v in (manifest.get("snapshot") or {}).items() if k != "files"},
        "content_sha256": manifest.get("content_sha256"),
        **({"secrets_not_captured": manifest["secrets_not_captured"]} if "secrets_not_captured" in manifest else {}),
        "signed": isinstance(manifest.get("signature"), dict),
    }


def _secrets_text(manifest: Json) -> str:
    missing = manifest.get("secrets_not_captured") or []
    return (
        f"; not in the backup (a restore cannot bring them back, a task must set them again): {', '.join(missing)}"
        if missing
        else ""
    )


def _guard_secret(ctx: TaskContext, files: dict[str, bytes], manifest: Json) -> None:
    """Refuse to write a backup that would contain the management key (a canary: it never should)."""
    key = ctx.settings.management_key
    if len(key) < 12:
        return  # too short to tell apart from ordinary content; real keys are long
    needle = key.encode("utf-8")
    leaked = sorted(rel for rel, data in files.items() if needle in data)
    if needle in _json_text(manifest):
        leaked.append(MANIFEST)
    if leaked:
        raise DescopeError(
            f"Refusing to write the backup: {', '.join(leaked)} would contain the management key. Nothing was "
            "written. Leave the affected section out with include, and report it."
        )


def run_backup(ctx: TaskContext) -> Outcome:
    p = ctx.params
    project_id = ctx.settings.project_id
    backup_dir = _backup_dir(ctx, must_exist=False)
    root = _project_root(backup_dir, project_id)
    include = [s for s in ALL_SECTIONS if s in (p.get("include") or SECTIONS)]
    stale_ops: list[Json] = []
    stale = _clean_temporaries(ctx, root, stale_ops)
    client = ctx.client()
    cap = capture(client, include, concurrency_of(p))
    if cap.snapshot_status == "unavailable":
        others = [s for s in include if s != "snapshot"]
        ctx.warn(
            f"The project snapshot was skipped: {cap.snapshot_reason}. "
            + (f"The rest of the backup ({', '.join(others)}) was taken; " if others else "")
            + "the reason is kept in the manifest (snapshot.reason). Leave snapshot out of include to silence this "
            "warning."
        )
    files, kinds = render_files(cap)
    content = cap.content_sha256()
    key = signing_key(p, ctx.environ)
    valid, _skipped = list_backups(root, project_id, key)
    latest = valid[-1] if valid else None
    latest_ok = False
    if latest is not None and latest.manifest.get("content_sha256") == content and not p.get("force"):
        try:
            verify(latest.path, project_id, key)
            latest_ok = True
        except DescopeFileError as exc:
            ctx.warn(f"The newest backup {latest.path} does not verify ({exc}); writing a new one.")
    if latest_ok and latest is not None:
        result: Json = {
            "changed": False,
            "backup": _summary(latest.path, latest.manifest),
            "msg": f"The project is unchanged since backup {latest.name}; nothing written (force=true writes anyway).",
        }
        ops = [
            _op(
                "backup",
                "backup",
                latest.name,
                False,
                "unchanged",
                ctx.check_mode,
                after={"path": latest.path, "content_sha256": content},
            )
        ]
    else:
        created = _layout.now()
        name = free_name(root, stamp_of(created))
        manifest = sign(build_manifest(cap, project_id, created, name, files, kinds, content), key)
        _guard_secret(ctx, files, manifest)
        path = os.path.join(root, name)
        if not ctx.check_mode:
            path = write_backup(root, name, files, manifest)
        verb = "Would write" if ctx.check_mode else "Wrote"
        counts = manifest["counts"]
        result = {
            "changed": True,
            "backup": _summary(path, manifest),
            "msg": f"{verb} backup {name}: {counts['tenants']} tenant(s), {counts['flows']} flow(s), theme "
            f"{'yes' if counts['theme'] else 'no'}, snapshot {cap.snapshot_status}"
            + (f" ({cap.snapshot_reason})" if cap.snapshot_reason else "")
            + (f", {counts['roles']} role(s), {counts['permissions']} permission(s)" if "roles" in counts else "")
            + (f", settings of {counts['tenant_settings']} tenant(s)" if "tenant_settings" in counts else "")
            + (f", {counts['sso']} SSO connection(s)" if "sso" in counts else "")
            + _secrets_text(manifest)
            + ".",
        }
        ops = [
            _op(
                "backup",
                "backup",
                name,
                True,
                "backed_up",
                ctx.check_mode,
                after={"path": path, "counts": counts, "content_sha256": content, "snapshot": cap.snapshot_status},
            )
        ]
        if ctx.diff:
            before = {"latest": latest.name, "content_sha256": latest.manifest.get("content_sha256")} if latest else {}
            result["diff"] = [
                {
                    "before_header": "latest backup",
                    "after_header": f"backup {name}",
                    "before": before,
                    "after": {"name": name, "content_sha256": content, "counts": counts},
                }
            ]
    if stale:
        result["removed_temporary"] = stale
        result["changed"] = True
        ops.extend(stale_ops)
    if p.get("keep_last") is not None or p.get("max_age_days") is not None:
        # The new backup exists now (or would, in check mode): retention counts it as the newest.
        return _retention(ctx, ops, result)
    return _outcome(
        result, ops, {"backed_up": 1 if result["changed"] else 0, "unchanged": 0 if result["changed"] else 1}
    )


def _outcome(result: Json, ops: list[Json], counts: dict[str, int]) -> Outcome:
    return Outcome(result, [o for o in ops if o["changed"] or o.get("error")], counts)


def _clean_temporaries(ctx: TaskContext, root: str, ops: list[Json]) -> list[str]:
    """Remove what killed backups left behind (never in check mode); each removal is an audit operation."""
    if ctx.check_mode:
        return []
    removed = remove_stale_temporaries(root)
    for name in removed:
        ops.append(
            _op(
                "retention",
                "backup",
                name,
                True,
                "removed",
                False,
                before={"path": os.path.join(root, name), "reason": "left by an interrupted backup"},
            )
        )
    return removed


def run_retention(ctx: TaskContext) -> Outcome:
    return _retention(ctx, [], {})


def _retention(ctx: TaskContext, ops: list[Json], result: Json) -> Outcome:
    p = ctx.params
    project_id = ctx.settings.project_id
    backing_up = bool(ops)
    backup_dir = _backup_dir(ctx, must_exist=not backing_up)
    root = _project_root(backup_dir, project_id)
    stale = [] if backing_up else _clean_temporaries(ctx, root, ops)  # a backup task already cleaned
    entries, skipped = list_backups(root, project_id, signing_key(p, ctx.environ))
    if backing_up and result.get("changed") and ctx.check_mode:
        # check mode wrote nothing: count the backup that would exist as the newest
        created = parse_iso(result["backup"]["created"]) or _layout.now()
        entries.append(Entry(str(result["backup"]["name"]), str(result["backup"]["path"]), created, {}))
    doomed = plan_retention(entries, p.get("keep_last"), p.get("max_age_days"), _layout.now())
    removed: list[Json] = []
    for entry, why in doomed:
        if not ctx.check_mode:
            if os.path.islink(entry.path):  # pragma: no cover - list_backups never returns links
                continue
            try:
                shutil.rmtree(entry.path)
            except OSError as exc:
                raise DescopeFileError(
                    entry.path,
                    f"cannot remove this old backup ({exc.strerror or exc}); removed so far: "
                    f"{', '.join(r['name'] for r in removed) or 'none'}.",
                    "check the permissions of backup_dir.",
                ) from None
        removed.append({**entry.summary(), "reason": why})
        ops.append(
            _op(
                "retention",
                "backup",
                entry.name,
                True,
                "removed",
                ctx.check_mode,
                before={"path": entry.path, "created": iso(entry.created)},
            )
        )
    kept = [e.name for e in entries if e.name not in {r["name"] for r in removed}]
    verb = "would remove" if ctx.check_mode else "removed"
    text = f"Retention {verb} {len(removed)} backup(s), {len(kept)} kept" + (
        f": {', '.join(r['name'] for r in removed)}." if removed else "."
    )
    out = dict(result)
    out["changed"] = bool(result.get("changed")) or bool(removed) or bool(stale)
    if stale:
        out["removed_temporary"] = stale
    out["removed"] = removed
    out["kept"] = kept
    if skipped:
        # not "skipped": Ansible reads that result key as "the task was skipped" (a reserved key)
        out["ignored"] = skipped
    out["msg"] = (str(result["msg"]) + " " + text) if result.get("msg") else text
    if ctx.diff and removed:
        out.setdefault("diff", []).append(
            {
                "before_header": "backups",
                "after_header": "backups after retention",
                "before": {"backups": [e.name for e in entries]},
                "after": {"backups": kept},
            }
        )
    counts = {"removed": len(removed), "kept": len(kept)}
    if backing_up:
        counts["backed_up" if result.get("changed") else "unchanged"] = 1
    return _outcome(out, ops, counts)
