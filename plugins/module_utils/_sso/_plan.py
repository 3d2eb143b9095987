# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant SSO planning: declare -> reads (tenant, its SSO connections, roles, other tenants' domains) -> changes
(FOR INTERNAL COLLECTION USE ONLY).

A task declares one connection (single mode) or a tenant's list of connections matched by ``sso_id`` (set mode,
``connections``; ``prune`` deletes an undeclared connection of that tenant only). Only the fields a task sets
are managed. The configure calls replace the whole connection, so a write sends the current connection (with
``other_settings``, what the module has no option for) with the declared fields merged in.

The OIDC client secret is never read back (the API answers ``""``), so it cannot be compared: with
``update_secret: on_create`` it is sent when the connection is created, when the protocol changes and with any
other write; with ``always`` on every run. No source says whether a write without ``clientSecret`` keeps or
clears the stored secret, so an update of an existing OIDC connection is refused unless the task gives the
secret: safe under both readings.
"""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _change
from ansible_collections.descope.mgmt.plugins.module_utils._client_protocol import ApiClient
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError, Problem
from ansible_collections.descope.mgmt.plugins.module_utils._spec import Plan
from ansible_collections.descope.mgmt.plugins.module_utils._sso._body import oidc_request, saml_request
from ansible_collections.descope.mgmt.plugins.module_utils._sso._fields import (
    CONNECTION_KEYS,
    OIDC_FIELDS,
    PATH_DELETE,
    PATH_LOAD_ALL,
    PATH_LOAD_ONE,
    PATH_NEW,
    PATH_TENANTS,
    SAML_BY_FIELDS,
    SAML_FIELDS,
    SECRET_MARK,
    Record,
    norm_domains,
    norm_mappings,
)
from ansible_collections.descope.mgmt.plugins.module_utils._sso._shape import current_view, norm_other
from ansible_collections.descope.mgmt.plugins.module_utils._sso._validate import (
    creation_problems,
    domain_problems,
    role_problems,
    role_refs,
    static_problems,
)
from ansible_collections.descope.mgmt.plugins.module_utils._tenant_lookup import tenant_exists

TARGET = "sso"
_NO_OIDC_CLEAR = " ".join(
    (
        "cannot be emptied on an OIDC connection: no published request clears them",
        "(python-sdk 2.16.0 sends replaceDefaultSSORoles for SAML only).",
    ),
)
_SECRET_NEEDED = " ".join(
    (
        "is needed for this update: no source says whether Descope keeps or clears the stored secret when an",
        "update omits it, and a cleared secret breaks every login through this connection.",
    ),
)


@dataclasses.dataclass
class Conn:
    prefix: str  # "" in single mode, "connections[i]." in set mode
    sso_id: str
    protocol: str | None
    fields: Record  # declared fields only, normalised; sections hold declared sub-fields only
    secret: str | None
    params: Record  # this connection's options (with the task's tenant_id, state, known_roles...)


@dataclasses.dataclass
class Declared:
    tenant_id: str
    state: str
    set_mode: bool
    conns: list[Conn]


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


def _declare_one(params: Record, prefix: str, problems: list[Problem]) -> Conn:
    problems.extend(static_problems(params, prefix))
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
        if params.get("other_settings") is not None:
            normal = norm_other(params["other_settings"])
            fields["other_settings"] = {str(k): normal.get(str(k)) for k in params["other_settings"]}
        section = _section(params.get(protocol or ""), OIDC_FIELDS if protocol == "oidc" else SAML_FIELDS)
        if protocol in ("oidc", "saml") and section is not None:
            fields[protocol] = section
    secret = (params.get("oidc") or {}).get("client_secret") if protocol == "oidc" else None
    return Conn(prefix, str(params.get("sso_id") or ""), protocol, fields, secret or None, params)


def declare(ctx: TaskContext, problems: list[Problem]) -> Declared:
    params = ctx.params
    tid = str(params.get("tenant_id") or "")
    state = str(params.get("state") or "present")
    items = params.get("connections")
    if items is None:
        return Declared(tid, state, False, [_declare_one(dict(params), "", problems)])
    task = {k: v for k, v in params.items() if k not in CONNECTION_KEYS and k != "connections"}
    if not tid.strip():
        problems.append(Problem("tenant_id", "must not be empty.", "Set tenant_id to the id of an existing tenant."))
    if state == "absent":
        problems.append(
            Problem(
                "state",
                "absent does not apply to connections.",
                "Remove connections, or use prune to delete undeclared ones.",
            )
        )
    conns, seen = [], set()
    for index, item in enumerate(items):
        conn = _declare_one({**task, **item, "state": "present"}, f"connections[{index}].", problems)
        if conn.sso_id in seen:
            problems.append(
                Problem(
                    f"connections[{index}].sso_id",
                    f"'{conn.sso_id}' is declared twice.",
                    "Declare each sso_id once.",
                    id=tid,
                )
            )
        seen.add(conn.sso_id)
        conns.append(conn)
    return Declared(tid, state, True, conns)


def _merge(current: Record, fields: Record, same_protocol: bool) -> Record:
    """The connection after the write: the current one (same protocol) with the declared fields merged in."""
    if same_protocol:
        merged = {k: v for k, v in current.items() if k != "sso_id"}
    else:
        keep = ("domains", "redirect_url", "default_sso_roles", "role_mappings")
        merged = {k: current[k] for k in keep if k in current}
    for key, value in fields.items():
        if key in ("oidc", "saml"):
            section = dict(merged.get(key) or {})
            for sub, subvalue in value.items():
                section[sub] = {**(section.get(sub) or {}), **subvalue} if sub == "attribute_mapping" else subvalue
            if key == "saml" and any(value.get(k) for k in SAML_BY_FIELDS) and not value.get("metadata_url"):
                section["metadata_url"] = ""  # switching from metadata to fields
            merged[key] = section
        elif key == "other_settings":
            other = {k: v for k, v in (merged.get("other_settings") or {}).items() if k not in value}
            merged[key] = {**other, **{k: v for k, v in value.items() if v is not None}}
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
                    out[key][sub] = {
                        k: mapping.get(k, "" if not isinstance(v, dict) else {}) for k, v in subvalue.items()
                    }
                else:
                    out[key][sub] = current.get(sub, "")
        elif key == "other_settings":
            current = view.get(key) or {}
            out[key] = {k: current.get(k) for k in value}
        else:
            out[key] = view.get(key)
    return out


def load_configs(client: ApiClient, tenant_id: str) -> list[Record]:
    """Every connection of the tenant, the default one with ``ssoId`` "".

    No source shows how ``/all`` lists the default connection (an empty id, an id of its own, or not at all), so
    when no entry has an empty id it is read as go-sdk ``LoadSettings`` and node-sdk ``loadSettings`` do
    (``GET /v2/mgmt/sso/settings`` without ``ssoId``) and the entry carrying its id, if any, is replaced by it.
    """
    answer = client.get(PATH_LOAD_ALL, params={"tenantId": tenant_id})
    configs = [c for c in answer.get("SSOSettings") or [] if isinstance(c, dict)]
    if any(not c.get("ssoId") for c in configs):
        return configs
    default = client.get(PATH_LOAD_ONE, params={"tenantId": tenant_id})
    own_id = str(default.get("ssoId") or "")
    rest = [c for c in configs if not own_id or str(c.get("ssoId")) != own_id]
    return [{**default, "ssoId": ""}, *rest]


def _find(configs: list[Record], sso_id: str) -> Record | None:
    return next((c for c in configs if str(c.get("ssoId") or "") == sso_id), None)


def _other_domains(client: ApiClient, tenant_id: str) -> dict[str, list[str]]:
    tenants = client.get(PATH_TENANTS).get("tenants") or []
    out = {}
    for item in tenants:
        if isinstance(item, dict) and item.get("id") and str(item["id"]) != tenant_id:
            out[str(item["id"])] = norm_domains(item.get("domains") or [])
    return out


def _secret_shown(record: Record) -> Record:
    out = dict(record)
    out["oidc"] = {**(out.get("oidc") or {}), "client_secret": SECRET_MARK}
    return out


def _label(tid: str, sso_id: str) -> str:
    return f"{tid}/{sso_id}" if sso_id else tid


def _plan_delete(tid: str, conn: Conn, answer: Record | None) -> _change.Change:
    label = _label(tid, conn.sso_id)
    view = current_view(answer) if answer is not None else None
    if answer is None or view is None or (not conn.sso_id and view["protocol"] is None):
        return _change.Change(TARGET, label, "unchanged")
    existing = {k: v for k, v in view.items() if k != "sso_id"}
    return _change.Change(TARGET, label, "delete", before=existing, after=None, apply=_deleter(tid, conn.sso_id))


def _plan_one(tid: str, conn: Conn, answer: Record | None, problems: list[Problem]) -> _change.Change | None:
    params, prefix = conn.params, conn.prefix
    view = current_view(answer) if answer is not None else None
    configured = view is not None and view["protocol"] is not None
    same = bool(configured and view is not None and view["protocol"] == conn.protocol)
    merged = _merge(view or {}, conn.fields, same)
    found: list[Problem] = []
    if not same:
        found.extend(creation_problems(params, merged))
    fields = dict(conn.fields)
    if same and conn.protocol == "oidc" and view is not None and "use_pkce" not in (view.get("oidc") or {}):
        # the answer does not carry usePkce: it is sent, never compared (else every run shows a change)
        fields["oidc"] = {k: v for k, v in (fields.get("oidc") or {}).items() if k != "use_pkce"}
    current_roles = (view or {}).get("default_sso_roles") or []
    if conn.protocol == "oidc" and fields.get("default_sso_roles") == [] and same and current_roles:
        found.append(
            Problem(
                prefix + "default_sso_roles",
                _NO_OIDC_CLEAR,
                "Remove them in the Descope console, or keep at least one role.",
                id=tid,
            )
        )
    found = [p if p.field.startswith(prefix) else dataclasses.replace(p, field=prefix + p.field) for p in found]
    problems.extend(found)
    if found:
        return None
    label = _label(tid, conn.sso_id)
    before: Record | None = _managed(view, fields) if configured and view is not None else None
    after: Record = _managed(merged, fields)
    differs = before != after
    send_secret = bool(conn.secret) and (not same or params.get("update_secret") == "always" or differs)
    if same and not differs and not send_secret:
        return _change.Change(TARGET, label, "unchanged", before=before, after=after)
    if same and conn.protocol == "oidc" and not send_secret:
        problems.append(
            Problem(
                prefix + "oidc.client_secret",
                _SECRET_NEEDED,
                "Give oidc.client_secret (from your vault) with this change; nothing was written.",
                id=tid,
            )
        )
        return None
    if send_secret:
        after = _secret_shown(after)
    action = "update" if configured else "create"
    if "domains" not in conn.fields:
        merged = {k: v for k, v in merged.items() if k != "domains"}
    if conn.protocol == "oidc":
        request = oidc_request(tid, conn.sso_id, merged, conn.secret if send_secret else None)
    else:
        request = saml_request(tid, conn.sso_id, merged, clear_roles=conn.fields.get("default_sso_roles") == [])
    # display names are never read back (no answer carries one): used once, to create the connection
    new = (tid, conn.sso_id, str(params.get("display_name") or conn.sso_id)) if conn.sso_id and answer is None else None
    return _change.Change(TARGET, label, action, before=before, after=after, apply=_writer(request, new))


def plan(ctx: TaskContext, declared: Declared, problems: list[Problem]) -> Plan:
    params = ctx.params
    mode = "set" if declared.set_mode else "single"
    tid = declared.tenant_id
    if not tid.strip():
        return Plan([], mode)
    client = ctx.client()
    exists = tenant_exists(client, tid)
    pending = ctx.check_mode and tid in (params.get("pending_tenants") or [])
    if not exists and declared.state == "absent":
        return Plan([_change.Change(TARGET, tid, "unchanged")], mode)  # no tenant, no connection: the goal is met
    if not exists and not pending:
        fix = "Create it first (descope.mgmt.descope_tenant, earlier in the play), or fix the id."
        problems.append(Problem("tenant_id", f"tenant '{tid}' does not exist.", fix, id=tid))
        return Plan([], mode)
    configs = load_configs(client, tid) if exists else []
    if declared.state == "absent":
        return Plan([_plan_delete(tid, c, _find(configs, c.sso_id)) for c in declared.conns], mode)
    refs = [ref for c in declared.conns for ref in role_refs(c.params, c.prefix)]
    if any(name for _f, name in refs):
        problems.extend(role_problems(client, params, refs, ctx.check_mode))
    if any(c.fields.get("domains") for c in declared.conns):
        declared_domains = [(c.prefix, c.fields) for c in declared.conns]
        problems.extend(domain_problems(declared_domains, tid, _other_domains(client, tid)))
    changes = []
    for conn in declared.conns:
        change = _plan_one(tid, conn, _find(configs, conn.sso_id), problems)
        if change is not None:
            changes.append(change)
    if problems:
        return Plan([], mode)
    if declared.set_mode and params.get("prune"):
        changes.extend(_pruned(tid, declared, configs, params))
    configured = sum(1 for c in configs if current_view(c)["protocol"] is not None)
    return Plan(changes, mode, existing={TARGET: configured} if declared.set_mode else {})


def _pruned(tid: str, declared: Declared, configs: list[Record], params: t.Mapping[str, t.Any]) -> list[_change.Change]:
    """Deletes of this tenant's connections the task does not declare (never another tenant's)."""
    keep = {c.sso_id for c in declared.conns} | {str(p) for p in params.get("protected_ids") or []}
    out = []
    for answer in configs:
        sso_id = str(answer.get("ssoId") or "")
        view = current_view(answer)
        if sso_id in keep or view["protocol"] is None:
            continue
        before = {k: v for k, v in view.items() if k != "sso_id"}
        label = _label(tid, sso_id)
        out.append(_change.Change(TARGET, label, "delete", before=before, apply=_deleter(tid, sso_id), pruned=True))
    return out


def _writer(request: tuple[str, Record], new: tuple[str, str, str] | None) -> t.Callable[[t.Any], None]:
    def apply(client: ApiClient) -> None:
        if new is not None:
            client.post(PATH_NEW, {"tenantId": new[0], "ssoId": new[1], "displayName": new[2]})
        client.post(*request)

    return apply


def _deleter(tenant_id: str, sso_id: str) -> t.Callable[[t.Any], None]:
    def apply(client: ApiClient) -> None:
        query = {"tenantId": tenant_id}
        if sso_id:
            query["ssoId"] = sso_id
        try:
            client.request("DELETE", PATH_DELETE, params=query)
        except DescopeAPIError as exc:
            # gone meanwhile: re-read instead of trusting the status of the error
            if not exc.is_not_found and _find(load_configs(client, tenant_id), sso_id) is not None:
                raise

    return apply
