"""Errors as RFC 9457 problem+json."""

import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from parlour.domain.errors import (
    AuthenticationError,
    BusyError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    ParlourError,
    PermissionDeniedError,
    RateLimitedError,
)

log = logging.getLogger(__name__)

_STATUS = {
    NotFoundError: 404,
    InvalidInputError: 400,
    ConflictError: 409,
    AuthenticationError: 401,
    PermissionDeniedError: 403,
    RateLimitedError: 429,
    BusyError: 503,
}


def problem(status: int, detail: str | None = None) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    return Response(orjson.dumps(body), status_code=status, media_type="application/problem+json")


async def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return problem(
        exc.status_code, exc.detail if exc.detail != HTTPStatus(exc.status_code).phrase else None
    )


async def _parlour_error(_request: Request, exc: Exception) -> Response:
    status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 500)
    response = problem(status, str(exc) if status != 500 else None)
    if isinstance(exc, RateLimitedError | BusyError):
        response.headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, AuthenticationError):
        response.headers["WWW-Authenticate"] = 'Bearer realm="parlour"'
    return response


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    parlour = getattr(request.app.state, "parlour", None)
    if parlour is not None:  # kept (kind and place only) if crash reports have consent
        await run_in_threadpool(parlour.usage_reports.record_crash, exc)
    return problem(500)


def problem_handlers() -> dict[Any, Callable[[Request, Exception], Awaitable[Response]]]:
    # Exception (500) is served by Starlette's outermost middleware, still as problem+json.
    return {HTTPException: _http_error, ParlourError: _parlour_error, Exception: _unexpected_error}
