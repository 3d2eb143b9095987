# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generated tenant sets, valid and hostile, through descope_tenant's engine.

Property: every input is either applied (and a second run changes nothing), or rejected with
validation errors that name the item (index or id) and the field, with zero write requests. Any other
outcome (a traceback, an API error the validation should have caught) fails the test.
"""

from __future__ import annotations

import typing as t

from hypothesis import event, given
from hypothesis import strategies as st
from property_profiles import budget

# existing tenants every example starts from: a parent with a child, and a tenant owning a domain
EXISTING = [
    {"id": "e0", "name": "Existing parent", "selfProvisioningDomains": ["taken.com"]},
    {"id": "e1", "name": "Existing child", "parent": "e0"},
]
IDS = ["t1", "t2", "t3", "t4", "e0", "e1"]
OPTIONS = {"concurrency", "prune", "protected_ids", "tenants"}

ids = st.sampled_from(IDS)
bad_scalars = st.sampled_from([0, 1.5, True, [], {}, "", "has space"])
names = st.sampled_from(["Acme", "Beta", "Existing parent", "Existing child", "acme", "Ünïcode ✓"])
domains = st.sampled_from(["acme.com", "beta.io", "taken.com", "ACME.com", "xn--bcher-kva.example"])
bad_domains = st.sampled_from(["@acme.com", "http://acme.com", "acme", "*.acme.com", "a..com", "-x.com", " "])
# Tenant custom attributes are typed per project (the emulator's built-in project, like the real API):
# a valid value matches its definition. plan: singleselect, seats: number, beta: boolean, features: multiselect.
attr_values = {
    "plan": st.sampled_from(["free", "starter", "pro", "enterprise"]),
    "seats": st.one_of(st.integers(-5, 5), st.floats(0, 10, allow_nan=False)),
    "beta": st.booleans(),
    "features": st.lists(st.sampled_from(["audit", "scim", "sso"]), max_size=2, unique=True),
}


VALID = {
    "id": ids,
    "name": names,
    "self_provisioning_domains": st.lists(domains, max_size=2),
    "custom_attributes": st.fixed_dictionaries({}, optional=attr_values),
    "enforce_sso": st.booleans(),
    "disabled": st.booleans(),
    "parent_tenant_id": ids,
    "default_roles": st.lists(st.sampled_from(["viewer", "admin"]), max_size=2),
    "state": st.sampled_from(["present", "present", "absent"]),
    "cascade": st.booleans(),
}
INVALID = {
    "id": bad_scalars,
    "name": bad_scalars,
    "self_provisioning_domains": st.one_of(st.lists(bad_domains, min_size=1, max_size=2), bad_scalars),
    "custom_attributes": st.one_of(st.just({"plan": {"nested": 1}}), st.just({"seats": [1, 2]}), bad_scalars),
    "enforce_sso": st.sampled_from(["yes", 1]),
    "disabled": st.sampled_from(["no", 0]),
    "parent_tenant_id": st.sampled_from(["nope", "", 7]),
    "default_roles": st.one_of(st.just([1]), bad_scalars),
    "state": st.sampled_from(["gone", 1]),
    "cascade": st.sampled_from(["sure"]),
    "bogus_key": st.just("x"),
}
# well-formed items (which may still clash: duplicates, unknown parents, taken names and domains) ...
valid_item = st.fixed_dictionaries({"id": ids, "name": names}, optional={k: v for k, v in VALID.items() if k not in ("id", "name")})
# ... and items where any field may hold a wrong type or value, or the item is not a mapping at all
any_item = st.one_of(
    st.fixed_dictionaries({}, optional={k: st.one_of(VALID.get(k, st.nothing()), v) for k, v in INVALID.items()}),
    st.sampled_from([None, "t1", 5, ["t1"]]),
)


task = st.fixed_dictionaries(
    {"tenants": st.one_of(st.lists(valid_item, max_size=5), st.lists(st.one_of(valid_item, any_item), max_size=6))},
    optional={
        "prune": st.booleans(),
        "protected_ids": st.lists(ids, max_size=2),
        "concurrency": st.sampled_from([1, 4, 0, 17]),
        "allow_duplicate_domains": st.booleans(),
    },
)


def check_rejection(result: dict[str, t.Any], writes: list[dict[str, t.Any]]) -> None:
    if result.get("argument_errors"):
        # refused by Ansible's own argument-spec validation (an item that is not a mapping...): before any request
        assert writes == [] and result["msg"], result
        return
    assert result["error"]["kind"] == "validation", result  # anything else slipped past validation
    assert writes == [], "a rejected input must not cause a single write"
    problems = result["validation_errors"]
    assert problems and result["error"]["count"] == len(problems)
    for problem in problems:
        assert problem["field"] and problem["message"] and problem["fix"], problem
        if problem["field"].split(".")[0].split("[")[0] not in OPTIONS:
            assert "index" in problem or "id" in problem, f"problem names no item: {problem}"
    assert "nothing was written" in result["msg"]


@budget(150)
@given(params=task)
def test_any_tenant_set_is_applied_or_rejected_cleanly(engine: t.Any, params: dict[str, t.Any]) -> None:
    engine.fresh(EXISTING)
    # check mode first: the same verdict, and never a write
    predicted, check_writes = engine.run("descope_tenant", params, check=True)
    assert check_writes == []
    result, writes = engine.run("descope_tenant", params)
    assert bool(predicted.get("failed")) == bool(result.get("failed")), (predicted.get("msg"), result.get("msg"))
    if result.get("failed"):
        event("rejected")
        check_rejection(result, writes)
        return
    event("applied" if result["changed"] else "no change")
    assert [i["action"] for i in result["tenants"]] == [i["action"].replace("would be ", "") for i in predicted["tenants"]]
    assert all(i["action"] != "failed" for i in result["tenants"]), result["tenants"]
    # applied: running the same input again is a no-op with zero writes
    again, again_writes = engine.run("descope_tenant", params)
    assert not again.get("failed") and not again["changed"], again.get("msg")
    assert again_writes == []


@budget(40)
@given(parents=st.lists(st.sampled_from(["c1", "c2", "c3"]), min_size=3, max_size=3))
def test_parent_cycles_among_new_tenants_are_rejected(engine: t.Any, parents: list[str]) -> None:
    """c1..c3 created in one task with generated parents: a cycle (or self-parent) is never half-created."""
    engine.fresh()
    tenants = [{"id": f"c{n}", "name": f"C{n}", "parent_tenant_id": parent} for n, parent in enumerate(parents, start=1)]
    result, writes = engine.run("descope_tenant", {"tenants": tenants})
    # every tenant has a parent among the three, so the graph always contains a cycle: nothing can be created
    assert result.get("failed"), result.get("msg")
    check_rejection(result, writes)
    assert any(p["field"] == "parent_tenant_id" for p in result["validation_errors"])
