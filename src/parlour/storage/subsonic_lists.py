"""The Subsonic API's lists of music: album lists by every order it names, random songs,
songs of a genre, the viewer's starred items and search by kind.

Each list is found as ids in one query (sorted, filtered, paged in SQL) and read as rows
in a second (``subsonic_music``); everything is limited to the scope's libraries.
Sorting and filtering come from fixed code paths chosen by name, and every value a
client gives is a bound parameter (AZ-07).
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    func,
    select,
)

from parlour.domain.activity import ItemKind
from parlour.storage import schema as s
from parlour.storage.subsonic_music import (
    INNER_TRACKS,
    STATE,
    Album,
    Artist,
    Scope,
    Song,
    albums_by_ids,
    artists_by_ids,
    songs_by_ids,
    state_of,
)

# The album lists of getAlbumList and getAlbumList2, by the names the API gives them.
ALBUM_LISTS = frozenset(
    {
        "random",
        "newest",
        "highest",
        "frequent",
        "recent",
        "alphabeticalByName",
        "alphabeticalByArtist",
        "starred",
        "byYear",
        "byGenre",
    }
)


def _has_genre(track_id: ColumnElement[Any], genre: str) -> ColumnElement[bool]:
    tg, g = s.track_genres.c, s.genres.c
    return track_id.in_(
        select(tg.track_id).join(s.genres, g.id == tg.genre_id).where(g.name == genre)
    )


def _first_artist_sort(album_id: ColumnElement[Any]) -> ColumnElement[Any]:
    aa, ar = s.album_artists.c, s.artists.c
    return (
        select(ar.sort_name)
        .join(s.album_artists, aa.artist_id == ar.id)
        .where(aa.album_id == album_id)
        .order_by(aa.position)
        .limit(1)
        .scalar_subquery()
    )


def _plays_by_album(scope: Scope, figure: ColumnElement[Any]) -> Any:
    """The viewer's ``figure`` (an aggregate of their track state) per album played."""
    st, it = STATE.c, INNER_TRACKS.c
    return (
        select(it.album_id, figure.label("figure"))
        .select_from(STATE)
        .join(INNER_TRACKS, it.id == st.item_id)
        .where(
            st.user_id == scope.viewer.user_id,
            st.kind == ItemKind.TRACK.value,
            st.play_count > 0,
        )
        .group_by(it.album_id)
        .subquery("played")
    )


def album_list(
    conn: Connection,
    scope: Scope,
    kind: str,
    size: int,
    offset: int,
    *,
    years: tuple[int, int] | None = None,
    genre: str | None = None,
) -> list[Album]:
    """One page of an album list (``kind`` in ALBUM_LISTS). ``byYear`` takes ``years``
    as given (from, to: the later first when from is the later); ``byGenre`` takes
    ``genre``, an album holding a track of it."""
    al, st = s.albums.c, STATE.c
    query: Select[Any] = select(al.id).where(scope.holds(al.library_id))
    order: list[Any]
    if kind == "random":
        order = [func.random()]
    elif kind == "newest":
        order = [al.added_at.desc(), al.id]
    elif kind == "alphabeticalByName":
        order = [al.sort_title, al.id]
    elif kind == "alphabeticalByArtist":
        order = [_first_artist_sort(al.id), al.sort_title, al.id]
    elif kind == "starred":
        query = query.join(STATE, and_(state_of(scope.viewer, al.id), st.favourite_at.is_not(None)))
        order = [st.favourite_at.desc(), al.id]
    elif kind == "highest":
        query = query.join(STATE, and_(state_of(scope.viewer, al.id), st.rating.is_not(None)))
        order = [st.rating.desc(), al.sort_title, al.id]
    elif kind in ("frequent", "recent"):
        figure = func.sum(st.play_count) if kind == "frequent" else func.max(st.last_played_at)
        played = _plays_by_album(scope, figure)
        query = query.join(played, played.c.album_id == al.id)
        order = [played.c.figure.desc(), al.id]
    elif kind == "byYear":
        if years is None:
            raise ValueError("byYear needs years")
        first, last = years
        query = query.where(al.year.between(min(years), max(years)))
        order = [al.year.desc() if first > last else al.year, al.sort_title, al.id]
    elif kind == "byGenre":
        if genre is None:
            raise ValueError("byGenre needs a genre")
        it = INNER_TRACKS.c
        query = query.where(al.id.in_(select(it.album_id).where(_has_genre(it.id, genre))))
        order = [al.sort_title, al.id]
    else:
        raise ValueError(f"no album list {kind!r}")
    ids = conn.execute(query.order_by(*order).limit(size).offset(offset)).scalars().all()
    return albums_by_ids(conn, scope, ids)


def _song_ids(scope: Scope) -> Select[Any]:
    t, al = s.tracks.c, s.albums.c
    return select(t.id).join(s.albums, al.id == t.album_id).where(scope.holds(t.library_id))


def random_songs(
    conn: Connection,
    scope: Scope,
    size: int,
    *,
    genre: str | None = None,
    from_year: int | None = None,
    to_year: int | None = None,
) -> list[Song]:
    t, al = s.tracks.c, s.albums.c
    year = func.coalesce(t.year, al.year)
    query = _song_ids(scope)
    if genre is not None:
        query = query.where(_has_genre(t.id, genre))
    if from_year is not None:
        query = query.where(year >= from_year)
    if to_year is not None:
        query = query.where(year <= to_year)
    ids = conn.execute(query.order_by(func.random()).limit(size)).scalars().all()
    return songs_by_ids(conn, scope, ids)


def songs_by_genre(
    conn: Connection, scope: Scope, genre: str, count: int, offset: int
) -> list[Song]:
    """Songs of a genre, album by album, in disc and track order."""
    t, al = s.tracks.c, s.albums.c
    query = (
        _song_ids(scope)
        .where(_has_genre(t.id, genre))
        .order_by(al.sort_title, t.album_id, t.disc_no, t.track_no, t.sort_title, t.id)
        .limit(count)
        .offset(offset)
    )
    return songs_by_ids(conn, scope, conn.execute(query).scalars().all())


def starred(conn: Connection, scope: Scope) -> tuple[list[Artist], list[Album], list[Song]]:
    """The viewer's starred artists, albums and songs in scope, the latest first."""
    st = STATE.c

    def ids(kind: ItemKind) -> Sequence[str]:
        query = (
            select(st.item_id)
            .where(
                st.user_id == scope.viewer.user_id,
                st.kind == kind.value,
                st.favourite_at.is_not(None),
            )
            .order_by(st.favourite_at.desc(), st.item_id)
        )
        return conn.execute(query).scalars().all()

    return (
        artists_by_ids(conn, scope, ids(ItemKind.ARTIST)),
        albums_by_ids(conn, scope, ids(ItemKind.ALBUM)),
        songs_by_ids(conn, scope, ids(ItemKind.TRACK)),
    )
