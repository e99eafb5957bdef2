"""Media methods: stream, download and getCoverArt, which answer with the bytes.

``stream`` sends a song's own file (byte ranges, validators and HEAD, as the web's
direct play does) unless a transcode is needed: a ``format`` of another codec that
``media.audio`` makes (mp3, opus, aac), a ``maxBitRate`` below the file's bit rate (then
MP3 at that rate, as Navidrome does), or a ``timeOffset`` (seconds; a file cannot start
part-way). ``format=raw`` always sends the file. With ``estimateContentLength=true`` a
transcode declares duration times bit rate as its length, and its body is padded with zero
bytes or cut to be exactly that long. Only songs are streamed: a film's id is not found.

A failure (an unknown or hidden id, no transcoding slot free) is the Subsonic error
document through the normal dispatch, in the format asked for; only an unsatisfiable
``Range`` is HTTP 416, since a player asked the HTTP question.
"""

from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from urllib.parse import quote

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from parlour.domain.accounts import Viewer
from parlour.domain.errors import NotFoundError
from parlour.frontends.subsonic.protocol import NOT_FOUND, Params, SubsonicError
from parlour.frontends.subsonic.routes import method
from parlour.frontends.web.stream import TranscodeResponse, file_response
from parlour.media.audio import FORMATS, MAX_KBPS, MIN_KBPS
from parlour.media.files import ServedFile
from parlour.media.images import MAX_SIDE, ImageRequest
from parlour.services.application import Parlour
from parlour.services.music_api import Song
from parlour.services.streaming import Transcode

# A transcode's bit rate when the client sets no limit (kbit/s).
DEFAULT_KBPS = {"mp3": 192, "opus": 128, "aac": 192}
# The file suffixes that already hold each format's codec: no transcode is needed.
SAME_CODEC = {"mp3": frozenset({"mp3"}), "opus": frozenset({"opus"}), "aac": frozenset({"aac"})}
PAD_CHUNK = 64 * 1024
COVER_CACHE = "private, max-age=3600"  # as the web's artwork route


class RequestAnswer(Response):
    """An answer made when it is sent, from the request's own headers (Range,
    If-None-Match, HEAD): a method sees only the parameters, its answer the request."""

    def __init__(self, make: Callable[[Request], Response]) -> None:
        super().__init__()
        self.make = make

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.make(Request(scope, receive))(scope, receive, send)


@dataclass(frozen=True, slots=True)
class TranscodePlan:
    fmt: str
    kbps: int
    start_ms: int


def plan_transcode(song: Song, params: Params) -> TranscodePlan | None:
    """How the song is to be transcoded for these parameters; None to send the file."""
    wanted = (params.get("format") or "").lower()
    if wanted == "raw":
        return None
    max_kbps = params.integer("maxBitRate", 0, 0)
    start_ms = params.integer("timeOffset", 0, 0, 2**31 // 1000) * 1000
    file_kbps = None if song.bitrate is None else round(song.bitrate / 1000)
    other_codec = wanted in FORMATS and song.suffix not in SAME_CODEC[wanted]
    over_limit = max_kbps > 0 and file_kbps is not None and file_kbps > max_kbps
    if not (other_codec or over_limit or start_ms > 0):
        return None
    fmt = wanted if wanted in FORMATS else "mp3"
    kbps = max(MIN_KBPS, min(MAX_KBPS, max_kbps or DEFAULT_KBPS[fmt]))
    return TranscodePlan(fmt, kbps, start_ms)


def estimated_length(song: Song, plan: TranscodePlan) -> int:
    """Bytes of ``plan``'s output by the song's duration and the target bit rate."""
    return max(0, song.duration_ms - plan.start_ms) * plan.kbps // 8


async def exactly(chunks: AsyncGenerator[bytes, None], length: int) -> AsyncGenerator[bytes, None]:
    """``chunks`` cut or padded with zero bytes to ``length`` bytes: what a declared
    Content-Length promised. Closing this closes ``chunks`` (and so ffmpeg)."""
    left = length
    try:
        if left > 0:
            async for chunk in chunks:
                if len(chunk) >= left:
                    yield chunk[:left]
                    left = 0
                    break
                left -= len(chunk)
                yield chunk
        while left > 0:
            pad = min(PAD_CHUNK, left)
            left -= pad
            yield bytes(pad)
    finally:
        await chunks.aclose()


class TranscodeAnswer(Response):
    """A transcode, with an estimated Content-Length or none (chunked). HEAD answers
    the headers and frees the slot without starting ffmpeg."""

    def __init__(self, transcode: Transcode, length: int | None) -> None:
        super().__init__()
        self.transcode, self.length = transcode, length

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        transcode = self.transcode
        response: Response
        if scope["method"] == "HEAD":
            with anyio.CancelScope(shield=True):
                await transcode.close()
            response = Response(headers=dict(TranscodeResponse(transcode).headers))
            del response.headers["content-length"]  # no body here, yet not an empty stream
        else:
            if self.length is not None:
                chunks = exactly(transcode.chunks, self.length)
                transcode = Transcode(transcode.media_type, chunks, transcode.slot)
            response = TranscodeResponse(transcode)
        if self.length is not None:
            response.headers["content-length"] = str(self.length)
        await response(scope, receive, send)


async def _song(parlour: Parlour, viewer: Viewer, params: Params) -> Song:
    """The song the ``id`` names, if the viewer may see it (a film is not a song)."""
    return await run_in_threadpool(parlour.music.song, viewer, params.required("id"))


async def _original(parlour: Parlour, viewer: Viewer, song: Song) -> ServedFile:
    return await run_in_threadpool(parlour.streaming.original, viewer, song.id)


@method("stream")
async def stream(parlour: Parlour, viewer: Viewer, params: Params) -> Response:
    song = await _song(parlour, viewer, params)
    plan = plan_transcode(song, params)
    if plan is None:
        served = await _original(parlour, viewer, song)
        return RequestAnswer(lambda request: file_response(request, served))
    length = estimated_length(song, plan) if params.flag("estimateContentLength", False) else None
    transcode = await run_in_threadpool(
        parlour.streaming.audio, viewer, song.id, plan.fmt, plan.kbps, plan.start_ms
    )
    return TranscodeAnswer(transcode, length)


def attachment(filename: str) -> str:
    """A Content-Disposition that saves as ``filename`` (RFC 6266): an ASCII stand-in
    for old clients, and the name itself, percent-encoded UTF-8, for the rest."""
    fallback = "".join(ch if " " <= ch < "\x7f" and ch not in '"\\%' else "_" for ch in filename)
    encoded = quote(filename, safe="!#$&+-.^_`|~")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


@method("download")
async def download(parlour: Parlour, viewer: Viewer, params: Params) -> Response:
    """The song's own file, never transcoded, to be saved under its own name."""
    song = await _song(parlour, viewer, params)
    served = await _original(parlour, viewer, song)
    disposition = attachment(song.path.rsplit("/", 1)[-1])

    def answer(request: Request) -> Response:
        response = file_response(request, served)
        if response.status_code in (200, 206):
            response.headers["content-disposition"] = disposition
        return response

    return RequestAnswer(answer)


def _cover_of(parlour: Parlour, viewer: Viewer, item_id: str) -> str | None:
    """The artwork id of a song's, album's or artist's cover (None: no such item, or
    no cover)."""
    kind = parlour.music.kind_of(viewer, item_id)
    if kind == "song":
        return parlour.music.song(viewer, item_id).cover_id
    if kind == "album":
        return parlour.music.album(viewer, item_id)[0].cover_id
    if kind == "artist":
        return parlour.music.artist(viewer, item_id)[0].cover_id
    return None


@method("getCoverArt")
async def get_cover_art(parlour: Parlour, viewer: Viewer, params: Params) -> Response:
    """A cover (``id`` is an artwork id, as ``coverArt`` gives them, or a song's,
    album's or artist's id), its longest side at most ``size`` pixels when given."""
    item_id = params.required("id")
    size = params.integer("size", 0, 0, MAX_SIDE) or None
    wanted = ImageRequest(width=size, height=size)
    try:
        image = await run_in_threadpool(parlour.images.artwork, viewer, item_id, wanted)
    except NotFoundError:
        cover_id = await run_in_threadpool(_cover_of, parlour, viewer, item_id)
        if cover_id is None:
            raise SubsonicError(NOT_FOUND, "Cover art not found") from None
        image = await run_in_threadpool(parlour.images.artwork, viewer, cover_id, wanted)
    return Response(image, media_type=wanted.media_type, headers={"cache-control": COVER_CACHE})
