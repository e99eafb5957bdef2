"""Browsing music as a viewer: albums, artists and tracks, lists and details.

Every query is limited to the libraries the viewer may see (``visibility``); music has
no content ratings.
"""

from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, or_, select

from parlour.domain.accounts import Viewer
from parlour.storage import schema as s
from parlour.storage.item_state import ViewerState
from parlour.storage.listing import (
    MAX_PAGE,
    FilterValue,
    Page,
    PageRequest,
    check_text,
    fetch_page,
    json_row,
    one_row,
    year_range,
)
from parlour.storage.visibility import visible_libraries


def _in_genre(track_id: ColumnElement[Any], genre: str) -> ColumnElement[bool]:
    tg, g = s.track_genres.c, s.genres.c
    return track_id.in_(
        select(tg.track_id).join(s.genres, g.id == tg.genre_id).where(g.name == genre)
    )


def albums(
    conn: Connection,
    viewer: Viewer,
    *,
    library: str | None = None,
    artist: str | None = None,
    genre: str | None = None,
    year: int | None = None,
    decade: int | None = None,
    added_since: int | None = None,
    favourite: bool | None = None,
    sort: str = "title",
    order: str = "asc",
    limit: int = 100,
    offset: int = 0,
    cursor: str | None = None,
) -> Page:
    al = s.albums.c
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
    if library is not None:
        query = query.where(al.library_id == library)
    if artist is not None:
        aa = s.album_artists.c
        query = query.where(al.id.in_(select(aa.album_id).where(aa.artist_id == artist)))
    query = query.where(*year_range(al.year, year, decade))
    if genre is not None:
        t = s.tracks.c
        query = query.where(al.id.in_(select(t.album_id).where(_in_genre(t.id, genre))))
    if added_since is not None:
        query = query.where(al.added_at >= added_since)
    if favourite is not None:
        query = query.where(state.favourite(favourite))
    filters: dict[str, FilterValue] = {
        "library": check_text("library", library),
        "artist": check_text("artist", artist),
        "genre": check_text("genre", genre),
        "year": year,
        "decade": decade,
        "added_since": added_since,
        "favourite": favourite,
    }
    sorts = {
        "title": [al.sort_title],
        "year": [al.year],
        "added": [al.added_at],
        "artist": [al.artist_name],
    }
    request = PageRequest(sort, order, limit, offset, cursor)
    return fetch_page(
        conn,
        query,
        scope="albums",
        id_column=al.id,
        sorts=sorts,
        request=request,
        filters=filters,
        state=state,
    )


def artists(
    conn: Connection,
    viewer: Viewer,
    *,
    library: str | None = None,
    favourite: bool | None = None,
    sort: str = "name",
    order: str = "asc",
    limit: int = 100,
    offset: int = 0,
    cursor: str | None = None,
) -> Page:
    ar = s.artists.c
    state = ViewerState(viewer)
    query: Select[Any] = select(ar.id, ar.library_id, ar.name, ar.added_at).where(
        ar.library_id.in_(visible_libraries(viewer))
    )
    if library is not None:
        query = query.where(ar.library_id == library)
    if favourite is not None:
        query = query.where(state.favourite(favourite))
    filters: dict[str, FilterValue] = {
        "library": check_text("library", library),
        "favourite": favourite,
    }
    sorts = {"name": [ar.sort_name], "added": [ar.added_at]}
    return fetch_page(
        conn,
        query,
        scope="artists",
        id_column=ar.id,
        sorts=sorts,
        request=PageRequest(sort, order, limit, offset, cursor),
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


def tracks(
    conn: Connection,
    viewer: Viewer,
    *,
    library: str | None = None,
    album: str | None = None,
    artist: str | None = None,
    genre: str | None = None,
    year: int | None = None,
    decade: int | None = None,
    added_since: int | None = None,
    favourite: bool | None = None,
    sort: str = "title",
    order: str = "asc",
    limit: int = 100,
    offset: int = 0,
    cursor: str | None = None,
) -> Page:
    """Tracks; ``artist`` matches a track's own artists and its album's artists."""
    t, al = s.tracks.c, s.albums.c
    state = ViewerState(viewer)
    query: Select[Any] = _track_columns().where(t.library_id.in_(visible_libraries(viewer)))
    if library is not None:
        query = query.where(t.library_id == library)
    if album is not None:
        query = query.where(t.album_id == album)
    if artist is not None:
        ta, aa = s.track_artists.c, s.album_artists.c
        query = query.where(
            or_(
                t.id.in_(select(ta.track_id).where(ta.artist_id == artist)),
                t.album_id.in_(select(aa.album_id).where(aa.artist_id == artist)),
            )
        )
    if genre is not None:
        query = query.where(_in_genre(t.id, genre))
    query = query.where(*year_range(t.year, year, decade))
    if added_since is not None:
        query = query.where(t.added_at >= added_since)
    if favourite is not None:
        query = query.where(state.favourite(favourite))
    filters: dict[str, FilterValue] = {
        "library": check_text("library", library),
        "album": check_text("album", album),
        "artist": check_text("artist", artist),
        "genre": check_text("genre", genre),
        "year": year,
        "decade": decade,
        "added_since": added_since,
        "favourite": favourite,
    }
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
        request=PageRequest(sort, order, limit, offset, cursor),
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
    found["albums"] = albums(conn, viewer, artist=artist_id, sort="year", limit=MAX_PAGE).items
    return found
