"""Admin routes: the outbound features, their state and refused attempts."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlour.domain.accounts import Viewer
from parlour.frontends.web.auth import signed_in
from parlour.frontends.web.json import JSONResponse
from parlour.privacy.egress import report
from parlour.services.application import Parlour


async def outbound_report(request: Request, viewer: Viewer) -> Response:
    viewer.require_admin()
    parlour: Parlour = request.app.state.parlour
    # The server's own gate: its counters are the live ones (the CLI sees only its own).
    return JSONResponse(report(parlour.egress))


ROUTES: list[Route] = [
    Route("/api/v1/admin/privacy/outbound", signed_in(outbound_report), methods=["GET"]),
]
