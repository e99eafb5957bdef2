"""First-run setup over HTTP (AU-10): public routes, open only until the first admin exists.

``GET /api/v1/setup`` tells a setup page whether to show itself; ``POST`` claims the
server with the code printed on its console and signs the new admin in as a login would.
"""

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlour.frontends.web.auth import sign_in_options, signed_in_response, source_address
from parlour.frontends.web.json import JSONResponse, json_body, text_field
from parlour.services.application import Parlour


def _app(request: Request) -> Parlour:
    parlour: Parlour = request.app.state.parlour
    return parlour


async def setup_status(request: Request) -> Response:
    needed = await run_in_threadpool(_app(request).setup.needed)
    return JSONResponse({"needed": needed})


async def claim(request: Request) -> Response:
    parlour = _app(request)
    # Once there is an admin this route is gone (404), whatever the body says.
    await run_in_threadpool(parlour.setup.require_open)
    data = await json_body(request)
    code, name = text_field(data, "code"), text_field(data, "username")
    password = text_field(data, "password")
    options = sign_in_options(data)
    source = source_address(request, parlour.settings.trusted_proxy_set)
    token, viewer = await run_in_threadpool(
        parlour.setup.claim, code, name, password, source, device=options.device
    )
    return signed_in_response(request, token, viewer, options)


ROUTES = [
    Route("/api/v1/setup", setup_status, methods=["GET"]),
    Route("/api/v1/setup", claim, methods=["POST"]),
]
