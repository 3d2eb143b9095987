# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every counterexample the tenant property and model tests ever found, as a plain test.

Each runs under every reading of what a tenant delete does to sub-tenants (tests/emulator/tenants.py) and with and
without ``successors`` in the answers: check mode and the real run must agree, and a refused task writes nothing.
"""

from __future__ import annotations

import typing as t

import pytest

READINGS = ("cascade", "detach", "delete", "refuse")
PARENT_AND_CHILD = [{"id": "e0", "name": "Parent"}, {"id": "e1", "name": "Child", "parent": "e0"}]


@pytest.fixture(params=[(r, s) for r in READINGS for s in (True, False)], ids=lambda p: f"{p[0]}-{'successors' if p[1] else 'no-successors'}")
def world(request: pytest.FixtureRequest, engine: t.Any) -> t.Any:
    engine.fresh(PARENT_AND_CHILD)
    reading, successors = request.param
    engine.server.config(tenantDeleteChildren=reading, tenantAnswersSuccessors=successors)
    return engine


def live(engine: t.Any) -> dict[str, t.Any]:
    return {r["id"]: r.get("parent") or None for r in engine.server.api("GET", "/v1/mgmt/tenant/all").json()["tenants"]}


def refused_before_any_write(engine: t.Any, params: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    predicted, check_writes = engine.run("descope_tenant", params, check=True)
    result, writes = engine.run("descope_tenant", params)
    assert predicted.get("failed") and result.get("failed"), (predicted.get("msg"), result.get("msg"))
    assert check_writes == [] and writes == [] and live(engine) == {"e0": None, "e1": "e0"}
    assert result["error"]["kind"] == "validation" and "nothing was written" in result["msg"]
    assert predicted["validation_errors"] == result["validation_errors"]
    return t.cast(list, result["validation_errors"])


def test_a_cascade_delete_under_a_new_tenant_parent_is_refused(world: t.Any) -> None:
    # found by test_tenant_properties: check mode said "t1 created, e0 deleted"; the run also removed e1, then failed
    # creating t1 under it with a 404 reported as 't1' does not exist
    params = {"tenants": [{"id": "t1", "name": "T1", "parent_tenant_id": "e1"}, {"id": "e0", "state": "absent", "cascade": True}]}
    problems = refused_before_any_write(world, params)
    assert [(p["index"], p["field"], p["id"]) for p in problems] == [(1, "state", "e0")]
    assert "sub-tenants this task does not delete ('e1')" in problems[0]["message"] and "'e1' with state: absent" in problems[0]["fix"]


@pytest.mark.parametrize("cascade", [True, False])
def test_single_mode_delete_of_a_parent_names_its_sub_tenant(world: t.Any, cascade: bool) -> None:
    # found by test_tenant_model under "delete" (e1 went too), "cascade" (e1 detached) and "refuse" (400 mid-run)
    problems = refused_before_any_write(world, {"id": "e0", "state": "absent", "cascade": cascade})
    assert [(p["field"], p["id"]) for p in problems] == [("state", "e0")]
    assert "('e1')" in problems[0]["message"] and "Delete the sub-tenants 'e1' first" in problems[0]["fix"]


def test_set_mode_delete_of_a_parent_alone_is_refused(world: t.Any) -> None:
    problems = refused_before_any_write(world, {"tenants": [{"id": "e0", "state": "absent"}]})
    assert [(p["index"], p["field"]) for p in problems] == [(0, "state")]


@pytest.mark.parametrize("cascade", [True, False])
def test_parent_and_child_declared_absent_are_two_planned_deletes_child_first(world: t.Any, cascade: bool) -> None:
    params = {"tenants": [{"id": "e0", "state": "absent", "cascade": cascade}, {"id": "e1", "state": "absent"}]}
    predicted, check_writes = world.run("descope_tenant", params, check=True)
    result, writes = world.run("descope_tenant", params)
    assert not result.get("failed") and check_writes == [], result.get("msg")
    assert [(i["id"], i["action"]) for i in predicted["tenants"]] == [("e0", "deleted"), ("e1", "deleted")]
    assert [(i["id"], i["action"]) for i in result["tenants"]] == [("e0", "deleted"), ("e1", "deleted")]
    # child first: under the "refuse" reading the parent's delete succeeds only after its sub-tenant is gone
    assert [w["path"] for w in writes] == ["/v1/mgmt/tenant/delete"] * 2 and live(world) == {}


def test_prune_counts_the_sub_tenants_it_deletes(world: t.Any) -> None:
    # prune takes e0 and e1: both are planned deletes, so max_deletes sees two
    params = {"tenants": [{"id": "n1", "name": "New"}], "prune": True, "max_deletes": 1, "max_delete_ratio": 1.0}
    problems = refused_before_any_write(world, params)
    assert any("2 of 2 existing tenant" in p["message"] and "max_deletes 1" in p["message"] for p in problems), problems
    result, writes = world.run("descope_tenant", {**params, "max_deletes": 2})
    assert not result.get("failed") and [w["path"].rsplit("/", 1)[1] for w in writes] == ["delete", "delete", "create"], result.get("msg")
    assert live(world) == {"n1": None}
