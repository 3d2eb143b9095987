# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Names and ids YAML reads as something else (``no``, ``2024-01-01``, ``2024``) are refused in single mode too.

Set mode always refused them (the items' schema); single mode turned ``name: no`` into a tenant named "False".
Every module that takes a name or an id, on both execution paths, real run and check mode: the task fails naming
the field and the fix (quote it), and nothing is sent to Descope.
"""

from __future__ import annotations

import typing as t

import pytest

pytestmark = pytest.mark.integration

# (module, arguments as YAML, the field the error names); unquoted on purpose
CASES: list[tuple[str, str, str]] = [
    ("descope_tenant", "{id: t1, name: no}", "name"),
    ("descope_tenant", "{id: 2024-01-01, name: T1}", "id"),
    ("descope_tenant", "{id: t1, name: T1, parent_tenant_id: 2024}", "parent_tenant_id"),
    ("descope_tenant_info", "{names: [Acme, off]}", "names[1]"),
    ("descope_role", "{name: yes, description: x}", "name"),
    ("descope_role", "{name: r1, tenant_id: 2024-01-01}", "tenant_id"),
    ("descope_role", "{name: r1, permission_names: [read, 2024]}", "permission_names[1]"),
    ("descope_role_info", "{tenant_ids: [2024-01-01]}", "tenant_ids[0]"),
    ("descope_permission", "{name: 12.5}", "name"),
    ("descope_permission_info", "{names: [true]}", "names[0]"),
    ("descope_flow", "{flow_id: on, src: flow.json}", "flow_id"),
    ("descope_flow_info", "{flow_ids: [2024]}", "flow_ids[0]"),
    ("descope_tenant_settings", "{tenant_id: 2024-01-01, session: {inactivity_time: 12}}", "tenant_id"),
    ("descope_tenant_settings_info", "{tenant_ids: [no]}", "tenant_ids[0]"),
    ("descope_sso", "{tenant_id: t1, sso_id: 2024, protocol: oidc, oidc: {name: Okta, client_id: x}}", "sso_id"),
    ("descope_sso", "{tenant_id: t1, protocol: oidc, oidc: {name: no, client_id: x}}", "oidc.name"),
    ("descope_sso_info", "{tenant_ids: [2024-01-01]}", "tenant_ids[0]"),
    ("descope_sso_admin_link", "{tenant_id: yes}", "tenant_id"),
]


def _play(check: bool) -> str:
    lines = []
    for index, (module, args, _field) in enumerate(CASES):
        lines += [f"- name: case{index}", f"  descope.mgmt.{module}: {args}", "  ignore_errors: true"]
        if check:
            lines.append("  check_mode: true")
    return "\n".join(lines) + "\n"


@pytest.mark.slow
@pytest.mark.parametrize("in_process", ["true", "false"])
def test_a_misread_name_or_id_is_refused_by_every_module_with_nothing_sent(playbook: t.Any, emulator: t.Any, in_process: str) -> None:
    emulator.seed(tenants=[{"id": "t1", "name": "T1"}])
    for check in (True, False):
        emulator.clear_log()
        run = playbook.run(_play(check), env={"DESCOPE_MGMT_IN_PROCESS": in_process})
        for index, (module, args, field) in enumerate(CASES):
            result = run.task(f"case{index}")
            assert result.get("failed"), (module, args, result)
            fields = [p["field"] for p in result.get("validation_errors") or []]
            assert fields == [field], (module, args, result.get("msg"))
            assert "must be a string" in result["msg"] and "Quote the value" in result["msg"], result["msg"]
        assert emulator.requests() == [], emulator.requests()
    assert [t_["name"] for t_ in emulator.state()["tenants"]] == ["T1"]


def test_quoted_the_same_values_are_names(playbook: t.Any, emulator: t.Any) -> None:
    tasks = """
- name: quoted
  descope.mgmt.descope_tenant: {id: "2024-01-01", name: "no"}
- name: set mode refuses the unquoted value as well
  descope.mgmt.descope_tenant: {tenants: [{id: t2, name: no}]}
  ignore_errors: true
"""
    run = playbook.run(tasks)
    assert run.task("quoted")["changed"] is True
    assert {t_["id"]: t_["name"] for t_ in emulator.state()["tenants"]} == {"2024-01-01": "no"}
    assert run.task("set mode refuses the unquoted value as well").get("failed")
