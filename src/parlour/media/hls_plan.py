"""What an HLS presentation of one item is: its segment length, its video renditions and
its audio renditions. Built from a playback decision and the source's facts; every value
in it is a number or a name chosen here, never a client's string (FF-01).

Segments are MPEG-TS unless the device asks for fMP4. A TS segment stands alone: there
is no init segment, and with ``-copyts`` each packet carries the source's own timestamp,
so segments made by a run that started at a seek line up with those of the run before
it. Every HLS client reads it, old TVs included. The price is a few per cent of overhead
and no HEVC or Opus inside HLS; those sources play directly where the device can, or are
transcoded to H.264/AAC. fMP4 is for players built on Media Source Extensions (Firefox
takes no MPEG-TS there): ffmpeg's ``frag_discont`` keeps the source's times in each
fragment's decode time, and the init segment is then the same from every run.
"""

import math
from dataclasses import dataclass, replace

from parlour.domain.errors import InvalidInputError
from parlour.domain.media import MediaStream
from parlour.media.decision import AudioPlan, Decision

# Short segments start playback and seeks sooner (a 1080p→720p transcode runs at about
# 2x real time on 2 cores, so 4 s of video takes about 2 s); the overhead per segment is
# one small file and one request.
SEGMENT_S = 4
# A copied video can only be cut at its keyframes: the segment must be at least as long
# as the longest gap between them, or some segments would be empty.
MAX_COPY_SEGMENT_S = 20
# Transcode renditions: height and H.264 bitrate (bit/s), with the level that fits.
LADDER = ((1080, 6_000_000, 40), (720, 3_000_000, 31), (480, 1_400_000, 30))
AUDIO_KBPS_PER_CHANNEL = 64
_MIN_TAIL_MS = 500
MAX_AUDIO_RENDITIONS = 4


@dataclass(frozen=True, slots=True)
class VideoRendition:
    name: str  # "source" (the video copied) or e.g. "720p"
    copy: bool
    segment_s: int  # SEGMENT_S, or for a copy a multiple of it that its keyframes allow
    width: int
    height: int
    bitrate: int  # bit/s of the video alone (the source's estimate when copied)
    codecs: str  # RFC 6381 codec string of the video, e.g. "avc1.64001f"


def audio_bitrate(audio: AudioPlan) -> int:
    """What an audio rendition is encoded at, or taken to need when copied (bit/s)."""
    return audio.channels * AUDIO_KBPS_PER_CHANNEL * 1000


@dataclass(frozen=True, slots=True)
class HlsPlan:
    """One item's HLS presentation: the same for every request of one playback. Audio
    renditions are cut every ``SEGMENT_S`` whatever the video does (audio can be cut
    anywhere), so they serve every video rendition alike."""

    duration_ms: int
    video_index: int
    renditions: tuple[VideoRendition, ...]
    audio: tuple[AudioPlan, ...]  # the decision's, titles cut short
    burn_subtitle: str | None = None  # "e<stream index>" or "x<sidecar id>" to burn in
    fmp4: bool = False  # fragmented-MP4 segments (with an init segment) instead of MPEG-TS

    @property
    def segment_extension(self) -> str:
        return "m4s" if self.fmp4 else "ts"

    def segment_count(self, segment_s: int) -> int:
        count = max(1, math.ceil(self.duration_ms / (segment_s * 1000)))
        tail_ms = self.duration_ms - (count - 1) * segment_s * 1000
        # A sliver at the end (audio padding past the last frame) joins the segment
        # before it: ffmpeg may never write a segment that short.
        return count - 1 if count > 1 and tail_ms < _MIN_TAIL_MS else count

    def segment_duration(self, segment_s: int, number: int) -> float:
        """The listed length of segment ``number`` in seconds (the last one differs)."""
        start = number * segment_s * 1000
        if number == self.segment_count(segment_s) - 1:
            return max(0, self.duration_ms - start) / 1000
        return segment_s

    def rendition(self, name: str) -> VideoRendition | None:
        return next((r for r in self.renditions if r.name == name), None)


def even(value: float) -> int:
    """The nearest even number (H.264 in 4:2:0 needs even sizes)."""
    return max(2, round(value / 2) * 2)


def ladder(
    width: int, height: int, max_height: int, max_bitrate: int | None, source_bitrate: int | None
) -> tuple[VideoRendition, ...]:
    """Transcoded renditions for a source: the standard rungs at or below both the
    source and the device's limit, never above the source's own bitrate by much; a
    source smaller than every rung gets one rendition at its own size."""
    top = min(height, max_height)
    rungs = [(h, b, lvl) for h, b, lvl in LADDER if h <= top]
    if not rungs:
        rungs = [(even(top), LADDER[-1][1], LADDER[-1][2])]
    renditions = []
    for rung_height, rung_bitrate, level in rungs:
        bitrate = rung_bitrate
        if max_bitrate is not None:
            bitrate = min(bitrate, max(300_000, max_bitrate - 256_000))
        if source_bitrate:
            # Re-encoding cannot add detail: no point spending more than the source did.
            bitrate = min(bitrate, max(300_000, source_bitrate))
        scaled_width = even(width * rung_height / height) if height else even(rung_height * 16 / 9)
        renditions.append(
            VideoRendition(
                f"{rung_height}p",
                False,
                SEGMENT_S,
                scaled_width,
                even(rung_height),
                bitrate,
                f"avc1.6400{level:02x}",
            )
        )
    return tuple(renditions)


_AVC_PROFILES = {
    "baseline": "42",
    "constrained baseline": "42",
    "main": "4d",
    "extended": "58",
    "high": "64",
}
_AUDIO_CODECS = {"aac": "mp4a.40.2", "mp3": "mp4a.40.34", "ac3": "ac-3", "eac3": "ec-3"}


def copied_video_codecs(codec: str, profile: str | None, level: int | None) -> str:
    """The RFC 6381 string of a copied H.264 stream (HLS in TS carries only H.264)."""
    profile_hex = _AVC_PROFILES.get((profile or "high").lower(), "64")
    return f"avc1.{profile_hex}00{(level or 40):02x}" if codec == "h264" else codec


def audio_codecs(codec: str) -> str:
    return _AUDIO_CODECS.get(codec, "mp4a.40.2")


def plan_for(
    decision: Decision,
    streams: tuple[MediaStream, ...],
    duration_ms: int,
    bitrate: int | None,
    keyframe_gap: float | None,
) -> HlsPlan:
    """The HLS presentation of a decision: the copied source when the decision copies
    the video and its keyframes allow segments (``keyframe_gap``: the longest gap in
    seconds, None if unknown), then the transcoded ladder below it."""
    video = decision.video
    if video is None:
        raise InvalidInputError("this item has no picture to stream as video")
    source = next(s for s in streams if s.index == video.stream_index)
    width, height = source.width or 1280, source.height or 720
    renditions: list[VideoRendition] = []
    if video.copy:
        # Cut at keyframes: a multiple of SEGMENT_S at least as long as the longest gap
        # (so that audio and video segment edges meet).
        segment_s = SEGMENT_S * max(1, math.ceil((keyframe_gap or 0) / SEGMENT_S))
        if segment_s <= MAX_COPY_SEGMENT_S:
            rate = source.bitrate or bitrate or 8_000_000
            codecs = copied_video_codecs(source.codec, source.profile, source.level)
            renditions.append(
                VideoRendition("source", True, segment_s, width, height, rate, codecs)
            )
    ladder_renditions = ladder(width, height, video.max_height, video.max_bitrate, source.bitrate)
    if renditions and ladder_renditions and ladder_renditions[0].height >= height:
        ladder_renditions = ladder_renditions[1:]  # as tall as the copy: adds nothing
    renditions += ladder_renditions
    if not renditions:  # a copy refused and a source below every rung: one at its size
        renditions = list(ladder(width, height, height, video.max_bitrate, source.bitrate))
    audio = tuple(replace(a, title=(a.title or "")[:40] or None) for a in decision.audio)
    return HlsPlan(duration_ms, video.stream_index, tuple(renditions), audio)
