"""The Starlette application: routes map one to one onto services and answer in JSON.

Every route needs a signed-in viewer unless it is in ``PUBLIC_ROUTES`` (kept equal to
``tests/public_routes.txt``); a test calls every registered route anonymously, and every
admin route as a plain user, to hold that true. Every request first passes the Host
allow-list (``hosts.py``).
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlour.domain.accounts import Viewer
from parlour.frontends import subsonic
from parlour.frontends.subsonic.auth import keep_salts
from parlour.frontends.web import (
    activity,
    admin,
    admin_dlna,
    app_passwords,
    browse,
    consent,
    images,
    my_data,
    outbound,
    playback,
    setup,
    stream,
    ui,
    usage_reports,
)
from parlour.frontends.web.auth import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    request_token,
    sign_in_options,
    signed_in,
    signed_in_response,
    source_address,
    user_json,
)
from parlour.frontends.web.connections import open_peers
from parlour.frontends.web.errors import problem_handlers
from parlour.frontends.web.hosts import HostAllowList, HostGuard
from parlour.frontends.web.json import JSONResponse, json_body, text_field
from parlour.frontends.web.openapi import openapi_json
from parlour.frontends.web.scan_events import LiveStreams
from parlour.media.ffmpeg import log_ffmpeg
from parlour.media.hls_sessions import HlsSessions
from parlour.services.application import Parlour

PUBLIC_ROUTES = frozenset(
    {"/healthz", "/api/v1/auth/login", "/api/v1/setup", "/api/v1/openapi.json"}
) | {
    "/api/v1/export/{secret}",  # an export download link: the secret is the credential
    "/",  # the web UI's page and files: they hold no data; every datum comes from the API
    "/static/{path:path}",
    # Subsonic checks its own credentials (an app password or API key in the request, as
    # music apps send them) and answers a failure in its own format, not a 401.
    "/rest/{method}",
}


async def healthz(_request: Request) -> Response:
    # No details: this route is public.
    return JSONResponse({"status": "ok"})


async def login(request: Request) -> Response:
    parlour: Parlour = request.app.state.parlour
    data = await json_body(request)
    username, password = text_field(data, "username"), text_field(data, "password")
    options = sign_in_options(data)
    source = source_address(request, parlour.settings.trusted_proxy_set)
    token, viewer = await run_in_threadpool(
        parlour.accounts.login, username, password, source, device=options.device
    )
    return signed_in_response(request, token, viewer, options)


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
    body = user_json(viewer) | {"libraries": sorted(viewer.library_ids)}
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


_UPKEEP_S = 1.0


async def _keep_sessions(sessions: HlsSessions) -> None:
    """End what players left, pause what runs too far ahead: once a second, for as long
    as the server runs (cancelled at shutdown)."""
    while True:
        await anyio.sleep(_UPKEEP_S)
        await sessions.tick(open_peers)


def create_app(parlour: Parlour, *, watch: bool = True, dlna: bool = False) -> Starlette:
    """Build the ASGI app; with ``watch`` the library folders are scanned and followed,
    with ``dlna`` the DLNA server runs beside it whenever the admin has it on."""

    streams = LiveStreams()

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if watch:
            parlour.watcher.start(initial_scan=True)
        sessions = parlour.media_links.sessions
        sessions.start()
        try:
            async with anyio.create_task_group() as upkeep:
                upkeep.start_soon(_keep_sessions, sessions)
                upkeep.start_soon(my_data.keep_retention, parlour.my_data)
                upkeep.start_soon(keep_salts, parlour)
                upkeep.start_soon(usage_reports.keep_sending, parlour.usage_reports)
                if dlna:
                    from parlour.frontends.dlna.runtime import DlnaRuntime  # noqa: PLC0415

                    upkeep.start_soon(DlnaRuntime(parlour).run)
                # FF-04: which ffmpeg runs, in the log at every start (off the event loop).
                upkeep.start_soon(
                    anyio.to_thread.run_sync, log_ffmpeg, parlour.settings.ffmpeg_path
                )
                try:
                    yield
                finally:
                    upkeep.cancel_scope.cancel()
        finally:
            streams.closing.set()
            with anyio.CancelScope(shield=True):
                await sessions.close()  # every ffmpeg killed and reaped, segments gone
            # Everything stops here: uvicorn re-raises SIGTERM/SIGINT once the app is
            # down, so code after the server's run() may never execute.
            parlour.close()

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/api/v1/auth/login", login, methods=["POST"]),
        # The API's description is no secret: tools read it before anyone signs in.
        Route("/api/v1/openapi.json", openapi_json, methods=["GET"]),
        *setup.ROUTES,
        Route("/api/v1/auth/logout", signed_in(logout), methods=["POST"]),
        Route("/api/v1/me", signed_in(me), methods=["GET"]),
        Route("/api/v1/me/tokens", signed_in(my_tokens), methods=["GET"]),
        Route("/api/v1/me/tokens/{token_id}", signed_in(revoke_token), methods=["DELETE"]),
        Route("/api/v1/libraries", signed_in(list_libraries), methods=["GET"]),
        *browse.ROUTES,
        *activity.ROUTES,
        *stream.ROUTES,
        *playback.ROUTES,
        *images.ROUTES,
        *admin.ROUTES,
        *admin_dlna.ROUTES,
        *outbound.ROUTES,
        *my_data.ROUTES,
        *app_passwords.ROUTES,
        *consent.ROUTES,
        *usage_reports.ROUTES,
        *ui.ROUTES,
        *subsonic.ROUTES,
    ]
    hosts = HostAllowList(parlour.settings.allowed_hosts)
    app = Starlette(
        routes=routes,
        middleware=[Middleware(ui.SecurityHeaders), Middleware(HostGuard, allowed=hosts)],
        exception_handlers=problem_handlers(),
        lifespan=lifespan,
    )
    app.state.parlour = parlour
    app.state.streams = streams
    return app
