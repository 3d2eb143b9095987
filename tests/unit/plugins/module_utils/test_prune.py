# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared prune guards: empty declared sets and the share of existing objects a prune may delete."""

from __future__ import annotations

from ansible_collections.descope.mgmt.plugins.module_utils._prune import prune_problems


def test_no_prune_no_problem() -> None:
    assert prune_problems({"prune": False}, "role", "roles", 0, 10, 10) == []


def test_empty_set_is_refused_naming_the_count_and_the_option() -> None:
    [problem] = prune_problems({"prune": True}, "role", "roles", 0, 7, 7)
    assert problem.field == "roles" and "all 7 existing role(s)" in problem.message and "allow_empty_prune: true" in problem.fix


def test_empty_set_allowed_explicitly() -> None:
    assert prune_problems({"prune": True, "allow_empty_prune": True}, "role", "roles", 0, 7, 7) == []


def test_empty_set_against_an_empty_project_is_fine() -> None:
    assert prune_problems({"prune": True}, "role", "roles", 0, 0, 0) == []


def test_share_guard_default_half() -> None:
    assert prune_problems({"prune": True}, "permission", "permissions", 2, 4, 2) == []  # exactly half is allowed
    [problem] = prune_problems({"prune": True}, "permission", "permissions", 1, 4, 3)
    assert problem.field == "prune" and "3 of 4" in problem.message and "(75%)" in problem.message and "max_prune_percent" in problem.fix


def test_share_guard_configurable_and_bounded() -> None:
    assert prune_problems({"prune": True, "max_prune_percent": 100}, "role", "roles", 1, 4, 3) == []
    assert len(prune_problems({"prune": True, "max_prune_percent": 0}, "role", "roles", 3, 4, 1)) == 1
    [bad] = prune_problems({"prune": True, "max_prune_percent": 101}, "role", "roles", 3, 4, 1)
    assert bad.field == "max_prune_percent"
