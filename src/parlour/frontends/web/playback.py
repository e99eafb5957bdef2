"""Playback over HTTP: the decision (``POST /items/{id}/playback``), the URLs it hands
out (HLS under ``/api/v1/hls/{ticket}/``, a file, an audio transcode or one MPEG-TS
stream under ``/api/v1/play/{ticket}/``), and the progress a player reports.

Ticket URLs need no Authorization header: the ticket in the path is the credential
(``services.tickets``), checked on every request. HLS playlists use relative URIs, so
every segment URL carries it too.
"""

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from anyio.to_thread import run_sync
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlour.domain.accounts import Viewer
from parlour.domain.errors import InvalidInputError
from parlour.domain.profiles import DeviceProfile, built_in_profile, profile_from_json
from parlour.frontends.web.auth import request_token, signed_in
from parlour.frontends.web.connections import peer_of
from parlour.frontends.web.json import JSONResponse, json_body
from parlour.frontends.web.params import query_int
from parlour.frontends.web.stream import TranscodeResponse, file_response
from parlour.media.hls_playlists import MEDIA_TYPE
from parlour.services.application import Parlour

_PLAYLIST = {"content-type": MEDIA_TYPE, "cache-control": "private, no-store"}
_SEGMENT = {"content-type": "video/mp2t", "cache-control": "private, max-age=3600"}
_FMP4 = {"content-type": "video/mp4", "cache-control": "private, max-age=3600"}
_VTT = {"content-type": "text/vtt; charset=utf-8", "cache-control": "private"}
_MAX_NAME = 40


def _parlour(request: Request) -> Parlour:
    parlour: Parlour = request.app.state.parlour
    return parlour


def _profile(request: Request, data: dict[str, Any]) -> DeviceProfile:
    chosen = data.get("profile", request.query_params.get("profile", "chromium"))
    if isinstance(chosen, str):
        return built_in_profile(chosen)
    return profile_from_json(chosen)


def _optional_int(data: dict[str, Any], name: str, upper: int) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON does not tell 3.0 from 3
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= upper:
        raise InvalidInputError(f"'{name}' must be an integer from 0 to {upper}")
    return value


def _quality(data: dict[str, Any], profile: DeviceProfile) -> DeviceProfile:
    """The profile held to a player's quality choice: ``max_height`` (lines) and
    ``max_video_bitrate`` (bits a second) only ever lower its own limits."""
    height = _optional_int(data, "max_height", 4320)
    bitrate = _optional_int(data, "max_video_bitrate", 400_000_000)
    if height is not None:
        if height < 144:
            raise InvalidInputError("'max_height' must be an integer from 144 to 4320")
        profile = replace(profile, max_height=min(profile.max_height, height))
    if bitrate is not None:
        if bitrate < 64_000:
            raise InvalidInputError("'max_video_bitrate' must be from 64000 to 400000000")
        limit = profile.max_bitrate
        profile = replace(profile, max_bitrate=bitrate if limit is None else min(limit, bitrate))
    return profile


def _subtitle(data: dict[str, Any]) -> tuple[str, str] | None:
    value = data.get("subtitle")
    if value is None:
        return None
    if (
        not isinstance(value, dict)
        or set(value) != {"source", "ref"}
        or value["source"] not in ("embedded", "external")
        or not isinstance(value["ref"], str)
        or not 0 < len(value["ref"]) <= 64
    ):
        raise InvalidInputError(
            '\'subtitle\' must be {"source": "embedded" or "external", "ref": "..."}'
        )
    return value["source"], value["ref"]


async def decide_playback(request: Request, viewer: Viewer) -> Response:
    """How the item plays on the device described, and the URL to play it from."""
    parlour = _parlour(request)
    data = await json_body(request) if await request.body() else {}
    known = {
        "profile",
        "audio",
        "subtitle",
        "burn_subtitle",
        "max_audio_bitrate",
        "max_height",
        "max_video_bitrate",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidInputError(f"unknown field {unknown[0]!r}")
    profile = _quality(data, _profile(request, data))
    burn = data.get("burn_subtitle", False)
    if not isinstance(burn, bool):
        raise InvalidInputError("'burn_subtitle' must be true or false")
    audio_index = _optional_int(data, "audio", 255)
    kbps = _optional_int(data, "max_audio_bitrate", 320)
    subtitle = _subtitle(data)
    token, _ = request_token(request)
    assert token is not None  # signed_in saw it

    def offer() -> dict[str, Any]:
        token_id = parlour.accounts.token_id(token)
        return parlour.playback.offer(
            viewer,
            token_id,
            request.path_params["item_id"],
            profile,
            audio_index=audio_index,
            subtitle=subtitle,
            burn=burn,
            music_kbps=kbps,
        ).as_json()

    return JSONResponse(await run_in_threadpool(offer))


_EVENTS = ("start", "position", "stop")


async def report_playback(request: Request, viewer: Viewer) -> Response:
    """A player's report: ``start``, ``position`` (every few seconds) or ``stop``. The
    position becomes the resume point (and a play, past 90 %); ``stop`` with the
    playback's ``session_id`` also ends its transcode at once."""
    parlour = _parlour(request)
    data = await json_body(request)
    event = data.get("event")
    if event not in _EVENTS:
        raise InvalidInputError("'event' must be one of start, position, stop")
    position = _optional_int(data, "position_ms", 10**10)
    session_id = data.get("session_id")
    if session_id is not None and (not isinstance(session_id, str) or len(session_id) > 64):
        raise InvalidInputError("'session_id' must be the session_id playback answered")
    item_id = request.path_params["item_id"]
    state = await run_in_threadpool(parlour.activity.state, viewer, item_id)
    if position is not None:
        state = await run_in_threadpool(parlour.activity.report_progress, viewer, item_id, position)
    if event == "stop" and session_id is not None:
        await parlour.media_links.end(session_id, viewer)
    return JSONResponse(state.as_json())


def _ticket(request: Request) -> str:
    return str(request.path_params["ticket"])


async def hls_master(request: Request) -> Response:
    text = await run_sync(_parlour(request).media_links.master, _ticket(request))
    return Response(text, headers=_PLAYLIST)


def _name(request: Request, key: str) -> str:
    """A rendition or subtitle name from the path; names are short and plain, so any
    other text becomes "" and finds nothing (after the ticket has been checked)."""
    name = str(request.path_params[key])
    return name if 0 < len(name) <= _MAX_NAME and name.isascii() and name.isalnum() else ""


async def hls_media(request: Request) -> Response:
    kind, name = request.path_params["kind"], _name(request, "name")
    links = _parlour(request).media_links
    if kind == "s":
        text = await run_sync(links.subtitle_playlist, _ticket(request), name)
    else:
        text = await run_sync(links.media_playlist, _ticket(request), kind, name)
    return Response(text, headers=_PLAYLIST)


def _segment_route(extension: str) -> Callable[[Request], Awaitable[Response]]:
    headers = _SEGMENT if extension == "ts" else _FMP4

    async def hls_segment(request: Request) -> Response:
        kind, name = request.path_params["kind"], _name(request, "name")
        raw = str(request.path_params["number"])
        number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else -1
        links = _parlour(request).media_links
        peer = peer_of(request.client)
        path = await links.segment(_ticket(request), kind, name, number, extension, peer)
        # Read whole (a few MB at most): the file may be deleted once the player is past it.
        body = await run_sync(path.read_bytes)
        return Response(body, headers=_typed(headers, kind))

    return hls_segment


def _typed(headers: dict[str, str], kind: str) -> dict[str, str]:
    """An fMP4 audio rendition is audio/mp4; everything else keeps its type."""
    if kind == "a" and headers["content-type"] == "video/mp4":
        return headers | {"content-type": "audio/mp4"}
    return headers


async def hls_init(request: Request) -> Response:
    kind, name = request.path_params["kind"], _name(request, "name")
    links = _parlour(request).media_links
    body = await links.init(_ticket(request), kind, name, peer_of(request.client))
    return Response(body, headers=_typed(_FMP4, kind))


async def hls_subtitles(request: Request) -> Response:
    name = _name(request, "name")
    vtt = await run_sync(_parlour(request).media_links.subtitle_vtt, _ticket(request), name)
    return Response(vtt, headers=_VTT)


async def play_file(request: Request) -> Response:
    served = await run_sync(_parlour(request).media_links.file, _ticket(request))
    return file_response(request, served)


async def play_audio(request: Request) -> Response:
    start_ms = query_int(request, "start", 0) or 0
    transcode = await run_sync(_parlour(request).media_links.audio, _ticket(request), start_ms)
    return TranscodeResponse(transcode)


async def play_video(request: Request) -> Response:
    start_ms = query_int(request, "start", 0) or 0
    links = _parlour(request).media_links
    transcode = await run_sync(links.video_stream, _ticket(request), start_ms)
    return TranscodeResponse(transcode)


_HLS = "/api/v1/hls/{ticket}"
_PLAY = "/api/v1/play/{ticket}"
ROUTES = [
    Route("/api/v1/items/{item_id}/playback", signed_in(decide_playback), methods=["POST"]),
    Route("/api/v1/items/{item_id}/playback/report", signed_in(report_playback), methods=["POST"]),
    Route(f"{_HLS}/master.m3u8", hls_master, methods=["GET"]),
    Route(f"{_HLS}/{{kind}}/{{name}}.m3u8", hls_media, methods=["GET"]),
    Route(f"{_HLS}/{{kind}}/{{name}}/init.mp4", hls_init, methods=["GET"]),
    Route(f"{_HLS}/{{kind}}/{{name}}/{{number}}.ts", _segment_route("ts"), methods=["GET"]),
    Route(f"{_HLS}/{{kind}}/{{name}}/{{number}}.m4s", _segment_route("m4s"), methods=["GET"]),
    Route(f"{_HLS}/s/{{name}}.vtt", hls_subtitles, methods=["GET"]),
    Route(f"{_PLAY}/file", play_file, methods=["GET"]),
    Route(f"{_PLAY}/audio", play_audio, methods=["GET"]),
    Route(f"{_PLAY}/video.ts", play_video, methods=["GET"]),
]
