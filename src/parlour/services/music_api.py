"""Music for the music apps' API (Subsonic): browsing, album lists, random songs,
songs by genre, starred items and search, always as a viewer.

What a viewer may see (their granted libraries, narrowed to one when the app names a
music folder) is decided below, in ``storage.visibility`` through the storage scope;
nothing here widens it. A song's Content-Type comes from its file's extension, by the
same table the streaming routes answer with.
"""

from dataclasses import dataclass
from typing import TypeVar

from parlour.domain.accounts import Viewer
from parlour.domain.errors import InvalidInputError
from parlour.media.files import media_type
from parlour.storage import subsonic_lists, subsonic_music, subsonic_search, subsonic_videos
from parlour.storage.engine import Catalogue
from parlour.storage.subsonic_lists import ALBUM_LISTS
from parlour.storage.subsonic_music import Album, Artist, Scope, Song
from parlour.storage.subsonic_videos import Video

__all__ = ["ALBUM_LISTS", "Album", "Artist", "MusicApiService", "SearchResult", "Song", "Video"]

MAX_LIST = 500  # the most any list answers at once


@dataclass(frozen=True, slots=True)
class SearchResult:
    artists: list[Artist]
    albums: list[Album]
    songs: list[Song]


_Playable = TypeVar("_Playable", Song, Video)


def _typed(items: list[_Playable]) -> list[_Playable]:
    for item in items:
        item.content_type = media_type(item.path.encode("utf-8", "replace"))
    return items


def _count(name: str, value: int) -> int:
    if not 0 <= value <= MAX_LIST:
        raise InvalidInputError(f"'{name}' must be 0 to {MAX_LIST}")
    return value


def _offset(value: int) -> int:
    if value < 0:
        raise InvalidInputError("an offset must be 0 or more")
    return value


class MusicApiService:
    """Read-only. ``library_id`` arguments name one library the caller has already
    found among the viewer's own (None: every library the viewer may see)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    # -- browsing ------------------------------------------------------------------------

    def album_artists(self, viewer: Viewer, library_id: str | None = None) -> list[Artist]:
        """Every artist with an album the viewer may see, by sort name."""
        with self.catalogue.reading() as conn:
            return subsonic_music.album_artists(conn, Scope(viewer, library_id))

    def last_change(self, viewer: Viewer, library_id: str | None = None) -> int:
        """When the viewer's music (or one library of it) was last scanned, unix seconds."""
        with self.catalogue.reading() as conn:
            return subsonic_music.last_scan(conn, Scope(viewer, library_id))

    def artist(self, viewer: Viewer, artist_id: str) -> tuple[Artist, list[Album]]:
        """An artist and their albums, oldest first; NotFoundError when not visible."""
        with self.catalogue.reading() as conn:
            found = subsonic_music.artist(conn, viewer, artist_id)
            return found, subsonic_music.artist_albums(conn, viewer, artist_id)

    def album(self, viewer: Viewer, album_id: str) -> tuple[Album, list[Song]]:
        """An album and its songs by disc and track; NotFoundError when not visible."""
        with self.catalogue.reading() as conn:
            found = subsonic_music.album(conn, viewer, album_id)
            return found, _typed(subsonic_music.album_songs(conn, viewer, album_id))

    def song(self, viewer: Viewer, song_id: str) -> Song:
        with self.catalogue.reading() as conn:
            return _typed([subsonic_music.song(conn, viewer, song_id)])[0]

    def songs(self, viewer: Viewer, song_ids: list[str]) -> list[Song]:
        """The songs among ``song_ids`` the viewer may see, in that order (repeats kept)."""
        with self.catalogue.reading() as conn:
            return _typed(subsonic_music.songs_by_ids(conn, Scope(viewer), song_ids))

    def videos(self, viewer: Viewer, size: int, offset: int = 0) -> list[Video]:
        """A page of the films the viewer may see, by title (Subsonic's videos)."""
        size, offset = _count("size", size), _offset(offset)
        with self.catalogue.reading() as conn:
            return _typed(subsonic_videos.videos(conn, viewer, size, offset))

    def videos_by_ids(self, viewer: Viewer, video_ids: list[str]) -> list[Video]:
        with self.catalogue.reading() as conn:
            return _typed(subsonic_videos.videos_by_ids(conn, viewer, video_ids))

    def kind_of(self, viewer: Viewer, item_id: str) -> str | None:
        """Whether an id the viewer may see is an "artist", "album" or "song" (else None)."""
        scope = Scope(viewer)
        with self.catalogue.reading() as conn:
            if subsonic_music.artists_by_ids(conn, scope, [item_id]):
                return "artist"
            if subsonic_music.albums_by_ids(conn, scope, [item_id]):
                return "album"
            if subsonic_music.songs_by_ids(conn, scope, [item_id]):
                return "song"
        return None

    # -- lists ---------------------------------------------------------------------------

    def album_list(
        self,
        viewer: Viewer,
        kind: str,
        size: int,
        offset: int = 0,
        *,
        library_id: str | None = None,
        years: tuple[int, int] | None = None,
        genre: str | None = None,
    ) -> list[Album]:
        """One page of an album list: ``kind`` is one of ALBUM_LISTS; ``byYear`` needs
        ``years`` (from, to), ``byGenre`` a ``genre``."""
        if kind not in ALBUM_LISTS:
            raise InvalidInputError(f"'type' must be one of {', '.join(sorted(ALBUM_LISTS))}")
        if kind == "byYear" and years is None:
            raise InvalidInputError("byYear needs 'fromYear' and 'toYear'")
        if kind == "byGenre" and genre is None:
            raise InvalidInputError("byGenre needs a 'genre'")
        size, offset = _count("size", size), _offset(offset)
        with self.catalogue.reading() as conn:
            return subsonic_lists.album_list(
                conn, Scope(viewer, library_id), kind, size, offset, years=years, genre=genre
            )

    def random_songs(
        self,
        viewer: Viewer,
        size: int,
        *,
        library_id: str | None = None,
        genre: str | None = None,
        from_year: int | None = None,
        to_year: int | None = None,
    ) -> list[Song]:
        size = _count("size", size)
        with self.catalogue.reading() as conn:
            songs = subsonic_lists.random_songs(
                conn,
                Scope(viewer, library_id),
                size,
                genre=genre,
                from_year=from_year,
                to_year=to_year,
            )
        return _typed(songs)

    def songs_by_genre(
        self,
        viewer: Viewer,
        genre: str,
        count: int,
        offset: int = 0,
        *,
        library_id: str | None = None,
    ) -> list[Song]:
        count, offset = _count("count", count), _offset(offset)
        with self.catalogue.reading() as conn:
            songs = subsonic_lists.songs_by_genre(
                conn, Scope(viewer, library_id), genre, count, offset
            )
        return _typed(songs)

    def starred(self, viewer: Viewer, library_id: str | None = None) -> SearchResult:
        with self.catalogue.reading() as conn:
            artists, albums, songs = subsonic_lists.starred(conn, Scope(viewer, library_id))
        return SearchResult(artists, albums, _typed(songs))

    # -- search --------------------------------------------------------------------------

    def search(
        self,
        viewer: Viewer,
        words: str | None,
        pages: dict[str, tuple[int, int]],
        *,
        library_id: str | None = None,
    ) -> SearchResult:
        """Artists, albums and songs matching ``words`` (None: everything, by name), one
        page of each: ``pages`` maps "artist", "album" and "song" to (count, offset)."""
        for name in ("artist", "album", "song"):
            count, offset = pages.get(name, (0, 0))
            _count(name + "Count", count)
            _offset(offset)
        scope = Scope(viewer, library_id)
        with self.catalogue.reading() as conn:
            ids = subsonic_search.search_pages(conn, scope, words, pages)
            artists = subsonic_music.artists_by_ids(conn, scope, ids.get("artist", []))
            albums = subsonic_music.albums_by_ids(conn, scope, ids.get("album", []))
            songs = subsonic_music.songs_by_ids(conn, scope, ids.get("song", []))
        return SearchResult(artists, albums, _typed(songs))
