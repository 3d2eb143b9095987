# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault matrix: every module against every fault the emulator can script.

Each case runs the module once with the fault armed (in process, the audit callback attached), then
checks the contract of issue 8:

* it converges after retries, or fails with the right error kind/status, hint and printed suggestion;
* every attempted write has an audit line with its outcome, and the chain verifies;
* no silent partial state: each declared item is listed with its outcome, and what the result calls
  done really exists;
* a second run without the fault converges and writes only what is still missing.

Retry waits are kept small (Retry-After 1, retry_max_wait 2, timeout 1) so the matrix stays fast.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import pathlib
import time
import typing as t

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils import _audit

REPO = pathlib.Path(__file__).resolve().parents[2]
FLOW_FIXTURE = json.loads((REPO / "tests" / "fixtures" / "flows" / "v2" / "sign-up-or-in.json").read_text(encoding="utf-8"))
FAST = {"retries": 3, "retry_max_wait": 2, "timeout": 1}
CLOUDFLARE_PAGE = "<html><head><title>520: Web server is returning an unknown error</title></head><body>cloudflare</body></html>"
WRITE_OPS = {"create", "update", "delete", "import", "backup", "restore", "retention"}
OUTCOME_OF = {"created": "ok", "updated": "ok", "deleted": "ok", "imported": "ok", "failed": "failed", "skipped": "skipped"}


def flow_doc(flow_id: str, name: str) -> dict[str, t.Any]:
    doc = copy.deepcopy(FLOW_FIXTURE)
    doc["flow"]["flowId"] = flow_id
    doc["flow"]["metadata"]["name"] = name
    return doc


# ------------------------------------------------------------------------------------ module cases


@dataclasses.dataclass
class Module:
    """How to run one module shape and how to tell whether its goal is reached."""

    name: str
    module: str
    read: str  # the first read every run makes
    write: str | None  # the write endpoint (None: read-only module)
    ids: tuple[str, ...]  # the declared items

    def params(self, tmp: pathlib.Path) -> dict[str, t.Any]:
        if self.name == "tenant_single":
            return {"id": "solo", "name": "Solo"}
        if self.name == "tenant_set":
            return {"tenants": [{"id": i, "name": i.upper()} for i in self.ids], "concurrency": 2}
        if self.name == "tenant_info":
            return {}
        if self.name == "flow_single":
            return {"flow_id": "fault-flow", "definition": flow_doc("fault-flow", "Fault flow")}
        if self.name == "flow_dir":
            src = tmp / "flows"
            src.mkdir(exist_ok=True)
            for fid in self.ids:
                (src / f"{fid}.json").write_text(json.dumps(flow_doc(fid, fid.title())), encoding="utf-8")
            return {"src_dir": str(src), "concurrency": 2}
        if self.name == "flow_info":
            return {"dest": str(tmp / "export")}
        if self.name == "backup":
            return {"backup_dir": str(tmp / "backups"), "include": ["tenants", "flows", "theme", "snapshot"]}
        if self.name == "restore":
            return {"backup_dir": str(tmp / "backups"), "state": "restored", "backup": "latest", "include": ["tenants", "flows"]}
        raise AssertionError(self.name)

    def prepare(self, engine: t.Any, emulator: t.Any, tmp: pathlib.Path) -> None:
        """Restore needs a backup that holds the tenants, taken before the tenants are removed again."""
        if self.name != "restore":
            return
        emulator.seed(tenants=[{"id": i, "name": i.upper()} for i in self.ids])
        taken = engine.run("descope_backup", {**FAST, "backup_dir": str(tmp / "backups"), "include": ["tenants", "flows"]})
        assert not taken.failed, taken.result.get("msg")
        emulator.reset()

    def exists(self, emulator: t.Any, item: str, tmp: pathlib.Path) -> bool:
        state = emulator.state()
        if self.module == "descope_tenant" or self.name == "restore":
            return item in {x["id"] for x in state["tenants"]}
        if self.module == "descope_flow":
            return item in state["flows"]
        if self.name == "flow_info":
            return (tmp / "export" / f"{item}.json").is_file()
        if self.name == "backup":
            return backups_in(tmp) == 1
        return True

    @property
    def target_type(self) -> str:
        return "flow" if self.module == "descope_flow" else "tenant"

    def items(self, result: dict[str, t.Any]) -> list[dict[str, t.Any]]:
        for key in ("tenants", "flows"):
            if isinstance(result.get(key), list) and self.write is not None:
                return result[key]
        if isinstance(result.get("tenant"), dict):
            return [result["tenant"]]
        return []


MODULES = {
    m.name: m
    for m in (
        Module("tenant_single", "descope_tenant", "/v1/mgmt/tenant/search", "/v1/mgmt/tenant/create", ("solo",)),
        Module("tenant_set", "descope_tenant", "/v1/mgmt/tenant/all", "/v1/mgmt/tenant/create", ("ta", "tb", "tc", "td")),
        Module("tenant_info", "descope_tenant_info", "/v1/mgmt/tenant/all", None, ()),
        Module("flow_single", "descope_flow", "/v1/mgmt/flow/list", "/v2/mgmt/flow/import", ("fault-flow",)),
        Module("flow_dir", "descope_flow", "/v1/mgmt/flow/list", "/v2/mgmt/flow/import", ("fa", "fb", "fc")),
        Module("flow_info", "descope_flow_info", "/v1/mgmt/flow/list", None, ("sign-in", "sign-up-or-in")),
        Module("backup", "descope_backup", "/v1/mgmt/tenant/all", None, ("backup",)),
        Module("restore", "descope_backup", "/v1/mgmt/tenant/all", "/v1/mgmt/tenant/create", ("ra", "rb", "rc")),
    )
}


# ------------------------------------------------------------------------------------ faults


@dataclasses.dataclass
class Fault:
    """A scripted fault, where it hits, and what the run must end with."""

    name: str
    spec: dict[str, t.Any]
    on: str  # "read" | "write"
    converges: bool
    kind: str | None = None  # expected error kind when it fails
    status: int | None = None
    hint: str = ""  # a phrase of the one-line hint
    suggestion: str = ""  # a phrase of the printed recovery steps
    applied: bool | None = None  # for write faults that fail: did the write land anyway?
    params: dict[str, t.Any] = dataclasses.field(default_factory=dict)


def burst(n: int) -> dict[str, t.Any]:
    return {"kind": "rate_limit", "retryAfter": 1, "count": n}


FAULTS = [
    Fault("429-burst", burst(1), "read", True),
    Fault("429-burst", burst(2), "write", True),
    Fault(
        "429-exhausted",
        {"kind": "rate_limit", "retryAfter": 1, "count": None},
        "read",
        False,
        "api",
        429,
        "rate-limited",
        "asked to wait 1 second",
        params={"retries": 1},
    ),
    Fault("500", {"kind": "status", "status": 500, "count": 2}, "read", True),
    Fault("503", {"kind": "status", "status": 503, "count": 2}, "write", True),
    Fault("502-html", {"kind": "status", "status": 502, "count": 1, "body": CLOUDFLARE_PAGE}, "read", True),
    *[Fault(f"{s}-html", {"kind": "status", "status": s, "count": 1, "body": CLOUDFLARE_PAGE}, "write", True) for s in (520, 521, 522, 524, 530)],
    Fault(
        "503-persistent",
        {"kind": "status", "status": 503, "count": None},
        "read",
        False,
        "api",
        503,
        "server error after retries",
        "Re-run the play",
        params={"retries": 1},
    ),
    Fault(
        "503-persistent",
        {"kind": "status", "status": 503, "count": None},
        "write",
        False,
        "api",
        503,
        "server error after retries",
        "Re-run the play",
        applied=False,
        params={"retries": 1},
    ),
    Fault("drop", {"kind": "drop", "count": 1}, "read", True),
    # Every write of these modules is safe to repeat (issue 15): a create whose answer was lost reads whether it
    # landed before sending it again (``resolve``), updates/deletes/imports are idempotent. So a lost answer,
    # before or after the write landed, and a timeout all converge without a duplicate or a false failure.
    Fault("drop-before-write", {"kind": "drop", "count": 1}, "write", True),
    Fault("drop-after-write", {"kind": "drop", "apply": True, "count": 1}, "write", True),
    Fault("timeout", {"kind": "delay", "seconds": 2, "count": 1}, "read", True),
    Fault("timeout", {"kind": "delay", "seconds": 2, "count": 1}, "write", True),
    Fault("malformed", {"kind": "malformed", "count": 1}, "read", True),
    Fault("malformed-persistent", {"kind": "malformed", "count": None}, "read", False, "api", 200, "empty or non-JSON body", "proxy", params={"retries": 1}),
    Fault(
        "malformed", {"kind": "malformed", "count": 1}, "write", False, "api", 200, "may have been applied", "may or may not have been applied", applied=False
    ),
    Fault("empty", {"kind": "empty", "count": 1}, "read", True),
    # the real API may answer a void write with no body at all: applied, and a success
    Fault("empty", {"kind": "empty", "apply": True, "count": 1}, "write", True),
    Fault("401", {"kind": "status", "status": 401, "count": None}, "read", False, "api", 401, "DESCOPE_MANAGEMENT_KEY", "did not accept the management key"),
]

CASES = [
    # a delay waits out the client's timeout and then the delayed request: real seconds each
    pytest.param(m, f, id=f"{m.name}-{f.name}-{f.on}", marks=[pytest.mark.slow] if f.spec["kind"] == "delay" else [])
    for m in MODULES.values()
    for f in FAULTS
    if (f.on == "read" or m.write is not None)
    # the whole 52x family on one set-mode module; the others get one of them
    and not (f.name.startswith("52") and f.name != "520-html" and m.name != "tenant_set")
]


def path_for(module: Module, fault: Fault) -> str:
    return module.read if fault.on == "read" else t.cast(str, module.write)


def backups_in(tmp: pathlib.Path) -> int:
    """Complete backups (a manifest) under backup_dir; also fails on a half-written one left behind."""
    root = tmp / "backups"
    if not root.exists():
        return 0
    leftovers = [p for p in root.rglob("*") if p.is_dir() and p.name.startswith(".")]
    assert not leftovers, f"temporary backup directories left behind: {leftovers}"
    return len(list(root.glob("*/*/manifest.json")))


def wait_for_delayed(emulator: t.Any, since: int, limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while not any(r.get("fault") == "delay" for r in emulator.requests(since=since)):
        assert time.monotonic() < deadline, "the delayed request never finished"
        time.sleep(0.05)


def check_audit(module: Module, out: t.Any) -> None:
    """Every attempted write has one audit line carrying its outcome; the chain verifies."""
    writes = [e for e in out.audit if e["operation"] in WRITE_OPS and e["target_type"] == module.target_type]
    reported = [i for i in module.items(out.result) if i.get("action") in OUTCOME_OF]
    assert sorted((e["target_id"], e["outcome"]) for e in writes) == sorted((i["id"], OUTCOME_OF[i["action"]]) for i in reported), (out.audit, reported)
    for entry in writes:
        if entry["outcome"] == "failed":
            assert entry["error"] and entry["error"]["kind"], entry
    if module.name == "backup" and not out.failed:
        assert [(e["operation"], e["outcome"]) for e in out.audit if e["changed"]] in ([("backup", "ok")], []), out.audit
    if out.failed and not writes:
        # a failure before any write (read, auth, validation) is still on record
        assert [e["outcome"] for e in out.audit] == ["failed"], out.audit
    # issue 13: a directory with no trail (read-only modules record nothing) is "not verified", never vacuously true
    checked = _audit.verify(str(out.audit_dir))
    assert checked.verified if _audit.trail_files(str(out.audit_dir)) else "no audit trail" in str(checked.reason)


@pytest.mark.parametrize(("module", "fault"), CASES)
def test_fault(engine: t.Any, emulator: t.Any, tmp_path: pathlib.Path, module: Module, fault: Fault) -> None:
    params = {**FAST, **module.params(tmp_path), **fault.params}
    module.prepare(engine, emulator, tmp_path)
    emulator.faults(dict(fault.spec, path=path_for(module, fault)))
    since = emulator.last_seq()
    out = engine.run(module.module, params)
    emulator.clear_faults()
    if fault.spec["kind"] == "delay":
        # the client gave up after `timeout`; the server finishes the delayed request later (a write lands then)
        assert any("timed out" in w for w in out.warnings) or "timed out" in out.result.get("msg", ""), (out.warnings, out.result.get("msg"))
        wait_for_delayed(emulator, since)
    else:
        assert [r for r in out.requests if r.get("fault")], f"the fault never fired: {out.requests}"
    items = module.items(out.result)

    if fault.converges:
        assert not out.failed, out.result.get("msg")
        assert all(module.exists(emulator, i, tmp_path) for i in module.ids)
        assert all(i["action"] in ("created", "imported", "updated", "unchanged") for i in items), items
        retried = fault.spec["kind"] != "empty"  # an applied write answered with no body is a plain success
        if retried and (fault.on == "write" or fault.name.startswith("429") or fault.name[:1] == "5"):
            assert out.warnings, "a retried fault must be reported as a warning"
    else:
        assert out.failed, out.result
        error = out.result["error"]
        assert error["kind"] == fault.kind and error.get("status") == fault.status, error
        assert fault.hint in out.result["hint"], out.result["hint"]
        # the message states the problem once with numbered next steps (exact wording per class: test_hints.py)
        assert "Next steps: 1) " in out.result["msg"] and ".." not in out.result["msg"], out.result["msg"]
        assert fault.suggestion in out.printed, out.printed
        assert "Traceback" not in out.printed
        if fault.on == "write":
            # no silent partial state: every declared item is listed, and "created" means it exists
            assert sorted(i["id"] for i in items) == sorted(module.ids)
            assert {i["action"] for i in items} <= {"created", "imported", "failed", "skipped"}, items
            first = next(i for i in items if i["action"] == "failed")
            assert first.get("error"), first
            for item in items:
                if item["action"] in ("created", "imported"):
                    assert module.exists(emulator, item["id"], tmp_path), item
                if item["action"] == "skipped":
                    assert not module.exists(emulator, item["id"], tmp_path), item
            if fault.applied is not None:
                assert module.exists(emulator, first["id"], tmp_path) is fault.applied
        else:
            assert out.writes == [], "a failed read must stop the task before any write"
            if module.name == "flow_info":
                assert not list((tmp_path / "export").glob("*.json"))
            if module.name in ("backup", "restore"):
                assert backups_in(tmp_path) == (1 if module.name == "restore" else 0), "a failed backup must leave nothing behind"
    check_audit(module, out)

    # the fault is gone: a second run converges and writes only what is still missing
    missing = [i for i in module.ids if not module.exists(emulator, i, tmp_path)]
    again = engine.run(module.module, params)
    assert not again.failed, again.result.get("msg")
    assert all(module.exists(emulator, i, tmp_path) for i in module.ids)
    if module.write is not None:
        written = {i["id"] for i in module.items(again.result) if i["action"] != "unchanged"}
        assert written == set(missing), (written, missing)
        assert len(again.writes) == len(missing)
    check_audit(module, again)


@pytest.mark.parametrize("module", [MODULES["tenant_set"], MODULES["flow_dir"]], ids=lambda m: m.name)
@pytest.mark.parametrize("concurrency", [1, 4])
def test_key_revoked_in_the_middle_of_a_set(engine: t.Any, emulator: t.Any, tmp_path: pathlib.Path, module: Module, concurrency: int) -> None:
    """401 after a few writes: the rest is skipped (not hammered), each item's outcome is listed and audited."""
    ids = tuple(f"{module.ids[0][0]}{n:02d}" for n in range(10))
    module = dataclasses.replace(module, ids=ids)
    params = {**FAST, **module.params(tmp_path), "concurrency": concurrency}
    emulator.faults({"path": module.write, "kind": "status", "status": 401, "after": 3, "count": None})
    out = engine.run(module.module, params)
    assert out.failed and out.result["error"]["status"] == 401
    assert "DESCOPE_MANAGEMENT_KEY" in out.result["hint"] and "did not accept the management key" in out.printed
    items = module.items(out.result)
    actions = [i["action"] for i in items]
    assert sorted(i["id"] for i in items) == sorted(ids)
    assert actions.count("created") == 3, actions
    rejected = [r for r in out.writes if r["status"] == 401]
    # only the writes already in flight when the first 401 came back are sent; the rest are skipped
    assert 1 <= len(rejected) <= concurrency, rejected
    assert actions.count("failed") == len(rejected) and actions.count("skipped") == len(ids) - 3 - len(rejected)
    check_audit(module, out)
    emulator.clear_faults()
    again = engine.run(module.module, params)
    assert not again.failed and all(module.exists(emulator, i, tmp_path) for i in ids)
    assert len(again.writes) == len(ids) - 3


def test_backup_failing_on_its_last_read_leaves_no_backup(engine: t.Any, emulator: t.Any, tmp_path: pathlib.Path) -> None:
    """Tenants, flows and the theme were read; the snapshot read keeps failing: nothing half-written remains."""
    emulator.faults({"path": "/v1/mgmt/project/snapshot/export", "kind": "status", "status": 503, "count": None})
    out = engine.run("descope_backup", {**FAST, "retries": 1, **MODULES["backup"].params(tmp_path)})
    assert out.failed and out.result["error"]["status"] == 503 and "Re-run the play" in out.printed
    assert any(r["path"] == "/v2/mgmt/flow/export" for r in out.requests)  # it got that far
    assert backups_in(tmp_path) == 0
    assert [e["outcome"] for e in out.audit] == ["failed"]
