# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import json

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils._text import escape_record, escape_text, map_strings


@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200f", "\u200b", "\ufeff", "\u0085", "\u061c"])
def test_invisible_and_bidi_characters_become_visible(char: str) -> None:
    code = f"\\u{ord(char):04x}"
    assert escape_text(f"a{char}b") == f"a{code}b"
    assert escape_record({f"k{char}": [f"v{char}"]}) == {f"k{code}": [f"v{code}"]}


def test_messages_escape_controls_records_leave_them_to_json() -> None:
    assert escape_text("line\nbreak\ttab\x00") == "line\\u000abreak\\u0009tab\\u0000"
    assert escape_record("line\nbreak") == "line\nbreak"
    assert json.dumps(escape_record("x\n\u202e"), ensure_ascii=False) == '"x\\n\\\\u202e"'


def test_ordinary_text_is_untouched() -> None:
    for text in ("Acme Corp", "Caf\u00e9 \u6771\u4eac \U0001f600", "a-b_c.d/e"):
        assert escape_text(text) == text and escape_record(text) == text
    assert escape_record({"n": 1, "b": True, "none": None}) == {"n": 1, "b": True, "none": None}


def test_type_names_and_ansible_internal_names_in_user_terms() -> None:
    from ansible_collections.descope.mgmt.plugins.module_utils._text import type_name, user_terms

    class _AnsibleTaggedInt(int):  # what ansible-core 2.19 passes to a controller-side module
        pass

    assert [type_name(v) for v in (True, _AnsibleTaggedInt(3), 1.5, "s", {}, [], None)] == ["boolean", "integer", "number", "string", "mapping", "list", "null"]
    text = "argument 'concurrency' is of type <class 'ansible._internal._datatag._tags._AnsibleTaggedStr'>; got _AnsibleTaggedInt (123)"
    assert user_terms(text) == "argument 'concurrency' is of type string; got integer (123)"


def test_map_strings_reaches_keys_and_nested_values_and_leaves_the_rest() -> None:
    value = {"k": ["a", ("b", 1)], 2: {"inner": None}, "flag": True}
    assert map_strings(value, str.upper) == {"K": ["A", ["B", 1]], 2: {"INNER": None}, "FLAG": True}
    assert value == {"k": ["a", ("b", 1)], 2: {"inner": None}, "flag": True}  # a copy: the input is untouched
