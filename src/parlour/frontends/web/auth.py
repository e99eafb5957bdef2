"""Who is calling: bearer tokens, session cookies, the source address, and
deny-by-default routes."""

import hmac
import ipaddress
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from parlour.domain.accounts import UserInfo, Viewer
from parlour.domain.errors import AuthenticationError, InvalidInputError, PermissionDeniedError
from parlour.frontends.web.json import JSONResponse
from parlour.services.accounts import SESSION_IDLE_S
from parlour.services.application import Parlour

Endpoint = Callable[[Request], Awaitable[Response]]
ViewerEndpoint = Callable[[Request, Viewer], Awaitable[Response]]


SESSION_COOKIE = "parlour_session"
CSRF_COOKIE = "parlour_csrf"
CSRF_HEADER = "x-csrf-token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def source_address(request: Request, trusted_proxies: frozenset[str]) -> str:
    """The caller's address. Forwarded headers count only when the peer is a configured
    proxy: being "on the local network" is never a credential (AU-09)."""
    peer = request.client.host if request.client else "unknown"
    if peer not in trusted_proxies:
        return peer
    forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
    for candidate in reversed([part for part in forwarded if part]):
        if candidate in trusted_proxies:
            continue
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            break
    return peer


def request_token(request: Request) -> tuple[str | None, bool]:
    """The caller's token and whether it came from the session cookie."""
    token = bearer_token(request)
    if token is not None:
        return token, False
    cookie = request.cookies.get(SESSION_COOKIE)
    return (cookie, True) if cookie else (None, False)


def signed_in(endpoint: ViewerEndpoint) -> Endpoint:
    """Wrap an endpoint so that it runs only for a valid token; 401 otherwise.

    A browser's cookie session must also send the CSRF token in a header on any call
    that changes something; a bearer token (which a browser never sends by itself)
    needs none.
    """

    async def guarded(request: Request) -> Response:
        parlour: Parlour = request.app.state.parlour
        token, from_cookie = request_token(request)
        if token is None:
            raise AuthenticationError("sign in first: send Authorization: Bearer TOKEN")
        # A token checked moments ago needs no database and no thread hop.
        viewer = parlour.accounts.cached_viewer(token)
        if viewer is None:
            viewer = await run_in_threadpool(parlour.accounts.viewer, token)
        if from_cookie and request.method not in _SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            if not hmac.compare_digest(sent, parlour.accounts.csrf_token(token)):
                raise PermissionDeniedError("missing or wrong CSRF token (X-CSRF-Token)")
        return await endpoint(request, viewer)

    guarded.__name__ = endpoint.__name__
    guarded.__doc__ = endpoint.__doc__
    return guarded


def user_json(user: UserInfo | Viewer) -> dict[str, Any]:
    if isinstance(user, Viewer):
        return {"id": user.user_id, "name": user.name, "role": user.role.value}
    return {"id": user.id, "name": user.name, "role": user.role.value}


@dataclass(frozen=True, slots=True)
class SignInOptions:
    """What a sign-in body may ask for besides credentials."""

    device: str | None  # a named, long-lived device token instead of a session
    cookie: bool  # a browser session: the token goes in an HttpOnly cookie
    remember: bool  # the cookie outlives the browser


def sign_in_options(data: dict[str, Any]) -> SignInOptions:
    device = data.get("device")
    if device is not None and (not isinstance(device, str) or not 0 < len(device) <= 100):
        raise InvalidInputError("'device' must be a name of 1 to 100 characters")
    return SignInOptions(device, data.get("cookie") is True, data.get("remember") is True)


def signed_in_response(
    request: Request, token: str, viewer: Viewer, options: SignInOptions
) -> Response:
    """The answer to a successful sign-in (a login, or the first-run setup)."""
    if not options.cookie:
        return JSONResponse({"token": token, "user": user_json(viewer)})
    # A browser session: the token lives only in an HttpOnly cookie, never in the page.
    parlour: Parlour = request.app.state.parlour
    csrf = parlour.accounts.csrf_token(token)
    response = JSONResponse({"user": user_json(viewer), "csrf_token": csrf})
    secure = request.url.scheme == "https"
    max_age = SESSION_IDLE_S if options.remember else None  # otherwise gone with the browser
    response.set_cookie(
        SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax", secure=secure
    )
    response.set_cookie(CSRF_COOKIE, csrf, max_age=max_age, samesite="lax", secure=secure)
    return response
