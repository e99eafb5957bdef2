"""Device profiles: what a client plays as it is, and how it takes what the server makes.

Codec names are FFmpeg's canonical ones (``h264``, ``aac``), as the probe stores them.
The built-in profiles are deliberately conservative: claiming too little costs a remux or
a transcode, claiming too much costs a player that fails.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal, cast

from parlour.domain.errors import InvalidInputError

Streaming = Literal["hls", "progressive"]
# What an HLS segment is: MPEG-TS, which every HLS player reads, or fragmented MP4, which
# Media Source Extensions take (Firefox's takes MP4 and WebM only, never MPEG-TS).
HlsSegments = Literal["mpegts", "fmp4"]
AudioTranscodeFormat = Literal["mp3", "opus", "aac"]


@dataclass(frozen=True, slots=True)
class VideoCodecRule:
    """One video codec a device decodes, and the limits within which it does."""

    codec: str
    profiles: frozenset[str] = frozenset()  # FFmpeg's profile names; empty means any
    max_level: int | None = None  # FFmpeg's number: H.264 41 is 4.1, HEVC 153 is 5.1 (x30)
    max_bit_depth: int | None = None
    hdr: bool = False  # whether HDR sources show correctly


@dataclass(frozen=True, slots=True)
class DeviceProfile:
    """What one kind of client plays; ``label`` names it in reasons a person reads."""

    name: str
    label: str
    containers: frozenset[str]  # whole files it opens; compare with canonical_container()
    video_codecs: tuple[VideoCodecRule, ...]
    audio_codecs: frozenset[str]
    max_audio_channels: int
    subtitle_formats: frozenset[str]  # text formats it shows beside the video itself
    max_width: int
    max_height: int
    max_bitrate: int | None  # bits per second; None is no limit
    streaming: Streaming  # HLS or one progressive MPEG-TS stream
    hls_video_codecs: frozenset[str]  # video codecs it plays inside HLS segments
    hls_audio_codecs: frozenset[str]  # audio codecs it plays inside HLS segments
    audio_transcode_format: AudioTranscodeFormat  # what music is converted to for it
    hls_segments: HlsSegments = "mpegts"


# The probe and the file extension name the same container several ways.
_CONTAINER_ALIASES = {
    "m4a": "mp4",  # an audio-only MP4 may be stored under either name
    "m4b": "mp4",
    "m4v": "mp4",
    "mp4a": "mp4",
    "oga": "ogg",
    "opus": "ogg",
    "aif": "aiff",
    "matroska": "mkv",
    "mka": "mkv",
}


def canonical_container(name: str) -> str:
    """One name per container, so that "m4a" and "mp4" (say) compare equal."""
    return _CONTAINER_ALIASES.get(name, name)


_H264_8BIT = frozenset({"Baseline", "Constrained Baseline", "Main", "High"})
_PCM = frozenset({"pcm_u8", "pcm_s16le", "pcm_s24le"})

# Debian's Chromium is built with the proprietary codecs (H.264, AAC) but not HEVC, which
# needs a platform decoder; it opens Matroska (Mozilla's MKV intent-to-prototype cites it)
# and QuickTime through FFmpeg's mov demuxer. H.264 High 10 decodes on some desktops only.
_CHROMIUM = DeviceProfile(
    name="chromium",
    label="Chromium",
    containers=frozenset({"mp4", "m4a", "webm", "mkv", "mov", "mp3", "ogg", "flac", "wav"}),
    video_codecs=(
        VideoCodecRule("h264", _H264_8BIT, max_level=52, max_bit_depth=8),
        VideoCodecRule("vp8", max_bit_depth=8),
        VideoCodecRule("vp9", frozenset({"Profile 0", "Profile 2"}), max_bit_depth=10),
        VideoCodecRule("av1", frozenset({"Main"}), max_bit_depth=10),
    ),
    audio_codecs=frozenset({"aac", "mp3", "opus", "vorbis", "flac"} | _PCM),
    max_audio_channels=6,  # decoded and downmixed to the speakers there are
    subtitle_formats=frozenset({"webvtt"}),
    max_width=3840,
    max_height=2160,
    max_bitrate=None,
    streaming="hls",
    hls_video_codecs=frozenset({"h264"}),
    hls_audio_codecs=frozenset({"aac", "mp3"}),
    audio_transcode_format="opus",
)

# Firefox: no HEVC outside Windows hardware decoding, MKV only behind a Nightly preference,
# no AC-3, and no HLS of its own: the web client feeds fMP4 segments to Media Source
# Extensions, whose MP4 parser is given AAC only (MP3 in MP4 is not reliably taken).
_FIREFOX = replace(
    _CHROMIUM,
    name="firefox",
    label="Firefox",
    containers=frozenset({"mp4", "m4a", "webm", "mp3", "ogg", "flac", "wav"}),
    hls_audio_codecs=frozenset({"aac"}),
    hls_segments="fmp4",
)

# Safari: no Matroska; WebM and VP9 are unreliable (Safari 17), AV1 needs an M3/A17 chip and
# Opus a CAF file, so all three are left out. HEVC plays from MP4/MOV (HDR tone-mapped on SDR
# screens) but only inside fMP4 HLS segments, never MPEG-TS. Known gap: an MP4 whose HEVC
# track is tagged hev1 rather than hvc1 fails, and the probe does not record the tag yet.
_SAFARI = DeviceProfile(
    name="safari",
    label="Safari",
    containers=frozenset({"mp4", "m4a", "mov", "mp3", "flac", "wav", "aiff"}),
    video_codecs=(
        VideoCodecRule("h264", _H264_8BIT, max_level=52, max_bit_depth=8),
        VideoCodecRule("hevc", frozenset({"Main", "Main 10"}), 153, 10, hdr=True),
    ),
    audio_codecs=frozenset(
        {"aac", "mp3", "alac", "flac", "ac3", "eac3", "pcm_s16le", "pcm_s24le"}
        | {"pcm_s16be", "pcm_s24be"}  # AIFF
    ),
    max_audio_channels=6,
    subtitle_formats=frozenset({"webvtt"}),
    max_width=3840,
    max_height=2160,
    max_bitrate=None,
    streaming="hls",
    hls_video_codecs=frozenset({"h264"}),
    hls_audio_codecs=frozenset({"aac", "mp3", "ac3", "eac3"}),
    audio_transcode_format="aac",
)

# A generic DLNA television: what nearly every set since about 2012 takes. DLNA players
# cannot be told about WebVTT, and many cap the stream rate well below a Blu-ray remux.
_DLNA = DeviceProfile(
    name="dlna-generic",
    label="a DLNA TV",
    containers=frozenset({"mp4", "mkv", "mpegts", "mp3"}),
    video_codecs=(VideoCodecRule("h264", _H264_8BIT, max_level=41, max_bit_depth=8),),
    audio_codecs=frozenset({"aac", "mp3", "ac3"}),
    max_audio_channels=6,
    subtitle_formats=frozenset(),
    max_width=1920,
    max_height=1080,
    max_bitrate=20_000_000,
    streaming="progressive",
    hls_video_codecs=frozenset({"h264"}),
    hls_audio_codecs=frozenset({"aac", "mp3", "ac3"}),
    audio_transcode_format="mp3",
)

# A generic Subsonic app: Android apps (ExoPlayer) and iOS apps (AVPlayer) alike. AVPlayer
# has no Ogg demuxer, so Vorbis and Opus files are converted; ALAC lacks an Android decoder.
_SUBSONIC = DeviceProfile(
    name="subsonic-generic",
    label="a Subsonic app",
    containers=frozenset({"mp3", "mp4", "m4a", "flac"}),
    video_codecs=(),
    audio_codecs=frozenset({"mp3", "aac", "flac"}),
    max_audio_channels=2,
    subtitle_formats=frozenset(),
    max_width=1920,
    max_height=1080,
    max_bitrate=None,
    streaming="progressive",
    hls_video_codecs=frozenset({"h264"}),
    hls_audio_codecs=frozenset({"aac", "mp3"}),
    audio_transcode_format="mp3",
)

BUILT_IN: dict[str, DeviceProfile] = {
    p.name: p for p in (_CHROMIUM, _FIREFOX, _SAFARI, _DLNA, _SUBSONIC)
}


def built_in_profile(name: str) -> DeviceProfile:
    """The built-in profile called ``name``; InvalidInputError for any other name."""
    profile = BUILT_IN.get(name)
    if profile is None:
        raise InvalidInputError(f"'profile' must be one of {', '.join(BUILT_IN)}")
    return profile


# --- a profile sent by a client -------------------------------------------------------

CUSTOM_LABEL = "this device"
MAX_ENTRIES = 32
_NAME = re.compile(r"[a-z0-9_][a-z0-9_.-]{0,31}")
_PROFILE_NAME = re.compile(r"[A-Za-z0-9 ._-]{1,32}")  # FFmpeg's "Main 10", "High"
_RULE_KEYS = ("codec", "profiles", "max_level", "max_bit_depth", "hdr")
PROFILE_KEYS = (  # what a client profile may name
    "name",
    "containers",
    "video_codecs",
    "audio_codecs",
    "max_audio_channels",
    "subtitle_formats",
    "max_width",
    "max_height",
    "max_bitrate",
    "streaming",
    "hls_video_codecs",
    "hls_audio_codecs",
    "audio_transcode_format",
    "hls_segments",
)
_DEFAULT_VIDEO = (VideoCodecRule("h264", _H264_8BIT, max_level=41, max_bit_depth=8),)


def profile_from_json(data: object) -> DeviceProfile:
    """A profile from a client's decoded JSON object, read strictly: unknown fields, odd
    names, long lists and numbers out of range are InvalidInputError naming the field;
    missing fields take conservative defaults."""
    fields = _object(data, "profile", PROFILE_KEYS)
    return DeviceProfile(
        name=_name(fields.get("name", "custom"), "profile.name"),
        label=CUSTOM_LABEL,
        containers=_names(fields, "containers", {"mp4"}),
        video_codecs=_rules(fields),
        audio_codecs=_names(fields, "audio_codecs", {"aac", "mp3"}),
        max_audio_channels=_int(fields, "max_audio_channels", 2, 1, 8),
        subtitle_formats=_names(fields, "subtitle_formats", {"webvtt"}),
        max_width=_int(fields, "max_width", 1920, 16, 7680),
        max_height=_int(fields, "max_height", 1080, 16, 4320),
        max_bitrate=_optional_int(fields, "max_bitrate", "profile", 64_000, 400_000_000),
        streaming=cast(Streaming, _choice(fields, "streaming", "hls", ("hls", "progressive"))),
        hls_video_codecs=_names(fields, "hls_video_codecs", {"h264"}),
        hls_audio_codecs=_names(fields, "hls_audio_codecs", {"aac", "mp3"}),
        audio_transcode_format=cast(
            AudioTranscodeFormat,
            _choice(fields, "audio_transcode_format", "aac", ("aac", "mp3", "opus")),
        ),
        hls_segments=cast(
            HlsSegments, _choice(fields, "hls_segments", "mpegts", ("mpegts", "fmp4"))
        ),
    )


def _object(data: object, where: str, keys: tuple[str, ...]) -> Mapping[str, object]:
    if not isinstance(data, dict):
        raise InvalidInputError(f"'{where}' must be a JSON object")
    for key in data:
        if key not in keys:
            # Echo the key only when it is a plain identifier: it came from the client.
            known = isinstance(key, str) and _NAME.fullmatch(key)
            shown = f"'{where}.{key}'" if known else f"a field of '{where}'"
            raise InvalidInputError(f"{shown} is not known; the fields are {', '.join(keys)}")
    return cast(Mapping[str, object], data)


def _name(value: object, where: str) -> str:
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise InvalidInputError(
            f"'{where}' must be a lower-case name of 1 to 32 letters, digits, '_', '.' or '-'"
        )
    return value


def _list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise InvalidInputError(f"'{where}' must be a list")
    if len(value) > MAX_ENTRIES:
        raise InvalidInputError(f"'{where}' must have at most {MAX_ENTRIES} entries")
    return value


def _names(fields: Mapping[str, object], key: str, default: set[str]) -> frozenset[str]:
    if key not in fields:
        return frozenset(default)
    where = f"profile.{key}"
    return frozenset(_name(v, f"{where}[{i}]") for i, v in enumerate(_list(fields[key], where)))


def _int(fields: Mapping[str, object], key: str, default: int, low: int, high: int) -> int:
    if key not in fields:
        return default
    return _bounded(fields[key], f"profile.{key}", low, high)


def _optional_int(
    fields: Mapping[str, object], key: str, where: str, low: int, high: int
) -> int | None:
    value = fields.get(key)  # absent and null alike mean "no limit"
    return None if value is None else _bounded(value, f"{where}.{key}", low, high)


def _bounded(value: object, where: str, low: int, high: int) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON does not tell 720.0 from 720
    # bool is an int subclass; JSON true is not a number.
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInputError(f"'{where}' must be an integer from {low} to {high}")
    return value


def _choice(fields: Mapping[str, object], key: str, default: str, allowed: tuple[str, ...]) -> str:
    value = fields.get(key, default)
    if not isinstance(value, str) or value not in allowed:
        raise InvalidInputError(f"'profile.{key}' must be one of {', '.join(allowed)}")
    return value


def _rules(fields: Mapping[str, object]) -> tuple[VideoCodecRule, ...]:
    if "video_codecs" not in fields:
        return _DEFAULT_VIDEO
    where = "profile.video_codecs"
    rules = _list(fields["video_codecs"], where)
    return tuple(_rule(v, f"{where}[{i}]") for i, v in enumerate(rules))


def _rule(value: object, where: str) -> VideoCodecRule:
    fields = _object(value, where, _RULE_KEYS)
    if "codec" not in fields:
        raise InvalidInputError(f"'{where}.codec' is required")
    names = _list(fields.get("profiles", []), f"{where}.profiles")
    for i, name in enumerate(names):
        if not isinstance(name, str) or not _PROFILE_NAME.fullmatch(name):
            raise InvalidInputError(
                f"'{where}.profiles[{i}]' must be 1 to 32 letters, digits, spaces, '_', '.' or '-'"
            )
    hdr = fields.get("hdr", False)
    if not isinstance(hdr, bool):
        raise InvalidInputError(f"'{where}.hdr' must be true or false")
    return VideoCodecRule(
        codec=_name(fields["codec"], f"{where}.codec"),
        profiles=frozenset(cast(list[str], names)),
        max_level=_optional_int(fields, "max_level", where, 0, 255),
        max_bit_depth=_optional_int(fields, "max_bit_depth", where, 8, 16),
        hdr=hdr,
    )
