"""The FastAPI app factory: settings in, app out; every error is an RFC 9457 problem (service/problems.py)."""

from __future__ import annotations

import hmac
import logging
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import FileResponse
from fastapi.security import APIKeyHeader
from fastapi.staticfiles import StaticFiles

from adcraft import __version__
from adcraft.errors import CheckpointError
from adcraft.service.core import CreativeService
from adcraft.service.limits import ProblemCORSMiddleware, RequestLimits
from adcraft.service.problems import (
    PROBLEM_RESPONSES,
    ProblemHTTPException,
    install_problem_handlers,
)
from adcraft.service.settings import ServiceSettings, load_settings

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).with_name("static")
API_KEY_HEADER = "X-API-Key"
API_PREFIX = "/v1"
API_KEY_SCHEME = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,  # require_key checks the raw bytes and answers the 401 problem itself
    description="needed on every /v1 call when the server sets ADCRAFT_API_KEY",
)
MULTIPART_PATHS = (API_PREFIX + "/uploads",)  # every other /v1 body is JSON


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
    """Build the app; settings default to the ADCRAFT_* environment, pipeline to settings.model (lazy).
    Bad settings, an unusable data dir or database raise ConfigError before anything is served."""
    settings = settings or load_settings()
    service = CreativeService(settings, pipeline)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if settings.preload_model and not service.model.loaded:
            threading.Thread(target=_preload, args=(service,), name="adcraft-preload", daemon=True).start()
        yield
        service.close()

    from fastapi_offline import FastAPIOffline  # the docs' JS and CSS from the wheel, no CDN

    app = FastAPIOffline(
        title="adcraft",
        version=__version__,
        lifespan=lifespan,
        description="Personalised e-commerce ad creatives from product text. Errors are RFC 9457 "
        "problem details (application/problem+json); see docs/security.md for limits.",
        responses=PROBLEM_RESPONSES,
    )
    app.state.service = service
    install_problem_handlers(app, settings.retry_after_s, service.metrics.rejected.inc)
    app.add_middleware(
        RequestLimits,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        multipart_paths=MULTIPART_PATHS,
        prefix=API_PREFIX + "/",
    )

    if settings.cors_origins:
        app.add_middleware(
            ProblemCORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=[API_KEY_HEADER, "Content-Type"],
            expose_headers=["Retry-After"],
        )

    @app.middleware("http")
    async def _measure(request: Request, call_next):
        start = time.perf_counter()
        response = await call_next(request)
        path = route_label(request)
        service.metrics.latency.labels(request.method, path).observe(time.perf_counter() - start)
        service.metrics.requests.labels(request.method, path, str(response.status_code)).inc()
        return response

    def require_key(request: Request, _declared: Annotated[str | None, Depends(API_KEY_SCHEME)]) -> None:
        if settings.api_key and not api_key_matches(request, settings.api_key):
            raise ProblemHTTPException(
                401,
                "unauthorized",
                f"missing or wrong {API_KEY_HEADER} header",
                {"WWW-Authenticate": "ApiKey"},
            )

    from adcraft.service.routes import creatives, jobs, options, personalize, refuse_unknown_query, system

    for module in (creatives, jobs, personalize, options):
        app.include_router(
            module.router,
            prefix=API_PREFIX,
            dependencies=[Depends(require_key), Depends(refuse_unknown_query)],
        )

    app.include_router(system.router)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def api_key_matches(request: Request, expected: str) -> bool:
    """Constant-time comparison of the header's raw bytes (any bytes a client sends) with the key."""
    sent = request.headers.get(API_KEY_HEADER, "").encode("latin-1")  # how Starlette decoded the bytes
    return hmac.compare_digest(sent, expected.encode("ascii"))


def _preload(service: CreativeService) -> None:
    """Load the model in the background at start-up; a failure is logged and /readyz reports it."""
    try:
        service.model.get()
    except CheckpointError as exc:
        logger.error("model preload failed: %s", exc)
