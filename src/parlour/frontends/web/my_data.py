"""The caller's own data: inventory, export, erase, pause history. The user is always the
signed-in viewer; no route here takes a user id.

The one route without a sign-in is an export download link (P-10): the secret in its path
is the credential, it works once and for 24 hours (``services.my_data``), and it answers
404 whether the link was used, expired, revoked or never made.
"""

from typing import Any

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlour.domain.accounts import Viewer
from parlour.domain.errors import InvalidInputError
from parlour.frontends.web.auth import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    request_token,
    signed_in,
    source_address,
)
from parlour.frontends.web.errors import problem
from parlour.frontends.web.json import JSONResponse, json_body, text_field
from parlour.services.application import Parlour
from parlour.services.my_data import MyDataService

RETENTION_EVERY_S = 3600.0  # how often a running server applies history retention limits
EXPORT_LINKS = "/api/v1/export"  # where download links live: EXPORT_LINKS/{secret}
_JSON_FILE = 'attachment; filename="parlour-my-data.json"'
_CSV_FILE = 'attachment; filename="parlour-history.csv"'
_CSV = "text/csv; charset=utf-8"


def _app(request: Request) -> Parlour:
    parlour: Parlour = request.app.state.parlour
    return parlour


def _my_data(request: Request) -> MyDataService:
    return _app(request).my_data


async def inventory(request: Request, viewer: Viewer) -> Response:
    return JSONResponse(await run_in_threadpool(_my_data(request).inventory, viewer))


async def processing_record(request: Request, viewer: Viewer) -> Response:
    return JSONResponse(await run_in_threadpool(_my_data(request).processing_record, viewer))


async def export(request: Request, viewer: Viewer) -> Response:
    document = await run_in_threadpool(_my_data(request).export, viewer)
    return JSONResponse(document, headers={"Content-Disposition": _JSON_FILE})


async def history_csv(request: Request, viewer: Viewer) -> Response:
    text = await run_in_threadpool(_my_data(request).history_csv, viewer)
    return Response(text, media_type=_CSV, headers={"Content-Disposition": _CSV_FILE})


async def create_export_link(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)  # no body: {}, a JSON link
    service = _my_data(request).create_export_link
    link = await run_in_threadpool(service, viewer, data.get("format", "json"))
    body = {
        "url": f"{EXPORT_LINKS}/{link.secret}",
        "expires_at": link.expires_at,
        "format": link.format,
    }
    return JSONResponse(body, status_code=201, headers={"Cache-Control": "no-store"})


async def download_export(request: Request) -> Response:
    """No sign-in: the secret in the path is the credential, and the link is used up."""
    if request.method != "GET":  # a HEAD must not use the link up for nothing
        response = problem(405, "only GET uses an export link (once)")
        response.headers["Allow"] = "GET"
        return response
    secret = str(request.path_params["secret"])
    fmt, content = await run_in_threadpool(_my_data(request).use_export_link, secret)
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    if isinstance(content, str):
        return Response(
            content, media_type=_CSV, headers=headers | {"Content-Disposition": _CSV_FILE}
        )
    assert fmt == "json"
    return JSONResponse(content, headers=headers | {"Content-Disposition": _JSON_FILE})


async def _current_token_id(request: Request) -> str:
    token, _ = request_token(request)
    assert token is not None  # signed_in checked it
    return await run_in_threadpool(_app(request).accounts.token_id, token)


async def erase_history(request: Request, viewer: Viewer) -> Response:
    return JSONResponse(await run_in_threadpool(_my_data(request).erase, viewer, "history"))


async def erase_category(request: Request, viewer: Viewer) -> Response:
    keep = await _current_token_id(request)  # erasing devices keeps this sign-in
    service = _my_data(request).erase
    category = request.path_params["category"]
    return JSONResponse(await run_in_threadpool(service, viewer, category, keep_token_id=keep))


async def delete_me(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)
    password = text_field(data, "password")
    source = source_address(request, _app(request).settings.trusted_proxy_set)
    await run_in_threadpool(_my_data(request).delete_account, viewer, password, source)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response


async def get_privacy(request: Request, viewer: Viewer) -> Response:
    return JSONResponse(await run_in_threadpool(_my_data(request).privacy, viewer))


def _flag(data: dict[str, Any], name: str) -> bool:
    value = data.get(name)
    if not isinstance(value, bool):
        raise InvalidInputError(f"{name!r} must be true or false")
    return value


async def put_privacy(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)
    pause = _flag(data, "pause_history")
    if "history_retention_days" not in data:
        raise InvalidInputError("'history_retention_days' must be given (null: keep it all)")
    days = data["history_retention_days"]
    share = _flag(data, "share_now_playing") if "share_now_playing" in data else None
    service = _my_data(request).set_privacy
    return JSONResponse(await run_in_threadpool(service, viewer, pause, days, share))


async def keep_retention(service: MyDataService) -> None:
    """Apply history retention limits once an hour for as long as the server runs (a
    server's lifespan can start it; ``parlour privacy retention`` does the same once)."""
    while True:
        await run_in_threadpool(service.apply_retention)
        await anyio.sleep(RETENTION_EVERY_S)


ROUTES = [
    Route("/api/v1/me/data", signed_in(inventory), methods=["GET"]),
    Route("/api/v1/me/data/{category}", signed_in(erase_category), methods=["DELETE"]),
    Route("/api/v1/me/export", signed_in(export), methods=["GET"]),
    Route("/api/v1/me/export/history.csv", signed_in(history_csv), methods=["GET"]),
    Route("/api/v1/me/export/links", signed_in(create_export_link), methods=["POST"]),
    # Public (PUBLIC_ROUTES): the link's secret is its only credential.
    Route(EXPORT_LINKS + "/{secret}", download_export, methods=["GET"]),
    Route("/api/v1/me/history", signed_in(erase_history), methods=["DELETE"]),
    Route("/api/v1/me/privacy", signed_in(get_privacy), methods=["GET"]),
    Route("/api/v1/me/privacy", signed_in(put_privacy), methods=["PUT"]),
    Route("/api/v1/me", signed_in(delete_me), methods=["DELETE"]),
    Route("/api/v1/admin/privacy/record", signed_in(processing_record), methods=["GET"]),
]
