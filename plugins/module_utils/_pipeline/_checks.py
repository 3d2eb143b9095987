# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Option checks every module shares, written once (FOR INTERNAL COLLECTION USE ONLY).

A guard that exists in one module and not its sibling is a defect, so these run for every spec
before its own checks: ``concurrency`` outside 1..16 is rejected (never silently clamped), and
``prune`` / ``protected_ids`` are refused where there is no declared set to prune against.
"""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem
from ansible_collections.descope.mgmt.plugins.module_utils._spec import CONCURRENCY_DEFAULT, CONCURRENCY_MAX, CONCURRENCY_MIN, ResourceSpec


def option_problems(spec: ResourceSpec, params: t.Mapping[str, t.Any]) -> list[Problem]:
    problems: list[Problem] = []
    rules = spec.rules
    concurrency = params.get("concurrency")
    if rules.concurrency and concurrency is not None and not CONCURRENCY_MIN <= int(concurrency) <= CONCURRENCY_MAX:
        problems.append(
            Problem(
                "concurrency",
                f"must be between {CONCURRENCY_MIN} and {CONCURRENCY_MAX}, got {concurrency}.",
                f"Set concurrency to a value from {CONCURRENCY_MIN} to {CONCURRENCY_MAX} (default {CONCURRENCY_DEFAULT}).",
            )
        )
    if rules.set_option is not None and params.get(rules.set_option) is None:
        label = rules.set_label or rules.set_option
        if params.get("prune"):
            problems.append(
                Problem(
                    "prune", f"only applies to set mode (the {rules.set_option} option).", f"Declare the {label} with '{rules.set_option}', or remove prune."
                )
            )
        if params.get("protected_ids"):
            problems.append(
                Problem("protected_ids", "only applies to set mode with prune.", f"Remove protected_ids, or declare the {label} with '{rules.set_option}'.")
            )
    return problems
