"""Admin routes for the DLNA server: its configuration (turn on with interfaces, allowed
subnets and shared libraries; turn off; record plays or not), the devices that asked it
for something (approve, or forget) and the plays recorded against them (list, erase).
The rules live in ``services.dlna`` and ``services.dlna_plays``."""

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlour.domain.accounts import Viewer
from parlour.domain.errors import InvalidInputError
from parlour.frontends.web.auth import signed_in
from parlour.frontends.web.json import JSONResponse, json_body
from parlour.frontends.web.params import query_int
from parlour.services.application import Parlour
from parlour.services.dlna import DlnaService
from parlour.services.dlna_addresses import machine_addresses
from parlour.services.dlna_plays import DEFAULT_LIMIT


def _service(request: Request) -> DlnaService:
    parlour: Parlour = request.app.state.parlour
    return parlour.dlna


def _texts(data: dict[str, Any], name: str) -> list[str] | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInputError(f"'{name}' must be a list of strings")
    return value


def _optional(data: dict[str, Any], name: str, kind: type) -> Any:
    """``name``'s value if given, of exactly ``kind`` (a JSON true is not a number)."""
    value = data.get(name)
    if kind is int and type(value) is float and value.is_integer():
        value = int(value)  # 8421.0 is a JSON integer too
    if value is not None and type(value) is not kind:
        raise InvalidInputError(f"'{name}' must be a {kind.__name__}")
    return value


async def get_dlna(request: Request, viewer: Viewer) -> Response:
    return JSONResponse(await run_in_threadpool(_service(request).config, viewer))


async def put_dlna(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)
    enabled = data.get("enabled")
    if not isinstance(enabled, bool):
        raise InvalidInputError("'enabled' must be true or false")
    service = _service(request)
    # Whether plays are recorded can be set on or off alike (turning it off must work).
    record_plays = _optional(data, "record_plays", bool)
    retention_days = _optional(data, "play_retention_days", int)
    if not enabled:

        def disable() -> dict[str, Any]:
            return service.disable(
                viewer, record_plays=record_plays, play_retention_days=retention_days
            )

        return JSONResponse(await run_in_threadpool(disable))

    def enable() -> dict[str, Any]:
        return service.enable(
            viewer,
            libraries=_texts(data, "libraries"),
            interfaces=_texts(data, "interfaces"),
            allow=_texts(data, "allow"),
            name=_optional(data, "name", str),
            port=_optional(data, "port", int),
            approval_required=_optional(data, "approval_required", bool),
            record_plays=record_plays,
            play_retention_days=retention_days,
        )

    return JSONResponse(await run_in_threadpool(enable))


async def list_devices(request: Request, viewer: Viewer) -> Response:
    found = await run_in_threadpool(_service(request).devices, viewer)
    return JSONResponse([device.as_json() for device in found])


async def approve_device(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)
    approved = data.get("approved")
    if not isinstance(approved, bool):
        raise InvalidInputError("'approved' must be true or false")
    device_id = str(request.path_params["device_id"])
    await run_in_threadpool(_service(request).approve, viewer, device_id, approved)
    return Response(status_code=204)


async def forget_device(request: Request, viewer: Viewer) -> Response:
    device_id = str(request.path_params["device_id"])
    await run_in_threadpool(_service(request).forget, viewer, device_id)
    return Response(status_code=204)


async def list_addresses(request: Request, viewer: Viewer) -> Response:
    """This machine's addresses the admin may choose as interfaces (admin only)."""
    found = await run_in_threadpool(machine_addresses, viewer)
    return JSONResponse([address.as_json() for address in found])


async def list_plays(request: Request, viewer: Viewer) -> Response:
    limit = query_int(request, "limit", DEFAULT_LIMIT)
    assert limit is not None
    found = await run_in_threadpool(_service(request).plays.listed, viewer, limit)
    return JSONResponse([play.as_json() for play in found])


async def erase_plays(request: Request, viewer: Viewer) -> Response:
    await run_in_threadpool(_service(request).plays.erase, viewer)
    return Response(status_code=204)


ROUTES = [
    Route("/api/v1/admin/dlna", signed_in(get_dlna), methods=["GET"]),
    Route("/api/v1/admin/dlna", signed_in(put_dlna), methods=["PUT"]),
    Route("/api/v1/admin/dlna/addresses", signed_in(list_addresses), methods=["GET"]),
    Route("/api/v1/admin/dlna/devices", signed_in(list_devices), methods=["GET"]),
    Route("/api/v1/admin/dlna/devices/{device_id}", signed_in(approve_device), methods=["PUT"]),
    Route("/api/v1/admin/dlna/devices/{device_id}", signed_in(forget_device), methods=["DELETE"]),
    Route("/api/v1/admin/dlna/plays", signed_in(list_plays), methods=["GET"]),
    Route("/api/v1/admin/dlna/plays", signed_in(erase_plays), methods=["DELETE"]),
]
