"""Music as the Subsonic API shows it: songs, albums and artists with the figures its
clients expect (song and album counts, durations, the first genre, the viewer's stars,
ratings and plays), for a viewer.

Every query is limited to the libraries the viewer may see (``visibility``), and to one
of them when the client names a music folder (``Scope``); an item outside is simply
absent, and asking for it by id is NotFoundError. A list is read in at most two
queries, whatever its length: the ids in order, then the rows of those ids (the per-item
figures are correlated subqueries on indexed columns, evaluated for the page only).
"""

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Select,
    and_,
    bindparam,
    cast,
    func,
    select,
)

from parlour.domain.accounts import Viewer
from parlour.domain.errors import NotFoundError
from parlour.storage import prepared
from parlour.storage import schema as s
from parlour.storage.visibility import visible_libraries

# Made once (an alias copies every column): the viewer's own rows of user state, and
# the tables the per-item subqueries read, kept apart from an outer query's.
STATE = s.user_item_state.alias("subsonic_state")
INNER_TRACKS = s.tracks.alias("inner_tracks")
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose request (their granted libraries) and, when the client named a music
    folder, the one library it stands for (already checked to be visible)."""

    viewer: Viewer
    library_id: str | None = None

    def holds(self, library_id: ColumnElement[Any]) -> ColumnElement[bool]:
        """SQL truth of "the row of this library is in scope", for a list that the
        libraries drive (the database may seek rows by library)."""
        rule = library_id.in_(visible_libraries(self.viewer))
        return self._narrowed(rule, library_id)

    def admits(self, library_id: ColumnElement[Any]) -> ColumnElement[bool]:
        """The same truth as a probe per row, for rows found by id: as an IN on the
        library column, SQLite would rather walk the whole library than look the ids up
        (a page of 500 songs out of 10,000: 1 ms against 7 to 12)."""
        visible = visible_libraries(self.viewer)
        rule = visible.where(visible.selected_columns[0] == library_id).exists()
        return self._narrowed(rule, library_id)

    def _narrowed(
        self, rule: ColumnElement[bool], library_id: ColumnElement[Any]
    ) -> ColumnElement[bool]:
        if self.library_id is None:
            return rule
        return and_(rule, library_id == self.library_id)


@dataclass(slots=True)
class Song:
    id: str
    album_id: str
    title: str
    album: str
    artist: str
    artist_id: str | None  # the first of the track's artists
    track: int | None
    disc: int | None
    year: int | None
    genre: str | None  # the first of the track's genres
    cover_id: str | None  # the album's artwork
    size: int
    path: str  # relative to its library root, never a host path
    duration_ms: int
    bitrate: int | None  # bits per second
    created: int  # unix seconds: when the scan first found it
    starred_at: int | None
    rating: int | None  # 1..10
    play_count: int
    content_type: str = "application/octet-stream"  # filled in by the service

    @property
    def suffix(self) -> str:
        return os.path.splitext(self.path)[1].lstrip(".").lower()


@dataclass(frozen=True, slots=True)
class Album:
    id: str
    name: str
    artist: str
    artist_id: str | None  # the first album artist
    cover_id: str | None
    song_count: int
    duration_ms: int
    created: int
    year: int | None
    genre: str | None  # the first genre of its first track
    starred_at: int | None
    rating: int | None


@dataclass(frozen=True, slots=True)
class Artist:
    id: str
    name: str
    sort_name: str
    album_count: int  # albums they are an album artist of, in scope
    cover_id: str | None  # the artwork of one of those albums
    starred_at: int | None
    rating: int | None


def state_of(viewer: Viewer, item_id: ColumnElement[Any]) -> ColumnElement[bool]:
    st = STATE.c
    return and_(st.user_id == viewer.user_id, st.item_id == item_id)


def _song_query(viewer: Viewer) -> Select[Any]:
    t, al, f, st = s.tracks.c, s.albums.c, s.media_files.c, STATE.c
    ta, tg, g = s.track_artists.c, s.track_genres.c, s.genres.c
    artist_id = (
        select(ta.artist_id)
        .where(ta.track_id == t.id)
        .order_by(ta.position)
        .limit(1)
        .scalar_subquery()
    )
    genre = (
        select(g.name)
        .join(s.track_genres, tg.genre_id == g.id)
        .where(tg.track_id == t.id)
        .order_by(tg.position)
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(
            t.id,
            t.album_id,
            t.title,
            al.title.label("album"),
            t.artist_name,
            artist_id.label("artist_id"),
            t.track_no,
            t.disc_no,
            func.coalesce(t.year, al.year).label("year"),
            genre.label("genre"),
            al.cover_id,
            f.size,
            f.rel_path,
            t.duration_ms,
            t.bitrate,
            t.added_at,
            st.favourite_at,
            st.rating,
            func.coalesce(st.play_count, 0).label("play_count"),
        )
        .select_from(s.tracks)
        .join(s.albums, al.id == t.album_id)
        .join(s.media_files, f.id == t.file_id)
        .outerjoin(STATE, state_of(viewer, t.id))
    )


def _song(row: Any) -> Song:
    """A row of ``_song_query``, whose columns are in the order of Song's fields."""
    values = list(row)
    values[12] = bytes(values[12]).decode("utf-8", "replace")  # the path, stored as bytes
    return Song(*values)


def _album_query(viewer: Viewer) -> Select[Any]:
    al, st, aa = s.albums.c, STATE.c, s.album_artists.c
    it, tg, g = INNER_TRACKS.c, s.track_genres.c, s.genres.c
    song_count = select(func.count()).where(it.album_id == al.id).scalar_subquery()
    duration = (
        select(cast(func.coalesce(func.sum(it.duration_ms), 0), BigInteger))
        .where(it.album_id == al.id)
        .scalar_subquery()
    )
    artist_id = (
        select(aa.artist_id)
        .where(aa.album_id == al.id)
        .order_by(aa.position)
        .limit(1)
        .scalar_subquery()
    )
    first_track = (
        select(it.id)
        .where(it.album_id == al.id)
        .order_by(it.disc_no, it.track_no, it.id)
        .limit(1)
        .correlate(s.albums)  # two levels down: name the outer table
        .scalar_subquery()
    )
    genre = (  # the first genre of the first track: half the time of one sorted join
        select(g.name)
        .join(s.track_genres, tg.genre_id == g.id)
        .where(tg.track_id == first_track)
        .order_by(tg.position)
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(
            al.id,
            al.title,
            al.artist_name,
            artist_id.label("artist_id"),
            al.cover_id,
            song_count.label("song_count"),
            duration.label("duration_ms"),
            al.added_at,
            al.year,
            genre.label("genre"),
            st.favourite_at,
            st.rating,
        )
        .select_from(s.albums)
        .outerjoin(STATE, state_of(viewer, al.id))
    )


def _album(row: Any) -> Album:
    return Album(*row)  # the columns of _album_query are in the order of Album's fields


def _artist_query(scope: Scope) -> Select[Any]:
    """Artists with how many albums in scope they are an album artist of."""
    ar, aa, al, st = s.artists.c, s.album_artists.c, s.albums.c, STATE.c
    return (
        select(
            ar.id,
            ar.name,
            ar.sort_name,
            func.count(al.id).label("album_count"),
            func.max(al.cover_id).label("cover_id"),
            st.favourite_at,
            st.rating,
        )
        .select_from(s.artists)
        .outerjoin(s.album_artists, aa.artist_id == ar.id)
        .outerjoin(s.albums, and_(al.id == aa.album_id, scope.holds(al.library_id)))
        .outerjoin(STATE, state_of(scope.viewer, ar.id))
        .where(scope.holds(ar.library_id))
        .group_by(ar.id, ar.name, ar.sort_name, st.favourite_at, st.rating)
    )


def _artist(row: Any) -> Artist:
    return Artist(*row)  # the columns of _artist_query are in the order of Artist's fields


def listed(ids_column: ColumnElement[Any]) -> ColumnElement[bool]:
    """SQL truth of "the row is one of the ids bound as :ids" (a JSON array): the
    statement's text is the same for any number of ids, so it is built and compiled once."""
    ids = func.json_each(bindparam("ids")).table_valued("value")
    return ids_column.in_(select(ids.c.value))


def by_ids(
    conn: Connection, ids: Sequence[str], statement: Select[Any], build: Callable[[Any], _T]
) -> list[_T]:
    """What ``statement`` (filtered by ``listed``) finds for ``ids``, built by ``build``
    and in the order of ``ids``; ids it does not find are left out."""
    if not ids:
        return []
    found = {
        row[0]: build(row) for row in prepared.rows(conn, statement, {"ids": json.dumps(list(ids))})
    }
    return [found[item_id] for item_id in ids if item_id in found]


# -- by id ---------------------------------------------------------------------------


# The by-id statements of a scope, built once: SQLAlchemy takes 0.3-0.8 ms to build one
# (correlated subqueries and the visibility probe), more than SQLite takes to run it. The
# statement depends only on the scope (viewer, libraries, music folder), so it is kept
# for the last scopes seen; the ids are bound when it runs.
_SCOPES = 256


@lru_cache(maxsize=_SCOPES)
def _songs_in(scope: Scope) -> Select[Any]:
    t = s.tracks.c
    return _song_query(scope.viewer).where(scope.admits(t.library_id), listed(t.id))


@lru_cache(maxsize=_SCOPES)
def _albums_in(scope: Scope) -> Select[Any]:
    al = s.albums.c
    return _album_query(scope.viewer).where(scope.admits(al.library_id), listed(al.id))


@lru_cache(maxsize=_SCOPES)
def _artists_in(scope: Scope) -> Select[Any]:
    return _artist_query(scope).where(listed(s.artists.c.id))


def songs_by_ids(conn: Connection, scope: Scope, ids: Sequence[str]) -> list[Song]:
    """The songs among ``ids`` that are in scope, in the order of ``ids``."""
    return by_ids(conn, ids, _songs_in(scope), _song)


def albums_by_ids(conn: Connection, scope: Scope, ids: Sequence[str]) -> list[Album]:
    return by_ids(conn, ids, _albums_in(scope), _album)


def artists_by_ids(conn: Connection, scope: Scope, ids: Sequence[str]) -> list[Artist]:
    return by_ids(conn, ids, _artists_in(scope), _artist)


def song(conn: Connection, viewer: Viewer, song_id: str) -> Song:
    found = songs_by_ids(conn, Scope(viewer), [song_id])
    if not found:
        raise NotFoundError("Song not found")  # also when the viewer may not see it
    return found[0]


def album(conn: Connection, viewer: Viewer, album_id: str) -> Album:
    found = albums_by_ids(conn, Scope(viewer), [album_id])
    if not found:
        raise NotFoundError("Album not found")
    return found[0]


def artist(conn: Connection, viewer: Viewer, artist_id: str) -> Artist:
    found = artists_by_ids(conn, Scope(viewer), [artist_id])
    if not found:
        raise NotFoundError("Artist not found")
    return found[0]


# -- what is inside --------------------------------------------------------------------


@lru_cache(maxsize=_SCOPES)
def _album_songs_of(scope: Scope) -> Select[Any]:
    t = s.tracks.c
    return (
        _song_query(scope.viewer)
        .where(t.album_id == bindparam("album"), scope.admits(t.library_id))
        .order_by(t.disc_no, t.track_no, t.sort_title, t.id)
    )


def album_songs(conn: Connection, viewer: Viewer, album_id: str) -> list[Song]:
    """An album's songs by disc and track (the album is known to be visible)."""
    found = prepared.rows(conn, _album_songs_of(Scope(viewer)), {"album": album_id})
    return [_song(row) for row in found]


@lru_cache(maxsize=_SCOPES)
def _artist_albums_of(scope: Scope) -> Select[Any]:
    al, aa = s.albums.c, s.album_artists.c
    return (
        _album_query(scope.viewer)
        .where(
            al.id.in_(select(aa.album_id).where(aa.artist_id == bindparam("artist"))),
            scope.admits(al.library_id),
        )
        .order_by(al.year.is_(None), al.year, al.sort_title, al.id)
    )


def artist_albums(conn: Connection, viewer: Viewer, artist_id: str) -> list[Album]:
    """The albums an artist is an album artist of, oldest first."""
    found = prepared.rows(conn, _artist_albums_of(Scope(viewer)), {"artist": artist_id})
    return [_album(row) for row in found]


def album_artists(conn: Connection, scope: Scope) -> list[Artist]:
    """Every artist in scope who is an album artist of something, by sort name."""
    ar = s.artists.c
    query = (
        _artist_query(scope)
        .having(func.count(s.albums.c.id) > 0)
        .order_by(ar.sort_name, ar.name, ar.id)
    )
    return [_artist(row) for row in conn.execute(query)]


def last_scan(conn: Connection, scope: Scope) -> int:
    """When the music in scope last changed, as far as scans tell (unix seconds; 0 if
    never scanned)."""
    lib = s.libraries.c
    query = select(func.max(lib.last_scan_at)).where(lib.kind == "music", scope.holds(lib.id))
    return int(conn.execute(query).scalar_one() or 0)
