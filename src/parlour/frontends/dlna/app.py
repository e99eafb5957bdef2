"""The DLNA HTTP side as its own Starlette app (never mounted on the web server): device
description, icons, SCPDs, SOAP control, media, and whatever ``extra_routes`` the
runtime adds (eventing), all behind one guard.

The guard, on every request before any route: DLNA must be on (else 403); the Host
header must be one of the configured interface addresses or a configured name (DL-05,
DNS rebinding: else 400); the device's address must be in the allow-list (else 403,
with no details). A device that waits for the admin's approval gets through with
``dlna_approved`` false: it may read the description, and sees an empty root (DL-07).
"""

from collections.abc import Sequence

import anyio.to_thread
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from parlour.domain.errors import (
    BusyError,
    InvalidInputError,
    NotFoundError,
    ParlourError,
    PermissionDeniedError,
)
from parlour.frontends.dlna import connection_manager, content_directory, description, media
from parlour.frontends.dlna.didl import Links
from parlour.frontends.dlna.soap import (
    BodyTooLargeError,
    UpnpError,
    answer,
    fault,
    parse_action,
    read_body,
)
from parlour.frontends.dlna.ssdp_sockets import url_host
from parlour.frontends.web.hosts import host_name
from parlour.secrets import load_secrets
from parlour.services.application import Parlour
from parlour.services.dlna_browse import DlnaBrowse
from parlour.services.dlna_media import DlnaMedia

DESCRIPTION_PATH = description.DESCRIPTION_PATH
_XML = {"content-type": 'text/xml; charset="utf-8"'}
_STATUS = {NotFoundError: 404, InvalidInputError: 400, PermissionDeniedError: 403, BusyError: 503}


def _plain(status: int) -> Response:
    return Response(status_code=status)


class DlnaGuard:
    """A pure ASGI middleware: the checks every DLNA request passes first."""

    def __init__(self, app: ASGIApp, parlour: Parlour) -> None:
        self.app, self.parlour = app, parlour

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refused = await self._refusal(scope)
        if refused is not None:
            await _plain(refused)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _refusal(self, scope: Scope) -> int | None:
        # What the service remembers is asked here, on the event loop; only what must be
        # read from the catalogue goes to a worker thread (a TV's byte ranges never do).
        dlna = self.parlour.dlna
        config = dlna.current_in_memory()
        if config is None:
            config = await anyio.to_thread.run_sync(dlna.current)
        if not config.enabled:
            return 403
        headers = dict(scope["headers"])
        name = host_name(headers.get(b"host", b"").decode("latin-1"))
        allowed = {url_host(a) for a in config.interfaces}  # a device names no zone
        allowed |= {host.lower() for host in self.parlour.settings.allowed_hosts}
        if name is None or name not in allowed:
            return 400
        client = scope.get("client")
        address = client[0] if client else ""
        if not config.admits(address):
            return 403
        agent = headers.get(b"user-agent", b"").decode("latin-1")
        approved = dlna.admits_in_memory(address, agent)
        if approved is None:
            approved = await anyio.to_thread.run_sync(dlna.admits, address, agent)
        scope.setdefault("state", {})["dlna_approved"] = approved
        return None


async def _description(request: Request) -> Response:
    parlour: Parlour = request.app.state.parlour
    config = await run_in_threadpool(parlour.dlna.current)
    return Response(description.device_description(config), headers=_XML)


async def _icon(request: Request) -> Response:
    size = request.path_params["size"]
    if size not in description.ICON_SIZES:
        raise NotFoundError("no such icon")
    picture = await run_in_threadpool(description.icon, size)
    return Response(picture, media_type="image/png")


async def _scpd(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in description.SERVICE_TYPES:
        raise NotFoundError("no such service")
    return Response(description.scpd(name), headers=_XML)


async def _control(request: Request) -> Response:
    name = request.path_params["name"]
    service_type = description.SERVICE_TYPES.get(name)
    if service_type is None:
        raise NotFoundError("no such service")
    try:
        body = await read_body(request)
    except BodyTooLargeError:
        return _plain(413)
    try:
        action, args = parse_action(body, service_type, request.headers.get("soapaction", ""))
        if name == "ContentDirectory":
            links = Links(f"http://{request.headers['host']}", request.app.state.media)
            approved = bool(request.scope.get("state", {}).get("dlna_approved", False))
            values = await run_in_threadpool(
                content_directory.act, request.app.state.browse, action, args, links, approved
            )
        elif name == "ConnectionManager":
            values = connection_manager.connection_manager(action, args)
        else:
            values = connection_manager.media_receiver_registrar(action, args)
    except UpnpError as error:
        return fault(error)
    return answer(service_type, action, values)


async def _domain_error(request: Request, exc: Exception) -> Response:
    """Front-end errors as bare statuses: a device needs no details, and a stranger
    should get none."""
    status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 500)
    answer = _plain(status)
    if isinstance(exc, BusyError):
        answer.headers["retry-after"] = str(exc.retry_after)
    return answer


def build_dlna_app(parlour: Parlour, extra_routes: Sequence[BaseRoute] = ()) -> Starlette:
    routes: list[BaseRoute] = [
        Route(DESCRIPTION_PATH, _description, methods=["GET"]),
        Route("/dlna/icon-{size:int}.png", _icon, methods=["GET"]),
        Route("/dlna/scpd/{name}.xml", _scpd, methods=["GET"]),
        Route("/dlna/control/{name}", _control, methods=["POST"]),
        *media.ROUTES,
        *extra_routes,
    ]
    app = Starlette(routes=routes, exception_handlers={ParlourError: _domain_error})
    secret = load_secrets(parlour.settings.data_dir).token_key
    app.state.parlour = parlour
    app.state.browse = DlnaBrowse(parlour.catalogue, parlour.dlna)
    app.state.media = DlnaMedia(
        parlour.catalogue,
        parlour.dlna,
        parlour.streaming,
        parlour.images,
        parlour.streaming.slots,
        secret,
        parlour.settings.ffmpeg_path,
    )
    app.add_middleware(DlnaGuard, parlour=parlour)
    return app
