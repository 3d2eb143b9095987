# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stateful model test of descope_tenant_settings: check mode is the real run, authoritative or not.

Hypothesis drives one emulator project with three tenants: someone else edits the live session settings, password
policies and SSO domains through the API (in seconds, in other units, giving a tenant its own policy), and the
collection runs generated single-mode and set-mode tasks, merging or ``authoritative`` (with sections left empty,
fields without a published default left out, out-of-bounds values). After every task it checks, as properties:

- check mode writes nothing and changes nothing;
- the real run reports the same verdict, the same tenants with the same actions, before/after and diff, and the
  same counts in ``descope_audit``;
- what the run reports is what happened: only tenants reported ``updated`` changed (session settings, password
  policy and the tenant record alike; the project's own policy never), and each updated field holds what the
  result's ``after`` says;
- a refused task fails before its first write, and a second run of an applied task changes nothing.

Each run picks the emulator's reading of a settings POST that leaves keys out (``settingsOmitted``: kept or reset)
and the status of "not found".
"""

from __future__ import annotations

import typing as t

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test
from property_profiles import budget

TENANTS = ("t1", "t2", "t3")
UNITS = ("minutes", "hours", "days", "weeks")
NO_DEFAULT = ("min_length", "lowercase", "uppercase", "number", "non_alphanumeric", "expiration", "expiration_weeks", "reuse")
NO_DEFAULT += ("reuse_amount", "lock", "lock_attempts", "any_letter", "disallowed_characters", "disallow_email_match")


def _duration(name: str, numbers: list[int], units: tuple[str, ...] = UNITS) -> st.SearchStrategy[dict[str, t.Any]]:
    return st.builds(lambda n, u: {name: n, f"{name}_unit": u}, st.sampled_from(numbers), st.sampled_from(units))


# out-of-bounds values only in a few fields, so that most generated tasks are valid
session_section = st.builds(
    lambda parts, flags: {k: v for part in parts for k, v in part.items()} | flags,
    st.lists(
        st.one_of(
            _duration("session_token_expiration", [10, 30, 3, 2], ("minutes", "hours")),
            _duration("refresh_token_expiration", [4, 12], ("weeks", "days")),
            _duration("stepup_token_expiration", [10, 5], ("minutes", "hours")),
            _duration("inactivity_time", [12, 30, 5], ("minutes", "hours")),
        ),
        max_size=3,
    ),
    st.fixed_dictionaries({}, optional={"enabled": st.booleans(), "enable_inactivity": st.booleans(), "jit_disabled": st.booleans()}),
)
policy_optional = {
    "enabled": st.booleans(),
    "temp_lock": st.booleans(),
    "temp_lock_attempts": st.sampled_from([3, 5]),
    "temp_lock_duration": st.sampled_from([5, 60]),
    "enable_password_strength": st.booleans(),
    "password_strength_score": st.sampled_from([0, 3]),
}
policy_full = st.fixed_dictionaries(
    {
        "min_length": st.sampled_from([8, 14]),
        "lowercase": st.booleans(),
        "uppercase": st.booleans(),
        "number": st.booleans(),
        "non_alphanumeric": st.booleans(),
        "expiration": st.booleans(),
        "expiration_weeks": st.sampled_from([20, 52]),
        "reuse": st.booleans(),
        "reuse_amount": st.sampled_from([10, 5]),
        "lock": st.booleans(),
        "lock_attempts": st.sampled_from([5, 3]),
        "any_letter": st.booleans(),
        "disallowed_characters": st.sampled_from(["", "<>"]),
        "disallow_email_match": st.booleans(),
    },
    optional=policy_optional,
)
policy_partial = st.fixed_dictionaries(
    {},
    optional={
        **policy_optional,
        "min_length": st.sampled_from([8, 14, 3]),
        "lock": st.booleans(),
        "lock_attempts": st.sampled_from([3, 11]),
        "temp_lock_attempts": st.sampled_from([3, 0]),
    },
)
policy_section = st.one_of(policy_partial, policy_full)


def _declaring(head: dict[str, st.SearchStrategy[t.Any]], **optional: st.SearchStrategy[t.Any]) -> st.SearchStrategy[dict[str, t.Any]]:
    """An item that declares the session, the policy or both (declaring neither is refused, and tested elsewhere)."""
    return st.one_of(
        st.fixed_dictionaries({**head, "session": session_section}, optional={"password_policy": policy_section, **optional}),
        st.fixed_dictionaries({**head, "password_policy": policy_section}, optional=optional),
    )


tenant_item = _declaring({"tenant_id": st.sampled_from((*TENANTS, "ghost"))})
options = {"authoritative": st.booleans(), "allow_empty_reset": st.booleans()}
single_task = _declaring({"tenant_id": st.sampled_from(TENANTS)}, **options)
set_task = st.fixed_dictionaries({"tenants": st.lists(tenant_item, min_size=1, max_size=3, unique_by=lambda i: str(i["tenant_id"]))}, optional=options)

SPECIAL = {"jit_disabled": "JITDisabled"}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return SPECIAL.get(name) or head + "".join(p.capitalize() for p in rest)


def _rows(result: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    rows = result.get("tenant_settings")
    return rows if isinstance(rows, list) else [rows] if isinstance(rows, dict) else []


def _items(result: dict[str, t.Any]) -> list[tuple[t.Any, ...]]:
    return [(i.get("id"), str(i.get("action", "")).replace("would be ", ""), i.get("before"), i.get("after")) for i in _rows(result)]


def _counts(result: dict[str, t.Any]) -> t.Any:
    return (result.get("descope_audit") or {}).get("counts")


class TenantSettingsModel(RuleBasedStateMachine):
    def __init__(self, engine: t.Any) -> None:
        super().__init__()
        self.engine = engine
        self.server = engine.server

    def live(self) -> dict[str, t.Any]:
        api = self.server.api
        out: dict[str, t.Any] = {"project policy": api("GET", "/v1/mgmt/password/settings").json()}
        records = {r["id"]: r for r in api("GET", "/v1/mgmt/tenant/all").json()["tenants"]}
        for tenant in TENANTS:
            out[tenant] = {
                "session": api("GET", "/v1/mgmt/tenant/settings", params={"id": tenant}).json(),
                "password_policy": api("GET", "/v1/mgmt/password/settings", params={"tenantId": tenant}).json(),
                "record": records[tenant],
            }
        return out

    @initialize(omitted=st.sampled_from(["keep", "reset"]), not_found=st.sampled_from([404, 400]))
    def start(self, omitted: str, not_found: int) -> None:
        self.server.reset()
        tenants = [{"id": i, "name": i.upper(), "selfProvisioningDomains": [f"{i}.example"]} for i in TENANTS]
        self.server.seed(tenants=tenants, passwordSettings={"": {"minLength": 10}, "t2": {"minLength": 14, "lock": True}})
        self.server.config(settingsOmitted=omitted, notFoundStatus=not_found)
        self.server.clear_log()

    # --- someone else edits the live project through the API
    @rule(
        tenant=st.sampled_from(TENANTS),
        key=st.sampled_from(["sessionTokenExpiration", "inactivityTime", "refreshTokenExpiration"]),
        value=st.sampled_from([(600, "seconds"), (20, "minutes"), (2, "hours"), (2, "weeks")]),
        enabled=st.booleans(),
    )
    def someone_sets_a_duration(self, tenant: str, key: str, value: tuple[int, str], enabled: bool) -> None:
        current = self.server.api("GET", "/v1/mgmt/tenant/settings", params={"id": tenant}).json()
        body = {**current, "tenantId": tenant, key: value[0], f"{key}Unit": value[1], "enabled": enabled}
        self.server.api("POST", "/v1/mgmt/tenant/settings", json=body)

    @rule(tenant=st.sampled_from(TENANTS), min_length=st.sampled_from([6, 12]), lock=st.booleans())
    def someone_sets_the_policy(self, tenant: str, min_length: int, lock: bool) -> None:
        current = self.server.api("GET", "/v1/mgmt/password/settings", params={"tenantId": tenant}).json()
        body = {**current, "tenantId": tenant, "minLength": min_length, "lock": lock}
        self.server.api("POST", "/v1/mgmt/password/settings", json=body)

    @rule(tenant=st.sampled_from(TENANTS), domains=st.lists(st.sampled_from(["x.example", "y.example"]), max_size=2, unique=True))
    def someone_changes_the_tenant(self, tenant: str, domains: list[str]) -> None:
        record = {r["id"]: r for r in self.server.api("GET", "/v1/mgmt/tenant/all").json()["tenants"]}[tenant]
        body = {"id": tenant, "name": record["name"], "selfProvisioningDomains": domains}
        self.server.api("POST", "/v1/mgmt/tenant/update", json=body)

    # --- the collection's tasks
    @rule(params=single_task)
    def run_single_task(self, params: dict[str, t.Any]) -> None:
        self._run(params)

    @rule(params=set_task)
    def run_set_task(self, params: dict[str, t.Any]) -> None:
        self._run(params)

    @rule(data=st.data(), tenant=st.sampled_from(TENANTS))
    def run_task_matching_live(self, data: st.DataObject, tenant: str) -> None:
        """Aimed at the equal-but-differently-written case: declare what the tenant holds now, in another unit."""
        current = self.live()[tenant]["session"]
        session: dict[str, t.Any] = {}
        for key in ("session_token_expiration", "inactivity_time", "refresh_token_expiration"):
            number, unit = current[_camel(key)], current[_camel(key) + "Unit"]
            if unit == "seconds" and number % 60 == 0:
                number, unit = number // 60, "minutes"
            if unit in UNITS and data.draw(st.booleans()):
                session.update({key: number, f"{key}_unit": unit})
        self._run({"tenant_id": tenant, "session": session or {"enabled": current["enabled"]}})

    # --- the properties
    def _run(self, params: dict[str, t.Any]) -> None:
        engine = self.engine
        ran = engine.check_then_run("descope_tenant_settings", params, self.live)
        if ran is None:
            return  # refused in both modes, with nothing written
        predicted, result, writes, before, after = ran
        assert _items(predicted) == _items(result)
        assert predicted.get("diff") == result.get("diff")
        assert _counts(predicted) == _counts(result)
        assert bool(predicted.get("changed")) == bool(result.get("changed")) == bool(writes), (result.get("changed"), writes)
        assert after["project policy"] == before["project policy"], "the project's password policy changed"
        updated = {r["id"]: r for r in _rows(result) if str(r.get("action")) == "updated"}
        for tenant in TENANTS:
            if tenant not in updated:
                assert after[tenant] == before[tenant], f"tenant '{tenant}' changed without being reported"
                continue
            assert after[tenant]["record"] == before[tenant]["record"], f"the settings task changed tenant '{tenant}' itself"
            for section, fields in (updated[tenant].get("after") or {}).items():
                for field, value in fields.items():
                    assert after[tenant][section][_camel(field)] == value, (tenant, section, field, value, after[tenant][section])
        again, again_writes = engine.run("descope_tenant_settings", params)
        assert not again.get("failed") and not again["changed"] and again_writes == [], (again.get("msg"), _items(again))


SETTINGS = budget(30, stateful_step_count=8)


def test_check_mode_is_the_real_run(engine: t.Any) -> None:
    run_state_machine_as_test(lambda: TenantSettingsModel(engine), settings=SETTINGS)
