"""Request limits checked before any route runs: body size (413), Content-Type (415) and UTF-8 (400).

The body is read here, at most `limit + 1` bytes of it, and replayed to the app; a body over its limit is
answered 413 without reading the rest. JSON bodies (every /v1 body except the multipart upload paths)
must be UTF-8, as RFC 8259 says; a missing Content-Type is read as JSON.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from email.message import Message
from typing import Any

from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from adcraft.service.problems import problem_response

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]
BODY_METHODS = ("POST", "PUT", "PATCH")
MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around an upload's bytes


def media_type(content_type: str) -> tuple[str, str | None]:
    """('application/json', 'utf-8') from 'application/json; charset=UTF-8' (lower-cased)."""
    msg = Message()
    msg["content-type"] = content_type
    charset = msg.get_param("charset")
    return msg.get_content_type().lower(), (str(charset).lower() if charset else None)


def is_json(media: str) -> bool:
    """application/json or any application/*+json."""
    main, _, sub = media.partition("/")
    return main == "application" and (sub == "json" or sub.endswith("+json"))


class RequestLimits:
    """ASGI middleware: size, media type and encoding of request bodies under `prefix`."""

    def __init__(
        self,
        app: Callable,
        *,
        max_body_bytes: int,
        max_upload_bytes: int,
        multipart_paths: Collection[str],
        prefix: str = "/v1/",
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes
        self.multipart_paths = frozenset(multipart_paths)
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        multipart = path in self.multipart_paths
        limit = self.max_upload_bytes + MULTIPART_OVERHEAD if multipart else self.max_body_bytes
        what = f"an upload (ADCRAFT_MAX_UPLOAD_BYTES={self.max_upload_bytes} plus form overhead)"
        if not multipart:
            what = f"a request body (ADCRAFT_MAX_BODY_BYTES={self.max_body_bytes})"
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await self._reject(scope, receive, send, 413, "too-large", _too_large(int(declared), limit, what))
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before sending its body
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._reject(scope, receive, send, 413, "too-large", _too_large(size, limit, what))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and scope.get("method") in BODY_METHODS and path.startswith(self.prefix):
            problem = self._check_body(body, headers.get("content-type", ""), multipart, scope)
            if problem is not None:
                await self._reject(scope, receive, send, *problem)
                return
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    def _check_body(body: bytes, content_type: str, multipart: bool, scope: Scope) -> tuple | None:
        media, charset = media_type(content_type or "application/json")
        where = f"{scope.get('method')} {scope.get('path')}"
        if multipart:
            if media != "multipart/form-data":
                return (
                    415,
                    "unsupported-media-type",
                    (f"{where} takes multipart/form-data with a 'file' part, got {content_type or 'none'!r}"),
                )
            return None
        if not is_json(media):
            return (
                415,
                "unsupported-media-type",
                (f"{where} takes a JSON body (Content-Type: application/json), got {content_type!r}"),
            )
        if charset not in (None, "utf-8", "utf8"):
            return 415, "unsupported-media-type", f"JSON must be UTF-8 (RFC 8259), got charset {charset!r}"
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            return (
                400,
                "malformed-body",
                (
                    f"request body is not valid UTF-8: byte 0x{body[exc.start]:02x} at position {exc.start}; "
                    "send JSON encoded as UTF-8"
                ),
            )
        return None

    @staticmethod
    async def _reject(
        scope: Scope, receive: Receive, send: Send, status: int, code: str, detail: str
    ) -> None:
        response = problem_response(status, code, detail, scope.get("path"))
        await response(scope, receive, send)


def _too_large(size: int, limit: int, what: str) -> str:
    return f"request has {size} bytes or more; {what} may have at most {limit}"


class ProblemCORSMiddleware(CORSMiddleware):
    """Starlette's CORS middleware whose refused preflight is a problem (it answers plain text)."""

    def preflight_response(self, request_headers) -> Response:
        """The preflight answer; a refusal (400) becomes a 'cors-refused' problem naming what was refused."""
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        reason = response.body.decode("utf-8", "replace").strip() or "preflight refused"
        allowed = ", ".join(self.allow_origins) or "none"
        problem = problem_response(
            response.status_code,
            "cors-refused",
            f"{reason}; allowed origins: {allowed} (ADCRAFT_CORS_ORIGINS)",
        )
        for name in ("access-control-allow-origin", "vary"):
            if name in response.headers:
                problem.headers[name] = response.headers[name]
        return problem
