"""A bounded worker pool: a few generation threads and a short queue; a full queue refuses new work."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from adcraft.errors import CapacityError

logger = logging.getLogger(__name__)


class GenerationPool:
    """Runs at most `workers` tasks at once with at most `queue_size` waiting; more raise CapacityError."""

    def __init__(
        self, workers: int, queue_size: int, on_change: Callable[[int, int], None] | None = None
    ) -> None:
        self.workers = workers
        self.queue_size = queue_size
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="adcraft-gen")
        self._lock = threading.Lock()
        self._outstanding = 0  # submitted and not yet finished (running + waiting)
        self._running = 0
        self._on_change = on_change  # called with (running, waiting) after every change

    @property
    def running(self) -> int:
        """Tasks running now."""
        return self._running

    @property
    def waiting(self) -> int:
        """Tasks queued behind the running ones."""
        return self._outstanding - self._running

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
        """Queue fn(*args, **kwargs); raises CapacityError when workers + queue are all taken."""
        with self._lock:
            if self._outstanding >= self.workers + self.queue_size:
                raise CapacityError(
                    f"generation queue is full ({self.workers} running, {self.queue_size} waiting)"
                )
            self._outstanding += 1
            self._notify()
        try:
            return self._executor.submit(self._run, fn, args, kwargs)
        except RuntimeError:  # executor shut down
            with self._lock:
                self._outstanding -= 1
                self._notify()
            raise CapacityError("the service is shutting down; retry on another instance") from None

    def _run(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
        with self._lock:
            self._running += 1
            self._notify()
        try:
            return fn(*args, **kwargs)
        finally:
            with self._lock:
                self._running -= 1
                self._outstanding -= 1
                self._notify()

    def _notify(self) -> None:
        if self._on_change is not None:
            self._on_change(self._running, self._outstanding - self._running)

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking work; finish (wait=True) or abandon queued tasks."""
        self._executor.shutdown(wait=wait, cancel_futures=not wait)
