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


def _item_file_id(conn: Connection, viewer: Viewer, item_id: str) -> str:
    """The media file of a film or episode ``viewer`` may see; else NotFoundError."""
    m, e = s.movies.c, s.episodes.c
    for query in (
        select(m.file_id).where(m.id == item_id, movie_visible(viewer)),
        select(e.file_id).where(e.id == item_id, e.show_id.in_(visible_shows(viewer))),
    ):
        file_id = conn.execute(query).scalar()
        if file_id is not None:
            return str(file_id)
    raise NotFoundError("no such item")


def external_subtitle(
    conn: Connection, viewer: Viewer, item_id: str, subtitle_id: str
) -> StoredFile:
    """A sidecar subtitle file of a film or episode ``viewer`` may see."""
    file_id = _item_file_id(conn, viewer, item_id)
    x, r, lib = s.external_subtitles.c, s.library_roots.c, s.libraries.c
    row = conn.execute(
        select(r.path, x.rel_path, lib.follow_symlinks)
        .join(s.library_roots, r.id == x.root_id)
        .join(s.libraries, lib.id == r.library_id)
        .where(x.id == subtitle_id, x.file_id == file_id)
    ).first()
    if row is None:
        raise NotFoundError("no such subtitle")
    return StoredFile(row[0], bytes(row[1]), bool(row[2]))


# Subtitle codecs that are text, so that WebVTT can be made of them (pictures cannot).
TEXT_SUBTITLE_CODECS = frozenset({"subrip", "srt", "ass", "ssa", "webvtt", "mov_text", "text"})


def embedded_subtitle(
    conn: Connection, viewer: Viewer, item_id: str, stream_index: int
) -> StoredFile:
    """The video file holding text subtitle stream ``stream_index`` of an item."""
    file_id = _item_file_id(conn, viewer, item_id)
    st = s.media_streams.c
    codec = conn.execute(
        select(st.codec).where(
            st.file_id == file_id, st.stream_index == stream_index, st.type == "subtitle"
        )
    ).scalar()
    if codec is None or codec not in TEXT_SUBTITLE_CODECS:
        raise NotFoundError("no such text subtitle stream")
    f, r, lib = s.media_files.c, s.library_roots.c, s.libraries.c
    row = conn.execute(
        select(r.path, f.rel_path, lib.follow_symlinks)
        .join(s.library_roots, r.id == f.root_id)
        .join(s.libraries, lib.id == f.library_id)
        .where(f.id == file_id)
    ).one()
    return StoredFile(row[0], bytes(row[1]), bool(row[2]))
