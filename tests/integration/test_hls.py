"""Playback over HLS and ticket URLs with the real ffmpeg and PyAV (libavformat, the
library ffprobe is a front end to) as the client: durations, segment timestamps, remux
without re-encoding, subtitles, the transcode cap, a vanished client, progress reports,
and access rules on every URL."""

import base64
import io
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import httpx
import pytest

from parlour.media.ffmpeg import run_ffmpeg
from parlour.secrets import load_secrets
from parlour.services.tickets import Ticket, TicketSigner
from support import Account, ServerProcess, ffmpeg_children, serve_libraries
from vobsub import write_vobsub

REMUX_S = 40  # H.264 + two AAC tracks + a SubRip stream, 2 s GOPs, in MKV
OLD_S = 320  # MPEG-4 Part 2 + MP3 in MKV: no browser decodes it, so it is transcoded


@dataclass
class Served:
    process: ServerProcess
    headers: dict[str, dict[str, str]]
    films: dict[str, str]  # title -> id
    data: Path
    libraries: dict[str, str]  # name -> id

    def offer(self, user: str, title: str, **body: Any) -> dict[str, Any]:
        response = httpx.post(
            f"{self.process.base}/api/v1/items/{self.films[title]}/playback",
            headers=self.headers[user],
            json=body,
            timeout=30,
        )
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def url(self, offer: dict[str, Any], relative: str = "") -> str:
        base = self.process.base + offer["url"]
        return base.rsplit("/", 1)[0] + "/" + relative if relative else base


def _make_films(root: Path, private: Path) -> None:
    remux = root / "Remux (2020)"
    remux.mkdir(parents=True)
    srt = remux / "cues.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:03,000\nHello there\n\n"
                   "2\n00:00:21,000 --> 00:00:23,000\nHalfway\n")  # fmt: skip
    run_ffmpeg(
        ["-f", "lavfi", "-i", f"testsrc2=size=640x360:rate=24:duration={REMUX_S}",
         "-f", "lavfi", "-i", f"sine=f=440:duration={REMUX_S}",
         "-f", "lavfi", "-i", f"sine=f=660:duration={REMUX_S}", "-i", str(srt),
         "-map", "0", "-map", "1", "-map", "2", "-map", "3",
         "-c:v", "libx264", "-preset", "ultrafast", "-g", "48", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "64k", "-c:s", "subrip",
         "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fra",
         "-metadata:s:s:0", "language=eng", str(remux / "Remux (2020).mkv")]
    )  # fmt: skip
    srt.unlink()
    for folder, title in (
        (root / "Old (2001)", "Old (2001)"),
        (private / "Hidden (2002)", "Hidden (2002)"),
    ):
        folder.mkdir(parents=True)
        run_ffmpeg(
            ["-f", "lavfi", "-i", f"testsrc2=size=854x480:rate=24:duration={OLD_S}",
             "-f", "lavfi", "-i", f"sine=f=330:duration={OLD_S}",
             "-c:v", "mpeg4", "-q:v", "8", "-c:a", "libmp3lame", "-b:a", "64k",
             str(folder / f"{title}.mkv")]
        )  # fmt: skip
    boxed = root / "Boxed (2022)"
    boxed.mkdir()
    index = write_vobsub(boxed / "box", at_s=1.0, shown_s=3.0, size=(720, 480))
    run_ffmpeg(
        ["-f", "lavfi", "-i", "color=black:size=720x480:rate=24:duration=10", "-i", str(index),
         "-map", "0", "-map", "1", "-c:v", "libx264", "-preset", "ultrafast",
         "-pix_fmt", "yuv420p", "-c:s", "copy", str(boxed / "Boxed (2022).mkv")]
    )  # fmt: skip
    for leftover in (index, index.with_suffix(".sub")):
        leftover.unlink()
    clip = root / "Clip (2019)"
    clip.mkdir()
    run_ffmpeg(
        ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=24:duration=6",
         "-f", "lavfi", "-i", "sine=f=500:duration=6", "-c:v", "libx264", "-preset", "ultrafast",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart",
         str(clip / "Clip (2019).mp4")]
    )  # fmt: skip


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    base = tmp_path_factory.mktemp("hls")
    _make_films(base / "films", base / "private")
    album = base / "music" / "Tone Makers" / "Opus Tones (2021)"
    album.mkdir(parents=True)
    run_ffmpeg(
        ["-f", "lavfi", "-i", "sine=f=300:duration=8", "-c:a", "libopus", "-b:a", "64k",
         "-metadata", "title=Low Tone", "-metadata", "artist=Tone Makers",
         "-metadata", "album=Opus Tones", str(album / "01 Low Tone.opus")]
    )  # fmt: skip
    data = base / "data"
    data.mkdir()
    (data / "parlour.toml").write_text("transcode_slots = 1\n")
    libraries = {
        "Films": ("movies", base / "films"),
        "Private": ("movies", base / "private"),
        "Music": ("music", base / "music"),
    }
    accounts = [
        Account("root", "root-password", admin=True),
        Account("alice", "alice-password", ("Films", "Private", "Music")),
        Account("bob", "bob-password", ("Films",)),
    ]
    with serve_libraries(data, libraries, accounts) as (process, headers):
        root = headers["root"]
        films = httpx.get(process.base + "/api/v1/movies", headers=root, timeout=10).json()
        tracks = httpx.get(process.base + "/api/v1/tracks", headers=root, timeout=10).json()
        films["items"] += tracks["items"]
        libs = httpx.get(process.base + "/api/v1/libraries", headers=root, timeout=10).json()
        yield Served(
            process,
            headers,
            {f["title"]: f["id"] for f in films["items"]},
            data,
            {lib["name"]: lib["id"] for lib in libs},
        )


_ffmpeg_children = ffmpeg_children


def _end(served: Served, user: str, title: str, offer: dict[str, Any]) -> None:
    """Stop a playback as a player does (ending its transcode and freeing the slot)."""
    response = httpx.post(
        f"{served.process.base}/api/v1/items/{served.films[title]}/playback/report",
        headers=served.headers[user],
        json={"event": "stop", "session_id": offer["session_id"]},
        timeout=10,
    )
    assert response.status_code == 200, response.text


def test_decisions_depend_on_the_device(served: Served) -> None:
    chromium = served.offer("alice", "Remux", profile="chromium")
    firefox = served.offer("alice", "Remux", profile="firefox")
    old = served.offer("alice", "Old", profile="chromium")
    clip = served.offer("alice", "Clip", profile="firefox")
    assert chromium["decision"] == "direct" and chromium["url"].endswith("/file")
    assert firefox["decision"] == "remux" and firefox["url"].endswith("/master.m3u8")
    assert old["decision"] == "transcode"
    assert clip["decision"] == "direct"
    assert any("MKV" in reason for reason in firefox["reasons"])
    assert all(offer["reasons"] for offer in (chromium, firefox, old, clip))


def test_the_master_playlist_has_the_source_duration(served: Served) -> None:
    offer = served.offer("alice", "Remux", profile="safari")
    with av.open(served.url(offer)) as container:
        assert container.duration is not None
        assert abs(container.duration / 1e6 - REMUX_S) < 1
        assert container.streams.video[0].codec_context.name == "h264"
    master = httpx.get(served.url(offer), timeout=10).text
    assert master.count("TYPE=AUDIO") == 2 and 'LANGUAGE="fr"' in master
    assert "TYPE=SUBTITLES" in master and "v/source.m3u8" in master
    _end(served, "alice", "Remux", offer)


def _slices(packet: bytes, annex_b: bool) -> list[bytes]:
    """The coded picture slices (NAL types 1 and 5) of an H.264 packet: MPEG-TS frames
    them with start codes (Annex B) and adds delimiters and parameter sets, Matroska
    with 4-byte lengths; the slices themselves are what an encoder would change."""
    if annex_b:
        units = [
            u.lstrip(b"\x00")
            for u in packet.replace(b"\x00\x00\x01", b"\x00\x00\x00\x01").split(b"\x00\x00\x00\x01")
        ]
    else:
        units, at = [], 0
        while at + 4 <= len(packet):
            size = int.from_bytes(packet[at : at + 4], "big")
            units.append(packet[at + 4 : at + 4 + size])
            at += 4 + size
    return [u.rstrip(b"\x00") for u in units if u and u[0] & 0x1F in (1, 5)]


def _packets(data: bytes | str, start: float, end: float) -> dict[int, list[bytes]]:
    """The picture slices of the video packets whose time lies in [start, end), keyed
    by time in ms."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    found: dict[int, bytes] = {}
    with av.open(source) as container:
        stream = container.streams.video[0]
        for packet in container.demux(stream):
            if packet.pts is None or packet.time_base is None:
                continue
            at = float(packet.pts * packet.time_base)
            if start <= at < end:
                found[round(at * 1000)] = _slices(bytes(packet), annex_b=source is not data)
    return found


def test_a_remux_copies_the_video_untouched(served: Served) -> None:
    offer = served.offer("alice", "Remux", profile="safari")
    assert offer["decision"] == "remux"
    segment = httpx.get(served.url(offer, "v/source/2.ts"), timeout=60)
    assert segment.status_code == 200
    copied = _packets(segment.content, 0, 10_000)
    first = min(copied) / 1000
    # Segment 2 of 4 s ones: a copy starts at a keyframe (every 2 s here) within one
    # keyframe gap of its listed start.
    assert 8 - 2.1 <= first <= 8 + 2.1
    film = next((served.data.parent / "films" / "Remux (2020)").glob("*.mkv"))
    original = _packets(str(film), first, max(copied) / 1000 + 0.001)
    assert copied == original  # the same bytes: nothing was decoded or encoded again
    _end(served, "alice", "Remux", offer)


def test_a_segment_from_the_middle_starts_at_its_time(served: Served) -> None:
    offer = served.offer("alice", "Old", profile="chromium")
    assert offer["decision"] == "transcode"
    playlist = httpx.get(served.url(offer, "v/480p.m3u8"), timeout=10).text
    assert playlist.count("#EXTINF") == OLD_S // 4
    middle = OLD_S // 4 // 2
    segment = httpx.get(served.url(offer, f"v/480p/{middle}.ts"), timeout=60)
    assert segment.status_code == 200
    with av.open(io.BytesIO(segment.content)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.codec_context.height == 480
        frame = next(container.decode(stream))
        assert frame.time is not None and abs(frame.time - middle * 4) < 0.2
        assert frame.key_frame  # every segment starts with a keyframe
    audio = httpx.get(served.url(offer, f"a/0/{middle}.ts"), timeout=60)
    with av.open(io.BytesIO(audio.content)) as container:
        assert container.streams.audio[0].codec_context.name.startswith("mp3")  # copied
        frame = next(container.decode(audio=0))
        # Copied audio starts with the packet the seek landed on (within a video GOP).
        assert frame.time is not None and abs(frame.time - middle * 4) < 1
    _end(served, "alice", "Old", offer)


def test_subtitles_are_webvtt_renditions(served: Served) -> None:
    offer = served.offer("alice", "Remux", profile="safari")
    master = httpx.get(served.url(offer), timeout=10).text
    uri = next(
        part.split('"')[1]
        for line in master.splitlines()
        if "TYPE=SUBTITLES" in line
        for part in line.split(",")
        if part.startswith("URI=")
    )
    playlist = httpx.get(served.url(offer, uri), timeout=10).text
    assert "#EXT-X-ENDLIST" in playlist
    vtt_name = next(line for line in playlist.splitlines() if line.endswith(".vtt"))
    vtt = httpx.get(served.url(offer, uri.rsplit("/", 1)[0] + "/" + vtt_name), timeout=30)
    assert vtt.status_code == 200
    assert vtt.text.startswith("WEBVTT") and "X-TIMESTAMP-MAP=MPEGTS:0" in vtt.text
    # The cue keeps the film's own clock (which starts at 0.023 s here, as the video).
    timing = vtt.text.split("\n\n")[-1].splitlines()[0]
    assert timing.startswith("00:21.0") and "Halfway" in vtt.text


def test_a_picture_subtitle_is_burned_into_the_picture(served: Served) -> None:
    subtitle = {"source": "embedded", "ref": "1"}  # the VobSub stream of the MKV
    plain = served.offer("alice", "Boxed", profile="chromium")
    burned = served.offer("alice", "Boxed", profile="chromium", subtitle=subtitle)
    assert plain["decision"] == "direct"
    assert burned["decision"] == "transcode" and burned["burned_subtitle"]
    assert any("burn" in reason for reason in burned["reasons"])
    master = httpx.get(served.url(burned), timeout=10).text
    assert "TYPE=SUBTITLES" not in master
    segment = httpx.get(served.url(burned, "v/480p/0.ts"), timeout=60)  # 0 s to 4 s
    assert segment.status_code == 200
    with av.open(io.BytesIO(segment.content)) as container:
        frame = next(f for f in container.decode(video=0) if f.time is not None and f.time >= 2)
        picture = frame.to_image().convert("L")
    assert picture.getpixel((200, 120)) > 200  # inside the box the subtitle draws
    assert picture.getpixel((50, 50)) < 40  # the black film around it
    _end(served, "alice", "Boxed", burned)


def test_the_transcode_cap_answers_503_until_a_player_stops(served: Served) -> None:
    first = served.offer("alice", "Old", profile="chromium")
    second = served.offer("alice", "Old", profile="chromium")
    with httpx.Client(timeout=60) as player:  # keeps its connection: the session lives
        assert player.get(served.url(first, "v/480p/0.ts")).status_code == 200
        refused = player.get(served.url(second, "v/480p/0.ts"))
        assert refused.status_code == 503
        assert int(refused.headers["retry-after"]) > 0
        assert refused.headers["content-type"] == "application/problem+json"
        _end(served, "alice", "Old", first)
        again = player.get(served.url(second, "v/480p/0.ts"))
        assert again.status_code == 200, again.text
    _end(served, "alice", "Old", second)


_CLIENT = """
import sys, av
with av.open(sys.argv[1]) as container:
    for packet in container.demux(container.streams.video[0]):
        pass
"""


def test_a_client_that_vanishes_leaves_no_ffmpeg(served: Served) -> None:
    offer = served.offer("alice", "Old", profile="chromium")
    client = subprocess.Popen([sys.executable, "-c", _CLIENT, served.url(offer)])
    try:
        deadline = time.monotonic() + 60
        while not _ffmpeg_children(served.process) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _ffmpeg_children(served.process), "the client never started a transcode"
    finally:
        client.send_signal(signal.SIGKILL)
        client.wait(timeout=10)
    segments = served.data / "cache" / "hls" / offer["session_id"]
    deadline = time.monotonic() + 5
    while (_ffmpeg_children(served.process) or segments.exists()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _ffmpeg_children(served.process)
    assert not segments.exists()


def test_a_direct_play_url_serves_ranges(served: Served) -> None:
    offer = served.offer("alice", "Clip", profile="chromium")
    response = httpx.get(served.url(offer), headers={"Range": "bytes=0-99"}, timeout=10)
    assert response.status_code == 206
    assert response.headers["content-type"] == "video/mp4" == offer["media_type"]
    assert len(response.content) == 100 and response.content[4:8] == b"ftyp"


def test_music_plays_directly_or_transcoded_as_the_app_needs(served: Served) -> None:
    browser = served.offer("alice", "Low Tone", profile="chromium")
    app = served.offer("alice", "Low Tone", profile="subsonic-generic", max_audio_bitrate=96)
    assert browser["decision"] == "direct" and browser["url"].endswith("/file")
    assert app["decision"] == "transcode-audio" and app["url"].endswith("/audio")
    assert app["media_type"] == "audio/mpeg"
    response = httpx.get(served.url(app), timeout=30)
    assert response.status_code == 200 and response.headers["content-type"] == "audio/mpeg"
    with av.open(io.BytesIO(response.content)) as container:
        stream = container.streams.audio[0]
        seconds = sum(f.samples for f in container.decode(stream)) / stream.rate
        assert stream.codec_context.name.startswith("mp3")
    assert abs(seconds - 8) < 0.2
    later = httpx.get(served.url(app), params={"start": 6000}, timeout=30)
    with av.open(io.BytesIO(later.content)) as container:
        stream = container.streams.audio[0]
        assert abs(sum(f.samples for f in container.decode(stream)) / stream.rate - 2) < 0.2


def test_a_dlna_tv_gets_one_mpeg_ts_stream(served: Served) -> None:
    offer = served.offer("alice", "Old", profile="dlna-generic")
    assert offer["decision"] == "transcode" and offer["url"].endswith("/video.ts")
    with httpx.stream("GET", served.url(offer), timeout=60) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "video/mp2t"
        head = b""
        for chunk in response.iter_bytes():
            head += chunk
            if len(head) >= 188 * 100:
                break
    assert head[0] == 0x47 and head[188] == 0x47  # MPEG-TS packets
    deadline = time.monotonic() + 5
    while _ffmpeg_children(served.process) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _ffmpeg_children(served.process)


def test_progress_reports_feed_the_resume_point_and_plays(served: Served) -> None:
    url = f"{served.process.base}/api/v1/items/{served.films['Old']}/playback/report"
    headers = served.headers["bob"]
    started = httpx.post(url, headers=headers, json={"event": "start"}, timeout=10)
    assert started.status_code == 200 and started.json()["play_count"] == 0
    halfway = httpx.post(
        url, headers=headers, json={"event": "position", "position_ms": OLD_S * 500}, timeout=10
    )
    assert halfway.json()["position_ms"] == OLD_S * 500 and not halfway.json()["watched"]
    done = httpx.post(
        url, headers=headers, json={"event": "stop", "position_ms": OLD_S * 950}, timeout=10
    )
    assert done.json()["watched"] and done.json()["play_count"] == 1
    bad = httpx.post(url, headers=headers, json={"event": "rewind"}, timeout=10)
    assert bad.status_code == 400


def _forged(served: Served, offer: dict[str, Any], **changes: Any) -> str:
    """The offer's URL with its ticket re-signed (the server's key) after ``changes``."""
    ticket_text = offer["url"].split("/")[4]
    payload = json.loads(base64.urlsafe_b64decode(ticket_text.split(".")[0] + "=="))
    fields = {
        "session_id": payload["s"],
        "token_id": payload["k"],
        "item_id": payload["i"],
        "expires_at": payload["x"],
        "choices": payload["c"],
    } | changes
    signer = TicketSigner(load_secrets(served.data).token_key)
    forged = signer.issue(Ticket(**fields))
    return served.process.base + offer["url"].replace(ticket_text, forged)


def test_tickets_are_checked_on_every_request(served: Served) -> None:
    offer = served.offer("alice", "Clip", profile="chromium")
    tampered = served.url(offer).replace("/play/", "/play/x")
    assert httpx.get(tampered, timeout=10).status_code == 401
    expired = _forged(served, offer, expires_at=int(time.time()) - 1)
    assert httpx.get(expired, timeout=10).status_code == 401
    assert httpx.get(_forged(served, offer), timeout=10).status_code == 200  # the control


def test_another_librarys_streams_are_not_found(served: Served) -> None:
    base, hidden = served.process.base, served.films["Hidden"]
    bob = served.headers["bob"]
    assert (
        httpx.post(f"{base}/api/v1/items/{hidden}/playback", headers=bob, timeout=10).status_code
        == 404
    )
    poster = httpx.get(f"{base}/api/v1/items/{hidden}", headers=served.headers["alice"], timeout=10)
    poster_id = poster.json()["poster_id"]
    assert (
        httpx.get(
            f"{base}/api/v1/artwork/{poster_id}", headers=served.headers["alice"], timeout=30
        ).status_code
        == 200
    )
    assert (
        httpx.get(f"{base}/api/v1/artwork/{poster_id}", headers=bob, timeout=10).status_code == 404
    )
    for path in ("stream", "audio", "image", "subtitles/embedded/2", "subtitles/x"):
        assert (
            httpx.get(f"{base}/api/v1/items/{hidden}/{path}", headers=bob, timeout=10).status_code
            == 404
        )
    # alice may play it; once her grant goes, her HLS URLs find nothing either.
    offer = served.offer("alice", "Hidden", profile="chromium")
    assert httpx.get(served.url(offer), timeout=10).status_code == 200
    users = httpx.get(f"{base}/api/v1/admin/users", headers=served.headers["root"], timeout=10)
    alice = next(u["id"] for u in users.json() if u["name"] == "alice")
    regrant = httpx.put(
        f"{base}/api/v1/admin/users/{alice}/grants",
        headers=served.headers["root"],
        json={"libraries": [served.libraries["Films"]]},
        timeout=10,
    )
    assert regrant.status_code == 200
    for relative in ("", "v/480p.m3u8", "v/480p/0.ts", "a/0/0.ts"):
        assert httpx.get(served.url(offer, relative), timeout=30).status_code == 404, relative


def _first_frame(data: bytes, kind: str) -> tuple[float, str, bool]:
    """The time, codec and keyframe flag of the first decoded frame of ``kind``."""
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0] if kind == "video" else container.streams.audio[0]
        frame = next(container.decode(stream))
        assert frame.time is not None
        key = bool(getattr(frame, "key_frame", True))
        return frame.time, stream.codec_context.name, key


def test_firefox_gets_fmp4_segments_that_keep_the_films_time(served: Served) -> None:
    offer = served.offer("alice", "Remux", profile="firefox")
    assert offer["decision"] == "remux"
    media = httpx.get(served.url(offer, "v/source.m3u8"), timeout=10).text
    assert "#EXT-X-VERSION:7" in media and '#EXT-X-MAP:URI="source/init.mp4"' in media
    assert "source/5.m4s" in media and ".ts" not in media
    # A player that starts in the middle: the segment starts a run there, then the init.
    segment = httpx.get(served.url(offer, "v/source/5.m4s"), timeout=60)
    assert segment.status_code == 200 and segment.headers["content-type"] == "video/mp4"
    init = httpx.get(served.url(offer, "v/source/init.mp4"), timeout=60)
    assert init.status_code == 200 and init.content[4:8] == b"ftyp"
    at, codec, key = _first_frame(init.content + segment.content, "video")
    # Segments are 4 s (keyframes every 2 s): the fragment carries the film's own time.
    assert codec == "h264" and key and abs(at - 20) < 0.2
    audio = httpx.get(served.url(offer, "a/1/5.m4s"), timeout=60)
    audio_init = httpx.get(served.url(offer, "a/1/init.mp4"), timeout=60)
    assert audio.headers["content-type"] == "audio/mp4"
    at, codec, _ = _first_frame(audio_init.content + audio.content, "audio")
    assert codec == "aac" and abs(at - 20) < 0.2
    assert httpx.get(served.url(offer, "v/source/5.ts"), timeout=10).status_code == 404
    _end(served, "alice", "Remux", offer)
    # Another playback from the start runs ffmpeg from 0: its init segment is the same,
    # so a player may keep one init across the runs a seek starts.
    other = served.offer("alice", "Remux", profile="firefox")
    assert httpx.get(served.url(other, "v/source/init.mp4"), timeout=60).content == init.content
    with av.open(served.url(other)) as container:  # libavformat's HLS reader plays it all
        assert container.duration is not None and abs(container.duration / 1e6 - REMUX_S) < 1
        frame = next(container.decode(video=0))
        assert frame.time is not None and frame.time < 0.2
    _end(served, "alice", "Remux", other)


def test_a_transcode_for_firefox_is_fmp4_with_aac(served: Served) -> None:
    offer = served.offer("alice", "Old", profile="firefox")
    assert offer["decision"] == "transcode"
    middle = OLD_S // 4 // 2
    video = httpx.get(served.url(offer, f"v/480p/{middle}.m4s"), timeout=60)
    init = httpx.get(served.url(offer, "v/480p/init.mp4"), timeout=60)
    at, codec, key = _first_frame(init.content + video.content, "video")
    assert codec == "h264" and key and abs(at - middle * 4) < 0.2
    audio = httpx.get(served.url(offer, f"a/0/{middle}.m4s"), timeout=60)
    audio_init = httpx.get(served.url(offer, "a/0/init.mp4"), timeout=60)
    at, codec, _ = _first_frame(audio_init.content + audio.content, "audio")
    # Firefox's MSE is given AAC only: the source's MP3 is converted.
    assert codec == "aac" and abs(at - middle * 4) < 1
    _end(served, "alice", "Old", offer)
    # The same rendition over MPEG-TS has no init segment.
    mpegts = served.offer("alice", "Old", profile="chromium")
    assert httpx.get(served.url(mpegts, "v/480p.m3u8"), timeout=10).status_code == 200
    assert httpx.get(served.url(mpegts, "v/480p/init.mp4"), timeout=10).status_code == 404
    _end(served, "alice", "Old", mpegts)
