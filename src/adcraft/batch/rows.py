"""One catalog row: its identity, its generation into a private folder, and its outcome.

Shared by the local runner and the Ray actors (which import it, never the runner).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adcraft.batch.catalog import CatalogRow
from adcraft.batch.jobs import RESULT_FILE, product_key, publish_dir, write_result
from adcraft.errors import AdcraftError
from adcraft.generate import GenerationSettings, generate_for_product

logger = logging.getLogger(__name__)

PRODUCTS_DIR = "products"  # finished product folders: <id>-<key>/
PARTIAL_DIR = ".partial"  # work in progress; emptied at the start of every run


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


def finished(row: CatalogRow, settings: GenerationSettings, out_dir: Path, record: ProgressCallback) -> bool:
    """Record rows that need no model (finished earlier, or unparseable) without loading it."""
    if row.error:
        record(RowOutcome(row.number, row.id, "failed", error=row.error))
        return True
    final = out_dir / PRODUCTS_DIR / folder_name(row, row_key(row, settings))
    if (final / RESULT_FILE).is_file():
        record(RowOutcome(row.number, row.id, "skipped", folder=final.relative_to(out_dir).as_posix()))
        return True
    return False
