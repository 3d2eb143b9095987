# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_backup state=restored: verify, plan everything through the tenant and flow specs, then write (FOR INTERNAL
COLLECTION USE ONLY).

1. ``declare``: verify every checksum (and refuse unlisted files) before any request, keeping the bytes
   that were verified; parse tenants, flows, the theme and the snapshot from those bytes only (a file
   changed after verification is never read).
2. ``plan``: tenants through ``_tenant.plan_tenants``, flows and the theme through ``_flow.plan`` (the
   same planning as descope_tenant and descope_flow, so only differences are written, with the same
   diffs), then the snapshot (export, and ``snapshot/validate`` when it differs). Everything that can
   still refuse does so before the first write.
3. The pipeline applies the plan in stages: tenants, then flows and the theme, then the snapshot; a
   failure in one stage skips the later ones.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import os
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _authz, _flow, _tenant, _threads
from ansible_collections.descope.mgmt.plugins.module_utils._backup import _load
from ansible_collections.descope.mgmt.plugins.module_utils._backup._layout import (
    ALL_SECTIONS,
    FLOWS_DIR,
    PATH_SNAPSHOT_EXPORT,
    PATH_SNAPSHOT_IMPORT,
    PATH_SNAPSHOT_VALIDATE,
    SECTIONS,
    SNAPSHOT_DIR,
    SSO_FILE,
    TENANT_SETTINGS_FILE,
    THEME_FILE,
    Json,
    _strip_volatile,
    is_snapshot_refusal,
    refusal_reason,
)
from ansible_collections.descope.mgmt.plugins.module_utils._backup._module import _backup_dir, _summary
from ansible_collections.descope.mgmt.plugins.module_utils._backup._signing import ENV_KEY, signing_key
from ansible_collections.descope.mgmt.plugins.module_utils._backup._store import resolve_backup, verify_contents
from ansible_collections.descope.mgmt.plugins.module_utils._backup._tenant_config import (
    PHASE_SSO,
    PHASE_TENANT_SETTINGS,
    SSO_ITEM_KEYS,
    TENANT_SETTINGS_ITEM_KEYS,
    plan_tenant_config,
)
from ansible_collections.descope.mgmt.plugins.module_utils._change import (
    Change,
    counts,
    diff_entries,
    first_error,
    noun,
    operation,
)
from ansible_collections.descope.mgmt.plugins.module_utils._client_protocol import ApiClient
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import (
    DescopeAPIError,
    DescopeValidationError,
    Problem,
)
from ansible_collections.descope.mgmt.plugins.module_utils._hints import one_line, sentence
from ansible_collections.descope.mgmt.plugins.module_utils._spec import Plan, concurrency_of

DONE = ("ok", "check")
# roles and permissions (opt-in "roles" section) take the stages around the tenants' (see _authz.restore_changes)
STAGE_TENANTS = _authz.RESTORE_TENANT_STAGE
STAGE_FLOWS, STAGE_SNAPSHOT = _authz.RESTORE_LAST_STAGE + 1, _authz.RESTORE_LAST_STAGE + 2
# tenant settings and SSO: in the stage of the tenant roles' updates (after the tenants and every role write,
# before role deletes), in phases after the roles' (authz phases equal their stage, at most RESTORE_LAST_STAGE)


@dataclasses.dataclass
class Verified:
    """A verified backup and what was parsed from its verified bytes."""

    path: str
    manifest: Json
    sections: list[str]
    notes: list[str]
    tenants: list[Json]
    flows: _flow.Declared | None
    snapshot_files: dict[str, t.Any]
    authz: Json | None = None  # roles.json, when the "roles" section is restored
    theme_form: Json | None = None  # the backed-up theme (compare form): its snapshot file is left to the theme step
    tenant_settings: Json | None = None  # tenant_settings.json, when the "tenant_settings" section is restored
    sso: Json | None = None  # sso.json, when the "sso" section is restored


def declare(ctx: TaskContext, problems: list[Problem]) -> Verified | None:
    """Verify and parse the backup; every local problem is reported at once, before any request."""
    if problems:
        return None  # an option problem (backup_dir, include...): do not touch files yet
    p = ctx.params
    project_id = ctx.settings.project_id
    root = os.path.join(_backup_dir(ctx, must_exist=True), project_id)
    key = signing_key(p, ctx.environ)
    path = resolve_backup(str(p["backup"]), root, project_id, key)
    manifest, contents = verify_contents(path, project_id, key)  # a backup that does not verify is never used
    if key is None:
        ctx.warn(
            f"Restoring {os.path.basename(path)} without a signing key: its sha256 checksums catch accidental damage "
            "only; anyone who can write to backup_dir can change it and recompute them. Set signing_key (or "
            f"{ENV_KEY}) when backing up and restoring."
        )
    include = [s for s in ALL_SECTIONS if s in (p.get("include") or SECTIONS)]
    in_backup = set(manifest.get("include") or [])
    notes = [f"{s} not restored: the backup does not hold it" for s in include if s not in in_backup]
    sections = [s for s in include if s in in_backup]
    snap = manifest.get("snapshot") or {}
    if "snapshot" in sections and snap.get("status") != "ok":
        notes.append(f"snapshot not restored: the backup has none ({snap.get('reason') or snap.get('status')})")
        sections.remove("snapshot")
    prune = bool(p.get("prune"))
    tenants: list[Json] = []
    if "tenants" in sections:
        tenants, found = _load.load_tenants(contents)
        problems.extend(found)
    flow_entries = _load.flow_files(path, contents) if "flows" in sections else []
    has_flows = bool(flow_entries)
    allow_empty = bool(p.get("allow_empty_prune"))
    if "flows" in sections and not has_flows:
        if prune and not allow_empty:
            problems.append(
                Problem(
                    field="prune",
                    source=FLOWS_DIR,
                    message="the backup holds no flow, and prune=true would delete every unprotected flow.",
                    fix="restore without prune; to delete every flow on purpose set allow_empty_prune: true.",
                )
            )
        elif not prune:
            notes.append("flows: the backup holds none")
    prune_flows = prune and "flows" in sections and (has_flows or allow_empty)
    docs = (
        _flow.docs_from_files(
            os.path.join(path, FLOWS_DIR), flow_entries, prune and not allow_empty, problems, ctx.warn
        )
        if has_flows
        else []
    )
    theme: Json | None = None
    use_theme = "theme" in sections and THEME_FILE in contents
    if use_theme:
        data, found = _load.json_of(contents, THEME_FILE)
        problems.extend(found)
        if not found:
            theme, found = _flow.parse_theme(data, os.path.join(path, THEME_FILE))
            problems.extend(found)
    theme_form = None
    if "snapshot" in sections and THEME_FILE in contents:
        data, found = _load.json_of(contents, THEME_FILE)
        parsed = _flow.parse_theme(data, THEME_FILE)[0] if not found else None
        theme_form = _flow.theme_compare_form(parsed) if parsed is not None else None
    flows = None
    if has_flows or use_theme or prune_flows:
        flows = _flow.Declared(
            docs,
            "set",
            theme,
            os.path.join(path, THEME_FILE) if use_theme else "",
            prune=prune_flows,
            protected=frozenset(p.get("protected_ids") or []),
        )
    snapshot_files: dict[str, t.Any] = {}
    if "snapshot" in sections:
        snapshot_files, found = _load.snapshot_files(contents, manifest)
        problems.extend(found)
    authz = None
    if "roles" in sections:
        authz, found = _load.load_authz(contents)
        problems.extend(found)
    tenant_settings = sso = None
    if "tenant_settings" in sections:
        tenant_settings, found = _load.load_section(
            contents, TENANT_SETTINGS_FILE, "tenant_settings", TENANT_SETTINGS_ITEM_KEYS, "tenant_settings"
        )
        problems.extend(found)
    if "sso" in sections:
        sso, found = _load.load_section(contents, SSO_FILE, "sso", SSO_ITEM_KEYS, "sso")
        problems.extend(found)
    return Verified(
        path, manifest, sections, notes, tenants, flows, snapshot_files, authz, theme_form, tenant_settings, sso
    )


def _norm_snapshot(value: t.Any) -> str:
    return _flow.canonical(_strip_volatile(value))


def _is_theme_file(value: t.Any, theme_form: Json | None) -> bool:
    """The snapshot file holding the theme, recognised by its content (the backed-up theme), not by a path:
    the snapshot layout is unpublished beyond snapshot.json and ``flows/<id>/`` (descopecli snapshot/)."""
    if theme_form is None or not isinstance(value, dict):
        return False
    for candidate in (value, value.get("theme")):
        if isinstance(candidate, dict) and "styles" in candidate and _flow.theme_compare_form(candidate) == theme_form:
            return True
    return False


def snapshot_payload(files: dict[str, t.Any], theme_form: Json | None) -> dict[str, t.Any]:
    """The files a snapshot restore sends: without the flows (``flows/<id>/...``, the descopecli layout) and the
    theme file, which the flow and theme steps restore on their own (they are never sent twice)."""
    return {k: v for k, v in files.items() if not k.startswith("flows/") and not _is_theme_file(v, theme_form)}


def _live_snapshot(client: ApiClient) -> dict[str, t.Any]:
    return client.post(PATH_SNAPSHOT_EXPORT, {}, read=True).get("files") or {}


def _plan_snapshot(
    client: ApiClient,
    backed_up: dict[str, t.Any],
    notes: list[str],
    theme_form: Json | None = None,
    live_read: concurrent.futures.Future[t.Any] | None = None,
) -> Change | None:
    """Compare with the live snapshot; when settings differ, validate (a read) and plan one import.

    A snapshot import overrides the project's current configuration ("Imports a snapshot ... into a project,
    overriding any current configuration": go-sdk ``descope/sdk/mgmt.go`` ImportSnapshot); what it does to
    configuration absent from the files is unpublished (docs/backups-and-restore.md says so).
    """
    try:
        live = (
            live_read.result() if live_read is not None else _live_snapshot(client)
        )  # read beside the tenant planning
    except DescopeAPIError as exc:
        if not is_snapshot_refusal(exc):
            raise
        notes.append(f"snapshot not restored: {refusal_reason(exc)}")
        return None
    files = snapshot_payload(backed_up, theme_form)
    differing = sorted(k for k in files if _norm_snapshot(files[k]) != _norm_snapshot(live.get(k)))
    digests = {k: _flow.digest(_strip_volatile(files[k])) for k in differing}
    if not differing:
        return Change("snapshot", "snapshot", "unchanged")
    answer = client.post(PATH_SNAPSHOT_VALIDATE, {"files": files}, read=True)
    failures = [str(f) for f in answer.get("failures") or []]
    missing = answer.get("missingSecrets") or {}
    missing_names = [
        str(s.get("name") or s.get("id"))
        for group in missing.values()
        if isinstance(group, list)
        for s in group
        if isinstance(s, dict)
    ]
    if answer.get("ok") is False or failures or missing_names:
        detail = "; ".join(failures) or "validation failed"
        if missing_names:
            detail += f"; secrets needed for: {', '.join(missing_names)}"
        raise DescopeValidationError(
            [
                Problem(
                    field="snapshot",
                    source=SNAPSHOT_DIR,
                    message=f"Descope refused the backed-up snapshot: {detail}.",
                    fix="restore without it (include without snapshot), or add the missing connectors/secrets first.",
                )
            ]
        )
    before = {k: (_flow.digest(_strip_volatile(live[k])) if k in live else None) for k in differing}

    def apply(c: t.Any) -> None:
        c.post(PATH_SNAPSHOT_IMPORT, {"files": files})

    return Change(
        "snapshot", "snapshot", "import", before={"files": before}, after={"files": digests}, apply=apply, phase=10
    )


def plan(ctx: TaskContext, verified: Verified | None, _problems: list[Problem]) -> Plan:
    """Plan tenants, flows, the theme and the snapshot; anything that refuses raises before the first write."""
    if verified is None:  # declare returns None only with problems, and the pipeline stops on those
        return Plan([])
    # The client first: the planners below work on copies of the context (dataclasses.replace), which share
    # this one. Made lazily by the first copy instead, each copy had its own: a second licence handshake (a
    # request every later one waits for) and a second connection pool on the module path.
    client = ctx.client()
    # The live snapshot needs no other answer: read beside the tenant, role and settings planning (2 in flight at
    # most, and done before the flow exports get the pool), its answer or error taken where it is compared.
    side = _threads.pool(1, "descope-restore-snapshot")
    wanted = "snapshot" in verified.sections and concurrency_of(ctx.params) > 1
    live_snapshot = side.submit(_live_snapshot, client) if wanted else None
    try:
        return _plan_all(ctx, verified, live_snapshot)
    finally:
        side.shutdown(wait=True)


def _plan_all(ctx: TaskContext, verified: Verified, live_snapshot: concurrent.futures.Future[t.Any] | None) -> Plan:
    tenant_changes: list[Change] = []
    if "tenants" in verified.sections:
        domains = [d for x in verified.tenants for d in x.get("self_provisioning_domains") or []]
        tenant_params = {
            "tenants": verified.tenants,
            "prune": bool(ctx.params.get("prune")),
            "protected_ids": list(ctx.params.get("protected_ids") or []),
            "concurrency": ctx.params.get("concurrency"),
            # a backup whose tenants shared a domain was taken from a project that allowed it
            "allow_duplicate_domains": len(domains) != len(set(domains)),
        }
        tenant_changes = _tenant.plan_tenants(ctx, tenant_params)
    authz_changes: list[Change] = []
    if verified.authz is not None:
        restored = [str(x.get("id")) for x in verified.tenants if x.get("id") and x.get("state", "present") != "absent"]
        authz_changes = _authz.restore_changes(ctx, verified.authz, bool(ctx.params.get("prune")), restored)
    config_changes = plan_tenant_config(ctx, verified)
    if live_snapshot is not None:
        concurrent.futures.wait([live_snapshot])  # the flow exports below get the whole pool
    flow_plan = _flow.plan(ctx, verified.flows, []) if verified.flows is not None else None
    notes = list(verified.notes)
    snapshot_change = None
    if "snapshot" in verified.sections:
        snapshot_change = _plan_snapshot(
            ctx.client(), verified.snapshot_files, notes, verified.theme_form, live_snapshot
        )
    for change in tenant_changes:
        change.stage = STAGE_TENANTS
    flow_changes = flow_plan.changes if flow_plan is not None else []
    for change in flow_changes:
        change.stage = STAGE_FLOWS
    snapshot_changes = [snapshot_change] if snapshot_change is not None else []
    for change in snapshot_changes:
        change.stage = STAGE_SNAPSHOT
    data = {
        "verified": verified,
        "notes": notes,
        "flow_plan": flow_plan,
        "tenants": tenant_changes,
        "snapshot": snapshot_change,
        "authz": authz_changes,
        "config": config_changes,
    }
    # audit order: tenants, roles and permissions, tenant settings and SSO, the snapshot, then flows and the theme
    existing = (
        dict(flow_plan.existing) if flow_plan is not None else {}
    )  # tenants: counted from the changes (every one is listed)
    return Plan(
        tenant_changes + authz_changes + config_changes + snapshot_changes + flow_changes,
        "set",
        data,
        existing=existing,
    )


def audit_view(op: Json, planned: Plan) -> Json:
    flow_plan = planned.data["flow_plan"]
    if op["target_type"] in ("flow", "theme") and flow_plan is not None:
        return _flow.audit_view(op, flow_plan)
    return op


def _stopped(changes: list[Change], tenants: list[Change], flows: list[Change], config: list[Change]) -> str | None:
    """Why later stages of a restore were not attempted (None when every stage ran)."""
    tenants_failed = any(c.outcome in ("failed", "skipped") for c in tenants)
    flows_failed = any(c.outcome in ("failed", "skipped") for c in flows)
    stopped = None
    first = min((c for c in changes if c.outcome == "failed"), key=lambda c: c.stage, default=None)
    if first is not None and first.target_type in ("role", "permission"):
        stopped = (
            f"{first.target_type} writes failed, so the later stages (tenants, roles, tenant settings, SSO, flows, "
            "theme, snapshot) were not restored"
        )
    elif first is not None and any(first is c for c in config):
        stopped = (
            f"{noun(first.target_type)} writes failed, so role deletes, flows, the theme and the snapshot were not "
            "restored"
        )
    elif tenants_failed:
        stopped = "tenant writes failed, so flows, the theme and the snapshot were not restored"
    elif flows_failed:
        stopped = "flow or theme writes failed, so the snapshot was not restored"
    return stopped


def report(ctx: TaskContext, planned: Plan) -> Json:
    verified: Verified = planned.data["verified"]
    path, manifest = verified.path, verified.manifest
    notes: list[str] = planned.data["notes"]
    tenant_changes: list[Change] = planned.data["tenants"]
    snapshot_change: Change | None = planned.data["snapshot"]
    flow_plan: Plan | None = planned.data["flow_plan"]
    flow_changes = flow_plan.changes if flow_plan is not None else []
    flow_result = _flow.report(ctx, flow_plan) if flow_plan is not None else {}
    snapshot_changes = [snapshot_change] if snapshot_change is not None else []
    changed = any(c.changed and c.outcome in DONE for c in planned.changes)
    result: Json = {
        "changed": changed,
        "backup": _summary(path, manifest),
        "tenants": [c.as_result() for c in tenant_changes],
        "flows": flow_result.get("flows") or [],
    }
    if "theme" in flow_result:
        result["theme"] = flow_result["theme"]
    authz_changes: list[Change] = planned.data["authz"]
    if verified.authz is not None:
        result["roles"] = [c.as_result() for c in authz_changes if c.target_type == "role"]
        result["permissions"] = [c.as_result() for c in authz_changes if c.target_type == "permission"]
    config_changes: list[Change] = planned.data["config"]
    if verified.tenant_settings is not None:
        result["tenant_settings"] = [c.as_result() for c in config_changes if c.phase == PHASE_TENANT_SETTINGS]
    if verified.sso is not None:
        result["sso"] = [c.as_result() for c in config_changes if c.phase == PHASE_SSO]
        # what no backup holds: a task must set these again (descope_sso, oidc.client_secret with no_log)
        result["secrets_not_captured"] = list(verified.sso.get("secrets_not_captured") or [])
    if snapshot_change is not None:
        result["snapshot"] = {
            "action": snapshot_change.result_action,
            "changed": snapshot_change.changed and snapshot_change.outcome in DONE,
            "files": sorted((snapshot_change.after or {}).get("files") or {}),
        }
        if snapshot_change.error:
            result["snapshot"]["error"] = snapshot_change.error
    if notes:
        result["notes"] = notes
    if ctx.diff:
        diff = diff_entries([c for c in tenant_changes + authz_changes + config_changes if c.outcome in DONE])
        diff.extend(flow_result.get("diff") or [])
        diff.extend(diff_entries([c for c in snapshot_changes if c.outcome in DONE]))
        result["diff"] = diff

    stopped = _stopped(planned.changes, tenant_changes, flow_changes, config_changes)
    name = str(manifest.get("name") or os.path.basename(path))
    after = {"path": path, "content_sha256": manifest.get("content_sha256")}
    restore_op = operation(
        "restore", "backup", name, changed, "restored" if changed else "unchanged", ctx.check_mode, after=after
    )
    failed_items = [c for c in planned.changes if c.outcome in ("failed", "skipped")]
    if failed_items or stopped:
        # the summary line must not read "restored/ok" when part of the restore failed or was not attempted
        restore_op.update(
            action="failed",
            outcome="failed",
            error={"kind": "partial", "message": stopped or f"{len(failed_items)} item(s) failed or were skipped"},
        )
    planned.extra_operations.append(restore_op)

    n_written = sum(1 for c in planned.changes if c.changed and c.outcome in DONE)
    if ctx.check_mode:
        text = (
            f"Check mode: restoring backup {name} would write {n_written} change(s)."
            if changed
            else f"The project already matches backup {name}."
        )
    else:
        text = (
            f"Restored backup {name}: {n_written} change(s) written."
            if changed
            else f"The project already matches backup {name}; nothing written."
        )
    flow_tally: dict[str, int] = {}
    for item in result["flows"]:
        flow_tally[str(item.get("action"))] = flow_tally.get(str(item.get("action")), 0) + 1
    text += f" Tenants: {_tally_text(counts(tenant_changes))}; flows: {_tally_text(flow_tally)}."
    if verified.authz is not None:
        text += f" Roles and permissions: {_tally_text(counts(authz_changes))}."
    if verified.tenant_settings is not None:
        text += (
            f" Tenant settings: {_tally_text(counts([c for c in config_changes if c.phase == PHASE_TENANT_SETTINGS]))}."
        )
    if verified.sso is not None:
        text += f" SSO: {_tally_text(counts([c for c in config_changes if c.phase == PHASE_SSO]))}."
        if result["secrets_not_captured"]:
            text += (
                " Not restored (no backup holds secrets; set them again with a task): "
                f"{', '.join(result['secrets_not_captured'])}."
            )
    if notes:
        text += " Note: " + "; ".join(notes) + "."
    if failed_items:
        error = first_error(planned.changes) or {"kind": "api", "message": "write failed"}
        hint = one_line(error)
        result["failed"] = True
        result["error"] = error
        result["hint"] = hint
        detail = error.get("message") or error.get("description") or error.get("status")
        flows_failed = any(c.outcome in ("failed", "skipped") for c in flow_changes)
        tenants_failed = any(c.outcome in ("failed", "skipped") for c in tenant_changes)
        flow_msg = f" Flows: {flow_result.get('msg')}" if flows_failed and not tenants_failed else ""
        text = (
            f"Restore incomplete: {stopped or 'a write failed'} ({detail}).{flow_msg}"
            + (f" Next steps: 1) {sentence(hint)}" if hint else "")
            + " "
            + text
        )
    result["msg"] = text
    return result


def _tally_text(counts: t.Mapping[str, t.Any]) -> str:
    parts = [f"{v} {k}" for k, v in counts.items() if v]
    return ", ".join(parts) if parts else "none"
