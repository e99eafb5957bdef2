"""How an item plays on a device: as it is, remuxed, or (partly) transcoded, with the
reasons in sentences a viewer can read.

The least work that plays wins: a remux runs at about 28x real time on two cores, a
transcode at about 1.6x, so the video is converted only when the device cannot take it.
What the server makes is H.264 video and AAC audio (the profile's format for music).
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from parlour.domain.errors import InvalidInputError
from parlour.domain.media import MediaStream, StreamType
from parlour.domain.profiles import DeviceProfile, VideoCodecRule, canonical_container
from parlour.media.labels import label

MAX_HLS_AUDIO = 4
MAX_ENCODED_CHANNELS = 6  # what the AAC encoder is given; more is rarely worth the bits
IMAGE_SUBTITLES = frozenset(
    {"hdmv_pgs_subtitle", "dvd_subtitle", "dvb_subtitle", "xsub", "sup", "idx"}
)


class Method(StrEnum):
    DIRECT = "direct"  # the file as it is
    REMUX = "remux"  # every stream copied into new packaging
    TRANSCODE_AUDIO = "transcode-audio"  # the video copied, some audio converted
    TRANSCODE = "transcode"  # the video converted


@dataclass(frozen=True, slots=True)
class SubtitleChoice:
    source: Literal["embedded", "external"]
    ref: str  # embedded: the stream index as a string; external: the sidecar's id
    codec: str  # FFmpeg's codec name, or a sidecar's format ("srt", "ass", "vtt")
    burn: bool = False  # the viewer asked for it burned into the picture


@dataclass(frozen=True, slots=True)
class SourceMedia:
    kind: Literal["video", "audio"]
    container: str
    duration_ms: int
    bitrate: int | None
    streams: tuple[MediaStream, ...]


@dataclass(frozen=True, slots=True)
class AudioPlan:
    stream_index: int
    copy: bool
    codec: str  # what the client receives
    channels: int
    language: str | None
    title: str | None
    is_default: bool  # the track the player starts with: the chosen one


@dataclass(frozen=True, slots=True)
class VideoPlan:
    stream_index: int
    copy: bool
    width: int | None  # the source's, when known
    height: int | None
    max_height: int  # the tallest rendition allowed, even, fitting max_width at the same aspect
    max_bitrate: int | None  # the profile's


@dataclass(frozen=True, slots=True)
class Decision:
    method: Method
    reasons: tuple[str, ...]
    video: VideoPlan | None  # None for music
    audio: tuple[AudioPlan, ...]  # direct/progressive: the chosen track; HLS: up to 4
    subtitle: SubtitleChoice | None
    burn_subtitle: bool


def decide(
    source: SourceMedia,
    profile: DeviceProfile,
    *,
    audio_index: int | None = None,
    subtitle: SubtitleChoice | None = None,
) -> Decision:
    """How ``source`` plays on ``profile``, with the chosen audio track and subtitles;
    InvalidInputError if ``audio_index`` is not one of its audio streams."""
    audio = [s for s in source.streams if s.type is StreamType.AUDIO]
    chosen = _chosen_audio(audio, audio_index)
    if source.kind == "audio":
        if subtitle is not None:
            raise InvalidInputError("'subtitle' applies only to videos")
        if chosen is None:
            raise InvalidInputError("this item has no audio stream to play")
        return _decide_music(source, chosen, profile)
    video = next((s for s in source.streams if s.type is StreamType.VIDEO), None)
    return _Video(source, profile, video, audio, chosen, subtitle).decide()


def _chosen_audio(audio: list[MediaStream], index: int | None) -> MediaStream | None:
    if index is None:
        return _player_default(audio)
    found = next((s for s in audio if s.index == index), None)
    if found is None:
        raise InvalidInputError("'audio' must be an audio stream of this item")
    return found


def _player_default(audio: list[MediaStream]) -> MediaStream | None:
    """The track a player picks by itself: the one flagged default, else the first."""
    return next((s for s in audio if s.is_default), audio[0] if audio else None)


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


def _mbps(bps: int) -> str:
    return f"{bps / 1_000_000:.1f}".removesuffix(".0") + " Mbit/s"


def _audio_fault(stream: MediaStream, profile: DeviceProfile, subject: str = "it") -> str | None:
    """Why ``profile`` cannot play this audio as it is, as a clause about ``subject``."""
    if stream.codec not in profile.audio_codecs:
        return f"{profile.label} cannot play {label(stream.codec)} audio"
    if stream.channels is not None and stream.channels > profile.max_audio_channels:
        return (
            f"{subject} has {stream.channels} channels, more than the "
            f"{profile.max_audio_channels} {profile.label} plays"
        )
    return None


def _decide_music(source: SourceMedia, stream: MediaStream, profile: DeviceProfile) -> Decision:
    container = canonical_container(source.container)
    fault = _audio_fault(stream, profile, f"this {label(stream.codec)} file")
    if container not in {canonical_container(c) for c in profile.containers}:
        fault = f"{profile.label} cannot open {label(source.container)} files"
    if fault is None:
        plan = _copy_plan(stream, is_default=True)
        reason = f"{profile.label} plays this {label(stream.codec)} file as it is."
        return Decision(Method.DIRECT, (_sentence(reason),), None, (plan,), None, False)
    target = profile.audio_transcode_format
    channels = min(stream.channels or 2, profile.max_audio_channels, 2)
    plan = _encoded_plan(stream, target, channels, is_default=True)
    reason = f"{fault}, so the audio is converted to {label(target)}."
    return Decision(Method.TRANSCODE_AUDIO, (_sentence(reason),), None, (plan,), None, False)


def _copy_plan(stream: MediaStream, *, is_default: bool) -> AudioPlan:
    channels = stream.channels or 2
    return AudioPlan(
        stream.index, True, stream.codec, channels, stream.language, stream.title, is_default
    )


def _encoded_plan(stream: MediaStream, codec: str, channels: int, *, is_default: bool) -> AudioPlan:
    return AudioPlan(
        stream.index, False, codec, channels, stream.language, stream.title, is_default
    )


def _level(codec: str, level: int) -> str:
    if codec == "h264":
        return f"{level // 10}.{level % 10}"
    if codec == "hevc":
        return f"{level / 30:.1f}"
    if codec == "av1":  # seq_level_idx: 2.0 is 0, each major step is 4
        return f"{2 + level // 4}.{level % 4}"
    return str(level)


def _rule_fault(stream: MediaStream, rule: VideoCodecRule, device: str) -> str | None:
    """Why ``rule`` does not cover this video, as a sentence's beginning."""
    name = label(stream.codec)
    if rule.profiles and stream.profile is not None and stream.profile not in rule.profiles:
        return f"the video is {name} {stream.profile}, a profile {device} cannot decode"
    if rule.max_level is not None and stream.level is not None and stream.level > rule.max_level:
        level, highest = _level(stream.codec, stream.level), _level(stream.codec, rule.max_level)
        return f"the video is {name} level {level}, above the {highest} that {device} decodes"
    depth, most = stream.bit_depth, rule.max_bit_depth
    if depth is not None and most is not None and depth > most:
        return f"the video is {depth}-bit {name}, deeper than the {most}-bit {device} decodes"
    if stream.hdr and not rule.hdr:
        return f"the video is HDR {name}, which {device} does not show correctly"
    return None


def _decode_fault(stream: MediaStream | None, profile: DeviceProfile) -> str | None:
    """Why ``profile`` cannot decode this video stream, as a sentence's beginning."""
    if stream is None:
        return "the file has no video stream that can be read"
    if stream.codec == "unknown":
        return "the video's format could not be identified"
    rules = [r for r in profile.video_codecs if r.codec == stream.codec]
    faults = [_rule_fault(stream, rule, profile.label) for rule in rules]
    if not rules:
        depth = f" {stream.bit_depth}-bit" if stream.bit_depth and stream.bit_depth > 8 else ""
        return f"the video is {label(stream.codec)}{depth}, which {profile.label} cannot decode"
    return None if None in faults else faults[0]


def _limit_fault(source: SourceMedia, stream: MediaStream, profile: DeviceProfile) -> str | None:
    """Why the video is too large or too fast for ``profile``, as a sentence's beginning."""
    width, height = stream.width or 0, stream.height or 0
    if width > profile.max_width or height > profile.max_height:
        return (
            f"the picture is {width}x{height}, larger than the "
            f"{profile.max_width}x{profile.max_height} {profile.label} takes"
        )
    limit = profile.max_bitrate
    if limit is not None and source.bitrate is not None and source.bitrate > limit:
        return (
            f"the file's bitrate ({_mbps(source.bitrate)}) is above the "
            f"{_mbps(limit)} {profile.label} takes"
        )
    return None


def _max_height(stream: MediaStream, profile: DeviceProfile) -> int:
    """The tallest picture that fits the profile at the source's aspect ratio, even."""
    height = min(stream.height or profile.max_height, profile.max_height)
    if stream.width and stream.height and stream.width > profile.max_width:
        height = min(height, profile.max_width * stream.height // stream.width)
    return max(2, height - height % 2)


@dataclass(frozen=True, slots=True)
class _Video:
    """One video decision's inputs, so the steps need not pass them all around."""

    source: SourceMedia
    profile: DeviceProfile
    video: MediaStream | None
    audio: list[MediaStream]
    chosen: MediaStream | None
    subtitle: SubtitleChoice | None

    @property
    def whole(self) -> str:
        """Where a codec the device decodes may still not play: what the server makes."""
        made = "HLS segments" if self.profile.streaming == "hls" else "an MPEG-TS stream"
        return f"from whole files, not in {made}"

    def decide(self) -> Decision:
        p, source, video, chosen = self.profile, self.source, self.video, self.chosen
        container = canonical_container(source.container)
        opens = container in {canonical_container(c) for c in p.containers}
        decode = _decode_fault(video, p)
        limits = _limit_fault(source, video, p) if video is not None else None
        burn, subtitle_reason = self._subtitle()
        switched = chosen is not None and chosen is not _player_default(self.audio)
        audio_fault = _audio_fault(chosen, p) if chosen is not None else None
        if opens and not (decode or limits or burn or switched or audio_fault):
            return self._direct(subtitle_reason)

        reasons = []
        stream = "HLS" if p.streaming == "hls" else "one MPEG-TS stream"
        if not opens:
            reasons.append(f"{p.label} cannot open {label(source.container)} files")
        elif switched:
            reasons.append(f"{p.label} cannot switch audio tracks inside a file")
        if reasons:
            reasons[0] = f"{reasons[0]}, so the item is streamed as {stream} instead."
        causes = [c for c in (decode, limits) if c]
        if video is not None and not decode and video.codec not in p.hls_video_codecs:
            causes.append(f"{p.label} plays {label(video.codec)} only {self.whole}")
        copy_video = video is not None and not causes and not burn
        plans = self._audio_plans()
        if burn and subtitle_reason:
            reasons.append(subtitle_reason)
        reasons += self._stream_reasons(causes, copy_video, plans)
        if subtitle_reason and not burn:
            reasons.append(subtitle_reason)
        if not copy_video:
            method = Method.TRANSCODE
        elif all(plan.copy for plan in plans):
            method = Method.REMUX
        else:
            method = Method.TRANSCODE_AUDIO
        plan = self._video_plan(copy_video)
        return Decision(
            method, tuple(_sentence(r) for r in reasons), plan, plans, self.subtitle, burn
        )

    def _direct(self, subtitle_reason: str | None) -> Decision:
        p, video, chosen = self.profile, self.video, self.chosen
        assert video is not None  # a file without video never plays directly
        sound = f" with {label(chosen.codec)} audio" if chosen is not None else ""
        reasons = [
            f"{p.label} plays this {label(self.source.container)} file as it is: "
            f"{label(video.codec)} video{sound}."
        ]
        if subtitle_reason:
            reasons.append(subtitle_reason)
        audio = (_copy_plan(chosen, is_default=True),) if chosen is not None else ()
        plan = self._video_plan(copy=True)
        return Decision(
            Method.DIRECT, tuple(_sentence(r) for r in reasons), plan, audio, self.subtitle, False
        )

    def _subtitle(self) -> tuple[bool, str | None]:
        """Whether the chosen subtitles are burned in, and the sentence that says how
        they are shown."""
        choice, p = self.subtitle, self.profile
        if choice is None:
            return False, None
        name = label(choice.codec)
        if choice.codec in IMAGE_SUBTITLES:
            return True, (
                f"the {name} subtitles are pictures, which {p.label} cannot show beside the "
                "video, so they are burned into the picture and the video is converted to H.264."
            )
        if choice.burn:
            return True, (
                f"the {name} subtitles are burned into the picture as asked, so the video is "
                f"converted to H.264 for {p.label}."
            )
        if "webvtt" not in p.subtitle_formats:
            return True, (
                f"{p.label} cannot show subtitles beside the video, so the {name} subtitles "
                "are burned into the picture and the video is converted to H.264."
            )
        return False, f"the {name} subtitles are sent beside the video as WebVTT."

    def _audio_plans(self) -> tuple[AudioPlan, ...]:
        """The chosen track first; for HLS, then the others by index, up to the cap."""
        if self.chosen is None:
            return ()
        tracks = [self.chosen]
        if self.profile.streaming == "hls":
            others = [s for s in self.audio if s is not self.chosen and s.codec != "unknown"]
            tracks += others[: MAX_HLS_AUDIO - 1]
        return tuple(self._audio_plan(s, is_default=s is self.chosen) for s in tracks)

    def _audio_plan(self, stream: MediaStream, *, is_default: bool) -> AudioPlan:
        if self._stream_audio_fault(stream) is None:
            return _copy_plan(stream, is_default=is_default)
        channels = min(stream.channels or 2, self.profile.max_audio_channels, MAX_ENCODED_CHANNELS)
        return _encoded_plan(stream, "aac", channels, is_default=is_default)

    def _stream_audio_fault(self, stream: MediaStream) -> str | None:
        p = self.profile
        fault = _audio_fault(stream, p)
        if fault is None and stream.codec not in p.hls_audio_codecs:
            fault = f"{p.label} plays {label(stream.codec)} only {self.whole}"
        return fault

    def _stream_reasons(
        self, causes: list[str], copy_video: bool, plans: tuple[AudioPlan, ...]
    ) -> list[str]:
        """Sentences on what happens to the video and the audio on the way."""
        reasons = []
        video, chosen = self.video, self.chosen
        if video is None:
            reasons.append(f"{causes[0]}, so only its sound is streamed to {self.profile.label}.")
        elif causes:
            scaled = ""
            if video.height and self._max_height() < video.height:
                scaled = f" and scaled down to {self._max_height()} lines"
            reasons.append(f"{causes[0]}, so the video is converted to H.264{scaled}.")
            reasons += [f"{cause}." for cause in causes[1:]]
        first = plans[0] if plans else None
        if copy_video and video is not None:
            both = f" and {label(first.codec)} audio are" if first and first.copy else " is"
            reasons.append(f"the {label(video.codec)} video{both} copied unchanged.")
        elif first is not None and first.copy:
            reasons.append(f"the {label(first.codec)} audio is copied unchanged.")
        if first is not None and not first.copy and chosen is not None:
            fault = self._stream_audio_fault(chosen)
            reasons.append(f"the {label(chosen.codec)} audio is converted to AAC, because {fault}.")
        extra = plans[1:]
        if extra:
            converted = sum(not plan.copy for plan in extra)
            tracks = "track" if len(extra) == 1 else "tracks"
            line = f"{len(extra)} more audio {tracks} can be switched to while playing"
            if converted:
                line += f"; {converted} of them converted to AAC"
            reasons.append(line + ".")
        return reasons

    def _max_height(self) -> int:
        if self.video is None:
            return self.profile.max_height
        return _max_height(self.video, self.profile)

    def _video_plan(self, copy: bool) -> VideoPlan | None:
        video = self.video
        if video is None:
            return None
        height = video.height if copy and video.height else self._max_height()
        return VideoPlan(
            video.index, copy, video.width, video.height, height, self.profile.max_bitrate
        )
