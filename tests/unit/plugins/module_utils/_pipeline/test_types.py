# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""identifier_problems: a name or id option whose value, as written, is not a string."""

from __future__ import annotations

import datetime

import pytest
from harness import SPECS

from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._types import identifier_problems

TENANT = SPECS["descope_tenant"].argument_spec


@pytest.mark.parametrize(
    ("value", "kind", "example"),
    [
        (False, "boolean", 'name: "no"'),
        (2024, "integer", 'name: "2024"'),
        (1.5, "number", 'name: "1.5"'),
        (datetime.date(2024, 1, 1), "date", 'name: "2024-01-01"'),
        (datetime.datetime(2024, 1, 1, 10, 0), "date and time", 'name: "2024-01-01T10:00:00"'),
    ],
)
def test_a_scalar_yaml_did_not_read_as_a_string_is_refused(value: object, kind: str, example: str) -> None:
    (problem,) = identifier_problems(TENANT, {"id": "t1", "name": value})
    assert problem.field == "name" and f"got a {kind}" in problem.message and example in problem.fix


def test_strings_and_other_options_are_left_alone() -> None:
    assert identifier_problems(TENANT, {"id": "t1", "name": "no", "enforce_sso": True, "parent_tenant_id": None}) == []


def test_lists_and_suboptions_are_checked_item_by_item() -> None:
    info = SPECS["descope_role_info"].argument_spec
    assert [p.field for p in identifier_problems(info, {"names": ["a", True], "tenant_ids": [datetime.date(2024, 1, 1)]})] == [
        "names[1]",
        "tenant_ids[0]",
    ]
    settings = SPECS["descope_tenant_settings"].argument_spec
    found = identifier_problems(settings, {"tenants": [{"tenant_id": "ok"}, {"tenant_id": 7}]})
    assert [p.field for p in found] == ["tenants[1].tenant_id"]
    sso = SPECS["descope_sso"].argument_spec
    assert [p.field for p in identifier_problems(sso, {"tenant_id": "t1", "oidc": {"name": False}})] == ["oidc.name"]
