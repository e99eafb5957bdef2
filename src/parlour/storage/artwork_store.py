"""Where an artwork's picture comes from, for a viewer who may see it.

Artwork is seen through what it illustrates: its library must be granted, and for a
viewer with a content rating limit, some album, or some film, show or season the viewer
may see, must use it (a poster could tell of a film that is hidden).
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, exists, or_, select

from parlour.domain.accounts import Viewer
from parlour.domain.errors import NotFoundError
from parlour.storage import schema as s
from parlour.storage.visibility import (
    is_rating_limited,
    movie_visible,
    show_visible,
    visible_libraries,
)


@dataclass(frozen=True, slots=True)
class ArtworkSource:
    source: str  # "sidecar" (an image file), "embedded" (inside a media file), "frame"
    root: str
    rel_path: bytes
    follow_symlinks: bool
    frame_ms: int | None


def _used_by_something_visible(
    viewer: Viewer, artwork_id: ColumnElement[str]
) -> ColumnElement[bool]:
    m, sh, se = s.movies.c, s.shows.c, s.seasons.c
    return or_(
        exists().where(s.albums.c.cover_id == artwork_id),
        exists().where(
            or_(m.poster_id == artwork_id, m.fanart_id == artwork_id), movie_visible(viewer)
        ),
        exists().where(
            or_(sh.poster_id == artwork_id, sh.fanart_id == artwork_id), show_visible(viewer)
        ),
        exists().where(se.poster_id == artwork_id, sh.id == se.show_id, show_visible(viewer)),
    )


def artwork_source(conn: Connection, viewer: Viewer, artwork_id: str) -> ArtworkSource:
    a, f, r, lib = s.artwork.c, s.media_files.c, s.library_roots.c, s.libraries.c
    where = [a.id == artwork_id, a.library_id.in_(visible_libraries(viewer))]
    if is_rating_limited(viewer):
        where.append(_used_by_something_visible(viewer, a.id))
    row = conn.execute(
        select(a.source, a.root_id, a.rel_path, a.file_id, a.frame_ms, lib.follow_symlinks)
        .join(s.libraries, lib.id == a.library_id)
        .where(*where)
    ).first()
    if row is None:
        raise NotFoundError("no such artwork")
    if row.source == "sidecar":
        root = conn.execute(select(r.path).where(r.id == row.root_id)).scalar_one()
        rel_path = bytes(row.rel_path)
    else:
        root, rel = conn.execute(
            select(r.path, f.rel_path)
            .join(s.media_files, f.root_id == r.id)
            .where(f.id == row.file_id)
        ).one()
        rel_path = bytes(rel)
    return ArtworkSource(row.source, root, rel_path, bool(row.follow_symlinks), row.frame_ms)
