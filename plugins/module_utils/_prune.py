# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The prune guards every set-mode module shares (FOR INTERNAL COLLECTION USE ONLY).

A prune must never empty a project by accident (issue 12): an empty declared set with ``prune`` is
refused unless ``allow_empty_prune`` says so, and a plan that would prune more than
``max_prune_percent`` of the existing objects (default 50, like the delete guards of auth0-deploy-cli
and Terraform) is refused before any write, naming the count and the option that allows it.
"""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem

DEFAULT_MAX_PRUNE_PERCENT = 50


def prune_problems(params: t.Mapping[str, t.Any], noun: str, set_option: str, declared: int, existing: int, pruned: int) -> list[Problem]:
    """Problems of one pruned set: ``declared`` items, ``existing`` objects in its scope, ``pruned`` of them to delete."""
    problems: list[Problem] = []
    if not params.get("prune"):
        return problems
    percent = params.get("max_prune_percent")
    percent = DEFAULT_MAX_PRUNE_PERCENT if percent is None else int(percent)
    if not 0 <= percent <= 100:
        problems.append(Problem("max_prune_percent", f"must be between 0 and 100, got {percent}.", "Set max_prune_percent to a percentage (default 50)."))
        return problems
    if declared == 0 and existing and not params.get("allow_empty_prune"):
        problems.append(
            Problem(
                set_option,
                f"is empty and prune is true: this would delete all {existing} existing {noun}(s).",
                f"Declare the {noun}s to keep, or set allow_empty_prune: true if deleting every {noun} is really intended.",
            )
        )
        return problems
    if declared == 0 and params.get("allow_empty_prune"):
        return problems
    if existing and pruned * 100 > existing * percent:
        problems.append(
            Problem(
                "prune",
                f"would delete {pruned} of {existing} existing {noun}(s) ({pruned * 100 // existing}%), more than max_prune_percent ({percent}%).",
                f"Check that {set_option} lists every {noun} to keep; add the others to protected_ids, "
                f"or raise max_prune_percent (up to 100) if these deletions are intended.",
            )
        )
    return problems
