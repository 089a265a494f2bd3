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
from pathlib import Path
from typing import Any

from adcraft.batch.jobs import GenerationSettings, generate_for_product, load_pipeline
from adcraft.errors import AdcraftError, InvalidInputError, NotFoundError
from adcraft.personalize.serving import CampaignServer
from adcraft.service.metrics import ServiceMetrics
from adcraft.service.pool import GenerationPool
from adcraft.service.settings import ServiceSettings
from adcraft.store import Store, resolve_inside, write_bytes_atomic

logger = logging.getLogger(__name__)

UPLOADS_DIR = "uploads"  # product photos, named by content hash
CREATIVES_DIR = "creatives"  # <product id>/<run id>/<audience>/...
IMAGE_SUFFIXES = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}


class ModelHolder:
    """Loads the pipeline once per process, on first use, under a lock."""

    def __init__(self, name: str, pipeline: Any = None) -> None:
        self.name = name
        self._pipeline = pipeline
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory."""
        return self._pipeline is not None

    def get(self) -> Any:
        """The pipeline, loading it the first time."""
        with self._lock:
            if self._pipeline is None:
                start = time.perf_counter()
                self._pipeline = load_pipeline(self.name)
                logger.info("model %s loaded in %.1fs", self.name, time.perf_counter() - start)
            return self._pipeline


class CreativeService:
    """The service's library layer: store, model, pool and metrics together."""

    def __init__(self, settings: ServiceSettings, pipeline: Any = None) -> None:
        self.settings = settings
        self.store = Store(settings.data_dir, settings.database_url)
        self.metrics = ServiceMetrics()
        self.model = ModelHolder(settings.model, pipeline)
        self.pool = GenerationPool(settings.workers, settings.queue_size, self.metrics.pool_changed)
        self.campaigns = CampaignServer(self.store)  # campaigns, choices with propensities, events

    def close(self) -> None:
        """Stop the pool and release the database."""
        self.pool.shutdown(wait=False)
        self.store.close()

    def generation_settings(
        self, placements: list[str] | None, audiences: list[str] | None, seed: int
    ) -> GenerationSettings:
        """Request options on top of the service defaults."""
        return GenerationSettings(
            model=self.settings.model,
            placements=tuple(placements or self.settings.default_placements),
            audiences=tuple(audiences or ()),
            steps=self.settings.steps,
            guidance=self.settings.guidance,
            seed=seed,
        )

    # generation ---------------------------------------------------------------------------------
    def _product_with_photo(self, product: dict) -> dict:
        """Resolve an uploaded photo reference ('uploads/<name>') to its path inside the data dir."""
        product = dict(product)
        if product.get("photo"):
            rel = str(product["photo"])
            if not rel.startswith(f"{UPLOADS_DIR}/"):
                raise InvalidInputError(
                    f"photo {rel!r} must be an uploaded file ('{UPLOADS_DIR}/...'); "
                    "POST it to /v1/uploads first"
                )
            path = resolve_inside(self.store.data_dir, rel)
            if not path.is_file():
                raise NotFoundError(f"photo {rel!r} was not uploaded")
            product["photo"] = str(path)
        return product

    def generate_now(self, product: dict, settings: GenerationSettings) -> dict:
        """Generate one product's creatives (in the calling thread) and record them: ids and records."""
        from adcraft.creative.product import Product

        resolved = self._product_with_photo(product)
        Product.from_dict(dict(resolved))  # validate before anything is stored
        product_id = self.store.add_product(product)
        run_dir = self.store.data_dir / CREATIVES_DIR / product_id / uuid.uuid4().hex[:12]
        start = time.perf_counter()
        try:
            files = generate_for_product(resolved, settings, self.model.get(), run_dir)
        except Exception:
            self.metrics.generation.labels("error").observe(time.perf_counter() - start)
            shutil.rmtree(run_dir, ignore_errors=True)
            raise
        self.metrics.generation.labels("ok").observe(time.perf_counter() - start)
        ids = [
            self.store.add_creative(
                product_id, f.placement, f.image, f.manifest, f.qa_status, f.segment, f.notes
            )
            for f in files
        ]
        return {"product_id": product_id, "creatives": [self.store.get_creative(i) for i in ids]}

    def generate_sync(self, product: dict, settings: GenerationSettings) -> dict:
        """Generate through the bounded pool and wait (CapacityError when the queue is full)."""
        future = self.pool.submit(self.generate_now, product, settings)
        return future.result(timeout=self.settings.sync_timeout_s)

    def submit_job(self, products: list[dict], settings: GenerationSettings) -> str:
        """Record a job over several products and queue it as one pool task; returns its id."""
        if not 1 <= len(products) <= self.settings.max_products_per_job:
            raise InvalidInputError(
                f"a job takes 1 to {self.settings.max_products_per_job} products, "
                f"got {len(products)}; use `adcraft batch` for catalogs"
            )
        job_id = self.store.create_job(
            {"products": len(products), "settings": settings.to_dict()}, len(products)
        )
        try:
            self.pool.submit(self._run_job, job_id, products, settings)
        except AdcraftError:
            self.store.update_job(job_id, status="failed")
            raise
        return job_id

    def _run_job(self, job_id: str, products: list[dict], settings: GenerationSettings) -> None:
        self.store.update_job(job_id, status="running")
        for index, product in enumerate(products):
            try:
                out = self.generate_now(product, settings)
                result = {
                    "index": index,
                    "product_id": out["product_id"],
                    "creative_ids": [c["id"] for c in out["creatives"]],
                }
            except AdcraftError as exc:
                result = {"index": index, "error": str(exc)}
            except Exception as exc:  # one product's bug must not kill the job
                logger.exception("job %s product %d failed", job_id, index)
                result = {"index": index, "error": f"{type(exc).__name__}: {exc}"}
            self.store.update_job(job_id, result=result)
        self.store.update_job(job_id, status="done")

    # files --------------------------------------------------------------------------------------
    def save_upload(self, data: bytes) -> str:
        """Store an uploaded product photo (PNG/JPEG/WebP) by content hash; returns 'uploads/<name>'."""
        from PIL import Image, UnidentifiedImageError

        if len(data) > self.settings.max_upload_bytes:
            raise InvalidInputError(
                f"photo has {len(data)} bytes; at most {self.settings.max_upload_bytes} allowed"
            )
        try:
            with Image.open(io.BytesIO(data)) as img:
                fmt = img.format
                img.verify()
        except (UnidentifiedImageError, OSError, SyntaxError):
            raise InvalidInputError(
                "photo is not a readable image; upload a PNG, JPEG or WebP file"
            ) from None
        if fmt not in IMAGE_SUFFIXES:
            raise InvalidInputError(f"photo format {fmt!r} must be one of {sorted(IMAGE_SUFFIXES)}")
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
