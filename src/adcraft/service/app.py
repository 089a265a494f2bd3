"""The FastAPI app factory: settings in, app out; errors become 4xx JSON with a `detail`."""

from __future__ import annotations

import hmac
import logging
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from adcraft import __version__
from adcraft.errors import AdcraftError, CapacityError, CheckpointError, NotFoundError
from adcraft.service.core import CreativeService
from adcraft.service.settings import ServiceSettings

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).with_name("static")
API_KEY_HEADER = "X-API-Key"
API_PREFIX = "/v1"


def error_status(exc: AdcraftError) -> int:
    """The HTTP status for a domain error."""
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, CapacityError):
        return 429
    if isinstance(exc, CheckpointError):
        return 503  # the server's model is missing: not the caller's fault
    return 422


def route_label(request: Request) -> str:
    """The matched route's template ("/v1/creatives/{creative_id}"), so metric labels stay few."""
    route = request.scope.get("route")
    if route is None:
        return "unmatched"
    path = getattr(route, "path", "unmatched")
    if request.url.path.startswith(API_PREFIX + "/") and not path.startswith(API_PREFIX):
        path = API_PREFIX + path  # routes of an included router carry no prefix
    return path


def create_app(settings: ServiceSettings | None = None, *, pipeline: Any = None) -> FastAPI:
    """Build the app; settings default to the ADCRAFT_* environment, pipeline to settings.model (lazy)."""
    settings = settings or ServiceSettings()
    service = CreativeService(settings, pipeline)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        service.close()

    app = FastAPI(
        title="adcraft",
        version=__version__,
        lifespan=lifespan,
        description="Personalised e-commerce ad creatives from product text.",
    )
    app.state.service = service

    @app.exception_handler(AdcraftError)
    async def _domain_error(_request: Request, exc: AdcraftError) -> JSONResponse:
        status = error_status(exc)
        headers = {"Retry-After": str(settings.retry_after_s)} if status == 429 else None
        if status == 429:
            service.metrics.rejected.inc()
        return JSONResponse({"detail": str(exc)}, status_code=status, headers=headers)

    @app.middleware("http")
    async def _measure(request: Request, call_next):
        start = time.perf_counter()
        response = await call_next(request)
        path = route_label(request)
        service.metrics.latency.labels(request.method, path).observe(time.perf_counter() - start)
        service.metrics.requests.labels(request.method, path, str(response.status_code)).inc()
        return response

    def require_key(request: Request) -> None:
        if settings.api_key and not hmac.compare_digest(
            request.headers.get(API_KEY_HEADER, ""), settings.api_key
        ):
            raise HTTPException(
                401, f"missing or wrong {API_KEY_HEADER} header", {"WWW-Authenticate": "ApiKey"}
            )

    from adcraft.service.routes import creatives, jobs, personalize

    for module in (creatives, jobs, personalize):
        app.include_router(module.router, prefix=API_PREFIX, dependencies=[Depends(require_key)])

    @app.get("/healthz", tags=["system"])
    def healthz() -> dict:
        """Liveness and what the process holds."""
        return {
            "status": "ok",
            "version": __version__,
            "model": settings.model,
            "model_loaded": service.model.loaded,
            "running": service.pool.running,
            "waiting": service.pool.waiting,
            "database": service.store.engine.dialect.name,
        }

    @app.get("/metrics", tags=["system"])
    def metrics() -> Response:
        """Prometheus metrics."""
        return Response(service.metrics.render(), media_type="text/plain; version=0.0.4")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
