"""Rate limiting (token bucket) and scripted faults. Callers hold the store lock."""

import math
import time

KINDS = ("status", "delay", "drop", "malformed", "empty", "rate_limit")


class TokenBucket:
    """Classic token bucket; ``take`` returns 0 when allowed, else whole seconds until a token exists."""

    def __init__(self, capacity, refill_per_second, clock=time.monotonic):
        if capacity < 1 or refill_per_second <= 0:
            raise ValueError("rateLimit needs capacity >= 1 and refillPerSecond > 0")
        self.capacity = float(capacity)
        self.refill = float(refill_per_second)
        self.tokens = float(capacity)
        self.clock = clock
        self.stamp = clock()

    def take(self):
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.refill)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0
        return max(1, math.ceil((1 - self.tokens) / self.refill))


def check_fault(spec):
    if not isinstance(spec, dict):
        raise ValueError("each fault must be an object")
    kind = spec.get("kind", "status")
    if kind not in KINDS:
        raise ValueError("fault kind must be one of %s" % ", ".join(KINDS))
    count = spec.get("count")
    if count is not None and (not isinstance(count, int) or count < 1):
        raise ValueError("fault count must be a positive integer or null")
    after = spec.get("after", 0)
    if not isinstance(after, int) or after < 0:
        raise ValueError("fault after must be a non-negative integer")
    fault = {
        "path": spec.get("path", "*"),
        "method": (spec.get("method") or "").upper() or None,
        "kind": kind,
        "status": int(spec.get("status", 503)),
        "seconds": float(spec.get("seconds", 1.0)),
        "retryAfter": int(spec.get("retryAfter", 1)),
        "count": count,
        "body": spec.get("body"),
        "apply": bool(spec.get("apply", False)),
        "after": after,
    }
    return fault


def take_fault(faults, method, path):
    """Find the first fault matching the request, consume one use, and return a copy (or None)."""
    for fault in faults:
        if fault["path"] not in ("*", path) or (fault["method"] and fault["method"] != method):
            continue
        if fault["after"] > 0:  # let this many matching requests through first (e.g. a key revoked mid-run)
            fault["after"] -= 1
            continue
        if fault["count"] is not None:
            fault["count"] -= 1
            if fault["count"] <= 0:
                faults.remove(fault)
        return dict(fault)
    return None
