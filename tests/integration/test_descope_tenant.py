# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_tenant / descope_tenant_info through real ansible-playbook runs against the emulator."""

from __future__ import annotations

import typing as t

import pytest

pytestmark = pytest.mark.integration

T = "descope.mgmt.descope_tenant"
INFO = "descope.mgmt.descope_tenant_info"


def task(name: str, args: dict[str, t.Any] | None = None, module: str = T, **extra: t.Any) -> dict[str, t.Any]:
    return {"name": name, module: args or {}, **extra}


def tenants_in(emulator: t.Any) -> dict[str, dict[str, t.Any]]:
    return {x["id"]: x for x in emulator.state()["tenants"]}


def actions(result: dict[str, t.Any]) -> list[tuple[str, str]]:
    return [(x["id"], x["action"]) for x in result["tenants"]]


@pytest.mark.slow
@pytest.mark.smoke
def test_create_update_delete_and_second_run_unchanged(playbook: t.Any, emulator: t.Any) -> None:
    tasks = [
        task("create", {"id": "acme", "name": "Acme", "self_provisioning_domains": ["Acme.com"], "custom_attributes": {"plan": "pro"}}),
        task("update", {"id": "acme", "disabled": True}),
        task("create by name", {"name": "Nameless Co"}),
    ]
    run = playbook.run(tasks)
    assert run.rc == 0, run.stdout
    assert run.task("create")["tenant"]["action"] == "created" and run.task("update")["tenant"]["action"] == "updated"
    generated = run.task("create by name")["tenant"]["id"]
    stored = tenants_in(emulator)
    assert stored["acme"]["disabled"] is True and stored["acme"]["customAttributes"] == {"plan": "pro"} and generated in stored
    emulator.clear_log()
    again = playbook.run(tasks)
    assert again.rc == 0 and all(x["status"] == "ok" for x in again.tasks)
    assert emulator.writes() == []
    gone = playbook.run([task("delete", {"id": "acme", "state": "absent"}), task("delete again", {"id": "acme", "state": "absent"})])
    assert gone.status("delete") == "changed" and gone.status("delete again") == "ok" and "acme" not in tenants_in(emulator)


@pytest.mark.smoke
def test_check_mode_predicts_exactly_and_writes_nothing(playbook: t.Any, emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "upd", "name": "Upd"}, {"id": "old", "name": "Old"}, {"id": "same", "name": "Same"}])
    declared = [{"id": "upd", "name": "Upd", "disabled": True}, {"id": "same", "name": "Same"}, {"id": "new", "name": "New"}]
    tasks = [task("sync", {"tenants": declared, "prune": True})]
    emulator.clear_log()
    check = playbook.run(tasks, check=True, diff=True)
    assert check.rc == 0 and emulator.writes() == []
    predicted = check.task("sync")
    assert predicted["descope_audit"]["check_mode"] is True
    assert sorted(actions(predicted)) == [("new", "created"), ("old", "deleted"), ("same", "unchanged"), ("upd", "updated")]
    real = playbook.run(tasks)
    assert sorted(actions(real.task("sync"))) == sorted(actions(predicted))
    assert real.task("sync")["descope_audit"]["counts"] == predicted["descope_audit"]["counts"]
    assert len(emulator.writes()) == 3 and set(tenants_in(emulator)) == {"upd", "same", "new"}


def test_diff_shows_before_and_after_of_managed_fields(playbook: t.Any, emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "d1", "name": "D1", "selfProvisioningDomains": ["d1.com"], "federatedAppIds": ["fa"]}])
    run = playbook.run([task("change", {"id": "d1", "self_provisioning_domains": ["d1.com", "d1.io"]})], diff=True)
    diff = run.task("change")["diff"]
    assert diff == [
        {
            "before_header": "tenant d1 (before)",
            "after_header": "tenant d1 (after update)",
            "before": {"id": "d1", "name": "D1", "self_provisioning_domains": ["d1.com"]},
            "after": {"id": "d1", "name": "D1", "self_provisioning_domains": ["d1.com", "d1.io"]},
        }
    ]
    assert '+    "d1.io"' in run.stdout or "d1.io" in run.stdout
    assert tenants_in(emulator)["d1"]["federatedAppIds"] == ["fa"]


def test_prune_keeps_protected_ids(playbook: t.Any, emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "keep", "name": "Keep"}, {"id": "staff", "name": "Staff"}, {"id": "p", "name": "P"}, {"id": "c", "name": "C", "parent": "p"}])
    run = playbook.run([task("prune", {"tenants": [{"id": "keep", "name": "Keep"}], "prune": True, "protected_ids": ["staff"]})])
    assert run.rc == 0
    assert sorted(actions(run.task("prune"))) == [("c", "deleted"), ("keep", "unchanged"), ("p", "deleted")]
    assert set(tenants_in(emulator)) == {"keep", "staff"}
    deletes = [w["seq"] for w in emulator.writes()]
    assert len(deletes) == 2


def test_validation_errors_reported_together_with_zero_writes(playbook: t.Any, emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "ex", "name": "Existing", "selfProvisioningDomains": ["ex.com"]}])
    emulator.clear_log()
    declared = [
        {"id": "a", "name": "A", "self_provisioning_domains": ["ex.com"]},
        {"id": "a", "name": "A again"},
        {"id": "b", "name": "B", "parent_tenant_id": "ghost"},
        {"id": "c", "name": "C", "self_provisioning_domains": ["http://c.com"], "enforce_sso": "sometimes"},
    ]
    run = playbook.run([task("bad", {"tenants": declared})])
    assert run.rc != 0
    result = run.task("bad")
    found = sorted((p["index"], p["field"]) for p in result["validation_errors"])
    assert found == [(0, "self_provisioning_domains[0]"), (1, "id"), (2, "parent_tenant_id"), (3, "enforce_sso"), (3, "self_provisioning_domains[0]")]
    assert "nothing was written" in result["msg"] and emulator.writes() == []
    assert [r["path"] for r in emulator.requests()] == ["/v1/mgmt/tenant/all"]


@pytest.mark.slow
def test_unmentioned_fields_are_not_reset(playbook: t.Any, emulator: t.Any) -> None:
    emulator.seed(
        tenants=[
            {
                "id": "u",
                "name": "U",
                "enforceSSO": True,
                "enforceSSOExclusions": ["U1"],
                "federatedAppIds": ["app"],
                "roleInheritance": "userOnly",
                "customAttributes": {"tier": 2},
                "defaultRoles": ["viewer"],
                "selfProvisioningDomains": ["u.com"],
            }
        ],
        customAttributes=[{"id": "tier", "type": "number"}],
        roles=[{"name": "viewer"}],
    )
    run = playbook.run([task("rename", {"id": "u", "name": "U renamed"}), task("set", {"tenants": [{"id": "u", "disabled": True}]})])
    assert run.rc == 0
    stored = tenants_in(emulator)["u"]
    assert stored["name"] == "U renamed" and stored["disabled"] is True
    for key, value in {
        "enforceSSO": True,
        "enforceSSOExclusions": ["U1"],
        "federatedAppIds": ["app"],
        "roleInheritance": "userOnly",
        "customAttributes": {"tier": 2},
        "defaultRoles": ["viewer"],
        "selfProvisioningDomains": ["u.com"],
    }.items():
        assert stored[key] == value, key


@pytest.mark.slow
def test_parents_are_created_before_children(playbook: t.Any, emulator: t.Any) -> None:
    declared = [
        {"id": "leaf", "name": "Leaf", "parent_tenant_id": "mid"},
        {"id": "mid", "name": "Mid", "parent_tenant_id": "top"},
        {"id": "top", "name": "Top"},
    ]
    run = playbook.run([task("tree", {"tenants": declared, "concurrency": 16})])
    assert run.rc == 0
    stored = tenants_in(emulator)
    assert stored["leaf"]["parent"] == "mid" and stored["mid"]["parent"] == "top" and stored["top"]["successors"] == ["mid"]
    change = playbook.run([task("move", {"id": "leaf", "parent_tenant_id": "top"})])
    assert change.rc != 0 and "cannot change the parent" in change.task("move")["msg"]


def test_rate_limit_storm_during_set_mode_converges(playbook: t.Any, emulator: t.Any) -> None:
    emulator.config(rateLimit={"capacity": 4, "refillPerSecond": 10})
    declared = [{"id": f"r{i:02d}", "name": f"R{i}"} for i in range(25)]
    run = playbook.run([task("storm", {"tenants": declared, "concurrency": 8, "retries": 10, "retry_max_wait": 1})])
    assert run.rc == 0, run.stdout
    result = run.task("storm")
    assert result["api_requests"]["rate_limited"] > 0 and len(tenants_in(emulator)) == 25
    assert any("429" in w for w in result.get("warnings", []))


@pytest.mark.smoke
def test_write_failure_mid_set_reports_each_outcome(playbook: t.Any, emulator: t.Any) -> None:
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "status", "status": 400, "count": 1})
    declared = [{"id": "w1", "name": "W1"}, {"id": "w2", "name": "W2"}, {"id": "w3", "name": "W3"}]
    run = playbook.run([task("partial", {"tenants": declared, "concurrency": 1})])
    assert run.rc != 0
    result = run.task("partial")
    assert actions(result) == [("w1", "failed"), ("w2", "created"), ("w3", "created")]
    assert result["tenants"][0]["error"]["status"] == 400 and "1 of 3 tenant(s) failed" in result["msg"]
    assert set(tenants_in(emulator)) == {"w2", "w3"}
    rerun = playbook.run([task("partial", {"tenants": declared})])
    assert rerun.rc == 0 and actions(rerun.task("partial")) == [("w1", "created"), ("w2", "unchanged"), ("w3", "unchanged")]


def test_missing_credentials_names_option_and_env_var(playbook: t.Any, emulator: t.Any) -> None:
    run = playbook.run([task("nocreds", {"id": "x", "name": "X"})], env={"DESCOPE_MANAGEMENT_KEY": None})
    assert run.rc != 0
    msg = run.task("nocreds")["msg"]
    assert "management_key" in msg and "DESCOPE_MANAGEMENT_KEY" in msg and emulator.requests() == []


def test_module_defaults_group_precedence(playbook: t.Any, emulator: t.Any) -> None:
    play = {"module_defaults": {"group/descope.mgmt.descope": {"project_id": emulator.project_id, "management_key": emulator.management_key}}}
    wrong_env = {"DESCOPE_MANAGEMENT_KEY": "K2WrongKeyFromTheEnvironment000001"}
    run = playbook.run(
        [
            task("defaults win over env", {"id": "md", "name": "MD"}),
            task("task arg wins over defaults", {"id": "md", "management_key": "K2WrongKeyOnTheTask00000000001"}, ignore_errors=True),
        ],
        env=wrong_env,
        play=play,
    )
    assert run.status("defaults win over env") == "changed"
    assert run.task("task arg wins over defaults")["error"]["status"] == 401
    assert "K2WrongKeyOnTheTask" not in run.stdout and emulator.management_key not in run.stdout


def test_info_round_trip_adopts_a_project_unchanged(playbook: t.Any, emulator: t.Any) -> None:
    emulator.seed(
        tenants=[
            {
                "id": "p",
                "name": "Parent",
                "selfProvisioningDomains": ["P.com", "a.p.com"],
                "customAttributes": {"n": 3, "tags": ["x"], "ok": True},
                "enforceSSO": True,
                "enforceSSOExclusions": ["u2", "u1"],
                "defaultRoles": ["b", "a"],
                "federatedAppIds": ["f"],
            },
            {"id": "c", "name": "Child", "parent": "p", "disabled": True},
            {"id": "plain", "name": "Plain"},
        ],
        customAttributes=[{"id": "n", "type": "number"}, {"id": "tags", "type": "multiselect", "options": ["x", "y"]}, {"id": "ok", "type": "boolean"}],
        roles=[{"name": "a"}, {"name": "b"}],
    )
    emulator.clear_log()
    run = playbook.run(
        [
            task("read", module=INFO, register="info"),
            task("apply", {"tenants": "{{ info.tenants }}", "prune": True}),
            task("search", {"self_provisioning_domains": ["p.com"]}, module=INFO),
        ]
    )
    assert run.rc == 0, run.stdout
    assert run.task("read")["tenants"][0] == {
        "id": "p",
        "name": "Parent",
        "self_provisioning_domains": ["a.p.com", "p.com"],
        "custom_attributes": {"n": 3, "tags": ["x"], "ok": True},
        "enforce_sso": True,
        "enforce_sso_exclusions": ["u1", "u2"],
        "disabled": False,  # every managed field, empty and false ones too (issue 12)
        "default_roles": ["a", "b"],
    }
    assert not run.task("apply")["changed"] and emulator.writes() == []
    assert [x["id"] for x in run.task("search")["tenants"]] == ["p"]


def test_info_in_check_mode_still_reads(playbook: t.Any, emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "x", "name": "X"}])
    run = playbook.run([task("read", {"ids": ["x"]}, module=INFO)], check=True)
    assert run.task("read")["tenants"] == [
        {
            "id": "x",
            "name": "X",
            "self_provisioning_domains": [],
            "custom_attributes": {},
            "enforce_sso": False,
            "enforce_sso_exclusions": [],
            "disabled": False,
            "default_roles": [],
        }
    ]


@pytest.mark.slow
@pytest.mark.parametrize("in_process", ["true", "false"])
def test_loop_of_single_mode_tasks(playbook: t.Any, emulator: t.Any, in_process: str) -> None:
    items = [{"id": f"loop{i}", "name": f"Loop {i}", "disabled": i % 2 == 0} for i in range(6)]
    tasks = [task("loop", {"id": "{{ item.id }}", "name": "{{ item.name }}", "disabled": "{{ item.disabled }}"}, loop=items)]
    first = playbook.run(tasks, env={"DESCOPE_MGMT_IN_PROCESS": in_process})
    assert first.rc == 0, first.stdout
    results = first.task("loop")["results"]
    assert [r["tenant"]["action"] for r in results] == ["created"] * 6
    assert [r["tenant"]["after"] for r in results] == [{"id": x["id"], **{k: v for k, v in x.items() if k != "id"}} for x in items]
    stored = tenants_in(emulator)
    assert all(stored[x["id"]].get("disabled", False) is x["disabled"] for x in items)
    emulator.clear_log()
    second = playbook.run(tasks, env={"DESCOPE_MGMT_IN_PROCESS": in_process})
    assert [r["tenant"]["action"] for r in second.task("loop")["results"]] == ["unchanged"] * 6 and emulator.writes() == []


@pytest.mark.slow
def test_module_path_and_action_path_give_identical_results(playbook: t.Any, emulator: t.Any) -> None:
    same = {"tenants": [{"id": "same", "name": "Same", "federatedAppIds": ["f"]}], "customAttributes": [{"id": "a", "type": "number"}]}
    emulator.seed(**same)
    tasks = [
        task("one", {"id": "same", "name": "Same", "custom_attributes": {"a": 1}}),
        task("set", {"tenants": [{"id": "same", "name": "Same"}, {"id": "n", "name": "N"}]}),
        task("info", {"ids": ["same", "n"]}, module=INFO),
    ]
    outputs = {}
    for mode in ("true", "false"):
        emulator.reset()
        emulator.seed(**same)
        run = playbook.run(tasks, check=False, diff=True, env={"DESCOPE_MGMT_IN_PROCESS": mode})
        assert run.rc == 0, run.stdout
        outputs[mode] = {name: _stable(run.task(name)) for name in ("one", "set", "info")}
    assert outputs["true"] == outputs["false"]


def _stable(result: dict[str, t.Any]) -> dict[str, t.Any]:
    keep = ("changed", "msg", "tenant", "tenants", "diff", "missing_ids")
    out = {k: result[k] for k in keep if k in result}
    audit = dict(result["descope_audit"])
    audit["operations"] = [{k: v for k, v in op.items() if k != "duration_ms"} for op in audit["operations"]]
    out["descope_audit"] = audit
    out["api_requests"] = {k: v for k, v in result["api_requests"].items() if k != "waited"}
    return out
