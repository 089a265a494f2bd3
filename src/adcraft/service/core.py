"""What the routes call: generation through the pool, jobs, uploads, zips and campaigns."""

from __future__ import annotations

import hashlib
import io
import logging
import shutil
import threading
import time
import uuid
import zipfile
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adcraft.errors import (
    AdcraftError,
    CheckpointError,
    InvalidInputError,
    StillRunningError,
    TooLargeError,
)
from adcraft.generate import GenerationSettings, generate_for_product, load_pipeline
from adcraft.personalize.serving import CampaignServer
from adcraft.service.job_runner import JobRunner
from adcraft.service.metrics import ServiceMetrics
from adcraft.service.pool import GenerationPool
from adcraft.service.schemas import ProductIn
from adcraft.service.settings import ServiceSettings
from adcraft.service.validation import UPLOADS_DIR, PreparedProduct, prepare_product, prepare_settings
from adcraft.store import Store, write_bytes_atomic
from adcraft.store.models import new_id

logger = logging.getLogger(__name__)

CREATIVES_DIR = "creatives"  # <product id>/<run id>/<audience>/...
IMAGE_SUFFIXES = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}


class ModelHolder:
    """Loads the pipeline once per process, on first use, under a lock; remembers why a load failed."""

    def __init__(self, name: str, pipeline: Any = None) -> None:
        self.name = name
        self._pipeline = pipeline
        self._lock = threading.Lock()
        self.error: str | None = None  # why the last load failed, None when it did not

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory."""
        return self._pipeline is not None

    def get(self) -> Any:
        """The pipeline, loading it the first time; CheckpointError (503) when it cannot be loaded."""
        with self._lock:
            if self._pipeline is None:
                start = time.perf_counter()
                try:
                    self._pipeline = load_pipeline(self.name)
                except AdcraftError as exc:
                    self.error = str(exc)
                    raise CheckpointError(f"model {self.name!r} cannot be loaded: {exc}") from None
                except Exception as exc:  # a broken install or checkpoint: the server's fault, logged
                    logger.exception("model %s cannot be loaded", self.name)
                    self.error = f"{type(exc).__name__} (the server log has the details)"
                    raise CheckpointError(f"model {self.name!r} cannot be loaded: {self.error}") from None
                self.error = None
                logger.info("model %s loaded in %.1fs", self.name, time.perf_counter() - start)
            return self._pipeline


@dataclass
class SyncTicket:
    """A synchronous generation: whether it started, and the job it became when its caller stopped waiting."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    started: bool = False
    job_id: str | None = None


class CreativeService:
    """The service's library layer: store, model, pool and metrics together."""

    def __init__(self, settings: ServiceSettings, pipeline: Any = None) -> None:
        self.settings = settings
        self.store = Store(settings.data_dir, settings.database_url)
        self.requeued_jobs, failed = self.store.jobs.requeue_at_startup()  # jobs with a stored request
        self.interrupted_jobs = self.store.interrupt_unfinished_jobs()  # the others (504'd sync requests)
        for ids, what in (
            (self.requeued_jobs, "queued again"),
            (failed, "failed"),
            (self.interrupted_jobs, "marked interrupted"),
        ):
            if ids:
                logger.warning(
                    "%d job(s) unfinished when the server last stopped, %s: %s",
                    len(ids),
                    what,
                    ", ".join(ids),
                )
        self.metrics = ServiceMetrics()
        self.model = ModelHolder(settings.model, pipeline)
        self.pool = GenerationPool(settings.workers, settings.queue_size, self.metrics.pool_changed)
        self.campaigns = CampaignServer(self.store)  # campaigns, choices with propensities, events
        self.jobs = JobRunner(self)  # the durable queue's runner (service/job_runner.py)
        self.jobs.dispatch()  # jobs queued before a restart run again

    def close(self) -> None:
        """Stop the pool and release the database."""
        self.jobs.close()
        self.pool.shutdown(wait=False)
        self.store.close()

    # validation (before anything is stored or queued) ------------------------------------------
    def generation_settings(
        self, placements: list[str] | None, audiences: list[str] | None, seed: int, theme: str | None = None
    ) -> GenerationSettings:
        """Request options on top of the service defaults, every placement, audience and theme checked."""
        return prepare_settings(self.settings, placements, audiences, seed, theme)

    def prepare_product(self, product: ProductIn, field: str | None = None) -> PreparedProduct:
        """One product checked whole: values, sizes and its uploaded images."""
        return prepare_product(product, self.store.data_dir, self.settings, field)

    def prepare_products(self, products: list[ProductIn]) -> list[PreparedProduct]:
        """A job's products, each checked; the first bad one names its index."""
        limit = self.settings.max_products_per_job
        if not 1 <= len(products) <= limit:
            raise InvalidInputError(
                f"a job takes 1 to {limit} products (ADCRAFT_MAX_PRODUCTS_PER_JOB), got {len(products)}; "
                "use `adcraft batch` for catalogs"
            )
        return [self.prepare_product(p, f"products[{i}]") for i, p in enumerate(products)]

    # generation ---------------------------------------------------------------------------------
    def generate_now(
        self, product: PreparedProduct, settings: GenerationSettings, pipeline: Any = None
    ) -> dict:
        """Generate one checked product's creatives in the calling thread, then record product and
        creatives in one transaction; on any failure nothing is left behind. `pipeline` wraps the
        model (a job's progress reporting); default the service's model."""
        product_id = new_id()
        product_dir = self.store.data_dir / CREATIVES_DIR / product_id
        run_dir = product_dir / uuid.uuid4().hex[:12]
        start = time.perf_counter()
        try:
            files = generate_for_product(product.resolved, settings, pipeline or self.model.get(), run_dir)
            creatives = [
                {
                    "placement": f.placement,
                    "image_path": f.image,
                    "manifest_path": f.manifest,
                    "qa_status": f.qa_status,
                    "segment": f.segment,
                    "notes": f.notes,
                }
                for f in files
            ]
            _, ids = self.store.add_product_with_creatives(
                product.submitted, creatives, product_id=product_id, price=product.price
            )
        except BaseException:
            self.metrics.generation.labels("error").observe(time.perf_counter() - start)
            shutil.rmtree(product_dir, ignore_errors=True)
            raise
        self.metrics.generation.labels("ok").observe(time.perf_counter() - start)
        return {"product_id": product_id, "creatives": [self.store.get_creative(i) for i in ids]}

    def generate_sync(self, product: PreparedProduct, settings: GenerationSettings) -> dict:
        """Generate through the bounded pool and wait (CapacityError when the queue is full). Past
        sync_timeout_s the work is not cancelled: it carries on as a job, and StillRunningError (504)
        names it."""
        ticket = SyncTicket()
        future = self.pool.submit(self._run_sync, ticket, product, settings)
        try:
            return future.result(timeout=self.settings.sync_timeout_s)
        except TimeoutError:
            pass
        with ticket.lock:
            ticket.job_id = self.store.create_job(
                {"products": 1, "settings": settings.to_dict(), "synchronous": True},
                1,
                status="running" if ticket.started else "queued",
            )
        future.add_done_callback(lambda f: self._record_sync(ticket.job_id, f))
        raise StillRunningError(
            f"generation did not finish within {self.settings.sync_timeout_s:g} s (ADCRAFT_SYNC_TIMEOUT_S); "
            f"it carries on as job {ticket.job_id}: poll /v1/jobs/{ticket.job_id}",
            ticket.job_id,
        )

    def _run_sync(self, ticket: SyncTicket, product: PreparedProduct, settings: GenerationSettings) -> dict:
        with ticket.lock:
            ticket.started = True
            if ticket.job_id is not None:
                self.store.update_job(ticket.job_id, status="running")
        return self.generate_now(product, settings)

    def _record_sync(self, job_id: str, future: Future) -> None:
        exc = future.exception()
        if exc is None:
            out = future.result()
            result = {
                "index": 0,
                "product_id": out["product_id"],
                "creative_ids": [c["id"] for c in out["creatives"]],
            }
        else:
            result = {"index": 0, "error": self._error_text(job_id, 0, exc)}
        self.store.update_job(job_id, result=result, status="done")

    @staticmethod
    def _error_text(job_id: str, index: int, exc: BaseException) -> str:
        """What a job result says about a failed product: a user error's message, else a reference."""
        if isinstance(exc, AdcraftError):
            return str(exc)
        reference = uuid.uuid4().hex[:12]
        logger.error("job %s product %d failed (reference %s)", job_id, index, reference, exc_info=exc)
        return f"internal error (reference {reference}); the server log has the details"

    # files --------------------------------------------------------------------------------------
    def save_upload(self, data: bytes) -> str:
        """Store an uploaded photo or logo (PNG/JPEG/WebP) by content hash; returns its id
        'uploads/<hash>.<ext>'. Non-images, corrupt files and decompression bombs are refused."""
        from PIL import Image

        from adcraft.creative.photo import open_image

        limit = self.settings.max_upload_bytes
        if len(data) > limit:
            raise TooLargeError(
                f"upload has more than {limit} bytes; at most {limit} (ADCRAFT_MAX_UPLOAD_BYTES)"
            )
        open_image(data, "upload").close()  # decodes it whole: refuses non-images, corrupt files, bombs
        with Image.open(io.BytesIO(data)) as probe:  # the stored format (open_image returns a display copy)
            fmt = probe.format
        if fmt not in IMAGE_SUFFIXES:
            raise InvalidInputError(f"upload format {fmt!r} must be one of {sorted(IMAGE_SUFFIXES)}")
        name = hashlib.sha256(data).hexdigest()[:32] + IMAGE_SUFFIXES[fmt]
        write_bytes_atomic(self.store.data_dir / UPLOADS_DIR / name, data)
        return f"{UPLOADS_DIR}/{name}"

    def zip_product(self, product_id: str) -> bytes:
        """A zip of every creative image of a product and the manifests beside them."""
        self.store.get_product(product_id)
        creatives = self.store.list_creatives(product_id=product_id, limit=500)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            written: set[str] = set()
            for c in creatives:
                for which in ("image", "manifest"):
                    path = self.store.creative_file(c["id"], which)
                    arcname = Path(c[f"{which}_path"]).relative_to(CREATIVES_DIR, product_id).as_posix()
                    if arcname not in written:
                        zf.write(path, arcname)
                        written.add(arcname)
        return buf.getvalue()
