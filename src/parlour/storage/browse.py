"""Read queries for browsing and search. Each takes the viewer and sees only the libraries
that viewer may see: the access rule lives here, once, and fails closed (a library that
is not granted is simply absent, in the rows and in the totals)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, bindparam, func, select, text

from parlour.domain.accounts import Viewer
from parlour.domain.errors import InvalidInputError, NotFoundError
from parlour.storage import schema as s
from parlour.storage.visibility import visible_libraries

MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


def _page(conn: Connection, query: Select[Any], limit: int, offset: int) -> Page:
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInputError(f"limit must be 1..{MAX_PAGE} and offset at least 0")
    total = int(conn.execute(select(func.count()).select_from(query.subquery())).scalar_one())
    rows = conn.execute(query.limit(limit).offset(offset)).all()
    return Page([_json_row(row._asdict()) for row in rows], total, limit, offset)


def _json_row(row: dict[Any, Any]) -> dict[str, Any]:
    return {str(key): value for key, value in row.items()}  # quoted_name keys to plain str


def _sorted(
    query: Select[Any], sort: str, order: str, columns: Mapping[str, ColumnElement[Any]]
) -> Select[Any]:
    """Sort only by allow-listed fields: a client's string never becomes SQL (AZ-07)."""
    if sort not in columns or order not in ("asc", "desc"):
        raise InvalidInputError(f"sort must be one of {sorted(columns)} and order asc or desc")
    column = columns[sort]
    primary = column.desc() if order == "desc" else column.asc()
    return query.order_by(primary, *[c.asc() for c in query.selected_columns if c.key == "id"])


def albums(
    conn: Connection,
    viewer: Viewer,
    *,
    library: str | None = None,
    artist: str | None = None,
    genre: str | None = None,
    year: int | None = None,
    sort: str = "title",
    order: str = "asc",
    limit: int = 100,
    offset: int = 0,
) -> Page:
    al = s.albums.c
    query = select(
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
        query = query.where(
            al.id.in_(
                select(s.album_artists.c.album_id).where(s.album_artists.c.artist_id == artist)
            )
        )
    if year is not None:
        query = query.where(al.year == year)
    if genre is not None:
        in_genre = (
            select(s.tracks.c.album_id)
            .join(s.track_genres, s.track_genres.c.track_id == s.tracks.c.id)
            .join(s.genres, s.genres.c.id == s.track_genres.c.genre_id)
            .where(s.genres.c.name == genre)
        )
        query = query.where(al.id.in_(in_genre))
    columns = {
        "title": al.sort_title,
        "year": al.year,
        "added": al.added_at,
        "artist": al.artist_name,
    }
    return _page(conn, _sorted(query, sort, order, columns), limit, offset)


def artists(
    conn: Connection,
    viewer: Viewer,
    *,
    library: str | None = None,
    sort: str = "name",
    order: str = "asc",
    limit: int = 100,
    offset: int = 0,
) -> Page:
    ar = s.artists.c
    query = select(ar.id, ar.library_id, ar.name, ar.added_at).where(
        ar.library_id.in_(visible_libraries(viewer))
    )
    if library is not None:
        query = query.where(ar.library_id == library)
    columns = {"name": ar.sort_name, "added": ar.added_at}
    return _page(conn, _sorted(query, sort, order, columns), limit, offset)


def movies(
    conn: Connection,
    viewer: Viewer,
    *,
    library: str | None = None,
    genre: str | None = None,
    year: int | None = None,
    sort: str = "title",
    order: str = "asc",
    limit: int = 100,
    offset: int = 0,
) -> Page:
    m = s.movies.c
    query = select(
        m.id, m.library_id, m.title, m.year, m.content_rating, m.poster_id, m.added_at
    ).where(m.library_id.in_(visible_libraries(viewer)))
    if library is not None:
        query = query.where(m.library_id == library)
    if year is not None:
        query = query.where(m.year == year)
    if genre is not None:
        in_genre = select(s.video_genres.c.video_id).join(s.genres).where(s.genres.c.name == genre)
        query = query.where(m.id.in_(in_genre))
    columns = {"title": m.sort_title, "year": m.year, "added": m.added_at}
    return _page(conn, _sorted(query, sort, order, columns), limit, offset)


def shows(
    conn: Connection,
    viewer: Viewer,
    *,
    library: str | None = None,
    sort: str = "title",
    order: str = "asc",
    limit: int = 100,
    offset: int = 0,
) -> Page:
    sh = s.shows.c
    query = select(sh.id, sh.library_id, sh.title, sh.year, sh.poster_id, sh.added_at).where(
        sh.library_id.in_(visible_libraries(viewer))
    )
    if library is not None:
        query = query.where(sh.library_id == library)
    columns = {"title": sh.sort_title, "year": sh.year, "added": sh.added_at}
    return _page(conn, _sorted(query, sort, order, columns), limit, offset)


def _one(conn: Connection, query: Select[Any], what: str) -> dict[str, Any]:
    row = conn.execute(query).first()
    if row is None:
        raise NotFoundError(f"no such {what}")  # also when it exists in another library
    return _json_row(row._asdict())


def album(conn: Connection, viewer: Viewer, album_id: str) -> dict[str, Any]:
    al, t = s.albums.c, s.tracks.c
    found = _one(
        conn,
        select(
            al.id, al.library_id, al.title, al.artist_name, al.year, al.compilation, al.cover_id
        ).where(al.id == album_id, al.library_id.in_(visible_libraries(viewer))),
        "album",
    )
    found["tracks"] = [
        _json_row(row._asdict())
        for row in conn.execute(
            select(t.id, t.title, t.artist_name, t.disc_no, t.track_no, t.duration_ms, t.codec)
            .where(t.album_id == album_id)
            .order_by(t.disc_no, t.track_no, t.sort_title)
        )
    ]
    return found


def artist(conn: Connection, viewer: Viewer, artist_id: str) -> dict[str, Any]:
    ar = s.artists.c
    found = _one(
        conn,
        select(ar.id, ar.library_id, ar.name).where(
            ar.id == artist_id, ar.library_id.in_(visible_libraries(viewer))
        ),
        "artist",
    )
    found["albums"] = albums(conn, viewer, artist=artist_id, sort="year", limit=MAX_PAGE).items
    return found


def show(conn: Connection, viewer: Viewer, show_id: str) -> dict[str, Any]:
    sh, se = s.shows.c, s.seasons.c
    found = _one(
        conn,
        select(sh.id, sh.library_id, sh.title, sh.year, sh.plot, sh.poster_id).where(
            sh.id == show_id, sh.library_id.in_(visible_libraries(viewer))
        ),
        "show",
    )
    episodes = func.count(s.episodes.c.id).label("episodes")
    found["seasons"] = [
        _json_row(row._asdict())
        for row in conn.execute(
            select(se.id, se.number, se.title, se.poster_id, episodes)
            .outerjoin(s.episodes, s.episodes.c.season_id == se.id)
            .where(se.show_id == show_id)
            .group_by(se.id, se.number, se.title, se.poster_id)
            .order_by(se.number)
        )
    ]
    return found


def season(conn: Connection, viewer: Viewer, season_id: str) -> dict[str, Any]:
    se, sh, e = s.seasons.c, s.shows.c, s.episodes.c
    found = _one(
        conn,
        select(se.id, se.show_id, se.number, se.title, sh.title.label("show_title"))
        .join(s.shows, sh.id == se.show_id)
        .where(se.id == season_id, sh.library_id.in_(visible_libraries(viewer))),
        "season",
    )
    found["episodes"] = [
        _json_row(row._asdict())
        for row in conn.execute(
            select(e.id, e.episode_number, e.episode_end, e.air_date, e.title)
            .where(e.season_id == season_id)
            .order_by(e.episode_number, e.air_date, e.title)
        )
    ]
    return found


# Tables whose rows are items with a library_id: what /items/{id} can show.
_ITEM_TABLES = {
    "track": s.tracks,
    "movie": s.movies,
    "episode": s.episodes,
    "photo": s.photos,
}
_PRIVATE_COLUMNS = frozenset({"gps_latitude", "gps_longitude", "gps_altitude", "file_id"})


def item(conn: Connection, viewer: Viewer, item_id: str) -> dict[str, Any]:
    """A track, film, episode or photo with its file facts, streams and subtitles."""
    visible = visible_libraries(viewer)
    for kind, table in _ITEM_TABLES.items():
        columns = [c for c in table.c if c.key not in _PRIVATE_COLUMNS]
        row = conn.execute(
            select(*columns, table.c.file_id).where(
                table.c.id == item_id, table.c.library_id.in_(visible)
            )
        ).first()
        if row is None:
            continue
        found = _json_row(row._asdict())
        file_id = found.pop("file_id")
        f = s.media_files.c
        facts = conn.execute(
            select(f.name, f.size, f.container, f.duration_ms, f.bitrate, f.mtime_ns).where(
                f.id == file_id
            )
        ).one()
        found["kind"] = kind
        found["file"] = _json_row(facts._asdict())
        st = s.media_streams.c
        found["streams"] = [
            _json_row(r._asdict())
            for r in conn.execute(
                select(*[c for c in s.media_streams.c if c.key != "file_id"])
                .where(st.file_id == file_id)
                .order_by(st.stream_index)
            )
        ]
        x = s.external_subtitles.c
        found["subtitles"] = [
            _json_row(r._asdict())
            for r in conn.execute(
                select(x.id, x.format, x.language, x.is_forced, x.is_sdh, x.is_default).where(
                    x.file_id == file_id
                )
            )
        ]
        return found
    raise NotFoundError("no such item")


def _fts_query(words: str) -> str:
    """User words as an FTS5 query of quoted prefix terms: no FTS syntax gets through."""
    terms = ["".join(ch for ch in word if ch.isalnum()) for word in words.split()]
    terms = [term for term in terms if term][:8]
    if not terms:
        raise InvalidInputError("search for at least one letter or digit")
    return " ".join(f'"{term}"*' for term in terms)


# The full-text match drives the query: CROSS JOIN keeps SQLite from looping over a
# library's entries and running MATCH once per row (seconds on 10,000 tracks).
# Title matches weigh most, then artist/album/show context, then cast and crew.
_SEARCH_FROM = (
    "FROM (SELECT rowid AS entry_id, bm25(search_fts, 10.0, 3.0, 1.0) AS rank"
    " FROM search_fts WHERE search_fts MATCH :q) AS m"
    " CROSS JOIN search_entries e ON e.entry_id = m.entry_id"
    " WHERE e.library_id IN :libs"
)
_SEARCH_COUNT = text("SELECT count(*) " + _SEARCH_FROM).bindparams(
    bindparam("libs", expanding=True)
)
_SEARCH_PAGE = text(
    "SELECT e.item_id AS id, e.kind, e.title, e.context, e.library_id "
    + _SEARCH_FROM
    + " ORDER BY m.rank LIMIT :limit OFFSET :offset"
).bindparams(bindparam("libs", expanding=True))


def search(
    conn: Connection, viewer: Viewer, words: str, *, limit: int = 50, offset: int = 0
) -> Page:
    """Items whose names, artists, albums, shows or people match ``words``, best first.

    SQLite-only (FTS5); PostgreSQL will use its own text search here.
    """
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInputError(f"limit must be 1..{MAX_PAGE} and offset at least 0")
    match = _fts_query(words)
    visible = list(conn.execute(visible_libraries(viewer)).scalars())
    if not visible:
        return Page([], 0, limit, offset)
    params: dict[str, Any] = {"q": match, "libs": visible, "limit": limit, "offset": offset}
    total = conn.execute(_SEARCH_COUNT, params).scalar_one()
    rows = conn.execute(_SEARCH_PAGE, params).all()
    return Page([_json_row(row._asdict()) for row in rows], int(total), limit, offset)
