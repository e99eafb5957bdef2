"""The Starlette application: routes map one to one onto services and answer in JSON.

Every route needs a signed-in viewer unless it is in ``PUBLIC_ROUTES``; a test calls
every registered route anonymously to hold that true.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlour.domain.accounts import UserInfo, Viewer
from parlour.domain.errors import InvalidInputError
from parlour.frontends.web import admin, browse
from parlour.frontends.web.auth import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    request_token,
    signed_in,
    source_address,
)
from parlour.frontends.web.errors import problem_handlers
from parlour.frontends.web.json import JSONResponse, json_body, text_field
from parlour.services.accounts import SESSION_IDLE_S
from parlour.services.application import Parlour

PUBLIC_ROUTES = frozenset({"/healthz", "/api/v1/auth/login"})


def _user_json(user: UserInfo | Viewer) -> dict[str, Any]:
    if isinstance(user, Viewer):
        return {"id": user.user_id, "name": user.name, "role": user.role.value}
    return {"id": user.id, "name": user.name, "role": user.role.value}


async def healthz(_request: Request) -> Response:
    # No details: this route is public.
    return JSONResponse({"status": "ok"})


async def login(request: Request) -> Response:
    parlour: Parlour = request.app.state.parlour
    data = await json_body(request)
    username, password = text_field(data, "username"), text_field(data, "password")
    device = data.get("device")
    if device is not None and (not isinstance(device, str) or not 0 < len(device) <= 100):
        raise InvalidInputError("'device' must be a name of 1 to 100 characters")
    use_cookie = data.get("cookie") is True
    remember = data.get("remember") is True
    source = source_address(request, parlour.settings.trusted_proxy_set)
    token, viewer = await run_in_threadpool(
        parlour.accounts.login, username, password, source, device=device
    )
    if not use_cookie:
        return JSONResponse({"token": token, "user": _user_json(viewer)})
    # A browser session: the token lives only in an HttpOnly cookie, never in the page.
    csrf = parlour.accounts.csrf_token(token)
    response = JSONResponse({"user": _user_json(viewer), "csrf_token": csrf})
    secure = request.url.scheme == "https"
    max_age = SESSION_IDLE_S if remember else None  # otherwise gone with the browser
    response.set_cookie(
        SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax", secure=secure
    )
    response.set_cookie(CSRF_COOKIE, csrf, max_age=max_age, samesite="lax", secure=secure)
    return response


async def logout(request: Request, _viewer: Viewer) -> Response:
    parlour: Parlour = request.app.state.parlour
    token, _ = request_token(request)
    assert token is not None  # signed_in checked it
    await run_in_threadpool(parlour.accounts.logout, token)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response


async def me(_request: Request, viewer: Viewer) -> Response:
    body = _user_json(viewer) | {"libraries": sorted(viewer.library_ids)}
    return JSONResponse(body)


async def my_tokens(request: Request, viewer: Viewer) -> Response:
    parlour: Parlour = request.app.state.parlour
    return JSONResponse(await run_in_threadpool(parlour.accounts.tokens, viewer))


async def revoke_token(request: Request, viewer: Viewer) -> Response:
    parlour: Parlour = request.app.state.parlour
    await run_in_threadpool(parlour.accounts.revoke, viewer, request.path_params["token_id"])
    return Response(status_code=204)


async def list_libraries(request: Request, viewer: Viewer) -> Response:
    parlour: Parlour = request.app.state.parlour
    libraries = await run_in_threadpool(parlour.libraries.list_all, viewer)
    return JSONResponse([library.as_json() for library in libraries])


def create_app(parlour: Parlour, *, watch: bool = True) -> Starlette:
    """Build the ASGI app; with ``watch`` the library folders are scanned and followed."""

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if watch:
            parlour.watcher.start(initial_scan=True)
        try:
            yield
        finally:
            # Everything stops here: uvicorn re-raises SIGTERM/SIGINT once the app is
            # down, so code after the server's run() may never execute.
            parlour.close()

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/api/v1/auth/login", login, methods=["POST"]),
        Route("/api/v1/auth/logout", signed_in(logout), methods=["POST"]),
        Route("/api/v1/me", signed_in(me), methods=["GET"]),
        Route("/api/v1/me/tokens", signed_in(my_tokens), methods=["GET"]),
        Route("/api/v1/me/tokens/{token_id}", signed_in(revoke_token), methods=["DELETE"]),
        Route("/api/v1/libraries", signed_in(list_libraries), methods=["GET"]),
        *browse.ROUTES,
        *admin.ROUTES,
    ]
    app = Starlette(routes=routes, exception_handlers=problem_handlers(), lifespan=lifespan)
    app.state.parlour = parlour
    return app
