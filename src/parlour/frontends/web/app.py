"""The Starlette application: routes map one to one onto services and answer in JSON."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlour import __version__
from parlour.frontends.web.errors import problem_handlers
from parlour.services.application import Parlour


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


async def healthz(_request: Request) -> Response:
    # No details: this route is public.
    return JSONResponse({"status": "ok"})


async def list_libraries(request: Request) -> Response:
    parlour: Parlour = request.app.state.parlour
    libraries = await run_in_threadpool(parlour.libraries.list_all)
    return JSONResponse([library.as_json() for library in libraries])


def create_app(parlour: Parlour, *, watch: bool = True) -> Starlette:
    """Build the ASGI app; with ``watch`` the library folders are scanned and followed."""

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if watch:
            parlour.watcher.start(initial_scan=True)
        try:
            yield
        finally:
            # Everything stops here: uvicorn re-raises SIGTERM/SIGINT once the app is
            # down, so code after the server's run() may never execute.
            parlour.close()

    app = Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/api/v1/libraries", list_libraries, methods=["GET"]),
        ],
        exception_handlers=problem_handlers(),
        lifespan=lifespan,
    )
    app.state.parlour = parlour
    app.state.version = __version__
    return app


__all__ = ["HTTPException", "create_app"]
