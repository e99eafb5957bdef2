"""Short descriptions of items of mixed kinds, for lists such as history and playlists.

Each kind is read with one query over the ids asked for, filtered by what the viewer
may see (libraries and content ratings, ``storage.visibility``); an id the viewer may
not see is simply missing from the answer.
"""

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection, Select, func, literal, select

from parlour.domain.accounts import Viewer
from parlour.domain.activity import ItemKind
from parlour.storage import schema as s
from parlour.storage.visibility import movie_visible, show_visible, visible_libraries

Summary = dict[str, Any]


def _tracks(ids: list[str], viewer: Viewer) -> Select[Any]:
    t, al = s.tracks.c, s.albums.c
    return (
        select(
            t.id,
            literal(ItemKind.TRACK.value).label("kind"),
            t.title,
            t.library_id,
            t.duration_ms,
            t.artist_name,
            t.album_id,
            al.title.label("album_title"),
            al.cover_id.label("image_id"),
            t.disc_no,
            t.track_no,
        )
        .join(s.albums, al.id == t.album_id)
        .where(t.id.in_(ids), t.library_id.in_(visible_libraries(viewer)))
    )


def _movies(ids: list[str], viewer: Viewer) -> Select[Any]:
    m, f = s.movies.c, s.media_files.c
    return (
        select(
            m.id,
            literal(ItemKind.MOVIE.value).label("kind"),
            m.title,
            m.library_id,
            func.coalesce(f.duration_ms, 0).label("duration_ms"),
            m.year,
            m.poster_id.label("image_id"),
        )
        .join(s.media_files, f.id == m.file_id)
        .where(m.id.in_(ids), movie_visible(viewer))
    )


def _episodes(ids: list[str], viewer: Viewer) -> Select[Any]:
    e, f, sh = s.episodes.c, s.media_files.c, s.shows.c
    return (
        select(
            e.id,
            literal(ItemKind.EPISODE.value).label("kind"),
            e.title,
            e.library_id,
            func.coalesce(f.duration_ms, 0).label("duration_ms"),
            e.show_id,
            sh.title.label("show_title"),
            e.season_id,
            e.season_number,
            e.episode_number,
            e.air_date,
            sh.poster_id.label("image_id"),
        )
        .join(s.media_files, f.id == e.file_id)
        .join(s.shows, sh.id == e.show_id)
        .where(e.id.in_(ids), show_visible(viewer))
    )


def _photos(ids: list[str], viewer: Viewer) -> Select[Any]:
    p = s.photos.c
    return select(
        p.id,
        literal(ItemKind.PHOTO.value).label("kind"),
        p.title,
        p.library_id,
        p.taken_at,
        p.width,
        p.height,
    ).where(p.id.in_(ids), p.library_id.in_(visible_libraries(viewer)))


def _albums(ids: list[str], viewer: Viewer) -> Select[Any]:
    al = s.albums.c
    return select(
        al.id,
        literal(ItemKind.ALBUM.value).label("kind"),
        al.title,
        al.library_id,
        al.artist_name,
        al.year,
        al.cover_id.label("image_id"),
    ).where(al.id.in_(ids), al.library_id.in_(visible_libraries(viewer)))


def _artists(ids: list[str], viewer: Viewer) -> Select[Any]:
    ar = s.artists.c
    return select(
        ar.id, literal(ItemKind.ARTIST.value).label("kind"), ar.name.label("title"), ar.library_id
    ).where(ar.id.in_(ids), ar.library_id.in_(visible_libraries(viewer)))


def _shows(ids: list[str], viewer: Viewer) -> Select[Any]:
    sh = s.shows.c
    return select(
        sh.id,
        literal(ItemKind.SHOW.value).label("kind"),
        sh.title,
        sh.library_id,
        sh.year,
        sh.poster_id.label("image_id"),
    ).where(sh.id.in_(ids), show_visible(viewer))


def _seasons(ids: list[str], viewer: Viewer) -> Select[Any]:
    se, sh = s.seasons.c, s.shows.c
    return (
        select(
            se.id,
            literal(ItemKind.SEASON.value).label("kind"),
            se.title,
            sh.library_id,
            se.show_id,
            sh.title.label("show_title"),
            se.number.label("season_number"),
            func.coalesce(se.poster_id, sh.poster_id).label("image_id"),
        )
        .join(s.shows, sh.id == se.show_id)
        .where(se.id.in_(ids), show_visible(viewer))
    )


_QUERIES: dict[ItemKind, Callable[[list[str], Viewer], Select[Any]]] = {
    ItemKind.TRACK: _tracks,
    ItemKind.MOVIE: _movies,
    ItemKind.EPISODE: _episodes,
    ItemKind.PHOTO: _photos,
    ItemKind.ALBUM: _albums,
    ItemKind.ARTIST: _artists,
    ItemKind.SHOW: _shows,
    ItemKind.SEASON: _seasons,
}

_CHUNK = 500  # ids per query: well under every backend's limit on bound parameters


def summaries(
    conn: Connection, viewer: Viewer, ids: Iterable[str], kinds: Iterable[ItemKind]
) -> dict[str, Summary]:
    """Summaries of the items among ``ids`` (of any of ``kinds``) that viewer may see."""
    wanted = list(dict.fromkeys(ids))
    found: dict[str, Summary] = {}
    for kind in dict.fromkeys(kinds):
        pending = [item_id for item_id in wanted if item_id not in found]
        for start in range(0, len(pending), _CHUNK):
            query = _QUERIES[kind](pending[start : start + _CHUNK], viewer)
            for row in conn.execute(query):
                found[row.id] = {str(key): value for key, value in row._asdict().items()}
    return found
