"""What users are playing now, for music apps' getNowPlaying.

Nobody sees anyone's activity by default (P-15). A music app says what it starts to
play (a Subsonic scrobble with ``submission=false``); that is kept only when the user
chose to show it (``share_now_playing`` on My data) and has not paused their history,
only in server memory, one song per user, until the song would have ended. The choice
is read again whenever the list is asked for, so turning it off hides the entry at once,
and erasing history or the account forgets it.
"""

import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from parlour.domain.accounts import Viewer
from parlour.privacy.retention import may_show_now_playing
from parlour.services.music_api import MusicApiService, Song
from parlour.storage import my_data_store
from parlour.storage.engine import Catalogue

GRACE_S = 60  # an entry outlives its song by this much: pauses, slow starts
MAX_PLAYER_NAME = 64


@dataclass(frozen=True, slots=True)
class _Playing:
    username: str
    song_id: str
    player: str
    started_at: float
    ends_at: float


@dataclass(frozen=True, slots=True)
class NowPlayingEntry:
    song: Song
    username: str
    minutes_ago: int
    player_id: int  # Subsonic numbers players; the same app name gives the same number
    player_name: str


class NowPlayingBoard:
    """The entries themselves, by user id (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, _Playing] = {}

    def put(self, user_id: str, entry: _Playing) -> None:
        with self._lock:
            self._entries[user_id] = entry

    def forget(self, user_id: str) -> None:
        with self._lock:
            self._entries.pop(user_id, None)

    def current(self, now: float) -> dict[str, _Playing]:
        """The entries whose songs have not ended; the others are dropped."""
        with self._lock:
            ended = [user for user, entry in self._entries.items() if entry.ends_at <= now]
            for user in ended:
                del self._entries[user]
            return dict(self._entries)


class NowPlayingService:
    def __init__(
        self,
        catalogue: Catalogue,
        music: MusicApiService,
        board: NowPlayingBoard,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.catalogue = catalogue
        self.music = music
        self.board = board
        self.clock = clock

    def started(self, viewer: Viewer, song_id: str, player: str) -> None:
        """The viewer's app started ``song_id`` (NotFoundError if they may not see it)."""
        song = self.music.song(viewer, song_id)
        with self.catalogue.reading() as conn:
            choices = my_data_store.privacy_choices(conn, viewer.user_id)
        if not may_show_now_playing(choices):
            self.board.forget(viewer.user_id)  # a change of mind since the last song
            return
        now = self.clock()
        ends = now + song.duration_ms / 1000 + GRACE_S
        name = player.strip()[:MAX_PLAYER_NAME] or "unknown"
        self.board.put(viewer.user_id, _Playing(viewer.name, song_id, name, now, ends))

    def listing(self, viewer: Viewer) -> list[NowPlayingEntry]:
        """Entries of users who still show what they play, whose songs the viewer may see
        (their library grants apply to others' songs as to their own)."""
        now = self.clock()
        entries = self.board.current(now)
        if not entries:
            return []
        with self.catalogue.reading() as conn:
            showing = [
                user_id
                for user_id in entries
                if may_show_now_playing(my_data_store.privacy_choices(conn, user_id))
            ]
        songs = {
            song.id: song
            for song in self.music.songs(viewer, [entries[user].song_id for user in showing])
        }
        listed = []
        for user_id in showing:
            entry = entries[user_id]
            song = songs.get(entry.song_id)
            if song is None:
                continue
            listed.append(
                NowPlayingEntry(
                    song,
                    entry.username,
                    max(0, int((now - entry.started_at) // 60)),
                    zlib.crc32(entry.player.encode()) & 0x7FFFFFFF,
                    entry.player,
                )
            )
        return sorted(listed, key=lambda item: (item.minutes_ago, item.username))
