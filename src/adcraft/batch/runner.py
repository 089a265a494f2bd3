"""Catalog batches: resumable (content-hash keys, atomic product folders), per-row errors, local or Ray."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adcraft.batch.catalog import CatalogRow, read_catalog
from adcraft.batch.rows import (
    PARTIAL_DIR,
    PRODUCTS_DIR,
    ProgressCallback,
    RowOutcome,
    finished,
    row_key,
    run_row,
)
from adcraft.creative.export import check_output_dir
from adcraft.errors import InvalidInputError
from adcraft.extras import require_extra
from adcraft.generate import GenerationSettings, load_pipeline
from adcraft.store.files import write_json_atomic

if TYPE_CHECKING:
    from adcraft.batch.ray_engine import RayOptions

logger = logging.getLogger(__name__)

ENGINES = ("local", "ray")
REPORT_FILE = "report.json"  # summary and per-row errors, rewritten at the end of every run


@dataclass
class BatchSummary:
    """Counts and per-row outcomes of one batch run."""

    total: int = 0
    done: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    rows: list[RowOutcome] = field(default_factory=list)

    def add(self, outcome: RowOutcome) -> None:
        """Count one row's outcome."""
        self.rows.append(outcome)
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)

    def to_dict(self) -> dict:
        """JSON form: counts, then every failed row with its error."""
        return {
            "total": self.total,
            "done": self.done,
            "skipped": self.skipped,
            "failed": self.failed,
            "seconds": round(self.seconds, 2),
            "errors": [asdict(r) for r in self.rows if r.status == "failed"],
        }


def check_settings(settings: GenerationSettings) -> None:
    """Placements, audiences and formats refused up front, before the model loads or a row runs."""
    from adcraft.creative.export import check_formats
    from adcraft.creative.placements import parse_placements
    from adcraft.personalize.segments import get_segment

    parse_placements(list(settings.placements))
    for audience in settings.audiences:
        get_segment(audience)
    check_formats(settings.formats)


def _duplicate(row: CatalogRow, first: int) -> RowOutcome:
    return RowOutcome(row.number, row.id, "skipped", error=f"same product and id as row {first}; made once")


def mark_duplicates(rows: list[CatalogRow], settings: GenerationSettings) -> dict[int, int]:
    """Row number -> the earlier row with the same identity (a repeated line is generated once)."""
    seen: dict[str, int] = {}
    repeats: dict[int, int] = {}
    for row in rows:
        if row.error:
            continue
        key = row_key(row, settings)
        if key in seen:
            repeats[row.number] = seen[key]
        else:
            seen[key] = row.number
    return repeats


def prepare_output(out_dir: str | Path) -> Path:
    """Create the output folder and drop partial work left by a killed run."""
    out_dir = Path(out_dir).resolve()
    (out_dir / PRODUCTS_DIR).mkdir(parents=True, exist_ok=True)
    partial = out_dir / PARTIAL_DIR
    if partial.exists():
        n = len(list(partial.iterdir()))
        if n:
            logger.info("removing %d partial product folder(s) from an interrupted run", n)
        shutil.rmtree(partial)
    partial.mkdir()
    return out_dir


def run_batch(
    catalog: str | Path,
    out_dir: str | Path,
    settings: GenerationSettings | None = None,
    engine: str = "local",
    ray_options: RayOptions | None = None,
    pipeline: Any = None,
    on_start: Callable[[int], None] | None = None,
    on_progress: ProgressCallback | None = None,
    encoding: str | None = None,
) -> BatchSummary:
    """Generate creatives for every catalog row into out_dir; rerunning skips rows already finished.

    Options, the catalog and every row are checked before anything is written or the model loads.
    """
    if engine not in ENGINES:
        raise InvalidInputError(f"engine {engine!r} must be one of {ENGINES}")
    if engine == "ray":
        require_extra("ray", "--engine ray")  # before anything is written
    settings = settings or GenerationSettings()
    check_settings(settings)
    check_output_dir(out_dir, "out")
    rows = read_catalog(catalog, encoding)
    repeats = mark_duplicates(rows, settings)
    out_dir = prepare_output(out_dir)
    summary = BatchSummary(total=len(rows))
    if on_start:
        on_start(len(rows))
    start = time.perf_counter()

    def record(outcome: RowOutcome) -> None:
        summary.add(outcome)
        if on_progress:
            on_progress(outcome)

    for row in rows:
        if row.number in repeats:
            record(_duplicate(row, repeats[row.number]))
    rows = [r for r in rows if r.number not in repeats]
    if engine == "ray":
        from adcraft.batch.ray_engine import run_on_ray

        run_on_ray(rows, settings, out_dir, record, ray_options)
    else:
        todo = [r for r in rows if not finished(r, settings, out_dir, record)]
        if todo and pipeline is None:
            pipeline = load_pipeline(settings.model)
        for row in todo:
            record(run_row(row, settings, pipeline, out_dir))
    summary.rows.sort(key=lambda r: r.number)
    summary.seconds = time.perf_counter() - start
    write_json_atomic(out_dir / REPORT_FILE, summary.to_dict())
    shutil.rmtree(out_dir / PARTIAL_DIR, ignore_errors=True)
    return summary
