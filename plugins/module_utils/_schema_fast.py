# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fast "certainly valid" check for the small JSON-schema subset the item schemas use (FOR INTERNAL COLLECTION USE
ONLY).

jsonschema costs about a millisecond per item (a set of 10,000 tenants spent most of a no-op run in it). This
answers True only when the instance is valid under Draft 7 for the keywords it understands (type, properties,
additionalProperties: false, items, enum of strings/None, minLength, maxLength, pattern); anything else, or any
doubt, answers False and the caller runs jsonschema, which writes the exact error messages. So it can make a
valid item cheaper, never an invalid one accepted.
"""

from __future__ import annotations

import re
import typing as t

_KNOWN = frozenset({"type", "properties", "additionalProperties", "items", "enum", "minLength", "maxLength", "pattern"})
_PATTERNS: dict[str, re.Pattern[str]] = {}


def _type_ok(value: t.Any, name: str) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    return False  # integer/number have Draft-7 subtleties (1.0 is an integer): leave them to jsonschema


def certainly_valid(value: t.Any, schema: t.Mapping[str, t.Any]) -> bool:
    if not set(schema) <= _KNOWN:
        return False
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_type_ok(value, name) for name in types):
            return False
    if "enum" in schema:
        if not (value is None or isinstance(value, str)) or not all(
            x is None or isinstance(x, str) for x in schema["enum"]
        ):
            return False
        if value not in schema["enum"]:
            return False
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0) or ("maxLength" in schema and len(value) > schema["maxLength"]):
            return False
        if "pattern" in schema:
            pattern = _PATTERNS.get(schema["pattern"])
            if pattern is None:
                pattern = _PATTERNS[schema["pattern"]] = re.compile(schema["pattern"])
            if pattern.search(value) is None:
                return False
    if isinstance(value, dict):
        if any(not isinstance(k, str) for k in value):
            return False
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        if extra is not True and (extra is not False or any(k not in properties for k in value)):
            return False
        if not all(certainly_valid(v, properties[k]) for k, v in value.items() if k in properties):
            return False
    if isinstance(value, list) and "items" in schema:
        items = schema["items"]
        if not isinstance(items, dict) or not all(certainly_valid(v, items) for v in value):
            return False
    return True
