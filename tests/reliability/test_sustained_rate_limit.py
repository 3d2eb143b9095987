# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A set-mode run of a few hundred writes under a sustained token-bucket limit.

The emulator's bucket holds CAPACITY requests and refills REFILL per second, so no client can finish
N requests faster than the floor ``(N - CAPACITY) / REFILL`` seconds. The run must converge with the
default retry settings (no failed item) and the test prints how close it came to that floor. It
asserts convergence and the request accounting, never timing (loaded CI machines vary).

The client paces itself to the rate the bucket accepts (``_pacing.py``), so a bucket smaller than one
second of refill (capacity 20, refill 50/s: ``benchmarks/bench_rate_limit.py``) is not slower relative to
its floor; a 429 only spends an item's budget while no other request of the run is served, so no item
fails however long the queue.
"""

from __future__ import annotations

import time
import typing as t

CAPACITY = 50
REFILL = 50.0
TENANTS = 300


def test_three_hundred_creates_under_a_small_token_bucket(engine: t.Any, emulator: t.Any, capsys: t.Any) -> None:
    emulator.config(rateLimit={"capacity": CAPACITY, "refillPerSecond": REFILL})
    tenants = [{"id": f"rl{n:03d}", "name": f"Rate limited {n:03d}"} for n in range(TENANTS)]
    started = time.monotonic()
    out = engine.run("descope_tenant", {"tenants": tenants})  # default retries, retry_max_wait and concurrency
    elapsed = time.monotonic() - started
    emulator.config(rateLimit=None)

    assert not out.failed, out.result.get("msg")
    assert out.result["descope_audit"]["counts"]["created"] == TENANTS
    assert len(emulator.state()["tenants"]) == TENANTS
    limited = [r for r in out.requests if r["status"] == 429]
    accepted = [r for r in out.requests if r["status"] == 200]
    assert limited, "the bucket never ran dry: the test does not exercise the limit"
    assert len(accepted) == TENANTS + 1  # one list, one create per tenant: a 429 is retried, never doubled
    assert out.result["api_requests"]["rate_limited"] == len(limited)
    # the audit trail has each create once, all ok
    assert sorted(e["target_id"] for e in out.audit if e["operation"] == "create" and e["outcome"] == "ok") == sorted(x["id"] for x in tenants)

    floor = (len(accepted) - CAPACITY) / REFILL
    with capsys.disabled():
        print(
            f"\nsustained rate limit: {len(accepted)} accepted requests, {len(limited)} answered 429, bucket {CAPACITY} + {REFILL:g}/s: "
            f"{elapsed:.2f} s against a floor of {floor:.2f} s (ratio {elapsed / floor:.2f})"
        )
