# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""in_order: results in item order, never more than ``workers`` at once, the first error in item order."""

from __future__ import annotations

import threading
import time

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils._side_by_side import in_order


def test_results_keep_the_order_of_the_items_whatever_finishes_first() -> None:
    delays = [0.05, 0.0, 0.03, 0.01]
    assert in_order(lambda d: (time.sleep(d), d)[1], delays, 4) == delays


@pytest.mark.parametrize("workers", [1, 3])
def test_never_more_calls_at_once_than_workers(workers: int) -> None:
    lock, now, most = threading.Lock(), [0], [0]

    def call(_item: int) -> None:
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        time.sleep(0.01)
        with lock:
            now[0] -= 1

    in_order(call, list(range(12)), workers)
    assert most[0] == workers


def test_the_first_error_in_item_order_is_raised_and_queued_calls_are_not_made() -> None:
    made: list[int] = []

    def call(item: int) -> int:
        made.append(item)
        if item == 1:
            time.sleep(0.05)
            raise ValueError("one")
        if item == 2:
            raise KeyError("two")  # fails first in time, but later in order
        time.sleep(0.05)
        return item

    with pytest.raises(ValueError, match="one"):
        in_order(call, list(range(40)), 2)
    assert len(made) < 40  # what was still queued when the errors came was cancelled


def test_no_items_no_threads() -> None:
    assert in_order(lambda x: x, [], 8) == []
