# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client-side rate pacing learned from HTTP 429 answers (FOR INTERNAL COLLECTION USE ONLY).

Modelled on the AWS SDKs' "adaptive" retry mode (a client-side token bucket whose fill rate follows
a CUBIC curve, cut on every throttle): Descope publishes its limits only as per-minute figures that
vary by licence tier (docs.descope.com/rate-limiting), so the allowed rate is learned, not configured.

* Until the first 429 nothing is paced (a run under the limit pays nothing).
* On a 429 the rate is cut to ``BETA`` x the rate requests were being sent at, once per congestion
  event: answers to requests sent before the previous cut do not cut again (16 workers hitting one
  empty bucket are one signal, not sixteen).
* Without throttles the rate grows back along a cubic curve that returns to the rate of the last cut
  after ``RECOVERY_SECONDS`` and then probes above it. The curve is scaled to the learned rate (AWS
  uses a fixed constant tuned for its own services) so the recovery takes the same time at 2 or 200
  requests per second, and the server bucket never idles long enough to overflow.
* Every thread of a client takes its send slot from the same schedule.

The clock and sleep are injectable so the unit tests are exact, not timed.
"""

from __future__ import annotations

import collections
import threading
import time
import typing as t

BETA = 0.8
RECOVERY_SECONDS = 1.0
MEASURE_WINDOW = 0.5  # seconds of send timestamps used to measure the send rate
MIN_RATE = 0.5  # requests per second: the pacer never stalls a run completely
MAX_GROWTH = 4.0  # the probed rate never exceeds this multiple of the rate of the last cut


class AdaptivePacer:
    def __init__(self, clock: t.Callable[[], float] = time.monotonic, sleep: t.Callable[[float], None] = time.sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._sent: collections.deque[float] = collections.deque()
        self._enabled = False
        self._rate_max = 0.0  # the rate at the last cut (requests per second)
        self._cut_at = 0.0
        self._next_slot = 0.0
        self.throttles = 0  # 429 answers seen
        self.cuts = 0  # congestion events that lowered the rate

    # -- what the client calls ------------------------------------------------------------------

    def acquire(self) -> float:
        """Wait for this request's send slot; return the send time (pass it back to ``throttled``)."""
        with self._lock:
            now = self._clock()
            slot = now
            if self._enabled:
                slot = max(now, self._next_slot)
                self._next_slot = slot + 1.0 / self._rate(slot)
        if slot > now:
            self._sleep(slot - now)
        with self._lock:
            sent = max(slot, self._clock())
            self._sent.append(sent)
            while self._sent and self._sent[0] < sent - MEASURE_WINDOW:
                self._sent.popleft()
        return sent

    def throttled(self, sent_at: float) -> None:
        """A request sent at ``sent_at`` was answered 429: cut the rate once per congestion event."""
        with self._lock:
            self.throttles += 1
            if self._enabled and sent_at < self._cut_at:
                return  # this answer belongs to the event that already cut the rate
            now = self._clock()
            measured = self._measured(now)
            current = self._rate(now) if self._enabled else measured
            self._rate_max = max(MIN_RATE, min(measured, current) if measured > 0 else current)
            self._cut_at = now
            self._enabled = True
            self.cuts += 1
            self._next_slot = max(self._next_slot, now)

    def hold_until(self, when: float) -> None:
        """Nobody sends before ``when`` (a Retry-After honoured for every thread)."""
        with self._lock:
            self._next_slot = max(self._next_slot, when)

    @property
    def rate(self) -> float | None:
        """The current paced rate in requests per second, or None while nothing has been throttled."""
        with self._lock:
            return self._rate(self._clock()) if self._enabled else None

    # -- internals (callers hold the lock) ------------------------------------------------------

    def _measured(self, now: float) -> float:
        recent = [s for s in self._sent if s >= now - MEASURE_WINDOW]
        if len(recent) < 2:
            return float(len(recent)) / MEASURE_WINDOW
        span = max(now - recent[0], 1e-3)
        return len(recent) / span

    def _rate(self, now: float) -> float:
        # CUBIC: W(t) = C (t - K)^3 + W_max with W(0) = BETA * W_max and W(K) = W_max
        k = RECOVERY_SECONDS
        c = self._rate_max * (1.0 - BETA) / k**3
        rate = c * (now - self._cut_at - k) ** 3 + self._rate_max
        return max(MIN_RATE, min(rate, self._rate_max * MAX_GROWTH))
