# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Option checks every module shares, written once (FOR INTERNAL COLLECTION USE ONLY).

A guard that exists in one module and not its sibling is a defect, so these run for every spec
before its own checks: ``concurrency`` outside 1..16 is rejected (never silently clamped), and
``prune`` / ``protected_ids`` are refused where there is no declared set to prune against.

``prune_problems`` runs after planning and before any write, for every module whose argument spec has
the delete guards (``_spec.PRUNE_GUARD_ARGSPEC``): a prune can never empty a project by accident
(docs/safety.md lists every guard and how to lift it).
"""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._change import counted_noun, plural_noun
from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem
from ansible_collections.descope.mgmt.plugins.module_utils._spec import (
    CONCURRENCY_DEFAULT,
    CONCURRENCY_MAX,
    CONCURRENCY_MIN,
    MAX_DELETE_RATIO_DEFAULT,
    Plan,
    ResourceSpec,
)


def option_problems(spec: ResourceSpec, params: t.Mapping[str, t.Any]) -> list[Problem]:
    problems: list[Problem] = []
    rules = spec.rules
    concurrency = params.get("concurrency")
    if rules.concurrency and concurrency is not None and not CONCURRENCY_MIN <= int(concurrency) <= CONCURRENCY_MAX:
        problems.append(
            Problem(
                "concurrency",
                f"must be between {CONCURRENCY_MIN} and {CONCURRENCY_MAX}, got {concurrency}.",
                f"Set concurrency to a value from {CONCURRENCY_MIN} to {CONCURRENCY_MAX} (default "
                f"{CONCURRENCY_DEFAULT}).",
            )
        )
    problems.extend(_guard_option_problems(spec, params))
    if rules.set_option is not None and params.get(rules.set_option) is None:
        label = rules.set_label or rules.set_option
        if params.get("prune"):
            problems.append(
                Problem(
                    "prune",
                    f"only applies to set mode (the {rules.set_option} option).",
                    f"Declare the {label} with '{rules.set_option}', or remove prune.",
                )
            )
        if params.get("protected_ids"):
            problems.append(
                Problem(
                    "protected_ids",
                    "only applies to set mode with prune.",
                    f"Remove protected_ids, or declare the {label} with '{rules.set_option}'.",
                )
            )
    return problems


def _has_guard(spec: ResourceSpec) -> bool:
    return "max_delete_ratio" in spec.argument_spec


def _guard_option_problems(spec: ResourceSpec, params: t.Mapping[str, t.Any]) -> list[Problem]:
    if not _has_guard(spec):
        return []
    problems: list[Problem] = []
    ratio = params.get("max_delete_ratio")
    if ratio is not None and not 0 <= float(ratio) <= 1:
        problems.append(
            Problem(
                "max_delete_ratio",
                f"must be between 0 and 1 (a share of the existing objects), got {ratio}.",
                f"Set max_delete_ratio to a value from 0 to 1 (default {MAX_DELETE_RATIO_DEFAULT}; 1 lifts the guard).",
            )
        )
    most = params.get("max_deletes")
    if most is not None and int(most) < 0:
        problems.append(
            Problem(
                "max_deletes",
                f"must be 0 or more, got {most}.",
                "Set max_deletes to 0 or more, or leave it unset (no count limit).",
            )
        )
    return problems


def prune_problems(spec: ResourceSpec, params: t.Mapping[str, t.Any], plan: Plan) -> list[Problem]:
    """The delete guards, per target type, on what prune planned to delete (never what the task named)."""
    if not params.get("prune") or not _has_guard(spec):
        return []
    ratio = (
        float(params["max_delete_ratio"]) if params.get("max_delete_ratio") is not None else MAX_DELETE_RATIO_DEFAULT
    )
    most = params.get("max_deletes")
    allow_empty = bool(params.get("allow_empty_prune"))
    problems: list[Problem] = []
    for target_type in sorted({c.target_type for c in plan.changes if c.pruned}):
        of_type = [c for c in plan.changes if c.target_type == target_type]
        pruned = [c.target_id for c in of_type if c.pruned]
        declared = sum(1 for c in of_type if c.action != "delete")
        existing = plan.existing.get(target_type, sum(1 for c in of_type if c.before is not None))
        existing = max(existing, len(pruned))
        count = f"{len(pruned)} of {existing} existing {counted_noun(target_type)}"
        names = ", ".join(pruned[:5]) + (", ..." if len(pruned) > 5 else "")
        if declared == 0:
            if not allow_empty:
                problems.append(
                    Problem(
                        "prune",
                        f"the task declares no {plural_noun(target_type)}, so prune would delete every unprotected "
                        f"one: {count} ({names}). Nothing was written.",
                        f"Check the declared {plural_noun(target_type)} (an empty file or variable?). To delete them "
                        "all on purpose set allow_empty_prune: true.",
                    )
                )
            continue
        if len(pruned) > ratio * existing:
            share = round(100 * len(pruned) / existing) if existing else 100
            problems.append(
                Problem(
                    "prune",
                    f"would delete {count} ({share}%: {names}), above max_delete_ratio {ratio:g} of the existing "
                    f"{plural_noun(target_type)}. Nothing was written.",
                    "Run with --check --diff to review the deletes; if they are intended set max_delete_ratio: 1 on "
                    "the task (or protect the ones to keep with protected_ids).",
                )
            )
        if most is not None and len(pruned) > int(most):
            problems.append(
                Problem(
                    "prune",
                    f"would delete {count} ({names}), more than max_deletes {most}. Nothing was written.",
                    f"Review the deletes with --check --diff; if intended raise max_deletes to {len(pruned)} or more.",
                )
            )
    return problems
