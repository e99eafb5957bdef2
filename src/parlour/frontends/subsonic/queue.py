"""Where a user stopped: getPlayQueue and savePlayQueue (one saved queue per user, so
that a second app carries on where the first stopped), and getBookmarks,
createBookmark and deleteBookmark. Positions are milliseconds, as the API has them."""

from starlette.concurrency import run_in_threadpool

from parlour.domain.accounts import Viewer
from parlour.frontends.subsonic import shapes
from parlour.frontends.subsonic.protocol import Params, Payload
from parlour.frontends.subsonic.routes import method
from parlour.services.application import Parlour

MAX_POSITION_MS = 2**53  # any real position; bounds what a client can send


@method("getPlayQueue")
async def get_play_queue(parlour: Parlour, viewer: Viewer, _params: Params) -> Payload:
    queue = await run_in_threadpool(parlour.bookmarks.play_queue, viewer)
    if queue is None:
        return {}  # nothing saved: no playQueue element
    row = queue.row
    shown = {song.id for song in queue.entries}
    return {
        "playQueue": {
            "current": row.current_item_id if row.current_item_id in shown else None,
            "position": row.position_ms,
            "username": viewer.name,
            "changed": shapes.iso(row.updated_at),
            "changedBy": row.changed_by,
            "entry": [shapes.song(song) for song in queue.entries],
        }
    }


@method("savePlayQueue")
async def save_play_queue(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    """The queue (``id``, repeated), the song playing (``current``) and where in it
    (``position``, ms). No ids clears the saved queue (OpenSubsonic)."""
    song_ids = [song_id for song_id in params.getlist("id") if song_id]
    current = params.get("current") or None
    position = params.integer("position", 0, 0, MAX_POSITION_MS)
    client = params.required("c")
    await run_in_threadpool(
        parlour.bookmarks.save_play_queue, viewer, song_ids, current, position, client
    )
    return {}


@method("getBookmarks")
async def get_bookmarks(parlour: Parlour, viewer: Viewer, _params: Params) -> Payload:
    found = await run_in_threadpool(parlour.bookmarks.bookmarks, viewer)
    marks = [
        {
            "position": mark.row.position_ms,
            "username": viewer.name,
            "comment": mark.row.comment,
            "created": shapes.iso(mark.row.created_at),
            "changed": shapes.iso(mark.row.updated_at),
            "entry": shapes.child(mark.entry),
        }
        for mark in found
    ]
    return {"bookmarks": {"bookmark": marks}}


@method("createBookmark")
async def create_bookmark(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    item_id = params.required("id")
    params.required("position")
    position = params.integer("position", 0, 0, MAX_POSITION_MS)
    comment = params.get("comment")
    await run_in_threadpool(parlour.bookmarks.set_bookmark, viewer, item_id, position, comment)
    return {}


@method("deleteBookmark")
async def delete_bookmark(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    await run_in_threadpool(parlour.bookmarks.delete_bookmark, viewer, params.required("id"))
    return {}
