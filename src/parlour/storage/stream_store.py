"""Which file on disk an item is, for the viewer who asks: the access rules apply here
too, so an item the viewer may not see has no file."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, select

from parlour.domain.accounts import Viewer
from parlour.domain.errors import NotFoundError
from parlour.storage import schema as s
from parlour.storage.visibility import movie_visible, visible_libraries, visible_shows


@dataclass(frozen=True, slots=True)
class StoredFile:
    root: str  # the library root, absolute
    rel_path: bytes
    follow_symlinks: bool  # the library may follow links out of its root


def _file_of(table: Any, item_id: str, allowed: Any) -> Select[Any]:
    f, r, lib = s.media_files.c, s.library_roots.c, s.libraries.c
    return (
        select(r.path, f.rel_path, lib.follow_symlinks)
        .join(s.media_files, f.id == table.c.file_id)
        .join(s.library_roots, r.id == f.root_id)
        .join(s.libraries, lib.id == f.library_id)
        .where(table.c.id == item_id, f.status == "ok", allowed)
    )


def file_of_item(conn: Connection, viewer: Viewer, item_id: str) -> StoredFile:
    """The file of a track, film, episode or photo ``viewer`` may see; else NotFoundError."""
    visible = visible_libraries(viewer)
    candidates = (
        _file_of(s.tracks, item_id, s.tracks.c.library_id.in_(visible)),
        _file_of(s.movies, item_id, movie_visible(viewer)),
        _file_of(s.episodes, item_id, s.episodes.c.show_id.in_(visible_shows(viewer))),
        _file_of(s.photos, item_id, s.photos.c.library_id.in_(visible)),
    )
    for query in candidates:
        row = conn.execute(query).first()
        if row is not None:
            return StoredFile(row[0], bytes(row[1]), bool(row[2]))
    raise NotFoundError("no such item")  # also when it lies where the viewer may not look
