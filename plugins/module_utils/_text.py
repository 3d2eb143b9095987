# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Text shown to people: invisible and direction-changing characters made visible (FOR INTERNAL COLLECTION USE ONLY).

A tenant named ``"acme\\u202egnp.exe"`` or an id holding a line break must not reorder or split the message or
the audit line that quotes it (Trojan Source, CVE-2021-42574). Messages escape every control character; audit
lines (JSON, which already escapes C0 controls) escape the C1 controls and the Unicode format characters that
change direction or hide text. Used by ``_errors`` (messages) and ``_audit`` (records); it imports nothing.
"""

from __future__ import annotations

import re
import typing as t
import unicodedata

# bidi embeddings/overrides/isolates and marks, zero-width characters, BOM, C1 controls, DEL
_INVISIBLE = "\u0080-\u009f\u007f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_FOR_JSON = re.compile(f"[{_INVISIBLE}]")
_FOR_TEXT = re.compile(f"[\u0000-\u001f{_INVISIBLE}]")


# What no name may hold, in every module (docs/safety.md, "One rule for names"): controls, format characters (bidi
# overrides and isolates, zero-width characters), surrogates, private use, unassigned, line and paragraph separators
NAME_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
NAME_REFUSED = "contains control or invisible formatting characters (bidi, zero-width or similar)"
NAME_FIX = "Remove the invisible characters (they often come with text pasted from a document or a chat)."


def invisible_in_name(value: str) -> bool:
    """Whether a name holds a character that prints as nothing or reorders the text around it."""
    return any(unicodedata.category(ch) in NAME_REFUSED_CATEGORIES for ch in value)


def _code(match: t.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape_text(text: str) -> str:
    """A message safe to print on one line: every control, bidi or invisible character becomes ``\\uXXXX``."""
    return _FOR_TEXT.sub(_code, text)


def map_strings(value: t.Any, change: t.Callable[[str], str]) -> t.Any:
    """A copy of a JSON-like value with ``change`` applied to every string in it, dict keys included (tuples become
    lists)."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {map_strings(k, change) if isinstance(k, str) else k: map_strings(v, change) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [map_strings(v, change) for v in value]
    return value


def escape_record(value: t.Any) -> t.Any:
    """A JSON-able value whose strings (keys too) carry no bidi, C1 or invisible character (JSON escapes the rest)."""
    return map_strings(value, lambda text: _FOR_JSON.sub(_code, text))


def type_name(value: t.Any) -> str:
    """A value's type in the user's (YAML/JSON) terms, never a Python or ansible-core class name.

    ansible-core 2.19 hands modules run in the controller tagged subclasses (``_AnsibleTaggedInt``...):
    ``isinstance`` sees through them, ``type(value).__name__`` does not.
    """
    if value is None:
        return "null"
    for kind, name in (
        (bool, "boolean"),
        (int, "integer"),
        (float, "number"),
        (str, "string"),
        (dict, "mapping"),
        (list, "list"),
        (tuple, "list"),
    ):
        if isinstance(value, kind):
            return name
    if isinstance(value, (set, frozenset)):
        return "list"
    return "value of an unsupported type"


_TAGGED = re.compile(r"<class '(?:[\w.]*\.)?_AnsibleTagged(\w+)'>|\b_AnsibleTagged(\w+)\b")
_TAGGED_NAMES = {
    "Int": "integer",
    "Float": "number",
    "Str": "string",
    "Dict": "mapping",
    "List": "list",
    "Set": "list",
    "Tuple": "list",
}


def user_terms(message: str) -> str:
    """Rewrite ansible-core internal type names in a message (``_AnsibleTaggedInt``) into the user's terms
    (``integer``)."""
    return _TAGGED.sub(lambda m: _TAGGED_NAMES.get(m.group(1) or m.group(2), "value"), message)
