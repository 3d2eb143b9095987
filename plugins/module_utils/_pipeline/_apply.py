# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Apply a plan: the only place writes happen (FOR INTERNAL COLLECTION USE ONLY).

* check mode stops after planning, so the prediction is by construction what a real run would do;
* writes run stage by stage and, within a stage, phase by phase (parents before children, children
  deleted before parents), each phase on a bounded thread pool; the shared client slows every worker
  down on a 429;
* after an authentication failure the remaining writes are not attempted (they would all fail the
  same way) and are reported as ``skipped``; a failure in one stage skips the later stages (restore:
  no flow is written after a tenant failed). Nothing is ever silently half-done;
* no write is sent once the controller process is gone (``_lifeline``) or, with the audit required, once the
  journal could not take a write's intent (``_audit.journal.blocked``): those in flight finish, no new one starts.
"""

from __future__ import annotations

import functools
import threading
import time
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _threads
from ansible_collections.descope.mgmt.plugins.module_utils._audit import journal as _audit_journal
from ansible_collections.descope.mgmt.plugins.module_utils._change import Change
from ansible_collections.descope.mgmt.plugins.module_utils._client_protocol import ApiClient
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeError
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import _lifeline


def _halted() -> dict[str, t.Any] | None:
    """Why no further write may be sent: the controller died, or a required journal could not be written."""
    if not _lifeline.alive():
        return {"kind": "interrupted", "message": "not sent: the Ansible controller process ended (killed or stopped)"}
    why = _audit_journal.blocked()
    return {"kind": "file", "status": None, "message": why} if why else None


def _apply_one(change: Change, client: ApiClient | None) -> None:
    start = time.monotonic()
    with _lifeline.sending():
        stop = _halted()
        if stop is None:
            # the journal records intent (fsynced) before the write is sent and its outcome after, so a run killed in
            # between still reaches the audit trail (reconciled by the callback); it never raises
            _audit_journal.note(change, client, "sent")
            stop = _halted()  # this very intent may be the line the journal could not take
        if stop is not None:  # not sent: skipped, with the reason (the task's message names it: first_error)
            change.outcome = "skipped"
            change.error = {**stop, "target_id": change.target_id}
            return
        try:
            if change.apply is not None:
                change.apply(client)
            change.outcome = "ok"
        except DescopeError as exc:
            change.outcome = "failed"
            change.error = exc.error_dict()
        finally:
            change.duration_ms = int((time.monotonic() - start) * 1000)
            _audit_journal.note(change, client, change.outcome)


def _is_auth_failure(change: Change) -> bool:
    return bool(change.error and change.error.get("status") in (401, 403))


def _apply_unless_stopped(change: Change, client: ApiClient | None, stop: threading.Event, done: Done) -> None:
    if stop.is_set():
        change.outcome = "skipped"
        done(change.outcome)
        return
    _apply_one(change, client)
    done(change.outcome)
    if _is_auth_failure(change):
        stop.set()


# t.Optional, not 'str | None': this alias is evaluated at import, on the older Pythons a module may run on
Done = t.Callable[[t.Optional[str]], None]  # noqa: UP045


def _nothing(_outcome: str | None) -> None:
    return None


def _in_parallel(batch: list[Change], workers: int, work: t.Callable[[Change], None]) -> None:
    """``work`` on each change, in order, by ``workers`` threads that take the next change as they finish one.

    A thread pool's future and semaphore per item cost ~55 us of CPU each (10,000 writes: half a second). An unexpected
    exception (or an interrupt of the caller) stops the threads taking more changes; those in flight finish; it is
    raised here.
    """
    pending = iter(batch)
    lock = threading.Lock()
    halt = threading.Event()
    errors: list[BaseException] = []

    def worker() -> None:
        while True:
            with lock:
                change = None if halt.is_set() else next(pending, None)
            if change is None:
                return
            try:
                work(change)
            # re-raised in the caller's thread
            except BaseException as exc:  # noqa: BLE001  # pylint: disable=broad-except
                halt.set()
                errors.append(exc)
                return

    started: list[threading.Thread] = []
    try:
        for _number in range(workers):
            started.append(_threads.thread(worker, name="descope-apply"))
        for thread in started:
            thread.join()
    except BaseException:
        halt.set()  # interrupted (or no thread could start): take no more changes, let those in flight finish
        for thread in started:
            thread.join()
        raise
    if errors:
        raise errors[0]


def execute(
    changes: list[Change],
    client: ApiClient | None,
    check_mode: bool,
    concurrency: int = 4,
    done: t.Callable[[str | None], None] | None = None,
) -> list[Change]:
    """Apply the planned changes (or only mark them in check mode); never raises for API errors.

    ``done`` is told the outcome of each write as it completes (live progress, see _progress.py). ``client`` may be
    None where no change calls it (a plan with nothing to write, tests with their own ``apply``).
    """
    done = done or _nothing
    for change in changes:
        if not change.changed:
            change.outcome = "unchanged"
        elif check_mode:
            change.outcome = "check"
    if check_mode:
        return changes
    # grouped once: a scan per phase was O(n^2) for a long parent chain
    batches: dict[tuple[int, int], list[Change]] = {}
    for change in changes:
        if change.changed:
            batches.setdefault((change.stage, change.phase), []).append(change)
    auth_failed = False
    failed_stage: int | None = None
    for (stage, _phase), batch in sorted(batches.items(), key=lambda entry: entry[0]):
        if failed_stage is not None and stage > failed_stage:
            for change in batch:
                change.outcome = "skipped"
                done(change.outcome)
            continue
        if auth_failed:
            for change in batch:
                change.outcome = "skipped"
                done(change.outcome)
            continue
        workers = max(1, min(concurrency, len(batch)))
        if workers == 1:
            for change in batch:
                if auth_failed:
                    change.outcome = "skipped"
                    done(change.outcome)
                    continue
                _apply_one(change, client)
                done(change.outcome)
                auth_failed = auth_failed or _is_auth_failure(change)
        else:
            # the first 401/403 stops the writes not yet started (only those already in flight finish)
            stop = threading.Event()
            _in_parallel(batch, workers, functools.partial(_apply_unless_stopped, client=client, stop=stop, done=done))
            auth_failed = stop.is_set()
        if failed_stage is None and any(c.outcome in ("failed", "skipped") for c in batch):
            failed_stage = stage
    return changes
