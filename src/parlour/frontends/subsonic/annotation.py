"""Annotation methods: star, unstar, setRating, scrobble and getNowPlaying.

Each writes through the activity service, as the web UI's buttons do: the same
favourites, ratings and plays, with the user's history pause honoured there. Subsonic
rates 1 to 5 stars where Parlour keeps 1 to 10, so a star is two points.
"""

from starlette.concurrency import run_in_threadpool

from parlour.domain.accounts import Viewer
from parlour.domain.errors import NotFoundError
from parlour.frontends.subsonic import shapes
from parlour.frontends.subsonic.protocol import (
    GENERIC,
    NOT_FOUND,
    Params,
    Payload,
    SubsonicError,
)
from parlour.frontends.subsonic.routes import method
from parlour.services.application import Parlour


def _starred_ids(params: Params) -> list[str]:
    """The ids of songs, albums and artists (``id``, ``albumId``, ``artistId``): Parlour's
    ids say what they are, so the three lists are one."""
    ids = params.getlist("id") + params.getlist("albumId") + params.getlist("artistId")
    found = [item_id for item_id in ids if item_id]
    if not found:
        params.required("id")  # error 10: nothing named
    return found


@method("star")
async def star(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    await run_in_threadpool(parlour.activity.set_favourites, viewer, _starred_ids(params), True)
    return {}


@method("unstar")
async def unstar(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    await run_in_threadpool(parlour.activity.set_favourites, viewer, _starred_ids(params), False)
    return {}


@method("setRating")
async def set_rating(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    item_id = params.required("id")
    raw = params.required("rating")
    if not (raw.isascii() and raw.isdigit() and int(raw) <= 5):
        raise SubsonicError(GENERIC, "The rating must be 0 (none) to 5 stars")
    rating = int(raw) * 2 or None
    await run_in_threadpool(parlour.activity.set_rating, viewer, item_id, rating)
    return {}


@method("scrobble")
async def scrobble(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    """``submission=true`` (the default): the songs were played, at ``time`` (ms since
    the epoch, one per id) or now. ``false``: the first song is playing now."""
    ids = params.getlist("id")
    if not ids or not all(ids):
        params.required("id")  # error 10, as for any missing parameter
    if not params.flag("submission", True):
        await run_in_threadpool(parlour.now_playing.started, viewer, ids[0], params.required("c"))
        return {}
    times = params.getlist("time")
    if times and len(times) != len(ids):
        raise SubsonicError(GENERIC, "Give one 'time' for each 'id', or none")
    played: list[int | None] = []
    for raw in times:
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 15):
            raise SubsonicError(GENERIC, "Parameter 'time' must be milliseconds since 1970")
        played.append(int(raw) // 1000)
    recorded = 0
    for index, item_id in enumerate(ids):
        at = played[index] if played else None
        try:
            await run_in_threadpool(parlour.activity.record_play, viewer, item_id, at)
            recorded += 1
        except NotFoundError:
            # An offline app sends its plays again until they are taken: one song gone
            # since must not hold back (or count twice) the others.
            continue
    if not recorded:
        raise SubsonicError(NOT_FOUND, "Song not found")
    return {}


@method("getNowPlaying")
async def get_now_playing(parlour: Parlour, viewer: Viewer, _params: Params) -> Payload:
    """What users who chose to show it are playing, among the songs the viewer may see."""
    playing = await run_in_threadpool(parlour.now_playing.listing, viewer)
    entries = [
        shapes.song(entry.song)
        | {
            "username": entry.username,
            "minutesAgo": entry.minutes_ago,
            "playerId": entry.player_id,
            "playerName": entry.player_name,
        }
        for entry in playing
    ]
    return {"nowPlaying": {"entry": entries}}
