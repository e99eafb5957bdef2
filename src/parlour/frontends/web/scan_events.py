"""Scan status as a live stream: Server-Sent Events at ``GET /api/v1/admin/scan/events``.

Events, each with the scan status JSON (``GET /api/v1/admin/scan``) as data and its
``version`` as id: ``status`` at once, then ``progress`` for every change while a scan
runs (phase, library, files done/total; about two a second while probing), and
``finished`` when it ends. A comment line every ``HEARTBEAT_S`` keeps proxies from
closing an idle stream.

Built on Starlette's StreamingResponse, not sse-starlette: the framing is a few lines,
and the part that matters, ending when the server stops, needs a signal either way
(uvicorn waits for open responses before it shuts the app down, so a stream that never
ends holds a SIGTERM for ever). sse-starlette gets that signal by patching uvicorn's
signal handler process-wide, which has broken between its releases; our own runner
(``server.py``) sets ``LiveStreams.closing`` instead, with no new dependency.

Each stream polls the scan state's version every ``TICK_S`` (no thread is held per
client) and replays the states it missed in between; it ends when the server stops.
When the client goes, Starlette cancels it (ASGI spec < 2.4, uvicorn's today), or the
next heartbeat's send fails (2.4).
"""

import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from parlour.domain.accounts import Viewer
from parlour.services.application import Parlour
from parlour.services.scan_jobs import ScanJobs

HEARTBEAT_S = 15.0
TICK_S = 0.25
_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}  # nginx: do not buffer


class LiveStreams:
    """The open event streams of one app, and the signal that ends them all."""

    def __init__(self) -> None:
        self.closing = threading.Event()
        self.open = 0  # changed only on the event loop


def format_event(event: str, data: dict[str, Any], event_id: int) -> bytes:
    return b"event: %b\nid: %d\ndata: %b\n\n" % (event.encode(), event_id, orjson.dumps(data))


async def event_stream(
    jobs: ScanJobs,
    viewer: Viewer,
    streams: LiveStreams,
    *,
    heartbeat_s: float = HEARTBEAT_S,
    tick_s: float = TICK_S,
) -> AsyncIterator[bytes]:
    streams.open += 1
    try:
        status = jobs.status(viewer)
        yield b"retry: 5000\n\n" + format_event("status", status, status["version"])
        version = status["version"]
        reported_run = status["run"] - 1 if status["running"] else status["run"]
        quiet_since = time.monotonic()
        while not streams.closing.is_set():
            await anyio.sleep(tick_s)
            if jobs.version != version:
                for status in jobs.changes(viewer, version):
                    version = status["version"]
                    if status["running"]:
                        yield format_event("progress", status, version)
                    elif status["run"] > reported_run:
                        reported_run = status["run"]
                        yield format_event("finished", status, version)
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= heartbeat_s:
                yield b": keep-alive\n\n"
                quiet_since = time.monotonic()
    finally:
        streams.open -= 1


async def scan_events(request: Request, viewer: Viewer) -> Response:
    parlour: Parlour = request.app.state.parlour
    await run_in_threadpool(parlour.scan_jobs.status, viewer)  # admins only: 403 before any byte
    stream = event_stream(parlour.scan_jobs, viewer, request.app.state.streams)
    return StreamingResponse(stream, media_type="text/event-stream", headers=_HEADERS)
