"""Films as the Subsonic API's videos (getVideos, bookmarks of a film), for a viewer:
only films in the viewer's libraries and within their content rating (``visibility``).
"""

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, func, select

from parlour.domain.accounts import Viewer
from parlour.storage import schema as s
from parlour.storage.subsonic_music import STATE, by_ids, listed, state_of
from parlour.storage.visibility import movie_visible


@dataclass(slots=True)
class Video:
    id: str
    title: str
    year: int | None
    cover_id: str | None  # the poster
    size: int
    path: str  # relative to its library root
    duration_ms: int
    bitrate: int | None  # bits per second
    created: int
    starred_at: int | None
    rating: int | None
    play_count: int
    content_type: str = "application/octet-stream"  # filled in by the service

    @property
    def suffix(self) -> str:
        return os.path.splitext(self.path)[1].lstrip(".").lower()


def _video_query(viewer: Viewer) -> Select[Any]:
    m, f, st = s.movies.c, s.media_files.c, STATE.c
    return (
        select(
            m.id,
            m.title,
            m.year,
            m.poster_id,
            f.size,
            f.rel_path,
            func.coalesce(f.duration_ms, 0),
            f.bitrate,
            m.added_at,
            st.favourite_at,
            st.rating,
            func.coalesce(st.play_count, 0),
        )
        .select_from(s.movies)
        .join(s.media_files, f.id == m.file_id)
        .outerjoin(STATE, state_of(viewer, m.id))
        .where(movie_visible(viewer))
    )


def _video(row: Any) -> Video:
    values = list(row)
    values[5] = bytes(values[5]).decode("utf-8", "replace")  # the path, stored as bytes
    return Video(*values)


def videos(conn: Connection, viewer: Viewer, size: int, offset: int) -> list[Video]:
    """A page of the viewer's films by title."""
    m = s.movies.c
    query = _video_query(viewer).order_by(m.sort_title, m.id).limit(size).offset(offset)
    return [_video(row) for row in conn.execute(query)]


def videos_by_ids(conn: Connection, viewer: Viewer, ids: Sequence[str]) -> list[Video]:
    m = s.movies.c
    return by_ids(conn, ids, _video_query(viewer).where(listed(m.id)), _video)
