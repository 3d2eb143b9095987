# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one path every module takes, in a module process or in the controller (FOR INTERNAL COLLECTION USE ONLY).

``run(spec, ctx)``: shared option checks -> declare (local input, static validation) -> plan (reads,
semantic validation) -> every problem at once -> apply (check mode stops) -> result, diff, audit,
failure message. ``run_task`` wraps it for both entry points and turns any ``DescopeError`` into the
standard failure keys, so both execution paths fail and succeed identically.
"""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._audit import journal as _audit_journal
from ansible_collections.descope.mgmt.plugins.module_utils._audit import records as _audit_records
from ansible_collections.descope.mgmt.plugins.module_utils._client import HAS_REQUESTS
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeError, DescopeValidationError, Problem
from ansible_collections.descope.mgmt.plugins.module_utils._hints import failure_message
from ansible_collections.descope.mgmt.plugins.module_utils._options import hidden_values
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import _lifeline
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._apply import execute
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._checks import option_problems, prune_problems
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._cross import cross_problems
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._progress import Activity, Progress
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._result import (
    audit_block,
    failure_context,
    finish,
    rename_reserved,
)
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._secrets import (
    PastedSecretError,
    file_problems,
    param_problems,
    refuse_pasted,
)
from ansible_collections.descope.mgmt.plugins.module_utils._spec import Json, ResourceSpec, concurrency_of
from ansible_collections.descope.mgmt.plugins.module_utils._text import escape_text, map_strings


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise DescopeValidationError(problems)


def run(spec: ResourceSpec, ctx: TaskContext, misread: t.Sequence[Problem] = ()) -> Json:
    """``misread``: names and ids YAML did not read as strings (``_types``); the task stops before anything is read."""
    if spec.select is not None:
        spec = spec.select(ctx.params)
    problems = [*misread, *option_problems(spec, ctx.params)]
    if misread:
        _raise_if(problems)
    # a secret pasted into a field that is not secret is refused before any request (check mode too): masking
    # hides it in the output only, Descope would store it (docs/safety.md)
    certs = spec.certificate_fields  # the only fields whose lines may start with a key-shaped token
    refuse_pasted(problems, param_problems(spec.argument_spec, ctx.params, ctx.environ, certs))
    if spec.run is not None:
        if spec.declare is not None:
            early = spec.declare(ctx, problems)
            refuse_pasted(problems, file_problems(early, spec.argument_spec, ctx.params, ctx.environ, certs))
        _raise_if(problems)
        activity = Activity(
            ctx.progress if not ctx.check_mode else None,
            spec.module,
            lambda: ctx._client.stats if ctx._client is not None else None,
        )
        activity.start()
        try:
            outcome = spec.run(ctx)
        finally:
            activity.finish()
        result = dict(outcome.result)
        result.setdefault("changed", False)
        result["descope_audit"] = audit_block(
            ctx, outcome.operations, outcome.counts if outcome.counts is not None else {}
        )
        return result
    declared = spec.declare(ctx, problems) if spec.declare is not None else None
    # flow files, a backup
    refuse_pasted(problems, file_problems(declared, spec.argument_spec, ctx.params, ctx.environ, certs))
    if not spec.read_despite_problems:
        _raise_if(problems)
    if spec.plan is None:  # pragma: no cover  # ResourceSpec.__post_init__ guarantees one of plan/run/select
        raise DescopeError(f"{spec.module}: the resource spec has nothing to run.")
    plan = spec.plan(ctx, declared, problems)
    if not problems:
        problems.extend(cross_problems(spec, ctx, plan))
        problems.extend(prune_problems(spec, ctx.params, plan))  # after planning, before any write (check mode too)
    _raise_if(problems)
    if plan.changes and any(c.changed for c in plan.changes):
        writes = sum(1 for c in plan.changes if c.changed)
        progress = Progress(ctx.progress if not ctx.check_mode else None, spec.module, writes)
        client = ctx.client()
        client.on_pause = progress.pause
        progress.start()
        try:
            execute(plan.changes, client, ctx.check_mode, concurrency_of(ctx.params), done=progress.item)
        finally:
            client.on_pause = None
            progress.finish()
    else:
        execute(plan.changes, None, ctx.check_mode)  # marks every change unchanged; no write, no client
    return finish(spec, ctx, plan)


def run_task(
    spec: ResourceSpec,
    params: t.Mapping[str, t.Any],
    check_mode: bool,
    diff: bool,
    environ: t.Mapping[str, str],
    warn: t.Callable[[str], None],
    in_process: bool = False,
    progress: t.Callable[[str], None] | None = None,
    origins: t.Mapping[str, str] | None = None,
    misread: t.Sequence[Problem] = (),
) -> Json:
    ctx = TaskContext(
        module=spec.module,
        params=dict(params),
        check_mode=check_mode,
        diff=diff,
        environ=environ,
        warn=warn,
        in_process=in_process,
        progress=progress,
        origins=dict(origins or {}),
    )
    return run_in_context(spec, ctx, misread)


def run_in_context(spec: ResourceSpec, ctx: TaskContext, misread: t.Sequence[Problem] = ()) -> Json:
    shaped: frozenset[str] = frozenset()
    try:
        if not HAS_REQUESTS:
            raise DescopeError("Failed to import the required Python library (requests) on this host.")
        result = run(spec, ctx, misread)
    except DescopeError as exc:
        if isinstance(exc, PastedSecretError):
            shaped = exc.values  # key-shaped tokens are no known secret: mask them as well
        result = exc.to_result()
        error = result.get("error") or {}
        # the problem once, in the user's terms, with numbered next steps; the detail stays in 'error'
        # a declared value may hold bidi or control characters: the message shows them escaped, never raw
        result["msg"] = escape_text(
            failure_message(error, failure_context(ctx, error, result.get("validation_errors")))
        )
        result["failed"] = True
        result.setdefault("changed", False)
        # the error is kept once, in 'error' (the callback records it from there): a second copy in the block
        # made Ansible's failure dump print it twice
        result.setdefault("descope_audit", audit_block(ctx, [], {}))
    unjournaled = _audit_journal.unjournaled_warning()
    if unjournaled:  # without "required" the writes went on: say so once
        ctx.warn(unjournaled)
    stats = ctx.request_stats()
    if stats is not None:
        result["api_requests"] = stats
    ctx.close()
    return t.cast(Json, _without_secrets(rename_reserved(result, ctx.warn), ctx, shaped))


def _without_secrets(value: t.Any, ctx: TaskContext, extra: t.Iterable[str] = ()) -> t.Any:
    """The result with the management key (and the audit key/token) masked wherever it appears, whichever field it came
    in.

    A key pasted into a description or a name is refused before any request (``_secrets``); this second layer keeps
    any secret that reaches a result another way (an API error quoting it...) out of the result and -v output:
    no_log covers only the options that are declared secret. ``extra``: key-shaped values the refusal found.
    """
    secrets = _audit_records.secret_values(ctx.environ, [ctx.params.get("management_key"), *extra])
    if not secrets:
        return value
    return map_strings(value, lambda text: _audit_records.scrub_text(text, secrets))


def run_module(module: t.Any, spec: ResourceSpec) -> None:
    """Module path: AnsibleModule in, exit_json/fail_json out.

    The spec's ``libraries`` lists extra ``(name, available, import_traceback)`` it needs (jsonschema...),
    so a missing one fails with Ansible's standard message instead of a traceback.
    """
    import os
    import sys

    from ansible.module_utils.basic import missing_required_lib

    from ansible_collections.descope.mgmt.plugins.module_utils._client import REQUESTS_IMPORT_ERROR

    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    for lib, available, trace in spec.libraries:
        if not available:
            module.fail_json(msg=missing_required_lib(lib), exception=trace)
    # a key given in a credential position that is not no_log (project_id) must be masked in invocation too
    module.no_log_values.update(hidden_values(module.params, os.environ))
    # a key-shaped token pasted into another field is refused; -vvvv echoes the arguments (invocation): mask it there
    # too
    pasted = param_problems(spec.argument_spec, module.params, os.environ, spec.certificate_fields)
    module.no_log_values.update(pasted[1])
    # the worker that started this process ends once the controller is gone: stop writing when it does
    try:
        result_fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (io.UnsupportedOperation is both of the last two)
        result_fd = None
    if result_fd is not None:
        _lifeline.watch_output(result_fd)
    result = run_task(spec, module.params, module.check_mode, module._diff, os.environ, module.warn)
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)
