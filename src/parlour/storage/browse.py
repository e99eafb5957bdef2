"""Read queries for browsing and search, always for a viewer, who sees only what the
rules of ``visibility`` allow: granted libraries, and films and shows within their
content rating limit. Both fail closed: what may not be seen is simply absent, in the
rows, in the totals and in search.

The lists live by subject (``browse_music``, ``browse_video``, ``browse_folders``) and
are gathered here, so that ``browse.albums`` and the like are the one place to call;
item details and search are here.
"""

from typing import Any

from sqlalchemy import (
    Connection,
    Float,
    FromClause,
    String,
    bindparam,
    column,
    select,
    text,
)

from parlour.domain.accounts import Viewer
from parlour.domain.errors import InvalidInputError, NotFoundError
from parlour.storage import schema as s
from parlour.storage.browse_folders import folder, library_folders
from parlour.storage.browse_music import album, albums, artist, artists, tracks
from parlour.storage.browse_video import movies, season, show, shows
from parlour.storage.fts import prefix_query, search_terms
from parlour.storage.item_state import ViewerState
from parlour.storage.library_store import photo_locations_shown
from parlour.storage.listing import MAX_PAGE, ListRequest, Page, fetch_page, json_row
from parlour.storage.visibility import (
    is_rating_limited,
    movie_visible,
    rating_allows_item,
    show_visible,
    visible_libraries,
)

__all__ = [
    "MAX_PAGE",
    "ListRequest",
    "Page",
    "album",
    "albums",
    "artist",
    "artists",
    "folder",
    "item",
    "library_folders",
    "movies",
    "search",
    "season",
    "show",
    "shows",
    "tracks",
]

# What /items/{id} can show; columns that never leave the storage layer.
_ITEM_TABLES: dict[str, FromClause] = {
    "track": s.tracks,
    "movie": s.movies,
    "episode": s.episodes,
    "photo": s.photos,
}
_PRIVATE_COLUMNS = frozenset({"gps_latitude", "gps_longitude", "gps_altitude", "file_id"})


def _item_rule(viewer: Viewer, kind: str, table: FromClause) -> Any:
    if kind == "movie":
        return movie_visible(viewer)
    if kind == "episode":
        return show_visible(viewer)  # an episode is visible with its show
    return table.c.library_id.in_(visible_libraries(viewer))


def item(conn: Connection, viewer: Viewer, item_id: str) -> dict[str, Any]:
    """A track, film, episode or photo with its file facts, streams, subtitles and the
    viewer's state."""
    state = ViewerState(viewer)
    for kind, table in _ITEM_TABLES.items():
        columns = [c for c in table.c if c.key not in _PRIVATE_COLUMNS]
        query = select(*columns, table.c.file_id).where(
            table.c.id == item_id, _item_rule(viewer, kind, table)
        )
        if kind == "episode":
            query = query.join(s.shows, s.shows.c.id == table.c.show_id)
        row = conn.execute(state.join(query, table.c.id)).first()
        if row is None:
            continue
        found = json_row(row)
        file_id = found.pop("file_id")
        f = s.media_files.c
        facts = conn.execute(
            select(f.name, f.size, f.container, f.duration_ms, f.bitrate, f.mtime_ns).where(
                f.id == file_id
            )
        ).one()
        found["kind"] = kind
        found["file"] = json_row(facts)
        if kind == "photo":
            found |= _photo_location(conn, item_id, found["library_id"])
        st = s.media_streams.c
        found["streams"] = [
            json_row(r)
            for r in conn.execute(
                select(*[c for c in s.media_streams.c if c.key != "file_id"])
                .where(st.file_id == file_id)
                .order_by(st.stream_index)
            )
        ]
        x = s.external_subtitles.c
        found["subtitles"] = [
            json_row(r)
            for r in conn.execute(
                select(x.id, x.format, x.language, x.is_forced, x.is_sdh, x.is_default).where(
                    x.file_id == file_id
                )
            )
        ]
        if kind in ("movie", "episode"):
            found |= _credits(conn, item_id)
        return found
    raise NotFoundError("no such item")


def _credits(conn: Connection, video_id: str) -> dict[str, Any]:
    """A film's or an episode's genres and its cast and crew, in the order the .nfo gave."""
    vg, g, c, p = s.video_genres.c, s.genres.c, s.credits.c, s.people.c
    genres = conn.execute(
        select(g.name)
        .join(s.video_genres, vg.genre_id == g.id)
        .where(vg.video_id == video_id)
        .order_by(vg.position)
    ).scalars()
    people = conn.execute(
        select(p.name, c.role, c.character)
        .join(s.credits, c.person_id == p.id)
        .where(c.video_id == video_id)
        .order_by(c.position)
    )
    return {"genres": list(genres), "credits": [json_row(row) for row in people]}


def _photo_location(conn: Connection, photo_id: str, library_id: str) -> dict[str, Any]:
    """A photo's GPS position, only when its library's owner shows locations; null when
    hidden or not recorded (``locations_shown`` tells which)."""
    if not photo_locations_shown(conn, library_id):
        return {"locations_shown": False, "location": None}
    p = s.photos.c
    row = conn.execute(
        select(p.gps_latitude, p.gps_longitude, p.gps_altitude).where(p.id == photo_id)
    ).one()
    location = None
    if row.gps_latitude is not None and row.gps_longitude is not None:
        location = {
            "latitude": row.gps_latitude,
            "longitude": row.gps_longitude,
            "altitude": row.gps_altitude,
        }
    return {"locations_shown": True, "location": location}


def _fts_query(words: str) -> str:
    terms = search_terms(words)
    if not terms:
        raise InvalidInputError("search for at least one letter or digit")
    return prefix_query(terms)


# The full-text match drives the query: CROSS JOIN keeps SQLite from looping over a
# library's entries and running MATCH once per row (seconds on 10,000 tracks).
# Title matches weigh most, then artist/album/show context, then cast and crew.
_HITS = (
    text(
        "SELECT e.item_id AS id, e.kind AS kind, e.title AS title, e.context AS context,"
        " e.library_id AS library_id, m.rank AS rank"
        " FROM (SELECT rowid AS entry_id, bm25(search_fts, 10.0, 3.0, 1.0) AS rank"
        " FROM search_fts WHERE search_fts MATCH :q) AS m"
        " CROSS JOIN search_entries e ON e.entry_id = m.entry_id"
        " WHERE e.library_id IN :libs"
    )
    .bindparams(bindparam("libs", expanding=True))
    .columns(
        column("id", String),
        column("kind", String),
        column("title", String),
        column("context", String),
        column("library_id", String),
        column("rank", Float),
    )
)


def search(conn: Connection, viewer: Viewer, words: str, request: ListRequest) -> Page:
    """Items whose names, artists, albums, shows or people match ``words``, best first;
    films, shows and episodes beyond the viewer's rating limit are left out, totals too.

    SQLite-only (FTS5); PostgreSQL will use its own text search here.
    """
    page = request.page("rank")
    match = _fts_query(words)
    visible = list(conn.execute(visible_libraries(viewer)).scalars())
    if not visible:
        limit, offset = page.limit, page.offset
        if not 1 <= limit <= MAX_PAGE or offset < 0:
            raise InvalidInputError(f"limit must be 1..{MAX_PAGE} and offset at least 0")
        return Page([], 0, limit, None if page.cursor is not None else offset)
    hits = _HITS.bindparams(q=match, libs=visible).subquery("hits")
    query = select(hits.c.id, hits.c.kind, hits.c.title, hits.c.context, hits.c.library_id)
    if is_rating_limited(viewer):
        query = query.where(rating_allows_item(viewer, hits.c.kind, hits.c.id))
    return fetch_page(
        conn,
        query,
        scope="search",
        id_column=hits.c.id,
        sorts={"rank": [hits.c.rank]},
        request=page,
        filters={"q": match},
    )
