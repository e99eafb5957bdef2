"""Audio transcoding over HTTP with the real ffmpeg: the formats decode to the right
length, a start offset shortens them, the slot cap answers 503, and a client that goes
away leaves no ffmpeg behind."""

import io
import time
from collections.abc import Iterator

import av
import httpx
import pytest

from parlour.media.ffmpeg import run_ffmpeg
from support import Account, ServerProcess, ffmpeg_children, serve_libraries

LONG_S = 900  # its MP3 (36 MB) outlasts the pipe and loopback socket buffers
Served = tuple[ServerProcess, dict[str, dict[str, str]], dict[str, str]]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    base = tmp_path_factory.mktemp("audio")
    music = base / "music" / "Tone Makers" / "Long Tones (2020)"
    music.mkdir(parents=True)
    for number, seconds in ((1, 6), (2, LONG_S)):
        run_ffmpeg(
            ["-f", "lavfi", "-i", f"sine=frequency={200 * number}:duration={seconds}",
             "-c:a", "flac", "-metadata", f"title=Tone {number}", "-metadata", "artist=Tone Makers",
             "-metadata", "album=Long Tones", "-metadata", f"track={number}",
             str(music / f"{number:02d} Tone {number}.flac")]
        )  # fmt: skip
    data = base / "data"
    data.mkdir()
    (data / "parlour.toml").write_text("transcode_slots = 1\n")
    libraries = {"Tones": ("music", base / "music")}
    accounts = [Account("alice", "alice-password", ("Tones",)), Account("bob", "bob-password")]
    with serve_libraries(data, libraries, accounts) as (process, headers):
        tracks = httpx.get(
            process.base + "/api/v1/tracks", headers=headers["alice"], timeout=10
        ).json()["items"]
        yield process, headers, {t["title"]: t["id"] for t in tracks}


def _url(served: Served, title: str) -> str:
    process, _, tracks = served
    return f"{process.base}/api/v1/items/{tracks[title]}/audio"


def _decoded(body: bytes) -> tuple[str, str, float]:
    with av.open(io.BytesIO(body)) as container:
        stream = container.streams.audio[0]
        seconds = sum(frame.samples for frame in container.decode(stream)) / stream.rate
        return container.format.name, stream.codec_context.name, seconds


@pytest.mark.parametrize(
    ("fmt", "media_type", "codec"),
    [("mp3", "audio/mpeg", "mp3"), ("opus", "audio/ogg", "opus"), ("aac", "audio/aac", "aac")],
)
def test_each_format_decodes_to_the_whole_track(
    served: Served, fmt: str, media_type: str, codec: str
) -> None:
    _, headers, _ = served
    response = httpx.get(
        _url(served, "Tone 1"), headers=headers["alice"], params={"format": fmt}, timeout=30
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media_type
    _, found_codec, seconds = _decoded(response.content)
    assert found_codec.startswith(codec)  # the decoder's name: mp3 is read by "mp3float"
    assert abs(seconds - 6) < 0.2


def test_a_start_offset_and_a_bitrate(served: Served) -> None:
    _, headers, _ = served
    params = {"format": "mp3", "start": 4000, "bitrate": 64}
    response = httpx.get(
        _url(served, "Tone 1"), headers=headers["alice"], params=params, timeout=30
    )
    _, _, seconds = _decoded(response.content)
    assert abs(seconds - 2) < 0.2
    whole = httpx.get(
        _url(served, "Tone 1"), headers=headers["alice"], params={"bitrate": 320}, timeout=30
    )
    assert len(whole.content) > 3 * len(response.content)  # 320 kbit/s over three times the time


@pytest.mark.parametrize(
    "params",
    [{"format": "wav"}, {"bitrate": 8}, {"bitrate": 999}, {"start": "-1"}, {"bitrate": "x"}],
)
def test_bad_parameters_are_400(served: Served, params: dict[str, str]) -> None:
    _, headers, _ = served
    response = httpx.get(
        _url(served, "Tone 1"), headers=headers["alice"], params=params, timeout=10
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


def test_a_user_without_the_library_gets_404(served: Served) -> None:
    _, headers, _ = served
    assert httpx.get(_url(served, "Tone 1"), headers=headers["bob"], timeout=10).status_code == 404


_ffmpeg_children = ffmpeg_children


def test_the_cap_answers_503_and_a_departed_client_leaves_no_ffmpeg(served: Served) -> None:
    process, headers, _ = served
    url = _url(served, "Tone 2")
    with (
        httpx.Client(timeout=30) as client,
        client.stream(
            "GET", url, headers=headers["alice"], params={"format": "mp3", "bitrate": 320}
        ) as held,
    ):
        assert held.status_code == 200
        chunks = held.iter_bytes()  # kept: a dropped iterator would close the response
        next(chunks)  # one chunk read, then the client stalls: ffmpeg waits
        assert len(_ffmpeg_children(process)) == 1
        busy = httpx.get(url, headers=headers["alice"], timeout=10)
        assert busy.status_code == 503
        assert int(busy.headers["retry-after"]) > 0
    # The client went away mid-stream: within 5 s no ffmpeg is left and the slot is free.
    deadline = time.monotonic() + 5
    while _ffmpeg_children(process) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _ffmpeg_children(process) == []
    again = httpx.get(_url(served, "Tone 1"), headers=headers["alice"], timeout=30)
    assert again.status_code == 200
