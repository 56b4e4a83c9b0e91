"""What every request passes through: the body limit, the security headers, the rate
limits, and the translation of domain errors into answers.

The services raise the :class:`~politburo.errors.UserError` family and know nothing of
HTTP; here each kind becomes its status with a JSON body ``{"detail": message}``:
:class:`~politburo.errors.NotFound` 404, :class:`~politburo.errors.Forbidden` 403,
:class:`~politburo.errors.Conflict` 409, :class:`~politburo.errors.Gone` 410, any other
:class:`~politburo.errors.UserError` 422 (an illegal action, a lesson that does not fit);
:class:`~politburo.web.limits.TooBusy` 429 with ``Retry-After``;
:class:`~politburo.web.classroom.NoFreeCode` 503. Anything else is a bug: a 500.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from politburo.errors import Conflict, Forbidden, Gone, NotFound, UserError
from politburo.web.classroom import NoFreeCode
from politburo.web.limits import Limits, RateLimit, TooBusy, too_busy

#: largest request body accepted (bytes); the biggest legal one is well under 2 KiB
MAX_BODY = 16 * 1024

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
}

#: the status of each domain error, most specific first (any other UserError: 422)
STATUS: tuple[tuple[type[Exception], int], ...] = (
    (NotFound, 404),
    (Forbidden, 403),
    (Conflict, 409),
    (Gone, 410),
    (UserError, 422),
    (NoFreeCode, 503),
)


def status_of(error: Exception) -> int:
    """The HTTP status a domain error is answered with."""
    return next(status for kind, status in STATUS if isinstance(error, kind))


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``limit`` bytes with 413, whether the
    client declares the length or streams it."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.limit + 1
                if declared > self.limit:
                    await _too_large(send)
                    return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await _too_large(send)


class _BodyTooLarge(HTTPException):
    """Raised from ``receive``: the app's error handling answers 413."""

    def __init__(self) -> None:
        super().__init__(413, "request body too large (limit 16 KiB)")


async def _too_large(send: Send) -> None:
    body = b'{"detail":"request body too large (limit 16 KiB)"}'
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Every answer forbids framing, sniffing, referrers and content from elsewhere."""
    response = await call_next(request)
    for key, value in SECURITY_HEADERS.items():
        response.headers.setdefault(key, value)
    return response


async def domain_error(_: Request, error: Exception) -> JSONResponse:
    """A domain error as its 4xx (or 503) with the message as ``detail``."""
    return JSONResponse({"detail": str(error)}, status_code=status_of(error))


async def busy(_: Request, error: Exception) -> JSONResponse:
    """:class:`TooBusy` as 429 with ``Retry-After``."""
    assert isinstance(error, TooBusy)
    return too_busy(error.detail, error.retry_after)


async def invalid(_: Request, error: Exception) -> JSONResponse:
    """A malformed request as 422. FastAPI's own handler echoes the input, and a NaN in it
    cannot be written as JSON (a 500): the same answer with non-finite numbers as text."""
    assert isinstance(error, RequestValidationError)
    detail = _finite(jsonable_encoder(error.errors()))
    return JSONResponse({"detail": detail}, status_code=422)


def _finite(value: Any) -> Any:
    """``value`` with non-finite floats written as text (JSON has no NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def install(app: FastAPI, limits: Limits, max_body: int = MAX_BODY) -> None:
    """Put the middleware and the error answers on ``app``."""
    app.add_middleware(BodyLimit, limit=max_body)
    app.add_middleware(RateLimit, limits=limits)
    app.middleware("http")(security_headers)
    for kind, _ in STATUS:
        app.add_exception_handler(kind, domain_error)
    app.add_exception_handler(TooBusy, busy)
    app.add_exception_handler(RequestValidationError, invalid)
