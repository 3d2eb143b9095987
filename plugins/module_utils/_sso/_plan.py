# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant SSO planning: declare -> reads (tenant, its SSO configurations, roles) -> one change (FOR INTERNAL COLLECTION USE ONLY).

Only the fields a task sets are managed. The configure calls replace the whole connection, so a write sends the
current connection with the declared fields merged in. The OIDC client secret is never read back (the API
answers ``""``), so it cannot be compared: with ``update_secret: on_create`` it is sent when the connection is
created, when the protocol changes and with any other write; with ``always`` it is sent on every run (and the
task always reports a change). A secret changed in the console is therefore invisible to drift detection.
"""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _change
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError, Problem
from ansible_collections.descope.mgmt.plugins.module_utils._spec import Plan
from ansible_collections.descope.mgmt.plugins.module_utils._sso._fields import (
    OIDC_FIELDS,
    PATH_DELETE,
    PATH_LOAD_ALL,
    PATH_NEW,
    SAML_BY_FIELDS,
    SAML_FIELDS,
    SECRET_MARK,
    Record,
    current_view,
    norm_domains,
    norm_mappings,
    oidc_request,
    saml_request,
)
from ansible_collections.descope.mgmt.plugins.module_utils._sso._validate import creation_problems, role_problems, static_problems

TARGET = "sso"
PATH_TENANT = "/v1/mgmt/tenant"


@dataclasses.dataclass
class Declared:
    tenant_id: str
    sso_id: str
    state: str
    protocol: str | None
    fields: Record  # declared fields only, normalised; sections hold declared sub-fields only
    secret: str | None


def _section(raw: t.Any, table: tuple[tuple[str, str, str, str], ...]) -> Record | None:
    if raw is None:
        return None
    out: Record = {}
    for name, _req, _ans, kind in table:
        value = raw.get(name)
        if value is None:
            continue
        if kind == "set":
            value = sorted({str(v) for v in value})
        elif kind in ("oidc_attrs", "saml_attrs"):
            value = {k: v for k, v in value.items() if v is not None}
        out[name] = value
    return out


def declare(ctx: TaskContext, problems: list[Problem]) -> Declared:
    params = ctx.params
    problems.extend(static_problems(params))
    fields: Record = {}
    protocol = params.get("protocol")
    if params.get("state") != "absent":
        fields["protocol"] = protocol
        if params.get("domains") is not None:
            fields["domains"] = norm_domains(params["domains"])
        if params.get("redirect_url") is not None:
            fields["redirect_url"] = params["redirect_url"]
        if params.get("role_mappings") is not None:
            fields["role_mappings"] = norm_mappings(params["role_mappings"])
        if params.get("default_sso_roles") is not None:
            fields["default_sso_roles"] = sorted({str(r) for r in params["default_sso_roles"]})
        oidc = _section(params.get("oidc"), OIDC_FIELDS)
        saml = _section(params.get("saml"), SAML_FIELDS)
        if protocol == "oidc" and oidc is not None:
            fields["oidc"] = oidc
        if protocol == "saml" and saml is not None:
            fields["saml"] = saml
    secret = (params.get("oidc") or {}).get("client_secret") if protocol == "oidc" else None
    return Declared(str(params.get("tenant_id") or ""), str(params.get("sso_id") or ""), str(params.get("state")), protocol, fields, secret or None)


def _merge(current: Record, fields: Record, same_protocol: bool) -> Record:
    """The connection after the write: the current one (same protocol) with the declared fields merged in."""
    if same_protocol:
        merged = {k: v for k, v in current.items() if k not in ("sso_id", "display_name")}
    else:
        keep = ("domains", "redirect_url", "default_sso_roles")
        merged = {k: current[k] for k in keep if k in current}
    for key, value in fields.items():
        if key in ("oidc", "saml"):
            section = dict(merged.get(key) or {})
            for sub, subvalue in value.items():
                if sub == "attribute_mapping":
                    section[sub] = {**(section.get(sub) or {}), **subvalue}
                elif key == "saml" and sub == "metadata_url":
                    section[sub] = subvalue
                else:
                    section[sub] = subvalue
            if key == "saml" and any(value.get(k) for k in SAML_BY_FIELDS) and not value.get("metadata_url"):
                section["metadata_url"] = ""  # switching from metadata to fields
            merged[key] = section
        else:
            merged[key] = value
    return merged


def _managed(view: Record, fields: Record) -> Record:
    """The current values of exactly the declared fields (same nesting)."""
    out: Record = {}
    for key, value in fields.items():
        if key in ("oidc", "saml"):
            current = view.get(key) or {}
            out[key] = {}
            for sub, subvalue in value.items():
                if sub == "attribute_mapping":
                    mapping = current.get(sub) or {}
                    out[key][sub] = {k: mapping.get(k, "" if not isinstance(v, dict) else {}) for k, v in subvalue.items()}
                else:
                    out[key][sub] = current.get(sub, "")
        else:
            out[key] = view.get(key)
    return out


def _find(configs: list[Record], sso_id: str) -> Record | None:
    for answer in configs:
        if str(answer.get("ssoId") or "") == sso_id:
            return answer
    return None


def _read(client: t.Any, declared: Declared) -> tuple[bool, Record | None]:
    """(tenant exists, the configuration's answer or None)."""
    try:
        client.get(PATH_TENANT, params={"id": declared.tenant_id})
    except DescopeAPIError as exc:
        _change.raise_for_not_found(exc)
        return False, None
    answer = client.get(PATH_LOAD_ALL, params={"tenantId": declared.tenant_id})
    configs = [c for c in answer.get("SSOSettings") or [] if isinstance(c, dict)]
    return True, _find(configs, declared.sso_id)


def _secret_shown(record: Record) -> Record:
    out = dict(record)
    out["oidc"] = {**(out.get("oidc") or {}), "client_secret": SECRET_MARK}
    return out


def plan(ctx: TaskContext, declared: Declared, problems: list[Problem]) -> Plan:
    params = ctx.params
    if not declared.tenant_id.strip():
        return Plan([], "single")
    client = ctx.client()
    exists, answer = _read(client, declared)
    tid = declared.tenant_id
    pending = ctx.check_mode and tid in (params.get("pending_tenants") or [])
    if not exists and declared.state == "absent":
        return Plan([_change.Change(TARGET, tid, "unchanged")], "single")  # no tenant, no connection: the goal is met
    if not exists and not pending:
        problems.append(
            Problem(
                "tenant_id",
                f"tenant '{tid}' does not exist.",
                "Create it first (descope.mgmt.descope_tenant, earlier in the play), or fix the id.",
                id=tid,
            )
        )
        return Plan([], "single")
    label = f"{tid}/{declared.sso_id}" if declared.sso_id else tid
    view = current_view(answer) if answer is not None else None
    configured = view is not None and view["protocol"] is not None
    if declared.state == "absent":
        if answer is None or (not declared.sso_id and not configured):
            return Plan([_change.Change(TARGET, label, "unchanged")], "single")
        existing = {k: v for k, v in (view or {}).items() if k not in ("sso_id",)}
        return Plan([_change.Change(TARGET, label, "delete", before=existing, after=None, apply=_deleter(tid, declared.sso_id))], "single")
    if params.get("role_mappings") or params.get("default_sso_roles"):
        problems.extend(role_problems(client, params))
    needs_new = bool(declared.sso_id) and answer is None
    if needs_new and not params.get("display_name"):
        problems.append(Problem("display_name", f"required to create the SSO configuration '{declared.sso_id}'.", "Set display_name.", id=tid))
    same = configured and view is not None and view["protocol"] == declared.protocol
    merged = _merge(view or {}, declared.fields, bool(same))
    if not same:
        problems.extend(creation_problems(params, merged))
    if problems:
        return Plan([], "single")
    fields = declared.fields
    before: Record | None = _managed(view, fields) if configured and view is not None else None
    after: Record = _managed(merged, fields)
    send_secret = bool(declared.secret) and (not same or params.get("update_secret") == "always" or before != after)
    if send_secret:
        after = _secret_shown(after)
    if same and before == after and not send_secret:
        return Plan([_change.Change(TARGET, label, "unchanged", before=before, after=after)], "single")
    action = "update" if configured else "create"
    if declared.protocol == "oidc":
        request = oidc_request(tid, declared.sso_id, merged, declared.secret if send_secret else None)
    else:
        request = saml_request(tid, declared.sso_id, merged)
    new = (tid, declared.sso_id, str(params.get("display_name") or "")) if needs_new else None
    return Plan([_change.Change(TARGET, label, action, before=before, after=after, apply=_writer(request, new))], "single")


def _writer(request: tuple[str, Record], new: tuple[str, str, str] | None) -> t.Callable[[t.Any], None]:
    def apply(client: t.Any) -> None:
        if new is not None:
            client.post(PATH_NEW, {"tenantId": new[0], "ssoId": new[1], "displayName": new[2]})
        client.post(*request)

    return apply


def _deleter(tenant_id: str, sso_id: str) -> t.Callable[[t.Any], None]:
    def apply(client: t.Any) -> None:
        query = {"tenantId": tenant_id}
        if sso_id:
            query["ssoId"] = sso_id
        try:
            client.request("DELETE", PATH_DELETE, params=query)
        except DescopeAPIError as exc:
            _change.raise_for_not_found(exc)

    return apply
