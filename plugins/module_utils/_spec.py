# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resource-spec interface: how a resource is described once for the shared pipeline (FOR INTERNAL COLLECTION USE
ONLY).

A spec says what is specific to one resource; ``_pipeline.run`` does everything else the same way
for every module (docs/architecture.md, "Adding a resource"):

    option checks (concurrency 1..16, prune guards, protected ids)      <- ``rules``
    declare: read local input, normalise, static validation (no request) <- ``declare``
    plan: read what exists, semantic validation, build ``Change`` objects <- ``plan``
    every problem raised at once (``DescopeValidationError``), nothing written
    check mode stops / apply (bounded concurrency, stop on auth failure)
    result: the resource keys (``report``), diff, ``descope_audit``, the failure message

Read-only modules (the ``_info`` ones) and file-only work (backup, retention) set ``run`` instead of
``plan``: the pipeline still runs ``declare`` (the checks), the shared option checks and builds the audit
envelope. A module whose states are different work (descope_backup: back up, retention, restore) sets
``select``, which returns the spec for the task's parameters.
"""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._change import Change
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem

Json = dict[str, t.Any]
Library = tuple[str, bool, t.Optional[str]]  # noqa: UP045  # (name, importable, import traceback)

CONCURRENCY_MIN = 1
CONCURRENCY_MAX = 16
CONCURRENCY_DEFAULT = 4

# Delete guards of every module with ``prune`` (docs/safety.md): the pipeline checks them after planning,
# before any write. Precedents: auth0-deploy-cli's AUTH0_ALLOW_DELETE, Terraform's prevent_destroy.
MAX_DELETE_RATIO_DEFAULT = 0.5
PRUNE_GUARD_ARGSPEC: dict[str, dict[str, t.Any]] = {
    "allow_empty_prune": {"type": "bool", "default": False},
    "max_delete_ratio": {"type": "float", "default": MAX_DELETE_RATIO_DEFAULT},
    "max_deletes": {"type": "int"},
}


def with_prune_guard(spec: dict[str, dict[str, t.Any]]) -> dict[str, dict[str, t.Any]]:
    """The argument spec of a module that prunes, with the delete-guard options every such module shares."""
    return {**spec, **PRUNE_GUARD_ARGSPEC}


@dataclasses.dataclass(frozen=True)
class OptionRules:
    """Shared options a module has; the pipeline checks them once, the same way for every module.

    ``set_option`` names the option that declares the whole set (``tenants``, ``src_dir``): ``prune``
    and ``protected_ids`` only make sense with it. ``None`` means the spec checks them itself.
    """

    concurrency: bool = True
    set_option: str | None = None
    set_label: str = ""  # how the set option is described in the fix text


@dataclasses.dataclass
class Plan:
    """What a spec planned: the changes, plus what its report needs (summaries, sources...)."""

    changes: list[Change]
    mode: str = "set"  # single | set | none: single-mode results name the one object
    data: Json = dataclasses.field(default_factory=dict)
    extra_operations: list[Json] = dataclasses.field(default_factory=list)
    # how many objects of each target type existed before the run (the delete guard's denominator);
    # a type missing here is counted from the changes that have a ``before``
    existing: dict[str, int] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Outcome:
    """The result of a ``run`` spec (read-only or file-only work) and what it adds to the audit trail."""

    result: Json
    operations: list[Json] = dataclasses.field(default_factory=list)
    counts: dict[str, int] | None = None


Declare = t.Callable[[TaskContext, list[Problem]], t.Any]
Planner = t.Callable[[TaskContext, t.Any, list[Problem]], Plan]
Report = t.Callable[[TaskContext, Plan], Json]
AuditView = t.Callable[[Json, Plan], Json]
Runner = t.Callable[[TaskContext], Outcome]
Selector = t.Callable[[t.Mapping[str, t.Any]], "ResourceSpec"]


@dataclasses.dataclass(frozen=True)
class ResourceSpec:
    """One module's resource, described once. See the module docstring for the order of the stages."""

    module: str
    target_type: str  # the audit target type of the changes, and the noun of the messages
    argument_spec: dict[str, dict[str, t.Any]]
    module_kwargs: Json
    libraries: tuple[Library, ...] = ()
    rules: OptionRules = OptionRules()
    declare: Declare | None = None
    plan: Planner | None = None
    read_despite_problems: bool = False  # read (and validate against what exists) even after static problems
    report: Report | None = None  # the resource keys and msg of a success; default: ``<target>``/``<target>s`` items
    audit_view: AuditView | None = None  # what the audit trail keeps of one operation (e.g. a digest, not a flow graph)
    run: Runner | None = None
    select: Selector | None = None  # a module whose states are different work (descope_backup) picks the spec per task
    writes: bool = True  # False for the _info modules: they run even when the audit trail is blocked
    # result keys (at any depth) that may hold a one-time secret (a bearer link, a key's cleartext): a result holding
    # one is censored for every callback, junit and job event; register: still gets it (docs/safety.md)
    secret_results: tuple[str, ...] = ()
    # option paths holding certificates or metadata (``saml.idp_cert``): a key-shaped token at the start of one of
    # their lines is a PEM/base64 line, not a pasted key; in every other field it is refused (docs/safety.md)
    certificate_fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if sum(x is not None for x in (self.plan, self.run, self.select)) != 1:
            raise ValueError(f"{self.module}: a spec sets exactly one of plan, run or select")


def concurrency_of(params: t.Mapping[str, t.Any]) -> int:
    """The validated concurrency (the pipeline rejected anything outside 1..16 before this is read)."""
    value = params.get("concurrency")
    return CONCURRENCY_DEFAULT if value is None else int(value)
