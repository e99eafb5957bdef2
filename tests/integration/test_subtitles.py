"""Subtitles as WebVTT over HTTP with the real ffmpeg: sidecar SRT and ASS files and a
text stream inside the video keep their timing; the access rules hold."""

import re
from collections.abc import Iterator

import httpx
import pytest

from parlour.media.ffmpeg import run_ffmpeg
from support import Account, ServerProcess, serve_libraries

SRT = "1\n00:00:01,000 --> 00:00:02,500\nHello from the harbour\n\n"
ASS = """[Script Info]
ScriptType: v4.00+

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, Bold, Italic, Alignment, MarginL, MarginR, MarginV
Style: Default,Arial,20,&H00FFFFFF,0,0,2,10,10,10

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:00.50,0:00:01.75,Default,,0,0,0,,Lanterns on the quay
"""
Served = tuple[ServerProcess, dict[str, dict[str, str]], dict[str, object]]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    base = tmp_path_factory.mktemp("subtitles")
    folder = base / "films" / "Harbour Lights (2019)"
    folder.mkdir(parents=True)
    (base / "embedded.srt").write_text(SRT.replace("harbour", "inside"))
    film = folder / "Harbour Lights (2019).mkv"
    run_ffmpeg(
        ["-f", "lavfi", "-i", "color=c=black:s=64x36:r=5:d=3", "-i", str(base / "embedded.srt"),
         "-map", "0:v", "-map", "1:s", "-c:v", "libx264", "-preset", "ultrafast",
         "-c:s", "srt", str(film)]
    )  # fmt: skip
    (folder / "Harbour Lights (2019).en.srt").write_text(SRT)
    (folder / "Harbour Lights (2019).fr.ass").write_text(ASS)
    accounts = [Account("alice", "alice-password", ("Films",)), Account("bob", "bob-password")]
    with serve_libraries(base / "data", {"Films": ("movies", base / "films")}, accounts) as (
        process,
        headers,
    ):
        films = httpx.get(process.base + "/api/v1/movies", headers=headers["alice"]).json()
        item = httpx.get(
            f"{process.base}/api/v1/items/{films['items'][0]['id']}", headers=headers["alice"]
        ).json()
        yield process, headers, item


_TIME = re.compile(r"(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})")


def _cues(vtt: str) -> list[tuple[int, int, str]]:
    """(start ms, end ms, text) of each cue; WebVTT may leave out a zero hour."""

    def ms(stamp: str) -> int:
        match = _TIME.fullmatch(stamp.strip())
        assert match, stamp
        hours, minutes, seconds, millis = (int(part or 0) for part in match.groups())
        return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis

    assert vtt.startswith("WEBVTT")
    found = []
    for block in vtt.split("\n\n")[1:]:
        lines = [line for line in block.strip().splitlines() if line]
        if not lines:
            continue
        timing = next(i for i, line in enumerate(lines) if "-->" in line)
        start, end = lines[timing].split("-->")
        found.append((ms(start), ms(end.split()[0]), " ".join(lines[timing + 1 :])))
    return found


def _get(served: Served, path: str, user: str = "alice") -> httpx.Response:
    process, headers, item = served
    return httpx.get(
        f"{process.base}/api/v1/items/{item['id']}/subtitles/{path}",
        headers=headers[user],
        timeout=30,
    )


def test_sidecar_files_become_webvtt_with_their_timing(served: Served) -> None:
    _, _, item = served
    by_language = {s["language"]: s for s in item["subtitles"]}  # type: ignore[attr-defined]
    assert set(by_language) == {"en", "fr"}
    srt = _get(served, by_language["en"]["id"])
    assert srt.status_code == 200
    assert srt.headers["content-type"].startswith("text/vtt")
    assert _cues(srt.text) == [(1000, 2500, "Hello from the harbour")]
    ass = _get(served, by_language["fr"]["id"])
    assert _cues(ass.text) == [(500, 1750, "Lanterns on the quay")]


def test_a_text_stream_inside_the_video_becomes_webvtt(served: Served) -> None:
    _, _, item = served
    streams = item["streams"]  # type: ignore[index]
    (subtitle,) = [s for s in streams if s["type"] == "subtitle"]
    vtt = _get(served, f"embedded/{subtitle['stream_index']}")
    assert vtt.status_code == 200
    assert _cues(vtt.text) == [(1000, 2500, "Hello from the inside")]
    (video,) = [s for s in streams if s["type"] == "video"]
    assert _get(served, f"embedded/{video['stream_index']}").status_code == 404
    assert _get(served, "embedded/99").status_code == 404
    assert _get(served, "embedded/x").status_code == 404


def test_no_subtitles_without_the_library(served: Served) -> None:
    _, _, item = served
    subtitle_id = item["subtitles"][0]["id"]  # type: ignore[index]
    assert _get(served, subtitle_id, user="bob").status_code == 404
    assert _get(served, "embedded/1", user="bob").status_code == 404
    assert _get(served, "0" * 32).status_code == 404
