# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant engine tests: the real planning/validation/apply code in process against the emulator."""

from __future__ import annotations

import typing as t

import pytest
from harness import run_spec

from ansible_collections.descope.mgmt.plugins.module_utils import _change, _tenant
from ansible_collections.descope.mgmt.plugins.module_utils._tenant._validate import Checks


def run(emulator: t.Any, params: dict[str, t.Any], check: bool = False, diff: bool = False, info: bool = False) -> dict[str, t.Any]:
    warnings: list[str] = []
    result = run_spec(_tenant.INFO_SPEC if info else _tenant.SPEC, params, check, diff, emulator.env, warnings.append)
    result["_warnings"] = warnings
    return result


# What the seeded tenants refer to must exist, as on the real API: attribute definitions and roles.
SEED_ATTRIBUTES = [{"id": "k", "type": "string"}]
SEED_ROLES = [{"name": name} for name in ("a", "b", "r")]


def seed(emulator: t.Any, *tenants: dict[str, t.Any]) -> None:
    emulator.seed(tenants=list(tenants), customAttributes=SEED_ATTRIBUTES, roles=SEED_ROLES)
    emulator.clear_log()


def state(emulator: t.Any) -> dict[str, dict[str, t.Any]]:
    return {x["id"]: x for x in emulator.state()["tenants"]}


def problems(result: dict[str, t.Any]) -> list[tuple[t.Any, str, str]]:
    return [(p.get("index"), p["field"], p["message"]) for p in result.get("validation_errors", [])]


# ------------------------------------------------------------------------------- pure helpers


def test_current_view_normalises_and_ignores_server_fields() -> None:
    record = {
        "id": "t1",
        "name": "T",
        "selfProvisioningDomains": ["B.com", "a.com", "b.com"],
        "createdTime": 1,
        "authType": "saml",
        "successors": ["x"],
        "domains": ["sso.com"],
        "federatedAppIds": ["f"],
        "enforceSSOExclusions": ["u2", "u1"],
    }
    view = _tenant.current_view(record)
    assert view == {
        "id": "t1",
        "name": "T",
        "self_provisioning_domains": ["a.com", "b.com"],
        "custom_attributes": {},
        "enforce_sso": False,
        "enforce_sso_exclusions": ["u1", "u2"],
        "disabled": False,
        "parent_tenant_id": None,
        "default_roles": [],
    }
    assert _tenant.compact(view) == {"id": "t1", "name": "T", "self_provisioning_domains": ["a.com", "b.com"], "enforce_sso_exclusions": ["u1", "u2"]}


def test_unwrap_accepts_flat_and_wrapped_load_answers() -> None:
    assert _tenant._unwrap({"id": "a", "name": "A"}) == {"id": "a", "name": "A"}
    assert _tenant._unwrap({"tenant": {"id": "a", "name": "A"}}) == {"id": "a", "name": "A"}
    assert _tenant._unwrap({}) is None


def test_update_body_carries_over_unmentioned_fields() -> None:
    current = {
        "id": "t",
        "name": "T",
        "enforceSSO": True,
        "federatedAppIds": ["app"],
        "roleInheritance": "userOnly",
        "customAttributes": {"a": 1},
        "createdTime": 5,
        "successors": ["c"],
        "parent": "p",
        "defaultRoles": ["r"],
    }
    body = _tenant.update_body(current, {"disabled": True})
    assert body == {
        "id": "t",
        "name": "T",
        "enforceSSO": True,
        "federatedAppIds": ["app"],
        "roleInheritance": "userOnly",
        "customAttributes": {"a": 1},
        "disabled": True,
    }


# ------------------------------------------------------------------------------- single mode


def test_single_create_then_unchanged_with_zero_writes(emulator: t.Any) -> None:
    params = {
        "id": "acme",
        "name": "Acme",
        "self_provisioning_domains": ["Acme.com", "acme.com"],
        "default_roles": ["viewer", "admin"],
        "custom_attributes": {"plan": "pro", "seats": 5},
    }
    first = run(emulator, params)
    assert first["changed"] and first["tenant"]["action"] == "created"
    stored = state(emulator)["acme"]
    assert stored["selfProvisioningDomains"] == ["acme.com"] and sorted(stored["defaultRoles"]) == ["admin", "viewer"]
    assert first["api_requests"]["writes"] == 2  # create + default roles
    emulator.clear_log()
    second = run(emulator, params)
    assert not second["changed"] and second["tenant"]["action"] == "unchanged"
    assert emulator.writes() == [] and [r["path"] for r in emulator.requests()] == ["/v1/mgmt/tenant/search"]  # one lookup by id
    assert second["descope_audit"]["counts"]["unchanged"] == 1 and second["descope_audit"]["operations"] == []


def test_create_without_id_returns_generated_id_and_then_matches_by_name(emulator: t.Any) -> None:
    created = run(emulator, {"name": "No Id Inc", "disabled": True})
    new_id = created["tenant"]["id"]
    assert new_id != "No Id Inc" and new_id in state(emulator) and created["tenant"]["after"]["id"] == new_id
    emulator.clear_log()
    again = run(emulator, {"name": "No Id Inc", "disabled": True})
    assert again["tenant"] == {"id": new_id, "action": "unchanged", "changed": False, "before": again["tenant"]["before"], "after": again["tenant"]["after"]}
    assert [r["path"] for r in emulator.requests()] == ["/v1/mgmt/tenant/search"]


def test_create_without_id_finds_the_id_when_the_answer_has_no_body(emulator: t.Any) -> None:
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "empty", "apply": True, "count": 1})
    created = run(emulator, {"name": "Quiet Answer", "default_roles": ["viewer"]})
    new_id = created["tenant"]["id"]
    assert not created.get("failed") and new_id in state(emulator)
    assert state(emulator)[new_id]["defaultRoles"] == ["viewer"]  # the follow-up call used the looked-up id


def test_update_keeps_unmentioned_fields(emulator: t.Any) -> None:
    seed(
        emulator,
        {
            "id": "t1",
            "name": "T1",
            "enforceSSO": True,
            "federatedAppIds": ["fa"],
            "roleInheritance": "userOnly",
            "customAttributes": {"k": "v"},
            "selfProvisioningDomains": ["t1.com"],
            "defaultRoles": ["r"],
            "enforceSSOExclusions": ["u"],
        },
    )
    result = run(emulator, {"id": "t1", "disabled": True}, diff=True)
    assert result["tenant"]["action"] == "updated"
    assert result["tenant"]["before"] == {"id": "t1", "name": "T1", "disabled": False}
    assert result["tenant"]["after"] == {"id": "t1", "name": "T1", "disabled": True}
    stored = state(emulator)["t1"]
    assert stored["disabled"] is True and stored["enforceSSO"] is True and stored["federatedAppIds"] == ["fa"]
    assert stored["roleInheritance"] == "userOnly" and stored["customAttributes"] == {"k": "v"} and stored["selfProvisioningDomains"] == ["t1.com"]
    assert stored["defaultRoles"] == ["r"] and stored["enforceSSOExclusions"] == ["u"]
    assert [w["path"] for w in emulator.writes()] == ["/v1/mgmt/tenant/update"]
    assert result["diff"][0]["before"]["disabled"] is False and result["diff"][0]["after"]["disabled"] is True


def test_default_roles_use_their_own_endpoint_only_when_they_differ(emulator: t.Any) -> None:
    seed(emulator, {"id": "t1", "name": "T1", "defaultRoles": ["b", "a"]})
    assert not run(emulator, {"id": "t1", "default_roles": ["a", "b"]})["changed"]
    assert emulator.writes() == []
    assert run(emulator, {"id": "t1", "default_roles": ["a"]})["changed"]
    assert [w["path"] for w in emulator.writes()] == ["/v1/mgmt/tenant/updateDefaultRoles"]


def test_absent_vs_empty_is_unchanged(emulator: t.Any) -> None:
    seed(emulator, {"id": "t1", "name": "T1"})
    result = run(
        emulator,
        {
            "id": "t1",
            "self_provisioning_domains": [],
            "custom_attributes": {},
            "enforce_sso": False,
            "disabled": False,
            "enforce_sso_exclusions": [],
            "default_roles": [],
        },
    )
    assert not result["changed"] and emulator.writes() == []


def test_check_mode_predicts_and_writes_nothing(emulator: t.Any) -> None:
    seed(emulator, {"id": "t1", "name": "T1"})
    result = run(emulator, {"id": "t1", "name": "Renamed"}, check=True, diff=True)
    assert result["changed"] and result["tenant"]["action"] == "updated" and result["descope_audit"]["check_mode"] is True
    assert result["descope_audit"]["operations"][0]["outcome"] == "check"
    assert emulator.writes() == [] and state(emulator)["t1"]["name"] == "T1"
    assert result["msg"].startswith("Check mode: would have")
    no_diff = run(emulator, {"id": "t1", "name": "Renamed"}, check=True)
    assert "diff" not in no_diff


@pytest.mark.parametrize("status", [400, 404])
def test_absent_tenant_is_unchanged_for_both_not_found_styles(emulator: t.Any, status: int) -> None:
    emulator.config(notFoundStatus=status)
    result = run(emulator, {"id": "ghost", "state": "absent"})
    assert not result["changed"] and result["tenant"]["action"] == "unchanged" and "failed" not in result


@pytest.mark.parametrize("status", [400, 404])
def test_create_by_id_works_for_both_not_found_styles(emulator: t.Any, status: int) -> None:
    # The lookup is tenant/search by id (an empty list when absent), so the unpublished not-found answer of
    # GET tenant?id= is never needed: a 400 without any not-found wording still means "create".
    emulator.config(notFoundStatus=status)
    result = run(emulator, {"id": "fresh", "name": "Fresh"})
    assert result["tenant"]["action"] == "created" and "fresh" in state(emulator)
    assert "GET" not in {r["method"] for r in emulator.requests()}


def test_delete_refused_by_an_unrelated_400_fails_instead_of_already_deleted(emulator: t.Any) -> None:
    # "unknown" in a 400 used to mean "already absent": the delete was reported done and the tenant stayed.
    seed(emulator, {"id": "t1", "name": "T1"})
    body = '{"errorCode": "E011003", "errorDescription": "Request is invalid", "errorMessage": "unknown cascade option"}'
    emulator.faults({"path": "/v1/mgmt/tenant/delete", "kind": "status", "status": 400, "body": body, "count": 1})
    result = run(emulator, {"id": "t1", "state": "absent"})
    assert result.get("failed") and "t1" in state(emulator)
    assert result["tenant"]["action"] != "deleted"


@pytest.mark.parametrize("status", [400, 404])
def test_delete_of_a_tenant_gone_since_the_read_is_met_for_both_styles(emulator: t.Any, status: int) -> None:
    calls: list[str] = []

    class Client:
        def post(self, path: str, body: t.Any = None, read: bool = False, idempotent: bool = False) -> dict[str, t.Any]:
            calls.append(path)
            from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError

            if path.endswith("/delete"):
                raise DescopeAPIError(status, "POST", path, error_description="Request is invalid")
            return {"tenants": []}

    _tenant._deleter("x", False)(Client())
    assert calls == ["/v1/mgmt/tenant/delete"] + (["/v1/mgmt/tenant/search"] if status == 400 else [])


def test_update_body_never_sends_auth_type() -> None:
    # authType is deprecated on UpdateTenantRequest (OAS: "should be set via ConfigureTenantSettings")
    body = _tenant.update_body({"id": "t", "name": "T", "authType": "saml"}, {"disabled": True})
    assert "authType" not in body and body == {"id": "t", "name": "T", "disabled": True}


@pytest.mark.parametrize("with_id", [True, False])
def test_create_whose_answer_was_lost_is_neither_duplicated_nor_failed(emulator: t.Any, with_id: bool) -> None:
    # the create happened, then the connection died before the answer: the client reads, finds it, stops
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "drop", "apply": True, "count": 1})
    params = {"name": "Lost Answer", "default_roles": ["viewer"], **({"id": "lost"} if with_id else {})}
    result = run(emulator, params)
    assert not result.get("failed"), result.get("msg")
    created = [x for x in state(emulator).values() if x["name"] == "Lost Answer"]
    assert len(created) == 1 and created[0]["defaultRoles"] == ["viewer"]
    assert result["tenant"]["id"] == created[0]["id"] and result["tenant"]["action"] == "created"
    assert [r["path"] for r in emulator.writes()].count("/v1/mgmt/tenant/create") == 1


def test_update_whose_answer_was_lost_is_repeated_not_failed(emulator: t.Any) -> None:
    seed(emulator, {"id": "t1", "name": "T1"})
    emulator.faults({"path": "/v1/mgmt/tenant/update", "kind": "drop", "apply": True, "count": 1})
    result = run(emulator, {"id": "t1", "name": "T1", "disabled": True})
    assert not result.get("failed") and state(emulator)["t1"]["disabled"] is True


def test_wrapped_load_answer_is_understood(emulator: t.Any) -> None:
    seed(emulator, {"id": "t1", "name": "T1", "disabled": True})
    emulator.config(wrapLoadTenant=True)
    result = run(emulator, {"id": "t1", "name": "T1", "disabled": True})
    assert not result["changed"] and emulator.writes() == []


def test_delete_with_cascade(emulator: t.Any) -> None:
    seed(emulator, {"id": "t1", "name": "T1", "disabled": True})
    result = run(emulator, {"id": "t1", "state": "absent", "cascade": True}, diff=True)
    assert result["tenant"]["action"] == "deleted" and result["tenant"]["before"] == {"id": "t1", "name": "T1", "disabled": True}
    assert "t1" not in state(emulator) and result["diff"][0]["after"] == {}
    assert result["descope_audit"]["counts"]["deleted"] == 1


def test_delete_that_races_a_concurrent_delete_is_not_an_error(emulator: t.Any) -> None:
    calls: list[str] = []

    class Client:
        def post(self, path: str, body: t.Any = None, read: bool = False, idempotent: bool = False) -> dict[str, t.Any]:
            calls.append(path)
            from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError

            raise DescopeAPIError(404, "POST", path, error_description="Tenant not found")

    _tenant._deleter("x", False)(Client())
    assert calls == ["/v1/mgmt/tenant/delete"]


def test_parent_change_is_a_clear_validation_error(emulator: t.Any) -> None:
    seed(emulator, {"id": "p", "name": "P"}, {"id": "q", "name": "Q"}, {"id": "c", "name": "C", "parent": "p"})
    result = run(emulator, {"id": "c", "parent_tenant_id": "q"})
    assert result["failed"] and result["error"]["kind"] == "validation"
    assert "cannot change the parent" in result["validation_errors"][0]["message"] and "'p'" in result["validation_errors"][0]["message"]
    assert emulator.writes() == []
    assert not run(emulator, {"id": "c", "parent_tenant_id": "p"})["changed"]


def test_single_mode_semantic_checks(emulator: t.Any) -> None:
    seed(emulator, {"id": "other", "name": "Taken", "selfProvisioningDomains": ["taken.com"]})
    result = run(
        emulator,
        {
            "id": "new",
            "name": "Taken",
            "self_provisioning_domains": ["taken.com", "bad_domain", "ok.com"],
            "parent_tenant_id": "nope",
            "custom_attributes": {"x": {"nested": 1}},
            "concurrency": 50,
        },
    )
    fields = sorted(p[1] for p in problems(result))
    assert fields == ["concurrency", "custom_attributes.x", "name", "parent_tenant_id", "self_provisioning_domains[0]", "self_provisioning_domains[1]"]
    assert emulator.writes() == []
    allowed = run(emulator, {"id": "new", "name": "New", "self_provisioning_domains": ["taken.com"], "allow_duplicate_domains": True})
    assert allowed["changed"] and "failed" not in allowed


def test_single_mode_rejects_set_mode_only_options(emulator: t.Any) -> None:
    result = run(emulator, {"id": "a", "name": "A", "prune": True, "protected_ids": ["x"]})
    assert sorted(p[1] for p in problems(result)) == ["protected_ids", "prune"] and emulator.writes() == []


def test_create_needs_a_name(emulator: t.Any) -> None:
    result = run(emulator, {"id": "nameless", "disabled": True})
    assert problems(result) == [(None, "name", "is required to create tenant 'nameless' (it does not exist yet).")]


def test_rename_checks_the_new_name_once(emulator: t.Any) -> None:
    seed(emulator, {"id": "a", "name": "A"}, {"id": "b", "name": "B"})
    clash = run(emulator, {"id": "a", "name": "B"})
    assert "names are unique" in clash["validation_errors"][0]["message"]
    emulator.clear_log()
    ok = run(emulator, {"id": "a", "name": "C"})
    assert ok["changed"] and [r["path"] for r in emulator.requests()] == ["/v1/mgmt/tenant/search", "/v1/mgmt/tenant/search", "/v1/mgmt/tenant/update"]


def test_create_sub_tenant_loads_the_parent(emulator: t.Any) -> None:
    seed(emulator, {"id": "p", "name": "P"})
    result = run(emulator, {"id": "c", "name": "C", "parent_tenant_id": "p"})
    assert result["changed"] and state(emulator)["c"]["parent"] == "p"


# ------------------------------------------------------------------------------- set mode


def test_set_mode_one_read_then_only_differences(emulator: t.Any) -> None:
    seed(emulator, {"id": "same", "name": "Same"}, {"id": "upd", "name": "Upd"}, {"id": "keep", "name": "Keep"})
    tenants = [{"id": "same", "name": "Same"}, {"id": "upd", "name": "Upd", "disabled": True}, {"id": "new", "name": "New"}]
    result = run(emulator, {"tenants": tenants})
    assert [(x["id"], x["action"]) for x in result["tenants"]] == [("same", "unchanged"), ("upd", "updated"), ("new", "created")]
    log = emulator.requests()
    assert [r["path"] for r in log if not r["write"]] == ["/v1/mgmt/tenant/all"] and len(log) == 3
    assert "keep" in state(emulator)  # not declared, prune off: left alone
    emulator.clear_log()
    again = run(emulator, {"tenants": tenants})
    assert not again["changed"] and len(emulator.requests()) == 1 and again["msg"] == "All 3 tenant(s) already match; nothing to do."


def test_set_mode_creates_parents_before_children_and_deletes_children_first(emulator: t.Any) -> None:
    tenants = [
        {"id": "grandchild", "name": "GC", "parent_tenant_id": "child"},
        {"id": "child", "name": "C", "parent_tenant_id": "root"},
        {"id": "root", "name": "R"},
    ]
    result = run(emulator, {"tenants": tenants, "concurrency": 8})
    assert result["changed"] and "failed" not in result
    creates = [w for w in emulator.writes() if w["path"].endswith("/create")]
    assert len(creates) == 3
    stored = state(emulator)
    assert stored["grandchild"]["parent"] == "child" and stored["child"]["parent"] == "root"
    emulator.clear_log()
    gone = run(emulator, {"tenants": [{"id": t["id"], "state": "absent"} for t in tenants]})
    assert [x["action"] for x in gone["tenants"]] == ["deleted"] * 3 and state(emulator) == {}
    phases = {c["target_id"]: c for c in gone["descope_audit"]["operations"]}
    assert set(phases) == {"root", "child", "grandchild"}


def test_deletes_children_before_parents_in_request_order(emulator: t.Any) -> None:
    """Each delete after the first fails (scripted 500), so the one tenant gone shows which delete was sent first.

    Deleting in any other order leaves a different tenant behind; the emulator's log (seq order) must show
    exactly one successful delete followed by the failed ones. Repeated until the chain is gone.
    """
    seed(
        emulator,
        {"id": "root", "name": "R"},
        {"id": "child", "name": "C", "parent": "root"},
        {"id": "grandchild", "name": "GC", "parent": "child"},
    )
    absent = {"tenants": [{"id": x, "state": "absent"} for x in ("root", "child", "grandchild")], "retries": 0, "concurrency": 8}
    remaining = [{"root", "child"}, {"root"}, set()]
    for expected in remaining:
        emulator.clear_log()
        emulator.faults({"path": "/v1/mgmt/tenant/delete", "kind": "status", "status": 500, "after": 1})
        result = run(emulator, absent)
        emulator.clear_faults()
        assert set(state(emulator)) == expected, result["msg"]
        deletes = sorted((w for w in emulator.writes() if w["path"] == "/v1/mgmt/tenant/delete"), key=lambda w: w["seq"])
        assert [w["status"] for w in deletes] == [200] + [500] * len(expected), deletes
        # the remaining tenants were declared absent too, but the first delete was the deepest child
        absent = {**absent, "tenants": [{"id": x, "state": "absent"} for x in sorted(expected)]}
        if not expected:
            break


def test_phases_order_parents_and_children() -> None:
    existing = {"r": {"id": "r", "name": "R"}, "c": {"id": "c", "name": "C", "parent": "r"}}
    changes = [
        _change.Change("tenant", "r", "delete"),
        _change.Change("tenant", "c", "delete"),
        _change.Change("tenant", "n1", "create"),
        _change.Change("tenant", "n2", "create"),
        _change.Change("tenant", "u", "update"),
    ]
    items = {"n1": _tenant.Item(0, {}), "n2": _tenant.Item(1, {})}
    items["n2"].fields = {"parent_tenant_id": "n1"}
    _tenant._assign_phases(changes, items, existing)
    phase = {c.target_id: c.phase for c in changes}
    assert phase["c"] < phase["r"] < phase["u"] < phase["n1"] < phase["n2"]


def test_prune_respects_protected_ids(emulator: t.Any) -> None:
    seed(
        emulator,
        {"id": "keep", "name": "Keep"},
        {"id": "prot", "name": "Prot"},
        {"id": "gone", "name": "Gone"},
        {"id": "gone-child", "name": "GoneChild", "parent": "gone"},
    )
    result = run(emulator, {"tenants": [{"id": "keep", "name": "Keep"}], "prune": True, "protected_ids": ["prot"]}, diff=True)
    actions = {x["id"]: x["action"] for x in result["tenants"]}
    assert actions == {"keep": "unchanged", "gone": "deleted", "gone-child": "deleted"}
    assert set(state(emulator)) == {"keep", "prot"}
    assert [w["path"] for w in emulator.writes()] == ["/v1/mgmt/tenant/delete"] * 2
    assert {d["before_header"] for d in result["diff"]} == {"tenant gone (before)", "tenant gone-child (before)"}


def test_protected_conflicts_are_validation_errors(emulator: t.Any) -> None:
    seed(emulator, {"id": "parent", "name": "Parent"}, {"id": "kid", "name": "Kid", "parent": "parent"})
    result = run(emulator, {"tenants": [{"id": "kid", "state": "absent"}], "prune": True, "protected_ids": ["kid"]})
    messages = [p[2] for p in problems(result)]
    assert any("protected_ids but declared absent" in m for m in messages)
    result = run(emulator, {"tenants": [], "prune": True, "protected_ids": ["kid"]})
    assert any("is pruned but its sub-tenant 'kid' is protected" in p[2] for p in problems(result))
    assert emulator.writes() == [] and set(state(emulator)) == {"parent", "kid"}


def test_set_mode_reports_every_problem_at_once(emulator: t.Any) -> None:
    seed(emulator, {"id": "ex", "name": "Existing", "selfProvisioningDomains": ["ex.com"]})
    tenants = [
        {"id": "a", "name": "A", "self_provisioning_domains": ["ex.com"]},  # 0: domain of an existing tenant
        {"id": "a", "name": "A2"},  # 1: duplicate id
        {"id": "b", "name": "Existing"},  # 2: name of an existing tenant
        {"id": "c", "name": "C", "parent_tenant_id": "missing"},  # 3: unknown parent
        {"id": "d", "name": "D", "disabled": "yes", "colour": "red"},  # 4: type error + unknown key
        {"id": "e", "name": "E", "self_provisioning_domains": ["not a domain"]},  # 5: domain syntax
        {"id": "f", "name": "F", "self_provisioning_domains": ["shared.com"]},  # 6 and 7: same domain twice in the task
        {"id": "g", "name": "G", "self_provisioning_domains": ["SHARED.com"]},
        {"id": "h", "name": "F"},  # 8: name twice in the task
    ]
    result = run(emulator, {"tenants": tenants, "concurrency": 0})
    found = {(p[0], p[1]) for p in problems(result)}
    expected = {
        (0, "self_provisioning_domains[0]"),
        (1, "id"),
        (2, "name"),
        (3, "parent_tenant_id"),
        (4, "disabled"),
        (4, "colour"),
        (5, "self_provisioning_domains[0]"),
        (6, "self_provisioning_domains[0]"),
        (7, "self_provisioning_domains[0]"),
        (6, "name"),
        (8, "name"),
        (None, "concurrency"),
    }
    assert found == expected, found ^ expected
    assert emulator.writes() == [] and result["msg"].startswith("The task input has 12 problem(s); nothing was written. Next steps: 1) ")
    assert all(p.get("fix") for p in result["validation_errors"])


def test_an_item_that_is_not_a_mapping_is_refused_by_the_argument_spec(emulator: t.Any) -> None:
    """tenants is a list of dicts: Ansible's own validation refuses a string item before the module runs (both paths)."""
    result = run(emulator, {"tenants": [{"id": "a", "name": "A"}, "not-a-dict"]})
    assert result["failed"] and "Elements value for option 'tenants'" in result["msg"]
    assert emulator.requests() == []


def test_set_mode_parent_declared_in_task_and_absent_parent(emulator: t.Any) -> None:
    result = run(emulator, {"tenants": [{"id": "p", "state": "absent"}, {"id": "c", "name": "C", "parent_tenant_id": "p"}]})
    assert any("deleted by this task" in p[2] for p in problems(result))
    seed(emulator, {"id": "p", "name": "P"}, {"id": "c", "name": "C", "parent": "p"})
    result = run(emulator, {"tenants": [{"id": "p", "state": "absent"}, {"id": "c", "name": "C"}]})
    assert any("is declared absent but its sub-tenant 'c' is declared present" in p[2] for p in problems(result))
    assert emulator.writes() == []


def test_rename_frees_a_name_and_deleting_frees_a_domain(emulator: t.Any) -> None:
    seed(emulator, {"id": "old", "name": "Brand", "selfProvisioningDomains": ["brand.com"]})
    tenants = [{"id": "old", "state": "absent"}, {"id": "new", "name": "Brand", "self_provisioning_domains": ["brand.com"]}]
    result = run(emulator, {"tenants": tenants})
    assert "failed" not in result and set(state(emulator)) == {"new"}


def test_write_failure_reports_every_outcome(emulator: t.Any) -> None:
    seed(emulator, {"id": "u", "name": "U"})
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "status", "status": 400, "count": 1})
    result = run(emulator, {"tenants": [{"id": "u", "name": "U", "disabled": True}, {"id": "n1", "name": "N1"}, {"id": "n2", "name": "N2"}], "concurrency": 1})
    assert result["failed"] and result["changed"]
    outcomes = {x["id"]: x["action"] for x in result["tenants"]}
    assert outcomes == {"u": "updated", "n1": "failed", "n2": "created"}
    failed = next(x for x in result["tenants"] if x["id"] == "n1")
    assert failed["error"]["status"] == 400 and failed["changed"] is False
    assert "1 of 3 tenant(s) failed" in result["msg"] and result["error"]["target_id"] == "n1"
    assert result["descope_audit"]["counts"]["failed"] == 1


def test_auth_failure_skips_remaining_writes(emulator: t.Any) -> None:
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "status", "status": 401, "count": None})
    result = run(emulator, {"tenants": [{"id": "n1", "name": "N1"}, {"id": "n2", "name": "N2"}], "concurrency": 1})
    assert [x["action"] for x in result["tenants"]] == ["failed", "skipped"] and result["failed"]


def test_rate_limit_storm_converges(emulator: t.Any) -> None:
    emulator.config(rateLimit={"capacity": 5, "refillPerSecond": 20})
    tenants = [{"id": f"t{i:02d}", "name": f"T{i}"} for i in range(30)]
    result = run(emulator, {"tenants": tenants, "concurrency": 8, "retries": 10, "retry_max_wait": 1})
    assert "failed" not in result, result["msg"]
    assert len(state(emulator)) == 30 and result["api_requests"]["rate_limited"] > 0
    assert any("429" in w for w in result["_warnings"])


def test_id_less_items_match_existing_by_name(emulator: t.Any) -> None:
    seed(emulator, {"id": "x1", "name": "Named"})
    result = run(emulator, {"tenants": [{"name": "Named", "disabled": True}, {"name": "Fresh"}]})
    assert (result["tenants"][0]["id"], result["tenants"][0]["action"]) == ("x1", "updated")
    assert result["tenants"][1]["action"] == "created" and result["tenants"][1]["id"] in state(emulator)


# ------------------------------------------------------------------------------- info


def test_info_all_ids_and_search(emulator: t.Any) -> None:
    seed(
        emulator,
        {"id": "a", "name": "A", "selfProvisioningDomains": ["a.com"], "customAttributes": {"plan": "pro"}},
        {"id": "b", "name": "B", "parent": "a", "customAttributes": {"plan": "free"}},
        {"id": "c", "name": "C", "disabled": True},
    )
    everything = run(emulator, {}, info=True)
    assert [x["id"] for x in everything["tenants"]] == ["a", "c", "b"]  # parents first
    assert everything["tenants"][0] == {
        "id": "a",
        "name": "A",
        "self_provisioning_domains": ["a.com"],
        "custom_attributes": {"plan": "pro"},
        "enforce_sso": False,
        "enforce_sso_exclusions": [],
        "disabled": False,
        "default_roles": [],
    }
    one = run(emulator, {"ids": ["c", "zz"]}, info=True)
    assert [x["id"] for x in one["tenants"]] == ["c"] and one["missing_ids"] == ["zz"]
    single = run(emulator, {"ids": ["b"]}, info=True)
    empty = {"self_provisioning_domains": [], "enforce_sso": False, "enforce_sso_exclusions": [], "disabled": False, "default_roles": []}
    assert single["tenants"] == [{"id": "b", "name": "B", "custom_attributes": {"plan": "free"}, "parent_tenant_id": "a", **empty}]
    assert run(emulator, {"self_provisioning_domains": ["A.COM"]}, info=True)["tenants"][0]["id"] == "a"
    assert [x["id"] for x in run(emulator, {"custom_attributes": {"plan": ["pro", "free"]}}, info=True)["tenants"]] == ["a", "b"]
    assert [x["id"] for x in run(emulator, {"names": ["B", "C"]}, info=True)["tenants"]] == ["c", "b"]
    assert emulator.writes() == []


def test_info_round_trips_into_set_mode_unchanged(emulator: t.Any) -> None:
    seed(
        emulator,
        {
            "id": "a",
            "name": "A",
            "selfProvisioningDomains": ["B.com", "a.com"],
            "customAttributes": {"n": 1, "l": ["x", "y"]},
            "enforceSSO": True,
            "enforceSSOExclusions": ["u2", "u1"],
            "defaultRoles": ["r2", "r1"],
            "federatedAppIds": ["f"],
        },
        {"id": "b", "name": "B", "parent": "a", "disabled": True},
    )
    tenants = run(emulator, {}, info=True)["tenants"]
    emulator.clear_log()
    result = run(emulator, {"tenants": tenants, "prune": True})
    assert not result["changed"] and emulator.writes() == [] and len(emulator.requests()) == 1


# ------------------------------------------------------------------------------- large sets (indexes, not scans)


def test_thousands_of_new_children_of_one_new_parent_are_checked_and_phased(emulator: t.Any) -> None:
    kids = [{"id": f"kid{i:04d}", "name": f"Kid {i}", "parent_tenant_id": "mother"} for i in range(1500)]
    kids[700]["parent_tenant_id"] = "gone"  # a parent deleted by this task, reported on that item only
    kids[900]["parent_tenant_id"] = "nobody"  # a parent that neither exists nor is declared
    tenants = [{"id": "mother", "name": "Mother"}, {"id": "gone", "state": "absent"}, *kids]
    seed(emulator, {"id": "gone", "name": "Gone"})
    result = run(emulator, {"tenants": tenants}, check=True)
    assert problems(result) == [
        (702, "parent_tenant_id", "parent 'gone' is deleted by this task."),
        (902, "parent_tenant_id", "parent tenant 'nobody' does not exist and is not declared in this task."),
    ]
    del kids[900], kids[700]
    emulator.clear_log()
    result = run(emulator, {"tenants": [{"id": "mother", "name": "Mother"}, *kids], "concurrency": 8})
    assert result["changed"] is True and result["descope_audit"]["counts"]["created"] == 1 + len(kids)
    assert [w["path"] for w in emulator.writes()] == ["/v1/mgmt/tenant/create"] * (1 + len(kids))
    # the emulator refuses a sub-tenant whose parent does not exist yet: the parent went first, in its own phase
    assert {x["parent"] for tid, x in state(emulator).items() if tid.startswith("kid")} == {"mother"}


def test_pruning_a_wide_tree_deletes_every_child_before_its_parent() -> None:
    existing: dict[str, dict[str, t.Any]] = {"root": {"id": "root", "name": "Root"}}
    for i in range(400):
        existing[f"c{i}"] = {"id": f"c{i}", "name": f"C{i}", "parent": "root"}
        existing[f"g{i}"] = {"id": f"g{i}", "name": f"G{i}", "parent": f"c{i}"}
    existing["odd"] = {"id": "odd", "name": "Odd", "parent": {"not": "an id"}}  # a malformed answer is no sub-tenant of anything
    changes = [_change.Change("tenant", tid, "delete") for tid in existing]
    _tenant._assign_phases(changes, {}, existing)
    phase = {c.target_id: c.phase for c in changes}
    low = phase["odd"]
    assert {phase[f"g{i}"] for i in range(400)} == {low} and {phase[f"c{i}"] for i in range(400)} == {low + 1}
    assert phase["root"] == low + 2 < 0  # every delete before the updates (phase 0)


def test_a_parent_chain_thousands_deep_is_phased_without_recursion() -> None:
    # 5,000 > the interpreter's recursion limit: the old recursive walk raised RecursionError, and its fixed
    # offset (-1000 + height) put deletes deeper than 1,000 among the updates.
    deep = 5000
    existing = {f"d{i}": {"id": f"d{i}", "name": f"D{i}", **({"parent": f"d{i - 1}"} if i else {})} for i in range(deep)}
    changes = [_change.Change("tenant", f"d{i}", "delete") for i in range(deep)]
    changes += [_change.Change("tenant", f"n{i}", "create") for i in range(deep)] + [_change.Change("tenant", "u", "update")]
    items = {f"n{i}": _tenant.Item(i, {}) for i in range(deep)}
    for i in range(1, deep):
        items[f"n{i}"].fields = {"parent_tenant_id": f"n{i - 1}"}
    items["n0"].fields = {"parent_tenant_id": f"n{deep - 1}"}  # a cycle ends the chain instead of looping
    _tenant._assign_phases(changes, items, existing)
    phase = {c.target_id: c.phase for c in changes}
    deletes = [phase[f"d{i}"] for i in range(deep)]
    assert deletes == sorted(deletes, reverse=True) and len(set(deletes)) == deep  # the deepest child first
    assert max(deletes) < phase["u"] == 0
    assert all(phase[f"n{i}"] < phase[f"n{i + 1}"] for i in range(deep - 1)) and phase["n0"] >= 1


def test_the_checks_compute_each_view_once_and_never_for_a_stale_record() -> None:
    first = {"id": "a", "name": " Acme ", "selfProvisioningDomains": ["B.com", "a.com"], "disabled": True}
    checks = Checks([], {"a": first}, {}, True)
    view = checks.view(first)
    assert view["name"] == "Acme" and view["self_provisioning_domains"] == ["a.com", "b.com"] and view["disabled"] is True
    assert checks.view(first) is view  # memoised
    second = dict(first, name="Other")  # another record (whatever its id() turns out to be) gets its own view
    assert checks.view(second)["name"] == "Other" and checks.view(first)["name"] == "Acme"


@pytest.mark.parametrize(
    "existing",
    [
        pytest.param({"p": {"id": "p", "name": "P"}, "k": {"id": "k", "name": "K", "parent": "p"}}, id="parent-link"),
        pytest.param({"p": {"id": "p", "name": "P", "successors": ["k"]}, "k": {"id": "k", "name": "K"}}, id="successors-only"),
    ],
)
def test_a_sub_tenant_known_by_either_link_blocks_its_parents_delete(existing: dict[str, t.Any]) -> None:
    item = _tenant._validate.Item(0, {"id": "p", "state": "absent"})
    checks = Checks([item], existing, {"tenants": [item.raw]}, True)
    checks.resolve()
    checks.check()
    assert [(p.index, p.field, p.id) for p in checks.problems] == [(0, "state", "p")]
    assert "('k')" in checks.problems[0].message


def test_a_delete_lists_at_most_five_sub_tenants_and_counts_the_rest() -> None:
    existing = {"p": {"id": "p", "name": "P"}, **{f"k{n}": {"id": f"k{n}", "name": f"K{n}", "parent": "p"} for n in range(8)}}
    item = _tenant._validate.Item(0, {"id": "p", "state": "absent"})
    checks = Checks([item], existing, {}, True)
    checks.resolve()
    checks.check()
    assert "'k0', 'k1', 'k2', 'k3', 'k4' and 3 more" in checks.problems[0].message


@pytest.mark.parametrize("check", [True, False])
def test_a_tenant_role_as_a_default_role_is_refused_before_any_write(emulator: t.Any, check: bool) -> None:
    # go SDK Tenant.UpdateDefaultRoles and python-sdk PR #779: tenant default roles are project roles
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}], roles=[{"name": "viewer"}, {"name": "local", "tenantId": "acme"}])
    emulator.clear_log()
    result = run(emulator, {"id": "acme", "name": "Acme", "default_roles": ["viewer", "local"]}, check=check)
    assert result["failed"] and emulator.writes() == []
    [problem] = result["validation_errors"]
    assert problem["field"] == "default_roles[1]" and "role of tenant 'acme' only" in problem["message"]
    fine = run(emulator, {"id": "acme", "name": "Acme", "default_roles": ["viewer"]}, check=check)
    assert not fine.get("failed") and fine["changed"], fine
