# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reads of one backup on one bounded pool, its sections side by side (FOR INTERNAL COLLECTION USE ONLY).

Every request goes through ``Reads.map``/``Reads.call``, which run it on a pool of ``concurrency`` workers:
never more requests in flight than the task allows. Each section (tenants, flows, theme, ...) is coordinated
on a thread of its own that only submits to that pool and waits, so a pool worker never waits on the pool
(no deadlock at any concurrency, 1 included) and independent sections overlap: the tenant list, the flow
list, the theme and the snapshot go out together, and the flow exports follow the flow list while the
per-tenant sections follow the tenant list.

On the first failure the queued requests are cancelled (requests already sent finish) and the error of the
earliest section, in the order ``run`` was given them, is raised: the same error a one-at-a-time capture
reports first, whatever the timing.
"""

from __future__ import annotations

import concurrent.futures
import threading
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _threads

T = t.TypeVar("T")
R = t.TypeVar("R")


class Stopped(Exception):
    """A section's request was not sent because another section failed first (never reaches the user)."""


class Once(t.Generic[R]):
    """A call made once, by the first thread that asks; the others wait for its result (or its error)."""

    def __init__(self, fn: t.Callable[[], R]) -> None:
        self._fn = fn
        self._lock = threading.Lock()
        self._done = False
        self._result: R | None = None
        self._error: BaseException | None = None

    def __call__(self) -> R:
        with self._lock:
            if not self._done:
                try:
                    self._result = self._fn()
                except BaseException as exc:  # noqa: BLE001 - handed to every caller, raised again below
                    self._error = exc
                self._done = True
        if self._error is not None:
            raise self._error
        return t.cast(R, self._result)


class Reads:
    """A bounded request pool; ``map`` and ``call`` are for section threads (see the module docstring)."""

    def __init__(self, concurrency: int) -> None:
        self._pool = _threads.pool(max(1, concurrency), "descope-backup-read")
        self._stopped = False

    def map(self, fn: t.Callable[[T], R], items: t.Sequence[T]) -> list[R]:
        """``fn`` over ``items`` on the pool, results in the order of ``items``; the first error is raised."""
        try:
            futures = [self._pool.submit(fn, item) for item in items]
        except RuntimeError:  # the pool was shut down: another section failed
            raise Stopped() from None
        try:
            return [f.result() for f in futures]
        except concurrent.futures.CancelledError:
            raise Stopped() from None
        finally:
            for f in futures:
                f.cancel()  # an item failed: do not send what is still queued (no-op for the finished ones)

    def call(self, fn: t.Callable[..., R], *args: t.Any) -> R:
        return self.map(lambda _item: fn(*args), [None])[0]

    def run(self, sections: t.Sequence[tuple[str, t.Callable[[Reads], t.Any]]]) -> dict[str, t.Any]:
        """Run every section on its own thread; their results by name, or the earliest section's error."""
        results: dict[str, t.Any] = {}
        if not sections:
            return results
        with _threads.pool(len(sections), "descope-backup-section") as coordinators:
            futures = [(name, coordinators.submit(fn, self)) for name, fn in sections]
            try:
                concurrent.futures.wait([f for _n, f in futures], return_when=concurrent.futures.FIRST_EXCEPTION)
                if any(f.done() and f.exception() is not None for _n, f in futures):
                    self.stop()
                concurrent.futures.wait([f for _n, f in futures])
            finally:
                self.stop()
        errors = [f.exception() for _n, f in futures if f.exception() is not None]
        first = next((e for e in errors if not isinstance(e, Stopped)), errors[0] if errors else None)
        if first is not None:
            raise first
        for name, f in futures:
            results[name] = f.result()
        return results

    def stop(self) -> None:
        if not self._stopped:
            self._stopped = True
            self._pool.shutdown(wait=True, cancel_futures=True)
