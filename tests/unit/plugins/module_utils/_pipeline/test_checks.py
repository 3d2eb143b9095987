# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared delete guards (``_pipeline._checks.prune_problems``) on hand-made plans, and that every pruning module has them."""

from __future__ import annotations

import typing as t

import pytest
from harness import SPECS

from ansible_collections.descope.mgmt.plugins.module_utils._change import Change
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._checks import option_problems, prune_problems
from ansible_collections.descope.mgmt.plugins.module_utils._spec import Plan

SPEC = SPECS["descope_tenant"]
GUARDED = ("allow_empty_prune", "max_delete_ratio", "max_deletes")


def _plan(keep: int, prune: int, existing: int | None = None) -> Plan:
    changes = [Change("tenant", f"k{i}", "unchanged", before={"id": f"k{i}"}) for i in range(keep)]
    changes += [Change("tenant", f"d{i}", "delete", before={"id": f"d{i}"}, pruned=True) for i in range(prune)]
    return Plan(changes, existing={"tenant": existing} if existing is not None else {})


def _params(**over: t.Any) -> dict[str, t.Any]:
    return {"prune": True, "allow_empty_prune": False, "max_delete_ratio": 0.5, "max_deletes": None, **over}


@pytest.mark.parametrize("module", sorted(m for m, s in SPECS.items() if "prune" in s.argument_spec))
def test_every_module_with_prune_has_the_delete_guards(module: str) -> None:
    spec = SPECS[module]
    assert all(name in spec.argument_spec for name in GUARDED), module
    assert spec.argument_spec["max_delete_ratio"]["default"] == 0.5 and spec.argument_spec["allow_empty_prune"]["default"] is False


@pytest.mark.parametrize(
    "keep, prune, existing, refused",
    [(2, 2, 4, False), (2, 3, 5, True), (1, 1, 2, False), (3, 1, 4, False), (1, 2, 3, True), (5, 0, 5, False)],
)
def test_ratio_refuses_above_the_share(keep: int, prune: int, existing: int, refused: bool) -> None:
    problems = prune_problems(SPEC, _params(), _plan(keep, prune, existing))
    assert bool(problems) is refused
    if refused:
        assert f"{prune} of {existing} existing tenant(s)" in problems[0].message and "max_delete_ratio: 1" in problems[0].fix


def test_protected_objects_count_in_the_denominator() -> None:
    # 3 pruned of 10 existing (5 protected, not in the changes): 30%, allowed
    assert prune_problems(SPEC, _params(), _plan(2, 3, 10)) == []


def test_empty_declared_set_needs_allow_empty_prune_even_at_ratio_1() -> None:
    problems = prune_problems(SPEC, _params(max_delete_ratio=1.0), _plan(0, 3, 3))
    assert len(problems) == 1 and "declares no tenant" in problems[0].message and "allow_empty_prune: true" in problems[0].fix
    assert prune_problems(SPEC, _params(allow_empty_prune=True), _plan(0, 3, 3)) == []


def test_max_deletes_and_no_prune() -> None:
    assert "more than max_deletes 1" in prune_problems(SPEC, _params(max_delete_ratio=1.0, max_deletes=1), _plan(3, 2, 5))[0].message
    assert prune_problems(SPEC, _params(max_delete_ratio=1.0, max_deletes=2), _plan(3, 2, 5)) == []
    assert prune_problems(SPEC, _params(prune=False), _plan(0, 5, 5)) == []


def test_deletes_the_task_names_are_not_counted() -> None:
    plan = Plan([Change("tenant", "x", "delete", before={"id": "x"}), Change("tenant", "y", "unchanged", before={"id": "y"})], existing={"tenant": 2})
    assert prune_problems(SPEC, _params(), plan) == []


@pytest.mark.parametrize(
    "over, field", [({"max_delete_ratio": -0.1}, "max_delete_ratio"), ({"max_delete_ratio": 1.01}, "max_delete_ratio"), ({"max_deletes": -1}, "max_deletes")]
)
def test_guard_options_out_of_range_are_refused(over: dict[str, t.Any], field: str) -> None:
    problems = option_problems(SPEC, {"tenants": [], **_params(**over)})
    assert [p.field for p in problems] == [field]


def test_reserved_result_keys_are_found_and_renamed() -> None:
    from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._result import rename_reserved, reserved_keys

    result = {"changed": True, "skipped": [1], "invocation": {}, "_ansible_no_log": False, "failed": "yes", "backup": {}}
    assert reserved_keys(result) == ["_ansible_no_log", "invocation", "skipped", "failed"]
    warnings: list[str] = []
    renamed = rename_reserved(dict(result), warnings.append)
    assert reserved_keys(renamed) == [] and renamed["descope_skipped"] == [1] and renamed["failed"] is True and len(warnings) == 3
    assert reserved_keys({"changed": False, "msg": "", "removed": [], "ignored": []}) == []


def test_a_module_cannot_hide_its_own_result() -> None:
    # the default callback alone honours _ansible_verbose_override: a secret is named in spec.secret_results instead
    from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._result import reserved_keys

    assert reserved_keys({"changed": True, "_ansible_verbose_override": True, "_ansible_no_log": True}) == [
        "_ansible_no_log",
        "_ansible_verbose_override",
    ]
