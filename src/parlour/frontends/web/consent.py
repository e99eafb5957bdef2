"""Consent to usage reports: the caller's own scopes, and the instance's (admins only).
No route takes a user id: a person answers only for themself (P-08)."""

from functools import partial

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlour.domain.accounts import Viewer
from parlour.frontends.web.auth import signed_in
from parlour.frontends.web.json import JSONResponse, json_body
from parlour.services.application import Parlour
from parlour.services.consent import ConsentService


def _consent(request: Request) -> ConsentService:
    parlour: Parlour = request.app.state.parlour
    return parlour.consent


async def my_consents(request: Request, viewer: Viewer) -> Response:
    return JSONResponse(await run_in_threadpool(_consent(request).mine, viewer))


async def decide_mine(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)
    service = _consent(request).decide_mine
    answer = await run_in_threadpool(service, viewer, data.get("scope"), data.get("given"))
    return JSONResponse(answer)


async def instance_consents(request: Request, viewer: Viewer) -> Response:
    return JSONResponse(await run_in_threadpool(_consent(request).instance, viewer))


async def decide_instance(request: Request, viewer: Viewer) -> Response:
    viewer.require_admin()  # before reading the body: a plain user learns nothing
    data = await json_body(request)
    answer = await run_in_threadpool(
        partial(
            _consent(request).decide_instance,
            viewer,
            data.get("scope"),
            data.get("given"),
            request_deletion=data.get("request_deletion", False),
        )
    )
    return JSONResponse(answer)


ROUTES = [
    Route("/api/v1/me/consents", signed_in(my_consents), methods=["GET"]),
    Route("/api/v1/me/consents", signed_in(decide_mine), methods=["POST"]),
    Route("/api/v1/admin/consents", signed_in(instance_consents), methods=["GET"]),
    Route("/api/v1/admin/consents", signed_in(decide_instance), methods=["POST"]),
]
