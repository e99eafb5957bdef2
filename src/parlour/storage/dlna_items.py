"""The details of DLNA items (tracks, films, videos, episodes, photos), read for one page
of a listing at a time: one query per kind present, whatever the page's length.

Every query applies the viewer's access rules; an item the viewer may not see is
simply absent from the answer.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Select, func, select

from parlour.domain.accounts import Viewer
from parlour.storage import dlna_objects as o
from parlour.storage import schema as s
from parlour.storage.dlna_objects import DlnaItem, DlnaSubtitle, ItemRef
from parlour.storage.visibility import movie_visible, visible_libraries, visible_shows


def _first_genre(owner: Any, table: Any, column: Any) -> Any:
    g, link = s.genres.c, table.c
    return (
        select(g.name)
        .join(table, link.genre_id == g.id)
        .where(column == owner)
        .order_by(link.position)
        .limit(1)
        .scalar_subquery()
    )


def _stream(file_id: Any, kind: str, column: Any) -> Any:
    st = s.media_streams.c
    return (
        select(column)
        .where(st.file_id == file_id, st.type == kind)
        .order_by(st.stream_index)
        .limit(1)
        .scalar_subquery()
    )


def _tracks(viewer: Viewer, ids: Sequence[str]) -> Select[Any]:
    t, al, f = s.tracks.c, s.albums.c, s.media_files.c
    return (
        select(
            t.id, t.title, t.artist_name, al.title, t.track_no, func.coalesce(t.date, t.year),
            _first_genre(t.id, s.track_genres, s.track_genres.c.track_id), t.duration_ms,
            f.size, t.bitrate, t.sample_rate, t.channels, f.rel_path, t.codec, al.cover_id,
            t.album_id,
        )
        .join(s.albums, al.id == t.album_id)
        .join(s.media_files, f.id == t.file_id)
        .where(t.id.in_(ids), t.library_id.in_(visible_libraries(viewer)), f.status == "ok")
    )  # fmt: skip


def _movies(viewer: Viewer, ids: Sequence[str]) -> Select[Any]:
    m, f, lib, st, fo = s.movies.c, s.media_files.c, s.libraries.c, s.media_streams.c, s.folders.c
    return (
        select(
            m.id, m.title, func.coalesce(m.premiered, m.year), f.duration_ms, f.size,
            f.bitrate, f.rel_path, m.poster_id, f.id, lib.kind, f.folder_id,
            _first_genre(m.id, s.video_genres, s.video_genres.c.video_id),
            _stream(f.id, "video", st.width), _stream(f.id, "video", st.height),
            _stream(f.id, "video", st.codec), _stream(f.id, "audio", st.codec),
            _stream(f.id, "audio", st.channels), m.library_id, fo.parent_id,
        )
        .join(s.media_files, f.id == m.file_id)
        .join(s.folders, fo.id == f.folder_id)
        .join(s.libraries, lib.id == m.library_id)
        .where(m.id.in_(ids), movie_visible(viewer), f.status == "ok")
    )  # fmt: skip


def _episodes(viewer: Viewer, ids: Sequence[str]) -> Select[Any]:
    e, sh, f, st = s.episodes.c, s.shows.c, s.media_files.c, s.media_streams.c
    return (
        select(
            e.id, e.title, e.air_date, f.duration_ms, f.size, f.bitrate, f.rel_path,
            sh.poster_id, f.id, sh.title, e.season_id, e.episode_number,
            _stream(f.id, "video", st.width), _stream(f.id, "video", st.height),
            _stream(f.id, "video", st.codec), _stream(f.id, "audio", st.codec),
            _stream(f.id, "audio", st.channels),
        )
        .join(s.shows, sh.id == e.show_id)
        .join(s.media_files, f.id == e.file_id)
        .where(e.id.in_(ids), e.show_id.in_(visible_shows(viewer)), f.status == "ok")
    )  # fmt: skip


def _photos(viewer: Viewer, ids: Sequence[str]) -> Select[Any]:
    p, f, fo = s.photos.c, s.media_files.c, s.folders.c
    return (
        select(
            p.id, p.title, p.taken_at, f.size, p.width, p.height, f.rel_path, f.folder_id,
            fo.parent_id, p.library_id,
        )
        .join(s.media_files, f.id == p.file_id)
        .join(s.folders, fo.id == f.folder_id)
        .where(p.id.in_(ids), p.library_id.in_(visible_libraries(viewer)), f.status == "ok")
    )  # fmt: skip


def _subtitles(conn: Connection, file_ids: Sequence[str]) -> dict[str, list[DlnaSubtitle]]:
    x = s.external_subtitles.c
    found: dict[str, list[DlnaSubtitle]] = {}
    rows = conn.execute(
        select(x.file_id, x.id, x.format, x.language)
        .where(x.file_id.in_(file_ids))
        .order_by(x.is_default.desc(), x.id)
    )
    for file_id, sub_id, fmt, language in rows:
        found.setdefault(file_id, []).append(DlnaSubtitle(sub_id, fmt, language))
    return found


def _date(value: object) -> str | None:
    return None if value is None else str(value)


def folder_parent(
    library_id: str, folder_id: str, parent_id: str | None, *, plain: bool = False
) -> str:
    """The object id of the container a folder's content sits in: for what lies in a
    root folder, the library's folder view (or the library itself, for a ``plain``
    videos library, which is nothing but folders)."""
    if parent_id is None:
        return o.object_id(o.LIBRARY if plain else o.FOLDERS, library_id)
    return o.object_id(o.FOLDER, folder_id)


def describe(
    conn: Connection, viewer: Viewer, refs: Sequence[ItemRef], parent_id: str | None = None
) -> list[DlnaItem]:
    """``refs`` as DLNA items, in their order; ``parent_id`` is the container they are
    listed in (None: each item's own place in the tree)."""
    wanted: dict[str, list[str]] = {}
    for ref in refs:
        wanted.setdefault(ref.kind, []).append(ref.item_id)
    made: dict[tuple[str, str], DlnaItem] = {}

    def place(own: str) -> str:
        return own if parent_id is None else parent_id

    if ids := wanted.get("track"):
        for r in conn.execute(_tracks(viewer, ids)):
            made["track", r[0]] = DlnaItem(
                o.object_id(o.TRACK, r[0]), place(o.object_id(o.ALBUM, r[15])), r[0], "track",
                r[1], bytes(r[12]), r[8], r[7], r[9], r[2], r[3], r[6], r[4], _date(r[5]),
                r[10], r[11], audio_codec=r[13], art_id=r[14],
            )  # fmt: skip
    if ids := wanted.get("movie"):
        rows = conn.execute(_movies(viewer, ids)).all()
        subtitles = _subtitles(conn, [r[8] for r in rows])
        for r in rows:
            video = r[9] == "videos"
            own = (
                folder_parent(r[17], r[10], r[18], plain=True)
                if video
                else o.object_id(o.LIBRARY, r[17])
            )
            made["movie", r[0]] = DlnaItem(
                o.object_id(o.MOVIE, r[0]), place(own), r[0], "video" if video else "movie",
                r[1], bytes(r[6]), r[4], r[3], r[5], genre=r[11], date=_date(r[2]),
                channels=r[16], width=r[12], height=r[13], audio_codec=r[15],
                video_codec=r[14], art_id=r[7], subtitles=tuple(subtitles.get(r[8], ())),
            )  # fmt: skip
    if ids := wanted.get("episode"):
        rows = conn.execute(_episodes(viewer, ids)).all()
        subtitles = _subtitles(conn, [r[8] for r in rows])
        for r in rows:
            made["episode", r[0]] = DlnaItem(
                o.object_id(o.EPISODE, r[0]), place(o.object_id(o.SEASON, r[10])), r[0],
                "episode", r[1], bytes(r[6]), r[4], r[3], r[5], album=r[9],
                track_no=r[11], date=_date(r[2]), channels=r[16], width=r[12], height=r[13],
                audio_codec=r[15], video_codec=r[14], art_id=r[7],
                subtitles=tuple(subtitles.get(r[8], ())),
            )  # fmt: skip
    if ids := wanted.get("photo"):
        for r in conn.execute(_photos(viewer, ids)):
            made["photo", r[0]] = DlnaItem(
                o.object_id(o.PHOTO, r[0]), place(folder_parent(r[9], r[7], r[8])), r[0],
                "photo", r[1], bytes(r[6]), r[3], date=_date(r[2]), width=r[4], height=r[5],
            )  # fmt: skip
    return [made[ref.kind, ref.item_id] for ref in refs if (ref.kind, ref.item_id) in made]
