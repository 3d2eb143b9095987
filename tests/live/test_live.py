# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every module's round trip against a real Descope project (or anything that answers like one).

Runs only when DESCOPE_LIVE_PROJECT_ID and DESCOPE_LIVE_MANAGEMENT_KEY are set (DESCOPE_LIVE_BASE_URL optional);
otherwise the whole module is skipped with one line. Rules (CONTRIBUTING.md, "The live suite"):
- every object it creates has the run prefix ``dmlive-<UTC stamp>-<random>`` and is deleted by the test's
  finalizer and, at the latest, by the session's sweep of that prefix, also when a test fails;
- no task prunes (prune is never set), the theme is only read, existing flows are only exported;
- check mode is proven write-free by the module's own request counter (``api_requests.writes == 0``), by
  re-reading the object, and, when the target is the project's emulator, by the emulator's request log;
- the answers to the API's undocumented points are compared with (or, with DESCOPE_LIVE_RECORD=1, written to)
  tests/fixtures/live_answers.json.
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
import typing as t

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from live_target import SKIP_REASON, LiveTarget  # noqa: E402  # pylint: disable=wrong-import-position

if LiveTarget.from_env() is None:
    pytest.skip(SKIP_REASON, allow_module_level=True)

import live_probes  # noqa: E402  # pylint: disable=wrong-import-position

TENANT = "descope.mgmt.descope_tenant"


def ok(live: LiveTarget, result: t.Any) -> None:
    assert result.rc == 0, live.redact(result.stdout[-6000:] + result.stderr[-3000:])


def no_writes(live: LiveTarget, result: dict[str, t.Any], mark: int | None = None) -> None:
    """A check-mode (or no-op) task sent no write: by its own counter, and by the emulator's log (since ``mark``) when there is one."""
    assert result.get("api_requests", {}).get("writes", 0) == 0, result.get("api_requests")
    if mark is None:
        return
    writes = live.writes_since(mark)
    assert writes in (None, []), f"the emulator logged writes: {writes}"


def api_edit_tenant(live: LiveTarget, tenant_id: str, **changes: t.Any) -> None:
    """Someone edits the tenant outside Ansible (a full update built from the current record)."""
    current = live.tenant(tenant_id)
    assert current is not None
    kept = ("id", "name", "selfProvisioningDomains", "customAttributes", "enforceSSO", "enforceSSOExclusions", "disabled")
    body: dict[str, t.Any] = {k: current[k] for k in kept if k in current}
    body.update(changes)
    live.must("POST", "/v1/mgmt/tenant/update", body)


# ------------------------------------------------------------------ descope_tenant (single mode)


def test_tenant_create_noop_drift_update_delete(live: LiveTarget, run_prefix: str, created: t.Any, playbook: t.Any) -> None:
    tid = created.tenant(f"{run_prefix}-t1")
    domain = f"{run_prefix}.example.com"
    desired = {"id": tid, "name": f"{run_prefix} One", "self_provisioning_domains": [domain]}

    mark = live.log_mark()
    first = playbook.run([{"name": "create", TENANT: desired}, {"name": "again", TENANT: desired}], diff=True, callbacks=("descope.mgmt.descope_audit",))
    ok(live, first)
    assert first.task("create")["tenant"]["action"] == "created" and first.task("create")["changed"] is True
    assert first.task("again")["changed"] is False and first.task("again")["tenant"]["action"] == "unchanged"
    no_writes(live, first.task("again"))
    assert live.writes_since(mark) in (None, ["POST /v1/mgmt/tenant/create"])  # one write for both tasks
    tenant = live.tenant(tid)
    assert tenant is not None and tenant["name"] == f"{run_prefix} One" and tenant.get("selfProvisioningDomains") == [domain]
    assert (playbook.workdir / "audit").is_dir()  # the audit callback ran (and no_key_in_files scans what it wrote)

    api_edit_tenant(live, tid, name=f"{run_prefix} Edited")
    mark = live.log_mark()
    drift = playbook.run([{"name": "drift", TENANT: desired}], check=True, diff=True)
    ok(live, drift)
    result = drift.task("drift")
    assert result["changed"] is True and result["tenant"]["action"] == "updated"
    assert result["tenant"]["before"]["name"] == f"{run_prefix} Edited" and result["tenant"]["after"]["name"] == f"{run_prefix} One"
    no_writes(live, result, mark)
    assert live.tenant(tid)["name"] == f"{run_prefix} Edited"  # type: ignore[index]  # check mode wrote nothing

    renamed = dict(desired, name=f"{run_prefix} Renamed", self_provisioning_domains=[domain, f"b.{domain}"], disabled=True)
    absent = {"id": tid, "state": "absent"}
    rest = playbook.run(
        [
            {"name": "update", TENANT: renamed},
            {"name": "read back", "descope.mgmt.descope_tenant_info": {"ids": [tid]}},
            {"name": "delete", TENANT: absent},
            {"name": "delete again", TENANT: absent},
        ],
        diff=True,
    )
    ok(live, rest)
    assert rest.task("update")["tenant"]["action"] == "updated"
    [read] = rest.task("read back")["tenants"]
    assert read["name"] == f"{run_prefix} Renamed" and read["disabled"] is True
    assert sorted(read["self_provisioning_domains"]) == sorted([domain, f"b.{domain}"])
    assert rest.task("delete")["tenant"]["action"] == "deleted" and live.tenant(tid) is None
    assert rest.task("delete again")["changed"] is False
    no_writes(live, rest.task("delete again"))


# ------------------------------------------------------------------ descope_tenant (set mode) + descope_tenant_info


def test_tenant_set_mode_info_and_adoption(live: LiveTarget, run_prefix: str, created: t.Any, playbook: t.Any) -> None:
    parent, child = created.tenant(f"{run_prefix}-p"), created.tenant(f"{run_prefix}-c")
    missing = f"{run_prefix}-missing"
    tenants = [{"id": parent, "name": f"{run_prefix} Parent"}, {"id": child, "name": f"{run_prefix} Child", "parent_tenant_id": parent}]
    removal = [{"id": child, "state": "absent"}, {"id": parent, "state": "absent"}]
    run = playbook.run(
        [
            {"name": "set", TENANT: {"tenants": tenants}},
            {"name": "info", "descope.mgmt.descope_tenant_info": {"ids": [parent, child, missing]}, "register": "info"},
            {"name": "by name", "descope.mgmt.descope_tenant_info": {"names": [f"{run_prefix} Parent"]}},
            {"name": "adopt", TENANT: {"tenants": "{{ info.tenants }}"}},
            {"name": "remove", TENANT: {"tenants": removal}},
        ]
    )
    ok(live, run)
    assert {x["id"]: x["action"] for x in run.task("set")["tenants"]} == {parent: "created", child: "created"}
    info = run.task("info")
    assert sorted(x["id"] for x in info["tenants"]) == sorted([parent, child]) and info["missing_ids"] == [missing]
    assert next(x for x in info["tenants"] if x["id"] == child)["parent_tenant_id"] == parent
    assert [x["id"] for x in run.task("by name")["tenants"]] == [parent]
    adopt = run.task("adopt")  # what descope_tenant_info returns is deployed unchanged
    assert adopt["changed"] is False and {x["action"] for x in adopt["tenants"]} == {"unchanged"}
    assert adopt.get("api_requests", {}).get("writes", 0) == 0
    assert {x["id"]: x["action"] for x in run.task("remove")["tenants"]} == {parent: "deleted", child: "deleted"}
    assert live.tenant(parent) is None and live.tenant(child) is None


# ------------------------------------------------------------------ descope_flow + descope_flow_info


def test_flow_deploy_drift_export_delete(live: LiveTarget, run_prefix: str, created: t.Any, playbook: t.Any) -> None:
    sources = sorted(x for x in live.flow_ids() if not x.startswith("dmlive-"))
    wanted = os.environ.get("DESCOPE_LIVE_FLOW_SOURCE")
    if not sources or (wanted and wanted not in sources):
        pytest.skip(f"no flow to copy in the project (DESCOPE_LIVE_FLOW_SOURCE={wanted!r}, flows: {sources})")
    source = wanted or sources[0]
    theme_before = live.theme()  # only read: the suite never imports a theme into the project
    fid = created.flow(f"{run_prefix}-flow")

    flow = live.export_flow(source)  # the project's own flow, so the real API accepts the copy's content
    flow["flowId"] = fid
    flow.setdefault("metadata", {})["name"] = f"{run_prefix} flow"
    flow["metadata"]["description"] = "descope.mgmt live test copy"
    (playbook.workdir / "copy.json").write_text(json.dumps({"flow": flow}), encoding="utf-8")
    deploy = {"name": "deploy", "descope.mgmt.descope_flow": {"src": str(playbook.workdir / "copy.json")}}

    mark = live.log_mark()
    first = playbook.run([deploy, dict(deploy, name="again")], diff=True)
    ok(live, first)
    assert first.task("deploy")["flow"]["action"] == "created" and fid in live.flow_ids()
    assert first.task("again")["changed"] is False, first.task("again").get("flow")  # the export of what was imported == the file
    no_writes(live, first.task("again"))
    assert live.writes_since(mark) in (None, ["POST /v2/mgmt/flow/import"])  # one import for both tasks

    edited = live.export_flow(fid)
    edited["metadata"]["description"] = "edited outside Ansible"
    live.must("POST", "/v2/mgmt/flow/import", {"flow": edited})
    mark = live.log_mark()
    drift = playbook.run([deploy], check=True, diff=True)
    ok(live, drift)
    result = drift.task("deploy")
    assert result["changed"] is True and result["flow"]["action"] == "updated" and "description" in result["flow"]["changes"]["metadata"]
    no_writes(live, result, mark)
    assert live.export_flow(fid)["metadata"]["description"] == "edited outside Ansible"

    absent = {"name": "absent", "descope.mgmt.descope_flow": {"flow_id": fid, "state": "absent"}}
    rest = playbook.run(
        [
            dict(deploy, name="fix"),
            {"name": "export", "descope.mgmt.descope_flow_info": {"flow_ids": [fid], "dest": "exported"}},
            {"name": "redeploy", "descope.mgmt.descope_flow": {"src": str(playbook.workdir / "exported" / f"{fid}.json")}},
            absent,
            dict(absent, name="absent again"),
        ]
    )
    ok(live, rest)
    assert rest.task("fix")["flow"]["action"] == "updated"
    assert [x["id"] for x in rest.task("export")["flows"]] == [fid] and rest.task("export")["changed"] is True
    exported = json.loads((playbook.workdir / "exported" / f"{fid}.json").read_text(encoding="utf-8"))["metadata"]  # the bare object the Descope CLI reads
    assert exported["name"] == f"{run_prefix} flow" and exported["description"] == "descope.mgmt live test copy"
    assert rest.task("redeploy")["changed"] is False  # what descope_flow_info writes deploys unchanged
    assert rest.task("absent")["changed"] is True and rest.task("absent again")["changed"] is False
    assert fid not in live.flow_ids()
    assert live.theme() == theme_before


# ------------------------------------------------------------------ descope_backup


def test_backup_then_check_mode_restore(live: LiveTarget, run_prefix: str, created: t.Any, playbook: t.Any) -> None:
    tid = created.tenant(f"{run_prefix}-b1")
    live.must("POST", "/v1/mgmt/tenant/create", {"id": tid, "name": f"{run_prefix} Backed Up"})
    backup = playbook.run([{"name": "backup", "descope.mgmt.descope_backup": {"backup_dir": "backups"}}])
    ok(live, backup)
    written = backup.task("backup")["backup"]
    assert backup.task("backup")["changed"] is True and written["counts"]["tenants"] >= 1
    saved = json.loads((pathlib.Path(written["path"]) / "tenants.json").read_text(encoding="utf-8"))["tenants"]
    assert [x["name"] for x in saved if x["id"] == tid] == [f"{run_prefix} Backed Up"]

    api_edit_tenant(live, tid, name=f"{run_prefix} Changed Since")
    mark = live.log_mark()
    restore = playbook.run(
        [{"name": "restore", "descope.mgmt.descope_backup": {"backup_dir": "backups", "state": "restored", "backup": "latest"}}], check=True, diff=True
    )
    ok(live, restore)
    result = restore.task("restore")
    ours = [x for x in result["tenants"] if x["id"] == tid]
    assert result["changed"] is True and [x["action"] for x in ours] == ["updated"], ours
    assert not [x for x in result["tenants"] if x["action"] == "deleted"]  # prune is off: nothing would be deleted
    no_writes(live, result, mark)
    assert live.tenant(tid)["name"] == f"{run_prefix} Changed Since"  # type: ignore[index]


# ------------------------------------------------------------------ the answers no public source documents


def test_uncertain_answers_match_the_fixture(live: LiveTarget, run_prefix: str, created: t.Any, record_answers: bool) -> None:
    ctx = live_probes.Context(live, run_prefix)
    try:
        answers = live_probes.run_probes(ctx)
    finally:
        live_probes.cleanup(ctx)
        created.tenants.extend(ctx.created_tenants)  # checked gone by the finalizer
        created.flows.extend(ctx.created_flows)
    source = "emulator" if live.is_emulator else "live"
    path = pathlib.Path(os.environ.get("DESCOPE_LIVE_ANSWERS_FILE") or live_probes.FIXTURE)
    if record_answers:
        target_host = "emulator" if live.is_emulator else live.base_url.split("://", 1)[-1].split("/", 1)[0]
        live_probes.write_fixture(live_probes.document(answers, source, target_host), path, live.key)
        print(f"\nrecorded {len(answers)} answers ({source}) to {path}")
        return
    fixture = live_probes.load_fixture(path)
    diffs = live_probes.differences(fixture["probes"], answers)
    assert not diffs, live.redact(
        f"the {source} answers differ from {path.name} (source: {fixture['source']}):\n  "
        + "\n  ".join(diffs)
        + "\nRe-run with DESCOPE_LIVE_RECORD=1 to record these answers, then make the emulator match them "
        "(tests/emulator_tests/test_live_answers.py)."
    )
