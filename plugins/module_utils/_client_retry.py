# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client's retry policy: which statuses repeat, how long to wait, and the short reason of a transport error
(FOR INTERNAL COLLECTION USE ONLY). Sources are in ``_client.py``'s docstring.
"""

from __future__ import annotations

import re
import typing as t

# The statuses the official SDKs retry for every method (see the module docstring for the sources).
SDK_RETRY_STATUSES = frozenset({503, 520, 521, 522, 524, 530})
# Retried for reads only: a 500/502/504 may come back after the origin applied a write.
READ_ONLY_RETRY_STATUSES = frozenset({500, 502, 504})
RETRY_STATUSES = SDK_RETRY_STATUSES | READ_ONLY_RETRY_STATUSES
# Backoff for the 5xx family and lost answers: 0.2 s, 0.4 s, 0.8 s ... (capped), each shortened by up to half at random.
BACKOFF_FACTOR = 0.2
BACKOFF_JITTER = 0.5
BACKOFF_MAX = 10.0
# When a 429 carries no usable Retry-After, wait this long (the SDK default the community uses).
DEFAULT_RETRY_AFTER = 10.0
# A 429 is a request the server did not process, and under pacing a few are expected: they get a larger budget.
RATE_LIMIT_RETRY_FACTOR = 4


def backoff(done: int) -> float:
    """The wait before retry number ``done`` + 1 of a 5xx or a lost answer."""
    # 0.2 s, then 0.4 s, 0.8 s ... each scaled down by up to half at random (the SDKs wait 0.1 s, then 5 s)
    return float(min(BACKOFF_MAX, BACKOFF_FACTOR * 2 ** max(0, done - 1)) * (1.0 - BACKOFF_JITTER * _jitter()))


def retry_after(response: t.Any) -> float:
    raw = response.headers.get("Retry-After")
    try:
        value = float(raw) if raw is not None else DEFAULT_RETRY_AFTER
    except ValueError:
        value = DEFAULT_RETRY_AFTER
    return max(0.0, value)


def stall_backoff(stalled: int) -> float:
    # 0.05 s, 0.1 s, 0.2 s ... 1 s, each shortened by up to half at random: with the default budget (16) a run gives
    # up only after about 12 s in which the API served none of its requests
    return float(min(1.0, BACKOFF_FACTOR / 4 * 2 ** max(0, stalled - 1)) * (1.0 - BACKOFF_JITTER * _jitter()))


def _jitter() -> float:
    import random

    return random.random()  # noqa: S311 - backoff jitter, not a secret


_REASON = re.compile(
    r"(\[Errno -?\d+\][^'\"()\]]*|Read timed out|Connection aborted|Connection refused|Name or service not known"
    r"|certificate verify failed[^'\"()]*)"
)


def short_reason(exc: BaseException) -> str:
    """The exception's name and its innermost reason (urllib3 nests it deep), never cut mid-word."""
    text = " ".join(str(exc).split())
    found = _REASON.findall(text)
    if found:
        text = found[-1].strip(" :")
    elif len(text) > 200:
        text = text[:200].rsplit(" ", 1)[0] + " (...)"
    return (type(exc).__name__ + (": " + text if text else "")).strip()
