# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's threads leave SIGINT and SIGTERM to the main thread.

ansible-core's controller passes SIGINT and SIGTERM on to its worker; delivered to a request thread while the main
thread waits for them, the worker's handler would run only after the last write. Each way the collection starts
threads is checked from inside one: the signals are blocked there, and still open in the main thread.
"""

from __future__ import annotations

import signal
import threading

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils import _side_by_side, _threads
from ansible_collections.descope.mgmt.plugins.module_utils._change import Change
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._apply import execute

pytestmark = pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="threads cannot mask signals here")
WANTED = {signal.SIGINT, signal.SIGTERM}


def _blocked() -> set[int]:
    return set(signal.pthread_sigmask(signal.SIG_BLOCK, []))


def test_the_main_thread_keeps_them() -> None:
    assert not WANTED & _blocked()


def test_a_collection_thread_blocks_them() -> None:
    seen: list[set[int]] = []
    _threads.thread(lambda: seen.append(_blocked()), name="t").join()
    assert seen[0] >= WANTED


def test_a_collection_pool_blocks_them() -> None:
    with _threads.pool(2, "p") as pool:
        assert pool.submit(_blocked).result() >= WANTED
    assert all(found >= WANTED for found in _side_by_side.in_order(lambda _i: _blocked(), list(range(6)), 3))


def test_the_write_threads_block_them() -> None:
    seen: list[set[int]] = []
    lock = threading.Lock()

    def write(_client: object) -> None:
        with lock:
            seen.append(_blocked())

    changes = [Change("tenant", f"t{i}", "create", before=None, after={"id": f"t{i}"}, apply=write) for i in range(8)]
    execute(changes, client=None, check_mode=False, concurrency=4)
    assert len(seen) == 8 and all(found >= WANTED for found in seen)
