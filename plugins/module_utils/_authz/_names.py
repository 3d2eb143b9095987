# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rules for a name or description this task writes, checked against what exists (FOR INTERNAL COLLECTION USE
ONLY)."""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._authz._declare import Item
from ansible_collections.descope.mgmt.plugins.module_utils._authz._fields import (
    DESCRIPTION_MAX_BYTES,
    NAME_MAX_BYTES,
    Record,
    new_description_problem,
    new_name_problem,
    same_but_case,
    show,
)
from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem


def name_problems(item: Item, live: t.Iterable[str], renamed_from: str | None = None) -> list[Problem]:
    """A name this task gives an object (create or rename): the published length, and no live name of the same scope
    (``live``) that differs only in case."""
    problems = []
    why = new_name_problem(item.name)
    if why:
        fix = (
            f"Shorten the name to {NAME_MAX_BYTES} bytes (a non-ASCII character takes 2 to 4), or use an existing "
            f"{item.kind}."
        )
        problems.append(item.problem("name", f"{why}.", fix))
    # No source says whether Descope compares these names with or without case: a name that differs from a live one
    # only in case would be a second object under one reading and a clash (or the same object) under the other, so it
    # is refused under both; a case-only rename (previous_names) is the way to change the case.
    variants = sorted(n for n in live if n not in (item.name, renamed_from) and same_but_case(n, item.name))
    if variants:
        problems.append(
            item.problem(
                "name",
                f"{show(item.name)} differs only in case from the existing {item.kind} {show(variants[0])}.",
                f"Use the existing name exactly, or rename it: name: {item.name}, previous_names: [{variants[0]}].",
            )
        )
    return problems


def description_problem(item: Item, current: Record | None) -> Problem | None:
    """A description this task writes: at most ``DESCRIPTION_MAX_BYTES`` (an existing longer one is kept as it is)."""
    value = item.fields.get("description")
    why = new_description_problem(value) if isinstance(value, str) else None
    if why and (current is None or str(current.get("description") or "") != value):
        fix = f"Shorten the description to {DESCRIPTION_MAX_BYTES} bytes (a non-ASCII character takes 2 to 4)."
        return item.problem("description", f"{why}.", fix)
    return None
