"""``/rest/<method>`` (with or without ``.view``), GET or POST: read the parameters,
check the client's version and credentials, run the method, and answer in the client's
format. Every failure is a Subsonic error in that format (HTTP 200, as the API does),
never a problem+json page; the methods that answer bytes (stream, download, getCoverArt)
too, as the API says ("an XML document on error"). Only a byte range that the file
cannot satisfy is answered in HTTP's own terms (416), since a player asked HTTP."""

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlour.domain.accounts import Viewer
from parlour.domain.errors import (
    AuthenticationError,
    BusyError,
    InvalidInputError,
    NotFoundError,
    ParlourError,
    PermissionDeniedError,
    RateLimitedError,
)
from parlour.frontends.subsonic.auth import authenticate, credentials_check
from parlour.frontends.subsonic.protocol import (
    API_VERSION,
    CLIENT_TOO_OLD,
    GENERIC,
    NOT_AUTHORIZED,
    NOT_FOUND,
    SERVER_TOO_OLD,
    WRONG_CREDENTIALS,
    Params,
    Payload,
    SubsonicError,
    read_params,
    render,
    render_error,
)
from parlour.services.application import Parlour

log = logging.getLogger(__name__)

# A method is a coroutine (it awaits a service, or answers bytes), or a plain function
# that reads the catalogue: the dispatcher runs that one, with the sign-in before it, in
# one trip to a worker thread (a trip costs 0.1-0.2 ms on an idle machine).
Method = Callable[[Parlour, Viewer, Params], Awaitable[Payload | Response]]
ReadMethod = Callable[[Parlour, Viewer, Params], Payload]
METHODS: dict[str, Method] = {}
READ_METHODS: dict[str, ReadMethod] = {}
# Methods that answer without credentials (OpenSubsonic: getOpenSubsonicExtensions).
PUBLIC: dict[str, Callable[[], Payload]] = {}


_Handler = TypeVar("_Handler", Method, ReadMethod)


def method(name: str) -> Callable[[_Handler], _Handler]:
    """Register a Subsonic method under its name (e.g. ``getAlbum``)."""

    def register(handler: _Handler) -> _Handler:
        if inspect.iscoroutinefunction(handler):
            METHODS[name] = handler
        else:
            READ_METHODS[name] = handler  # type: ignore[assignment]  # not a coroutine
        return handler

    return register


def _version(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split("."))
    except ValueError:
        raise SubsonicError(GENERIC, f"'{text[:20]}' is not a protocol version") from None


def check_version(params: Params) -> None:
    """Clients name the protocol they speak; a different major version cannot work.
    A newer minor version is taken (OpenSubsonic clients announce 1.16.1 and up)."""
    client = _version(params.required("v"))
    ours = _version(API_VERSION)
    if client[:1] < ours[:1]:
        message = "Incompatible Subsonic REST protocol version. Client must upgrade."
        raise SubsonicError(CLIENT_TOO_OLD, message)
    if client[:1] > ours[:1]:
        message = "Incompatible Subsonic REST protocol version. Server must upgrade."
        raise SubsonicError(SERVER_TOO_OLD, message)


def as_subsonic(error: ParlourError) -> SubsonicError:
    """The Subsonic error a service's error becomes."""
    if isinstance(error, NotFoundError):
        return SubsonicError(NOT_FOUND, str(error) or "The requested data was not found")
    if isinstance(error, PermissionDeniedError):
        return SubsonicError(NOT_AUTHORIZED, str(error) or "The user is not authorized")
    if isinstance(error, (AuthenticationError, RateLimitedError)):
        return SubsonicError(WRONG_CREDENTIALS, str(error) or "Wrong username or password")
    if isinstance(error, InvalidInputError):
        return SubsonicError(GENERIC, str(error))
    if isinstance(error, BusyError):
        return SubsonicError(GENERIC, str(error))
    return SubsonicError(GENERIC, "The request could not be carried out")


def _signed_in(request: Request, parlour: Parlour, params: Params, handler: ReadMethod) -> Payload:
    viewer = credentials_check(request, parlour, params)()
    return handler(parlour, viewer, params)


async def dispatch(request: Request) -> Response:
    name = str(request.path_params["method"]).removesuffix(".view")
    fmt = request.query_params.get("f")
    try:
        params = await read_params(request)
        fmt = params.get("f")
        public = PUBLIC.get(name)
        if public is not None:
            return render(public(), fmt)  # what a client reads before it signs in
        handler, reader = METHODS.get(name), READ_METHODS.get(name)
        if handler is None and reader is None:
            raise SubsonicError(NOT_FOUND, f"Unknown method '{name[:40]}'")
        params.required("c")
        check_version(params)
        parlour: Parlour = request.app.state.parlour
        answer: Payload | Response
        if handler is not None:
            viewer = await authenticate(request, parlour, params)
            answer = await handler(parlour, viewer, params)
        elif reader is not None:
            answer = await run_in_threadpool(_signed_in, request, parlour, params, reader)
    except SubsonicError as error:
        return render_error(error, fmt)
    except ParlourError as error:
        return render_error(as_subsonic(error), fmt)
    except Exception:
        log.exception("Subsonic method %s failed", name[:40])
        return render_error(SubsonicError(GENERIC, "The server failed to answer"), fmt)
    if isinstance(answer, Response):
        return answer
    return render(answer, fmt)


ROUTES = [Route("/rest/{method}", dispatch, methods=["GET", "POST"])]
