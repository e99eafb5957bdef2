"""Device profiles: the built-in ones say what each client really plays, and a profile a
client sends is read strictly, every fault an InvalidInputError naming its field."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parlour.domain.errors import InvalidInputError
from parlour.domain.profiles import (
    BUILT_IN,
    CUSTOM_LABEL,
    PROFILE_KEYS,
    DeviceProfile,
    VideoCodecRule,
    built_in_profile,
    canonical_container,
    profile_from_json,
)


def _rule(profile: DeviceProfile, codec: str) -> VideoCodecRule | None:
    return next((r for r in profile.video_codecs if r.codec == codec), None)


def test_the_built_in_profiles_are_the_five_named() -> None:
    assert list(BUILT_IN) == ["chromium", "firefox", "safari", "dlna-generic", "subsonic-generic"]
    for name, profile in BUILT_IN.items():
        assert profile.name == name
        assert built_in_profile(name) is profile
        assert profile.label


def test_every_built_in_profile_can_take_what_the_server_makes() -> None:
    for profile in BUILT_IN.values():
        # The server encodes H.264 and AAC into MPEG-TS; music to the profile's format.
        assert "h264" in profile.hls_video_codecs
        assert "aac" in profile.hls_audio_codecs
        assert profile.hls_audio_codecs <= profile.audio_codecs
        assert profile.audio_transcode_format in profile.audio_codecs
        assert profile.max_audio_channels >= 2  # the stereo AAC the server makes fits


def test_chromium_plays_the_open_codecs_and_matroska_but_not_hevc() -> None:
    chromium = BUILT_IN["chromium"]
    assert {"mp4", "webm", "mkv"} <= chromium.containers
    assert {r.codec for r in chromium.video_codecs} == {"h264", "vp8", "vp9", "av1"}
    h264 = _rule(chromium, "h264")
    assert h264 is not None and h264.max_bit_depth == 8 and "High 10" not in h264.profiles
    assert {"aac", "mp3", "opus", "vorbis", "flac"} <= chromium.audio_codecs
    assert not {"ac3", "eac3", "dts", "alac"} & chromium.audio_codecs
    assert chromium.subtitle_formats == {"webvtt"}
    assert (chromium.streaming, chromium.audio_transcode_format) == ("hls", "opus")
    assert (chromium.max_width, chromium.max_height) == (3840, 2160)


def test_firefox_is_chromium_without_matroska_or_quicktime() -> None:
    firefox = BUILT_IN["firefox"]
    assert not {"mkv", "mov"} & firefox.containers
    assert _rule(firefox, "hevc") is None
    assert _rule(firefox, "av1") is not None and _rule(firefox, "vp9") is not None
    assert "alac" not in firefox.audio_codecs
    assert firefox.label == "Firefox" and firefox.streaming == "hls"
    # No HLS of its own: Media Source Extensions, which take MP4 but never MPEG-TS.
    assert firefox.hls_segments == "fmp4" and firefox.hls_audio_codecs == {"aac"}
    assert BUILT_IN["chromium"].hls_segments == BUILT_IN["safari"].hls_segments == "mpegts"


def test_a_client_profile_may_ask_for_fmp4_segments_and_nothing_else() -> None:
    assert profile_from_json({"hls_segments": "fmp4"}).hls_segments == "fmp4"
    with pytest.raises(InvalidInputError, match="hls_segments"):
        profile_from_json({"hls_segments": "webm"})


def test_safari_plays_hevc_and_dolby_but_no_webm_or_matroska() -> None:
    safari = BUILT_IN["safari"]
    assert not {"mkv", "webm"} & safari.containers
    assert {"mp4", "mov", "m4a"} <= safari.containers
    hevc = _rule(safari, "hevc")
    assert hevc is not None and hevc.hdr and "Main 10" in hevc.profiles
    assert _rule(safari, "vp9") is None and _rule(safari, "av1") is None
    assert {"alac", "ac3", "eac3"} <= safari.audio_codecs and "opus" not in safari.audio_codecs
    # HEVC in HLS needs fMP4 segments; the server makes MPEG-TS.
    assert safari.hls_video_codecs == {"h264"}
    assert safari.hls_audio_codecs == {"aac", "mp3", "ac3", "eac3"}
    assert safari.audio_transcode_format == "aac"


def test_a_dlna_tv_is_a_1080p_h264_set_without_subtitles() -> None:
    tv = BUILT_IN["dlna-generic"]
    assert tv.video_codecs == (
        VideoCodecRule(
            "h264",
            frozenset({"Baseline", "Constrained Baseline", "Main", "High"}),
            max_level=41,
            max_bit_depth=8,
        ),
    )
    assert (tv.max_width, tv.max_height, tv.max_bitrate) == (1920, 1080, 20_000_000)
    assert tv.audio_codecs == {"aac", "mp3", "ac3"} and tv.max_audio_channels == 6
    assert tv.subtitle_formats == frozenset()
    assert (tv.streaming, tv.audio_transcode_format, tv.label) == (
        "progressive",
        "mp3",
        "a DLNA TV",
    )


def test_a_subsonic_app_plays_stereo_music_only() -> None:
    app = BUILT_IN["subsonic-generic"]
    assert app.video_codecs == ()
    assert app.audio_codecs == {"mp3", "aac", "flac"}
    assert app.max_audio_channels == 2
    assert (app.streaming, app.audio_transcode_format) == ("progressive", "mp3")


def test_an_unknown_built_in_name_lists_the_known_ones() -> None:
    with pytest.raises(InvalidInputError, match="'profile' must be one of chromium, firefox"):
        built_in_profile("netscape")


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("m4a", "mp4"),
        ("mp4", "mp4"),
        ("m4b", "mp4"),
        ("oga", "ogg"),
        ("aif", "aiff"),
        ("mkv", "mkv"),
    ],
)
def test_container_aliases_compare_equal(name: str, canonical: str) -> None:
    assert canonical_container(name) == canonical


def test_an_empty_object_takes_the_conservative_defaults() -> None:
    profile = profile_from_json({})
    assert profile.name == "custom" and profile.label == CUSTOM_LABEL
    assert profile.containers == {"mp4"}
    assert [r.codec for r in profile.video_codecs] == ["h264"]
    assert profile.audio_codecs == {"aac", "mp3"}
    assert profile.max_audio_channels == 2
    assert profile.subtitle_formats == {"webvtt"}
    assert (profile.max_width, profile.max_height, profile.max_bitrate) == (1920, 1080, None)
    assert profile.streaming == "hls"
    assert profile.hls_video_codecs == {"h264"}
    assert profile.hls_audio_codecs == {"aac", "mp3"}
    assert profile.audio_transcode_format == "aac"
    assert profile.hls_segments == "mpegts"


def test_a_full_profile_is_read_field_by_field() -> None:
    profile = profile_from_json(
        {
            "name": "living-room.tv",
            "containers": ["mkv", "mp4", "mpegts"],
            "video_codecs": [
                {
                    "codec": "hevc",
                    "profiles": ["Main", "Main 10"],
                    "max_level": 153,
                    "max_bit_depth": 10,
                    "hdr": True,
                },
                {"codec": "h264"},
            ],
            "audio_codecs": ["aac", "ac3", "eac3", "dts"],
            "max_audio_channels": 8,
            "subtitle_formats": [],
            "max_width": 3840,
            "max_height": 2160,
            "max_bitrate": 80_000_000,
            "streaming": "progressive",
            "hls_video_codecs": ["h264", "hevc"],
            "hls_audio_codecs": ["aac", "ac3"],
            "audio_transcode_format": "opus",
        }
    )
    assert profile == DeviceProfile(
        name="living-room.tv",
        label=CUSTOM_LABEL,
        containers=frozenset({"mkv", "mp4", "mpegts"}),
        video_codecs=(
            VideoCodecRule("hevc", frozenset({"Main", "Main 10"}), 153, 10, hdr=True),
            VideoCodecRule("h264"),
        ),
        audio_codecs=frozenset({"aac", "ac3", "eac3", "dts"}),
        max_audio_channels=8,
        subtitle_formats=frozenset(),
        max_width=3840,
        max_height=2160,
        max_bitrate=80_000_000,
        streaming="progressive",
        hls_video_codecs=frozenset({"h264", "hevc"}),
        hls_audio_codecs=frozenset({"aac", "ac3"}),
        audio_transcode_format="opus",
    )


def test_an_empty_video_list_means_an_audio_only_device() -> None:
    assert profile_from_json({"video_codecs": [], "max_bitrate": None}).video_codecs == ()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "'profile' must be a JSON object"),
        ("chromium", "'profile' must be a JSON object"),
        ({"colour": "red"}, "'profile.colour' is not known"),
        ({"Evil Key!": 1}, "a field of 'profile' is not known"),
        ({"label": "Chromium"}, "'profile.label' is not known"),
        ({"name": "Living Room"}, "'profile.name'"),
        ({"name": ""}, "'profile.name'"),
        ({"name": 5}, "'profile.name'"),
        ({"containers": "mp4"}, "'profile.containers' must be a list"),
        ({"containers": ["MP4"]}, r"'profile.containers\[0\]'"),
        ({"containers": ["mp4", "../etc"]}, r"'profile.containers\[1\]'"),
        ({"containers": ["x" * 33]}, r"'profile.containers\[0\]'"),
        ({"audio_codecs": [f"c{i}" for i in range(33)]}, "'profile.audio_codecs' must have at"),
        ({"audio_codecs": [None]}, r"'profile.audio_codecs\[0\]'"),
        ({"subtitle_formats": {"webvtt": True}}, "'profile.subtitle_formats' must be a list"),
        ({"hls_video_codecs": ["h264\n"]}, r"'profile.hls_video_codecs\[0\]'"),
        ({"hls_audio_codecs": [1]}, r"'profile.hls_audio_codecs\[0\]'"),
        ({"max_height": 4321}, "'profile.max_height' must be an integer from 16 to 4320"),
        ({"max_height": 15}, "'profile.max_height' must be an integer from 16 to 4320"),
        ({"max_width": 7681}, "'profile.max_width' must be an integer from 16 to 7680"),
        ({"max_width": 1920.5}, "'profile.max_width' must be an integer"),
        ({"max_width": "1920"}, "'profile.max_width' must be an integer"),
        ({"max_audio_channels": True}, "'profile.max_audio_channels' must be an integer"),
        ({"max_audio_channels": 0}, "'profile.max_audio_channels' must be an integer from 1"),
        ({"max_audio_channels": 9}, "'profile.max_audio_channels' must be an integer from 1"),
        ({"max_bitrate": 63_999}, "'profile.max_bitrate' must be an integer from 64000"),
        ({"max_bitrate": 400_000_001}, "'profile.max_bitrate' must be an integer"),
        ({"max_bitrate": False}, "'profile.max_bitrate' must be an integer"),
        ({"streaming": "dash"}, "'profile.streaming' must be one of hls, progressive"),
        ({"streaming": None}, "'profile.streaming' must be one of"),
        ({"audio_transcode_format": "wav"}, "'profile.audio_transcode_format' must be one of"),
        ({"video_codecs": {"codec": "h264"}}, "'profile.video_codecs' must be a list"),
        ({"video_codecs": None}, "'profile.video_codecs' must be a list"),
        ({"video_codecs": ["h264"]}, r"'profile.video_codecs\[0\]' must be a JSON object"),
        ({"video_codecs": [{}]}, r"'profile.video_codecs\[0\].codec' is required"),
        ({"video_codecs": [{"codec": "H264"}]}, r"'profile.video_codecs\[0\].codec'"),
        (
            {"video_codecs": [{"codec": "h264", "level": 41}]},
            r"'profile.video_codecs\[0\].level' is not known",
        ),
        (
            {"video_codecs": [{"codec": "h264"}, {"codec": "hevc", "max_level": 256}]},
            r"'profile.video_codecs\[1\].max_level' must be an integer from 0 to 255",
        ),
        (
            {"video_codecs": [{"codec": "hevc", "max_bit_depth": 7}]},
            r"'profile.video_codecs\[0\].max_bit_depth' must be an integer from 8 to 16",
        ),
        (
            {"video_codecs": [{"codec": "hevc", "hdr": 1}]},
            r"'profile.video_codecs\[0\].hdr' must be true or false",
        ),
        (
            {"video_codecs": [{"codec": "h264", "profiles": ["High 4:4:4"]}]},
            r"'profile.video_codecs\[0\].profiles\[0\]'",
        ),
        (
            {"video_codecs": [{"codec": "h264", "profiles": "High"}]},
            r"'profile.video_codecs\[0\].profiles' must be a list",
        ),
        (
            {"video_codecs": [{"codec": "h264", "profiles": ["Main"] * 33}]},
            r"'profile.video_codecs\[0\].profiles' must have at most 32",
        ),
    ],
)
def test_a_faulty_profile_is_refused_naming_the_field(data: object, field: str) -> None:
    with pytest.raises(InvalidInputError, match=field):
        profile_from_json(data)


def test_the_refusal_does_not_echo_a_hostile_key() -> None:
    with pytest.raises(InvalidInputError) as caught:
        profile_from_json({"<script>": 1})
    assert "<script>" not in str(caught.value)


_json: Any = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)
_RULE = st.fixed_dictionaries(
    {"codec": st.sampled_from(["h264", "hevc", "H264"]) | _json},
    optional={
        "profiles": st.lists(st.sampled_from(["Main", "High 10", ""]) | _json, max_size=3),
        "max_level": st.integers(-5, 300) | _json,
        "max_bit_depth": st.integers(0, 20) | _json,
        "hdr": st.booleans() | _json,
    },
)
# Mostly the real field names, so that values reach the field checks, not just the key check.
_PROFILES = _json | st.dictionaries(
    st.sampled_from(PROFILE_KEYS),
    st.integers(-10, 500_000_000)
    | st.lists(st.sampled_from(["mp4", "aac", "h264", "MP4", ""]) | _json, max_size=4)
    | st.lists(_RULE, max_size=3)
    | st.sampled_from(["hls", "progressive", "mp3", "opus", "aac", "ftp"])
    | _json,
)


@given(_PROFILES)
def test_any_json_is_a_profile_or_an_invalid_input_error(data: object) -> None:
    try:
        profile = profile_from_json(data)
    except InvalidInputError as exc:
        assert "'profile" in str(exc)  # every refusal names its field
    else:
        assert isinstance(profile, DeviceProfile)
        assert profile.label == CUSTOM_LABEL
        assert 16 <= profile.max_height <= 4320
        assert all(len(c) <= 32 for c in profile.containers | profile.audio_codecs)
