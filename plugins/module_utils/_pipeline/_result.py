# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tail every module shares: result keys, diff, ``descope_audit`` and the failure message (FOR INTERNAL COLLECTION
USE ONLY)."""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._change import (
    AUDIT_VERSION,
    Change,
    counted_noun,
    counts,
    diff_entries,
    first_error,
    noun,
    summary_message,
)
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._hints import failure_message, one_line
from ansible_collections.descope.mgmt.plugins.module_utils._spec import Json, Plan, ResourceSpec
from ansible_collections.descope.mgmt.plugins.module_utils._text import escape_text

DONE = ("ok", "check")

# Keys Ansible reads in a task result with a meaning of its own: a module that returned ``skipped`` was shown as
# skipped although it wrote (issue 12). ``failed``/``changed`` are set by the pipeline only, as booleans.
RESERVED_KEYS = frozenset(
    {
        "skipped",
        "skip_reason",
        "unreachable",
        "invocation",
        "ansible_facts",
        "results",
        "item",
        "ansible_loop_var",
        "failed_when_result",
        "changed_when_result",
        "exception",
        "warnings",
        "deprecations",
        "rc",
        "stdout",
        "stderr",
    }
)


# set by the action plugin (censor_secrets), after the module's result passed rename_reserved: no module sets it
NO_LOG = "_ansible_no_log"


def holds_secret(value: t.Any, keys: t.Collection[str]) -> bool:
    """Whether a non-empty value sits under one of ``keys`` anywhere in ``value`` (mappings and lists walked)."""
    if isinstance(value, t.Mapping):
        return any((k in keys and v not in (None, "", [], {})) or holds_secret(v, keys) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(holds_secret(item, keys) for item in value)
    return False


def censor_secrets(spec: ResourceSpec, result: Json) -> Json:
    """Mark a result holding a one-time secret (``spec.secret_results``) ``_ansible_no_log``.

    ansible-core (2.16 to 2.19) then hands every callback (stdout ones, junit, tree, ansible-runner's events, the
    audit callback) a censored copy with only ``changed`` (and attempts, retries), while ``register:`` stores the
    full result. ``_ansible_verbose_override`` is honoured by the default callback only, so it is no guard.
    """
    if spec.secret_results and holds_secret(result, frozenset(spec.secret_results)):
        result[NO_LOG] = True
    return result


def reserved_keys(result: Json) -> list[str]:
    """The keys of a module result that Ansible would misread (empty when the result is safe to return)."""
    found = sorted(k for k in result if (k in RESERVED_KEYS or k.startswith("_ansible")))
    found += [k for k in ("failed", "changed") if k in result and not isinstance(result[k], bool)]
    return found


def rename_reserved(result: Json, warn: t.Callable[[str], None]) -> Json:
    """Last line of defence: a reserved key is renamed ``descope_<key>`` (tests fail on it: tests/harness.py)."""
    for key in reserved_keys(result):
        if key in ("failed", "changed"):
            result[key] = bool(result[key])
            continue
        result[f"descope_{key.lstrip('_')}"] = result.pop(key)
        warn(
            f"descope.mgmt internal error: the result key '{key}' is reserved by Ansible; renamed "
            f"descope_{key.lstrip('_')}. Please report it."
        )
    return result


def audit_block(ctx: TaskContext, operations: list[Json], tally: dict[str, int]) -> Json:
    """``descope_audit``: the module-to-callback contract (docs/architecture.md)."""
    return {
        "version": AUDIT_VERSION,
        "module": ctx.module,
        "project_id": ctx.project_id,
        "check_mode": ctx.check_mode,
        "operations": operations,
        "counts": tally,
    }


def operations_of(changes: list[Change], check_mode: bool) -> list[Json]:
    return [c.as_operation(check_mode) for c in changes if c.changed or c.outcome == "failed"]


def default_report(spec: ResourceSpec, ctx: TaskContext, plan: Plan) -> Json:
    """``<target>`` (single mode) or ``<target>s`` (set mode) items and the summary message."""
    items = [c.as_result() for c in plan.changes]
    result: Json = {spec.target_type: items[0]} if plan.mode == "single" and items else {f"{spec.target_type}s": items}
    result["msg"] = summary_message(spec.target_type, plan.changes, ctx.check_mode)
    return result


def failure_context(ctx: TaskContext | None, error: t.Mapping[str, t.Any], validation_errors: t.Any = None) -> Json:
    """What the failure message needs besides the error: module, project, target and value sources."""
    return {
        "module": ctx.module if ctx is not None else "",
        "project_id": ctx.project_id if ctx is not None else None,
        "target_id": error.get("target_id"),
        "sources": ctx.sources() if ctx is not None else {},
        "validation_errors": validation_errors or [],
    }


def failure_fields(
    target_type: str, changes: list[Change], error: Json | None = None, prefix: str = "", ctx: TaskContext | None = None
) -> Json:
    """The failed-task keys; skipped writes count as failures (they were planned and not done)."""
    failed = [c for c in changes if c.outcome in ("failed", "skipped")]
    error = error or first_error(changes) or {"kind": "api", "message": "write skipped"}
    done = sum(1 for c in changes if c.outcome == "ok" and c.changed)
    hint = one_line(error)
    tally = (
        f"{len(failed)} of {len(changes)} {counted_noun(target_type)} failed, {done} written; the outcome of each is "
        "in the result. "
    )
    if len(changes) == 1:
        tally = f"{noun(target_type)} '{error.get('target_id')}': " if error.get("target_id") is not None else ""
    elif error.get("target_id") is not None:
        tally += f"First failure, {noun(target_type)} '{error.get('target_id')}': "
    msg = escape_text(prefix + tally + failure_message(error, failure_context(ctx, error)))
    return {"failed": True, "error": error, "hint": hint, "msg": msg}


def finish(spec: ResourceSpec, ctx: TaskContext, plan: Plan) -> Json:
    changes = plan.changes
    result: Json = {"changed": any(c.changed and c.outcome in DONE for c in changes)}
    result.update(spec.report(ctx, plan) if spec.report is not None else default_report(spec, ctx, plan))
    if ctx.diff and "diff" not in result:
        result["diff"] = diff_entries([c for c in changes if c.outcome in DONE])
    operations = operations_of(changes, ctx.check_mode)
    if spec.audit_view is not None:
        operations = [spec.audit_view(op, plan) for op in operations]
    operations.extend(plan.extra_operations)
    tally = plan.data.get("counts")
    result["descope_audit"] = audit_block(ctx, operations, tally if isinstance(tally, dict) else counts(changes))
    if any(c.outcome in ("failed", "skipped") for c in changes) and not result.get("failed"):
        result.update(failure_fields(spec.target_type, changes, ctx=ctx))
    return result
