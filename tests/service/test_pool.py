import threading

import pytest

from adcraft.errors import CapacityError
from adcraft.service.pool import GenerationPool


def test_pool_refuses_beyond_workers_plus_queue_and_recovers():
    seen = []
    pool = GenerationPool(workers=1, queue_size=1, on_change=lambda r, w: seen.append((r, w)))
    gate = threading.Event()
    first = pool.submit(gate.wait, 5)
    second = pool.submit(lambda: 2)
    with pytest.raises(CapacityError, match="queue is full"):
        pool.submit(lambda: 3)
    assert pool.waiting >= 1
    gate.set()
    assert first.result(5) is True and second.result(5) == 2
    assert pool.submit(lambda: 4).result(5) == 4
    assert (pool.running, pool.waiting) == (0, 0)
    assert (1, 1) in seen or (0, 2) in seen  # the queue depth was reported
    pool.shutdown()


def test_pool_releases_slot_when_task_raises():
    pool = GenerationPool(workers=1, queue_size=0)
    fut = pool.submit(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        fut.result(5)
    assert pool.submit(lambda: "ok").result(5) == "ok"
    pool.shutdown()
