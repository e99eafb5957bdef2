"""Subsonic media methods over 127.0.0.1 with the real ffmpeg: stream (the file byte for
byte, ranges, HEAD, transcodes by format, maxBitRate and timeOffset, an estimated
Content-Length kept exactly), download, getCoverArt, getLyrics and getLyricsBySongId
(tags and LRC files), errors in XML and JSON, library grants, and no ffmpeg left behind
when a player goes away. Driven with py-sonic and raw httpx on ``subsonic_catalogue``."""

import hashlib
import io
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import av
import httpx
import pytest
from defusedxml import ElementTree
from libsonic.errors import DataNotFoundError
from PIL import Image

from parlour.media.ffmpeg import file_input, run_ffmpeg
from subsonic_catalogue import API, EMBEDDED_LYRICS, SubsonicServer, Track, serve_music, tracks_of
from support import ffmpeg_children

NS = "{http://subsonic.org/restapi}"


@pytest.fixture(scope="module")
def music(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SubsonicServer]:
    with serve_music(tmp_path_factory.mktemp("subsonic-media")) as server:
        yield server


def _by_title(music: SubsonicServer, user: str) -> dict[str, str]:
    found = music.client(user).search3("", artistCount=0, albumCount=0, songCount=500)
    return {song["title"]: song["id"] for song in found["searchResult3"].get("song", [])}


@pytest.fixture(scope="module")
def songs(music: SubsonicServer) -> dict[str, str]:
    """Every song's id by title, as root (who sees both libraries) finds them."""
    return _by_title(music, "root")


def _track(title: str) -> Track:
    (track,) = tracks_of(title=title)
    return track


def _file(music: SubsonicServer, title: str) -> bytes:
    track = _track(title)
    return (music.roots[track.library] / track.path).read_bytes()


def _get(music: SubsonicServer, method: str, user: str = "alice", **params: Any) -> httpx.Response:
    return music.raw(user, method, **params)


def _url(music: SubsonicServer, method: str, user: str = "alice", **params: Any) -> httpx.URL:
    """A signed URL for one request (with its own salt: a salt is good once a day)."""
    salt = secrets.token_hex(8)
    token = hashlib.md5((music.app_passwords[user] + salt).encode()).hexdigest()
    query = {"u": user, "t": token, "s": salt, "v": API, "c": "tests"} | params
    return httpx.URL(f"{music.process.base}/rest/{method}.view", params=query)


@dataclass(frozen=True)
class Decoded:
    container: str
    codec: str
    seconds: float


def _decoded(data: bytes) -> Decoded:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))
        codec = stream.codec_context.codec.canonical_name  # "mp3", not its decoder
        return Decoded(container.format.name, codec, samples / stream.rate)


def _error(response: httpx.Response) -> tuple[int, str]:
    """The Subsonic error code of a failed answer, and the format it came in."""
    assert response.status_code == 200
    kind = response.headers["content-type"]
    if kind.startswith("application/json"):
        body = response.json()["subsonic-response"]
        assert body["status"] == "failed"
        return body["error"]["code"], "json"
    assert kind.startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    assert root.get("status") == "failed"
    error = root.find(f"{NS}error")
    assert error is not None
    return int(error.get("code", "0")), "xml"


# -- stream and download: the file itself ------------------------------------------------


def test_a_raw_stream_is_the_file_byte_for_byte(
    music: SubsonicServer, songs: dict[str, str]
) -> None:
    for title in ("Dawn", "Breeze", "Midnight"):  # MP3, FLAC, AAC in M4A
        original = _file(music, title)
        # py-sonic POSTs a form and asks for JSON; the answer is the bytes all the same.
        assert music.client("alice").stream(songs[title]).read() == original
        raw = _get(music, "stream", id=songs[title], format="raw")
        assert raw.status_code == 200 and raw.content == original
        assert raw.headers["accept-ranges"] == "bytes"
        assert raw.headers["content-length"] == str(len(original))
    # A limit above the file's bit rate, and its own format, need no transcode either.
    dawn = _file(music, "Dawn")
    assert _get(music, "stream", id=songs["Dawn"], maxBitRate=320).content == dawn
    assert _get(music, "stream", id=songs["Dawn"], format="mp3", maxBitRate=0).content == dawn
    head = httpx.head(_url(music, "stream", id=songs["Dawn"]), timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(dawn))
    assert head.headers["content-type"] == "audio/mpeg"


def test_a_range_is_206_with_those_bytes(music: SubsonicServer, songs: dict[str, str]) -> None:
    original = _file(music, "Noon")
    url = _url(music, "stream", id=songs["Noon"])
    part = httpx.get(url, headers={"Range": "bytes=100-199"}, timeout=10)
    assert part.status_code == 206 and part.content == original[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(original)}"
    url = _url(music, "stream", id=songs["Noon"])
    past = httpx.get(url, headers={"Range": f"bytes={len(original)}-"}, timeout=10)
    assert past.status_code == 416
    assert past.headers["content-range"] == f"bytes */{len(original)}"


def test_download_is_the_file_as_an_attachment(
    music: SubsonicServer, songs: dict[str, str]
) -> None:
    original = _file(music, "Noon")
    assert music.client("alice").download(songs["Noon"]).read() == original
    whole = _get(music, "download", id=songs["Noon"], format="mp3", maxBitRate=64)
    assert whole.status_code == 200 and whole.content == original  # never transcoded
    disposition = whole.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="1-02 Noon.mp3"' in disposition
    assert "filename*=UTF-8''1-02%20Noon.mp3" in disposition
    url = _url(music, "download", id=songs["Noon"])
    tail = httpx.get(url, headers={"Range": "bytes=-50"}, timeout=10)
    assert tail.status_code == 206 and tail.content == original[-50:]


# -- stream: transcodes ----------------------------------------------------------------


def test_mp3_at_128_of_the_flac_track(music: SubsonicServer, songs: dict[str, str]) -> None:
    breeze = _track("Breeze")
    assert breeze.suffix == "flac"
    answers = [
        _get(music, "stream", id=songs["Breeze"], format="mp3", maxBitRate=128).content,
        music.client("alice").stream(songs["Breeze"], maxBitRate=128, tformat="mp3").read(),
    ]
    for data in answers:
        decoded = _decoded(data)
        assert (decoded.container, decoded.codec) == ("mp3", "mp3")
        assert abs(decoded.seconds - breeze.seconds) < 0.2
        kbps = len(data) * 8 / decoded.seconds / 1000
        assert 128 * 0.8 <= kbps <= 128 * 1.2, kbps
    answer = _get(music, "stream", id=songs["Breeze"], format="mp3", maxBitRate=128)
    assert answer.headers["content-type"] == "audio/mpeg"
    assert "content-length" not in answer.headers  # sent as it is made
    # No format, but a limit below the file's bit rate (128): MP3 at that limit.
    dawn = _get(music, "stream", id=songs["Dawn"], maxBitRate=64).content
    decoded = _decoded(dawn)
    assert decoded.codec == "mp3" and dawn != _file(music, "Dawn")
    assert 64 * 0.8 <= len(dawn) * 8 / decoded.seconds / 1000 <= 64 * 1.2


def test_another_codec_is_a_transcode(music: SubsonicServer, songs: dict[str, str]) -> None:
    opus = _get(music, "stream", id=songs["Dawn"], format="opus")
    assert opus.headers["content-type"] == "audio/ogg"
    decoded = _decoded(opus.content)
    assert (decoded.container, decoded.codec) == ("ogg", "opus")
    assert abs(decoded.seconds - _track("Dawn").seconds) < 0.2
    head = httpx.head(_url(music, "stream", id=songs["Dawn"], format="opus"), timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == "audio/ogg"
    assert ffmpeg_children(music.process) == []  # a HEAD starts no transcode
    wrong = _get(music, "stream", id=songs["Dawn"], maxBitRate="fast")
    assert _error(wrong) == (0, "xml")


def test_a_time_offset_starts_later(music: SubsonicServer, songs: dict[str, str]) -> None:
    gale = _track("Gale")
    whole = _decoded(_get(music, "stream", id=songs["Gale"], format="mp3").content)
    later = _decoded(_get(music, "stream", id=songs["Gale"], format="mp3", timeOffset=2).content)
    assert abs(whole.seconds - gale.seconds) < 0.2
    assert abs(later.seconds - (gale.seconds - 2)) < 0.2
    # A file cannot start part-way: an offset alone makes a transcode (MP3).
    alone = _get(music, "stream", id=songs["Gale"], timeOffset=1)
    assert alone.headers["content-type"] == "audio/mpeg"
    assert abs(_decoded(alone.content).seconds - (gale.seconds - 1)) < 0.2


def test_an_estimated_length_is_the_length_sent(
    music: SubsonicServer, songs: dict[str, str]
) -> None:
    params = {"id": songs["Breeze"], "format": "mp3", "maxBitRate": 128}
    answer = _get(music, "stream", estimateContentLength="true", **params)
    seconds = _track("Breeze").seconds
    assert answer.headers["content-length"] == str(len(answer.content))
    assert len(answer.content) == seconds * 128_000 // 8  # duration x bit rate
    assert _decoded(answer.content).codec == "mp3"  # cut or padded, still MP3
    offset = _get(music, "stream", estimateContentLength="true", timeOffset=1, **params)
    assert len(offset.content) == (seconds - 1) * 128_000 // 8
    assert offset.headers["content-length"] == str(len(offset.content))
    # HEAD: the same headers, no body, and no transcode left running.
    head = httpx.head(_url(music, "stream", estimateContentLength="true", **params), timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == answer.headers["content-length"]
    assert head.headers["content-type"] == "audio/mpeg"
    assert ffmpeg_children(music.process) == []


# -- cover art -------------------------------------------------------------------------


def test_cover_art_by_its_id_and_by_the_album_song_or_artist(
    music: SubsonicServer, songs: dict[str, str]
) -> None:
    client = music.client("alice")
    song = client.getSong(songs["Dawn"])["song"]
    cover = _get(music, "getCoverArt", id=song["coverArt"])
    assert cover.status_code == 200 and cover.headers["content-type"] == "image/jpeg"
    assert "max-age" in cover.headers["cache-control"]
    with Image.open(io.BytesIO(cover.content)) as image:
        assert image.format == "JPEG" and image.size == (64, 64)
    for size in (64, 16):
        small = client.getCoverArt(song["coverArt"], size=size).read()
        with Image.open(io.BytesIO(small)) as image:
            assert max(image.size) <= size
    for item_id in (song["albumId"], song["id"], song["artistId"]):
        by_item = _get(music, "getCoverArt", id=item_id, size=16)
        with Image.open(io.BytesIO(by_item.content)) as image:
            assert max(image.size) == 16
    # An album without a cover has none to give.
    blue = client.getSong(songs["Midnight"])["song"]
    assert _error(_get(music, "getCoverArt", id=blue["albumId"])) == (70, "xml")


# -- errors and grants -----------------------------------------------------------------


@pytest.mark.parametrize("method", ["stream", "download", "getCoverArt", "getLyricsBySongId"])
def test_unknown_and_missing_ids_in_xml_and_json(music: SubsonicServer, method: str) -> None:
    assert _error(_get(music, method, id="0" * 32)) == (70, "xml")
    assert _error(_get(music, method, id="0" * 32, f="json")) == (70, "json")
    assert _error(_get(music, method, f="json")) == (10, "json")


def test_py_sonic_reads_a_media_error(music: SubsonicServer) -> None:
    client = music.client("alice")
    for call in (client.stream, client.download, client.getCoverArt):
        with pytest.raises(DataNotFoundError):
            call("0" * 32)


def test_another_librarys_song_is_not_found(music: SubsonicServer, songs: dict[str, str]) -> None:
    hidden = songs["Shadow"]  # in Songs B, which alice is not granted
    song = music.client("bob").getSong(hidden)["song"]
    assert music.raw("bob", "stream", id=hidden).content == _file(music, "Shadow")
    for method, item_id in (
        ("stream", hidden),
        ("download", hidden),
        ("getLyricsBySongId", hidden),
        ("getCoverArt", hidden),
        ("getCoverArt", song["albumId"]),
    ):
        assert _error(_get(music, method, id=item_id)) == (70, "xml")
    with pytest.raises(DataNotFoundError):
        music.client("alice").stream(hidden)


@dataclass(frozen=True)
class Extras:
    film_id: str
    long_id: str
    long_cover: str


@pytest.fixture(scope="module")
def extras(music: SubsonicServer, tmp_path_factory: pytest.TempPathFactory) -> Extras:
    """A film library and a third music library (one ten-minute track and its cover),
    added and scanned through the admin API; granted to nobody but the admin."""
    base = tmp_path_factory.mktemp("subsonic-media-extras")
    film = base / "films" / "Short Film (2020)" / "Short Film (2020).mp4"
    film.parent.mkdir(parents=True)
    picture = ["-f", "lavfi", "-i", "testsrc=size=160x90:rate=25:duration=1"]
    run_ffmpeg([*picture, "-c:v", "libx264", "-pix_fmt", "yuv420p", file_input(film)])
    album = base / "long" / "Long Player" / "Long Album (2021)"
    album.mkdir(parents=True)
    tags = ["-metadata", "title=Long One", "-metadata", "artist=Long Player"]
    tags += ["-metadata", "album=Long Album", "-metadata", "album_artist=Long Player"]
    tone = ["-f", "lavfi", "-i", "sine=f=300:duration=600:sample_rate=8000", "-ac", "1"]
    run_ffmpeg([*tone, "-c:a", "libmp3lame", "-b:a", "8k", *tags, file_input(album / "01.mp3")])
    Image.new("RGB", (40, 20), (10, 200, 90)).save(album / "cover.jpg")
    for kind, path, name in (("movies", base / "films", "Films"), ("music", base / "long", "Long")):
        added = httpx.post(
            music.process.base + "/api/v1/admin/libraries",
            headers=music.headers["root"],
            json={"kind": kind, "path": str(path), "name": name},
            timeout=10,
        )
        assert added.status_code == 201, added.text
    assert music.rest("root", "POST", "/admin/scan").status_code == 202
    deadline = time.monotonic() + 60
    while music.rest("root", "GET", "/admin/scan").json()["running"]:
        assert time.monotonic() < deadline, "the scan did not end"
        time.sleep(0.2)
    found = music.rest("root", "GET", "/search?q=Short").json()["items"]
    (film_id,) = [item["id"] for item in found if item["kind"] == "movie"]
    long_song = music.client("root").getSong(_by_title(music, "root")["Long One"])["song"]
    return Extras(film_id, long_song["id"], long_song["coverArt"])


def test_a_film_is_no_song(music: SubsonicServer, extras: Extras) -> None:
    for method in ("stream", "download", "getLyricsBySongId"):
        assert _error(music.raw("root", method, id=extras.film_id)) == (70, "xml")


def test_cover_art_of_a_library_not_granted(music: SubsonicServer, extras: Extras) -> None:
    seen = music.raw("root", "getCoverArt", id=extras.long_cover)
    with Image.open(io.BytesIO(seen.content)) as image:
        assert image.size == (40, 20)
    assert _error(_get(music, "getCoverArt", id=extras.long_cover)) == (70, "xml")
    assert _error(_get(music, "getCoverArt", id=extras.long_id, f="json")) == (70, "json")


def test_a_player_that_goes_away_leaves_no_ffmpeg(music: SubsonicServer, extras: Extras) -> None:
    url = _url(music, "stream", "root", id=extras.long_id, format="aac", maxBitRate=320)
    with httpx.Client(timeout=30) as client, client.stream("GET", url) as held:
        assert held.status_code == 200 and held.headers["content-type"] == "audio/aac"
        chunks = held.iter_bytes()  # kept: a dropped iterator would close the response
        next(chunks)  # one chunk read, then the player stalls: ffmpeg waits
        assert len(ffmpeg_children(music.process)) == 1
    deadline = time.monotonic() + 5
    while ffmpeg_children(music.process) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ffmpeg_children(music.process) == []


# -- lyrics ----------------------------------------------------------------------------


def test_get_lyrics_by_artist_and_title(music: SubsonicServer) -> None:
    found = music.client("alice").getLyrics(artist="alpha BAND", title="gale")["lyrics"]
    assert found == {"artist": "Alpha Band", "title": "Gale", "value": EMBEDDED_LYRICS["Gale"]}
    xml = ElementTree.fromstring(
        _get(music, "getLyrics", artist="Alpha Band", title="Noon").content
    )
    lyrics = xml.find(f"{NS}lyrics")
    assert lyrics is not None and lyrics.get("title") == "Noon"
    assert lyrics.text == "Sun stands high\nShadows hide\nNoon is here"  # the LRC's words
    for params in (
        {"artist": "Alpha Band", "title": "Dawn"},
        {"artist": "Nobody", "title": "Gale"},
    ):
        answer = _get(music, "getLyrics", f="json", **params).json()["subsonic-response"]
        assert answer["status"] == "ok" and answer["lyrics"] == {}
    # The artist may be left out.
    assert music.client("alice").getLyrics(title="Gale")["lyrics"]["artist"] == "Alpha Band"


def _structured(music: SubsonicServer, song_id: str) -> list[dict[str, Any]]:
    answer = _get(music, "getLyricsBySongId", id=song_id, f="json").json()["subsonic-response"]
    assert answer["status"] == "ok"
    return list(answer["lyricsList"].get("structuredLyrics", []))


def test_lyrics_by_song_id(music: SubsonicServer, songs: dict[str, str]) -> None:
    (noon,) = _structured(music, songs["Noon"])
    assert noon == {
        "displayArtist": "Alpha Band",
        "displayTitle": "Noon",
        "lang": "xxx",
        "offset": 0,  # the LRC's +250 ms is in the start times
        "synced": True,
        "line": [
            {"start": 750, "value": "Sun stands high"},
            {"start": 2250, "value": "Shadows hide"},
            {"start": 3500, "value": "Noon is here"},
        ],
    }
    (gale,) = _structured(music, songs["Gale"])
    assert gale["synced"] is False and gale["displayTitle"] == "Gale"
    assert gale["line"] == [{"value": line} for line in EMBEDDED_LYRICS["Gale"].split("\n")]
    assert _structured(music, songs["Dawn"]) == []
    xml = ElementTree.fromstring(_get(music, "getLyricsBySongId", id=songs["Noon"]).content)
    lines = xml.findall(f"{NS}lyricsList/{NS}structuredLyrics/{NS}line")
    assert [(line.get("start"), line.text) for line in lines] == [
        ("750", "Sun stands high"),
        ("2250", "Shadows hide"),
        ("3500", "Noon is here"),
    ]


def test_song_lyrics_and_transcode_offset_are_extensions(music: SubsonicServer) -> None:
    answer = httpx.get(
        music.process.base + "/rest/getOpenSubsonicExtensions", params={"f": "json"}, timeout=10
    ).json()["subsonic-response"]
    names = {item["name"]: item["versions"] for item in answer["openSubsonicExtensions"]}
    assert names["songLyrics"] == [1]
    assert names["transcodeOffset"] == [1]  # timeOffset starts a transcode of any song
