"""Read a video's container, streams and chapters with PyAV."""

import errno
import os
from collections.abc import Mapping
from fractions import Fraction
from typing import IO, Any

import av
import av.error
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.stream import Disposition, Stream
from av.subtitles.stream import SubtitleStream
from av.video.stream import VideoStream

from parlour.domain.media import Chapter, MediaStream, StreamType, VideoInfo
from parlour.library.probe_errors import (
    ProbeError,
    clip_reason,
    exc_message,
    open_regular,
    positive_int,
)


def probe_video(path: bytes) -> VideoInfo:
    """Read a video's container, streams and chapters with PyAV; raise ProbeError if unusable."""
    with open_regular(path) as file:
        return read_video(file)


# Real video containers only: no playlist, concat or image-sequence demuxer that reads other files.
_VIDEO_DEMUXERS = (
    "matroska mov mp4 avi mpegts mpeg mpegvideo flv asf ogg rm mxf nut dv wtv ivf m4v h264 hevc"
    " vc1 obu yuv4mpegpipe nsv bink"
)
_AV_OPTIONS = {
    # The file is handed over as a Python file object, so FFmpeg needs no protocol at all; with
    # none allowed, a demuxer that refers to other files or URLs cannot open anything.
    "protocol_whitelist": "none",
    "format_whitelist": ",".join(_VIDEO_DEMUXERS.split()),
    # Stream probing would otherwise decode several H.264 frames (20 ms for a 720p MKV) just to
    # learn the pixel format; skip decoding and cap the read instead, ~1-2 ms per file.
    "skip_frame": "all",
    "probesize": str(512 * 1024),
}
# Without decoding, H.264 leaves the pixel format unset; these profiles fix the bit depth.
_PROFILE_BIT_DEPTHS = {
    "Baseline": 8,
    "Constrained Baseline": 8,
    "Main": 8,
    "Extended": 8,
    "High": 8,
    "Main Still Picture": 8,
    "High 10": 10,
    "High 10 Intra": 10,
    "Main 10": 10,
}
_HDR_TRANSFERS = {16, 18}  # AVCOL_TRC_SMPTE2084 (PQ) and AVCOL_TRC_ARIB_STD_B67 (HLG)
_DOLBY_VISION_TAGS = {"dvh1", "dvhe", "dva1", "dvav", "dav1", "dvc1"}
_UNKNOWN_LEVEL = -99  # FF_LEVEL_UNKNOWN
_STREAM_TYPES = {
    VideoStream: StreamType.VIDEO,
    AudioStream: StreamType.AUDIO,
    SubtitleStream: StreamType.SUBTITLE,
}


def read_video(file: IO[bytes]) -> VideoInfo:
    """Read the open video file; raise ProbeError if it is unusable."""
    head = os.pread(file.fileno(), 64, 0)
    try:
        container = av.open(file, "r", options=_AV_OPTIONS, metadata_errors="replace")
    except av.error.FFmpegError as exc:
        raise ffmpeg_failure(exc) from exc
    with container:
        streams = tuple(
            media for stream in container.streams if (media := _media_stream(stream)) is not None
        )
        if not any(s.type is StreamType.VIDEO for s in streams):
            raise ProbeError("no video stream")
        return VideoInfo(
            container=_container_name(container, head),
            duration_ms=_video_duration_ms(container),
            bitrate=container.bit_rate or None,
            title=_tag(container.metadata, "title"),
            streams=streams,
            chapters=_chapters(container),
        )


def ffmpeg_failure(exc: av.error.FFmpegError) -> ProbeError:
    """The ProbeError for an FFmpeg failure; its str() would repeat the file name."""
    reason = (exc.strerror or exc_message(exc)).strip().rstrip(".")
    if isinstance(exc, av.error.InvalidDataError):
        return ProbeError(clip_reason(f"not a readable video: {reason.lower()}"))
    if isinstance(exc, av.error.EOFError):
        return ProbeError(clip_reason(f"truncated or corrupt: {reason.lower()}"))
    if exc.errno == errno.EINVAL:  # what FFmpeg says when the demuxer is not on the whitelist
        return ProbeError("not a readable video: unrecognised or unsupported container")
    if exc.errno == errno.EIO:  # a read past the end of the file object
        return ProbeError("truncated or corrupt: unexpected end of file")
    return ProbeError(clip_reason(f"not a readable video: {reason}"))


def _tag(metadata: Mapping[str, str], key: str) -> str | None:
    for name, value in metadata.items():
        if name.lower() == key and value.strip():
            return value.strip()
    return None


def _container_name(container: InputContainer, head: bytes) -> str:
    names = container.format.name.split(",")
    if names[0] == "matroska":
        # The EBML DocType element (ID 0x4282) says "webm" or "matroska".
        return "webm" if b"\x42\x82\x84webm" in head else "mkv"
    if names[0] == "mov":
        brand = (_tag(container.metadata, "major_brand") or "qt").lower()
        if brand == "qt":
            return "mov"
        return next((b for b in ("3gp", "3g2", "mj2") if brand.startswith(b)), "mp4")
    return names[0]


def _video_duration_ms(container: InputContainer) -> int:
    if container.duration and container.duration > 0:
        return container.duration // 1000  # AV_TIME_BASE is microseconds
    longest = Fraction(0)
    for stream in container.streams:
        if stream.duration and stream.time_base:
            longest = max(longest, stream.duration * stream.time_base)
    return int(longest * 1000)


def _media_stream(stream: Stream) -> MediaStream | None:
    stream_type = next((t for cls, t in _STREAM_TYPES.items() if isinstance(stream, cls)), None)
    if stream_type is None or stream.disposition & Disposition.attached_pic:
        return None  # cover art, fonts and data tracks are not playable streams
    language = _tag(stream.metadata, "language")
    common: dict[str, Any] = {
        "index": stream.index,
        "type": stream_type,
        "codec": "unknown",
        "profile": stream.profile,
        "language": language if language and language != "und" else None,
        "title": _tag(stream.metadata, "title"),
        "bitrate": _bps_tag(stream),
        "is_default": bool(stream.disposition & Disposition.default),
        "is_forced": bool(stream.disposition & Disposition.forced),
    }
    context = stream.codec_context
    if context is None:  # PyAV leaves it unset for a codec FFmpeg has no decoder for
        return MediaStream(**common)
    common["codec"] = context.codec.canonical_name
    common["level"] = context.level if context.level != _UNKNOWN_LEVEL else None
    common["bitrate"] = context.bit_rate or common["bitrate"]
    if isinstance(stream, VideoStream):
        video = stream.codec_context
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        pixel_format = video.format
        return MediaStream(
            **common,
            width=video.width or None,
            height=video.height or None,
            frame_rate=round(float(rate), 3) if rate else None,
            bit_depth=pixel_format.components[0].bits
            if pixel_format
            else _PROFILE_BIT_DEPTHS.get(stream.profile or ""),
            hdr=video.color_trc in _HDR_TRANSFERS
            or stream.codec_tag.strip().lower() in _DOLBY_VISION_TAGS,
        )
    if isinstance(stream, AudioStream):
        audio = stream.codec_context
        return MediaStream(
            **common,
            channels=audio.channels or None,
            channel_layout=audio.layout.name if audio.channels else None,
            sample_rate=audio.sample_rate or None,
        )
    return MediaStream(**common)


def _bps_tag(stream: Stream) -> int | None:
    # mkvmerge records measured stream bitrates as "BPS" (or "BPS-eng") statistics tags.
    for name, value in stream.metadata.items():
        if name.upper().split("-")[0] == "BPS":
            return positive_int(value)
    return None


def _chapters(container: InputContainer) -> tuple[Chapter, ...]:
    chapters = []
    for index, raw in enumerate(container.chapters()):
        base = raw["time_base"] or Fraction(1, 1000)
        chapters.append(
            Chapter(
                index=index,
                start_ms=max(0, int(raw["start"] * base * 1000)),
                end_ms=max(0, int(raw["end"] * base * 1000)),
                title=_tag(raw["metadata"], "title"),
            )
        )
    return tuple(chapters)
