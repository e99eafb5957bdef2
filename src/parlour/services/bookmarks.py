"""Where a user stopped, as music apps keep it: bookmarks and the saved play queue
(Subsonic's createBookmark and savePlayQueue), for the viewer only.

They are the user's own state, like resume points: kept while history is paused (the
user sets them on purpose), listed on My data, exported, and erased with resume points.
A bookmark or queue may name items the viewer can no longer see (a library no longer
granted, a file gone): those are left out when read, and come back if the item does.
"""

import time
from dataclasses import dataclass

from parlour.domain.accounts import Viewer
from parlour.domain.activity import PLAYABLE
from parlour.domain.errors import InvalidInputError, NotFoundError
from parlour.services.music_api import MusicApiService, Song, Video
from parlour.storage import activity_store, bookmark_store
from parlour.storage.bookmark_store import BookmarkRow, PlayQueueRow
from parlour.storage.engine import Catalogue

MAX_QUEUE = 5000  # songs in a saved queue
MAX_COMMENT = 500
MAX_CLIENT_NAME = 64


@dataclass(frozen=True, slots=True)
class Bookmark:
    row: BookmarkRow
    entry: Song | Video


@dataclass(frozen=True, slots=True)
class PlayQueue:
    row: PlayQueueRow
    entries: list[Song]


def _now() -> int:
    return int(time.time())


class BookmarkService:
    def __init__(self, catalogue: Catalogue, music: MusicApiService) -> None:
        self.catalogue = catalogue
        self.music = music

    def entries(self, viewer: Viewer, item_ids: list[str]) -> dict[str, Song | Video]:
        """The songs and films among ``item_ids`` the viewer may see, by id."""
        found: dict[str, Song | Video] = {s.id: s for s in self.music.songs(viewer, item_ids)}
        rest = [item_id for item_id in item_ids if item_id not in found]
        if rest:
            found |= {v.id: v for v in self.music.videos_by_ids(viewer, rest)}
        return found

    # -- bookmarks -----------------------------------------------------------------------

    def bookmarks(self, viewer: Viewer) -> list[Bookmark]:
        with self.catalogue.reading() as conn:
            rows = bookmark_store.bookmarks(conn, viewer.user_id)
        found = self.entries(viewer, [row.item_id for row in rows])
        return [Bookmark(row, found[row.item_id]) for row in rows if row.item_id in found]

    def set_bookmark(
        self, viewer: Viewer, item_id: str, position_ms: int, comment: str | None
    ) -> None:
        if position_ms < 0:
            raise InvalidInputError("the position must be 0 or more milliseconds")
        if comment is not None and len(comment) > MAX_COMMENT:
            raise InvalidInputError(f"a bookmark's comment is at most {MAX_COMMENT} characters")
        with self.catalogue.writing() as conn:
            item = activity_store.locate(conn, viewer, item_id)
            if item.kind not in PLAYABLE:
                raise InvalidInputError("only a song, film or episode can be bookmarked")
            if item.duration_ms > 0:
                position_ms = min(position_ms, item.duration_ms)
            bookmark_store.put_bookmark(
                conn, viewer.user_id, item_id, position_ms, comment or None, _now()
            )

    def delete_bookmark(self, viewer: Viewer, item_id: str) -> None:
        with self.catalogue.writing() as conn:
            if not bookmark_store.delete_bookmark(conn, viewer.user_id, item_id):
                raise NotFoundError("no bookmark for this item")

    # -- the play queue ------------------------------------------------------------------

    def play_queue(self, viewer: Viewer) -> PlayQueue | None:
        """The saved queue with the songs the viewer may still see; None when none is
        saved."""
        with self.catalogue.reading() as conn:
            row = bookmark_store.play_queue(conn, viewer.user_id)
        if row is None:
            return None
        return PlayQueue(row, self.music.songs(viewer, row.item_ids))

    def save_play_queue(
        self,
        viewer: Viewer,
        song_ids: list[str],
        current: str | None,
        position_ms: int,
        client: str,
    ) -> None:
        """Replace the saved queue (an empty one clears it). Every song must be one the
        viewer may see, and ``current`` one of them."""
        if len(song_ids) > MAX_QUEUE:
            raise InvalidInputError(f"a saved play queue holds at most {MAX_QUEUE} songs")
        if position_ms < 0:
            raise InvalidInputError("the position must be 0 or more milliseconds")
        if current is not None and current not in song_ids:
            raise InvalidInputError("the current song must be in the queue")
        visible = {song.id for song in self.music.songs(viewer, song_ids)}
        if any(song_id not in visible for song_id in song_ids):
            raise NotFoundError("no such song")  # or one the viewer may not see
        queue = PlayQueueRow(
            list(song_ids),
            current if song_ids else None,
            position_ms,
            client.strip()[:MAX_CLIENT_NAME] or "unknown",
            _now(),
        )
        with self.catalogue.writing() as conn:
            bookmark_store.put_play_queue(conn, viewer.user_id, queue)
