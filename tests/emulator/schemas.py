"""Allowed request fields per route for strict mode (``POST /_emulator/config {"strict": true}``), at any depth.

Generated at import from the contract the tests keep (tests/contract/openapi_contract.json, derived from Descope's
published OpenAPI by tests/contract/derive_contract.py) plus its SDK-cited allowances (tests/contract/allowances.py:
endpoints and fields the released SDKs send that the OpenAPI copy lacks). No list is written here, so strict mode
and the contract stage cannot disagree. Query routes check their query parameter names. Names only: types and
enums are the contract stage's job (tests/contract/check_traffic.py), which this stdlib-only emulator leaves out.
"""

import importlib.util
import json
import os

_CONTRACT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "contract")


def _load_allowances():
    spec = importlib.util.spec_from_file_location("_contract_allowances", os.path.join(_CONTRACT_DIR, "allowances.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _names(schema):
    """The field-name tree of a schema: {name: subtree} for objects that list properties, else None (open)."""
    if not isinstance(schema, dict):
        return None
    if schema.get("type") == "array" or "items" in schema:
        return _names(schema.get("items"))
    if "properties" not in schema:
        return None
    return {name: _names(sub) for name, sub in schema["properties"].items()}


def _add(tree, dotted):
    """Allow the field at dotted (a.b[].c), creating the objects on the way; an open object already allows it."""
    parts = dotted.replace("[]", "").split(".")
    node = tree
    for i, part in enumerate(parts):
        if part not in node:
            node[part] = None if i == len(parts) - 1 else {}
        if node[part] is None:
            return
        node = node[part]


def _build():
    with open(os.path.join(_CONTRACT_DIR, "openapi_contract.json"), encoding="utf-8") as handle:
        contract = json.load(handle)
    allowances = _load_allowances()
    allowed = {}
    for op in contract["operations"]:
        key = (op["method"], op["path"])
        allowed[key] = {name: None for name in op["query"]} if op["request"] is None else (_names(op["request"]) or {})
    for key, extra in allowances.NON_OPENAPI.items():
        allowed[key] = _names(extra["request"]) or {}
    for method, path, where, dotted, _sub, _src in allowances.NEWER_FIELDS + allowances.WIRE_TYPES:
        if where == "request":
            _add(allowed[(method, path)], dotted)
    return allowed


ALLOWED = _build()


def _unknown(value, tree, where):
    if tree is None:
        return []
    if isinstance(value, list):
        return [name for item in value for name in _unknown(item, tree, where + "[]")]
    if not isinstance(value, dict):
        return []
    out = []
    for name, sub in value.items():
        dotted = "%s.%s" % (where, name) if where else name
        out += [dotted] if name not in tree else _unknown(sub, tree[name], dotted)
    return out


def unknown_fields(method, path, fields):
    """The given field names (dotted at depth: settings.userAttrMapping.x) the route does not define ([] if
    unchecked), in request order."""
    tree = ALLOWED.get((method, path))
    if tree is None:
        return []
    return _unknown(fields, tree, "")
