# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stop writing when the controller dies (FOR INTERNAL COLLECTION USE ONLY).

ansible-core runs each task in a worker forked from the controller. When the controller is killed (SIGKILL,
a SIGTERM or SIGINT it does not survive, ansible-runner's SIGTERM then SIGKILL), the worker is re-parented:
left alone it would go on sending writes, then block for ever writing its result into the dead controller's
pipe while it holds the audit journal's lock. ``watch()`` records the controller's pid; ``alive()`` is checked
before each write is sent, so once the controller is gone only the writes already in flight (at most
``concurrency``) complete; a watchdog thread ends the worker as soon as those have journaled their outcome
(at most ``GRACE`` seconds), which releases the journal lock for the next run to reconcile.
Polling ``getppid()`` is portable (Linux, macOS) and exact: it changes the moment the parent dies.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import typing as t

POLL = 0.1  # seconds between checks of the parent
GRACE = 5.0  # seconds the writes in flight get to finish once the controller is gone
EXIT_CODE = 75  # the worker's exit status when it ends itself (nobody is left to read it)

_STATE: dict[str, int | None] = {"controller": None, "owner": None}
_GUARD = threading.Lock()
_IN_FLIGHT = [0]


def _controller() -> int | None:
    """The pid watched by this process (a forked child inherits the dict, not the watchdog thread)."""
    return _STATE["controller"] if _STATE["owner"] == os.getpid() else None


def watch(controller: int | None) -> None:
    """Watch ``controller`` (the parent of this worker) from now on; a no-op when None or already watched."""
    if controller is None:
        return
    with _GUARD:
        if _controller() == controller:
            return
        _STATE.update(controller=controller, owner=os.getpid())
        _IN_FLIGHT[0] = 0
    thread = threading.Thread(target=_watchdog, args=(controller,), name="descope-lifeline", daemon=True)
    thread.start()


def alive() -> bool:
    """False once the watched controller has died (always True when nothing is watched)."""
    controller = _controller()
    return controller is None or os.getppid() == controller


@contextlib.contextmanager
def sending() -> t.Iterator[None]:
    """Count a write (and its journal lines) as in flight, so the watchdog lets it finish."""
    with _GUARD:
        _IN_FLIGHT[0] += 1
    try:
        yield
    finally:
        with _GUARD:
            _IN_FLIGHT[0] -= 1


def _watchdog(controller: int) -> None:
    while os.getppid() == controller:
        time.sleep(POLL)
    deadline = time.monotonic() + GRACE
    while _IN_FLIGHT[0] > 0 and time.monotonic() < deadline:
        time.sleep(POLL / 2)
    os._exit(EXIT_CODE)  # pylint: disable=protected-access  # no atexit, no flush into the dead controller's pipe
