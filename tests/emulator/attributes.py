"""Tenant custom attribute definitions (per project) and the type check of tenant values.

The real API only accepts tenant ``customAttributes`` keys defined beforehand in the project, typed
string, number, boolean, singleselect, multiselect or date (docs.descope.com /management/tenant-management
"Custom Tenant Attributes"; terraform-provider-descope internal/models/project/attributes/shared.go
``attributeTypeValidator`` and attributes/tenant.go, where the key is the attribute's machine id).
There is no public management endpoint for the definitions, so they come from the seed:
``"customAttributes": [{"id": "plan", "type": "singleselect", "options": ["free", "pro"]}, ...]``.
"""

import copy

from .errors import invalid

TYPES = ("string", "number", "boolean", "singleselect", "multiselect", "date")


def definitions_from_seed(raw):
    """Return {key: {"id", "name", "type", "options"}} from a seed list; raises a 400 on a bad one."""
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise invalid("customAttributes (project definitions) must be a list of {id, type, options}")
    out = {}
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            raise invalid("each customAttributes definition needs a string id (the key tenants use)")
        if item.get("type") not in TYPES:
            raise invalid("customAttributes definition %r: type must be one of %s" % (item["id"], ", ".join(TYPES)))
        options = item.get("options") or []
        if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
            raise invalid("customAttributes definition %r: options must be a list of strings" % item["id"])
        if item["type"] in ("singleselect", "multiselect") and not options:
            raise invalid("customAttributes definition %r: a %s needs options" % (item["id"], item["type"]))
        out[item["id"]] = {"id": item["id"], "name": item.get("name") or item["id"], "type": item["type"], "options": list(options)}
    return out


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _type_error(definition, value):
    kind = definition["type"]
    options = definition["options"]
    if kind == "string":
        return None if isinstance(value, str) else "a string"
    if kind == "number":
        return None if _number(value) else "a number"
    if kind == "boolean":
        return None if isinstance(value, bool) else "a boolean"
    if kind == "singleselect":
        return None if isinstance(value, str) and value in options else "one of %s" % ", ".join(options)
    if kind == "multiselect":
        ok = isinstance(value, list) and all(isinstance(v, str) and v in options for v in value)
        return None if ok else "a list of values from %s" % ", ".join(options)
    # date, UNCERTAIN wire form: epoch milliseconds (number) or an ISO-8601 date string
    return None if _number(value) or isinstance(value, str) else "a date (epoch milliseconds or ISO-8601 string)"


def check_values(project, attrs):
    """Refuse unknown keys and wrongly typed values (400 naming the key); returns a copy."""
    definitions = project["attributeDefinitions"]
    for key, value in attrs.items():
        definition = definitions.get(key)
        if definition is None:
            known = ", ".join(sorted(definitions)) or "none defined"
            raise invalid("customAttributes.%s is not a tenant custom attribute of this project (defined: %s)" % (key, known))
        if value is None:
            continue
        expected = _type_error(definition, value)
        if expected is not None:
            raise invalid("customAttributes.%s is a %s attribute: the value must be %s" % (key, definition["type"], expected))
    return copy.deepcopy(attrs)


def dump(project):
    return [copy.deepcopy(d) for d in project["attributeDefinitions"].values()]
