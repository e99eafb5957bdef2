"""The text of HLS playlists (RFC 8216): a master playlist naming the renditions and a
media playlist per rendition that lists every segment up front, so that a player can
seek anywhere before a single segment exists."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from parlour.media.hls_plan import HlsPlan, VideoRendition, audio_bitrate, audio_codecs

MEDIA_TYPE = "application/vnd.apple.mpegurl"

# ISO 639-2 (as files are tagged) to the RFC 5646 tag and the name players show.
_LANGUAGES = {
    "eng": ("en", "English"),
    "fra": ("fr", "Français"),
    "fre": ("fr", "Français"),
    "deu": ("de", "Deutsch"),
    "ger": ("de", "Deutsch"),
    "spa": ("es", "Español"),
    "ita": ("it", "Italiano"),
    "por": ("pt", "Português"),
    "nld": ("nl", "Nederlands"),
    "dut": ("nl", "Nederlands"),
    "swe": ("sv", "Svenska"),
    "nor": ("no", "Norsk"),
    "dan": ("da", "Dansk"),
    "fin": ("fi", "Suomi"),
    "pol": ("pl", "Polski"),
    "rus": ("ru", "Русский"),
    "jpn": ("ja", "日本語"),
    "kor": ("ko", "한국어"),
    "zho": ("zh", "中文"),
    "chi": ("zh", "中文"),
    "ara": ("ar", "العربية"),
    "hin": ("hi", "हिन्दी"),
    "tur": ("tr", "Türkçe"),
    "ces": ("cs", "Čeština"),
    "cze": ("cs", "Čeština"),
    "ell": ("el", "Ελληνικά"),
    "gre": ("el", "Ελληνικά"),
    "heb": ("he", "עברית"),
    "hun": ("hu", "Magyar"),
}

# Sidecar names carry the two-letter tags ("Film.en.srt").
_LANGUAGES |= {tag: (tag, name) for tag, name in list(_LANGUAGES.values())}


@dataclass(frozen=True, slots=True)
class SubtitleRendition:
    ref: str  # "e<stream index>" or "x<sidecar id>": the name in the URL
    language: str | None
    title: str | None
    is_default: bool
    is_forced: bool


def _quoted(text: str) -> str:
    # Attribute values are quoted strings without '"', CR or LF (RFC 8216 4.2).
    return '"' + "".join(c for c in text if c not in '"\r\n') + '"'


def _language_attributes(language: str | None, title: str | None, fallback: str) -> str:
    tag, name = _LANGUAGES.get(language or "", (language, None))
    label = title or name or (language.upper() if language else fallback)
    attributes = f"NAME={_quoted(label)}"
    if tag:
        attributes += f",LANGUAGE={_quoted(tag)}"
    return attributes


def master(plan: HlsPlan, subtitles: Sequence[SubtitleRendition]) -> str:
    """The master playlist; URIs are relative to it."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:4", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for number, audio in enumerate(plan.audio):
        # The plan lists the chosen audio track first: it is the default.
        lines.append(
            '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",'
            + _language_attributes(audio.language, audio.title, f"Audio {number + 1}")
            + f",DEFAULT={'YES' if number == 0 else 'NO'},AUTOSELECT=YES"
            + f',CHANNELS="{audio.channels}",URI="a/{number}.m3u8"'
        )
    for number, subtitle in enumerate(subtitles):
        lines.append(
            '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subtitles",'
            + _language_attributes(subtitle.language, subtitle.title, f"Subtitles {number + 1}")
            + f",DEFAULT={'YES' if subtitle.is_default else 'NO'},AUTOSELECT=YES"
            + f",FORCED={'YES' if subtitle.is_forced else 'NO'}"
            + f',URI="s/{subtitle.ref}.m3u8"'
        )
    most_audio = max((audio_bitrate(a) for a in plan.audio), default=0)
    codec_names = sorted({audio_codecs(a.codec) for a in plan.audio})
    for rendition in plan.renditions:
        attributes = [
            f"BANDWIDTH={_peak(rendition) + most_audio}",
            f"AVERAGE-BANDWIDTH={rendition.bitrate + most_audio}",
            f"RESOLUTION={rendition.width}x{rendition.height}",
            "CODECS=" + _quoted(",".join([rendition.codecs, *codec_names])),
        ]
        if plan.audio:
            attributes.append('AUDIO="audio"')
        if subtitles:
            attributes.append('SUBTITLES="subtitles"')
        lines += ["#EXT-X-STREAM-INF:" + ",".join(attributes), f"v/{rendition.name}.m3u8"]
    return "\n".join(lines) + "\n"


def _peak(rendition: VideoRendition) -> int:
    # Transcodes are held to 1.5 times their average (maxrate); a copied stream's peaks are
    # unknown, so allow twice its average.
    return int(rendition.bitrate * (2 if rendition.copy else 1.5))


def media(plan: HlsPlan, segment_s: int, prefix: str) -> str:
    """A rendition's media playlist: every segment, ``prefix/<number>.ts`` (or ``.m4s``
    after the init segment ``prefix/init.mp4``)."""
    lines = [
        "#EXTM3U",
        # EXT-X-MAP outside an I-frame playlist needs version 6 (RFC 8216 7).
        "#EXT-X-VERSION:7" if plan.fmp4 else "#EXT-X-VERSION:3",
        f"#EXT-X-TARGETDURATION:{segment_s}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
    ]
    if plan.fmp4:
        lines.append(f'#EXT-X-MAP:URI="{prefix}/init.mp4"')
    extension = plan.segment_extension
    for number in range(plan.segment_count(segment_s)):
        duration = plan.segment_duration(segment_s, number)
        lines += [f"#EXTINF:{duration:.3f},", f"{prefix}/{number}.{extension}"]
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def subtitle_media(duration_ms: int, uri: str) -> str:
    """A subtitle rendition: the whole WebVTT file as one segment."""
    seconds = duration_ms / 1000
    return (
        "\n".join(
            [
                "#EXTM3U",
                "#EXT-X-VERSION:3",
                f"#EXT-X-TARGETDURATION:{max(1, math.ceil(seconds))}",
                "#EXT-X-MEDIA-SEQUENCE:0",
                "#EXT-X-PLAYLIST-TYPE:VOD",
                f"#EXTINF:{seconds:.3f},",
                uri,
                "#EXT-X-ENDLIST",
            ]
        )
        + "\n"
    )


def timestamp_mapped(vtt: bytes) -> bytes:
    """WebVTT for an HLS subtitle rendition: cue times are the source's own, and the
    segments keep the source's timestamps (``-copyts``), so local 0 is MPEG-TS 0."""
    header, newline, rest = vtt.partition(b"\n")
    mapping = b"X-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000"
    return header.rstrip(b"\r") + b"\n" + mapping + newline + rest
