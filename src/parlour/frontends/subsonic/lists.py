"""List methods: getAlbumList and getAlbumList2 (every type), getRandomSongs,
getSongsByGenre, getStarred and getStarred2. Each honours ``musicFolderId``."""

from parlour.domain.accounts import Viewer
from parlour.frontends.subsonic import shapes
from parlour.frontends.subsonic.protocol import Params, Payload
from parlour.frontends.subsonic.routes import method
from parlour.frontends.subsonic.system import library_of_folder
from parlour.services.application import Parlour
from parlour.services.music_api import MAX_LIST, Album

MAX_YEAR = 9999


def _year(params: Params, name: str) -> int | None:
    return params.integer(name, 0, 0, MAX_YEAR) if params.get(name) else None


def _required_year(params: Params, name: str) -> int:
    params.required(name)
    return params.integer(name, 0, 0, MAX_YEAR)


def _album_list(parlour: Parlour, viewer: Viewer, params: Params) -> list[Album]:
    kind = params.required("type")
    years = None
    if kind == "byYear":
        years = (_required_year(params, "fromYear"), _required_year(params, "toYear"))
    genre = params.required("genre") if kind == "byGenre" else None
    size = params.integer("size", 10, 0, MAX_LIST)
    offset = params.integer("offset", 0)
    library = library_of_folder(parlour, viewer, params)
    return parlour.music.album_list(
        viewer, kind, size, offset, library_id=library, years=years, genre=genre
    )


@method("getAlbumList")
def get_album_list(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    albums = _album_list(parlour, viewer, params)
    return {"albumList": {"album": [shapes.album_child(album) for album in albums]}}


@method("getAlbumList2")
def get_album_list2(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    albums = _album_list(parlour, viewer, params)
    return {"albumList2": {"album": [shapes.album_id3(album) for album in albums]}}


@method("getRandomSongs")
def get_random_songs(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    size = params.integer("size", 10, 0, MAX_LIST)
    genre = params.get("genre") or None
    from_year, to_year = _year(params, "fromYear"), _year(params, "toYear")
    library = library_of_folder(parlour, viewer, params)
    songs = parlour.music.random_songs(
        viewer, size, library_id=library, genre=genre, from_year=from_year, to_year=to_year
    )
    return {"randomSongs": {"song": [shapes.song(song) for song in songs]}}


@method("getSongsByGenre")
def get_songs_by_genre(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    genre = params.required("genre")
    count = params.integer("count", 10, 0, MAX_LIST)
    offset = params.integer("offset", 0)
    library = library_of_folder(parlour, viewer, params)
    songs = parlour.music.songs_by_genre(viewer, genre, count, offset, library_id=library)
    return {"songsByGenre": {"song": [shapes.song(song) for song in songs]}}


@method("getStarred")
def get_starred(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    library = library_of_folder(parlour, viewer, params)
    found = parlour.music.starred(viewer, library)
    return {
        "starred": {
            "artist": [shapes.artist_entry(artist) for artist in found.artists],
            "album": [shapes.album_child(album) for album in found.albums],
            "song": [shapes.song(song) for song in found.songs],
        }
    }


@method("getStarred2")
def get_starred2(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    library = library_of_folder(parlour, viewer, params)
    found = parlour.music.starred(viewer, library)
    return {
        "starred2": {
            "artist": [shapes.artist_id3(artist) for artist in found.artists],
            "album": [shapes.album_id3(album) for album in found.albums],
            "song": [shapes.song(song) for song in found.songs],
        }
    }
