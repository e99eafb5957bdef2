"""Direct play: an item's own file over HTTP, with single byte ranges, validators and
HEAD. The file is found through the catalogue for the signed-in viewer and confined to
its library root (services.streaming); no path ever comes from the client.

Starlette's FileResponse reads 64 KiB at a time; 1 MiB reads made a 1 GiB download about
four times faster here (DESIGN.md). uvicorn offers no zero-copy send, so the body is read
with ``os.pread`` in a worker thread, one chunk in flight: memory stays constant however
large the file or the range.
"""

import os

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from parlour.domain.accounts import Viewer
from parlour.domain.errors import NotFoundError
from parlour.frontends.web.auth import signed_in
from parlour.frontends.web.errors import problem
from parlour.frontends.web.params import query_int
from parlour.frontends.web.ranges import (
    ByteRange,
    UnsatisfiableRangeError,
    Validators,
    not_modified,
    requested_range,
)
from parlour.media.files import ServedFile
from parlour.services.application import Parlour
from parlour.services.streaming import Transcode

CHUNK = 1024 * 1024


async def _until_disconnect(receive: Receive) -> None:
    """Wait until the client goes away. A player that seeks or closes drops the
    connection: the answer's work (reading the disk, ffmpeg) stops at once instead of
    going on into the void."""
    while (await receive())["type"] != "http.disconnect":
        pass


class FileRangeResponse(Response):
    """``length`` bytes of ``path`` from ``offset`` (nothing at all for HEAD)."""

    def __init__(
        self,
        path: bytes,
        offset: int,
        length: int,
        *,
        status_code: int,
        headers: dict[str, str],
        send_body: bool,
    ) -> None:
        super().__init__(status_code=status_code, headers=headers)
        self.path, self.offset, self.length, self.send_body = path, offset, length, send_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        if not self.send_body or self.length == 0:
            await send({"type": "http.response.body", "body": b""})
            return
        async with anyio.create_task_group() as group:

            async def stream() -> None:
                await self._stream(send)
                group.cancel_scope.cancel()

            group.start_soon(stream)
            await _until_disconnect(receive)
            group.cancel_scope.cancel()

    async def _stream(self, send: Send) -> None:
        fd = await anyio.to_thread.run_sync(os.open, self.path, os.O_RDONLY)
        try:
            position, left = self.offset, self.length
            while left > 0:
                chunk = await anyio.to_thread.run_sync(os.pread, fd, min(CHUNK, left), position)
                if not chunk:
                    break  # the file shrank while being read: end early, never pad
                position += len(chunk)
                left -= len(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": left > 0})
            if left > 0:
                await send({"type": "http.response.body", "body": b""})
        finally:
            os.close(fd)


def file_response(request: Request, served: ServedFile) -> Response:
    """200, 206, 304 or 416 for ``served`` as the request's headers ask."""
    validators = Validators.of(served.size, served.mtime_ns)
    headers = {
        "accept-ranges": "bytes",
        "etag": validators.etag,
        "last-modified": validators.last_modified,
        "cache-control": "private",
    }
    if not_modified(request.headers, validators):
        return Response(status_code=304, headers=headers)
    try:
        wanted = requested_range(request.headers, served.size, validators)
    except UnsatisfiableRangeError:
        refused = problem(416, f"the file has {served.size} bytes")
        refused.headers["content-range"] = f"bytes */{served.size}"
        return refused
    part = wanted or ByteRange(0, served.size - 1)
    headers |= {"content-type": served.media_type, "content-length": str(max(part.length, 0))}
    if wanted is not None:
        headers["content-range"] = f"bytes {part.start}-{part.end}/{served.size}"
    return FileRangeResponse(
        served.path,
        part.start,
        max(part.length, 0),
        status_code=206 if wanted is not None else 200,
        headers=headers,
        send_body=request.method != "HEAD",
    )


async def stream_original(request: Request, viewer: Viewer) -> Response:
    parlour: Parlour = request.app.state.parlour
    served = await run_in_threadpool(
        parlour.streaming.original, viewer, request.path_params["item_id"]
    )
    return file_response(request, served)


async def stream_audio(request: Request, viewer: Viewer) -> Response:
    """The item's audio transcoded while it is sent (no ranges: a player seeks with
    ``start``, in milliseconds)."""
    parlour: Parlour = request.app.state.parlour
    fmt = request.query_params.get("format", "mp3")
    kbps = query_int(request, "bitrate", 192) or 0
    start_ms = query_int(request, "start", 0) or 0
    transcode = await run_in_threadpool(
        parlour.streaming.audio, viewer, request.path_params["item_id"], fmt, kbps, start_ms
    )
    return TranscodeResponse(transcode)


class TranscodeResponse(Response):
    """A transcode's output as it is made. However the answer ends (done, the client went
    away, the server stopping), ``Transcode.close`` runs: ffmpeg killed and reaped, the
    slot freed. Starlette's StreamingResponse skips its clean-up when a send fails."""

    def __init__(self, transcode: Transcode) -> None:
        super().__init__(
            media_type=transcode.media_type, headers={"cache-control": "private, no-store"}
        )
        del self.headers["content-length"]  # unknown until the end: sent chunked
        self.transcode = transcode

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            async with anyio.create_task_group() as group:

                async def stream() -> None:
                    async for chunk in self.transcode.chunks:
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
                    await send({"type": "http.response.body", "body": b""})
                    group.cancel_scope.cancel()

                group.start_soon(stream)
                await _until_disconnect(receive)
                group.cancel_scope.cancel()
        finally:
            with anyio.CancelScope(shield=True):
                await self.transcode.close()


_VTT = {"content-type": "text/vtt; charset=utf-8", "cache-control": "private"}


async def external_subtitles(request: Request, viewer: Viewer) -> Response:
    parlour: Parlour = request.app.state.parlour
    params = request.path_params
    vtt = await run_in_threadpool(
        parlour.streaming.subtitles, viewer, params["item_id"], params["subtitle_id"]
    )
    return Response(vtt, headers=_VTT)


async def embedded_subtitles(request: Request, viewer: Viewer) -> Response:
    parlour: Parlour = request.app.state.parlour
    raw = request.path_params["stream_index"]
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4):
        raise NotFoundError("no such subtitle stream")  # stream numbers are small integers
    index = int(raw)
    vtt = await run_in_threadpool(
        parlour.streaming.embedded_subtitles, viewer, request.path_params["item_id"], index
    )
    return Response(vtt, headers=_VTT)


_ITEM = "/api/v1/items/{item_id}"
ROUTES = [
    # GET and HEAD (Starlette adds HEAD to every GET route; HEAD sends no body).
    Route("/api/v1/items/{item_id}/stream", signed_in(stream_original), methods=["GET"]),
    Route("/api/v1/items/{item_id}/audio", signed_in(stream_audio), methods=["GET"]),
    Route(
        f"{_ITEM}/subtitles/embedded/{{stream_index}}",
        signed_in(embedded_subtitles),
        methods=["GET"],
    ),
    Route(f"{_ITEM}/subtitles/{{subtitle_id}}", signed_in(external_subtitles), methods=["GET"]),
]
