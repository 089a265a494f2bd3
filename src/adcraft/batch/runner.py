"""Catalog batches: resumable (content-hash keys, atomic product folders), per-row errors, local or Ray."""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adcraft.batch.catalog import CatalogRow, read_catalog
from adcraft.batch.jobs import RESULT_FILE, product_key, publish_dir, write_result
from adcraft.creative.export import check_output_dir
from adcraft.errors import AdcraftError, InvalidInputError
from adcraft.extras import require_extra
from adcraft.generate import GenerationSettings, generate_for_product, load_pipeline
from adcraft.store.files import write_json_atomic

if TYPE_CHECKING:
    from adcraft.batch.ray_engine import RayOptions

logger = logging.getLogger(__name__)

ENGINES = ("local", "ray")
PRODUCTS_DIR = "products"  # finished product folders: <id>-<key>/
PARTIAL_DIR = ".partial"  # work in progress; emptied at the start of every run
REPORT_FILE = "report.json"  # summary and per-row errors, rewritten at the end of every run


@dataclass
class RowOutcome:
    """What happened to one catalog row."""

    number: int  # row number in the catalog
    id: str  # the row's safe id
    status: str  # "done", "skipped" (finished earlier) or "failed"
    folder: str | None = None  # product folder relative to the output dir
    creatives: int = 0  # creatives written
    error: str | None = None  # why the row failed
    seconds: float = 0.0  # generation time


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


ProgressCallback = Callable[[RowOutcome], None]


def folder_name(row: CatalogRow, key: str) -> str:
    """The product folder's name: the row id and the content key."""
    return f"{row.id}-{key}"


def row_key(row: CatalogRow, settings: GenerationSettings) -> str:
    """The row's identity: its id cell exactly as given (SKU/1 and SKU 1 differ), content and settings.

    Never the row's position, so inserting a row does not make a rerun redo the others.
    """
    digest = hashlib.sha256(product_key(row.product, settings).encode())
    digest.update(b"\0" + (row.source_id.encode("utf-8") if row.source_id is not None else b"\1"))
    return digest.hexdigest()[:16]


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


def run_row(row: CatalogRow, settings: GenerationSettings, pipeline: Any, out_dir: Path) -> RowOutcome:
    """Generate one row into a private partial folder, then publish it with one rename; never raises."""
    if row.error:
        return RowOutcome(row.number, row.id, "failed", error=row.error)
    start = time.perf_counter()
    key = row_key(row, settings)
    final = out_dir / PRODUCTS_DIR / folder_name(row, key)
    if (final / RESULT_FILE).is_file():
        return RowOutcome(row.number, row.id, "skipped", folder=final.relative_to(out_dir).as_posix())
    tmp = out_dir / PARTIAL_DIR / f"{final.name}.{uuid.uuid4().hex[:8]}"
    try:
        files = generate_for_product(row.product, settings, pipeline, tmp)
        write_result(
            tmp,
            files,
            {
                "row": row.number,
                "id": row.id,
                "source_id": row.source_id,
                "key": key,
                "product": row.product,
                "settings": settings.to_dict(),
            },
        )
        publish_dir(tmp, final)
    except AdcraftError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        return RowOutcome(row.number, row.id, "failed", error=str(exc))
    except Exception as exc:  # a bad row must never stop the batch; the report names it
        logger.exception("row %d failed", row.number)
        shutil.rmtree(tmp, ignore_errors=True)
        return RowOutcome(row.number, row.id, "failed", error=f"{type(exc).__name__}: {exc}")
    return RowOutcome(
        row.number,
        row.id,
        "done",
        folder=final.relative_to(out_dir).as_posix(),
        creatives=len(files),
        seconds=time.perf_counter() - start,
    )


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
        todo = [r for r in rows if not _finished(r, settings, out_dir, record)]
        if todo and pipeline is None:
            pipeline = load_pipeline(settings.model)
        for row in todo:
            record(run_row(row, settings, pipeline, out_dir))
    summary.rows.sort(key=lambda r: r.number)
    summary.seconds = time.perf_counter() - start
    write_json_atomic(out_dir / REPORT_FILE, summary.to_dict())
    shutil.rmtree(out_dir / PARTIAL_DIR, ignore_errors=True)
    return summary


def _finished(row: CatalogRow, settings: GenerationSettings, out_dir: Path, record: ProgressCallback) -> bool:
    """Record rows that need no model (finished earlier, or unparseable) without loading it."""
    if row.error:
        record(RowOutcome(row.number, row.id, "failed", error=row.error))
        return True
    final = out_dir / PRODUCTS_DIR / folder_name(row, row_key(row, settings))
    if (final / RESULT_FILE).is_file():
        record(RowOutcome(row.number, row.id, "skipped", folder=final.relative_to(out_dir).as_posix()))
        return True
    return False
