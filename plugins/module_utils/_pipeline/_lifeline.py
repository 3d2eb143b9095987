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

On the module path the worker runs the module as a child process (through a shell, so the module's parent does
not change when the worker ends). There ``watch_output()`` watches the pipe the module reports its result on: the
worker, itself watching the controller, ends; nobody reads the pipe any more, which ``poll()`` reports as an error
on the writing end, and the module stops the same way.
"""

from __future__ import annotations

import contextlib
import os
import select
import stat
import threading
import time
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _threads

POLL = 0.02  # seconds between checks of the parent (a getppid() call: cheap, and a late look lets writes through)
GRACE = 5.0  # seconds the writes in flight get to finish once the controller is gone
EXIT_CODE = 75  # the worker's exit status when it ends itself (nobody is left to read it)

_STATE: dict[str, int | None] = {
    "controller": None,
    "owner": None,
    "pipe_owner": None,
    "pipe_lost": None,
    "module_controller": None,
}
_GUARD = threading.Lock()
_IN_FLIGHT = [0]
_PIPE: list[int | None] = [None]  # the watched pipe's file descriptor


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
    _threads.thread(_watchdog, name="descope-lifeline", args=(controller,), daemon=True)


CONTROLLER_ENV = "DESCOPE_MGMT_CONTROLLER_PID"  # set by the worker for the module process it starts on this host


def _controller_gone(pid: int) -> bool:
    """Whether process ``pid`` is gone (a zombie counts as gone: it sends nothing and reads nothing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # alive, and not ours to signal
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def watch_output(fd: int) -> None:
    """Module path: watch the pipe ``fd`` this process reports on; a no-op unless it is a pipe ``poll()`` can watch."""
    try:
        if not stat.S_ISFIFO(os.fstat(fd).st_mode) or not hasattr(select, "poll"):
            return
    except OSError:
        return
    pid = os.environ.get(CONTROLLER_ENV, "")
    with _GUARD:
        if _STATE["pipe_owner"] == os.getpid():
            return
        # the controller's pid, when the worker that started this process said it (same host: local connection)
        _STATE.update(pipe_owner=os.getpid(), pipe_lost=None, module_controller=int(pid) if pid.isdigit() else None)
        _IN_FLIGHT[0] = 0
    _threads.thread(_pipe_watchdog, name="descope-lifeline-pipe", args=(fd,), daemon=True)


def _pipe_lost() -> bool:
    if _STATE["pipe_owner"] != os.getpid():
        return False
    if (
        _STATE["pipe_lost"] != os.getpid()
        and _STATE["module_controller"]
        and _controller_gone(int(_STATE["module_controller"]))
    ):
        _STATE["pipe_lost"] = os.getpid()  # the controller itself is gone: the worker is about to follow
    if _STATE["pipe_lost"] != os.getpid() and _PIPE[0] is not None and _closed(_PIPE[0]):
        _STATE["pipe_lost"] = os.getpid()  # asked before each write: do not wait for the watchdog's next look
    return _STATE["pipe_lost"] == os.getpid()


def alive() -> bool:
    """False once the watched controller has died, or nobody reads the watched pipe (True when nothing is watched)."""
    if _pipe_lost():
        return False
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


def _closed(fd: int, wait: float = 0) -> bool:
    """Whether nobody reads the pipe ``fd`` writes to (a poll object of its own: they are not thread-safe)."""
    poller = select.poll()
    # on the writing end of a pipe, POLLERR means the reading end is closed (POLLHUP on some systems)
    poller.register(fd, select.POLLERR | select.POLLHUP)
    return bool(poller.poll(int(wait * 1000)))


def _pipe_watchdog(fd: int) -> None:
    _PIPE[0] = fd
    while not _closed(fd, POLL * 5):
        pass
    _STATE["pipe_lost"] = os.getpid()
    _finish()


def _watchdog(controller: int) -> None:
    while os.getppid() == controller:
        time.sleep(POLL)
    _finish()


def _finish() -> None:
    deadline = time.monotonic() + GRACE
    while _IN_FLIGHT[0] > 0 and time.monotonic() < deadline:
        time.sleep(POLL / 2)
    os._exit(EXIT_CODE)  # pylint: disable=protected-access  # no atexit, no flush into the dead controller's pipe
