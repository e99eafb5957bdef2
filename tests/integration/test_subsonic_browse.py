"""Subsonic browsing, album lists, random songs, genres, starred items and search, driven
with py-sonic (a real client library: POSTed forms, token auth, JSON) over 127.0.0.1 on
generated music whose tags the test knows (``subsonic_catalogue``)."""

import os
import time
from collections.abc import Iterator
from typing import Any

import libsonic
import pytest
from libsonic.errors import DataNotFoundError

from subsonic_catalogue import CONTENT_TYPES, SubsonicServer, Track, serve_music, tracks_of

A_ALBUMS = {"First Light", "Second Wind", "Blue Notes", "Late Arrival"}


@pytest.fixture(scope="module")
def music(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SubsonicServer]:
    with serve_music(tmp_path_factory.mktemp("subsonic-browse")) as server:
        yield server


@pytest.fixture(scope="module")
def alice(music: SubsonicServer) -> libsonic.Connection:
    return music.client("alice")


def _albums(answer: dict[str, Any], key: str = "albumList2") -> list[dict[str, Any]]:
    return list(answer[key].get("album", []))


def _names(albums: list[dict[str, Any]]) -> list[str]:
    return [album.get("name", album.get("title")) for album in albums]


def _album_ids(client: libsonic.Connection) -> dict[str, str]:
    found = _albums(client.getAlbumList2("alphabeticalByName", size=500))
    return {album["name"]: album["id"] for album in found}


def _song_ids(client: libsonic.Connection) -> dict[str, str]:
    songs = client.search3("", artistCount=0, albumCount=0, songCount=500)["searchResult3"]
    return {song["title"]: song["id"] for song in songs.get("song", [])}


def _check_song(song: dict[str, Any], track: Track, music: SubsonicServer) -> None:
    assert song["title"] == track.title
    assert song["album"] == track.album and song["artist"] == track.artist
    assert song["track"] == track.track and song["discNumber"] == track.disc
    assert song["year"] == track.year and song["genre"] == track.genre
    assert abs(song["duration"] - track.seconds) <= 1
    assert song["suffix"] == track.suffix
    assert song["contentType"] == CONTENT_TYPES[track.suffix]
    assert song["path"] == track.path  # inside the library, never the host's path
    assert song["size"] == os.path.getsize(music.roots[track.library] / track.path)
    assert song["isDir"] is False and song["type"] == "music"
    assert song["bitRate"] > 0 and song["playCount"] >= 0
    assert song["parent"] == song["albumId"]
    if track.suffix == "mp3":
        assert song["bitRate"] == 128  # constant bit rate as encoded
    assert song["created"].endswith("Z")


def test_music_folders_indexes_and_directories_round_trip(
    music: SubsonicServer, alice: libsonic.Connection
) -> None:
    folders = alice.getMusicFolders()["musicFolders"]["musicFolder"]
    assert [f["name"] for f in folders] == ["Songs A"]
    both = music.client("bob").getMusicFolders()["musicFolders"]["musicFolder"]
    assert {f["name"] for f in both} == {"Songs A", "Songs B"}

    indexes = alice.getIndexes()["indexes"]
    assert indexes["ignoredArticles"] == "The A An"
    letters = {index["name"]: [a["name"] for a in index["artist"]] for index in indexes["index"]}
    assert letters == {"A": ["Alpha Band"], "B": ["The Beta Singers"]}  # "The" is ignored

    # Nothing changed since the last scan: no index, only when it was. (py-sonic speaks
    # seconds here, and sends and reads the API's milliseconds.)
    changed = indexes["lastModified"]
    unchanged = alice.getIndexes(ifModifiedSince=changed)["indexes"]
    assert "index" not in unchanged and unchanged["lastModified"] == changed
    assert alice.getIndexes(ifModifiedSince=changed - 1)["indexes"]["index"]
    raw = music.raw("alice", "getIndexes", f="json", ifModifiedSince=round(changed * 1000))
    assert "index" not in raw.json()["subsonic-response"]["indexes"]

    alpha = indexes["index"][0]["artist"][0]
    directory = alice.getMusicDirectory(alpha["id"])["directory"]
    assert directory["id"] == alpha["id"] and directory["name"] == "Alpha Band"
    albums = directory["child"]
    assert [a["title"] for a in albums] == ["First Light", "Second Wind"]  # by year
    assert all(a["isDir"] is True and a["parent"] == alpha["id"] for a in albums)

    inside = alice.getMusicDirectory(albums[0]["id"])["directory"]
    assert inside["name"] == "First Light" and inside["parent"] == alpha["id"]
    songs = inside["child"]
    assert [s["title"] for s in songs] == ["Dawn", "Noon", "Dusk"]
    for song, track in zip(songs, tracks_of(album="First Light"), strict=True):
        _check_song(song, track, music)
        assert song["parent"] == albums[0]["id"]
    # A song is not a directory.
    with pytest.raises(DataNotFoundError):
        alice.getMusicDirectory(songs[0]["id"])


def test_artists_artist_album_and_song(music: SubsonicServer, alice: libsonic.Connection) -> None:
    index = alice.getArtists()["artists"]["index"]
    artists = {a["name"]: a for entry in index for a in entry["artist"]}
    assert set(artists) == {"Alpha Band", "The Beta Singers"}
    assert artists["Alpha Band"]["albumCount"] == 2
    assert artists["The Beta Singers"]["albumCount"] == 2

    artist = alice.getArtist(artists["Alpha Band"]["id"])["artist"]
    assert artist["name"] == "Alpha Band" and artist["albumCount"] == 2
    first, second = artist["album"]
    assert (first["name"], first["year"], second["name"], second["year"]) == (
        "First Light",
        2001,
        "Second Wind",
        2005,
    )
    assert artist["coverArt"] == first["coverArt"]  # the only album with a cover

    album = alice.getAlbum(first["id"])["album"]
    assert album["name"] == "First Light" and album["artist"] == "Alpha Band"
    assert album["artistId"] == artist["id"] and album["songCount"] == 3
    assert abs(album["duration"] - 15) <= 1
    assert album["year"] == 2001 and album["genre"] == "Rock"
    assert album["coverArt"] and album["created"].endswith("Z")
    for song, track in zip(album["song"], tracks_of(album="First Light"), strict=True):
        _check_song(song, track, music)
        assert song["coverArt"] == album["coverArt"] and song["artistId"] == artist["id"]
        assert alice.getSong(song["id"])["song"] == song

    notes = alice.getAlbum(_album_ids(alice)["Blue Notes"])["album"]
    assert "coverArt" not in notes  # no picture anywhere: no id to ask for
    assert [(s["discNumber"], s["track"]) for s in notes["song"]] == [(1, 1), (2, 1)]
    for song, track in zip(notes["song"], tracks_of(album="Blue Notes"), strict=True):
        _check_song(song, track, music)
    wind = alice.getAlbum(_album_ids(alice)["Second Wind"])["album"]
    for song, track in zip(wind["song"], tracks_of(album="Second Wind"), strict=True):
        _check_song(song, track, music)


def test_genres_count_only_what_the_user_may_see(music: SubsonicServer) -> None:
    def genres(user: str) -> dict[str, tuple[int, int]]:
        found = music.client(user).getGenres()["genres"]["genre"]
        return {g["value"]: (g["songCount"], g["albumCount"]) for g in found}

    assert genres("alice") == {"Electronic": (1, 1), "Jazz": (4, 2), "Rock": (3, 1)}
    assert genres("bob") == {
        "Electronic": (1, 1),
        "Jazz": (4, 2),
        "Rock": (4, 2),
        "Secretcore": (1, 1),
    }


@pytest.fixture(scope="module")
def state(music: SubsonicServer, alice: libsonic.Connection) -> dict[str, str]:
    """Alice's stars, ratings and plays, made through Parlour's REST API: she stars
    Alpha Band, Second Wind and Noon; rates Blue Notes 10 and First Light 6; plays Dawn
    three times an hour ago and Breeze once now."""
    ids = _album_ids(alice) | _song_ids(alice)
    ids["Alpha Band"] = alice.getArtists()["artists"]["index"][0]["artist"][0]["id"]
    for name in ("Alpha Band", "Second Wind", "Noon"):
        assert music.rest("alice", "PUT", f"/items/{ids[name]}/favourite").status_code == 200
    for name, rating in (("Blue Notes", 10), ("First Light", 6)):
        answer = music.rest("alice", "PUT", f"/items/{ids[name]}/rating", rating=rating)
        assert answer.status_code == 200, answer.text
    hour_ago = int(time.time()) - 3600
    for played_at in (hour_ago - 20, hour_ago - 10, hour_ago):
        answer = music.rest("alice", "POST", f"/items/{ids['Dawn']}/plays", played_at=played_at)
        assert answer.status_code == 201, answer.text
    assert music.rest("alice", "POST", f"/items/{ids['Breeze']}/plays").status_code == 201
    return ids


def test_every_album_list_type(
    music: SubsonicServer, alice: libsonic.Connection, state: dict[str, str]
) -> None:
    def names(kind: str, **params: Any) -> list[str]:
        return _names(_albums(alice.getAlbumList2(kind, size=500, **params)))

    newest = _albums(alice.getAlbumList2("newest", size=500))
    assert newest[0]["name"] == "Late Arrival"  # added by the later scan
    created = [album["created"] for album in newest]
    assert created == sorted(created, reverse=True) and set(_names(newest)) == A_ALBUMS
    assert names("alphabeticalByName") == [
        "Blue Notes",
        "First Light",
        "Late Arrival",
        "Second Wind",
    ]
    # By artist, "The Beta Singers" sorting as "Beta Singers".
    assert names("alphabeticalByArtist") == [
        "First Light",
        "Second Wind",
        "Blue Notes",
        "Late Arrival",
    ]
    assert set(names("random")) == A_ALBUMS
    assert len(_albums(alice.getAlbumList2("random", size=2))) == 2
    assert names("starred") == ["Second Wind"]
    assert names("highest") == ["Blue Notes", "First Light"]
    assert names("frequent") == ["First Light", "Second Wind"]  # three plays, then one
    assert names("recent") == ["Second Wind", "First Light"]  # now, then an hour ago
    assert names("byYear", fromYear=2000, toYear=2010) == ["First Light", "Second Wind"]
    assert names("byYear", fromYear=2010, toYear=1990) == [
        "Second Wind",
        "First Light",
        "Blue Notes",
    ]  # from after to: the latest first
    assert names("byGenre", genre="Jazz") == ["Blue Notes", "Second Wind"]
    assert names("byGenre", genre="Secretcore") == []  # only in a library alice lacks

    # size and offset page through a list.
    page = _albums(alice.getAlbumList2("alphabeticalByName", size=2, offset=1))
    assert _names(page) == ["First Light", "Late Arrival"]
    assert _albums(alice.getAlbumList2("alphabeticalByName", size=2, offset=4)) == []

    # The albums carry the figures of the list they are in.
    by_name = {a["name"]: a for a in _albums(alice.getAlbumList2("alphabeticalByName"))}
    assert by_name["Second Wind"]["starred"].endswith("Z")
    assert "starred" not in by_name["First Light"]
    assert (by_name["Blue Notes"]["songCount"], by_name["Blue Notes"]["genre"]) == (2, "Jazz")

    # getAlbumList answers the same albums as directories.
    legacy = _albums(alice.getAlbumList("alphabeticalByName", size=500), "albumList")
    assert [a["title"] for a in legacy] == names("alphabeticalByName")
    assert all(a["isDir"] is True for a in legacy)
    assert [a["title"] for a in _albums(alice.getAlbumList("starred"), "albumList")] == [
        "Second Wind"
    ]


def test_music_folders_narrow_the_lists(music: SubsonicServer) -> None:
    bob = music.client("bob")  # granted both libraries
    b = music.folders["Songs B"]
    assert _names(_albums(bob.getAlbumList2("newest", size=500, musicFolderId=b))) == [
        "Hidden Tracks"
    ]
    everywhere = _names(_albums(bob.getAlbumList2("alphabeticalByName", size=500)))
    assert set(everywhere) == A_ALBUMS | {"Hidden Tracks"}
    songs = bob.getRandomSongs(size=500, musicFolderId=b)["randomSongs"]["song"]
    assert {s["title"] for s in songs} == {"Whisper of Dawn", "Shadow"}
    rock = bob.getSongsByGenre("Rock", count=500, musicFolderId=b)["songsByGenre"]["song"]
    assert [s["title"] for s in rock] == ["Whisper of Dawn"]
    found = bob.search3("dawn", musicFolderId=music.folders["Songs A"])["searchResult3"]
    assert [s["title"] for s in found["song"]] == ["Dawn"]
    index = bob.getArtists(musicFolderId=b)["artists"]["index"]
    assert [a["name"] for entry in index for a in entry["artist"]] == ["Gamma Secret"]
    index = bob.getIndexes(musicFolderId=music.folders["Songs A"])["indexes"]["index"]
    assert [a["name"] for entry in index for a in entry["artist"]] == [
        "Alpha Band",
        "The Beta Singers",
    ]
    legacy = bob.getAlbumList("random", size=500, musicFolderId=b)["albumList"]["album"]
    assert [a["title"] for a in legacy] == ["Hidden Tracks"]


def test_random_songs_and_songs_by_genre(music: SubsonicServer, alice: libsonic.Connection) -> None:
    def titles(answer: dict[str, Any], key: str) -> list[str]:
        return [song["title"] for song in answer[key].get("song", [])]

    everything = titles(alice.getRandomSongs(size=500), "randomSongs")
    assert sorted(everything) == sorted(t.title for t in tracks_of("Songs A"))
    assert len(titles(alice.getRandomSongs(size=3), "randomSongs")) == 3
    assert len(titles(alice.getRandomSongs(), "randomSongs")) == 8  # default size 10
    jazz = titles(alice.getRandomSongs(size=500, genre="Jazz"), "randomSongs")
    assert sorted(jazz) == ["Breeze", "Gale", "Midnight", "Sunrise"]
    years = titles(alice.getRandomSongs(size=500, fromYear=2000, toYear=2006), "randomSongs")
    assert sorted(years) == ["Breeze", "Dawn", "Dusk", "Gale", "Noon"]
    for song in alice.getRandomSongs(size=500)["randomSongs"]["song"]:
        _check_song(song, tracks_of(title=song["title"])[0], music)

    # Album by album, in disc and track order, a page at a time.
    first = titles(alice.getSongsByGenre("Jazz", count=3), "songsByGenre")
    assert first == ["Midnight", "Sunrise", "Breeze"]
    assert titles(alice.getSongsByGenre("Jazz", count=3, offset=3), "songsByGenre") == ["Gale"]
    assert titles(alice.getSongsByGenre("Secretcore"), "songsByGenre") == []


def test_search_counts_and_offsets_per_kind(
    music: SubsonicServer, alice: libsonic.Connection
) -> None:
    def found(client: libsonic.Connection, query: str, **pages: int) -> dict[str, list[str]]:
        result = client.search3(query, **pages)["searchResult3"]
        return {
            "artist": [a["name"] for a in result.get("artist", [])],
            "album": [a["name"] for a in result.get("album", [])],
            "song": [s["title"] for s in result.get("song", [])],
        }

    alpha = found(alice, "alpha")
    assert alpha["artist"] == ["Alpha Band"]
    assert set(alpha["album"]) == {"First Light", "Second Wind"}  # by their artist's name
    assert set(alpha["song"]) == {"Dawn", "Noon", "Dusk", "Breeze", "Gale"}
    assert found(alice, "dawn") == {"artist": [], "album": [], "song": ["Dawn"]}
    assert found(music.client("bob"), "dawn")["song"] == ["Dawn", "Whisper of Dawn"]
    assert found(alice, "sec")["album"] == ["Second Wind"]  # prefixes match

    pages = [found(alice, "alpha", songCount=2, songOffset=offset)["song"] for offset in (0, 2, 4)]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert {title for page in pages for title in page} == set(alpha["song"])
    limited = found(alice, "alpha", artistCount=0, albumCount=1, albumOffset=1, songCount=0)
    assert limited["artist"] == [] and limited["song"] == []
    assert limited["album"] == alpha["album"][1:]

    # An empty query is everything, a page of each kind at a time (OpenSubsonic).
    everything = found(alice, "", artistCount=500, albumCount=500, songCount=500)
    assert everything["artist"] == ["Alpha Band", "The Beta Singers"]
    assert set(everything["album"]) == A_ALBUMS
    assert len(everything["song"]) == len(tracks_of("Songs A"))
    assert found(alice, '""', songCount=3, songOffset=6)["song"] == everything["song"][6:8]

    # search2 answers the same as directories.
    old = alice.search2("alpha")["searchResult2"]
    assert [a["name"] for a in old["artist"]] == ["Alpha Band"]
    assert {a["title"] for a in old["album"]} == set(alpha["album"])
    assert all(a["isDir"] is True for a in old["album"])
    assert {s["title"] for s in old["song"]} == set(alpha["song"])


def test_starred_lists(
    music: SubsonicServer, alice: libsonic.Connection, state: dict[str, str]
) -> None:
    starred = alice.getStarred2()["starred2"]
    assert [a["name"] for a in starred["artist"]] == ["Alpha Band"]
    assert starred["artist"][0]["albumCount"] == 2
    assert [a["name"] for a in starred["album"]] == ["Second Wind"]
    assert [s["title"] for s in starred["song"]] == ["Noon"]
    assert all(item["starred"].endswith("Z") for kind in starred.values() for item in kind)
    noon = alice.getSong(state["Noon"])["song"]
    assert noon["starred"] == starred["song"][0]["starred"]
    dawn = alice.getSong(state["Dawn"])["song"]
    assert dawn["playCount"] == 3
    notes = alice.getAlbum(state["Blue Notes"])["album"]
    assert notes["userRating"] == 5  # ten half stars

    old = alice.getStarred()["starred"]
    assert [a["name"] for a in old["artist"]] == ["Alpha Band"]
    assert [a["title"] for a in old["album"]] == ["Second Wind"]
    assert old["album"][0]["isDir"] is True
    assert [s["title"] for s in old["song"]] == ["Noon"]
    # Stars are the user's own.
    assert music.client("bob").getStarred2()["starred2"] == {"artist": [], "album": [], "song": []}
