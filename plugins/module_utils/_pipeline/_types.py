# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Names and ids YAML did not read as strings, refused before Ansible converts them (FOR INTERNAL COLLECTION USE ONLY).

``name: no`` is the boolean False and ``id: 2024-01-01`` a date: a ``type: str`` option turns them into "False" and
"2024-01-01" without a word, while set mode (whose items are checked by the spec's schema) refuses them. The action
plugin checks the task arguments as written, before either execution path converts them, so both modes and both
paths refuse the same values, naming the field and the fix, with nothing sent (docs/safety.md).
"""

from __future__ import annotations

import datetime
import re
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem

# options holding a name or an id, in every module: id, name, tenant_id, sso_id, names, tenant_ids, permission_names...
IDENTIFIER = re.compile(r"(^|_)(ids?|names?)$")
_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (datetime.datetime, "date and time"),
    (datetime.date, "date"),
    (t.Mapping, "mapping"),
    (list, "list"),
)


def _kind(value: t.Any) -> str:
    return next((name for kind, name in _KINDS if isinstance(value, kind)), type(value).__name__)


def _problem(value: t.Any, field: str, leaf: str) -> Problem | None:
    if isinstance(value, str) or value is None:
        return None
    kind = _kind(value)
    if isinstance(value, bool):
        how = "an unquoted yes/no, true/false or on/off is a boolean in YAML"
        example = f'{leaf}: "no"'
    elif isinstance(value, (int, float, datetime.date)):
        how = f"an unquoted {kind} is not a string in YAML"
        example = f'{leaf}: "{value.isoformat() if isinstance(value, datetime.date) else value}"'
    else:
        return Problem(field, f"must be a string, got a {kind}.", f"Set {leaf} to a string.")
    return Problem(
        field,
        f"must be a string, got a {kind} ({how}); it would be stored as '{value}'. Nothing was sent.",
        f"Quote the value as written in the task or variable (for example {example}), or pass a string (| string).",
    )


def identifier_problems(
    argument_spec: t.Mapping[str, t.Any],
    args: t.Mapping[str, t.Any],
    prefix: str = "",
) -> list[Problem]:
    """Every name or id option (at any depth) whose value, as written, is not a string."""
    problems: list[Problem] = []
    for name, value in args.items():
        option = argument_spec.get(name)
        if not isinstance(option, t.Mapping) or value is None:
            continue
        field = f"{prefix}{name}"
        sub = option.get("options")
        if isinstance(sub, t.Mapping):
            for index, item in enumerate(value if isinstance(value, list) else [value]):
                if isinstance(item, t.Mapping):
                    where = f"{field}[{index}]." if isinstance(value, list) else f"{field}."
                    problems += identifier_problems(sub, item, where)
            continue
        if not IDENTIFIER.search(str(name)):
            continue
        kind, elements = option.get("type", "str"), option.get("elements")
        if kind == "str":
            found = [_problem(value, field, str(name))]
        elif kind == "list" and elements in (None, "str") and isinstance(value, list):
            found = [_problem(item, f"{field}[{index}]", f"{name}[{index}]") for index, item in enumerate(value)]
        else:
            found = []
        problems += [p for p in found if p is not None]
    return problems
