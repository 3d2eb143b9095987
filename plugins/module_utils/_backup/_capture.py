# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading a project into a backup: capture, the files and the manifest (FOR INTERNAL COLLECTION USE ONLY)."""

from __future__ import annotations

import dataclasses
import datetime
import json
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _authz, _flow, _sso, _tenant, _tenant_settings
from ansible_collections.descope.mgmt.plugins.module_utils._backup._layout import (
    ALL_SECTIONS,
    COLLECTION_VERSION,
    FLOWS_DIR,
    FORMAT,
    FORMAT_VERSION,
    PATH_SNAPSHOT_EXPORT,
    ROLES_FILE,
    SNAPSHOT_DIR,
    SSO_FILE,
    TENANT_SETTINGS_FILE,
    TENANTS_FILE,
    THEME_FILE,
    Json,
    _json_text,
    _problem,
    _strip_volatile,
    encode_snapshot_value,
    is_snapshot_refusal,
    iso,
    refusal_reason,
    safe_relpath,
    sha256_bytes,
)
from ansible_collections.descope.mgmt.plugins.module_utils._backup._reads import Once, Reads
from ansible_collections.descope.mgmt.plugins.module_utils._client_protocol import ApiClient
from ansible_collections.descope.mgmt.plugins.module_utils._errors import (
    DescopeAPIError,
    DescopeValidationError,
    Problem,
)


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
    tenant_settings: Json | None = None  # the opt-in "tenant_settings" section: {"tenant_settings": [...]}
    sso: Json | None = None  # the opt-in "sso" section: {"sso": [...], "secrets_not_captured": [...]}
    # Work ``capture`` does on the section threads as each answer lands, while other reads are still in flight
    # (flow id -> file bytes / compare form; snapshot key -> (kind, bytes)): the same functions of the same
    # objects that render_files and normalised otherwise call, so the bytes are the same either way.
    flow_files: dict[str, bytes] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    flow_forms: dict[str, Json] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    snapshot_encoded: dict[str, tuple[str, bytes]] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def normalised(self) -> Json:
        """The content compared for idempotence: server-managed and empty values dropped, order-free lists sorted."""
        content = self._normalised_v1()
        if self.authz is not None:  # only when included, so the hash of a backup without it is unchanged
            content["authz"] = self.authz
        if self.tenant_settings is not None:
            content["tenant_settings"] = self.tenant_settings
        if self.sso is not None:
            content["sso"] = self.sso
        return content

    def _normalised_v1(self) -> Json:
        forms = self.flow_forms
        return {
            "format_version": FORMAT_VERSION,
            "include": sorted(self.include),
            "tenants": sorted(self.tenants, key=lambda x: str(x["id"])) if self.tenants is not None else None,
            "flows": {fid: forms.get(fid) or _flow.compare_form(flow) for fid, flow in sorted(self.flows.items())}
            if self.flows is not None
            else None,
            "theme": _flow.theme_compare_form(self.theme) if self.theme is not None else None,
            "snapshot": {
                "status": self.snapshot_status,
                "files": {k: _strip_volatile(v) for k, v in sorted((self.snapshot_files or {}).items())},
            },
        }

    def content_sha256(self) -> str:
        return _flow.digest(self.normalised())

    def counts(self) -> dict[str, int]:
        return {
            "tenants": len(self.tenants or []),
            "flows": len(self.flows or {}),
            "theme": 1 if self.theme is not None else 0,
            "snapshot_files": len(self.snapshot_files or {}),
            **(
                {"permissions": len(self.authz["permissions"]), "roles": len(self.authz["roles"])}
                if self.authz is not None
                else {}
            ),
            **(
                {"tenant_settings": len(self.tenant_settings["tenant_settings"])}
                if self.tenant_settings is not None
                else {}
            ),
            **({"sso": len(self.sso["sso"])} if self.sso is not None else {}),
        }


def capture(client: ApiClient, include: list[str], concurrency: int) -> Capture:
    """Read everything a backup holds: one tenant list, one flow list plus one export per flow, the theme, the snapshot
    (and the opt-in per-tenant sections), every request on one pool of ``concurrency`` (``_reads``): the independent
    reads overlap, and only what needs an earlier answer waits for it (the exports the flow list, the per-tenant
    sections the tenant list)."""
    cap = Capture(include=list(include))
    reads = Reads(concurrency)
    tenant_list = Once(lambda: _tenant_list(client, include, reads))
    sections: dict[str, t.Callable[[Reads], t.Any]] = {
        "tenants": lambda _reads: tenant_list()[0],
        "flows": lambda reads: _flows(client, reads, cap),
        "theme": lambda reads: reads.call(_theme, client),
        # one tenant list for every per-tenant section; each maps its reads over the pool
        "roles": lambda reads: reads.call(_authz.capture, client, tenant_list()[1]),
        "tenant_settings": lambda reads: _tenant_settings.capture(client, tenant_list()[1], reads.map),
        "sso": lambda reads: _sso.capture(client, tenant_list()[1], reads.map),  # no secret: the API never returns one
        "snapshot": lambda reads: _prepare_snapshot(reads.call(_snapshot, client), cap),
    }
    try:
        # in the order a one-at-a-time capture reads them: the first error raised is the same
        done = reads.run([(name, sections[name]) for name in _READ_ORDER if name in include])
    finally:
        reads.stop()
    cap.tenants = done.get("tenants")
    cap.flows = done.get("flows")
    theme = done.get("theme")
    cap.theme = theme if isinstance(theme, dict) and theme else None
    cap.authz, cap.tenant_settings, cap.sso = done.get("roles"), done.get("tenant_settings"), done.get("sso")
    if "snapshot" in done:
        cap.snapshot_status, cap.snapshot_files, cap.snapshot_reason = done["snapshot"]
    return cap


_READ_ORDER = ("tenants", "flows", "theme", "roles", "tenant_settings", "sso", "snapshot")


def _tenant_list(client: ApiClient, include: list[str], reads: Reads) -> tuple[list[Json] | None, list[str]]:
    """The tenants section (parents first) and the tenant ids the per-tenant sections read, in that order."""
    records = reads.call(_tenant.load_all, client)
    if "tenants" not in include:
        return None, [str(r["id"]) for r in records]
    tenants = _tenant.parents_first([tenant_item(r) for r in records])
    return tenants, [str(x["id"]) for x in tenants]


def _theme(client: ApiClient) -> t.Any:
    return client.post(_flow.PATH_THEME_EXPORT, {}, read=True).get("theme")


def _flows(client: ApiClient, reads: Reads, cap: Capture) -> dict[str, Json]:
    ids = sorted(f["id"] for f in reads.call(_flow.list_flows, client))

    def prepared(export: t.Callable[[str], t.Any], fid: str) -> t.Any:
        flow = export(fid)
        if isinstance(flow, dict):  # rendered on the worker while the other exports are in flight
            if _flow.FLOW_ID_RE.match(fid):
                cap.flow_files[fid] = _flow_file(flow)
            cap.flow_forms[fid] = _flow.compare_form(flow)
        return flow

    exported = _flow.export_all(
        client, ids, 1, each=lambda export, items: reads.map(lambda fid: prepared(export, fid), items)
    )
    return {fid: flow for fid, flow in exported.items() if flow is not None}  # None: deleted since the list


def _flow_file(flow: Json) -> bytes:
    # the bare flow object: what descopecli writes and reads (flow/crud.go)
    return _json_text(_flow.export_document(flow))


def _prepare_snapshot(
    answer: tuple[str, dict[str, t.Any] | None, str | None], cap: Capture
) -> tuple[str, dict[str, t.Any] | None, str | None]:
    for key, value in (answer[1] or {}).items():
        if safe_relpath(key):
            cap.snapshot_encoded[key] = encode_snapshot_value(key, value)
    return answer


def _snapshot(client: ApiClient) -> tuple[str, dict[str, t.Any] | None, str | None]:
    """(status, files, reason): a plan without snapshots answers a refusal, kept as the reason, not an error."""
    try:
        files = client.post(PATH_SNAPSHOT_EXPORT, {}, read=True).get("files")
    except DescopeAPIError as exc:
        if not is_snapshot_refusal(exc):
            raise
        return "unavailable", None, refusal_reason(exc)
    return "ok", files if isinstance(files, dict) else {}, None


def render_files(cap: Capture) -> tuple[dict[str, bytes], dict[str, str]]:
    """The backup's files (relative path -> bytes) and the kind of every snapshot key (json|text|binary)."""
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    if cap.tenants is not None:
        files[TENANTS_FILE] = (json.dumps({"tenants": cap.tenants}, indent=2, ensure_ascii=False) + "\n").encode(
            "utf-8"
        )
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
        cached = cap.flow_files.get(fid)
        files[f"{FLOWS_DIR}/{fid}.json"] = cached if cached is not None else _flow_file(flow)
    if cap.theme is not None:
        files[THEME_FILE] = _json_text(
            _flow.export_theme(cap.theme)
        )  # the bare theme object (descopecli theme/crud.go)
    if cap.authz is not None:
        files[ROLES_FILE] = _json_text(cap.authz)
    if cap.tenant_settings is not None:
        files[TENANT_SETTINGS_FILE] = _json_text(cap.tenant_settings)
    if cap.sso is not None:
        files[SSO_FILE] = _json_text(cap.sso)
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
        kinds[key], files[f"{SNAPSHOT_DIR}/{key}"] = cap.snapshot_encoded.get(key) or encode_snapshot_value(key, value)
    if problems:
        raise DescopeValidationError(problems)
    return files, kinds


def build_manifest(
    cap: Capture,
    project_id: str,
    created: datetime.datetime,
    name: str,
    files: dict[str, bytes],
    kinds: dict[str, str],
    content_sha256: str | None = None,
) -> Json:
    """The manifest; ``content_sha256``: ``cap.content_sha256()`` when the caller already has it (it costs a full
    pass)."""
    snapshot: Json = {"status": cap.snapshot_status}
    if cap.snapshot_reason:
        snapshot["reason"] = cap.snapshot_reason
    if cap.snapshot_status == "ok":
        snapshot["files"] = kinds
    manifest: Json = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": name,
        "project_id": project_id,
        "created": iso(created),
        "collection_version": COLLECTION_VERSION,
        "include": sorted(cap.include, key=ALL_SECTIONS.index),
        "counts": cap.counts(),
        "snapshot": snapshot,
        "content_sha256": content_sha256 or cap.content_sha256(),
        "files": {rel: sha256_bytes(data) for rel, data in sorted(files.items())},
    }
    if cap.sso is not None:  # only with the opt-in sso section, so other manifests keep their exact format
        manifest["secrets_not_captured"] = list(cap.sso.get("secrets_not_captured") or [])
    return manifest
