"""The DLNA ContentDirectory tree over the catalogue: each container's children, one page
at a time (LIMIT/OFFSET in SQL, so a container of 10,000 albums costs one page), and
each container's own description.

Under the root, one container per library the viewer may see. A music library holds
Artists (then their albums, then tracks), Albums, Genres, All tracks and Folders; a
films library its films; a shows library its shows, then seasons, then episodes; a
photos library By folder and By date (years); a videos library its folders. Every
query applies the viewer's access rules: what it may not see is "no such object".
"""

from collections.abc import Callable, Sequence
from functools import cached_property, lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    bindparam,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)

from parlour.domain.accounts import Viewer
from parlour.domain.dlna_search import SortKey
from parlour.domain.errors import NotFoundError
from parlour.storage import dlna_objects as o
from parlour.storage import schema as s
from parlour.storage.dlna_objects import DlnaContainer, ItemRef, Listing
from parlour.storage.visibility import movie_visible, show_visible, visible_libraries

# Any number of columns (a bare Select[Any] narrows wrongly once reassigned).
AnySelect = Select[*tuple[Any, ...]]
Sorts = dict[str, Sequence[ColumnElement[Any]]]
Entry = DlnaContainer | ItemRef
_MUSIC_VIEWS = (
    (o.ARTISTS, "Artists"),
    (o.ALBUMS, "Albums"),
    (o.GENRES, "Genres"),
    (o.TRACKS, "All tracks"),
    (o.FOLDERS, "Folders"),
)
_PHOTO_VIEWS = ((o.FOLDERS, "By folder"), (o.DATES, "By date"))
VIEW_TITLES = dict(_MUSIC_VIEWS) | dict(_PHOTO_VIEWS)
_VIEW_KINDS = {o.ARTISTS: "music", o.ALBUMS: "music", o.GENRES: "music", o.TRACKS: "music"}
_UNDATED = "none"
_START = bindparam("page_start", type_=Integer)
_COUNT = bindparam("page_count", type_=Integer)
_CACHED_VIEWS = 256  # music views' statements kept built (viewer, library, order)


class _Statements:
    """The SELECTs that list a container's children in an order: a page (start and
    count bound at execution), from a start to the end, and the count of them all; each
    built the first time it is used."""

    def __init__(
        self, query: AnySelect, sorts: Sorts, default: Sequence[Any], sort: Sequence[SortKey]
    ) -> None:
        wanted: list[Any] = []
        for key in sort:
            for column in sorts.get(key.prop, ()):
                wanted.append(column.desc() if key.descending else column.asc())
        self.query = query
        self.ordered = query.order_by(*wanted, *default)

    @cached_property
    def page(self) -> AnySelect:
        return self.ordered.offset(_START).limit(_COUNT)

    @cached_property
    def to_end(self) -> AnySelect:
        return self.ordered.offset(_START)

    @cached_property
    def count(self) -> AnySelect:
        return select(func.count()).select_from(self.query.subquery())


class _Page:
    """Where a page starts and how long it may be (None: to the end), and the order the
    device asked for."""

    def __init__(self, start: int, count: int, sort: Sequence[SortKey]) -> None:
        self.start, self.count, self.sort = start, (count or None), tuple(sort)

    def fetch(
        self,
        conn: Connection,
        query: AnySelect,
        sorts: Sorts,
        default: Sequence[Any],
        make: Callable[[Any], Entry],
    ) -> Listing:
        return self.run(conn, _Statements(query, sorts, default, self.sort), make)

    def run(
        self, conn: Connection, statements: _Statements, make: Callable[[Any], Entry]
    ) -> Listing:
        if self.count is None:
            rows = conn.execute(statements.to_end, {_START.key: self.start}).all()
        else:
            bound = {_START.key: self.start, _COUNT.key: self.count}
            rows = conn.execute(statements.page, bound).all()
        if (rows or self.start == 0) and (self.count is None or len(rows) < self.count):
            # The page reaches the end, so it tells the total (same snapshot): no count.
            total = self.start + len(rows)
        else:
            total = conn.execute(statements.count).scalar() or 0
        return Listing(total, [make(row) for row in rows])

    def fixed(self, entries: list[Entry]) -> Listing:
        end = None if self.count is None else self.start + self.count
        return Listing(len(entries), entries[self.start : end])


def library_of(conn: Connection, viewer: Viewer, library_id: str) -> tuple[str, str]:
    lib = s.libraries.c
    row = conn.execute(
        select(lib.name, lib.kind).where(
            lib.id == library_id, lib.id.in_(visible_libraries(viewer))
        )
    ).first()
    if row is None:
        raise NotFoundError("no such object")
    return str(row[0]), str(row[1])


def one_row(conn: Connection, query: AnySelect) -> Any:
    row = conn.execute(query).first()
    if row is None:
        raise NotFoundError("no such object")
    return row


def _album(parent: str) -> Callable[[Any], Entry]:
    prefix = o.object_id(o.ALBUM, "")

    def make(row: Any) -> Entry:
        # By position, not by name: an Albums view lists thousands of rows.
        album_id, title, artist_name, year, cover_id = row
        return DlnaContainer(
            prefix + album_id, parent, title, o.MUSIC_ALBUM, artist_name,
            None if year is None else str(year), cover_id,
        )  # fmt: skip

    return make


def _albums_query(viewer: Viewer) -> AnySelect:
    al = s.albums.c
    return select(al.id, al.title, al.artist_name, al.year, al.cover_id).where(
        al.library_id.in_(visible_libraries(viewer))
    )


_ALBUM_SORTS: Sorts = {"dc:title": [s.albums.c.sort_title], "dc:date": [s.albums.c.year]}
_ALBUM_ORDER = [s.albums.c.sort_title, s.albums.c.id]
_TRACK_SORTS: Sorts = {
    "dc:title": [s.tracks.c.sort_title],
    "dc:date": [s.tracks.c.year],
    "upnp:originalTrackNumber": [s.tracks.c.disc_no, s.tracks.c.track_no],
}


def _tracks_query(viewer: Viewer) -> AnySelect:
    t = s.tracks.c
    return select(t.id).where(t.library_id.in_(visible_libraries(viewer)))


def _track(row: Any) -> Entry:
    return ItemRef("track", row.id)


@lru_cache(maxsize=_CACHED_VIEWS)
def _libraries(viewer: Viewer, sort: tuple[SortKey, ...]) -> _Statements:
    """The statements that list the root: the libraries the viewer may see (built once
    for each viewer and order: every device starts from here)."""
    lib = s.libraries.c
    query = select(lib.id, lib.name).where(lib.id.in_(visible_libraries(viewer)))
    return _Statements(query, {"dc:title": [lib.name]}, [lib.name, lib.id], sort)


@lru_cache(maxsize=_CACHED_VIEWS)
def _music_view(
    prefix: str, viewer: Viewer, library_id: str, sort: tuple[SortKey, ...]
) -> _Statements:
    """The statements that list a music library's Artists, Albums, Genres or All tracks,
    built once for each viewer, library and order: a television pages through these,
    the longest lists of the tree, again and again. They find nothing unless the
    library is a music library the viewer may see."""
    t, al, ar, lib = s.tracks.c, s.albums.c, s.artists.c, s.libraries.c
    shared = exists(
        select(lib.id).where(
            lib.id == library_id,
            lib.kind == _VIEW_KINDS[prefix],
            lib.id.in_(visible_libraries(viewer)),
        )
    )
    if prefix == o.ARTISTS:
        query = select(ar.id, ar.name).where(ar.library_id == library_id, shared)
        return _Statements(query, {"dc:title": [ar.sort_name]}, [ar.sort_name, ar.id], sort)
    if prefix == o.ALBUMS:
        query = _albums_query(viewer).where(al.library_id == library_id, shared)
        return _Statements(query, _ALBUM_SORTS, _ALBUM_ORDER, sort)
    if prefix == o.GENRES:
        g, tg = s.genres.c, s.track_genres.c
        with_tracks = select(tg.genre_id).join(s.tracks, t.id == tg.track_id)
        query = select(g.id, g.name).where(
            g.id.in_(with_tracks.where(t.library_id == library_id)), shared
        )
        return _Statements(query, {"dc:title": [g.name]}, [g.name, g.id], sort)
    query = _tracks_query(viewer).where(t.library_id == library_id, shared)
    return _Statements(query, _TRACK_SORTS, [t.sort_title, t.id], sort)


def _folder_contents(
    conn: Connection, viewer: Viewer, parents: AnySelect, parent: str, page: _Page
) -> Listing:
    """Subfolders (by name) and then the items whose files lie in the ``parents``."""
    fo, f = s.folders.c, s.media_files.c
    visible = visible_libraries(viewer)
    folders = select(fo.id, fo.name).where(fo.parent_id.in_(parents), fo.library_id.in_(visible))
    in_folder = [f.folder_id.in_(parents), f.status == "ok"]

    def items(table: Any, kind: str, allowed: ColumnElement[bool]) -> AnySelect:
        return (
            select(literal(kind).label("kind"), table.c.id.label("id"), f.name.label("name"))
            .join_from(table, s.media_files, f.id == table.c.file_id)
            .where(allowed, *in_folder)
        )

    e, sh = s.episodes.c, s.shows.c
    files = union_all(
        items(s.tracks, "track", s.tracks.c.library_id.in_(visible)),
        items(s.movies, "movie", movie_visible(viewer)),
        items(s.episodes, "episode", e.show_id.in_(select(sh.id).where(show_visible(viewer)))),
        items(s.photos, "photo", s.photos.c.library_id.in_(visible)),
    ).subquery()
    n_folders = conn.execute(select(func.count()).select_from(folders.subquery())).scalar() or 0
    n_files = conn.execute(select(func.count()).select_from(files)).scalar() or 0
    total = n_folders + n_files
    start, count = page.start, page.count
    entries: list[Entry] = []
    if start < n_folders:
        shown = folders.order_by(fo.name, fo.id).offset(start).limit(count)
        entries += [
            DlnaContainer(o.object_id(o.FOLDER, r.id), parent, r.name) for r in conn.execute(shown)
        ]
    left = None if count is None else count - len(entries)
    if left is None or left > 0:
        query = select(files).order_by(files.c.name, files.c.id)
        query = query.offset(max(0, start - n_folders)).limit(left)
        entries += [ItemRef(r.kind, r.id) for r in conn.execute(query)]
    return Listing(total, entries)


def _is_year(text: str) -> bool:
    return text == _UNDATED or (len(text) == 4 and text.isascii() and text.isdigit())


def _root_folders(library_id: str) -> AnySelect:
    fo = s.folders.c
    return select(fo.id).where(fo.library_id == library_id, fo.parent_id.is_(None))


def children(
    conn: Connection,
    viewer: Viewer,
    object_id: str,
    start: int,
    count: int,
    sort: Sequence[SortKey] = (),
) -> Listing:
    """One page of the children of container ``object_id``; NotFoundError if the viewer
    may see no such container (an item has no children: also NotFoundError)."""
    page = _Page(start, count, sort)
    query: AnySelect
    prefix, parts = o.split_id(object_id)
    t, al, ar, m, sh, se, e, p = (
        s.tracks.c, s.albums.c, s.artists.c, s.movies.c, s.shows.c, s.seasons.c,
        s.episodes.c, s.photos.c,
    )  # fmt: skip
    visible = visible_libraries(viewer)
    if object_id == o.ROOT:
        return page.run(
            conn, _libraries(viewer, page.sort),
            lambda r: DlnaContainer(o.object_id(o.LIBRARY, r.id), o.ROOT, r.name),
        )  # fmt: skip
    if len(parts) == 1:
        (key,) = parts
        if prefix == o.LIBRARY:
            _, kind = library_of(conn, viewer, key)
            if kind in ("music", "photos"):
                views = _MUSIC_VIEWS if kind == "music" else _PHOTO_VIEWS
                return page.fixed(
                    [DlnaContainer(o.object_id(v, key), object_id, title) for v, title in views]
                )
            if kind == "movies":
                query = select(m.id).where(m.library_id == key, movie_visible(viewer))
                sorts: Sorts = {"dc:title": [m.sort_title], "dc:date": [m.year]}
                return page.fetch(
                    conn, query, sorts, [m.sort_title, m.id], lambda r: ItemRef("movie", r.id)
                )
            if kind == "shows":
                query = select(sh.id, sh.title, sh.year, sh.poster_id).where(
                    sh.library_id == key, show_visible(viewer)
                )
                return page.fetch(
                    conn, query, {"dc:title": [sh.sort_title], "dc:date": [sh.year]},
                    [sh.sort_title, sh.id],
                    lambda r: DlnaContainer(
                        o.object_id(o.SHOW, r.id), object_id, r.title,
                        date=None if r.year is None else str(r.year), art_id=r.poster_id,
                    ),
                )  # fmt: skip
            return _folder_contents(conn, viewer, _root_folders(key), object_id, page)
        if prefix in _VIEW_KINDS:  # a music library's Artists, Albums, Genres, All tracks
            makers: dict[str, Callable[[Any], Entry]] = {
                o.ARTISTS: lambda r: DlnaContainer(
                    o.object_id(o.ARTIST, r.id), object_id, r.name, o.MUSIC_ARTIST
                ),
                o.ALBUMS: _album(object_id),
                o.GENRES: lambda r: DlnaContainer(
                    o.object_id(o.GENRE, key, r.id), object_id, r.name, o.MUSIC_GENRE
                ),
                o.TRACKS: _track,
            }
            listed = _music_view(prefix, viewer, key, page.sort)
            listing = page.run(conn, listed, makers[prefix])
            # Nothing listed: an empty view, or no such music library for this viewer.
            if not listing.entries and library_of(conn, viewer, key)[1] != _VIEW_KINDS[prefix]:
                raise NotFoundError("no such object")
            return listing
        if prefix in (o.FOLDERS, o.DATES):
            _, kind = library_of(conn, viewer, key)
            if prefix == o.DATES and kind != "photos":
                raise NotFoundError("no such object")
        if prefix == o.FOLDERS:
            return _folder_contents(conn, viewer, _root_folders(key), object_id, page)
        if prefix == o.DATES:
            year = func.coalesce(func.substr(p.taken_at, 1, 4), _UNDATED).label("year")
            query = select(year).where(p.library_id == key).group_by(year)
            return page.fetch(
                conn, query, {"dc:title": [year], "dc:date": [year]}, [year.desc()],
                lambda r: DlnaContainer(
                    o.object_id(o.YEAR, key, r.year), object_id,
                    "Undated" if r.year == _UNDATED else r.year,
                    date=None if r.year == _UNDATED else r.year,
                ),
            )  # fmt: skip
        if prefix == o.ARTIST:
            one_row(conn, select(ar.id).where(ar.id == key, ar.library_id.in_(visible)))
            aa, ta = s.album_artists.c, s.track_artists.c
            own = select(aa.album_id).where(aa.artist_id == key)
            appears = select(t.album_id).join(s.track_artists, ta.track_id == t.id)
            query = _albums_query(viewer).where(
                or_(al.id.in_(own), al.id.in_(appears.where(ta.artist_id == key)))
            )
            return page.fetch(conn, query, _ALBUM_SORTS, _ALBUM_ORDER, _album(object_id))
        if prefix == o.ALBUM:
            one_row(conn, select(al.id).where(al.id == key, al.library_id.in_(visible)))
            query = _tracks_query(viewer).where(t.album_id == key)
            order = [t.disc_no, t.track_no, t.sort_title, t.id]
            return page.fetch(conn, query, _TRACK_SORTS, order, _track)
        if prefix == o.SHOW:
            one_row(conn, select(sh.id).where(sh.id == key, show_visible(viewer)))
            query = select(se.id, se.title, se.poster_id).where(se.show_id == key)
            return page.fetch(
                conn, query, {"dc:title": [se.number]}, [se.number, se.id],
                lambda r: DlnaContainer(
                    o.object_id(o.SEASON, r.id), object_id, r.title, art_id=r.poster_id
                ),
            )  # fmt: skip
        if prefix == o.SEASON:
            shows = select(sh.id).where(show_visible(viewer))
            one_row(conn, select(se.id).where(se.id == key, se.show_id.in_(shows)))
            query = select(e.id).where(e.season_id == key)
            sorts = {"dc:title": [e.title], "dc:date": [e.air_date]}
            order = [e.episode_number, e.air_date, e.id]
            return page.fetch(conn, query, sorts, order, lambda r: ItemRef("episode", r.id))
        if prefix == o.FOLDER:
            fo = s.folders.c
            one_row(conn, select(fo.id).where(fo.id == key, fo.library_id.in_(visible)))
            return _folder_contents(conn, viewer, select(literal(key)), object_id, page)
    if len(parts) == 2 and prefix in (o.GENRE, o.YEAR):
        library_id, value = parts
        _, kind = library_of(conn, viewer, library_id)
        if prefix == o.GENRE and kind == "music":
            tg = s.track_genres.c
            query = _tracks_query(viewer).where(
                t.library_id == library_id,
                t.id.in_(select(tg.track_id).where(tg.genre_id == value)),
            )
            return page.fetch(conn, query, _TRACK_SORTS, [t.sort_title, t.id], _track)
        if prefix == o.YEAR and kind == "photos" and _is_year(value):
            taken = p.taken_at.is_(None) if value == _UNDATED else p.taken_at.like(f"{value}-%")
            query = select(p.id).where(p.library_id == library_id, taken)
            sorts = {"dc:title": [p.title], "dc:date": [p.taken_at]}
            return page.fetch(
                conn, query, sorts, [p.taken_at, p.id], lambda r: ItemRef("photo", r.id)
            )
    raise NotFoundError("no such object")
