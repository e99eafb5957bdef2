"""Browsing a library as plain folders, as Plex and Jellyfin offer: a folder, its
subfolders, and the items whose files sit in it.

A folder is visible when its library is. For a viewer with a content rating limit, a
folder of a films, shows or videos library is visible only when it holds, at any
depth, an item that viewer may see: otherwise its name (usually the title) would tell
what the rating hides. Photo locations are never returned.
"""

import os
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, Table, literal, select, true

from parlour.domain.accounts import Viewer
from parlour.domain.errors import NotFoundError
from parlour.domain.media import LibraryKind
from parlour.storage import schema as s
from parlour.storage.item_state import ViewerState
from parlour.storage.listing import ListRequest, Page, Sorts, fetch_page, json_row
from parlour.storage.visibility import (
    is_rating_limited,
    movie_visible,
    rating_allows,
    show_visible,
    visible_libraries,
)

_RATED = frozenset({LibraryKind.MOVIES, LibraryKind.SHOWS, LibraryKind.VIDEOS})


def _library_kind(conn: Connection, viewer: Viewer, library_id: str) -> LibraryKind:
    lib = s.libraries.c
    kind = conn.execute(
        select(lib.kind).where(lib.id == library_id, lib.id.in_(visible_libraries(viewer)))
    ).scalar()
    if kind is None:
        raise NotFoundError("no such library")
    return LibraryKind(kind)


def _shown_folders(viewer: Viewer, kind: LibraryKind, library_id: str) -> Select[Any]:
    """The folders of a rated library holding something ``viewer`` may see, with every
    folder above them: a recursive walk up from the folders of the visible items."""
    f, m, e, sh = s.media_files.c, s.movies.c, s.episodes.c, s.shows.c
    holders = select(f.folder_id.label("folder_id"))
    if kind is LibraryKind.SHOWS:
        holders = (
            holders.join_from(s.media_files, s.episodes, e.file_id == f.id)
            .join(s.shows, sh.id == e.show_id)
            .where(e.library_id == library_id, rating_allows(viewer, sh.content_rating))
        )
    else:
        holders = holders.join_from(s.media_files, s.movies, m.file_id == f.id).where(
            m.library_id == library_id, rating_allows(viewer, m.content_rating)
        )
    shown = holders.cte("shown", recursive=True)
    parent = s.folders.alias("parent_of_shown")
    walk = shown.union(
        select(parent.c.parent_id).where(
            parent.c.id == shown.c.folder_id, parent.c.parent_id.is_not(None)
        )
    )
    return select(walk.c.folder_id)


def _folder_rule(
    viewer: Viewer, kind: LibraryKind, library_id: str, folder_id: ColumnElement[Any]
) -> ColumnElement[bool]:
    if kind in _RATED and is_rating_limited(viewer):
        return folder_id.in_(_shown_folders(viewer, kind, library_id))
    return true()


def _shown_name(rel_path: bytes, name: str, root_path: str) -> str:
    """A folder's name; a root folder is named by the last part of its path."""
    if rel_path:
        return name
    return os.path.basename(root_path.rstrip("/")) or "/"


def library_folders(
    conn: Connection, viewer: Viewer, library_id: str, request: ListRequest
) -> Page:
    """The root folders of a library (one per library folder added)."""
    kind = _library_kind(conn, viewer, library_id)
    fo, root = s.folders.c, s.library_roots.c
    name = root.path.label("name")  # shown as the last part of the path, never whole
    query = (
        select(fo.id, name, fo.parent_id, fo.library_id)
        .join_from(s.folders, s.library_roots, root.id == fo.root_id)
        .where(
            fo.library_id == library_id,
            fo.rel_path == b"",
            _folder_rule(viewer, kind, library_id, fo.id),
        )
    )
    page = fetch_page(
        conn,
        query,
        scope=f"roots:{library_id}",
        id_column=fo.id,
        sorts={"name": [root.path]},
        request=request.page("name"),
        filters={},
    )
    for row in page.items:
        row["name"] = _shown_name(b"", "/", str(row["name"]))
    return page


def _with_file(table: Table, kind: str, *columns: ColumnElement[Any]) -> Select[Any]:
    """Items of ``table`` as a folder lists them: id, kind, title and file name, then
    ``columns``."""
    x, f = table.c, s.media_files.c
    shown = (x.id, literal(kind).label("kind"), x.title, f.name.label("file_name"))
    return select(*shown, *columns).join_from(table, s.media_files, f.id == x.file_id)


def _items(
    viewer: Viewer, kind: LibraryKind, folder_id: str
) -> tuple[Select[Any], ColumnElement[Any], Sorts]:
    """The items whose files are in the folder: the query, its id column and its sorts."""
    in_folder = s.media_files.c.folder_id == folder_id
    facts: tuple[ColumnElement[Any], ...]  # what each kind shows after the common columns
    if kind is LibraryKind.MUSIC:
        t = s.tracks.c
        facts = (t.artist_name, t.album_id, t.disc_no, t.track_no, t.duration_ms, t.added_at)
        query = _with_file(s.tracks, "track", *facts).where(in_folder)
        return query, t.id, {"title": [t.sort_title], "added": [t.added_at]}
    if kind is LibraryKind.SHOWS:
        e, sh = s.episodes.c, s.shows.c
        facts = (e.show_id, e.season_number, e.episode_number, e.added_at)
        query = _with_file(s.episodes, "episode", *facts).join(s.shows, sh.id == e.show_id)
        query = query.where(in_folder, show_visible(viewer))
        return query, e.id, {"title": [e.title], "added": [e.added_at]}
    if kind is LibraryKind.PHOTOS:
        p = s.photos.c
        facts = (p.taken_at, p.width, p.height, p.format, p.camera_make, p.camera_model, p.added_at)
        query = _with_file(s.photos, "photo", *facts).where(in_folder)  # never the GPS columns
        sorts = {"title": [p.title], "added": [p.added_at], "taken": [p.taken_at]}
        return query, p.id, sorts
    m = s.movies.c
    facts = (m.year, m.content_rating, m.poster_id, m.added_at)
    query = _with_file(s.movies, "movie", *facts).where(in_folder, movie_visible(viewer))
    return query, m.id, {"title": [m.sort_title], "added": [m.added_at]}


def folder(
    conn: Connection, viewer: Viewer, folder_id: str, request: ListRequest
) -> dict[str, Any]:
    """A folder, all its subfolders by name, and a page of its items (by file name
    unless ``sort`` says otherwise), each item with the viewer's state."""
    fo, root = s.folders.c, s.library_roots.c
    row = conn.execute(
        select(fo.id, fo.name, fo.parent_id, fo.library_id, fo.rel_path, root.path)
        .join_from(s.folders, s.library_roots, root.id == fo.root_id)
        .where(fo.id == folder_id, fo.library_id.in_(visible_libraries(viewer)))
    ).first()
    if row is None:
        raise NotFoundError("no such folder")
    kind = _library_kind(conn, viewer, row.library_id)
    if not conn.execute(
        select(fo.id).where(fo.id == folder_id, _folder_rule(viewer, kind, row.library_id, fo.id))
    ).first():
        raise NotFoundError("no such folder")
    subfolders = conn.execute(
        select(fo.id, fo.name)
        .where(fo.parent_id == folder_id, _folder_rule(viewer, kind, row.library_id, fo.id))
        .order_by(fo.name, fo.id)
    )
    query, id_column, sorts = _items(viewer, kind, folder_id)
    f = s.media_files.c
    page = fetch_page(
        conn,
        query,
        scope=f"folder:{folder_id}",
        id_column=id_column,
        sorts={"name": [f.name], **sorts},
        request=request.page("name"),
        filters={},
        state=ViewerState(viewer),
    )
    return {
        "id": row.id,
        "name": _shown_name(bytes(row.rel_path), row.name, row.path),
        "parent_id": row.parent_id,
        "library_id": row.library_id,
        "folders": [json_row(sub) for sub in subfolders],
    } | page.as_json()
