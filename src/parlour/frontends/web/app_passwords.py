"""The caller's app passwords for music apps (Subsonic): list, make (the secret is in
that one answer and never again), revoke. The user is always the signed-in viewer."""

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlour.domain.accounts import Viewer
from parlour.frontends.web.auth import signed_in
from parlour.frontends.web.json import JSONResponse, json_body
from parlour.services.app_passwords import AppPasswordService
from parlour.services.application import Parlour

_NO_STORE = {"Cache-Control": "no-store"}


def _service(request: Request) -> AppPasswordService:
    parlour: Parlour = request.app.state.parlour
    return parlour.app_passwords


async def list_app_passwords(request: Request, viewer: Viewer) -> Response:
    found = await run_in_threadpool(_service(request).list, viewer)
    return JSONResponse([info.as_json() for info in found])


async def create_app_password(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)
    made = await run_in_threadpool(_service(request).create, viewer, data.get("label"))
    body = made.info.as_json() | {"password": made.secret, "username": made.user_name}
    return JSONResponse(body, status_code=201, headers=_NO_STORE)


async def revoke_app_password(request: Request, viewer: Viewer) -> Response:
    app_password_id = str(request.path_params["app_password_id"])
    await run_in_threadpool(_service(request).revoke, viewer, app_password_id)
    return Response(status_code=204)


ROUTES = [
    Route("/api/v1/me/app-passwords", signed_in(list_app_passwords), methods=["GET"]),
    Route("/api/v1/me/app-passwords", signed_in(create_app_password), methods=["POST"]),
    Route(
        "/api/v1/me/app-passwords/{app_password_id}",
        signed_in(revoke_app_password),
        methods=["DELETE"],
    ),
]
