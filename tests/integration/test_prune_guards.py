# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A prune can never empty a project by accident: the delete guards, through real ansible-playbook -vvvv runs.

Every refusal happens before the first write (the emulator's request log has no ``write``), names the count and
the option that lifts it, and the key never appears in the output or the audit trail (docs/safety.md).
"""

from __future__ import annotations

import copy
import json
import pathlib
import typing as t

import pytest

TENANT = "descope.mgmt.descope_tenant"
FLOW = "descope.mgmt.descope_flow"


def _seed_tenants(emulator: t.Any, count: int) -> list[str]:
    ids = [f"t{i}" for i in range(1, count + 1)]
    emulator.seed(tenants=[{"id": tid, "name": f"Tenant {tid}"} for tid in ids])
    emulator.clear_log()
    return ids


def _run(playbook: t.Any, tasks: list[dict[str, t.Any]], check: bool = False) -> t.Any:
    for task in tasks:
        task.setdefault("ignore_errors", True)
    return playbook.run(tasks, check=check, args=["-vvvv"], callbacks=["descope.mgmt.descope_audit"])


def _no_secret(run: t.Any, playbook: t.Any, emulator: t.Any) -> None:
    audit = "".join(p.read_text(encoding="utf-8") for p in (pathlib.Path(playbook.workdir) / "audit").rglob("*") if p.is_file())
    for text in (run.stdout, run.stderr, json.dumps(run.tasks), audit):
        assert emulator.management_key not in text


def _tenant_ids(emulator: t.Any) -> list[str]:
    return sorted(t["id"] for t in emulator.state()["tenants"])


@pytest.mark.canary
def test_tenant_prune_guards_refuse_before_any_write(playbook: t.Any, emulator: t.Any) -> None:
    ids = _seed_tenants(emulator, 5)
    tasks = [
        {"name": "empty", TENANT: {"tenants": [], "prune": True}},
        {"name": "empty role-style file", TENANT: {"tenants": [], "prune": True, "max_delete_ratio": 1}},
        {"name": "three of five", TENANT: {"tenants": [{"id": "t1", "name": "Tenant t1"}, {"id": "t2", "name": "Tenant t2"}], "prune": True}},
        {
            "name": "max deletes",
            TENANT: {"tenants": [{"id": "t1", "name": "Tenant t1"}, {"id": "t2", "name": "Tenant t2"}], "prune": True, "max_delete_ratio": 1, "max_deletes": 2},
        },
        {"name": "bad ratio", TENANT: {"tenants": [{"id": "t1", "name": "Tenant t1"}], "prune": True, "max_delete_ratio": 1.5}},
    ]
    run = _run(playbook, tasks)
    assert emulator.writes() == []
    assert _tenant_ids(emulator) == ids
    empty = run.task("empty")
    assert empty["failed"] is True and "5 of 5 existing tenant(s)" in empty["msg"] and "allow_empty_prune: true" in empty["msg"]
    # lifting the ratio does not lift the empty-set guard: emptying needs its own explicit option
    assert run.task("empty role-style file")["failed"] is True and "allow_empty_prune" in run.task("empty role-style file")["msg"]
    three = run.task("three of five")
    assert three["failed"] is True and "3 of 5 existing tenant(s)" in three["msg"] and "60%" in three["msg"] and "max_delete_ratio: 1" in three["msg"]
    assert "t3, t4, t5" in three["msg"]
    most = run.task("max deletes")
    assert most["failed"] is True and "more than max_deletes 2" in most["msg"]
    assert run.task("bad ratio")["failed"] is True and "max_delete_ratio" in run.task("bad ratio")["msg"]
    _no_secret(run, playbook, emulator)


@pytest.mark.slow
def test_tenant_prune_guards_are_lifted_only_explicitly(playbook: t.Any, emulator: t.Any) -> None:
    _seed_tenants(emulator, 4)
    keep_two = [{"id": "t1", "name": "Tenant t1"}, {"id": "t2", "name": "Tenant t2"}]
    tasks = [
        {"name": "half is allowed", TENANT: {"tenants": keep_two, "prune": True}},  # 2 of 4 = 50%: not above half
        {"name": "one of one", TENANT: {"tenants": [{"id": "new", "name": "New"}], "prune": True, "protected_ids": []}},
    ]
    check = _run(playbook, tasks, check=True)
    assert emulator.writes() == []
    assert check.task("half is allowed").get("failed") is not True
    assert sorted(x["id"] for x in check.task("half is allowed")["tenants"] if x["action"] == "deleted") == ["t3", "t4"]
    # 4 prunes of 4 existing (the one declared is new): refused in check mode too
    one = check.task("one of one")
    assert one["failed"] is True and "4 of 4 existing tenant(s)" in one["msg"]
    real = _run(playbook, [{"name": "empty on purpose", TENANT: {"tenants": [], "prune": True, "allow_empty_prune": True}}])
    assert real.task("empty on purpose").get("failed") is not True
    assert _tenant_ids(emulator) == []


def test_single_tenant_project_is_protected_by_the_ratio(playbook: t.Any, emulator: t.Any) -> None:
    _seed_tenants(emulator, 1)
    run = _run(playbook, [{"name": "replace", TENANT: {"tenants": [{"id": "other", "name": "Other"}], "prune": True}}])
    assert run.task("replace")["failed"] is True and "1 of 1 existing tenant(s) (100%" in run.task("replace")["msg"]
    assert emulator.writes() == [] and _tenant_ids(emulator) == ["t1"]


def test_flow_src_dir_with_only_a_theme_export_never_prunes_every_flow(playbook: t.Any, emulator: t.Any) -> None:
    before = sorted(emulator.state()["flows"])
    assert before, "the emulator's start state has flows"
    flows_dir = pathlib.Path(playbook.workdir) / "only-theme"
    flows_dir.mkdir()
    (flows_dir / "theme.json").write_text(json.dumps({"theme": emulator.state()["theme"] or {"styles": {}}}), encoding="utf-8")
    emulator.clear_log()
    tasks = [
        {"name": "theme only", FLOW: {"src_dir": str(flows_dir), "prune": True}},
        {"name": "theme only with the theme option", FLOW: {"src_dir": str(flows_dir), "theme": str(flows_dir / "theme.json"), "prune": True}},
    ]
    run = _run(playbook, tasks)
    for name in ("theme only", "theme only with the theme option"):
        result = run.task(name)
        assert result["failed"] is True and "holds no flow files" in result["msg"] and "allow_empty_prune" in result["msg"], result["msg"]
    assert emulator.writes() == [] and sorted(emulator.state()["flows"]) == before
    _no_secret(run, playbook, emulator)


def test_flow_prune_ratio_guard(playbook: t.Any, emulator: t.Any) -> None:
    flows = emulator.state()["flows"]
    keep = sorted(flows)[0]
    for extra in ("extra-one", "extra-two", "extra-three"):
        assert emulator.api("POST", "/v2/mgmt/flow/import", json={"flow": dict(copy.deepcopy(flows[keep]), flowId=extra)}).status_code == 200
    flows = emulator.state()["flows"]
    src = pathlib.Path(playbook.workdir) / "one-flow"
    src.mkdir()
    (src / f"{keep}.json").write_text(json.dumps({"flow": flows[keep]}), encoding="utf-8")
    emulator.clear_log()
    run = _run(playbook, [{"name": "prune", FLOW: {"src_dir": str(src), "prune": True}}])
    pruned = len(flows) - 1
    assert pruned > len(flows) / 2
    assert run.task("prune")["failed"] is True and f"{pruned} of {len(flows)} existing flow(s)" in run.task("prune")["msg"]
    assert emulator.writes() == [] and sorted(emulator.state()["flows"]) == sorted(flows)


def test_tenants_role_refuses_a_large_prune(playbook: t.Any, emulator: t.Any) -> None:
    _seed_tenants(emulator, 3)
    tasks = [
        {
            "name": "role",
            "ansible.builtin.include_role": {"name": "descope.mgmt.tenants"},
            "vars": {"tenants_list": [{"id": "t1", "name": "Tenant t1"}], "tenants_prune": True, "tenants_backup": False},
        }
    ]
    run = _run(playbook, tasks)
    assert "2 of 3 existing tenant(s)" in run.stdout and "max_delete_ratio" in run.stdout
    assert emulator.writes() == [] and _tenant_ids(emulator) == ["t1", "t2", "t3"]
