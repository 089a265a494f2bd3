"""Runs the durable jobs of store/jobs.py through the generation pool, with live progress and cancel.

The database holds the queue; this object hands queued jobs to the bounded pool (oldest first, as it has
room), runs each claimed job product by product, and keeps each running job's live progress in memory:
sampler steps of the visual being made and placements done, read by GET /v1/jobs/{id} and its events.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from typing import Any

from adcraft.errors import CapacityError, InvalidInputError
from adcraft.generate import GenerationSettings
from adcraft.service.schemas import ProductIn

logger = logging.getLogger(__name__)

MAX_KEY_CHARS = 255  # the Idempotency-Key column's width


class JobCancelled(Exception):
    """Raised inside a sampler callback to stop a job that was cancelled."""


def body_hash(body: dict) -> str:
    """sha256 of a request body in canonical JSON: the same body always hashes the same."""
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_idempotency_key(key: str | None) -> str | None:
    """The key when it is 1-255 visible ASCII characters; InvalidInputError naming the rule otherwise."""
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_CHARS or not all("!" <= ch <= "~" for ch in key):
        raise InvalidInputError(
            f"Idempotency-Key must be 1 to {MAX_KEY_CHARS} visible ASCII characters (a UUID is typical)"
        )
    return key


class LiveProgress:
    """Per running job: which product, which visual, sampler step, placements done (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, dict] = {}

    def start_product(self, job_id: str, index: int, products: int, settings: GenerationSettings) -> None:
        """A product's generation begins."""
        visuals = max(1, len(settings.audiences))
        with self._lock:
            self._jobs[job_id] = {
                "product_index": index,
                "products_total": products,
                "visuals_done": 0,
                "visuals_total": visuals,
                "step": 0,
                "steps": settings.steps,
                "placements_done": 0,
                "placements_total": visuals * len(settings.placements),
                "placements_per_visual": len(settings.placements),
            }

    def visual_started(self, job_id: str) -> None:
        """The sampler starts another visual: the previous audience's placements are composed."""
        with self._lock:
            p = self._jobs.get(job_id)
            if p is not None and p["step"]:
                p["visuals_done"] += 1
                p["placements_done"] = p["visuals_done"] * p["placements_per_visual"]
                p["step"] = 0

    def step(self, job_id: str, step: int, steps: int) -> None:
        """The sampler finished step `step` of `steps`."""
        with self._lock:
            p = self._jobs.get(job_id)
            if p is not None:
                p["step"], p["steps"] = step, steps

    def get(self, job_id: str) -> dict | None:
        """A copy of the job's live progress, None when it runs no product now."""
        with self._lock:
            p = self._jobs.get(job_id)
            return None if p is None else {k: v for k, v in p.items() if k != "placements_per_visual"}

    def clear(self, job_id: str) -> None:
        """Forget a product's progress (it finished)."""
        with self._lock:
            self._jobs.pop(job_id, None)


class ProgressPipeline:
    """The pipeline, with a sampler callback that reports progress and stops cancelled jobs."""

    def __init__(self, pipeline: Any, runner: JobRunner, job_id: str) -> None:
        self._pipeline = pipeline
        self._runner = runner
        self._job_id = job_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pipeline, name)

    def __call__(self, prompts, **kwargs):
        self._runner.progress.visual_started(self._job_id)
        given = kwargs.pop("callback", None)

        def report(step: int, steps: int) -> None:
            if self._runner.cancel_requested(self._job_id):
                raise JobCancelled(self._job_id)
            self._runner.progress.step(self._job_id, step, steps)
            if given is not None:
                given(step, steps)

        return self._pipeline(prompts, callback=report, **kwargs)


class JobRunner:
    """Submits, runs, cancels and retries the service's durable jobs."""

    def __init__(self, service: Any) -> None:
        self.service = service
        self.queue = service.store.jobs
        self.progress = LiveProgress()
        self._lock = threading.Lock()
        self._in_pool: set[str] = set()  # handed to the pool, not finished
        self._cancelled: set[str] = set()  # cancel asked while running
        self._closing = False  # set by close(): nothing more is handed to the pool

    def close(self) -> None:
        """Hand nothing more to the pool (queued jobs stay queued in the database for the next start)."""
        self._closing = True

    # submitting ---------------------------------------------------------------------------------
    def replay(self, key: str | None, body: dict) -> str | None:
        """The job an Idempotency-Key already made for this body; None for a new key (or none);
        IdempotencyKeyReusedError (422) when the key was used for another body."""
        key = check_idempotency_key(key)
        return self.queue.find_by_key(key, body_hash(body)) if key else None

    def submit(self, body: dict, products: list, settings: GenerationSettings, key: str | None) -> str:
        """Record a job over checked products and hand it to the pool (429 when full; nothing kept)."""
        payload = {"products": [p.submitted for p in products], "settings": settings.to_dict()}
        job_id, replayed = self.queue.create(payload, len(products), body_hash(body), key)
        if replayed:
            return job_id
        try:
            self._hand_to_pool(job_id)
        except CapacityError:
            self.queue.forget(job_id)
            raise
        return job_id

    def dispatch(self) -> None:
        """Hand queued jobs to the pool, oldest first, while it has room (the rest wait in the database)."""
        for job_id in self.queue.queued_ids():
            try:
                self._hand_to_pool(job_id)
            except CapacityError:
                return

    def _hand_to_pool(self, job_id: str) -> None:
        with self._lock:
            if self._closing:
                raise CapacityError("the service is shutting down; retry on another instance")
            if job_id in self._in_pool:
                return
            future = self.service.pool.submit(self._run, job_id)
            self._in_pool.add(job_id)
        future.add_done_callback(lambda _f: self._after(job_id))

    def _after(self, job_id: str) -> None:
        with self._lock:
            self._in_pool.discard(job_id)
            self._cancelled.discard(job_id)
            if self._closing:  # the pool is shutting down (this may run inside its shutdown)
                return
        try:
            self.dispatch()  # the pool has room again: the next queued job
        except Exception:  # the store is closed at shutdown; the jobs stay queued for the next start
            logger.debug("dispatch after job %s skipped", job_id, exc_info=True)

    # running ------------------------------------------------------------------------------------
    def _run(self, job_id: str) -> None:
        payload = self.queue.claim(job_id)
        if payload is None:  # cancelled while queued, or already taken
            return
        try:
            self._execute(job_id, payload)
        finally:
            self.progress.clear(job_id)

    def _execute(self, job_id: str, payload: dict) -> None:
        service = self.service
        settings = GenerationSettings(**payload["settings"])
        products = payload["products"]
        reported = {r.get("index") for r in service.store.get_job(job_id)["results"]}
        for index, submitted in enumerate(products):
            if index in reported:  # made before a restart or a retry
                continue
            if self._stopped(job_id):
                return
            self.progress.start_product(job_id, index, len(products), settings)
            try:
                product = service.prepare_product(ProductIn.model_validate(submitted), f"products[{index}]")
                pipeline = ProgressPipeline(service.model.get(), self, job_id)
                out = service.generate_now(product, settings, pipeline=pipeline)
                result = {
                    "index": index,
                    "product_id": out["product_id"],
                    "creative_ids": [c["id"] for c in out["creatives"]],
                }
            except JobCancelled:
                return
            except Exception as exc:  # one product's failure must not kill the job
                result = {"index": index, "error": service._error_text(job_id, index, exc)}
            service.store.update_job(job_id, result=result)
        self.queue.finish(job_id)

    def _stopped(self, job_id: str) -> bool:
        return self.cancel_requested(job_id) or self.queue.status(job_id) != "running"

    def cancel_requested(self, job_id: str) -> bool:
        """Whether a cancel was asked for this running job."""
        return job_id in self._cancelled

    # the routes' operations -----------------------------------------------------------------------
    def cancel(self, job_id: str) -> dict:
        """Cancel a queued or running job (a running one stops at its next sampler step)."""
        with self._lock:
            self.queue.cancel(job_id)
            self._cancelled.add(job_id)
        return self.status(job_id)

    def retry(self, job_id: str) -> dict:
        """Queue a finished job again for its products without creatives, and hand it to the pool."""
        self.queue.retry(job_id)
        self.dispatch()
        return self.status(job_id)

    def status(self, job_id: str) -> dict:
        """The job's record, its attempts, failure reason, queue position and live progress."""
        job = self.service.store.get_job(job_id)
        job.update(self.queue.details(job_id))
        job["progress"] = self.progress.get(job_id) if job["status"] == "running" else None
        return job
