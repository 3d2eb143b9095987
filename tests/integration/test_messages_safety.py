# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Messages in the user's terms on both execution paths (issue 12): no ansible-core class names in type errors."""

from __future__ import annotations

import typing as t

import pytest

PATHS = {"in-process": {}, "module": {"DESCOPE_MGMT_IN_PROCESS": "false"}}
TENANT = "descope.mgmt.descope_tenant"
FLOW = "descope.mgmt.descope_flow"


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS)
def test_type_errors_name_yaml_types_not_ansible_internals(playbook: t.Any, emulator: t.Any, path: str) -> None:
    emulator.clear_log()
    tasks = [
        {"name": "item", "ignore_errors": True, TENANT: {"tenants": [{"id": "t1", "name": "{{ 100 + 23 }}"}]}},
        {"name": "option", "ignore_errors": True, TENANT: {"id": "t1", "name": "T1", "concurrency": "{{ 'many' }}"}},
        {"name": "flow theme", "ignore_errors": True, FLOW: {"theme": "{{ 100 + 23 }}"}},
        {
            "name": "custom attribute",
            "ignore_errors": True,
            TENANT: {"tenants": [{"id": "t1", "name": "T1", "custom_attributes": {"k": {"a": "{{ 1 + 1 }}"}}}]},
        },
    ]
    run = playbook.run(tasks, env=PATHS[path], args=["-vvvv"])
    item = run.task("item")["msg"]
    assert "must be of type string, got integer (123)" in item, item
    assert "concurrency" in run.task("option")["msg"]
    assert "got number" in run.task("flow theme")["msg"] or "got integer" in run.task("flow theme")["msg"], run.task("flow theme")["msg"]
    assert "has a value of type mapping" in run.task("custom attribute")["msg"]
    for name in ("item", "option", "flow theme", "custom attribute"):
        assert run.task(name)["failed"] is True
        assert "_AnsibleTagged" not in run.task(name)["msg"] and "<class" not in run.task(name)["msg"], run.task(name)["msg"]
    assert emulator.writes() == []
