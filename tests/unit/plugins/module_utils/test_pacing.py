# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The adaptive pacer on a simulated clock: exact, never timed."""

from __future__ import annotations

import math

from ansible_collections.descope.mgmt.plugins.module_utils import _pacing
from ansible_collections.descope.mgmt.plugins.module_utils._pacing import AdaptivePacer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Bucket:
    """The emulator's token bucket, on the simulated clock."""

    def __init__(self, clock: Clock, capacity: float, refill: float) -> None:
        self.clock, self.capacity, self.refill = clock, capacity, refill
        self.tokens, self.stamp = capacity, clock.now

    def take(self) -> bool:
        self.tokens = min(self.capacity, self.tokens + (self.clock.now - self.stamp) * self.refill)
        self.stamp = self.clock.now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def drive(pacer: AdaptivePacer, clock: Clock, accept: object, requests: int, workers: int = 4, rtt: float = 0.002) -> tuple[int, int]:
    """``workers`` senders in lock-step (each sends, the answer comes back ``rtt`` later); return (accepted, throttled)."""
    ok = throttled = 0
    while ok < requests:
        in_flight = [pacer.acquire() for _n in range(workers)]
        clock.now += rtt
        for sent in in_flight:
            if accept():  # type: ignore[operator]
                pacer.accepted(sent)
                ok += 1
            else:
                pacer.throttled(sent)
                throttled += 1
    return ok, throttled


def test_nothing_is_paced_before_the_first_429() -> None:
    clock = Clock()
    pacer = AdaptivePacer(clock, clock.sleep)
    for _n in range(100):
        pacer.accepted(pacer.acquire())
    assert clock.slept == [] and pacer.rate is None


class Unpaced(AdaptivePacer):
    """Today's behaviour for comparison: every worker sends again at once."""

    def throttled(self, sent_at: float) -> None:
        self.throttles += 1


def unpaced_throttles(capacity: float, refill: float, requests: int, workers: int) -> int:
    clock = Clock()
    return drive(Unpaced(clock, clock.sleep), clock, Bucket(clock, capacity, refill).take, requests, workers)[1]


def test_a_token_bucket_is_learned_close_to_its_floor_with_few_429s() -> None:
    clock = Clock()
    pacer = AdaptivePacer(clock, clock.sleep)
    bucket = Bucket(clock, capacity=20, refill=50.0)
    start = clock.now
    ok, throttled = drive(pacer, clock, bucket.take, requests=300, workers=4)
    elapsed = clock.now - start
    floor = (ok - 20) / 50.0
    assert ok >= 300
    assert elapsed <= 1.15 * floor, (elapsed, floor)
    assert throttled * 10 < unpaced_throttles(20, 50.0, 300, 4)
    assert pacer.rate is not None and 25 <= pacer.rate <= 100 and not pacer.rate_independent


def test_a_smaller_refill_per_minute_scaled_down_is_learned_too() -> None:
    clock = Clock()
    pacer = AdaptivePacer(clock, clock.sleep)
    bucket = Bucket(clock, capacity=10, refill=5.0)
    start = clock.now
    ok, throttled = drive(pacer, clock, bucket.take, requests=100, workers=8)
    assert clock.now - start <= 1.15 * (ok - 10) / 5.0
    assert throttled * 10 < unpaced_throttles(10, 5.0, 100, 8) and not pacer.rate_independent


def test_one_burst_of_429s_cuts_once_not_once_per_worker() -> None:
    clock = Clock()
    pacer = AdaptivePacer(clock, clock.sleep)
    sent = [pacer.acquire() for _n in range(10)]
    for s in sent[:5]:
        pacer.accepted(s)
    clock.now += 0.05
    for s in sent[5:]:
        pacer.throttled(s)
    assert pacer.cuts == 1 and pacer.throttles == 5


def test_429s_that_do_not_depend_on_the_rate_stop_the_pacing_instead_of_stalling() -> None:
    clock = Clock()
    pacer = AdaptivePacer(clock, clock.sleep)
    answers = iter(range(10**6))
    _ok, throttled = drive(pacer, clock, lambda: next(answers) % 2 == 0, requests=400, workers=4)
    assert pacer.rate_independent and pacer.rate is None
    assert throttled >= 390 and pacer.cuts <= 3 and pacer.throttles == throttled
    assert sum(clock.slept) < 5  # 800 requests: pacing at the minimum rate would have taken minutes


def test_the_rate_never_drops_below_the_minimum_and_recovers_along_the_curve() -> None:
    clock = Clock()
    pacer = AdaptivePacer(clock, clock.sleep)
    sent = [pacer.acquire() for _n in range(4)]
    for s in sent[:3]:
        pacer.accepted(s)
    clock.now += 100  # a very slow server: the measured rates are tiny
    pacer.throttled(sent[3])
    low = pacer.rate
    assert low is not None and low >= _pacing.MIN_RATE
    clock.now += _pacing.RECOVERY_SECONDS
    back = pacer.rate
    assert back is not None and back >= low and math.isclose(back, pacer._rate_max, rel_tol=0.01)


def test_hold_until_delays_every_next_send() -> None:
    clock = Clock()
    pacer = AdaptivePacer(clock, clock.sleep)
    sent = [pacer.acquire() for _n in range(4)]
    for s in sent[:3]:
        pacer.accepted(s)
    clock.now += 0.1
    pacer.throttled(sent[3])
    pacer.hold_until(clock.now + 7)
    before = clock.now
    pacer.acquire()
    assert clock.now - before >= 7


def test_429s_to_slots_granted_before_a_cut_do_not_switch_pacing_off() -> None:
    # a loaded machine: threads got their send slots at the old rate, slept past the cut, were refused; that says
    # nothing about the new rate, so it must not make the pacer call the 429s rate-independent and stop pacing
    clock = Clock()
    pacer = AdaptivePacer(clock, lambda _s: None)  # a sleep that lets the "threads" hold future slots
    for _n in range(3):
        pacer.accepted(pacer.acquire())
        clock.now += 0.01
    pacer.throttled(pacer.acquire())  # the first cut: pacing starts
    assert pacer.cuts == 1
    clock.now += _pacing.CUT_INTERVAL
    for _n in range(3):
        pacer.accepted(pacer.acquire())
    clock.now += _pacing.CUT_INTERVAL
    stragglers = [pacer.acquire() for _n in range(8)]  # slots granted now, under this schedule
    clock.now += 0.001
    pacer.throttled(pacer.acquire())  # the second cut, measured on a paced epoch
    assert pacer.cuts == 2
    for granted in stragglers:
        pacer.throttled(granted)
    assert not pacer.rate_independent and pacer.rate is not None
