# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Probes of the API answers no public source documents (tests/emulator/README.md, "UNCERTAIN"), and their fixture.

Each probe sends one request and keeps only what the emulator must match: the HTTP status, the Descope
``errorCode``, whether the body is JSON, empty or text, the body's *shape* (keys and JSON types, never values)
and a few named ``facts`` (a timestamp's format, the snapshot file layout with ids replaced by ``*``).
``description`` (the error text, prefix/project/key redacted) is kept for people to read and is not compared.

The fixture (tests/fixtures/live_answers.json) says where its answers come from: ``source: live`` (a real
project, written by ``DESCOPE_LIVE_RECORD=1 pytest tests/live``) or ``source: emulator`` (the emulator's own
documented choices, written by ``python tests/live/live_probes.py --emulator``). Every object a probe
creates carries the run prefix and is deleted by the probe itself or, at the latest, by the suite's sweep.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import json
import pathlib
import re
import sys
import typing as t

HERE = pathlib.Path(__file__).resolve().parent
FIXTURE = HERE.parent / "fixtures" / "live_answers.json"
FORMAT = 1
COMPARED = ("status", "errorCode", "body_kind", "body", "facts")
# objects whose keys are data (ids, paths, attribute names), not schema: only their JSON type is recorded
OPAQUE_KEYS = frozenset({"files", "metadata", "customAttributes", "contents", "references", "styles", "interactions", "input", "tasks", "configuration"})
# the words the collection's not-found heuristic looks for (plugins/module_utils/_errors.py, api-fidelity-review T6)
NOT_FOUND_WORDS = ("not found", "notfound", "does not exist", "doesn't exist", "unknown")
# snapshot file names that are structure, not data (the CLI's per-flow layout; descopecli flow/convert.go)
WRONG_KEY = "K2dmliveNotTheManagementKey0000000000000"  # a key no project has, for the 401 probe
STRUCTURAL_NAMES = frozenset({"metadata.json", "contents.json", "theme.json", "snapshot.json", "project.json"})


# ------------------------------------------------------------------ shapes and facts


def shape(value: t.Any, key: str = "") -> t.Any:
    """Keys and JSON types of ``value``; list elements merged into one shape; opaque objects only typed."""
    if isinstance(value, dict):
        if key in OPAQUE_KEYS:
            return "object"
        return {k: shape(v, k) for k, v in sorted(value.items())}
    if isinstance(value, list):
        if key in OPAQUE_KEYS:
            return "array"
        merged: t.Any = None
        for item in value:
            merged = _merge(merged, shape(item, key))
        return [] if merged is None else [merged]
    return _type_name(value)


def _type_name(value: t.Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return type(value).__name__


def _merge(a: t.Any, b: t.Any) -> t.Any:
    if a is None:
        return b
    if isinstance(a, dict) and isinstance(b, dict):
        return {k: _merge(a.get(k), b.get(k)) if k in a and k in b else a.get(k, b.get(k)) for k in sorted(set(a) | set(b))}
    if isinstance(a, list) and isinstance(b, list):
        return [_merge(a[0] if a else None, b[0] if b else None)] if (a or b) else []
    if a == b:
        return a
    return "|".join(sorted({json.dumps(a, sort_keys=True) if not isinstance(a, str) else a, json.dumps(b, sort_keys=True) if not isinstance(b, str) else b}))


def time_format(value: t.Any) -> str:
    """How a timestamp is written: the API review (F2) says epoch digits in a string, the emulator wrote ISO 8601."""
    if value is None:
        return "absent"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        if re.fullmatch(r"\d+", value):
            return "digits-string"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})?", value):
            return "iso8601-string"
        return "other-string"
    return _type_name(value)


def layout(paths: t.Iterable[str]) -> list[str]:
    """Snapshot file paths with ids replaced: ``flows/*/metadata.json``, ``flows/*/screen-*.json``, ``connectors/*.json``."""
    out = set()
    for path in paths:
        parts = path.split("/")
        if len(parts) == 1:
            out.add(path if path in STRUCTURAL_NAMES else "*" + pathlib.PurePosixPath(path).suffix)
            continue
        middle = ["*"] * (len(parts) - 2)
        last = parts[-1]
        if last not in STRUCTURAL_NAMES:
            last = "screen-*.json" if last.startswith("screen-") else "*" + pathlib.PurePosixPath(last).suffix
        out.add("/".join([parts[0], *middle, last]))
    return sorted(out)


def mentions_not_found(body: t.Any) -> bool:
    text = " ".join(str(body.get(k, "")) for k in ("errorDescription", "errorMessage")).lower() if isinstance(body, dict) else ""
    return any(word in text for word in NOT_FOUND_WORDS)


# ------------------------------------------------------------------ the probes


@dataclasses.dataclass
class Context:
    """What the probes share: the target, the prefix, what they created (for cleanup), a flow to copy."""

    target: t.Any  # live_target.LiveTarget
    prefix: str
    created_tenants: list[str] = dataclasses.field(default_factory=list)
    created_flows: list[str] = dataclasses.field(default_factory=list)
    source_flow: dict[str, t.Any] | None = None
    snapshot_files: dict[str, t.Any] | None = None

    @property
    def probe_tenant(self) -> str:
        return f"{self.prefix}-probe"

    @property
    def missing(self) -> str:
        return f"{self.prefix}-missing"

    @property
    def probe_flow(self) -> str:
        return f"{self.prefix}-probe-flow"

    def record(self, request: str, answer: t.Any, facts: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        description = ""
        if isinstance(answer.body, dict) and not answer.ok:
            description = " / ".join(str(answer.body.get(k, "")) for k in ("errorDescription", "errorMessage") if answer.body.get(k))
        elif answer.body_kind == "text":
            description = str(answer.body)
        for secret, shown in ((self.prefix, "<prefix>"), (self.target.project_id, "<project>")):
            description = description.replace(secret, shown)
        return {
            "request": request,
            "status": answer.status,
            "errorCode": answer.error_code,
            "body_kind": answer.body_kind,
            "body": shape(answer.body),
            "facts": facts or {},
            "description": self.target.redact(description)[:300],
        }

    def skipped(self, request: str, why: str) -> dict[str, t.Any]:
        return {"request": request, "skipped": why}


def _copy_of_source(ctx: Context, flow_id: str) -> dict[str, t.Any]:
    flow = copy.deepcopy(ctx.source_flow or {})
    flow["flowId"] = flow_id
    flow.setdefault("metadata", {})["name"] = f"{ctx.prefix} probe flow"
    return flow


def run_probes(ctx: Context) -> dict[str, dict[str, t.Any]]:  # noqa: PLR0915 - one straight list of probes
    """Send every probe (in this order: later ones use what earlier ones created) and return their records."""
    api = ctx.target
    out: dict[str, dict[str, t.Any]] = {}
    tid, missing = ctx.probe_tenant, ctx.missing

    # transport
    answer = api.call("GET", "/v1/mgmt/license")
    out["license"] = ctx.record("GET /v1/mgmt/license", answer, {"rateLimitTier": answer.json().get("rateLimitTier")})
    out["wrong_key"] = ctx.record("GET /v1/mgmt/tenant/all with a wrong key", api.call("GET", "/v1/mgmt/tenant/all", key=WRONG_KEY))
    out["unknown_route"] = ctx.record("GET /v1/mgmt/dmlive-no-such-route", api.call("GET", "/v1/mgmt/dmlive-no-such-route"))

    # tenants
    ctx.created_tenants.append(tid)
    out["tenant_create"] = ctx.record("POST /v1/mgmt/tenant/create {id, name}", api.call("POST", "/v1/mgmt/tenant/create", {"id": tid, "name": f"{tid} name"}))
    out["tenant_create_duplicate_id"] = ctx.record(
        "POST /v1/mgmt/tenant/create with an existing id", api.call("POST", "/v1/mgmt/tenant/create", {"id": tid, "name": f"{tid} other name"})
    )
    ctx.created_tenants.append(f"{tid}2")
    out["tenant_create_duplicate_name"] = ctx.record(
        "POST /v1/mgmt/tenant/create with an existing name", api.call("POST", "/v1/mgmt/tenant/create", {"id": f"{tid}2", "name": f"{tid} name"})
    )
    ctx.created_tenants.append(f"{tid}-noname")
    out["tenant_create_without_name"] = ctx.record(
        "POST /v1/mgmt/tenant/create {id} (no name)", api.call("POST", "/v1/mgmt/tenant/create", {"id": f"{tid}-noname"})
    )
    answer = api.call("GET", "/v1/mgmt/tenant", params={"id": tid})
    tenant = answer.json().get("tenant", answer.json())
    out["tenant_load"] = ctx.record("GET /v1/mgmt/tenant?id=<existing>", answer, {"createdTime": time_format(tenant.get("createdTime"))})
    answer = api.call("GET", "/v1/mgmt/tenant", params={"id": missing})
    out["tenant_load_missing"] = ctx.record("GET /v1/mgmt/tenant?id=<missing>", answer, {"mentions_not_found": mentions_not_found(answer.body)})
    out["tenant_search_by_id"] = ctx.record(
        "POST /v1/mgmt/tenant/search {tenantIds: [<existing>]}", api.call("POST", "/v1/mgmt/tenant/search", {"tenantIds": [tid]})
    )
    out["tenant_search_missing_id"] = ctx.record(
        "POST /v1/mgmt/tenant/search {tenantIds: [<missing>]}", api.call("POST", "/v1/mgmt/tenant/search", {"tenantIds": [missing]})
    )
    out["tenant_update"] = ctx.record(
        "POST /v1/mgmt/tenant/update {id, name} (a void write)", api.call("POST", "/v1/mgmt/tenant/update", {"id": tid, "name": f"{tid} renamed"})
    )
    answer = api.call("POST", "/v1/mgmt/tenant/update", {"id": missing, "name": f"{missing} name"})
    ctx.created_tenants.append(missing)  # in case the API turned the update into a create
    out["tenant_update_missing"] = ctx.record(
        "POST /v1/mgmt/tenant/update {id: <missing>, name}", answer, {"mentions_not_found": mentions_not_found(answer.body)}
    )
    out["tenant_delete"] = ctx.record("POST /v1/mgmt/tenant/delete {id} (a void write)", api.call("POST", "/v1/mgmt/tenant/delete", {"id": tid}))
    answer = api.call("POST", "/v1/mgmt/tenant/delete", {"id": missing})
    out["tenant_delete_missing"] = ctx.record("POST /v1/mgmt/tenant/delete {id: <missing>}", answer, {"mentions_not_found": mentions_not_found(answer.body)})

    # flows
    answer = api.call("POST", "/v1/mgmt/flow/list", send_body=False)
    flows = [x for x in answer.json().get("flows") or [] if isinstance(x, dict)]
    out["flow_list_without_body"] = ctx.record(
        "POST /v1/mgmt/flow/list with no body", answer, {"modifiedTime": sorted({time_format(x.get("modifiedTime")) for x in flows}) or ["no flows"]}
    )
    answer = api.call("POST", "/v2/mgmt/flow/export", {"flowId": missing})
    out["flow_export_missing"] = ctx.record("POST /v2/mgmt/flow/export {flowId: <missing>}", answer, {"mentions_not_found": mentions_not_found(answer.body)})
    out["flow_delete_missing"] = ctx.record("POST /v1/mgmt/flow/delete {ids: [<missing>]}", api.call("POST", "/v1/mgmt/flow/delete", {"ids": [missing]}))
    source_ids = sorted(x["id"] for x in flows if x.get("id") and not str(x["id"]).startswith("dmlive-"))
    if source_ids:
        answer = api.call("POST", "/v2/mgmt/flow/export", {"flowId": source_ids[0]})
        ctx.source_flow = answer.json().get("flow")
        out["flow_export"] = ctx.record("POST /v2/mgmt/flow/export {flowId: <an existing flow>}", answer)
    for name in ("flow_export", "flow_import", "flow_import_top_level_flow_id", "flow_import_unknown_field", "flow_delete"):
        if not ctx.source_flow:
            out[name] = ctx.skipped(name, "the project has no flow to copy")
    if ctx.source_flow:
        fid = ctx.probe_flow
        ctx.created_flows.append(fid)
        out["flow_import"] = ctx.record(
            "POST /v2/mgmt/flow/import {flow} (a copy of an existing flow under a new id)",
            api.call("POST", "/v2/mgmt/flow/import", {"flow": _copy_of_source(ctx, fid)}),
        )
        out["flow_import_top_level_flow_id"] = ctx.record(
            "POST /v2/mgmt/flow/import {flowId, flow} (the top-level flowId ImportFlowRequest does not define)",
            api.call("POST", "/v2/mgmt/flow/import", {"flowId": fid, "flow": _copy_of_source(ctx, fid)}),
        )
        out["flow_import_unknown_field"] = ctx.record(
            "POST /v2/mgmt/flow/import {flow, dmliveUnknownField} (is an unknown request field rejected?)",
            api.call("POST", "/v2/mgmt/flow/import", {"flow": _copy_of_source(ctx, fid), "dmliveUnknownField": True}),
        )
        out["flow_delete"] = ctx.record(
            "POST /v1/mgmt/flow/delete {ids: [<existing>]} (a void write)", api.call("POST", "/v1/mgmt/flow/delete", {"ids": [fid]})
        )

    # theme and snapshot (reads only; the snapshot is validated, never imported)
    out["theme_export"] = ctx.record("POST /v2/mgmt/theme/export {}", api.call("POST", "/v2/mgmt/theme/export", {}))
    answer = api.call("POST", "/v1/mgmt/project/snapshot/export", {})
    files = answer.json().get("files") if answer.ok else None
    facts = {"layout": layout(files)} if isinstance(files, dict) else {"licence_refusal_words": _licence_words(answer.body)}
    out["snapshot_export"] = ctx.record("POST /v1/mgmt/project/snapshot/export {}", answer, facts)
    if isinstance(files, dict):
        answer = api.call("POST", "/v1/mgmt/project/snapshot/validate", {"files": files})
        out["snapshot_validate"] = ctx.record("POST /v1/mgmt/project/snapshot/validate {files: <the export>}", answer)
    else:
        out["snapshot_validate"] = ctx.skipped("snapshot_validate", "the snapshot export was refused")
    return out


def _licence_words(body: t.Any) -> bool:
    text = json.dumps(body).lower() if body is not None else ""
    return any(word in text for word in ("licen", "plan", "upgrade", "pro "))


def cleanup(ctx: Context) -> None:
    for tenant_id in ctx.created_tenants:
        ctx.target.delete_tenant(tenant_id)
    ctx.target.delete_flows(ctx.created_flows)


# ------------------------------------------------------------------ the fixture


def document(answers: dict[str, dict[str, t.Any]], source: str, target_host: str) -> dict[str, t.Any]:
    return {
        "format": FORMAT,
        "source": source,
        "recorded_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "target": target_host,
        "compared": list(COMPARED),
        "notes": "status, errorCode, body_kind (json|empty|text), body (keys and JSON types) and facts are compared with the emulator "
        "(tests/emulator_tests/test_live_answers.py); description is for reading only. Regenerate: see CONTRIBUTING.md.",
        "probes": answers,
    }


def write_fixture(doc: dict[str, t.Any], path: pathlib.Path, secret: str) -> None:
    text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
    if secret and secret in text:
        raise AssertionError("refusing to write the answers file: it would contain the management key")
    path.write_text(text, encoding="utf-8")


def load_fixture(path: pathlib.Path = FIXTURE) -> dict[str, t.Any]:
    doc: dict[str, t.Any] = json.loads(path.read_text(encoding="utf-8"))
    if doc.get("format") != FORMAT or doc.get("source") not in ("live", "emulator") or not isinstance(doc.get("probes"), dict):
        raise AssertionError(f"{path}: not a format-{FORMAT} answers file with source live|emulator")
    return doc


def differences(expected: dict[str, dict[str, t.Any]], actual: dict[str, dict[str, t.Any]]) -> list[str]:
    """Every compared field of every recorded probe that the other side answers differently."""
    out = []
    for name, want in sorted(expected.items()):
        got = actual.get(name)
        if got is None:
            out.append(f"{name}: not probed")
            continue
        if "skipped" in want or "skipped" in got:
            if ("skipped" in want) != ("skipped" in got):
                out.append(f"{name}: recorded {'skipped' if 'skipped' in want else 'an answer'}, now {'skipped' if 'skipped' in got else 'an answer'}")
            continue
        for field in COMPARED:
            if field in want and want[field] != got.get(field):
                out.append(f"{name}.{field}: recorded {json.dumps(want[field], sort_keys=True)}, got {json.dumps(got.get(field), sort_keys=True)}")
    out += [f"{name}: probed but not in the fixture" for name in sorted(set(actual) - set(expected))]
    return out


def main(argv: t.Sequence[str]) -> int:
    """``python tests/live/live_probes.py --emulator``: rewrite the fixture from a fresh emulator (source: emulator)."""
    if list(argv) != ["--emulator"]:
        print(__doc__, file=sys.stderr)
        print("usage: python tests/live/live_probes.py --emulator", file=sys.stderr)
        return 2
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent))
    from emulator.launcher import EmulatorProcess  # pylint: disable=import-outside-toplevel
    from live_target import LiveTarget, new_prefix  # pylint: disable=import-outside-toplevel

    with EmulatorProcess() as running:
        env = running.env
        target = LiveTarget.from_env(
            {
                "DESCOPE_LIVE_PROJECT_ID": env["DESCOPE_PROJECT_ID"],
                "DESCOPE_LIVE_MANAGEMENT_KEY": env["DESCOPE_MANAGEMENT_KEY"],
                "DESCOPE_LIVE_BASE_URL": env["DESCOPE_BASE_URL"],
            }
        )
        assert target is not None and target.is_emulator
        ctx = Context(target, new_prefix())
        try:
            answers = run_probes(ctx)
        finally:
            cleanup(ctx)
        write_fixture(document(answers, "emulator", "emulator"), FIXTURE, target.key)
    print(f"wrote {FIXTURE} ({len(answers)} probes, source: emulator)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
