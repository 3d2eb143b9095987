# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client-side rate pacing learned from HTTP 429 answers (FOR INTERNAL COLLECTION USE ONLY).

Modelled on the AWS SDKs' "adaptive" retry mode (a client-side token bucket whose fill rate follows
a CUBIC curve, cut on every throttle): Descope publishes its limits only as per-minute figures that
vary by licence tier (docs.descope.com/rate-limiting), so the allowed rate is learned, not configured.

* Until the first 429 nothing is paced (a run under the limit pays nothing).
* On a 429 the rate is cut, once per congestion event: answers to requests sent before the previous
  cut do not cut again (16 workers hitting one empty bucket are one signal, not sixteen), and a cut
  needs ``MIN_OK_PER_CUT`` accepted answers to requests sent since the previous one. The new rate is the
  lower of the current rate and the rate the server accepted since the previous cut: after a 429 the
  server's bucket is empty, so what it accepts from then on is its refill rate (a token bucket is found
  in two cuts, not a dozen 429 storms). Unless the client sends more than ``FAR_ABOVE`` x that, cuts
  come at most once per ``CUT_INTERVAL``.
* When requests sent at the rate just measured are still refused ``JUDGE_SHARE`` of the time or more,
  the 429s do not depend on the rate (a proxy or fault rejecting a share of requests): pacing cannot
  help and stops for this client, so such faults cost retries, not a stalled run.
* After a cut the rate starts at ``BETA`` x the new rate and grows along a cubic curve that returns to
  it after ``RECOVERY_SECONDS`` and then probes above it (never above twice the measured send rate).
  The curve is scaled to the learned rate (AWS uses a fixed constant tuned for its own services), so
  the recovery takes the same time at 2 or 200 requests per second and the server bucket does not
  idle long enough to overflow.
* Every thread of a client takes its send slot from the same schedule; a 429 is judged by the schedule
  its slot was granted under (a thread that slept past a cut was paced at the old rate).

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
MIN_RATE = 2.0  # requests per second: 429s that do not depend on the rate (a faulty proxy) never stall a run
MIN_OK_PER_CUT = 3
MIN_EPOCH = 0.02  # seconds: a shorter measurement says nothing about a rate
CUT_INTERVAL = RECOVERY_SECONDS  # the curve is back at the last rate by then, so repeated cuts do not ratchet it down
FAR_ABOVE = 1.3
JUDGE_SAMPLES = 5  # answers since a measured cut needed to call the 429s rate-independent
JUDGE_SHARE = 0.4
MAX_GROWTH = 2.0  # the probed rate never exceeds this multiple of the measured send rate (as AWS caps it)


class AdaptivePacer:
    def __init__(
        self, clock: t.Callable[[], float] = time.monotonic, sleep: t.Callable[[float], None] = time.sleep
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._sent: collections.deque[float] = collections.deque()
        self._enabled = False
        self._rate_max = 0.0  # the rate at the last cut (requests per second)
        self._cut_at = 0.0
        self._next_slot = 0.0
        self._ok_since_cut = 0
        self._throttled_since_cut = 0
        self._judge = False
        self.rate_independent = False
        self._started: float | None = None
        self.throttles = 0  # 429 answers seen
        self.cuts = 0  # congestion events that lowered the rate

    # -- what the client calls ------------------------------------------------------------------

    def acquire(self) -> float:
        """Wait for this request's send slot; return when the slot was granted (pass it back to ``throttled``).

        The grant time, not the send time, tells which schedule a request was sent under: a thread that got
        its slot before a cut and slept past it was paced at the old rate, so its 429 must not count as a
        refusal of the new rate (on a loaded machine those stragglers made pacing switch itself off).
        """
        with self._lock:
            now = self._clock()
            granted = now
            slot = now
            if self._enabled:
                slot = max(now, self._next_slot)
                self._next_slot = slot + 1.0 / self._rate(slot)
        if slot > now:
            self._sleep(slot - now)
        with self._lock:
            sent = max(slot, self._clock())
            if self._started is None:
                self._started = sent
            self._sent.append(sent)
            while self._sent and self._sent[0] < sent - MEASURE_WINDOW:
                self._sent.popleft()
        return granted

    def accepted(self, sent_at: float) -> None:
        """A request sent at ``sent_at`` was answered with anything but 429."""
        with self._lock:
            if sent_at >= self._cut_at:  # answers to requests sent before the cut say nothing about the new rate
                self._ok_since_cut += 1

    def throttled(self, sent_at: float) -> None:
        """A request sent at ``sent_at`` was answered 429: cut the rate once per congestion event."""
        with self._lock:
            self.throttles += 1
            now = self._clock()
            if self.rate_independent:
                return
            if self._enabled and sent_at >= self._cut_at:
                self._throttled_since_cut += 1
                answers = self._ok_since_cut + self._throttled_since_cut
                if self._judge and answers >= JUDGE_SAMPLES and self._throttled_since_cut >= JUDGE_SHARE * answers:
                    # sent at the rate the server had just been measured to accept, and still refused this often:
                    # these 429s do not depend on the rate (a proxy or fault rejecting a share of requests);
                    # pacing cannot help, so it stops
                    self.rate_independent = True
                    self._enabled = False
                    return
            if (self._enabled and sent_at < self._cut_at) or self._ok_since_cut < MIN_OK_PER_CUT:
                return  # the event that already cut the rate, or too little seen since to measure anything
            since = self._cut_at if self._enabled else (self._started if self._started is not None else now)
            current = self._rate(now) if self._enabled else self._measured(now)
            est = self._ok_since_cut / (now - since) if now - since >= MIN_EPOCH else None
            far_above = est is not None and current > FAR_ABOVE * est
            if self._enabled and now - self._cut_at < CUT_INTERVAL and not far_above:
                # at most one gentle cut per interval: 429s that do not depend on the rate must not stall the run
                return
            new_max = min(current, est) if est is not None else current
            # judge the next epoch only when this estimate came from a paced epoch (the first one holds the bucket's
            # burst)
            self._judge = self._enabled and est is not None
            self._throttled_since_cut = 0
            self._rate_max = max(MIN_RATE, new_max)
            self._cut_at = now
            self._ok_since_cut = 0
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
        cap = max(self._rate_max, MAX_GROWTH * self._measured(now))
        return max(MIN_RATE, min(rate, cap))
