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
    String,
    and_,
    bindparam,
    column,
    func,
    select,
    text,
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
MAX_TERMS = 8


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


# -- search ----------------------------------------------------------------------------

# The full-text match drives these queries (CROSS JOIN: SQLite must not run MATCH once
# per entry of a library). An artist is found when they are an album artist, as
# getArtists lists them.
_FOUND = (
    " FROM search_fts m CROSS JOIN search_entries e ON e.entry_id = m.rowid"
    " WHERE search_fts MATCH :q AND e.library_id IN :libs"
    " AND (e.kind != 'artist'"
    " OR EXISTS (SELECT 1 FROM album_artists aa WHERE aa.artist_id = e.item_id))"
)
# A match of at most RANKED entries is ranked (bm25, title matches weighing most) in one
# pass for every kind; a broader one, where ranking every entry would cost more than it
# tells (bm25 over 11,000 entries takes 6 ms here), is paged in catalogue order, each
# page read only as far as it needs.
RANKED = 2000
_COUNT = text("SELECT count(*) FROM search_fts WHERE search_fts MATCH :q")
_RANKED = (
    text(
        "SELECT e.kind, e.item_id, bm25(search_fts, 10.0, 3.0, 1.0) AS rank"
        + _FOUND
        + " ORDER BY rank, e.item_id"
    )
    .bindparams(bindparam("libs", expanding=True))
    .columns(column("kind", String), column("item_id", String))
)
_BROAD = (
    text(
        "SELECT e.item_id"
        + _FOUND
        + " AND e.kind = :kind ORDER BY m.rowid LIMIT :limit OFFSET :offset"
    )
    .bindparams(bindparam("libs", expanding=True))
    .columns(column("item_id", String))
)


def fts_query(words: str) -> str | None:
    """The words as an FTS5 query of quoted prefix terms (no FTS syntax gets through),
    or None when they hold no letter or digit."""
    terms = ["".join(ch for ch in word if ch.isalnum()) for word in words.split()]
    terms = [term for term in terms if term][:MAX_TERMS]
    return " ".join(f'"{term}"*' for term in terms) if terms else None


_KINDS = {"artist": ItemKind.ARTIST, "album": ItemKind.ALBUM, "song": ItemKind.TRACK}


def _everything(scope: Scope, kind: str) -> Select[Any]:
    """Every artist (who is an album artist), album or song in scope, by name."""
    if kind == "artist":
        ar, aa = s.artists.c, s.album_artists.c
        return (
            select(ar.id)
            .where(scope.holds(ar.library_id), ar.id.in_(select(aa.artist_id)))
            .order_by(ar.sort_name, ar.id)
        )
    if kind == "album":
        al = s.albums.c
        return select(al.id).where(scope.holds(al.library_id)).order_by(al.sort_title, al.id)
    t = s.tracks.c
    return select(t.id).where(scope.holds(t.library_id)).order_by(t.sort_title, t.id)


def search_pages(
    conn: Connection,
    scope: Scope,
    words: str | None,
    pages: dict[str, tuple[int, int]],
    ranked: int = RANKED,
) -> dict[str, list[str]]:
    """A page of the ids of each kind ("artist", "album", "song") that match ``words``,
    best first (when at most ``ranked`` entries match): ``pages`` maps a kind to (count,
    offset). Every one in scope, by name, when ``words`` is None."""
    wanted = {kind: page for kind, page in pages.items() if page[0] > 0}
    found: dict[str, list[str]] = {kind: [] for kind in pages}
    if not wanted:
        return found
    if words is None:
        for kind, (count, offset) in wanted.items():
            query = _everything(scope, kind).limit(count).offset(offset)
            found[kind] = list(conn.execute(query).scalars())
        return found
    match = fts_query(words)
    if match is None:
        return found
    lib = s.libraries.c
    libs = list(conn.execute(select(lib.id).where(scope.holds(lib.id))).scalars())
    if not libs:
        return found
    if conn.execute(_COUNT, {"q": match}).scalar_one() <= ranked:
        by_kind: dict[str, list[str]] = {}
        for kind, item_id, _rank in conn.execute(_RANKED, {"q": match, "libs": libs}):
            by_kind.setdefault(kind, []).append(item_id)
        for kind, (count, offset) in wanted.items():
            found[kind] = by_kind.get(_KINDS[kind].value, [])[offset : offset + count]
        return found
    for kind, (count, offset) in wanted.items():
        values = {"q": match, "libs": libs, "kind": _KINDS[kind].value}
        rows = conn.execute(_BROAD, values | {"limit": count, "offset": offset})
        found[kind] = list(rows.scalars())
    return found
