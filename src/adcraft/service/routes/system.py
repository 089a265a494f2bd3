"""System routes outside /v1 and without the API key: liveness, readiness and metrics."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy.exc import SQLAlchemyError

from adcraft import __version__
from adcraft.errors import CheckpointError
from adcraft.service.problems import ProblemHTTPException, problem_doc
from adcraft.service.routes import ServiceDep

logger = logging.getLogger(__name__)

router = APIRouter(tags=["system"])


@router.get("/healthz")
def healthz(service: ServiceDep) -> dict:
    """Liveness and what the process holds (200 while the process runs; readiness is /readyz)."""
    return {
        "status": "ok",
        "version": __version__,
        "model": service.settings.model,
        "model_loaded": service.model.loaded,
        "model_error": service.model.error,
        "running": service.pool.running,
        "waiting": service.pool.waiting,
        "database": service.store.engine.dialect.name,
        "interrupted_at_startup": len(service.interrupted_jobs),
    }


@router.get("/readyz", responses={503: problem_doc("not ready: the model or the database")})
async def readyz(service: ServiceDep) -> dict:
    """Readiness: 200 once the configured model is loaded (this call loads it) and the database
    answers; a 503 problem naming what is wrong otherwise."""
    try:
        pipe = await run_in_threadpool(service.model.get)
        await run_in_threadpool(service.store.ping)
    except CheckpointError as exc:
        raise ProblemHTTPException(503, "not-ready", str(exc)) from None
    except SQLAlchemyError as exc:
        logger.error("readiness: the database does not answer: %s", exc)
        raise ProblemHTTPException(503, "not-ready", "the database does not answer") from None
    return {"status": "ready", "model": service.settings.model, "model_id": getattr(pipe, "model_id", None)}


@router.get("/metrics")
def metrics(service: ServiceDep) -> Response:
    """Prometheus metrics."""
    return Response(service.metrics.render(), media_type="text/plain; version=0.0.4")
