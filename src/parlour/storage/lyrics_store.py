"""Which song file lyrics are read beside or inside: a track the viewer may see, by id
or by its title and artist (getLyrics). The access rules apply here too: a track the
viewer may not see has no file, and is never found by name."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, exists, select

from parlour.domain.accounts import Viewer
from parlour.domain.errors import NotFoundError
from parlour.storage import schema as s
from parlour.storage.item_writer import name_key, sort_key
from parlour.storage.stream_store import StoredFile
from parlour.storage.visibility import visible_libraries

MAX_NAMESAKES = 50  # songs of one title looked at for an artist; more is a pathological library


@dataclass(frozen=True, slots=True)
class SongFile:
    """A track as lyrics are shown for it, and where its file is."""

    id: str
    title: str
    artist: str  # as displayed
    file: StoredFile


def _song_files(viewer: Viewer) -> Select[Any]:
    t, f, r, lib = s.tracks.c, s.media_files.c, s.library_roots.c, s.libraries.c
    return (
        select(t.id, t.title, t.artist_name, r.path, f.rel_path, lib.follow_symlinks)
        .select_from(s.tracks)
        .join(s.media_files, f.id == t.file_id)
        .join(s.library_roots, r.id == f.root_id)
        .join(s.libraries, lib.id == t.library_id)
        .where(t.library_id.in_(visible_libraries(viewer)), f.status == "ok")
    )


def _song_file(row: Any) -> SongFile:
    return SongFile(row[0], row[1], row[2], StoredFile(row[3], bytes(row[4]), bool(row[5])))


def song_file(conn: Connection, viewer: Viewer, track_id: str) -> SongFile:
    """The track ``viewer`` may see with this id; else NotFoundError (a film, a photo or
    another library's track is not found either)."""
    row = conn.execute(_song_files(viewer).where(s.tracks.c.id == track_id)).first()
    if row is None:
        raise NotFoundError("Song not found")
    return _song_file(row)


def songs_named(conn: Connection, viewer: Viewer, title: str, artist: str | None) -> list[SongFile]:
    """The tracks ``viewer`` may see whose title is ``title`` and, when one is given,
    one of whose artists is ``artist`` (both ignoring case and spacing); those whose tags
    hold lyrics first, then the oldest in the catalogue."""
    t, ta, ar = s.tracks.c, s.track_artists.c, s.artists.c
    wanted_title = name_key(title)
    key = None if artist is None else name_key(artist)
    query = _song_files(viewer).where(t.sort_title == sort_key(title))
    if key is not None:
        # The displayed artist ("A feat. B") is checked below; the credited ones here.
        credited = exists().where(ta.track_id == t.id, ar.id == ta.artist_id, ar.name_key == key)
        query = query.add_columns(credited.label("credited"))
    query = query.order_by(t.has_lyrics.desc(), t.added_at, t.id).limit(MAX_NAMESAKES)
    found = []
    for row in conn.execute(query):
        if name_key(row.title) != wanted_title:
            continue  # the sort key leaves out a leading article
        if key is not None and not (row.credited or name_key(row.artist_name) == key):
            continue
        found.append(_song_file(row))
    return found
