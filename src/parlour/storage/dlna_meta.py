"""A DLNA container's own description (BrowseMetadata), and Search over the items a
viewer may see, paged in SQL.

Search turns the device's criteria (``domain.dlna_search``) into one condition per kind
of item: a class test is decided per kind before the query runs, text tests become
case-insensitive LIKEs, so the whole search is one UNION query with a LIMIT.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    String,
    and_,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)

from parlour.domain.accounts import Viewer
from parlour.domain.dlna_search import (
    AllOf,
    AnyOf,
    ClassIs,
    Constant,
    Criteria,
    Everything,
    SortKey,
    TextMatch,
    class_matches,
)
from parlour.domain.errors import NotFoundError
from parlour.storage import dlna_objects as o
from parlour.storage import schema as s
from parlour.storage.dlna_objects import DlnaContainer, ItemRef, Listing
from parlour.storage.dlna_tree import VIEW_TITLES, AnySelect, library_of, one_row
from parlour.storage.visibility import movie_visible, show_visible, visible_libraries

_VIEWS_OF = {
    "music": (o.ARTISTS, o.ALBUMS, o.GENRES, o.TRACKS, o.FOLDERS),
    "photos": (o.FOLDERS, o.DATES),
}


def container(conn: Connection, viewer: Viewer, object_id: str) -> DlnaContainer:
    """The container ``object_id`` (not the root) as its parent lists it."""
    prefix, parts = o.split_id(object_id)
    visible = visible_libraries(viewer)
    query: AnySelect
    al, ar, sh, se, fo = s.albums.c, s.artists.c, s.shows.c, s.seasons.c, s.folders.c
    if len(parts) == 1:
        (key,) = parts
        if prefix == o.LIBRARY:
            name, _ = library_of(conn, viewer, key)
            return DlnaContainer(object_id, o.ROOT, name)
        if prefix in VIEW_TITLES:
            _, kind = library_of(conn, viewer, key)
            if prefix in _VIEWS_OF.get(kind, ()):
                library = o.object_id(o.LIBRARY, key)
                return DlnaContainer(object_id, library, VIEW_TITLES[prefix])
        if prefix == o.ARTIST:
            row = one_row(
                conn, select(ar.name, ar.library_id).where(ar.id == key, ar.library_id.in_(visible))
            )
            parent = o.object_id(o.ARTISTS, row.library_id)
            return DlnaContainer(object_id, parent, row.name, o.MUSIC_ARTIST)
        if prefix == o.ALBUM:
            query = select(al.title, al.artist_name, al.year, al.cover_id, al.library_id)
            row = one_row(conn, query.where(al.id == key, al.library_id.in_(visible)))
            year = None if row.year is None else str(row.year)
            return DlnaContainer(
                object_id, o.object_id(o.ALBUMS, row.library_id), row.title, o.MUSIC_ALBUM,
                row.artist_name, year, row.cover_id,
            )  # fmt: skip
        if prefix == o.SHOW:
            query = select(sh.title, sh.year, sh.poster_id, sh.library_id)
            row = one_row(conn, query.where(sh.id == key, show_visible(viewer)))
            year = None if row.year is None else str(row.year)
            parent = o.object_id(o.LIBRARY, row.library_id)
            return DlnaContainer(object_id, parent, row.title, date=year, art_id=row.poster_id)
        if prefix == o.SEASON:
            query = select(se.title, se.show_id, se.poster_id).join(s.shows, sh.id == se.show_id)
            row = one_row(conn, query.where(se.id == key, show_visible(viewer)))
            parent = o.object_id(o.SHOW, row.show_id)
            return DlnaContainer(object_id, parent, row.title, art_id=row.poster_id)
        if prefix == o.FOLDER:
            up = s.folders.alias("dlna_up")
            lib = s.libraries.c
            query = (
                select(
                    fo.name, fo.library_id, fo.parent_id, up.c.parent_id.label("grand"), lib.kind
                )
                .join(up, up.c.id == fo.parent_id)
                .join(s.libraries, lib.id == fo.library_id)
            )
            row = one_row(conn, query.where(fo.id == key, fo.library_id.in_(visible)))
            parent = (
                o.object_id(o.FOLDER, row.parent_id)
                if row.grand is not None
                else o.object_id(o.LIBRARY if row.kind == "videos" else o.FOLDERS, row.library_id)
            )
            return DlnaContainer(object_id, parent, row.name)
    if len(parts) == 2 and prefix in (o.GENRE, o.YEAR):
        library_id, value = parts
        _, kind = library_of(conn, viewer, library_id)
        if prefix == o.GENRE and kind == "music":
            name = one_row(conn, select(s.genres.c.name).where(s.genres.c.id == value)).name
            return DlnaContainer(object_id, o.object_id(o.GENRES, library_id), name, o.MUSIC_GENRE)
        if prefix == o.YEAR and kind == "photos":
            title = "Undated" if value == "none" else value
            return DlnaContainer(object_id, o.object_id(o.DATES, library_id), title)
    raise NotFoundError("no such object")


def item_ref(object_id: str) -> ItemRef | None:
    """The item an object id names, if it names one (whether it exists is not known)."""
    prefix, parts = o.split_id(object_id)
    kind = o.ITEM_KINDS.get(prefix)
    return ItemRef(kind, parts[0]) if kind is not None and len(parts) == 1 else None


# -- search ---------------------------------------------------------------------------------


class _Kind:
    """What one kind of item offers a search: its classes and its text columns."""

    def __init__(self, classes: ColumnElement[Any] | str, text: dict[str, Any]) -> None:
        self.classes, self.text = classes, text


def _condition(criteria: Criteria, kind: _Kind) -> ColumnElement[bool]:
    if isinstance(criteria, Everything):
        return true()
    if isinstance(criteria, Constant):
        return true() if criteria.truth else false()
    if isinstance(criteria, AllOf):
        return and_(_condition(criteria.left, kind), _condition(criteria.right, kind))
    if isinstance(criteria, AnyOf):
        return or_(_condition(criteria.left, kind), _condition(criteria.right, kind))
    if isinstance(criteria, ClassIs):
        if isinstance(kind.classes, str):
            return true() if class_matches(criteria, kind.classes) else false()
        # Films and plain videos share a table: the library's kind tells them apart.
        movie = class_matches(criteria, o.ITEM_CLASSES["movie"])
        video = class_matches(criteria, o.ITEM_CLASSES["video"])
        if movie == video:
            return true() if movie else false()
        return kind.classes == ("movies" if movie else "videos")
    return _text(criteria, kind.text.get(criteria.prop))


def _text(match: TextMatch, columns: Any) -> ColumnElement[bool]:
    """A text test on a column, or on (column, its casefolded copy): SQLite's LIKE and
    lower() fold ASCII only, so "ÉTÉ" finds "Été" through the folded copy."""
    if columns is None:  # this kind has no such property: nothing contains the text
        return true() if match.operator == "doesNotContain" else false()
    column, folded = columns if isinstance(columns, tuple) else (columns, None)
    if match.operator == "=":
        same = func.lower(column) == match.value.lower()
        return same if folded is None else or_(same, column == match.value)
    found = func.coalesce(column, "").icontains(match.value, autoescape=True)
    if folded is not None:
        found = or_(found, folded.contains(match.value.casefold(), autoescape=True))
    return found if match.operator == "contains" else ~found


def search(
    conn: Connection,
    viewer: Viewer,
    criteria: Criteria,
    library_id: str | None,
    start: int,
    count: int,
    sort: Sequence[SortKey] = (),
) -> Listing:
    """One page of the items matching ``criteria`` (in one library, or all)."""
    visible = visible_libraries(viewer)
    t, al, m, e, sh, p = (
        s.tracks.c, s.albums.c, s.movies.c, s.episodes.c, s.shows.c, s.photos.c,
    )  # fmt: skip
    lib = s.libraries.c
    g, tg, vg = s.genres.c, s.track_genres.c, s.video_genres.c

    def genre_of(owner: Any, link: Any, column: Any) -> Any:
        return (
            select(g.name).join(link, link.c.genre_id == g.id).where(column == owner).limit(1)
        ).scalar_subquery()

    def scoped(column: Any) -> ColumnElement[bool]:
        return true() if library_id is None else column == library_id

    def row(kind: str, table: Any, title: Any, date: Any) -> list[Any]:
        return [
            literal(kind).label("kind"),
            table.c.id.label("id"),
            title.label("title"),
            date.label("date"),
        ]

    track_kind = _Kind(o.ITEM_CLASSES["track"], {
        "dc:title": (t.title, t.sort_title), "upnp:artist": t.artist_name,
        "upnp:album": (al.title, al.sort_title),
        "upnp:genre": genre_of(t.id, s.track_genres, tg.track_id),
    })  # fmt: skip
    movie_kind = _Kind(lib.kind, {
        "dc:title": (m.title, m.sort_title),
        "upnp:genre": genre_of(m.id, s.video_genres, vg.video_id),
    })  # fmt: skip
    episode_kind = _Kind(
        o.ITEM_CLASSES["episode"], {"dc:title": e.title, "upnp:album": (sh.title, sh.sort_title)}
    )
    photo_kind = _Kind(o.ITEM_CLASSES["photo"], {"dc:title": p.title})
    matches = union_all(
        select(*row("track", s.tracks, t.title, cast(t.year, String)))
        .join(s.albums, al.id == t.album_id)
        .where(t.library_id.in_(visible), scoped(t.library_id), _condition(criteria, track_kind)),
        select(*row("movie", s.movies, m.title, cast(m.year, String)))
        .join(s.libraries, lib.id == m.library_id)
        .where(movie_visible(viewer), scoped(m.library_id), _condition(criteria, movie_kind)),
        select(*row("episode", s.episodes, e.title, e.air_date))
        .join(s.shows, sh.id == e.show_id)
        .where(show_visible(viewer), scoped(e.library_id), _condition(criteria, episode_kind)),
        select(*row("photo", s.photos, p.title, p.taken_at)).where(
            p.library_id.in_(visible), scoped(p.library_id), _condition(criteria, photo_kind)
        ),
    ).subquery()
    total = conn.execute(select(func.count()).select_from(matches)).scalar() or 0
    wanted = []
    for key in sort:
        column = {"dc:title": matches.c.title, "dc:date": matches.c.date}.get(key.prop)
        if column is not None:
            wanted.append(column.desc() if key.descending else column.asc())
    query = select(matches.c.kind, matches.c.id).order_by(
        *wanted, matches.c.title, matches.c.kind, matches.c.id
    )
    query = query.offset(start).limit(count or None)
    return Listing(total, [ItemRef(r.kind, r.id) for r in conn.execute(query)])
