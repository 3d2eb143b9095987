# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fast validity check never accepts what jsonschema refuses (it only skips jsonschema for valid items)."""

from __future__ import annotations

import typing as t

import jsonschema
import pytest

from ansible_collections.descope.mgmt.plugins.module_utils._schema_fast import certainly_valid
from ansible_collections.descope.mgmt.plugins.module_utils._tenant._fields import ITEM_SCHEMA

VALID: list[dict[str, t.Any]] = [
    {"id": "acme", "name": "Acme"},
    {"id": "acme", "name": "Acme", "self_provisioning_domains": ["acme.com"], "custom_attributes": {"plan": "pro"}, "disabled": True},
    {"name": "No id", "state": "absent", "cascade": False, "default_roles": [], "enforce_sso": None, "parent_tenant_id": "p"},
]
INVALID: list[t.Any] = [
    {"id": "", "name": "Empty id"},
    {"id": "has space", "name": "X"},
    {"id": "x" * 256, "name": "Too long"},
    {"id": "a", "name": ""},
    {"id": "a", "name": 1},
    {"id": "a", "name": True},
    {"id": "a", "disabled": "yes"},
    {"id": "a", "disabled": 1},
    {"id": "a", "self_provisioning_domains": "acme.com"},
    {"id": "a", "self_provisioning_domains": [1]},
    {"id": "a", "custom_attributes": []},
    {"id": "a", "state": "gone"},
    {"id": "a", "state": True},
    {"id": "a", "nmae": "typo"},
    {"id": "a", 1: "non-string key"},
    ["not", "a", "mapping"],
    "acme",
]


@pytest.mark.parametrize("item", VALID)
def test_valid_items_skip_jsonschema(item: dict[str, t.Any]) -> None:
    assert jsonschema.Draft7Validator(ITEM_SCHEMA).is_valid(item)  # the reference says valid
    assert certainly_valid(item, ITEM_SCHEMA)


@pytest.mark.parametrize("item", INVALID)
def test_invalid_items_are_never_certainly_valid(item: t.Any) -> None:
    # the contract: never accept what jsonschema refuses (id syntax is checked after the schema, in _validate,
    # so an id such as 'has space' may pass the schema; the pre-flight still refuses it there)
    if not jsonschema.Draft7Validator(ITEM_SCHEMA).is_valid(item):
        assert not certainly_valid(item, ITEM_SCHEMA)


def test_unknown_keywords_fall_back_to_jsonschema() -> None:
    assert not certainly_valid(3, {"type": "integer"})
    assert not certainly_valid("a", {"type": "string", "format": "email"})
    assert not certainly_valid({"a": 1}, {"type": "object", "additionalProperties": {"type": "string"}})
