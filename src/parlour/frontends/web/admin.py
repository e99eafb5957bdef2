"""Admin routes: users and their grants, every user's sign-ins, libraries and the files
they could not read, scans (and their live stream), server facts.

The admin check itself lives in the services (``Viewer.require_admin``); these routes
only parse and render.
"""

import platform
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlour import __version__
from parlour.domain.accounts import UserInfo, Viewer
from parlour.domain.errors import InvalidInputError
from parlour.frontends.web.auth import request_token, signed_in
from parlour.frontends.web.json import JSONResponse, json_body, text_field
from parlour.frontends.web.scan_events import scan_events
from parlour.media.ffmpeg import FFMPEG_MINIMUM, ffmpeg_outdated, ffmpeg_version
from parlour.services.application import Parlour
from parlour.storage.account_store import SignIn


def _user(user: UserInfo) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "role": user.role.value,
        "disabled": user.disabled,
        "libraries": list(user.library_ids),
        "max_content_rating": user.max_content_rating,
        "created_at": user.created_at,
    }


def _app(request: Request) -> Parlour:
    parlour: Parlour = request.app.state.parlour
    return parlour


async def list_users(request: Request, viewer: Viewer) -> Response:
    users = await run_in_threadpool(_app(request).accounts.list_users, viewer)
    return JSONResponse([_user(user) for user in users])


async def create_user(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)
    name, password = text_field(data, "name"), text_field(data, "password")
    admin = data.get("admin") is True
    user = await run_in_threadpool(
        _app(request).accounts.add_user, viewer, name, password, admin=admin
    )
    return JSONResponse(_user(user), status_code=201)


async def set_grants(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)
    libraries = data.get("libraries")
    if not isinstance(libraries, list) or not all(isinstance(lib, str) for lib in libraries):
        raise InvalidInputError("'libraries' must be a list of library ids")
    rating = data.get("max_content_rating")
    if rating is not None and not isinstance(rating, str):
        raise InvalidInputError("'max_content_rating' must be a string or null")
    user = await run_in_threadpool(
        _app(request).accounts.grant, viewer, request.path_params["user_id"], libraries, rating
    )
    return JSONResponse(_user(user))


async def set_password(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)
    await run_in_threadpool(
        _app(request).accounts.change_password,
        viewer,
        request.path_params["user_id"],
        text_field(data, "password"),
    )
    return Response(status_code=204)


def _disabling(disabled: bool) -> Any:
    async def endpoint(request: Request, viewer: Viewer) -> Response:
        service = _app(request).accounts.set_disabled
        await run_in_threadpool(service, viewer, request.path_params["user_id"], disabled)
        return Response(status_code=204)

    endpoint.__name__ = "disable_user" if disabled else "enable_user"
    return signed_in(endpoint)


def _sign_in(sign_in: SignIn) -> dict[str, Any]:
    return {
        "id": sign_in.id,
        "user": {"id": sign_in.user_id, "name": sign_in.user_name},
        "kind": sign_in.kind,
        "label": sign_in.label,
        "created_at": sign_in.created_at,
        "last_used_at": sign_in.last_used_at,
        "expires_at": sign_in.expires_at,
        "current": sign_in.current,
    }


async def list_sign_ins(request: Request, viewer: Viewer) -> Response:
    token, _ = request_token(request)
    assert token is not None  # signed_in checked it
    found = await run_in_threadpool(_app(request).accounts.sign_ins, viewer, token)
    return JSONResponse([_sign_in(sign_in) for sign_in in found])


async def sign_out(request: Request, viewer: Viewer) -> Response:
    session_id = request.path_params["session_id"]
    await run_in_threadpool(_app(request).accounts.sign_out, viewer, session_id)
    return Response(status_code=204)


async def add_library(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)
    name = data.get("name")
    if name is not None and not isinstance(name, str):
        raise InvalidInputError("'name' must be a string")
    info = await run_in_threadpool(
        _app(request).libraries.add,
        viewer,
        text_field(data, "kind"),
        text_field(data, "path"),
        name,
    )
    return JSONResponse(info.as_json(), status_code=201)


async def remove_library(request: Request, viewer: Viewer) -> Response:
    library = request.path_params["library_id"]
    await run_in_threadpool(_app(request).libraries.remove, viewer, library)
    return Response(status_code=204)


async def library_failures(request: Request, viewer: Viewer) -> Response:
    library = request.path_params["library_id"]
    failures = await run_in_threadpool(_app(request).libraries.failures, viewer, library)
    return JSONResponse([{"path": f.path, "reason": f.reason} for f in failures])


async def photo_locations(request: Request, viewer: Viewer) -> Response:
    library = request.path_params["library_id"]
    service = _app(request).libraries
    if request.method == "GET":
        return JSONResponse(await run_in_threadpool(service.photo_locations, viewer, library))
    viewer.require_admin()  # before reading the body: a plain user learns nothing
    shown = (await json_body(request)).get("show_locations")
    if not isinstance(shown, bool):
        raise InvalidInputError("'show_locations' must be true or false")
    answer = await run_in_threadpool(service.set_photo_locations, viewer, library, shown)
    return JSONResponse(answer)


async def start_scan(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)
    library = request.path_params.get("library_id")
    await run_in_threadpool(
        _app(request).scan_jobs.start, viewer, library, full=data.get("full") is True
    )
    return JSONResponse(
        await run_in_threadpool(_app(request).scan_jobs.status, viewer), status_code=202
    )


async def scan_status(request: Request, viewer: Viewer) -> Response:
    return JSONResponse(await run_in_threadpool(_app(request).scan_jobs.status, viewer))


async def server_info(request: Request, viewer: Viewer) -> Response:
    viewer.require_admin()
    parlour = _app(request)
    slots = parlour.media_links.slots
    ffmpeg = await run_in_threadpool(ffmpeg_version, parlour.settings.ffmpeg_path)
    return JSONResponse(
        {
            "version": __version__,
            "python": platform.python_version(),
            "platform": platform.platform(terse=True),
            "offline": parlour.settings.offline,
            "scan_workers": parlour.pool.workers,
            "event_streams": request.app.state.streams.open,
            "ffmpeg_version": ffmpeg,
            "ffmpeg_minimum": FFMPEG_MINIMUM,
            "ffmpeg_outdated": ffmpeg_outdated(ffmpeg),
            "transcodes": {"running": slots.busy, "slots": slots.count},
            "hls_jobs": parlour.media_links.sessions.running_jobs(),
        }
    )


ROUTES = [
    Route("/api/v1/admin/users", signed_in(list_users), methods=["GET"]),
    Route("/api/v1/admin/users", signed_in(create_user), methods=["POST"]),
    Route("/api/v1/admin/users/{user_id}/grants", signed_in(set_grants), methods=["PUT"]),
    Route("/api/v1/admin/users/{user_id}/password", signed_in(set_password), methods=["PUT"]),
    Route("/api/v1/admin/users/{user_id}/disable", _disabling(True), methods=["POST"]),
    Route("/api/v1/admin/users/{user_id}/enable", _disabling(False), methods=["POST"]),
    Route("/api/v1/admin/sessions", signed_in(list_sign_ins), methods=["GET"]),
    Route("/api/v1/admin/sessions/{session_id}", signed_in(sign_out), methods=["DELETE"]),
    Route("/api/v1/admin/libraries", signed_in(add_library), methods=["POST"]),
    Route("/api/v1/admin/libraries/{library_id}", signed_in(remove_library), methods=["DELETE"]),
    Route(
        "/api/v1/admin/libraries/{library_id}/failures",
        signed_in(library_failures),
        methods=["GET"],
    ),
    Route(
        "/api/v1/admin/libraries/{library_id}/photo-locations",
        signed_in(photo_locations),
        methods=["GET", "PUT"],
    ),
    Route("/api/v1/admin/scan", signed_in(start_scan), methods=["POST"]),
    Route("/api/v1/admin/libraries/{library_id}/scan", signed_in(start_scan), methods=["POST"]),
    Route("/api/v1/admin/scan", signed_in(scan_status), methods=["GET"]),
    Route("/api/v1/admin/scan/events", signed_in(scan_events), methods=["GET"]),
    Route("/api/v1/admin/server", signed_in(server_info), methods=["GET"]),
]
