# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stateful model test of descope_tenant: check mode is the real run, under every reading of tenant delete.

Hypothesis drives a sequence of steps against one emulator project: someone else edits the live tenants through
the API (creates with parents, deletes, renames), and the collection runs generated set-mode and single-mode tasks.
After every task it checks, as properties rather than examples:

- check mode writes nothing and changes nothing;
- the real run reports the same verdict, the same items with the same actions, before/after and diff, and the same
  counts in ``descope_audit``;
- what the run reports is what happened: the tenants that disappeared are exactly the reported deletes, the new
  ones exactly the reported creates, and no unreported tenant changed (a cascade or a detached child is caught);
- a refused task fails before its first write, and a second run of an applied task changes nothing.

What a delete does to sub-tenants is unpublished (tests/emulator/tenants.py), so each run picks one of the
emulator's readings, and whether answers carry ``successors``.
"""

from __future__ import annotations

import typing as t

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from property_profiles import budget

READINGS = ("cascade", "detach", "delete", "refuse")
POOL = ("a", "b", "c", "d", "e", "f")
NAMES = ("Alpha", "Beta", "Gamma", "Delta")

ids = st.sampled_from(POOL)
present_item = st.fixed_dictionaries(
    {"id": ids},
    optional={
        "name": st.sampled_from(NAMES),
        "parent_tenant_id": ids,
        "disabled": st.booleans(),
        "self_provisioning_domains": st.lists(st.sampled_from(["a.com", "b.io"]), max_size=1),
    },
)
absent_item = st.fixed_dictionaries({"id": ids, "state": st.just("absent")}, optional={"cascade": st.booleans()})
set_task = st.fixed_dictionaries(
    {"tenants": st.lists(st.one_of(present_item, absent_item), max_size=5)},
    optional={
        "prune": st.booleans(),
        "protected_ids": st.lists(ids, max_size=2, unique=True),
        "max_deletes": st.integers(0, 4),
        "allow_empty_prune": st.booleans(),
        "max_delete_ratio": st.sampled_from([0.5, 1.0]),
    },
)
single_task = st.one_of(present_item, absent_item)
live_tenant = st.fixed_dictionaries({"id": ids, "name": st.sampled_from(NAMES)}, optional={"parent": ids})


def _items(result: dict[str, t.Any]) -> list[tuple[t.Any, ...]]:
    """What a result says about each tenant, with check mode's wording made the real run's."""
    rows = result.get("tenants") or ([result["tenant"]] if isinstance(result.get("tenant"), dict) else [])
    return [(i.get("id"), str(i.get("action", "")).replace("would be ", ""), i.get("before"), i.get("after")) for i in rows]


def _counts(result: dict[str, t.Any]) -> t.Any:
    audit = result.get("descope_audit") or {}
    return audit.get("counts")


class TenantModel(RuleBasedStateMachine):
    def __init__(self, engine: t.Any) -> None:
        super().__init__()
        self.engine = engine
        self.server = engine.server

    def live(self) -> dict[str, dict[str, t.Any]]:
        """Every tenant, without ``successors``: a parent's list follows its children's deletes by definition."""
        answer = self.server.api("GET", "/v1/mgmt/tenant/all").json()
        return {r["id"]: {k: v for k, v in r.items() if k != "successors"} for r in answer.get("tenants") or []}

    @initialize(reading=st.sampled_from(READINGS), successors=st.booleans(), seed=st.lists(live_tenant, max_size=5))
    def start(self, reading: str, successors: bool, seed: list[dict[str, t.Any]]) -> None:
        self.engine.fresh()
        self.server.config(tenantDeleteChildren=reading, tenantAnswersSuccessors=successors)
        for tenant in seed:
            self.someone_creates(tenant["id"], tenant["name"], tenant.get("parent"))

    @rule(tenant_id=ids, name=st.sampled_from(NAMES), parent=st.one_of(st.none(), ids))
    def someone_creates(self, tenant_id: str, name: str, parent: str | None) -> None:
        live = self.live()
        if tenant_id in live or any(r.get("name") == name for r in live.values()):
            return
        body = {"id": tenant_id, "name": name, **({"parent": parent} if parent in live else {})}
        assert self.server.api("POST", "/v1/mgmt/tenant/create", json=body).status_code == 200

    @rule(tenant_id=ids, cascade=st.booleans())
    def someone_deletes(self, tenant_id: str, cascade: bool) -> None:
        if tenant_id in self.live():
            # under "refuse" a tenant with sub-tenants stays: either answer is the live world
            self.server.api("POST", "/v1/mgmt/tenant/delete", json={"id": tenant_id, "cascade": cascade})

    @rule(params=set_task)
    def run_set_task(self, params: dict[str, t.Any]) -> None:
        self._run(params)

    @rule(params=single_task)
    def run_single_task(self, params: dict[str, t.Any]) -> None:
        self._run(params)

    @rule(data=st.data())
    def run_task_about_live_tenants(self, data: st.DataObject) -> None:
        """Aimed at what the pool rarely hits: deleting a live tenant (a parent, often), some of its sub-tenants
        declared absent too, new tenants placed under live ones, in set or single mode."""
        live = sorted(self.live())
        if not live:
            return
        target = data.draw(st.sampled_from(live))
        kids = sorted(i for i, r in self.live().items() if r.get("parent") == target)
        items: list[dict[str, t.Any]] = [{"id": target, "state": "absent", "cascade": data.draw(st.booleans())}]
        if kids:
            items += [{"id": k, "state": "absent"} for k in data.draw(st.lists(st.sampled_from(kids), unique=True))]
        if data.draw(st.booleans()):
            free = [i for i in POOL if i not in live]
            if free:
                items.append({"id": free[0], "name": "Zeta", "parent_tenant_id": data.draw(st.sampled_from(live))})
        items = data.draw(st.permutations(items))
        if len(items) == 1 and data.draw(st.booleans()):
            self._run(dict(items[0]))
        else:
            self._run({"tenants": items, **data.draw(st.fixed_dictionaries({}, optional={"prune": st.booleans()}))})

    def _run(self, params: dict[str, t.Any]) -> None:
        engine = self.engine
        ran = engine.check_then_run("descope_tenant", params, self.live)
        if ran is None:
            return  # refused in both modes, with nothing written
        predicted, result, _writes, before, after = ran
        assert _items(predicted) == _items(result)
        assert predicted.get("diff") == result.get("diff")
        assert _counts(predicted) == _counts(result)
        actions = {row[0]: row[1] for row in _items(result)}
        assert set(before) - set(after) == {i for i, a in actions.items() if a == "deleted"}, (before, after, actions)
        assert set(after) - set(before) == {i for i, a in actions.items() if a == "created"}, (before, after, actions)
        for tenant_id in set(before) & set(after):
            if actions.get(tenant_id) != "updated":
                assert before[tenant_id] == after[tenant_id], f"'{tenant_id}' changed without being reported"
        again, again_writes = engine.run("descope_tenant", params)
        assert not again.get("failed") and not again["changed"] and again_writes == [], again.get("msg")

    @invariant()
    def parents_exist(self) -> None:
        live = self.live()
        for record in live.values():
            assert not record.get("parent") or record["parent"] in live, record


SETTINGS = budget(60, stateful_step_count=8)


def test_check_mode_is_the_real_run(engine: t.Any) -> None:
    run_state_machine_as_test(lambda: TenantModel(engine), settings=SETTINGS)
