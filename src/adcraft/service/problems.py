"""RFC 9457 problem details: every error the API answers is `application/problem+json` with a stable type.

A problem body has `type` ("/problems/<code>"), `title`, `status`, a one-line `detail` naming what was
wrong and what is allowed, `instance` (the request path) and `code` (the type's last part); validation
problems add `errors` (one `{field, message}` per bad field), timeouts add `job_id` and `status_url`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from adcraft.errors import (
    AdcraftError,
    CapacityError,
    CheckpointError,
    ConflictError,
    IdempotencyKeyReusedError,
    NotFoundError,
    StillRunningError,
    TooLargeError,
)

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "/problems/"
# code -> title, one per kind of problem; the code is the stable part clients may switch on
TITLES = {
    "invalid-input": "The request's values are not allowed",
    "malformed-body": "The request body cannot be read",
    "unsupported-media-type": "The request body has the wrong content type",
    "unknown-parameter": "The request names a parameter this operation does not have",
    "too-large": "The request is over a size limit",
    "unauthorized": "Missing or wrong API key",
    "not-found": "No such resource",
    "method-not-allowed": "The method is not allowed on this path",
    "capacity": "The service is at capacity",
    "conflict": "The request conflicts with the resource's state",
    "idempotency-key-reused": "The Idempotency-Key was used for a different request body",
    "still-running": "The work outlived the wait; it carries on as a job",
    "model-unavailable": "The server's model cannot be loaded",
    "not-ready": "The service is not ready",
    "cors-refused": "The browser's cross-origin request is not allowed",
    "internal": "Internal server error",
}
STATUS_CODES = {405: "method-not-allowed", 404: "not-found", 401: "unauthorized", 413: "too-large"}
MAX_SHOWN_INPUT = 80  # characters of a rejected value echoed in a message


class Problem(BaseModel):
    """An RFC 9457 problem details body (the OpenAPI schema of every error response)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    code: str
    errors: list[dict[str, str]] | None = None


def problem_response(
    status: int, code: str, detail: str, instance: str | None = None, headers: dict | None = None, **ext: Any
) -> JSONResponse:
    """An application/problem+json response."""
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": TITLES.get(code, code),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance is not None:
        body["instance"] = instance
    body.update({k: v for k, v in ext.items() if v is not None})
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def domain_status(exc: AdcraftError) -> tuple[int, str]:
    """(HTTP status, problem code) for a domain error."""
    if isinstance(exc, NotFoundError):
        return 404, "not-found"
    if isinstance(exc, CapacityError):
        return 429, "capacity"
    if isinstance(exc, ConflictError):
        return 409, "conflict"
    if isinstance(exc, CheckpointError):
        return 503, "model-unavailable"  # the server's model is missing: not the caller's fault
    if isinstance(exc, StillRunningError):
        return 504, "still-running"
    if isinstance(exc, IdempotencyKeyReusedError):
        return 422, "idempotency-key-reused"
    if isinstance(exc, TooLargeError):
        return 413, "too-large"
    return 422, "invalid-input"


def _field_name(loc: Sequence[Any]) -> str:
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= MAX_SHOWN_INPUT else text[: MAX_SHOWN_INPUT - 3] + "..."


def _allowed_fields(request: Request, loc: Sequence[Any]) -> list[str] | None:
    """The field names allowed where an unknown field was found, from the route's body model."""
    route = request.scope.get("route")
    field = getattr(route, "body_field", None)
    model = getattr(getattr(field, "field_info", None), "annotation", None)
    for part in list(loc)[1:-1]:
        if isinstance(part, int) or model is None:
            continue
        info = getattr(model, "model_fields", {}).get(part)
        model = _model_of(info.annotation) if info is not None else None
    fields = getattr(model, "model_fields", None)
    return sorted(fields) if fields else None


def _model_of(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def validation_message(request: Request, error: dict) -> str:
    """One line for one pydantic error: the field, what was wrong and what is allowed."""
    loc, kind = error.get("loc", ()), error.get("type", "")
    field = _field_name(loc)
    if kind == "extra_forbidden":
        allowed = _allowed_fields(request, loc)
        where = f" in {_field_name(loc[:-1])}" if len(loc) > 2 else ""
        return f"unknown field {str(loc[-1])!r}{where}; allowed: {', '.join(allowed or [])}"
    if kind == "missing" and tuple(loc) == ("body",):
        return "request body is missing; send a JSON object (Content-Type: application/json)"
    message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    if loc and loc[0] == "query":
        field = f"query parameter {field!r}"
    elif loc and loc[0] == "path":
        field = f"path parameter {field!r}"
    shown = "" if kind in ("missing", "value_error") else f" (got {_shown(error.get('input'))})"
    return f"{field}: {message}{shown}"


def _validation_problem(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        e = next(e for e in errors if e.get("type") == "json_invalid")
        reason = (e.get("ctx") or {}).get("error", "invalid JSON")
        position = e.get("loc", ("body", 0))[-1]
        return problem_response(
            400,
            "malformed-body",
            f"request body is not valid JSON: {reason} at character {position}",
            request.url.path,
        )
    messages = [validation_message(request, e) for e in errors]
    return problem_response(
        422,
        "invalid-input",
        messages[0] + (f" (and {len(messages) - 1} more)" if len(messages) > 1 else ""),
        request.url.path,
        errors=[
            {"field": _field_name(e.get("loc", ())), "message": m}
            for e, m in zip(errors, messages, strict=True)
        ],
    )


def install_problem_handlers(app: FastAPI, retry_after_s: int, on_rejected=None) -> None:
    """Turn domain errors, validation errors, HTTP errors and crashes into problem responses."""

    @app.exception_handler(AdcraftError)
    async def _domain(request: Request, exc: AdcraftError) -> JSONResponse:
        status, code = domain_status(exc)
        headers = None
        extra: dict[str, Any] = {}
        if status == 429:
            headers = {"Retry-After": str(retry_after_s)}
            if on_rejected is not None:
                on_rejected()
        if isinstance(exc, StillRunningError):
            extra = {"job_id": exc.job_id, "status_url": f"/v1/jobs/{exc.job_id}"}
            headers = {"Retry-After": str(retry_after_s)}
        return problem_response(status, code, str(exc), request.url.path, headers, **extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_problem(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = getattr(exc, "problem_code", None) or STATUS_CODES.get(exc.status_code)
        if code is None:
            code = "malformed-body" if exc.status_code == 400 else f"http-{exc.status_code}"
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no route {request.url.path!r}; the API is described at /openapi.json"
        if exc.status_code == 405 and detail == "Method Not Allowed":
            detail = f"{request.method} is not allowed on {request.url.path!r}"
        if exc.status_code == 400 and detail == "There was an error parsing the body":
            detail = "request body cannot be parsed as its Content-Type says (JSON or multipart form)"
        return problem_response(exc.status_code, code, detail, request.url.path, exc.headers)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        reference = uuid.uuid4().hex[:12]
        logger.error("internal error %s on %s %s", reference, request.method, request.url.path, exc_info=exc)
        return problem_response(
            500,
            "internal",
            f"internal error (reference {reference}); the server log has the details",
            request.url.path,
        )


class ProblemHTTPException(StarletteHTTPException):
    """An HTTPException that names its problem code."""

    def __init__(self, status: int, code: str, detail: str, headers: dict | None = None) -> None:
        super().__init__(status, detail, headers)
        self.problem_code = code


def problem_doc(description: str) -> dict:
    """An OpenAPI `responses` entry for a problem response."""
    return {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": description}


PROBLEM_RESPONSES = {
    status: problem_doc(description)
    for status, description in {
        400: "malformed body (invalid JSON or UTF-8)",
        401: "missing or wrong API key",
        413: "body or upload over its limit",
        415: "wrong Content-Type",
        422: "a value is not allowed (the detail names the field and what is allowed)",
        429: "queue full (Retry-After)",
    }.items()
}
