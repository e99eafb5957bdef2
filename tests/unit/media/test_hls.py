"""HLS plans, playlists and ffmpeg arguments: renditions capped at the source, every
segment listed up front, and nothing but numbers and chosen names on the command line."""

import math
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parlour.domain.errors import InvalidInputError
from parlour.domain.media import MediaStream, StreamType
from parlour.domain.profiles import profile_from_json
from parlour.media.decision import AudioPlan, Method, SourceMedia, SubtitleChoice, decide
from parlour.media.ffmpeg import run_ffmpeg
from parlour.media.hls_command import BurnIn, progressive_args, segment_args
from parlour.media.hls_plan import (
    SEGMENT_S,
    HlsPlan,
    VideoRendition,
    ladder,
    plan_for,
)
from parlour.media.hls_playlists import SubtitleRendition, master, media, timestamp_mapped


@pytest.mark.parametrize(
    ("height", "limit", "expected"),
    [
        (1080, 2160, ["1080p", "720p", "480p"]),
        (720, 2160, ["720p", "480p"]),
        (2160, 1080, ["1080p", "720p", "480p"]),
        (1080, 720, ["720p", "480p"]),
        (360, 2160, ["360p"]),
    ],
)
def test_the_ladder_never_climbs_above_the_source_or_the_device(
    height: int, limit: int, expected: list[str]
) -> None:
    renditions = ladder(height * 16 // 9, height, limit, None, None)
    assert [r.name for r in renditions] == expected
    assert all(r.width % 2 == 0 and r.height % 2 == 0 for r in renditions)
    assert all(not r.copy and r.segment_s == SEGMENT_S for r in renditions)


def test_bitrates_are_held_to_the_device_and_the_source() -> None:
    capped = ladder(1920, 1080, 1080, 2_000_000, None)
    assert max(r.bitrate for r in capped) <= 2_000_000
    thin = ladder(1920, 1080, 1080, None, 1_000_000)
    assert max(r.bitrate for r in thin) <= 1_000_000


def _plan(duration_ms: int = 60_000, **audio: object) -> HlsPlan:
    fields = {"language": "eng", "title": None} | audio
    return HlsPlan(
        duration_ms,
        0,
        (
            VideoRendition("source", True, 8, 1920, 1080, 8_000_000, "avc1.640028"),
            VideoRendition("720p", False, 4, 1280, 720, 3_000_000, "avc1.64001f"),
        ),
        (AudioPlan(1, False, "aac", 2, fields["language"], fields["title"], True),),  # type: ignore[arg-type]
    )


def test_media_playlists_list_every_segment_of_the_whole_duration() -> None:
    plan = _plan(61_250)
    for segment_s in (4, 8):
        text = media(plan, segment_s, "x")
        durations = [float(line[8:-1]) for line in text.splitlines() if line.startswith("#EXTINF")]
        assert len(durations) == math.ceil(61.25 / segment_s)
        assert abs(sum(durations) - 61.25) < 0.001
        assert text.rstrip().endswith("#EXT-X-ENDLIST") and "#EXT-X-PLAYLIST-TYPE:VOD" in text


def test_a_sliver_at_the_end_joins_the_segment_before() -> None:
    plan = _plan(60_025)
    assert plan.segment_count(4) == 15
    assert plan.segment_duration(4, 14) == pytest.approx(4.025)


def test_the_master_names_renditions_audio_and_subtitles() -> None:
    subtitles = [
        SubtitleRendition("e3", "fra", None, False, True),
        SubtitleRendition("x1", "de", None, False, False),
    ]
    text = master(_plan(), subtitles)
    assert 'TYPE=AUDIO,GROUP-ID="audio",NAME="English",LANGUAGE="en"' in text
    assert "TYPE=SUBTITLES" in text and "FORCED=YES" in text and 'URI="s/e3.m3u8"' in text
    assert 'NAME="Deutsch",LANGUAGE="de"' in text and 'NAME="Français",LANGUAGE="fr"' in text
    assert text.count("#EXT-X-STREAM-INF") == 2 and "RESOLUTION=1280x720" in text
    assert "v/source.m3u8" in text and "v/720p.m3u8" in text


def test_an_fmp4_playlist_maps_its_init_segment_and_lists_m4s() -> None:
    plan = replace(_plan(10_000), fmp4=True)
    lines = media(plan, 4, "720p").splitlines()
    assert lines[1] == "#EXT-X-VERSION:7"  # EXT-X-MAP needs 6 or more
    assert '#EXT-X-MAP:URI="720p/init.mp4"' in lines
    assert [line for line in lines if not line.startswith("#")] == [
        "720p/0.m4s",
        "720p/1.m4s",
        "720p/2.m4s",
    ]
    assert "#EXT-X-MAP" not in media(_plan(10_000), 4, "720p")  # MPEG-TS has none


def test_fmp4_output_keeps_the_source_times_in_each_stream_directory() -> None:
    plan = replace(_plan(), fmp4=True)
    args = segment_args(b"/f.mkv", plan, plan.renditions[1], 8, "/c")
    assert args.count("fmp4") == 2 and args.count("movflags=+frag_discont") == 2
    assert "/c/v/%d.m4s" in args and "/c/v/index.m3u8" in args
    assert "/c/a%v/%d.m4s" in args and "/c/a%v/index.m3u8" in args
    assert args[args.index("-start_number") + 1] == "2"  # 8 s into 4 s segments
    assert "fmp4" not in segment_args(b"/f.mkv", _plan(), plan.renditions[1], 8, "/c")


def test_hls_webvtt_carries_the_timestamp_map() -> None:
    mapped = timestamp_mapped(b"WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n")
    assert mapped.splitlines()[:2] == [b"WEBVTT", b"X-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000"]


HOSTILE = "-i http://evil.example/x -f null"


def test_no_text_from_the_file_or_the_client_reaches_the_command_line() -> None:
    plan = _plan(language=HOSTILE, title=HOSTILE)
    for rendition in plan.renditions:
        args = segment_args(b"/lib/a film.mkv", plan, rendition, 8, "/cache/s1")
        assert all(HOSTILE not in arg and "http" not in arg for arg in args)
        assert args[args.index("-i") + 1] == "file:/lib/a film.mkv"
        assert args[:2] == ["-ss", "8"]
    stream = progressive_args(b"/lib/a film.mkv", plan, plan.renditions[1], 1500)
    assert stream[:2] == ["-ss", "1.500"] and stream[-1] == "pipe:1"


def test_a_copy_is_copied_and_a_transcode_keeps_keyframes_on_segment_edges() -> None:
    plan = _plan()
    copy = segment_args(b"/f.mkv", plan, plan.renditions[0], 0, "/c")
    assert copy[copy.index("-c:v") + 1] == "copy" and "-force_key_frames" not in copy
    encode = segment_args(b"/f.mkv", plan, plan.renditions[1], 0, "/c")
    assert encode[encode.index("-c:v") + 1] == "libx264"
    assert "prev_forced_t/4+1" in encode[encode.index("-force_key_frames") + 1]
    assert encode[encode.index("-hls_time") + 1] == "4"


def test_ffmpeg_reads_a_sidecar_whose_name_is_full_of_filter_syntax(tmp_path: Path) -> None:
    sidecar = tmp_path / "it's [a]; b,c: d\\e.srt"
    sidecar.write_text("1\n00:00:00,000 --> 00:00:01,000\nHello\n")
    plan = _plan()
    burn = BurnIn(text_file=bytes(sidecar))
    args = segment_args(b"/f.mkv", plan, plan.renditions[1], 0, "/c", burn=burn)
    graph = args[args.index("-filter_complex") + 1]
    run_ffmpeg(
        ["-f", "lavfi", "-i", "color=size=320x240:duration=0.2", "-filter_complex", graph,
         "-map", "[v]", "-f", "null", "-"]
    )  # fmt: skip
    missing = BurnIn(text_file=bytes(tmp_path / "it's [a] missing.srt"))
    broken = segment_args(b"/f.mkv", plan, plan.renditions[1], 0, "/c", burn=missing)
    broken_graph = broken[broken.index("-filter_complex") + 1]
    with pytest.raises(RuntimeError):  # the control: a name that is not there fails
        run_ffmpeg(
            ["-f", "lavfi", "-i", "color=size=320x240:duration=0.2", "-filter_complex",
             broken_graph, "-map", "[v]", "-f", "null", "-"]
        )  # fmt: skip


# FF-01: whatever a client sends as its device profile or choices, and whatever a file's
# tags say, ffmpeg's argument list holds only options, numbers, names chosen by the code
# and the catalogue's own paths.
_OPTIONS = {
    "-ss",
    "-i",
    "-copyts",
    "-map",
    "-c:v",
    "-vf",
    "-filter_complex",
    "-preset",
    "-profile:v",
    "-level:v",
    "-b:v",
    "-maxrate",
    "-bufsize",
    "-force_key_frames",
    "-sn",
    "-dn",
    "-vn",
    "-map_metadata",
    "-map_chapters",
    "-max_muxing_queue_size",
    "-muxdelay",
    "-muxpreload",
    "-f",
    "-hls_time",
    "-hls_list_size",
    "-hls_segment_type",
    "-hls_flags",
    "-start_number",
    "-hls_segment_filename",
    "-var_stream_map",
}
_WORDS = {"copy", "libx264", "aac", "veryfast", "high", "hls", "mpegts", "temp_file", "pipe:1"}
_ALLOWED = re.compile(
    r"-[cb]:a:\d+|-ac:a:\d+|-?\d+(\.\d+)?|0:\d+|\[v\]|0:v:0|a:\d+( a:\d+)*|file:/lib/f\.mkv"
    r"|/cache/(v|a%v)(/%d\.ts|\.m3u8)"
    r"|scale=\d+:\d+:flags=bicubic,format=yuv420p"
    r"|\[0:v:0\]\[0:\d+\]overlay=eof_action=pass,scale=\d+:\d+:flags=bicubic,format=yuv420p\[v\]"
    r"|expr:if\(isnan\(prev_forced_t\),1,gte\(t,trunc\(prev_forced_t/\d+\+1\)\*\d+\)\)"
)
_TEXT = st.text(max_size=12)
_CODECS = st.sampled_from(["h264", "hevc", "mpeg4", "vp9", "aac", "ac3", "dts", "mp3", "opus"])
_PROFILE = st.fixed_dictionaries(
    {},
    optional={
        "containers": st.lists(st.sampled_from(["mp4", "mkv", "webm"]) | _TEXT, max_size=3),
        "video_codecs": st.lists(
            st.fixed_dictionaries(
                {"codec": _CODECS | _TEXT}, optional={"max_level": st.integers()}
            ),
            max_size=2,
        ),
        "audio_codecs": st.lists(_CODECS | _TEXT, max_size=3),
        "max_height": st.integers(-10, 5000),
        "max_width": st.integers(-10, 8000),
        "max_bitrate": st.integers(0, 10**9) | st.none(),
        "max_audio_channels": st.integers(0, 9),
        "streaming": st.sampled_from(["hls", "progressive"]) | _TEXT,
        "hls_audio_codecs": st.lists(_CODECS | _TEXT, max_size=2),
    },
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    data=_PROFILE,
    tag=st.text(max_size=20),
    video_codec=_CODECS,
    height=st.integers(16, 4320),
    audio_index=st.integers(-2, 4) | st.none(),
    burn_stream=st.booleans(),
    gap=st.floats(0, 40) | st.none(),
)
def test_no_client_or_file_text_reaches_ffmpeg(
    data: dict[str, object],
    tag: str,
    video_codec: str,
    height: int,
    audio_index: int | None,
    burn_stream: bool,
    gap: float | None,
) -> None:
    streams = (
        MediaStream(0, StreamType.VIDEO, video_codec, width=height * 16 // 9, height=height),
        MediaStream(1, StreamType.AUDIO, "aac", language=tag, title=tag, channels=2),
        MediaStream(2, StreamType.AUDIO, "dts", language=tag, title=tag, channels=6),
        MediaStream(3, StreamType.SUBTITLE, "hdmv_pgs_subtitle", language=tag, title=tag),
    )
    subtitle = SubtitleChoice("embedded", "3", "hdmv_pgs_subtitle") if burn_stream else None
    try:
        profile = profile_from_json(data)
        decision = decide(
            SourceMedia("video", "mkv", 60_000, None, streams),
            profile,
            audio_index=audio_index,
            subtitle=subtitle,
        )
    except InvalidInputError:
        return  # refused with a clear error before anything is built
    if decision.method is Method.DIRECT:
        return
    plan = plan_for(decision, streams, 60_000, None, gap)
    burn = BurnIn(image_stream=3) if decision.burn_subtitle else None
    for rendition in plan.renditions:
        for args in (
            segment_args(b"/lib/f.mkv", plan, rendition, 8, "/cache", burn=burn),
            progressive_args(b"/lib/f.mkv", plan, rendition, 1500, burn=burn),
        ):
            strays = [a for a in args if a not in _OPTIONS | _WORDS and not _ALLOWED.fullmatch(a)]
            assert not strays, strays
