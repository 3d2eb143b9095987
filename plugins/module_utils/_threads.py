# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Threads that leave the process's signals to the main thread (FOR INTERNAL COLLECTION USE ONLY).

A signal sent to a process (ansible-core's controller passes SIGINT and SIGTERM on to its workers) goes to any of
its threads that does not block it, and Python runs the handler in the main thread only when that thread runs
again. Taken by a request thread while the main thread waits for the request threads, the handler (ansible-core's:
end the worker) would run only once every write is done. Every thread the collection starts blocks these signals,
so the kernel hands them to the main thread, whose wait they interrupt.
"""

from __future__ import annotations

import concurrent.futures
import signal
import threading
import typing as t

SHIELDED = frozenset(s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGHUP")) if s is not None)


def shield() -> None:
    """Block the shielded signals in the calling thread (a no-op where threads cannot mask signals)."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, SHIELDED)


def thread(
    target: t.Callable[..., t.Any], name: str, args: tuple[t.Any, ...] = (), daemon: bool = False
) -> threading.Thread:
    """A started thread running ``target(*args)`` with the signals left to the main thread."""

    def run() -> None:
        shield()
        target(*args)

    started = threading.Thread(target=run, name=name, daemon=daemon)
    started.start()
    return started


def pool(max_workers: int, name: str) -> concurrent.futures.ThreadPoolExecutor:
    """A thread pool whose threads leave the signals to the main thread."""
    return concurrent.futures.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix=name, initializer=shield)
