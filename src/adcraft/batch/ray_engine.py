"""The same batch on Ray: one actor per worker loads the model once and runs rows as they come."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from adcraft.batch.catalog import CatalogRow
from adcraft.batch.jobs import GenerationSettings
from adcraft.errors import ConfigError

logger = logging.getLogger(__name__)

LOCAL_NUM_CPUS = 2  # a local Ray instance uses at most this many CPUs (the laptop's cores)


class RowWorker:
    """A Ray actor body: holds one pipeline for its lifetime and runs rows with it."""

    def __init__(self, settings: GenerationSettings, out_dir: str) -> None:
        from adcraft.batch.jobs import load_pipeline

        self.settings = settings
        self.out_dir = Path(out_dir)
        self.pipeline = load_pipeline(settings.model)

    def run(self, row: CatalogRow):
        """Run one row; returns its RowOutcome (errors are outcomes, never exceptions)."""
        from adcraft.batch.runner import run_row

        return run_row(row, self.settings, self.pipeline, self.out_dir)


def run_on_ray(
    rows: list[CatalogRow],
    settings: GenerationSettings,
    out_dir: Path,
    record: Callable,
    address: str | None = None,
    workers: int = 2,
) -> None:
    """Run rows on `workers` Ray actors (local Ray when address is None); record each outcome."""
    try:
        import ray
        from ray.util import ActorPool
    except ImportError as exc:
        raise ConfigError("--engine ray needs Ray: pip install 'adcraft[ray]'") from exc
    from adcraft.batch.runner import _finished

    todo = [r for r in rows if not _finished(r, settings, out_dir, record)]
    if not todo:
        return
    started_here = not ray.is_initialized()
    if started_here:
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            ray.init(num_cpus=LOCAL_NUM_CPUS, include_dashboard=False, log_to_driver=False)
    try:
        # one CPU per actor so Ray places at most one model per core
        actor = ray.remote(num_cpus=1)(RowWorker)
        pool = ActorPool(
            [actor.remote(settings, str(out_dir)) for _ in range(max(1, min(workers, len(todo))))]
        )
        for outcome in pool.map_unordered(lambda a, row: a.run.remote(row), todo):
            record(outcome)
    finally:
        if started_here:
            ray.shutdown()
