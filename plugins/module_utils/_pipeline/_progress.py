# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Live progress of a long apply step (FOR INTERNAL COLLECTION USE ONLY).

The pipeline only counts; *where* a line goes is a plain callable handed in by the entry point (the
action plugin passes ``Display().display``, which ansible-core >= 2.14 forwards from the forked worker
to the controller, so the line reaches the terminal and AWX/AAP job events while the task runs). The
module path has no such channel: there ``emit`` is None and nothing is printed until the task ends.

Throttled so a quick task prints nothing: the first line only after ``FIRST_AFTER`` seconds, then at
most one every ``EVERY`` seconds, and a final line only if a line was already shown.
"""

from __future__ import annotations

import threading
import time
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _threads

FIRST_AFTER = 2.0
EVERY = 5.0
_TICK = 0.5  # how often the ticker looks at the clock (a rate-limit pause completes no item)


def _secs(value: float) -> str:
    whole = max(0, round(value))
    return f"{whole // 60}m{whole % 60:02d}s" if whole >= 60 else f"{whole}s"


class Progress:
    """done/total, writes, failures, rate-limit pauses and an estimate of the time left."""

    def __init__(
        self,
        emit: t.Callable[[str], None] | None,
        label: str,
        total: int,
        clock: t.Callable[[], float] = time.monotonic,
        first_after: float = FIRST_AFTER,
        every: float = EVERY,
    ) -> None:
        self.emit = emit
        self.label = label
        self.total = total
        self.clock = clock
        self.first_after = first_after
        self.every = every
        self.started = clock()
        self.done = 0
        self.written = 0
        self.failed = 0
        self.limited = 0
        self.pauses = 0
        self.paused_for = 0.0
        self.shown = 0
        self._last: float | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    # ---------------------------------------------------------------- reports in

    def item(self, outcome: str | None) -> None:
        with self._lock:
            self.done += 1
            if outcome == "ok":
                self.written += 1
            elif outcome in ("failed", "skipped"):
                self.failed += 1
        self.tick()

    def pause(self, seconds: float) -> None:
        """A 429 answer: a pause (Retry-After) the client is about to sit out, or 0 when it only paces."""
        with self._lock:
            self.limited += 1
            if seconds > 0:
                self.pauses += 1
                self.paused_for += seconds
        self.tick()

    # ---------------------------------------------------------------- lines out

    def line(self, final: bool = False) -> str:
        elapsed = self.clock() - self.started
        parts = [f"{self.done}/{self.total} done", f"{self.written} written", f"{self.failed} failed"]
        if self.limited:
            parts.append(
                f"rate-limited {self.limited}x"
                + (f" ({self.pauses} pause(s), {_secs(self.paused_for)} in total)" if self.pauses else " (paced)")
            )
        if final:
            parts.append(f"finished in {_secs(elapsed)}")
        else:
            if 0 < self.done < self.total:
                parts.append(f"about {_secs(elapsed / self.done * (self.total - self.done))} left")
            parts.append(f"{_secs(elapsed)} elapsed")
        return f"{self.label}: " + ", ".join(parts)

    def tick(self) -> None:
        if self.emit is None:
            return
        now = self.clock()
        with self._lock:
            due = now - self.started >= self.first_after if self._last is None else now - self._last >= self.every
            if not due or self.done >= self.total:
                return
            self._last = now
            self.shown += 1
            text = self.line()
        self._say(text)

    def _say(self, text: str) -> None:
        try:
            self.emit(text)  # type: ignore[misc]  # checked by the callers
        except Exception:  # noqa: BLE001  # pylint: disable=broad-except  # progress must never fail the task
            self.emit = None

    def start(self) -> Progress:
        """Start the ticker thread (only when there is somewhere to print)."""
        if self.emit is not None and self.total > 0:
            self._ticker = _threads.thread(self._run_ticker, name="descope-progress", daemon=True)
        return self

    def _run_ticker(self) -> None:
        while not self._stop.wait(_TICK):
            self.tick()

    def finish(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=2)
        if self.emit is not None and self.shown:
            self._say(self.line(final=True))


class Activity(Progress):
    """Progress of an operation whose total is not known up front (backup, retention): the client's request counts.

    ``stats`` returns the client's counters (or None before the client exists); there is no time-left estimate.
    """

    def __init__(
        self,
        emit: t.Callable[[str], None] | None,
        label: str,
        stats: t.Callable[[], t.Mapping[str, float] | None],
        clock: t.Callable[[], float] = time.monotonic,
        first_after: float = FIRST_AFTER,
        every: float = EVERY,
    ) -> None:
        super().__init__(emit, label, 1, clock=clock, first_after=first_after, every=every)
        self.stats = stats

    def line(self, final: bool = False) -> str:
        elapsed = self.clock() - self.started
        found = self.stats() or {}
        reads, writes = int(found.get("reads", 0)), int(found.get("writes", 0))
        parts = [f"{reads + writes} request(s) ({reads} read(s), {writes} write(s))"]
        limited, waited = int(found.get("rate_limited", 0)), float(found.get("waited", 0.0))
        if limited:
            parts.append(f"rate-limited {limited}x" + (f" ({_secs(waited)} paused)" if waited else " (paced)"))
        parts.append(f"finished in {_secs(elapsed)}" if final else f"{_secs(elapsed)} elapsed")
        return f"{self.label}: " + ", ".join(parts)

    def tick(self) -> None:
        self.done = 0  # never "complete" until finish()
        super().tick()
