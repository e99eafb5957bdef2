"""Subsonic browsing as the protocol and the access rules require: library grants hold in
every method, counts and search included (AZ-03); errors 10 and 70 where the API says;
XML answers in the Subsonic namespace with the schema's element and attribute names,
carrying the same values as JSON. Raw HTTP (httpx) beside py-sonic, over 127.0.0.1."""

import re
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element

import pytest
from defusedxml import ElementTree

from subsonic_catalogue import SubsonicServer, serve_music, tracks_of

NS = "{http://subsonic.org/restapi}"
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Attribute names of the 1.16.1 schema's types, with OpenSubsonic's userRating on the ID3
# album and artist; the required ones apart.
CHILD = _names(
    "id parent isDir title album artist track year genre coverArt size contentType suffix"
    " transcodedContentType transcodedSuffix duration bitRate path isVideo userRating"
    " averageRating playCount discNumber created starred albumId artistId type"
    " bookmarkPosition originalWidth originalHeight"
)
ALBUM_ID3 = _names(
    "id name artist artistId coverArt songCount duration playCount created starred year"
    " genre userRating"
)
ARTIST_ID3 = _names("id name coverArt artistImageUrl albumCount starred userRating")
ARTIST = _names("id name artistImageUrl starred userRating averageRating")
DIRECTORY = _names("id parent name starred userRating averageRating playCount")
REQUIRED = {
    CHILD: {"id", "isDir", "title"},
    ALBUM_ID3: {"id", "name", "songCount", "duration", "created"},
    ARTIST_ID3: {"id", "name", "albumCount"},
    ARTIST: {"id", "name"},
    DIRECTORY: {"id", "name"},
}
INTEGERS = _names(
    "track year size duration bitRate userRating playCount discNumber songCount"
    " albumCount lastModified"
)


@pytest.fixture(scope="module")
def music(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SubsonicServer]:
    with serve_music(tmp_path_factory.mktemp("subsonic-access")) as server:
        yield server


@pytest.fixture(scope="module")
def ids(music: SubsonicServer) -> dict[str, str]:
    """Every artist, album and song by name, as bob (granted both libraries) finds them."""
    found = music.client("bob").search3("", artistCount=500, albumCount=500, songCount=500)
    result = found["searchResult3"]
    names = {a["name"]: a["id"] for a in result["artist"]}
    names |= {a["name"]: a["id"] for a in result["album"]}
    return names | {s["title"]: s["id"] for s in result["song"]}


def _json(music: SubsonicServer, user: str, method: str, **params: Any) -> dict[str, Any]:
    answer = music.raw(user, method, f="json", **params)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    body: dict[str, Any] = answer.json()["subsonic-response"]
    return body


def _xml(music: SubsonicServer, user: str, method: str, **params: Any) -> Element:
    answer = music.raw(user, method, **params)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/xml")
    root: Element = ElementTree.fromstring(answer.content)
    assert root.tag == NS + "subsonic-response"
    assert root.get("version") == "1.16.1"
    return root


def _error(music: SubsonicServer, user: str, method: str, **params: Any) -> tuple[int, int]:
    """The error code in JSON and in XML."""
    body = _json(music, user, method, **params)
    assert body["status"] == "failed", body
    root = _xml(music, user, method, **params)
    assert root.get("status") == "failed"
    error = root.find(NS + "error")
    assert error is not None and error.get("message")
    return body["error"]["code"], int(error.get("code", "-1"))


def test_missing_and_unknown_ids_and_parameters(music: SubsonicServer) -> None:
    unknown = "0" * 32
    for method in ("getAlbum", "getSong", "getArtist", "getMusicDirectory"):
        assert _error(music, "alice", method) == (10, 10)
        assert _error(music, "alice", method, id=unknown) == (70, 70)
        assert _error(music, "alice", method, id="../../etc/passwd") == (70, 70)
    assert _error(music, "alice", "getAlbumList2") == (10, 10)  # no type
    assert _error(music, "alice", "getAlbumList2", type="loudest") == (0, 0)
    assert _error(music, "alice", "getAlbumList", type="byYear", fromYear=2000) == (10, 10)
    assert _error(music, "alice", "getAlbumList2", type="byGenre") == (10, 10)
    assert _error(music, "alice", "getAlbumList2", type="newest", size="many") == (0, 0)
    assert _error(music, "alice", "getSongsByGenre") == (10, 10)
    assert _error(music, "alice", "search3") == (10, 10)
    assert _error(music, "alice", "search2") == (10, 10)
    assert _error(music, "alice", "getArtists", musicFolderId="12345") == (70, 70)


def test_a_library_not_granted_is_invisible_everywhere(
    music: SubsonicServer, ids: dict[str, str]
) -> None:
    hidden = {
        "artist": ids["Gamma Secret"],
        "album": ids["Hidden Tracks"],
        "song": ids["Shadow"],
        "other song": ids["Whisper of Dawn"],
    }
    # Asked for by id, what alice may not see does not exist.
    for method, key in (
        ("getArtist", "artist"),
        ("getAlbum", "album"),
        ("getSong", "song"),
        ("getMusicDirectory", "artist"),
        ("getMusicDirectory", "album"),
    ):
        assert _error(music, "alice", method, id=hidden[key]) == (70, 70), method
    # Nor may she name its music folder.
    folder_b = music.folders["Songs B"]
    for method, params in (
        ("getIndexes", {}),
        ("getArtists", {}),
        ("getAlbumList2", {"type": "newest"}),
        ("getRandomSongs", {}),
        ("getSongsByGenre", {"genre": "Rock"}),
        ("search3", {"query": ""}),
        ("getStarred2", {}),
    ):
        code = _error(music, "alice", method, musicFolderId=folder_b, **params)
        assert code == (70, 70), method

    # In every list, none of it, and the counts are hers alone.
    def everything(user: str, method: str, **params: Any) -> set[str]:
        text = music.raw(user, method, f="json", **params).text
        return {value for value in hidden.values() if value in text}

    calls: list[tuple[str, dict[str, Any]]] = [
        ("getIndexes", {}),
        ("getArtists", {}),
        ("getRandomSongs", {"size": 500}),
        ("getSongsByGenre", {"genre": "Rock", "count": 500}),
        ("search2", {"query": "", "artistCount": 500, "albumCount": 500, "songCount": 500}),
        ("search3", {"query": "", "artistCount": 500, "albumCount": 500, "songCount": 500}),
        ("search3", {"query": "gamma secret hidden shadow whisper"}),
        ("getStarred", {}),
        ("getStarred2", {}),
        ("getGenres", {}),
    ]
    for kind in ("random", "newest", "highest", "frequent", "recent", "starred"):
        calls.append(("getAlbumList2", {"type": kind, "size": 500}))
    calls += [
        ("getAlbumList2", {"type": "alphabeticalByName", "size": 500}),
        ("getAlbumList", {"type": "alphabeticalByArtist", "size": 500}),
        ("getAlbumList2", {"type": "byYear", "fromYear": 1900, "toYear": 2100, "size": 500}),
        ("getAlbumList2", {"type": "byGenre", "genre": "Rock", "size": 500}),
    ]
    # Bob, granted both, stars what alice may not see: his stars are his alone anyway.
    for key in ("artist", "album", "song"):
        answer = music.rest("bob", "PUT", f"/items/{hidden[key]}/favourite")
        assert answer.status_code == 200, answer.text
    for method, params in calls:
        assert everything("alice", method, **params) == set(), (method, params)
    assert everything("bob", "search3", query="", songCount=500) == set(hidden.values())
    assert everything("bob", "getStarred2") == {hidden["artist"], hidden["album"], hidden["song"]}

    result = _json(music, "alice", "search3", query="", songCount=500, albumCount=500)
    result = result["searchResult3"]
    assert (len(result["artist"]), len(result["album"]), len(result["song"])) == (2, 4, 8)
    assert _json(music, "alice", "search3", query="shadow")["searchResult3"] == {
        "artist": [],
        "album": [],
        "song": [],
    }
    genres = _json(music, "alice", "getGenres")["genres"]["genre"]
    rock = next(g for g in genres if g["value"] == "Rock")
    assert (rock["songCount"], rock["albumCount"]) == (3, 1)  # Hidden Tracks not counted
    assert "Secretcore" not in {g["value"] for g in genres}


def _check_attributes(element: Element, allowed: frozenset[str]) -> None:
    names = set(element.attrib)
    assert names <= allowed, (element.tag, names - allowed)
    assert REQUIRED[allowed] <= names, (element.tag, REQUIRED[allowed] - names)
    for name, value in element.attrib.items():
        if name in INTEGERS:
            int(value)
        elif name in ("isDir", "isVideo"):
            assert value in ("true", "false")
        elif name in ("created", "starred"):
            assert DATE_TIME.match(value), (name, value)


def _only(parent: Element, name: str) -> Element:
    found = parent.findall(NS + name)
    assert len(found) == 1, (name, [child.tag for child in parent])
    return found[0]


def _children(parent: Element, expected: dict[str, frozenset[str]]) -> dict[str, list[Element]]:
    """The children of ``parent`` by name, each of a name in ``expected`` with the
    attributes of its type."""
    found: dict[str, list[Element]] = {}
    for child in parent:
        name = child.tag.removeprefix(NS)
        assert child.tag.startswith(NS) and name in expected, child.tag
        _check_attributes(child, expected[name])
        found.setdefault(name, []).append(child)
    return found


def _as_attributes(item: dict[str, Any]) -> dict[str, str]:
    """A JSON element's scalar values as XML attributes spell them."""
    return {
        key: str(value).lower() if isinstance(value, bool) else str(value)
        for key, value in item.items()
        if not isinstance(value, list | dict)
    }


def test_xml_answers_use_the_schema_names(music: SubsonicServer, ids: dict[str, str]) -> None:
    for name in ("Alpha Band", "First Light", "Noon"):  # so that starred lists hold something
        assert music.rest("alice", "PUT", f"/items/{ids[name]}/favourite").status_code == 200

    indexes = _only(_xml(music, "alice", "getIndexes"), "indexes")
    assert set(indexes.attrib) == {"lastModified", "ignoredArticles"}
    for index in indexes:
        assert index.tag == NS + "index" and set(index.attrib) == {"name"}
        _children(index, {"artist": ARTIST})

    artists = _only(_xml(music, "alice", "getArtists"), "artists")
    assert set(artists.attrib) == {"ignoredArticles"}
    for index in artists:
        assert index.tag == NS + "index"
        _children(index, {"artist": ARTIST_ID3})

    artist = _only(_xml(music, "alice", "getArtist", id=ids["Alpha Band"]), "artist")
    _check_attributes(artist, ARTIST_ID3)
    assert len(_children(artist, {"album": ALBUM_ID3})["album"]) == 2

    album = _only(_xml(music, "alice", "getAlbum", id=ids["First Light"]), "album")
    _check_attributes(album, ALBUM_ID3)
    songs = _children(album, {"song": CHILD})["song"]
    assert [s.get("title") for s in songs] == [t.title for t in tracks_of(album="First Light")]
    # The same values in JSON as in XML.
    as_json = _json(music, "alice", "getAlbum", id=ids["First Light"])["album"]
    assert _as_attributes(as_json) == album.attrib
    for xml_song, json_song in zip(songs, as_json["song"], strict=True):
        assert xml_song.attrib == _as_attributes(json_song)

    song = _only(_xml(music, "alice", "getSong", id=ids["Noon"]), "song")
    _check_attributes(song, CHILD)
    assert song.get("starred") and song.get("path") == tracks_of(title="Noon")[0].path

    for directory_of in ("Alpha Band", "First Light"):
        root = _xml(music, "alice", "getMusicDirectory", id=ids[directory_of])
        directory = _only(root, "directory")
        _check_attributes(directory, DIRECTORY)
        assert _children(directory, {"child": CHILD})["child"]

    genres = _only(_xml(music, "alice", "getGenres"), "genres")
    for genre in genres:
        assert genre.tag == NS + "genre" and set(genre.attrib) == {"songCount", "albumCount"}
    assert sorted(g.text or "" for g in genres) == ["Electronic", "Jazz", "Rock"]

    lists: list[tuple[str, dict[str, Any], str, dict[str, frozenset[str]]]] = [
        ("getAlbumList", {"type": "newest"}, "albumList", {"album": CHILD}),
        ("getAlbumList2", {"type": "newest"}, "albumList2", {"album": ALBUM_ID3}),
        ("getRandomSongs", {}, "randomSongs", {"song": CHILD}),
        ("getSongsByGenre", {"genre": "Jazz"}, "songsByGenre", {"song": CHILD}),
        (
            "search2",
            {"query": "alpha"},
            "searchResult2",
            {"artist": ARTIST, "album": CHILD, "song": CHILD},
        ),
        (
            "search3",
            {"query": "alpha"},
            "searchResult3",
            {"artist": ARTIST_ID3, "album": ALBUM_ID3, "song": CHILD},
        ),
        ("getStarred", {}, "starred", {"artist": ARTIST, "album": CHILD, "song": CHILD}),
        (
            "getStarred2",
            {},
            "starred2",
            {"artist": ARTIST_ID3, "album": ALBUM_ID3, "song": CHILD},
        ),
    ]
    for method, params, element, expected in lists:
        found = _children(_only(_xml(music, "alice", method, **params), element), expected)
        assert set(found) == set(expected), method  # every kind of child is there

    # Without the .view suffix, the same answer.
    plain = music.raw("alice", "getAlbum", view=False, id=ids["First Light"], f="json")
    assert plain.json()["subsonic-response"]["album"] == as_json
