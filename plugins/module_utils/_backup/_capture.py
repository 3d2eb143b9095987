# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading a project into a backup: capture, the files and the manifest (FOR INTERNAL COLLECTION USE ONLY)."""

from __future__ import annotations

import dataclasses
import datetime
import json
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _authz, _flow, _tenant
from ansible_collections.descope.mgmt.plugins.module_utils._backup._layout import (
    ALL_SECTIONS,
    COLLECTION_VERSION,
    FLOWS_DIR,
    FORMAT,
    FORMAT_VERSION,
    PATH_SNAPSHOT_EXPORT,
    ROLES_FILE,
    SNAPSHOT_DIR,
    TENANTS_FILE,
    THEME_FILE,
    Json,
    _json_text,
    _problem,
    _strip_volatile,
    is_licence_refusal,
    iso,
    safe_relpath,
    sha256_bytes,
)
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError, DescopeValidationError, Problem


def tenant_item(record: Json) -> Json:
    """An API tenant as a descope_tenant item with EVERY managed field, so a restore resets what changed."""
    view = _tenant.current_view(record)
    item: Json = {}
    for key, value in view.items():
        if value is None or (key == "name" and value == ""):
            continue  # no parent / no name: leaving the field out is what descope_tenant reads as "none"
        item[key] = value
    return item


@dataclasses.dataclass
class Capture:
    """What one backup holds, in memory."""

    include: list[str]
    tenants: list[Json] | None = None
    flows: dict[str, Json] | None = None
    theme: Json | None = None
    snapshot_files: dict[str, t.Any] | None = None
    snapshot_status: str = "not_included"  # ok | unavailable | not_included
    snapshot_reason: str | None = None
    authz: Json | None = None  # the opt-in "roles" section: {"permissions": [...], "roles": [...]}

    def normalised(self) -> Json:
        """The content compared for idempotence: server-managed and empty values dropped, order-free lists sorted."""
        content = self._normalised_v1()
        if self.authz is not None:  # only when included, so the hash of a backup without it is unchanged
            content["authz"] = self.authz
        return content

    def _normalised_v1(self) -> Json:
        return {
            "format_version": FORMAT_VERSION,
            "include": sorted(self.include),
            "tenants": sorted(self.tenants, key=lambda x: str(x["id"])) if self.tenants is not None else None,
            "flows": {fid: _flow.compare_form(flow) for fid, flow in sorted(self.flows.items())} if self.flows is not None else None,
            "theme": _flow.theme_compare_form(self.theme) if self.theme is not None else None,
            "snapshot": {"status": self.snapshot_status, "files": {k: _strip_volatile(v) for k, v in sorted((self.snapshot_files or {}).items())}},
        }

    def content_sha256(self) -> str:
        return _flow.digest(self.normalised())

    def counts(self) -> dict[str, int]:
        return {
            "tenants": len(self.tenants or []),
            "flows": len(self.flows or {}),
            "theme": 1 if self.theme is not None else 0,
            "snapshot_files": len(self.snapshot_files or {}),
            **({"permissions": len(self.authz["permissions"]), "roles": len(self.authz["roles"])} if self.authz is not None else {}),
        }


def capture(client: t.Any, include: list[str], concurrency: int) -> Capture:
    """Read everything a backup holds: one tenant list, one flow list plus one export per flow, the theme, the snapshot."""
    cap = Capture(include=list(include))
    if "tenants" in include:
        cap.tenants = _tenant.parents_first([tenant_item(r) for r in _tenant.load_all(client)])
    if "flows" in include:
        ids = sorted(f["id"] for f in _flow.list_flows(client))
        exported = _flow.export_all(client, ids, concurrency)
        cap.flows = {fid: flow for fid, flow in exported.items() if flow is not None}  # None: deleted since the list
    if "theme" in include:
        theme = client.post(_flow.PATH_THEME_EXPORT, {}, read=True).get("theme")
        cap.theme = theme if isinstance(theme, dict) and theme else None
    if "roles" in include:
        tenant_ids = [str(x["id"]) for x in cap.tenants] if cap.tenants is not None else [str(r["id"]) for r in _tenant.load_all(client)]
        cap.authz = _authz.capture(client, tenant_ids)
    if "snapshot" in include:
        try:
            files = client.post(PATH_SNAPSHOT_EXPORT, {}, read=True).get("files")
        except DescopeAPIError as exc:
            if not is_licence_refusal(exc):
                raise
            cap.snapshot_status = "unavailable"
            cap.snapshot_reason = f"the project's licence does not allow snapshots (HTTP {exc.status} {exc.error_code or ''}".strip() + ")"
        else:
            cap.snapshot_files = files if isinstance(files, dict) else {}
            cap.snapshot_status = "ok"
    return cap


def render_files(cap: Capture) -> tuple[dict[str, bytes], dict[str, str]]:
    """The backup's files (relative path -> bytes) and the kind of every snapshot key (json|text)."""
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    if cap.tenants is not None:
        files[TENANTS_FILE] = (json.dumps({"tenants": cap.tenants}, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    for fid, flow in sorted((cap.flows or {}).items()):
        if not _flow.FLOW_ID_RE.match(fid):
            problems.append(
                _problem(
                    "flows",
                    f"flow id '{fid}' cannot be used as a file name.",
                    "rename the flow in Descope (letters, digits, '-' and '_'), or leave flows out with include.",
                )
            )
            continue
        files[f"{FLOWS_DIR}/{fid}.json"] = _json_text(_flow.export_document(flow))
    if cap.theme is not None:
        files[THEME_FILE] = _json_text({"theme": cap.theme})
    if cap.authz is not None:
        files[ROLES_FILE] = _json_text(cap.authz)
    kinds: dict[str, str] = {}
    for key, value in sorted((cap.snapshot_files or {}).items()):
        if not safe_relpath(key):
            problems.append(
                _problem(
                    "snapshot",
                    f"the snapshot holds a file named {key!r}, which is not a safe relative path.",
                    "leave the snapshot out with include, and report this to Descope.",
                )
            )
            continue
        if isinstance(value, str):
            kinds[key] = "text"
            files[f"{SNAPSHOT_DIR}/{key}"] = value.encode("utf-8")
        else:
            kinds[key] = "json"
            files[f"{SNAPSHOT_DIR}/{key}"] = _json_text(value)
    if problems:
        raise DescopeValidationError(problems)
    return files, kinds


def build_manifest(cap: Capture, project_id: str, created: datetime.datetime, name: str, files: dict[str, bytes], kinds: dict[str, str]) -> Json:
    snapshot: Json = {"status": cap.snapshot_status}
    if cap.snapshot_reason:
        snapshot["reason"] = cap.snapshot_reason
    if cap.snapshot_status == "ok":
        snapshot["files"] = kinds
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": name,
        "project_id": project_id,
        "created": iso(created),
        "collection_version": COLLECTION_VERSION,
        "include": sorted(cap.include, key=ALL_SECTIONS.index),
        "counts": cap.counts(),
        "snapshot": snapshot,
        "content_sha256": cap.content_sha256(),
        "files": {rel: sha256_bytes(data) for rel, data in sorted(files.items())},
    }
