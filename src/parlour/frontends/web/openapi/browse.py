"""Operations: browsing lists, details, folders and search."""

from parlour.frontends.web.openapi.build import OFFSET, Operation, limit, op, query
from parlour.frontends.web.openapi.schemas import Schema, obj, printable, ref

_TAG = "Browse"
_TEXT: Schema = printable(200) | {"minLength": 1}
_ORDER = query("order", {"type": "string", "enum": ["asc", "desc"], "default": "asc"}, "Order")
_CURSOR = query("cursor", {"type": "string"}, "The `next_cursor` of the page before")
_PAGING = (limit(100), OFFSET, _CURSOR)
_FILTERS = {
    "library": query("library", _TEXT, "Only this library (id)"),
    "genre": query("genre", _TEXT, "Only this genre (exact name)"),
    "artist": query("artist", _TEXT, "Only this artist (id)"),
    "album": query("album", _TEXT, "Only this album (id)"),
    "year": query("year", {"type": "integer", "minimum": 0, "maximum": 9999}, "Only this year"),
    "decade": query(
        "decade",
        {"type": "integer", "minimum": 0, "maximum": 9990, "multipleOf": 10},
        "e.g. 1990: 1990-1999",
    ),
    "added_since": query(
        "added_since",
        {
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": 999_999_999_999},
                {"type": "string", "format": "date"},
            ],
            "examples": [1714521600, "2024-05-01"],
        },
        "Unix seconds or an ISO 8601 date (a date and time is accepted too)",
    ),
    "favourite": query("favourite", {"type": "boolean"}, "The caller's favourites (or not)"),
    "watched": query("watched", {"type": "boolean"}, "Watched by the caller (or not)"),
}


def _genre_counts(*counted: str) -> Schema:
    """A list of genres, each with how many things of each named kind carry it."""
    count: Schema = {"type": "integer", "minimum": 0}
    entry = obj({"name": {"type": "string"}, **dict.fromkeys(counted, count)})
    return obj({"items": {"type": "array", "items": entry}})


_GENRES = _genre_counts("albums", "tracks")


def _sort(*names: str) -> dict[str, object]:
    schema = {"type": "string", "enum": list(names), "default": names[0]}
    return query("sort", schema, "Sort by")


def _list(summary: str, answer: str, sorts: tuple[str, ...], *filters: str) -> Operation:
    params = (*_PAGING, _sort(*sorts), _ORDER, *[_FILTERS[name] for name in filters])
    return op(summary, _TAG, answer=ref(answer), params=params)


def _detail(summary: str, answer: str) -> Operation:
    return op(summary, _TAG, answer=ref(answer))


def operations() -> dict[str, dict[str, Operation]]:
    dates = ("year", "decade", "added_since")
    return {
        "/api/v1/albums": {
            "get": _list(
                "Albums",
                "AlbumPage",
                ("title", "year", "added", "artist"),
                "library",
                "genre",
                "artist",
                *dates,
                "favourite",
            )
        },
        "/api/v1/albums/{album_id}": {"get": _detail("An album with its tracks", "AlbumDetail")},
        "/api/v1/genres": {
            "get": op(
                "The genres of the music the caller may see, by name",
                _TAG,
                answer=_GENRES,
                description="Each with how many albums and tracks have it; for `genre=`.",
            )
        },
        "/api/v1/artists": {
            "get": _list("Artists", "ArtistPage", ("name", "added"), "library", "favourite")
        },
        "/api/v1/artists/{artist_id}": {
            "get": _detail("An artist with their albums", "ArtistDetail")
        },
        "/api/v1/tracks": {
            "get": _list(
                "Tracks",
                "TrackPage",
                ("title", "album", "artist", "year", "added", "duration"),
                "library",
                "genre",
                "artist",
                "album",
                *dates,
                "favourite",
            )
        },
        "/api/v1/movies": {
            "get": _list(
                "Films (and the videos of a videos library)",
                "VideoPage",
                ("title", "year", "added", "rating"),
                "library",
                "genre",
                *dates,
                "favourite",
                "watched",
            )
        },
        "/api/v1/shows": {
            "get": _list(
                "Shows (watched: every episode watched)",
                "VideoPage",
                ("title", "year", "added", "rating"),
                "library",
                "genre",
                *dates,
                "favourite",
                "watched",
            )
        },
        "/api/v1/video-genres": {
            "get": op(
                "The genres of the films and shows the caller may see, by name",
                _TAG,
                answer=_genre_counts("movies", "shows"),
                description="Each with how many films and shows have it; for `genre=`.",
            )
        },
        "/api/v1/shows/{show_id}": {"get": _detail("A show with its seasons", "ShowDetail")},
        "/api/v1/seasons/{season_id}": {
            "get": _detail("A season with its episodes", "SeasonDetail")
        },
        "/api/v1/items/{item_id}": {
            "get": _detail(
                "A track, film, episode or photo: file facts, streams, subtitles",
                "ItemDetail",
            )
        },
        "/api/v1/libraries/{library_id}/folders": {
            "get": op(
                "A library's root folders",
                _TAG,
                answer=ref("FolderPage"),
                params=(*_PAGING, _sort("name"), _ORDER),
            )
        },
        "/api/v1/folders/{folder_id}": {
            "get": op(
                "A folder: its subfolders and a page of its items",
                _TAG,
                answer=ref("FolderDetail"),
                params=(*_PAGING, _sort("name", "title", "added", "taken"), _ORDER),
            )
        },
        "/api/v1/search": {
            "get": op(
                "Search every kind, best matches first",
                _TAG,
                answer=ref("SearchPage"),
                params=(
                    query(
                        "q",
                        # Unanchored: somewhere a letter or digit (any script is accepted).
                        {"type": "string", "maxLength": 200, "pattern": "[0-9A-Za-z]"},
                        "Words to find (at least one letter or digit)",
                        required=True,
                    ),
                    limit(50),
                    OFFSET,
                    _CURSOR,
                ),
            )
        },
    }
