"""Lyrics of the viewer's songs, from the song file's own tags and from an LRC file
beside it (the same name with ``.lrc``), read when they are asked for.

Both files are found through the catalogue for the viewer and confined to the song's
library root (``media.files``), as the streaming routes serve files: nothing is read
for a song the viewer may not see, and no path comes from the client.
"""

import os
from dataclasses import dataclass, field

from parlour.domain.accounts import Viewer
from parlour.domain.errors import NotFoundError
from parlour.library.lyrics import LyricLine, Lyrics, read_lyrics_file
from parlour.library.lyrics_tags import read_embedded_lyrics
from parlour.media.files import library_file
from parlour.storage import lyrics_store
from parlour.storage.engine import Catalogue
from parlour.storage.lyrics_store import SongFile

__all__ = ["LyricLine", "Lyrics", "LyricsService", "SongLyrics"]

SIDECAR_SUFFIXES = (b".lrc", b".LRC")


@dataclass(frozen=True, slots=True)
class SongLyrics:
    song_id: str
    title: str
    artist: str
    lyrics: list[Lyrics] = field(default_factory=list)  # the tags' first, then the file's


class LyricsService:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    def of_song(self, viewer: Viewer, song_id: str) -> SongLyrics:
        """Every lyrics of a song (none is an empty list); NotFoundError when the viewer
        may not see the song, or it is not a song."""
        with self.catalogue.reading() as conn:
            song = lyrics_store.song_file(conn, viewer, song_id)
        return _read(song)

    def find(self, viewer: Viewer, artist: str | None, title: str | None) -> SongLyrics | None:
        """The lyrics of the first song the viewer may see with this title (and artist,
        when given) that has any; None when there is none, or no title to look for."""
        if title is None or not title.strip():
            return None
        wanted_artist = artist if artist is not None and artist.strip() else None
        with self.catalogue.reading() as conn:
            songs = lyrics_store.songs_named(conn, viewer, title, wanted_artist)
        for song in songs:
            found = _read(song)
            if found.lyrics:
                return found
        return None


def _read(song: SongFile) -> SongLyrics:
    stored = song.file
    found: list[Lyrics] = []
    try:
        audio = library_file(stored.root, stored.rel_path, follow_links_out=stored.follow_symlinks)
        found.extend(read_embedded_lyrics(audio.path))
    except NotFoundError:
        pass  # the song file is gone since the scan; a sidecar may still be there
    stem = os.path.splitext(stored.rel_path)[0]
    for suffix in SIDECAR_SUFFIXES:
        try:
            sidecar = library_file(
                stored.root, stem + suffix, follow_links_out=stored.follow_symlinks
            )
        except NotFoundError:
            continue
        lyrics = read_lyrics_file(sidecar.path)
        if lyrics is not None:
            found.append(lyrics)
        break
    return SongLyrics(song.id, song.title, song.artist, found)
