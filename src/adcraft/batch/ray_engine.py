"""The same batch on Ray: actors that load the model once, sized per actor, on a local Ray or a cluster.

A row whose actor dies (a native crash, the OOM killer, a lost node) is run once more on another actor,
then reported as a failed row; the run goes on. Each actor writes its log to `<out>/logs/worker-N.log`.
"""

from __future__ import annotations

import faulthandler
import itertools
import logging
import math
import os
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from adcraft.batch.catalog import CatalogRow
from adcraft.batch.rows import RowOutcome, finished, run_row
from adcraft.errors import ConfigError
from adcraft.extras import require_extra
from adcraft.generate import GenerationSettings, load_pipeline

logger = logging.getLogger(__name__)

GiB = 1024**3
LOG_DIR = "logs"  # under the output folder: one log file per Ray actor
ATTEMPTS = 2  # a row whose actor died is tried once more, on another actor


@dataclass(frozen=True)
class RayOptions:
    """Where a batch runs on Ray and what each actor reserves there."""

    address: str | None = None  # "auto", "HOST:6379" or "ray://HOST:10001"; None starts a local Ray
    workers: int | None = None  # actors; None: as many as the cluster's CPUs and memory hold
    cpus_per_worker: float = 1.0  # CPUs Ray reserves per actor (torch then uses that many threads)
    memory_per_worker: int = 2 * GiB  # bytes Ray reserves per actor; one peaked at 1.6 GiB (docs/batch.md)
    actor_class: type | None = None  # the actor body; None is RowWorker

    def __post_init__(self) -> None:
        if self.workers is not None and self.workers < 1:
            raise ConfigError(f"workers {self.workers} must be at least 1")
        if not self.cpus_per_worker > 0:
            raise ConfigError(f"CPUs per worker {self.cpus_per_worker} must be above 0")
        if self.memory_per_worker < 0:
            raise ConfigError(f"memory per worker {self.memory_per_worker} must be 0 or more bytes")


class RowWorker:
    """A Ray actor body: holds one pipeline for its lifetime and runs rows with it."""

    def __init__(self, settings: GenerationSettings, out_dir: str, index: int) -> None:
        import ray

        self.log_file = redirect_output(Path(out_dir) / LOG_DIR / f"worker-{index}.log")
        logger.info(
            "worker %d: node %s, pid %d, loading model %r",
            index,
            ray.get_runtime_context().get_node_id(),
            os.getpid(),
            settings.model,
        )
        self.settings = settings
        self.out_dir = Path(out_dir)
        self.pipeline = load_pipeline(settings.model)

    def run(self, row: CatalogRow):
        """Run one row; returns its RowOutcome (errors are outcomes, never exceptions)."""
        logger.info("row %d (%s) started", row.number, row.id)
        outcome = run_row(row, self.settings, self.pipeline, self.out_dir)
        logger.info("row %d (%s) %s in %.1f s", row.number, row.id, outcome.status, outcome.seconds)
        return outcome


def redirect_output(path: Path) -> Path:
    """Send this process's stdout, stderr (native libraries too), logging and crash dumps to path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    faulthandler.enable()  # a native crash leaves every thread's stack in the log
    handler = logging.StreamHandler()  # stderr, now the log file
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def run_on_ray(
    rows: list[CatalogRow],
    settings: GenerationSettings,
    out_dir: Path,
    record: Callable,
    options: RayOptions | None = None,
) -> None:
    """Run rows on Ray actors (a local Ray when options.address is None); record each outcome."""
    options = options or RayOptions()
    require_extra("ray", "--engine ray")
    import ray

    todo = [r for r in rows if not finished(r, settings, out_dir, record)]
    if not todo:
        return
    started_here = not ray.is_initialized()
    if started_here:
        connect(options.address)
    try:
        workers = fit_workers(options, len(todo))
        actor = ray.remote(num_cpus=options.cpus_per_worker, memory=options.memory_per_worker or None)(
            options.actor_class or RowWorker
        )
        indices = itertools.count()  # worker-N.log names; replacements get new numbers

        def start_actor():
            index = next(indices)
            return index, actor.remote(settings, str(out_dir), index)

        run_rows(todo, start_actor, workers, record)
    finally:
        if started_here:
            ray.shutdown()


def connect(address: str | None) -> None:
    """Join the cluster at address, or start a local Ray that sizes itself to this machine."""
    import ray

    if address is None:
        # "local": a new instance even when `ray start` left one running on this machine
        ray.init(address="local", include_dashboard=False, log_to_driver=False)
        return
    try:
        ray.init(address=address, log_to_driver=False)
    except (ConnectionError, RuntimeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"cannot join the Ray cluster at {address!r}: {first}") from exc


def actors_fitting(resources: dict, options: RayOptions) -> int:
    """How many actors of options' size one node with these resources holds."""
    by_cpu = math.floor(resources.get("CPU", 0) / options.cpus_per_worker + 1e-9)
    if not options.memory_per_worker:
        return by_cpu
    return min(by_cpu, math.floor(resources.get("memory", 0) / options.memory_per_worker))


def fit_workers(options: RayOptions, rows: int) -> int:
    """Actors to start: what was asked (or what fits), never more than the cluster holds or rows need."""
    import ray

    nodes = [n["Resources"] for n in ray.nodes() if n.get("Alive")]
    room = sum(actors_fitting(r, options) for r in nodes)
    if room == 0:
        largest = max(nodes, key=lambda r: r.get("CPU", 0), default={})
        raise ConfigError(
            f"each Ray worker asks for {options.cpus_per_worker:g} CPU and "
            f"{options.memory_per_worker / GiB:.1f} GiB, and no node has that much (largest: "
            f"{largest.get('CPU', 0):g} CPU, {largest.get('memory', 0) / GiB:.1f} GiB); "
            "lower --worker-cpus or --worker-memory"
        )
    wanted = options.workers or room
    if wanted > room:
        logger.warning("%d Ray workers asked for; the cluster holds %d, so %d start", wanted, room, room)
    return max(1, min(wanted, room, rows))


def run_rows(todo: list[CatalogRow], start_actor: Callable, workers: int, record: Callable) -> None:
    """Feed rows to idle actors; a dead actor's row goes once more to another, dead actors are replaced."""
    import ray
    from ray.exceptions import RayActorError, RayTaskError

    queue = deque((row, 1) for row in todo)  # (row, attempt)
    idle = [start_actor() for _ in range(workers)]
    running: dict = {}  # ObjectRef -> (index, actor, row, attempt)
    futile = 0  # actor deaths since a row last finished: past 2 x workers nothing runs, so stop replacing
    last_death = ""
    while queue or running:
        while queue and idle:
            index, actor = idle.pop()
            row, attempt = queue.popleft()
            running[actor.run.remote(row)] = (index, actor, row, attempt)
        if not running:  # rows left and every actor dead
            for row, _ in queue:
                record(_failed(row, f"no Ray worker left alive to run it; last: {last_death}"))
            return
        [ref], _ = ray.wait(list(running), num_returns=1)
        index, actor, row, attempt = running.pop(ref)
        try:
            record(ray.get(ref))
            idle.append((index, actor))
            futile = 0
        except RayActorError as exc:
            last_death = f"Ray worker {index} died ({death_reason(exc)}; see {LOG_DIR}/worker-{index}.log)"
            logger.warning("row %d: %s", row.number, last_death)
            if attempt < ATTEMPTS:
                queue.appendleft((row, attempt + 1))
            else:
                record(_failed(row, f"tried {attempt} times; {last_death}"))
            futile += 1
            if futile <= 2 * workers:
                idle.append(start_actor())
        except RayTaskError as exc:  # run() itself raised (it turns row errors into outcomes, so rare)
            idle.append((index, actor))
            record(_failed(row, death_reason(exc)))


def _failed(row: CatalogRow, error: str):
    return RowOutcome(row.number, row.id, "failed", error=error)


def death_reason(exc: Exception) -> str:
    """One line from Ray's multi-line error: the exception a creation task raised, or the exit detail."""
    text = str(exc)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if "creation task" in text and lines:
        return f"failed to start: {lines[-1]}"
    detail = re.search(r"Worker exit detail: ([^.]*)", text)
    if detail:
        return f"its process exited: {detail.group(1).strip()}"
    return lines[-1] if lines else type(exc).__name__
