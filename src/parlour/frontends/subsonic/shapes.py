"""The Subsonic elements music is shown as (names from the 1.16.1 schema, plus the
OpenSubsonic ``userRating`` on ID3 albums and artists): a song is a ``Child``, an album
an ``AlbumID3`` or, in the folder-style methods, a directory ``Child``; an artist an
``ArtistID3`` or an index ``Artist``.

Ids are the catalogue's own (128 random bits as 32 hex digits): artists, albums and
songs never share one, so getMusicDirectory can tell them apart. ``coverArt`` is the id
of the album's artwork in the catalogue (``artwork.id``, as ``/api/v1/artwork/{id}``
serves it); a song shows its album's. Times are UTC, ISO 8601. Parlour rates 1 to 10
(half stars); Subsonic 1 to 5, so a rating shows as its stars rounded up.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from parlour.frontends.subsonic.protocol import Payload
from parlour.services.music_api import Album, Artist, Song, Video

# The articles a sort name leaves out (storage.item_writer.sort_key), for getIndexes and
# getArtists.
IGNORED_ARTICLES = "The A An"


def iso(seconds: int | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stars(rating: int | None) -> int | None:
    return None if rating is None else (rating + 1) // 2


def _seconds(ms: int) -> int:
    return round(ms / 1000)


def song(item: Song) -> Payload:
    return {
        "id": item.id,
        "parent": item.album_id,
        "isDir": False,
        "title": item.title,
        "album": item.album,
        "artist": item.artist,
        "track": item.track,
        "year": item.year,
        "genre": item.genre,
        "coverArt": item.cover_id,
        "size": item.size,
        "contentType": item.content_type,
        "suffix": item.suffix,
        "duration": _seconds(item.duration_ms),
        "bitRate": None if item.bitrate is None else round(item.bitrate / 1000),
        "path": item.path,
        "isVideo": False,
        "userRating": stars(item.rating),
        "playCount": item.play_count,
        "discNumber": item.disc,
        "created": iso(item.created),
        "starred": iso(item.starred_at),
        "albumId": item.album_id,
        "artistId": item.artist_id,
        "type": "music",
    }


def album_id3(item: Album) -> Payload:
    return {
        "id": item.id,
        "name": item.name,
        "artist": item.artist,
        "artistId": item.artist_id,
        "coverArt": item.cover_id,
        "songCount": item.song_count,
        "duration": _seconds(item.duration_ms),
        "created": iso(item.created),
        "starred": iso(item.starred_at),
        "userRating": stars(item.rating),
        "year": item.year,
        "genre": item.genre,
    }


def album_child(item: Album) -> Payload:
    """An album as a folder: a child of its (first) artist's directory."""
    return {
        "id": item.id,
        "parent": item.artist_id,
        "isDir": True,
        "title": item.name,
        "album": item.name,
        "artist": item.artist,
        "year": item.year,
        "genre": item.genre,
        "coverArt": item.cover_id,
        "duration": _seconds(item.duration_ms),
        "userRating": stars(item.rating),
        "created": iso(item.created),
        "starred": iso(item.starred_at),
        "albumId": item.id,
        "artistId": item.artist_id,
    }


def artist_id3(item: Artist) -> Payload:
    return {
        "id": item.id,
        "name": item.name,
        "coverArt": item.cover_id,
        "albumCount": item.album_count,
        "starred": iso(item.starred_at),
        "userRating": stars(item.rating),
    }


def artist_entry(item: Artist) -> Payload:
    """An artist as getIndexes, search2 and getStarred list one (the ``Artist`` type)."""
    return {
        "id": item.id,
        "name": item.name,
        "starred": iso(item.starred_at),
        "userRating": stars(item.rating),
    }


def index_letter(item: Artist) -> str:
    first = (item.sort_name or item.name)[:1].upper()
    return first if first.isalpha() else "#"


def indexed(artists: Iterable[Artist], shape: Callable[[Artist], Payload]) -> list[Payload]:
    """Artists (in sort order) grouped by the first letter of their sort name, each
    ``shape``d; names that do not start with a letter go last, under "#"."""
    groups: dict[str, list[Payload]] = {}
    for artist in artists:
        groups.setdefault(index_letter(artist), []).append(shape(artist))
    letters = sorted(groups, key=lambda letter: (letter == "#", letter))
    return [{"name": letter, "artist": groups[letter]} for letter in letters]


def video(item: Video) -> Payload:
    """A film as Subsonic's video child."""
    return {
        "id": item.id,
        "isDir": False,
        "title": item.title,
        "year": item.year,
        "coverArt": item.cover_id,
        "size": item.size,
        "contentType": item.content_type,
        "suffix": item.suffix,
        "duration": _seconds(item.duration_ms),
        "bitRate": None if item.bitrate is None else round(item.bitrate / 1000),
        "path": item.path,
        "isVideo": True,
        "userRating": stars(item.rating),
        "playCount": item.play_count,
        "created": iso(item.created),
        "starred": iso(item.starred_at),
        "type": "video",
    }


def child(item: Song | Video) -> Payload:
    return video(item) if isinstance(item, Video) else song(item)
