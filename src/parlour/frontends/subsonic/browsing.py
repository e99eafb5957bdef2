"""Browsing methods: getIndexes and getMusicDirectory (folder style), getArtists,
getArtist, getAlbum and getSong (ID3 style), getGenres.

The folder-style tree is artists → albums → songs, as Navidrome shows it: the index
lists album artists, an artist's directory holds their albums, an album's its songs.
The ids are those of the ID3 methods, so a client may mix the two styles.
"""

from parlour.domain.accounts import Viewer
from parlour.frontends.subsonic import shapes
from parlour.frontends.subsonic.protocol import NOT_FOUND, Params, Payload, SubsonicError
from parlour.frontends.subsonic.routes import method
from parlour.frontends.subsonic.system import library_of_folder
from parlour.services.application import Parlour


@method("getIndexes")
def get_indexes(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    library = library_of_folder(parlour, viewer, params)
    changed_ms = parlour.music.last_change(viewer, library) * 1000
    since = params.integer("ifModifiedSince", 0, 0, 2**63 - 1)
    answer: Payload = {"lastModified": changed_ms, "ignoredArticles": shapes.IGNORED_ARTICLES}
    if since and changed_ms <= since:
        return {"indexes": answer}  # nothing has changed since the client last asked
    artists = parlour.music.album_artists(viewer, library)
    answer["index"] = shapes.indexed(artists, shapes.artist_entry)
    return {"indexes": answer}


@method("getMusicDirectory")
def get_music_directory(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    item_id = params.required("id")
    kind = parlour.music.kind_of(viewer, item_id)
    if kind == "artist":
        artist, albums = parlour.music.artist(viewer, item_id)
        directory = {
            "id": artist.id,
            "name": artist.name,
            "starred": shapes.iso(artist.starred_at),
            "userRating": shapes.stars(artist.rating),
            "child": [shapes.album_child(album) for album in albums],
        }
    elif kind == "album":
        album, songs = parlour.music.album(viewer, item_id)
        directory = {
            "id": album.id,
            "parent": album.artist_id,
            "name": album.name,
            "starred": shapes.iso(album.starred_at),
            "userRating": shapes.stars(album.rating),
            "child": [shapes.song(song) for song in songs],
        }
    else:  # a song is not a directory; an unknown or hidden id is not found either
        raise SubsonicError(NOT_FOUND, "Directory not found")
    return {"directory": directory}


@method("getArtists")
def get_artists(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    library = library_of_folder(parlour, viewer, params)
    artists = parlour.music.album_artists(viewer, library)
    return {
        "artists": {
            "ignoredArticles": shapes.IGNORED_ARTICLES,
            "index": shapes.indexed(artists, shapes.artist_id3),
        }
    }


@method("getArtist")
def get_artist(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    artist, albums = parlour.music.artist(viewer, params.required("id"))
    return {"artist": shapes.artist_id3(artist) | {"album": [shapes.album_id3(a) for a in albums]}}


@method("getAlbum")
def get_album(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    album, songs = parlour.music.album(viewer, params.required("id"))
    return {"album": shapes.album_id3(album) | {"song": [shapes.song(s) for s in songs]}}


@method("getSong")
def get_song(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    song = parlour.music.song(viewer, params.required("id"))
    return {"song": shapes.song(song)}


@method("getGenres")
def get_genres(parlour: Parlour, viewer: Viewer, _params: Params) -> Payload:
    genres = parlour.catalog.music_genres(viewer)
    return {
        "genres": {
            "genre": [
                {"songCount": g["tracks"], "albumCount": g["albums"], "value": g["name"]}
                for g in genres
            ]
        }
    }
