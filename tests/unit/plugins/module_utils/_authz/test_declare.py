# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Declared items: normalisation and every static problem at once."""

from __future__ import annotations

from ansible_collections.descope.mgmt.plugins.module_utils._authz._declare import declare_permissions, declare_roles
from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem


def test_single_role_fields_are_normalised_and_unset_ones_unmanaged() -> None:
    problems: list[Problem] = []
    declared = declare_roles({"name": "r", "tenant_id": "t1", "permission_names": ["b", "a", "a"], "default": None}, problems)
    [item] = declared.roles or []
    assert problems == [] and not declared.set_mode and declared.permissions is None
    assert item.fields == {"permission_names": ["a", "b"]} and item.label == "t1/r" and item.positions == {"b": 0, "a": 1}


def test_set_with_permissions() -> None:
    problems: list[Problem] = []
    declared = declare_roles({"roles": [{"name": "r"}], "permissions": [{"name": "p", "description": "d"}]}, problems)
    assert problems == [] and declared.set_mode
    assert [(i.name, i.fields) for i in declared.permissions or []] == [("p", {"description": "d"})]


def test_same_name_in_two_scopes_is_not_a_duplicate_but_twice_in_one_is() -> None:
    problems: list[Problem] = []
    declare_roles({"roles": [{"name": "r"}, {"name": "r", "tenant_id": "t1"}, {"name": "r", "tenant_id": "t1"}]}, problems)
    assert [(p.field, p.index) for p in problems] == [("roles[2].name", 2)]
    assert "roles[1]" in problems[0].message and "tenant 't1'" in problems[0].message


def test_every_problem_is_reported_with_item_field_and_fix() -> None:
    problems: list[Problem] = []
    declare_permissions({"permissions": [{"name": "a", "state": "maybe"}, {"description": 1}, 42, {"name": "b", "extra": 1}]}, problems)
    assert sorted(p.field for p in problems) == [
        "permissions[0].state",
        "permissions[1].description",
        "permissions[1].name",
        "permissions[2].item",
        "permissions[3].extra",
    ]
    assert all(p.fix for p in problems)
