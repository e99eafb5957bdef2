"""The activity service: every write of per-user state goes through here, once.

Resume points, plays, watched marks, favourites, ratings and playlists. The user is
always the viewer: no call takes a user id from the caller, so no request can read or
change another user's state (AZ-02). Reads of the home-screen lists live here too.
"""

import time
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection

from parlour.domain.accounts import Viewer
from parlour.domain.activity import (
    PLAYABLE,
    PLAYLIST_KINDS,
    RESUMABLE,
    WATCHABLE,
    ItemKind,
    ItemState,
    ProgressOutcome,
    check_rating,
    judge_progress,
    repeated_finish,
)
from parlour.domain.errors import InvalidInputError, NotFoundError
from parlour.privacy.retention import may_record_play
from parlour.storage import activity_store, home, my_data_store, playlist_store
from parlour.storage.activity_store import LocatedItem
from parlour.storage.engine import Catalogue
from parlour.storage.playlist_store import MAX_ENTRIES, PlaylistRow
from parlour.storage.summaries import Summary, summaries

MAX_BACKDATE_S = 366 * 86400  # an offline player may submit plays up to a year late


def _now() -> int:
    return int(time.time())


def _require(item: LocatedItem, allowed: frozenset[ItemKind], action: str) -> None:
    if item.kind not in allowed:
        kinds = ", ".join(sorted(kind.value for kind in allowed))
        raise InvalidInputError(f"only a {kinds} can be {action}; this is a {item.kind.value}")


class ActivityService:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    # -- item state ----------------------------------------------------------------------

    def state(self, viewer: Viewer, item_id: str) -> ItemState:
        with self.catalogue.reading() as conn:
            activity_store.locate(conn, viewer, item_id)
            return activity_store.get_state(conn, viewer.user_id, item_id)

    def report_progress(self, viewer: Viewer, item_id: str, position_ms: int) -> ItemState:
        """A player says where it is in a film or episode; past 90 % that is a play."""
        if position_ms < 0:
            raise InvalidInputError("'position_ms' must be 0 or more")
        now = _now()
        with self.catalogue.writing() as conn:
            item = activity_store.locate(conn, viewer, item_id)
            _require(item, RESUMABLE, "resumed")
            old = activity_store.get_state(conn, viewer.user_id, item_id)
            if item.duration_ms > 0:
                position_ms = min(position_ms, item.duration_ms)
            outcome = judge_progress(position_ms, item.duration_ms)
            if outcome is ProgressOutcome.FINISHED:
                if repeated_finish(old, item.duration_ms, now):
                    return old
                return self._count_play(conn, viewer, item, old, now)
            position = position_ms if outcome is ProgressOutcome.RESUME else 0
            new = replace(old, position_ms=position)
            return activity_store.put_state(conn, viewer.user_id, item, new, now)

    def record_play(self, viewer: Viewer, item_id: str, played_at: int | None = None) -> ItemState:
        """A finished play of a track, film or episode (a Subsonic scrobble, say)."""
        now = _now()
        if played_at is None:
            played_at = now
        elif not now - MAX_BACKDATE_S <= played_at <= now + 60:
            raise InvalidInputError("'played_at' must be a time in the past year")
        with self.catalogue.writing() as conn:
            item = activity_store.locate(conn, viewer, item_id)
            _require(item, PLAYABLE, "played")
            old = activity_store.get_state(conn, viewer.user_id, item_id)
            return self._count_play(conn, viewer, item, old, played_at)

    @staticmethod
    def _count_play(
        conn: Connection, viewer: Viewer, item: LocatedItem, old: ItemState, played_at: int
    ) -> ItemState:
        if not may_record_play(my_data_store.privacy_choices(conn, viewer.user_id)):
            # History paused: no play, count or time is kept; the player still finished.
            new = replace(old, watched=old.watched or item.kind in RESUMABLE, position_ms=0)
            return activity_store.put_state(conn, viewer.user_id, item, new, _now())
        activity_store.add_play(conn, viewer.user_id, item, played_at)
        new = replace(
            old,
            play_count=old.play_count + 1,
            last_played_at=max(played_at, old.last_played_at or 0),
            watched=old.watched or item.kind in RESUMABLE,
            position_ms=0,
        )
        return activity_store.put_state(conn, viewer.user_id, item, new, _now())

    def set_watched(self, viewer: Viewer, item_id: str, watched: bool) -> int:
        """Mark a film or episode, or every episode of a season or show; returns how many
        episodes or films it marked. Marking clears resume points and counts no play."""
        now = _now()
        with self.catalogue.writing() as conn:
            item = activity_store.locate(conn, viewer, item_id)
            _require(item, WATCHABLE, "marked watched")
            if item.kind in (ItemKind.SHOW, ItemKind.SEASON):
                items = activity_store.episodes_under(conn, item)
            else:
                items = [item]
            return activity_store.mark_watched(conn, viewer.user_id, items, watched, now)

    def set_favourite(self, viewer: Viewer, item_id: str, favourite: bool) -> ItemState:
        with self.catalogue.writing() as conn:
            return self._favour(conn, viewer, item_id, favourite, _now())

    def set_favourites(self, viewer: Viewer, item_ids: list[str], favourite: bool) -> None:
        """Mark (or unmark) several items at once: all of them, or none when one is not
        found (a music app stars a song, its album and its artist in one call)."""
        now = _now()
        with self.catalogue.writing() as conn:
            for item_id in dict.fromkeys(item_ids):
                self._favour(conn, viewer, item_id, favourite, now)

    @staticmethod
    def _favour(
        conn: Connection, viewer: Viewer, item_id: str, favourite: bool, now: int
    ) -> ItemState:
        item = activity_store.locate(conn, viewer, item_id)
        old = activity_store.get_state(conn, viewer.user_id, item_id)
        if favourite == (old.favourite_at is not None):
            return old
        new = replace(old, favourite_at=now if favourite else None)
        return activity_store.put_state(conn, viewer.user_id, item, new, now)

    def set_rating(self, viewer: Viewer, item_id: str, rating: object) -> ItemState:
        """Rate 1..10, or None to clear the rating."""
        value = None if rating is None else check_rating(rating)
        now = _now()
        with self.catalogue.writing() as conn:
            item = activity_store.locate(conn, viewer, item_id)
            old = activity_store.get_state(conn, viewer.user_id, item_id)
            new = replace(old, rating=value)
            return activity_store.put_state(conn, viewer.user_id, item, new, now)

    # -- home-screen lists ---------------------------------------------------------------

    def continue_watching(self, viewer: Viewer, limit: int = 20) -> list[Summary]:
        with self.catalogue.reading() as conn:
            return home.continue_watching(conn, viewer, limit)

    def next_up(self, viewer: Viewer, limit: int = 20) -> list[Summary]:
        with self.catalogue.reading() as conn:
            return home.next_up(conn, viewer, limit)

    def history(
        self, viewer: Viewer, limit: int = 50, offset: int = 0
    ) -> tuple[list[Summary], int]:
        with self.catalogue.reading() as conn:
            return home.history(conn, viewer, limit, offset)

    def favourites(
        self, viewer: Viewer, kind: str | None = None, limit: int = 100, offset: int = 0
    ) -> tuple[list[Summary], int]:
        try:
            item_kind = None if kind is None else ItemKind(kind)
        except ValueError:
            kinds = ", ".join(k.value for k in ItemKind)
            raise InvalidInputError(f"'kind' must be one of {kinds}") from None
        with self.catalogue.reading() as conn:
            return home.favourites(conn, viewer, item_kind, limit, offset)

    def recently_added(self, viewer: Viewer, library_id: str, limit: int = 20) -> list[Summary]:
        with self.catalogue.reading() as conn:
            return home.recently_added(conn, viewer, library_id, limit)

    # -- playlists -----------------------------------------------------------------------

    def playlists(self, viewer: Viewer) -> list[dict[str, Any]]:
        with self.catalogue.reading() as conn:
            rows = playlist_store.list_owned(conn, viewer.user_id)
            return [
                row.as_json() | {"entries": len(self._visible_entries(conn, viewer, row))}
                for row in rows
            ]

    def create_playlist(
        self,
        viewer: Viewer,
        name: str,
        kind: str,
        comment: str | None = None,
        items: list[str] | None = None,
    ) -> dict[str, Any]:
        if kind not in PLAYLIST_KINDS:
            raise InvalidInputError("'kind' must be music or video")
        name, comment = _check_text(name, comment)
        now = _now()
        with self.catalogue.writing() as conn:
            row = playlist_store.create(conn, viewer.user_id, name, kind, comment, now)
            if items:
                self._write(conn, viewer, row, [(None, i) for i in items], now)
            return self._render(conn, viewer, row)

    def playlist(self, viewer: Viewer, playlist_id: str) -> dict[str, Any]:
        with self.catalogue.reading() as conn:
            row = playlist_store.owned(conn, viewer.user_id, playlist_id)
            return self._render(conn, viewer, row)

    def update_playlist(
        self, viewer: Viewer, playlist_id: str, name: str | None, comment: str | None
    ) -> dict[str, Any]:
        now = _now()
        with self.catalogue.writing() as conn:
            row = playlist_store.owned(conn, viewer.user_id, playlist_id)
            new_name, new_comment = _check_text(
                row.name if name is None else name, row.comment if comment is None else comment
            )
            row = playlist_store.rename(conn, row, new_name, new_comment, now)
            return self._render(conn, viewer, row)

    def edit_playlist(
        self,
        viewer: Viewer,
        playlist_id: str,
        *,
        remove_positions: list[int],
        add_items: list[str],
        name: str | None = None,
        comment: str | None = None,
    ) -> dict[str, Any]:
        """In one change (a music app's updatePlaylist): rename, drop the entries at
        ``remove_positions`` (0-based among those the viewer sees) and append
        ``add_items``. Entries the viewer cannot see stay where they are."""
        now = _now()
        with self.catalogue.writing() as conn:
            row = playlist_store.owned(conn, viewer.user_id, playlist_id)
            if name is not None or comment is not None:
                new_name, new_comment = _check_text(
                    row.name if name is None else name, row.comment if comment is None else comment
                )
                row = playlist_store.rename(conn, row, new_name, new_comment, now)
            shown = [entry["entry_id"] for entry in self._visible_entries(conn, viewer, row)]
            if any(not 0 <= at < len(shown) for at in remove_positions):
                raise InvalidInputError("a position to remove is not in the playlist")
            dropped = {shown[at] for at in remove_positions}
            entries: list[tuple[str | None, str]] = [
                entry for entry in playlist_store.entry_ids(conn, row.id) if entry[0] not in dropped
            ]
            entries += [(None, item_id) for item_id in add_items]
            self._write(conn, viewer, row, entries, now)
            return self._render(conn, viewer, row)

    def delete_playlist(self, viewer: Viewer, playlist_id: str) -> None:
        with self.catalogue.writing() as conn:
            playlist_store.remove(conn, playlist_store.owned(conn, viewer.user_id, playlist_id))

    def add_to_playlist(
        self, viewer: Viewer, playlist_id: str, items: list[str], position: int | None = None
    ) -> dict[str, Any]:
        """Insert items at ``position`` among the entries the viewer sees (default: end)."""
        now = _now()
        with self.catalogue.writing() as conn:
            row = playlist_store.owned(conn, viewer.user_id, playlist_id)
            entries: list[tuple[str | None, str]] = list(playlist_store.entry_ids(conn, row.id))
            at = self._insertion_index(conn, viewer, row, entries, position)
            entries[at:at] = [(None, item_id) for item_id in items]
            self._write(conn, viewer, row, entries, now)
            return self._render(conn, viewer, row)

    def replace_playlist_items(
        self, viewer: Viewer, playlist_id: str, items: list[str]
    ) -> dict[str, Any]:
        now = _now()
        with self.catalogue.writing() as conn:
            row = playlist_store.owned(conn, viewer.user_id, playlist_id)
            self._write(conn, viewer, row, [(None, item_id) for item_id in items], now)
            return self._render(conn, viewer, row)

    def remove_playlist_entry(self, viewer: Viewer, playlist_id: str, entry_id: str) -> None:
        now = _now()
        with self.catalogue.writing() as conn:
            row = playlist_store.owned(conn, viewer.user_id, playlist_id)
            entries: list[tuple[str | None, str]] = list(playlist_store.entry_ids(conn, row.id))
            kept = [entry for entry in entries if entry[0] != entry_id]
            if len(kept) == len(entries):
                raise _no_entry()
            playlist_store.write_order(conn, row.id, kept, now)

    def move_playlist_entry(
        self, viewer: Viewer, playlist_id: str, entry_id: str, position: int
    ) -> dict[str, Any]:
        """Move one entry to ``position`` (0-based) among the entries the viewer sees."""
        now = _now()
        with self.catalogue.writing() as conn:
            row = playlist_store.owned(conn, viewer.user_id, playlist_id)
            entries: list[tuple[str | None, str]] = list(playlist_store.entry_ids(conn, row.id))
            moving = [entry for entry in entries if entry[0] == entry_id]
            if not moving:
                raise _no_entry()
            entries.remove(moving[0])
            at = self._insertion_index(conn, viewer, row, entries, position)
            entries.insert(at, moving[0])
            playlist_store.write_order(conn, row.id, entries, now)
            return self._render(conn, viewer, row)

    # -- playlist helpers ------------------------------------------------------------------

    @staticmethod
    def _visible_entries(
        conn: Connection, viewer: Viewer, row: PlaylistRow
    ) -> list[dict[str, Any]]:
        entries = playlist_store.entry_ids(conn, row.id)
        found = summaries(conn, viewer, [item for _, item in entries], PLAYLIST_KINDS[row.kind])
        return [
            {"entry_id": entry_id} | found[item_id]
            for entry_id, item_id in entries
            if item_id in found
        ]

    def _insertion_index(
        self,
        conn: Connection,
        viewer: Viewer,
        row: PlaylistRow,
        entries: list[tuple[str | None, str]],
        position: int | None,
    ) -> int:
        """Where in the full list (hidden entries included) the ``position``-th visible
        entry sits; the end for None or a position past the last."""
        if position is None:
            return len(entries)
        if position < 0:
            raise InvalidInputError("'position' must be 0 or more")
        shown = {entry["entry_id"] for entry in self._visible_entries(conn, viewer, row)}
        seen = 0
        for index, (entry_id, _) in enumerate(entries):
            if entry_id in shown:
                if seen == position:
                    return index
                seen += 1
        return len(entries)

    def _render(self, conn: Connection, viewer: Viewer, row: PlaylistRow) -> dict[str, Any]:
        entries = self._visible_entries(conn, viewer, row)
        duration = sum(int(entry.get("duration_ms") or 0) for entry in entries)
        return row.as_json() | {"duration_ms": duration, "items": entries}

    @staticmethod
    def _write(
        conn: Connection,
        viewer: Viewer,
        row: PlaylistRow,
        entries: list[tuple[str | None, str]],
        now: int,
    ) -> None:
        """Check the new items (each must be visible and of the playlist's kind), then
        store the order."""
        if len(entries) > MAX_ENTRIES:
            raise InvalidInputError(f"a playlist holds at most {MAX_ENTRIES} entries")
        new_items = [item for entry_id, item in entries if entry_id is None]
        if any(not isinstance(item, str) for item in new_items):
            raise InvalidInputError("'items' must be a list of item ids")
        found = summaries(conn, viewer, new_items, PLAYLIST_KINDS[row.kind])
        missing = [item for item in new_items if item not in found]
        if missing:
            elsewhere = summaries(conn, viewer, missing, list(ItemKind))
            if len(elsewhere) < len(set(missing)):
                raise NotFoundError("no such item")  # or one the owner may not see
            what = "tracks" if row.kind == "music" else "films or episodes"
            raise InvalidInputError(f"a {row.kind} playlist holds {what} only")
        playlist_store.write_order(conn, row.id, entries, now)


def _check_text(name: str, comment: str | None) -> tuple[str, str | None]:
    clean = name.strip() if isinstance(name, str) else ""
    if not clean or len(clean) > 200 or any(ord(ch) < 32 for ch in clean):
        raise InvalidInputError("a playlist name is 1 to 200 printable characters")
    if comment is not None and (not isinstance(comment, str) or len(comment) > 2000):
        raise InvalidInputError("a playlist comment is text of at most 2000 characters")
    return clean, comment


def _no_entry() -> NotFoundError:
    return NotFoundError("no such entry in this playlist")
