"""Usage reports: the admin's view (where they go, the exact bytes, the outbox), "send
now", and a person's own entry. Sending itself runs in the server's upkeep."""

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlour.domain.accounts import Viewer
from parlour.frontends.web.auth import signed_in
from parlour.frontends.web.json import JSONResponse
from parlour.services.application import Parlour
from parlour.services.usage_reports import UsageReports

TICK_EVERY_S = 600.0  # a report is made once a day; retries wait an hour or more


def _reports(request: Request) -> UsageReports:
    parlour: Parlour = request.app.state.parlour
    return parlour.usage_reports


async def admin_state(request: Request, viewer: Viewer) -> Response:
    return JSONResponse(await run_in_threadpool(_reports(request).state, viewer))


async def send_now(request: Request, viewer: Viewer) -> Response:
    return JSONResponse(await run_in_threadpool(_reports(request).send_now, viewer))


async def mine(request: Request, viewer: Viewer) -> Response:
    return JSONResponse(await run_in_threadpool(_reports(request).mine, viewer))


async def keep_sending(reports: UsageReports) -> None:
    """Make the day's report and send what is due, every few minutes while the server
    runs (nothing happens unless the feature is on and a consent counts)."""
    while True:
        await run_in_threadpool(reports.tick)
        await anyio.sleep(TICK_EVERY_S)


ROUTES = [
    Route("/api/v1/admin/usage-reports", signed_in(admin_state), methods=["GET"]),
    Route("/api/v1/admin/usage-reports/send", signed_in(send_now), methods=["POST"]),
    Route("/api/v1/me/usage-report", signed_in(mine), methods=["GET"]),
]
