"""What music apps write through Subsonic: stars, ratings, plays, what is playing now,
playlists, the saved play queue and bookmarks; and the scan status. Driven with py-sonic
and raw HTTP over 127.0.0.1 against the same state Parlour's own REST API shows
(``subsonic_catalogue``: alice sees "Songs A", bob both libraries)."""

import time
from collections.abc import Iterator
from typing import Any

import httpx
import libsonic
import pytest

from subsonic_catalogue import SubsonicServer, serve_music

UNKNOWN = "0" * 32


@pytest.fixture(scope="module")
def music(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SubsonicServer]:
    with serve_music(tmp_path_factory.mktemp("subsonic-activity")) as server:
        yield server


@pytest.fixture(scope="module")
def ids(music: SubsonicServer) -> dict[str, str]:
    """Song, album and artist ids by name, as bob (who sees everything) finds them."""
    bob = music.client("bob")
    songs = bob.search3("", artistCount=0, albumCount=0, songCount=500)["searchResult3"]
    found = {song["title"]: song["id"] for song in songs["song"]}
    albums = bob.getAlbumList2("alphabeticalByName", size=500)["albumList2"]["album"]
    found |= {album["name"]: album["id"] for album in albums}
    for index in bob.getArtists()["artists"]["index"]:
        found |= {artist["name"]: artist["id"] for artist in index["artist"]}
    return found


def _json(music: SubsonicServer, user: str, method: str, **params: Any) -> dict[str, Any]:
    answer = music.raw(user, method, f="json", **params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()["subsonic-response"]
    return body


def _ok(music: SubsonicServer, user: str, method: str, **params: Any) -> dict[str, Any]:
    body = _json(music, user, method, **params)
    assert body["status"] == "ok", body
    return body


def _code(music: SubsonicServer, user: str, method: str, **params: Any) -> int:
    body = _json(music, user, method, **params)
    assert body["status"] == "failed", body
    code: int = body["error"]["code"]
    return code


def _song(client: libsonic.Connection, song_id: str) -> dict[str, Any]:
    song: dict[str, Any] = client.getSong(song_id)["song"]
    return song


def _privacy(music: SubsonicServer, user: str, **choices: Any) -> None:
    body = {"pause_history": False, "history_retention_days": None} | choices
    answer = music.rest(user, "PUT", "/me/privacy", **body)
    assert answer.status_code == 200, answer.text


def test_star_and_unstar_songs_albums_and_artists(
    music: SubsonicServer, ids: dict[str, str]
) -> None:
    alice = music.client("alice")
    alice.star(sids=[ids["Dusk"]], albumIds=[ids["Blue Notes"]], artistIds=[ids["Alpha Band"]])
    starred = alice.getStarred2()["starred2"]
    assert [song["title"] for song in starred["song"]] == ["Dusk"]
    assert [album["name"] for album in starred["album"]] == ["Blue Notes"]
    assert [artist["name"] for artist in starred["artist"]] == ["Alpha Band"]
    # The same favourites as the web UI's.
    state = music.rest("alice", "GET", f"/items/{ids['Dusk']}/state").json()
    assert state["favourite_at"] is not None

    # One id alice may not see (Songs B) stars nothing at all.
    assert _code(music, "alice", "star", id=[ids["Noon"], ids["Shadow"]]) == 70
    assert _song(alice, ids["Noon"]).get("starred") is None
    assert _code(music, "alice", "star") == 10
    alice.unstar(sids=[ids["Dusk"]], albumIds=[ids["Blue Notes"]], artistIds=[ids["Alpha Band"]])
    starred = alice.getStarred2()["starred2"]
    assert not starred.get("song") and not starred.get("album") and not starred.get("artist")


def test_ratings_in_stars(music: SubsonicServer, ids: dict[str, str]) -> None:
    alice = music.client("alice")
    alice.setRating(ids["Gale"], 4)
    assert _song(alice, ids["Gale"])["userRating"] == 4
    # Five stars are Parlour's ten points, as the web UI shows them.
    assert music.rest("alice", "GET", f"/items/{ids['Gale']}/state").json()["rating"] == 8
    alice.setRating(ids["Gale"], 0)
    assert "userRating" not in _song(alice, ids["Gale"])
    assert _code(music, "alice", "setRating", id=ids["Gale"], rating="6") == 0
    assert _code(music, "alice", "setRating", id=ids["Gale"]) == 10
    assert _code(music, "alice", "setRating", id=ids["Shadow"], rating="3") == 70


def test_scrobbles_are_plays_and_honour_a_history_pause(
    music: SubsonicServer, ids: dict[str, str]
) -> None:
    alice = music.client("alice")
    before = _song(alice, ids["Breeze"]).get("playCount", 0)
    played_at = int(time.time()) - 7200
    alice.scrobble(ids["Breeze"], listenTime=played_at)  # py-sonic sends milliseconds
    assert _song(alice, ids["Breeze"])["playCount"] == before + 1
    history = music.rest("alice", "GET", "/me/history").json()["items"]
    assert any(
        item["id"] == ids["Breeze"] and item["played_at"] == played_at for item in history
    ), history

    # A batch with a song alice cannot see: the others still count, once.
    _ok(music, "alice", "scrobble", id=[ids["Breeze"], ids["Shadow"]])
    assert _song(alice, ids["Breeze"])["playCount"] == before + 2
    assert _code(music, "alice", "scrobble", id=ids["Shadow"]) == 70
    assert _code(music, "alice", "scrobble", id=[ids["Breeze"]], time=["1", "2"]) == 0

    _privacy(music, "alice", pause_history=True)
    try:
        alice.scrobble(ids["Breeze"])
        assert _song(alice, ids["Breeze"])["playCount"] == before + 2
    finally:
        _privacy(music, "alice", pause_history=False)


def _now_playing(music: SubsonicServer, user: str) -> list[tuple[str, str, str]]:
    entries = music.client(user).getNowPlaying()["nowPlaying"].get("entry", [])
    return sorted((entry["username"], entry["title"], entry["playerName"]) for entry in entries)


def test_now_playing_shows_only_who_chose_to_show_it(
    music: SubsonicServer, ids: dict[str, str]
) -> None:
    # Nobody shares by default: a now-playing scrobble is not kept.
    _ok(music, "alice", "scrobble", id=ids["Dawn"], submission="false")
    assert _now_playing(music, "bob") == []
    assert _now_playing(music, "alice") == []

    _privacy(music, "alice", share_now_playing=True)
    _privacy(music, "bob", share_now_playing=True)
    _ok(music, "alice", "scrobble", id=ids["Dawn"], submission="false")
    _ok(music, "bob", "scrobble", id=ids["Shadow"], submission="false")
    # Now-playing is not a play.
    assert _song(music.client("alice"), ids["Dawn"]).get("playCount", 0) == 0
    both = [("alice", "Dawn", "tests"), ("bob", "Shadow", "tests")]
    assert _now_playing(music, "bob") == both
    assert _now_playing(music, "root") == both
    # Library grants hold for other people's songs: alice cannot see Songs B.
    assert _now_playing(music, "alice") == [("alice", "Dawn", "tests")]
    entry = music.client("bob").getNowPlaying()["nowPlaying"]["entry"][0]
    assert entry["minutesAgo"] == 0 and isinstance(entry["playerId"], int)

    # Turning it off hides it at once; erasing history forgets it.
    _privacy(music, "bob", share_now_playing=False)
    assert _now_playing(music, "root") == [("alice", "Dawn", "tests")]
    erased = music.rest("alice", "DELETE", "/me/history")
    assert erased.status_code == 200, erased.text
    assert _now_playing(music, "root") == []
    assert music.rest("alice", "GET", "/me/privacy").json()["share_now_playing"] is True
    _privacy(music, "alice", share_now_playing=False)


def _titles(playlist: dict[str, Any]) -> list[str]:
    return [entry["title"] for entry in playlist.get("entry", [])]


def test_playlists_are_the_web_uis_playlists(music: SubsonicServer, ids: dict[str, str]) -> None:
    alice = music.client("alice")
    made = alice.createPlaylist(name="Road trip", songIds=[ids["Dawn"], ids["Noon"]])["playlist"]
    assert _titles(made) == ["Dawn", "Noon"] and made["owner"] == "alice"
    assert made["songCount"] == 2 and made["duration"] == 4 + 5 and made["public"] is False
    playlist_id = made["id"]
    # The web UI sees the same playlist.
    web = music.rest("alice", "GET", f"/playlists/{playlist_id}").json()
    assert web["name"] == "Road trip" and [item["id"] for item in web["items"]] == [
        ids["Dawn"],
        ids["Noon"],
    ]

    alice.updatePlaylist(
        playlist_id,
        name="Long road",
        comment="for the car",
        songIdsToAdd=[ids["Gale"], ids["Dawn"]],
        songIndexesToRemove=[0],
    )
    found = alice.getPlaylist(playlist_id)["playlist"]
    assert found["name"] == "Long road" and found["comment"] == "for the car"
    assert _titles(found) == ["Noon", "Gale", "Dawn"]
    listed = alice.getPlaylists()["playlists"]["playlist"]
    assert [(p["name"], p["songCount"]) for p in listed] == [("Long road", 3)]

    # createPlaylist with an id replaces the songs.
    alice.createPlaylist(playlistId=playlist_id, songIds=[ids["Dusk"]])
    assert _titles(alice.getPlaylist(playlist_id)["playlist"]) == ["Dusk"]

    # Nobody else opens it; alice cannot add a song she may not see; bad positions fail.
    assert _code(music, "bob", "getPlaylist", id=playlist_id) == 70
    assert music.client("bob").getPlaylists()["playlists"].get("playlist", []) == []
    assert _code(music, "alice", "getPlaylists", username="bob") == 50
    update = {"playlistId": playlist_id}
    assert _code(music, "alice", "updatePlaylist", **update, songIdToAdd=ids["Shadow"]) == 70
    assert _code(music, "alice", "updatePlaylist", **update, songIndexToRemove="5") == 0
    assert _titles(alice.getPlaylist(playlist_id)["playlist"]) == ["Dusk"]

    alice.deletePlaylist(playlist_id)
    assert _code(music, "alice", "getPlaylist", id=playlist_id) == 70
    assert music.rest("alice", "GET", "/playlists").json() == []


def test_play_queue_carries_over_between_apps(music: SubsonicServer, ids: dict[str, str]) -> None:
    assert "playQueue" not in _ok(music, "bob", "getPlayQueue")
    queue = [ids["Dawn"], ids["Shadow"], ids["Midnight"]]
    _ok(music, "bob", "savePlayQueue", id=queue, current=ids["Shadow"], position="61500", c="phone")
    saved = music.client("bob").getPlayQueue()["playQueue"]
    assert [entry["id"] for entry in saved["entry"]] == queue
    assert saved["current"] == ids["Shadow"] and saved["position"] == 61500
    assert saved["username"] == "bob" and saved["changedBy"] == "phone"
    assert saved["changed"].endswith("Z")
    # Another user's queue is their own.
    assert "playQueue" not in _ok(music, "alice", "getPlayQueue")

    assert _code(music, "bob", "savePlayQueue", id=queue, current=UNKNOWN) == 0
    assert _code(music, "alice", "savePlayQueue", id=[ids["Dawn"], ids["Shadow"]]) == 70
    _ok(music, "bob", "savePlayQueue")  # no songs: the saved queue goes
    assert "playQueue" not in _ok(music, "bob", "getPlayQueue")


def test_bookmarks(music: SubsonicServer, ids: dict[str, str]) -> None:
    alice = music.client("alice")
    alice.createBookmark(ids["Midnight"], 1500, comment="the solo")
    alice.createBookmark(ids["Sunrise"], 2000)
    marks = alice.getBookmarks()["bookmarks"]["bookmark"]
    assert sorted((m["entry"]["title"], m["position"]) for m in marks) == [
        ("Midnight", 1500),
        ("Sunrise", 2000),
    ]
    by_title = {m["entry"]["title"]: m for m in marks}
    assert by_title["Midnight"]["comment"] == "the solo"
    assert by_title["Midnight"]["username"] == "alice"
    assert by_title["Midnight"]["entry"]["type"] == "music"
    alice.createBookmark(ids["Midnight"], 2500)  # moves it
    marks = {m["entry"]["title"]: m for m in alice.getBookmarks()["bookmarks"]["bookmark"]}
    assert marks["Midnight"]["position"] == 2500 and "comment" not in marks["Midnight"]
    # A position past the end is held to the song's length (3 s).
    alice.createBookmark(ids["Midnight"], 9_000_000)
    marks = {m["entry"]["title"]: m for m in alice.getBookmarks()["bookmarks"]["bookmark"]}
    assert 2500 < marks["Midnight"]["position"] <= 3500

    assert music.client("bob").getBookmarks()["bookmarks"].get("bookmark", []) == []
    assert _code(music, "alice", "createBookmark", id=ids["Shadow"], position="10") == 70
    assert _code(music, "alice", "createBookmark", id=ids["Blue Notes"], position="10") == 0
    assert _code(music, "alice", "createBookmark", id=ids["Midnight"]) == 10
    alice.deleteBookmark(ids["Sunrise"])
    assert _code(music, "alice", "deleteBookmark", id=ids["Sunrise"]) == 70
    titles = [m["entry"]["title"] for m in alice.getBookmarks()["bookmarks"]["bookmark"]]
    assert titles == ["Midnight"]


def test_bookmarks_and_queue_are_exported_and_erased(
    music: SubsonicServer, ids: dict[str, str]
) -> None:
    _ok(music, "root", "createBookmark", id=ids["Encore"], position="1000", comment="canary-42")
    _ok(music, "root", "savePlayQueue", id=[ids["Encore"]], current=ids["Encore"], position="5")
    _privacy(music, "root", share_now_playing=True)
    exported = music.rest("root", "GET", "/me/export").json()
    assert [(b["item_id"], b["comment"]) for b in exported["bookmarks"]] == [
        (ids["Encore"], "canary-42")
    ]
    assert exported["play_queue"]["item_ids"] == [ids["Encore"]]
    assert exported["play_queue"]["changed_by"] == "tests"
    assert exported["privacy_choices"]["share_now_playing"] is True
    inventory = music.rest("root", "GET", "/me/data").json()
    resume = next(c for c in inventory["categories"] if c["category"] == "resume-points")
    assert resume["rows"]["bookmarks"] == 1 and resume["rows"]["play_queues"] == 1, resume

    erased = music.rest("root", "DELETE", "/me/data/resume-points")
    assert erased.status_code == 200, erased.text
    assert _ok(music, "root", "getBookmarks")["bookmarks"].get("bookmark", []) == []
    assert "playQueue" not in _ok(music, "root", "getPlayQueue")
    exported = music.rest("root", "GET", "/me/export").json()
    assert exported["bookmarks"] == [] and exported["play_queue"] is None


def test_scan_status_and_start_scan(music: SubsonicServer) -> None:
    status = music.client("alice").getScanStatus()["scanStatus"]
    assert status["scanning"] is False and isinstance(status["count"], int)
    # An app password never acts as an admin, root's included.
    assert _code(music, "root", "startScan") == 50
    answer = httpx.get(music.process.base + "/api/v1/admin/scan", headers=music.headers["root"])
    assert answer.status_code == 200 and answer.json()["run"] == 0


def test_videos_of_a_music_only_server_are_none(music: SubsonicServer) -> None:
    assert _ok(music, "bob", "getVideos")["videos"].get("video", []) == []
