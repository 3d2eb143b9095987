# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Names, escaping and the item views of API records."""

from __future__ import annotations

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils._authz._fields import (
    name_key,
    name_problem,
    new_name_problem,
    permission_view,
    role_label,
    role_view,
    show,
)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("", "is empty or only blanks"),
        ("   ", "is empty or only blanks"),
        (" a", "leading or trailing blanks"),
        ("a\n", "leading or trailing blanks"),
        ("a\x07b", "control or invisible"),
        ("a\u202eb", "control or invisible"),
        ("a\u200bb", "control or invisible"),
        (5, "must be a string, got int"),
        (None, "must be a string, got NoneType"),
    ],
)
def test_names_refused(value: object, why: str) -> None:
    assert why in (name_problem(value) or "")


@pytest.mark.parametrize("value", ["admin", "Tenant Admin", "inv.read", "caf\u00e9", "\u7ba1\u7406\u8005", "a/b"])
def test_names_accepted(value: str) -> None:
    assert name_problem(value) is None


def test_show_escapes_what_would_print_as_nothing_or_reorder_text() -> None:
    assert show("a\x07b\u202ec\td") == "'a\\u0007b\\u202ec\\u0009d'"
    assert show("x" * 200).endswith("...'") and len(show("x" * 200)) == 125


def test_name_key_joins_unicode_normal_forms() -> None:
    assert name_key("caf\u00e9") == name_key("cafe\u0301") and name_key("cafe") != name_key("caf\u00e9")


def test_views_fill_every_managed_field_and_tolerate_missing_ones() -> None:
    assert permission_view({"name": "p", "systemDefault": True}) == {"name": "p", "description": ""}
    assert role_view({"name": "r", "permissionNames": None, "tenantId": ""}) == {
        "name": "r",
        "description": "",
        "permission_names": [],
        "default": False,
        "private": False,
    }
    assert role_view({"name": "r", "tenantId": "t1", "permissionNames": ["b", "a", "b"], "default": 1}) == {
        "name": "r",
        "tenant_id": "t1",
        "description": "",
        "permission_names": ["a", "b"],
        "default": True,
        "private": False,
    }
    assert role_label("", "r") == "r" and role_label("t1", "r") == "t1/r"


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("a" * 100, False),
        ("a" * 101, True),
        ("\u20ac" * 33, False),  # 99 bytes: 33 characters of 3 bytes
        ("\u20ac" * 34, True),  # 102 bytes in 34 characters: the limit counts bytes (Go len), not characters
        ("\U0001f600" * 25, False),  # 100 bytes
        ("\U0001f600" * 25 + "a", True),
    ],
)
def test_new_names_are_limited_to_100_utf8_bytes(value: str, refused: bool) -> None:
    why = new_name_problem(value)
    assert (why is not None) == refused
    if why:
        assert f"is {len(value.encode())} bytes long" in why and "at most 100" in why
