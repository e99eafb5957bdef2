"""Writing what files turned out to be: tracks with their albums, artists and genres; films;
shows, seasons and episodes; photos; streams, chapters and search entries.

An item keeps its id when its file changes or moves, so that everything that points at it
later (history, playlists) survives; only its facts are rewritten.
"""

import time
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update

from parlour.domain.ids import new_id
from parlour.domain.media import AudioTags, VideoInfo
from parlour.domain.records import (
    EpisodeRecord,
    ItemRecord,
    MovieRecord,
    PhotoRecord,
    TrackRecord,
)
from parlour.storage import schema as s
from parlour.storage.engine import insert_rows

_ARTICLES = ("the ", "a ", "an ")
ITEM_TABLES: dict[type, Table] = {
    TrackRecord: s.tracks,
    MovieRecord: s.movies,
    EpisodeRecord: s.episodes,
    PhotoRecord: s.photos,
}


def sort_key(text: str) -> str:
    """How a title or name sorts: casefolded, without a leading article."""
    folded = text.casefold().strip()
    for article in _ARTICLES:
        if folded.startswith(article) and len(folded) > len(article):
            return folded[len(article) :]
    return folded


def name_key(text: str) -> str:
    return " ".join(text.casefold().split())


def artist_display(names: Sequence[str]) -> str:
    return " / ".join(names)


class ItemWriter:
    """Writes items of one library; caches names to ids for the length of one scan."""

    def __init__(self, library_id: str) -> None:
        self.library_id = library_id
        self._artists: dict[str, str] | None = None
        self._albums: dict[str, str] | None = None
        self._genres: dict[str, str] | None = None
        self._shows: dict[str, str] | None = None
        self._seasons: dict[tuple[str, int], str] | None = None
        self._pending: dict[str, list[dict[str, Any]]] = {}

    # -- lookups ---------------------------------------------------------------

    def _load(self, conn: Connection) -> None:
        if self._artists is not None:
            return
        lib = self.library_id
        self._artists = dict(
            conn.execute(
                select(s.artists.c.name_key, s.artists.c.id).where(s.artists.c.library_id == lib)
            ).all()
        )
        self._albums = dict(
            conn.execute(
                select(s.albums.c.album_key, s.albums.c.id).where(s.albums.c.library_id == lib)
            ).all()
        )
        self._genres = dict(conn.execute(select(s.genres.c.name, s.genres.c.id)).all())
        self._shows = dict(
            conn.execute(
                select(s.shows.c.show_key, s.shows.c.id).where(s.shows.c.library_id == lib)
            ).all()
        )
        self._seasons = {
            (show_id, number): season_id
            for season_id, show_id, number in conn.execute(
                select(s.seasons.c.id, s.seasons.c.show_id, s.seasons.c.number)
                .join(s.shows, s.shows.c.id == s.seasons.c.show_id)
                .where(s.shows.c.library_id == lib)
            ).all()
        }

    def forget(self) -> None:
        """Drop the caches: rows may have been removed by cleanup."""
        self._artists = self._albums = self._genres = self._shows = self._seasons = None

    def _pend(self, table: Table, row: dict[str, Any]) -> None:
        self._pending.setdefault(table.name, []).append(row)

    def _search(self, item_id: str, kind: str, title: str, context: str = "") -> None:
        """Queue the search entry of a newly made artist, album or show."""
        row = {"item_id": item_id, "kind": kind, "library_id": self.library_id}
        self._pend(s.search_entries, row | {"title": title, "context": context, "people": ""})

    def flush(self, conn: Connection) -> None:
        """Write the artists, albums and genres made since the last flush, parents first."""
        for table in (s.genres, s.artists, s.albums, s.album_artists, s.search_entries):
            rows = self._pending.pop(table.name, None)
            if rows:
                insert_rows(conn, table, rows)

    def _artist(self, conn: Connection, name: str, mbid: str | None, now: int) -> str:
        assert self._artists is not None
        key = name_key(name)
        artist_id = self._artists.get(key)
        if artist_id is None:
            artist_id = new_id()
            self._pend(
                s.artists,
                {
                    "id": artist_id,
                    "library_id": self.library_id,
                    "name": name,
                    "name_key": key,
                    "sort_name": sort_key(name),
                    "mbid": mbid,
                    "added_at": now,
                },
            )
            self._search(artist_id, "artist", name)
            self._artists[key] = artist_id
        return artist_id

    def genre(self, conn: Connection, name: str) -> str:
        """The id of a genre, made if new (written at the next ``flush``)."""
        self._load(conn)
        assert self._genres is not None
        genre_id = self._genres.get(name)
        if genre_id is None:
            genre_id = new_id()
            self._pend(s.genres, {"id": genre_id, "name": name})
            self._genres[name] = genre_id
        return genre_id

    def _album(self, conn: Connection, record: TrackRecord, now: int) -> str:
        assert self._albums is not None
        tags = record.tags
        if tags.mb_album_id:
            key = "mb:" + tags.mb_album_id.lower()
        else:
            key = name_key(artist_display(record.album_artists)) + "\x1f" + name_key(record.album)
        album_id = self._albums.get(key)
        if album_id is not None:
            return album_id
        album_id = new_id()
        display = artist_display(record.album_artists)
        self._pend(
            s.albums,
            {
                "id": album_id,
                "library_id": self.library_id,
                "title": record.album,
                "album_key": key,
                "sort_title": sort_key(record.album),
                "artist_name": display,
                "year": tags.year,
                "date": tags.date,
                "compilation": record.compilation,
                "mbid": tags.mb_album_id,
                "release_group_mbid": tags.mb_release_group_id,
                "added_at": now,
            },
        )
        mbids = tags.mb_album_artist_ids
        seen: set[str] = set()
        for position, name in enumerate(record.album_artists):
            mbid = mbids[position] if position < len(mbids) else None
            artist_id = self._artist(conn, name, mbid, now)
            if artist_id not in seen:
                seen.add(artist_id)
                row = {"album_id": album_id, "artist_id": artist_id, "position": position}
                self._pend(s.album_artists, row)
        self._search(album_id, "album", record.album, display)
        self._albums[key] = album_id
        return album_id

    # -- items -----------------------------------------------------------------

    def write_items(
        self, conn: Connection, entries: Sequence[tuple[str, bool, ItemRecord]], now: int
    ) -> None:
        """Create or rewrite the items of many files, keeping existing item ids.

        ``entries`` are (file_id, file_is_new, record). Rows are gathered per table and
        written with one executemany each: a scan writes thousands of tracks a second.
        """
        self._load(conn)
        known = [file_id for file_id, is_new, _ in entries if not is_new]
        existing: dict[str, tuple[Table, str]] = {}  # file id -> (item table, item id)
        if known:
            for table in ITEM_TABLES.values():
                for file_id, item_id in conn.execute(
                    select(table.c.file_id, table.c.id).where(table.c.file_id.in_(known))
                ):
                    existing[file_id] = (table, item_id)
            # A file whose item changed kind (rare) loses the old one before the new is made.
            for file_id, _is_new, record in entries:
                old = existing.get(file_id)
                if old is not None and old[0] is not ITEM_TABLES[type(record)]:
                    conn.execute(delete(old[0]).where(old[0].c.id == old[1]))
                    del existing[file_id]
        inserts: dict[str, list[dict[str, Any]]] = {}
        updates: dict[str, list[dict[str, Any]]] = {}
        search_rows: list[dict[str, Any]] = []
        track_links: list[tuple[str, TrackRecord]] = []
        for file_id, _is_new, record in entries:
            table = ITEM_TABLES[type(record)]
            if isinstance(record, TrackRecord):
                values, kind, title, context = self._track_values(conn, record, now)
            elif isinstance(record, MovieRecord):
                values = {
                    "title": record.title,
                    "sort_title": sort_key(record.title),
                    "year": record.year,
                }
                kind, title, context = "movie", record.title, str(record.year or "")
            elif isinstance(record, EpisodeRecord):
                values, context = self._episode_values(conn, record, file_id, now)
                kind, title = "episode", record.title
            else:
                values = self._photo_values(record)
                kind, title, context = "photo", record.title, ""
            if file_id in existing:
                item_id = existing[file_id][1]
                updates.setdefault(table.name, []).append({"item_id": item_id} | values)
            else:
                item_id = new_id()
                row = {
                    "id": item_id,
                    "library_id": self.library_id,
                    "file_id": file_id,
                    "added_at": now,
                }
                inserts.setdefault(table.name, []).append(row | values)
            if isinstance(record, TrackRecord):
                track_links.append((item_id, record))
            search_rows.append(
                {
                    "item_id": item_id,
                    "kind": kind,
                    "library_id": self.library_id,
                    "title": title,
                    "context": context,
                    "people": "",
                }
            )
        artist_rows, genre_rows = self._track_links(conn, track_links, now)
        self.flush(conn)  # albums, artists and genres before what refers to them
        for name, rows in inserts.items():
            insert_rows(conn, s.metadata.tables[name], rows)
        for name, rows in updates.items():
            table = s.metadata.tables[name]
            conn.execute(update(table).where(table.c.id == bindparam("item_id")), rows)
        if updates and track_links:
            ids = [track_id for track_id, _ in track_links]
            conn.execute(delete(s.track_artists).where(s.track_artists.c.track_id.in_(ids)))
            conn.execute(delete(s.track_genres).where(s.track_genres.c.track_id.in_(ids)))
        if artist_rows:
            insert_rows(conn, s.track_artists, artist_rows)
        if genre_rows:
            insert_rows(conn, s.track_genres, genre_rows)
        replaced = [row["item_id"] for name in updates for row in updates[name]]
        if replaced:
            conn.execute(delete(s.search_entries).where(s.search_entries.c.item_id.in_(replaced)))
        if search_rows:
            insert_rows(conn, s.search_entries, search_rows)

    def _track_values(
        self, conn: Connection, record: TrackRecord, now: int
    ) -> tuple[dict[str, Any], str, str, str]:
        tags: AudioTags = record.tags
        album_id = self._album(conn, record, now)
        display = artist_display(record.artists)
        values = {
            "album_id": album_id,
            "title": record.title,
            "sort_title": sort_key(record.title),
            "artist_name": display,
            "track_no": tags.track_no,
            "track_total": tags.track_total,
            "disc_no": tags.disc_no,
            "disc_total": tags.disc_total,
            "year": tags.year,
            "date": tags.date,
            "duration_ms": tags.duration_ms,
            "bitrate": tags.bitrate,
            "sample_rate": tags.sample_rate,
            "channels": tags.channels,
            "bit_depth": tags.bit_depth,
            "codec": tags.codec,
            "rg_track_gain": tags.rg_track_gain,
            "rg_track_peak": tags.rg_track_peak,
            "rg_album_gain": tags.rg_album_gain,
            "rg_album_peak": tags.rg_album_peak,
            "mb_recording_id": tags.mb_recording_id,
            "mb_track_id": tags.mb_track_id,
            "has_picture": tags.has_picture,
            "has_lyrics": tags.has_lyrics,
        }
        return values, "track", record.title, f"{display} {record.album}"

    def _track_links(
        self, conn: Connection, links: list[tuple[str, TrackRecord]], now: int
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The track-artist and track-genre rows of ``links`` (making new artists, genres)."""
        artist_rows: list[dict[str, Any]] = []
        genre_rows: list[dict[str, Any]] = []
        for track_id, record in links:
            mbids = record.tags.mb_artist_ids
            seen: set[str] = set()
            for position, name in enumerate(record.artists):
                mbid = mbids[position] if position < len(mbids) else None
                artist_id = self._artist(conn, name, mbid, now)
                if artist_id not in seen:
                    seen.add(artist_id)
                    artist_rows.append(
                        {"track_id": track_id, "artist_id": artist_id, "position": position}
                    )
            seen.clear()
            for position, name in enumerate(g.strip() for g in record.tags.genres):
                genre_id = self.genre(conn, name) if name else None
                if genre_id is not None and genre_id not in seen:
                    seen.add(genre_id)
                    genre_rows.append(
                        {"track_id": track_id, "genre_id": genre_id, "position": position}
                    )
        return artist_rows, genre_rows

    def _episode_values(
        self, conn: Connection, record: EpisodeRecord, file_id: str, now: int
    ) -> tuple[dict[str, Any], str]:
        assert self._shows is not None and self._seasons is not None
        key = name_key(record.show)
        show_id = self._shows.get(key)
        if show_id is None:
            show_id = new_id()
            folder_id = _top_folder(conn, file_id)
            conn.execute(
                insert(s.shows).values(
                    id=show_id,
                    library_id=self.library_id,
                    title=record.show,
                    show_key=key,
                    sort_title=sort_key(record.show),
                    year=record.show_year,
                    folder_id=folder_id,
                    added_at=now,
                )
            )
            self._search(show_id, "show", record.show)
            self._shows[key] = show_id
        season_id = self._seasons.get((show_id, record.season))
        if season_id is None:
            season_id = new_id()
            title = "Specials" if record.season == 0 else f"Season {record.season}"
            conn.execute(
                insert(s.seasons).values(
                    id=season_id, show_id=show_id, number=record.season, title=title, added_at=now
                )
            )
            self._seasons[(show_id, record.season)] = season_id
        values = {
            "show_id": show_id,
            "season_id": season_id,
            "season_number": record.season,
            "episode_number": record.episode,
            "episode_end": record.episode_end,
            "air_date": record.air_date,
            "title": record.title,
        }
        return values, record.show

    @staticmethod
    def _photo_values(record: PhotoRecord) -> dict[str, Any]:
        photo = record.photo
        return {
            "title": record.title,
            "format": photo.format,
            "width": photo.width,
            "height": photo.height,
            "taken_at": photo.taken_at,
            "camera_make": photo.camera_make,
            "camera_model": photo.camera_model,
            "orientation": photo.orientation,
            "gps_latitude": photo.latitude,
            "gps_longitude": photo.longitude,
            "gps_altitude": photo.altitude,
        }


def write_streams(conn: Connection, file_id: str, video: VideoInfo | None, *, fresh: bool) -> None:
    """Replace the streams and chapters recorded for a file (``fresh``: it has none yet)."""
    if not fresh:
        conn.execute(delete(s.media_streams).where(s.media_streams.c.file_id == file_id))
        conn.execute(delete(s.chapters).where(s.chapters.c.file_id == file_id))
    if video is None:
        return
    if video.streams:
        conn.execute(
            insert(s.media_streams),
            [
                {
                    "file_id": file_id,
                    "stream_index": st.index,
                    "type": st.type.value,
                    "codec": st.codec,
                    "profile": st.profile,
                    "level": st.level,
                    "language": st.language,
                    "title": st.title,
                    "width": st.width,
                    "height": st.height,
                    "frame_rate": st.frame_rate,
                    "bit_depth": st.bit_depth,
                    "hdr": st.hdr,
                    "channels": st.channels,
                    "channel_layout": st.channel_layout,
                    "sample_rate": st.sample_rate,
                    "bitrate": st.bitrate,
                    "is_default": st.is_default,
                    "is_forced": st.is_forced,
                }
                for st in video.streams
            ],
        )
    if video.chapters:
        conn.execute(
            insert(s.chapters),
            [
                {
                    "file_id": file_id,
                    "chapter_index": ch.index,
                    "start_ms": ch.start_ms,
                    "end_ms": ch.end_ms,
                    "title": ch.title,
                }
                for ch in video.chapters
            ],
        )


def delete_items(conn: Connection, file_ids: Iterable[str]) -> None:
    """Remove whatever items the files held (their file rows stay)."""
    ids = list(file_ids)
    if not ids:
        return
    for table in ITEM_TABLES.values():
        conn.execute(delete(table).where(table.c.file_id.in_(ids)))
    conn.execute(delete(s.media_streams).where(s.media_streams.c.file_id.in_(ids)))
    conn.execute(delete(s.chapters).where(s.chapters.c.file_id.in_(ids)))


def _top_folder(conn: Connection, file_id: str) -> str | None:
    """The folder directly under the root that holds a file: a show's own folder."""
    row = conn.execute(
        select(s.media_files.c.root_id, s.media_files.c.rel_path).where(
            s.media_files.c.id == file_id
        )
    ).one()
    top = bytes(row.rel_path).split(b"/", 1)[0]
    if top == bytes(row.rel_path):
        return None  # the file sits in the root itself
    return conn.execute(
        select(s.folders.c.id).where(
            s.folders.c.root_id == row.root_id, s.folders.c.rel_path == top
        )
    ).scalar()


def now_s() -> int:
    return int(time.time())
