"""search2 and search3: artists, albums and songs matching a query, a page of each
(``artistCount``/``artistOffset``, ``albumCount``/``albumOffset``,
``songCount``/``songOffset``), within ``musicFolderId`` when given.

An empty query (``query=``, or ``""`` as some apps send it) answers everything, page by
page, as OpenSubsonic allows: apps use it to copy the whole catalogue.
"""

from parlour.domain.accounts import Viewer
from parlour.frontends.subsonic import shapes
from parlour.frontends.subsonic.protocol import MISSING_PARAMETER, Params, Payload, SubsonicError
from parlour.frontends.subsonic.routes import method
from parlour.frontends.subsonic.system import library_of_folder
from parlour.services.application import Parlour
from parlour.services.music_api import MAX_LIST, SearchResult

DEFAULT_COUNT = 20


def _words(params: Params) -> str | None:
    """The query's words; None when the query asks for everything."""
    query = params.get("query")
    if query is None:
        raise SubsonicError(MISSING_PARAMETER, "Required parameter 'query' is missing")
    return None if query.strip(' "*') == "" else query


def _search(parlour: Parlour, viewer: Viewer, params: Params) -> SearchResult:
    words = _words(params)
    pages = {
        kind: (
            params.integer(f"{kind}Count", DEFAULT_COUNT, 0, MAX_LIST),
            params.integer(f"{kind}Offset", 0),
        )
        for kind in ("artist", "album", "song")
    }
    library = library_of_folder(parlour, viewer, params)
    return parlour.music.search(viewer, words, pages, library_id=library)


@method("search2")
def search2(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    found = _search(parlour, viewer, params)
    return {
        "searchResult2": {
            "artist": [shapes.artist_entry(artist) for artist in found.artists],
            "album": [shapes.album_child(album) for album in found.albums],
            "song": [shapes.song(song) for song in found.songs],
        }
    }


@method("search3")
def search3(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    found = _search(parlour, viewer, params)
    return {
        "searchResult3": {
            "artist": [shapes.artist_id3(artist) for artist in found.artists],
            "album": [shapes.album_id3(album) for album in found.albums],
            "song": [shapes.song(song) for song in found.songs],
        }
    }
