"""DLNA media URLs: ``/dlna/media/<id>.<signature>/<variant>`` and
``/dlna/art/<id>.<signature>/cover.jpg``.

No login: the signature (``DlnaMedia``) makes a URL unguessable, the guard in front of
the app admits only allowed, approved devices, and the item must still be in a shared
library. The answers carry DLNA's headers: ``contentFeatures.dlna.org`` (the res's
protocolInfo fields), ``transferMode.dlna.org`` (Streaming for media, Interactive for
pictures) and, for transcodes, ``TimeSeekRange.dlna.org`` (npt) in and out.

A GET of a track's, film's, video's or episode's media (original or transcode) may start
a play, recorded against the device when the admin chose to (``DlnaPlays``).
"""

import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlour.domain.errors import NotFoundError, PermissionDeniedError
from parlour.frontends.dlna import protocol
from parlour.frontends.dlna.didl import duration
from parlour.frontends.web.stream import TranscodeResponse, file_response
from parlour.services.application import Parlour
from parlour.services.dlna_browse import DlnaBrowse
from parlour.services.dlna_media import DlnaMedia
from parlour.services.streaming import Transcode
from parlour.storage.dlna_objects import DlnaItem

_TRANSFER_MODES = frozenset({"Streaming", "Interactive", "Background"})
_NPT = re.compile(r"\s*npt\s*=\s*([0-9:.]+)\s*-\s*([0-9:.]*)\s*(/.*)?$", re.IGNORECASE)
_SUBTITLE_TYPES = {"srt": "text/srt", "ass": "text/x-ass", "vtt": "text/vtt", "ssa": "text/x-ssa"}


def npt_ms(text: str) -> int:
    """A DLNA npt time (``12.5``, ``0:01:02.500``) in milliseconds; ValueError else."""
    parts = text.split(":")
    if len(parts) not in (1, 3) or not all(parts):
        raise ValueError(text)
    seconds = float(parts[-1])
    if len(parts) == 3:
        seconds += int(parts[0]) * 3600 + int(parts[1]) * 60
    if not 0 <= seconds < 10**7:
        raise ValueError(text)
    return int(seconds * 1000)


def _dlna_headers(request: Request, features: str, default_mode: str) -> dict[str, str]:
    asked = request.headers.get("transfermode.dlna.org", "").strip()
    return {
        "contentFeatures.dlna.org": features,
        "transferMode.dlna.org": asked if asked in _TRANSFER_MODES else default_mode,
    }


def _approved(request: Request) -> None:
    if not request.scope.get("state", {}).get("dlna_approved", False):
        raise PermissionDeniedError("this device waits for the admin's approval")


async def _note_play(request: Request, item: DlnaItem) -> None:
    """The device fetches the item's media: a play, if it starts one (asked of memory
    alone, so a film's range requests cost nothing) and the admin records plays."""
    if request.method != "GET":
        return
    parlour: Parlour = request.app.state.parlour
    plays = parlour.dlna.plays
    address = request.client.host if request.client else ""
    agent = request.headers.get("user-agent", "")
    if plays.started(address, agent, item.item_id, item.kind):
        await run_in_threadpool(plays.record, address, agent, item.item_id, item.kind, item.title)


async def media(request: Request) -> Response:
    _approved(request)
    browse: DlnaBrowse = request.app.state.browse
    signer: DlnaMedia = request.app.state.media
    item_id = signer.verified("item", request.path_params["token"])
    name: str = request.path_params["name"]
    item = await run_in_threadpool(browse.item, item_id)
    variant = protocol.variant_of(name)
    if name.startswith(protocol.SUBTITLE_PREFIX):
        subtitle_id, _, fmt = name.removeprefix(protocol.SUBTITLE_PREFIX).partition(".")
        served = await run_in_threadpool(signer.subtitle_file, item_id, subtitle_id)
        answer = file_response(request, served)
        answer.headers["content-type"] = _SUBTITLE_TYPES.get(fmt, "text/plain")
        answer.headers["transferMode.dlna.org"] = "Interactive"
        return answer
    if variant not in protocol.variants(item) and variant != protocol.ORIGINAL:
        raise NotFoundError("no such media")
    mime, features = protocol.features(item, variant)
    if variant == protocol.THUMBNAIL:
        picture = await run_in_threadpool(signer.thumbnail, item_id)
        return Response(
            picture, media_type=mime, headers=_dlna_headers(request, features, "Interactive")
        )
    mode = "Interactive" if item.kind == "photo" else "Streaming"
    headers = _dlna_headers(request, features, mode)
    if item.subtitles and request.headers.get("getcaptioninfo.sec", "").strip() == "1":
        # Samsung televisions ask for the captions of a video on the video's own request.
        first = item.subtitles[0]
        caption = f"{protocol.SUBTITLE_PREFIX}{first.subtitle_id}.{first.format}"
        token = request.path_params["token"]
        headers["CaptionInfo.sec"] = (
            f"http://{request.headers['host']}/dlna/media/{token}/{caption}"
        )
    if variant == protocol.ORIGINAL:
        served = await run_in_threadpool(signer.original, item_id)
        answer = file_response(request, served)
        if answer.status_code in (200, 206):
            answer.headers["content-type"] = mime
            await _note_play(request, item)
        answer.headers.update(headers)
        return answer
    return await _transcode(request, signer, item, variant, mime, headers)


async def _transcode(
    request: Request,
    signer: DlnaMedia,
    item: DlnaItem,
    variant: str,
    mime: str,
    headers: dict[str, str],
) -> Response:
    """An MPEG-TS or MP3 transcode, from the time the device asks for (no byte ranges:
    its length is not known until it ends)."""
    item_id = item.item_id
    start_ms = 0
    asked = request.headers.get("timeseekrange.dlna.org")
    if asked is not None:
        found = _NPT.match(asked)
        try:
            if found is None:
                raise ValueError(asked)
            start_ms = npt_ms(found.group(1))
        except ValueError:
            return Response(status_code=400)
    total_ms = await run_in_threadpool(signer.duration_ms, item_id)
    if asked is not None:
        if total_ms and start_ms >= total_ms:
            return Response(status_code=416)
        end = duration(total_ms)
        headers["TimeSeekRange.dlna.org"] = f"npt={duration(start_ms)}-{end}/{end}"
    if request.method == "HEAD":
        return Response(status_code=200, media_type=mime, headers=headers)
    transcode: Transcode
    if variant == protocol.VIDEO_TS:
        transcode, _ = await run_in_threadpool(signer.video, item_id, start_ms)
    else:
        transcode = await run_in_threadpool(signer.audio, item_id, start_ms)
    try:
        await _note_play(request, item)
    except BaseException:
        await transcode.close()  # the answer that would close it is never made
        raise
    answer = TranscodeResponse(transcode)
    answer.headers["content-type"] = mime
    answer.headers.update(headers)
    return answer


async def artwork(request: Request) -> Response:
    _approved(request)
    signer: DlnaMedia = request.app.state.media
    artwork_id = signer.verified("art", request.path_params["token"])
    picture = await run_in_threadpool(signer.artwork, artwork_id)
    features = "DLNA.ORG_PN=JPEG_TN;DLNA.ORG_OP=00;DLNA.ORG_CI=1;DLNA.ORG_FLAGS="
    features += protocol.INTERACTIVE_FLAGS
    return Response(
        picture, media_type="image/jpeg", headers=_dlna_headers(request, features, "Interactive")
    )


ROUTES = [
    # GET and HEAD (Starlette adds HEAD to every GET route).
    Route("/dlna/media/{token}/{name}", media, methods=["GET"]),
    Route("/dlna/art/{token}/{name}", artwork, methods=["GET"]),
]
