"""Browsing music as a viewer: albums, artists and tracks, lists and details.

Every query is limited to the libraries the viewer may see (``visibility``); music has
no content ratings.
"""

from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, distinct, func, or_, select

from parlour.domain.accounts import Viewer
from parlour.storage import schema as s
from parlour.storage.item_state import ViewerState
from parlour.storage.listing import (
    MAX_PAGE,
    ListRequest,
    Page,
    fetch_page,
    filter_list,
    json_row,
    one_row,
)
from parlour.storage.visibility import visible_libraries


def _in_genre(track_id: ColumnElement[Any], genre: str) -> ColumnElement[bool]:
    tg, g = s.track_genres.c, s.genres.c
    return track_id.in_(
        select(tg.track_id).join(s.genres, g.id == tg.genre_id).where(g.name == genre)
    )


def _album_by(album_id: ColumnElement[Any], artist: str) -> ColumnElement[bool]:
    aa = s.album_artists.c
    return album_id.in_(select(aa.album_id).where(aa.artist_id == artist))


def albums(conn: Connection, viewer: Viewer, request: ListRequest) -> Page:
    """Albums; ``genre`` matches an album holding a track of that genre."""
    al, t = s.albums.c, s.tracks.c
    state = ViewerState(viewer)
    query: Select[Any] = select(
        al.id,
        al.library_id,
        al.title,
        al.artist_name,
        al.year,
        al.compilation,
        al.cover_id,
        al.added_at,
    ).where(al.library_id.in_(visible_libraries(viewer)))
    query, filters = filter_list(
        query,
        request,
        state,
        library=al.library_id,
        artist=lambda artist: _album_by(al.id, artist),
        genre=lambda genre: al.id.in_(select(t.album_id).where(_in_genre(t.id, genre))),
        year=al.year,
        added_at=al.added_at,
    )
    sorts = {
        "title": [al.sort_title],
        "year": [al.year],
        "added": [al.added_at],
        "artist": [al.artist_name],
    }
    return fetch_page(
        conn,
        query,
        scope="albums",
        id_column=al.id,
        sorts=sorts,
        request=request.page("title", filters),
        filters=filters,
        state=state,
    )


def artists(conn: Connection, viewer: Viewer, request: ListRequest) -> Page:
    ar = s.artists.c
    state = ViewerState(viewer)
    query: Select[Any] = select(ar.id, ar.library_id, ar.name, ar.added_at).where(
        ar.library_id.in_(visible_libraries(viewer))
    )
    query, filters = filter_list(query, request, state, library=ar.library_id)
    return fetch_page(
        conn,
        query,
        scope="artists",
        id_column=ar.id,
        sorts={"name": [ar.sort_name], "added": [ar.added_at]},
        request=request.page("name", filters),
        filters=filters,
        state=state,
    )


def _track_columns() -> Select[Any]:
    t, al = s.tracks.c, s.albums.c
    return select(
        t.id,
        t.library_id,
        t.album_id,
        al.title.label("album_title"),
        t.title,
        t.artist_name,
        t.disc_no,
        t.track_no,
        t.year,
        t.duration_ms,
        t.codec,
        t.added_at,
    ).join_from(s.tracks, s.albums, al.id == t.album_id)


def _track_by(artist: str) -> ColumnElement[bool]:
    t, ta = s.tracks.c, s.track_artists.c
    return or_(
        t.id.in_(select(ta.track_id).where(ta.artist_id == artist)),
        _album_by(t.album_id, artist),
    )


def tracks(conn: Connection, viewer: Viewer, request: ListRequest) -> Page:
    """Tracks; ``artist`` matches a track's own artists and its album's artists."""
    t, al = s.tracks.c, s.albums.c
    state = ViewerState(viewer)
    query: Select[Any] = _track_columns().where(t.library_id.in_(visible_libraries(viewer)))
    query, filters = filter_list(
        query,
        request,
        state,
        library=t.library_id,
        album=lambda album: t.album_id == album,
        artist=_track_by,
        genre=lambda genre: _in_genre(t.id, genre),
        year=t.year,
        added_at=t.added_at,
    )
    in_album = [t.disc_no, t.track_no]
    sorts = {
        "title": [t.sort_title],
        "album": [al.sort_title, t.album_id, *in_album],
        "artist": [t.artist_name, al.sort_title, t.album_id, *in_album],
        "year": [t.year],
        "added": [t.added_at],
        "duration": [t.duration_ms],
    }
    return fetch_page(
        conn,
        query,
        scope="tracks",
        id_column=t.id,
        sorts=sorts,
        request=request.page("title", filters),
        filters=filters,
        state=state,
    )


def album(conn: Connection, viewer: Viewer, album_id: str) -> dict[str, Any]:
    """An album with its tracks in disc and track order, each with the viewer's state."""
    al, t = s.albums.c, s.tracks.c
    state = ViewerState(viewer)
    found = one_row(
        conn,
        state.join(
            select(
                al.id, al.library_id, al.title, al.artist_name, al.year, al.compilation, al.cover_id
            ).where(al.id == album_id, al.library_id.in_(visible_libraries(viewer))),
            al.id,
        ),
        "album",
    )
    listed = select(t.id, t.title, t.artist_name, t.disc_no, t.track_no, t.duration_ms, t.codec)
    found["tracks"] = [
        json_row(row)
        for row in conn.execute(
            state.join(listed.where(t.album_id == album_id), t.id).order_by(
                t.disc_no, t.track_no, t.sort_title, t.id
            )
        )
    ]
    return found


def artist(conn: Connection, viewer: Viewer, artist_id: str) -> dict[str, Any]:
    """An artist with their albums by year (each album with the viewer's state)."""
    ar = s.artists.c
    found = one_row(
        conn,
        ViewerState(viewer).join(
            select(ar.id, ar.library_id, ar.name).where(
                ar.id == artist_id, ar.library_id.in_(visible_libraries(viewer))
            ),
            ar.id,
        ),
        "artist",
    )
    request = ListRequest(artist=artist_id, sort="year", limit=MAX_PAGE)
    found["albums"] = albums(conn, viewer, request).items
    return found


def genres(conn: Connection, viewer: Viewer) -> list[dict[str, Any]]:
    """The genres of the tracks the viewer may see, by name, each with how many albums
    and tracks have it (a genre only other libraries use is not listed)."""
    g, tg, t = s.genres.c, s.track_genres.c, s.tracks.c
    query = (
        select(
            g.name,
            func.count(distinct(t.album_id)).label("albums"),
            func.count(distinct(t.id)).label("tracks"),
        )
        .select_from(s.genres)
        .join(s.track_genres, tg.genre_id == g.id)
        .join(s.tracks, t.id == tg.track_id)
        .where(t.library_id.in_(visible_libraries(viewer)))
        .group_by(g.id, g.name)
        .order_by(func.lower(g.name), g.name)
    )
    return [json_row(row) for row in conn.execute(query)]
