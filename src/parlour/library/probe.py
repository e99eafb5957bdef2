"""Read one media file's facts (tags, streams, EXIF) inside a scan worker process."""

import datetime
import errno
import hashlib
import math
import os
import re
import stat
import struct
import warnings
from collections.abc import Iterable, Mapping
from fractions import Fraction
from functools import cache
from typing import IO, Any, SupportsFloat

import av
import av.error
import mutagen
import mutagen.apev2
import mutagen.asf
import mutagen.id3
import mutagen.mp4
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.stream import Disposition, Stream
from av.subtitles.stream import SubtitleStream
from av.video.stream import VideoStream
from mutagen._constants import GENRES
from mutagen._vorbis import VComment
from PIL import Image, UnidentifiedImageError

from parlour.domain.errors import ParlourError
from parlour.domain.media import (
    AudioTags,
    Chapter,
    FileKind,
    MediaStream,
    PhotoInfo,
    Probed,
    ProbeOutcome,
    StreamType,
    VideoInfo,
)

_EDGE = 16 * 1024  # bytes hashed from each end of a file for its fingerprint
_MAX_REASON = 200  # library messages can be long; the catalogue keeps a short reason


class ProbeError(ParlourError):
    """A file was read but is not usable as the kind it was catalogued as; the message says why."""


def probe_file(path: bytes, kind: FileKind, size: int) -> ProbeOutcome:
    """Fingerprint and probe one file; never raises, a failure becomes the outcome's error."""
    fingerprint: str | None = None
    try:
        with _open_regular(path) as file:
            fingerprint = _fingerprint(file, size)
            if size == 0:
                return ProbeOutcome(fingerprint, error="empty file (0 bytes)")
            return ProbeOutcome(fingerprint, info=_probe_open(file, kind, size))
    # A worker must survive any file, so every failure (MemoryError, RecursionError and
    # whatever a parser library raises) becomes a reason instead of an exception.
    except Exception as exc:
        return ProbeOutcome(fingerprint, error=_describe(exc, kind))


def fingerprint_file(path: bytes, size: int) -> str:
    """Hash the size and the first and last 16 KiB, so a renamed or moved file is recognised."""
    with _open_regular(path) as file:
        return _fingerprint(file, size)


def probe_audio(path: bytes) -> AudioTags:
    """Read an audio file's tags and stream facts with mutagen; raise ProbeError if unusable."""
    with _open_regular(path) as file:
        return _read_audio(file, os.fstat(file.fileno()).st_size)


def probe_video(path: bytes) -> VideoInfo:
    """Read a video's container, streams and chapters with PyAV; raise ProbeError if unusable."""
    with _open_regular(path) as file:
        return _read_video(file)


def probe_photo(path: bytes) -> PhotoInfo:
    """Read an image's header and EXIF with Pillow, without decoding pixels."""
    with _open_regular(path) as file:
        return _read_photo(file)


# --- files -----------------------------------------------------------------------------


def _nonblocking_opener(name: str | bytes, flags: int) -> int:
    # O_NONBLOCK so that a FIFO put where a media file was cannot hang the worker in open().
    return os.open(name, flags | os.O_NONBLOCK | os.O_CLOEXEC)


def _open_regular(path: bytes) -> IO[bytes]:
    file = open(path, "rb", opener=_nonblocking_opener)  # noqa: SIM115 - returned to a with
    try:
        mode = os.fstat(file.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise ProbeError("not a regular file")
    except BaseException:
        file.close()
        raise
    return file


def _fingerprint(file: IO[bytes], size: int) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(size.to_bytes(8, "little"))
    file.seek(0)
    head = file.read(_EDGE)
    digest.update(head)
    if size <= _EDGE:
        digest.update(head)  # the last 16 KiB are the first: spare the second read
    else:
        file.seek(size - _EDGE)
        digest.update(file.read(_EDGE))
    return digest.hexdigest()


def _probe_open(file: IO[bytes], kind: FileKind, size: int) -> Probed:
    file.seek(0)
    if kind is FileKind.AUDIO:
        return _read_audio(file, size)
    if kind is FileKind.VIDEO:
        return _read_video(file)
    if kind is FileKind.PHOTO:
        return _read_photo(file)
    raise ProbeError(f"not a media file (kind {kind.value})")


def _describe(exc: Exception, kind: FileKind) -> str:
    if isinstance(exc, ProbeError):
        return str(exc)
    if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
        return "image too large (decompression bomb guard)"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "file not found (removed before it could be read)"
    if isinstance(exc, IsADirectoryError):
        return "not a regular file"
    if isinstance(exc, MemoryError):
        return "out of memory while reading (corrupt or absurdly large metadata)"
    if isinstance(exc, RecursionError):
        return "truncated or corrupt: structure nested too deeply"
    if isinstance(exc, av.error.FFmpegError):
        return str(_ffmpeg_failure(exc))  # its str() would repeat the file name
    if isinstance(exc, OSError):
        return _clip(f"read error: {exc.strerror or exc}")
    what = {
        FileKind.AUDIO: "not a readable audio file",
        FileKind.VIDEO: "not a readable video",
        FileKind.PHOTO: "not a readable image",
    }.get(kind, "not readable")
    return _clip(f"{what}: {_message(exc)}")


def _message(exc: BaseException) -> str:
    text = str(exc).strip()
    return text if text else type(exc).__name__


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 1] + "…"


def _first(values: Iterable[str]) -> str | None:
    return next(iter(values), None)


def _int(value: object) -> int | None:
    """A positive integer from a number or numeric text, else None."""
    if isinstance(value, int):  # bool included: mutagen's WavPack reports mono as True
        number = int(value)
    else:
        try:
            number = int(str(value).strip())
        except ValueError:
            return None
    return number if number > 0 else None


# --- audio -----------------------------------------------------------------------------

# Codec per mutagen file type; MP4, WAVE and AIFF are decided from their stream info.
_AUDIO_CODECS = {
    "FLAC": "flac",
    "OggFLAC": "flac",
    "OggVorbis": "vorbis",
    "OggOpus": "opus",
    "OggSpeex": "speex",
    "WavPack": "wavpack",
    "MonkeysAudio": "ape",
    "Musepack": "musepack",
    "TrueAudio": "tta",
    "OptimFROG": "optimfrog",
    "TAK": "tak",
    "ASF": "wma",
    "AAC": "aac",
    "AC3": "ac3",
    "DSF": "dsd",
    "DSDIFF": "dsd",
}
_NOT_AUDIO = {"OggTheora": "no audio stream (Ogg Theora video)", "SMF": "MIDI is not supported"}
_LOSSLESS = {"flac", "alac", "wavpack", "ape", "tta", "optimfrog", "tak", "dsd"}
_MP4_CODECS = {"mp4a.69": "mp3", "mp4a.6b": "mp3", "ac-3": "ac3", "ec-3": "eac3"}

# Canonical tag names are the Vorbis-comment ones; other spellings are folded into them.
_TAG_ALIASES = {
    "album artist": "albumartist",
    "album_artist": "albumartist",
    "track": "tracknumber",
    "disc": "discnumber",
    "totaltracks": "tracktotal",
    "totaldiscs": "disctotal",
    "unsyncedlyrics": "lyrics",
    "unsynced lyrics": "lyrics",
    "musicbrainz track id": "musicbrainz_trackid",
    "musicbrainz release track id": "musicbrainz_releasetrackid",
    "musicbrainz album id": "musicbrainz_albumid",
    "musicbrainz release group id": "musicbrainz_releasegroupid",
    "musicbrainz artist id": "musicbrainz_artistid",
    "musicbrainz album artist id": "musicbrainz_albumartistid",
}
_ID3_FRAMES = {
    "TIT2": "title",
    "TPE1": "artist",
    "TALB": "album",
    "TPE2": "albumartist",
    "TRCK": "tracknumber",
    "TPOS": "discnumber",
    "TDRC": "date",
    "TYER": "year",
    "TCMP": "compilation",
}
_MP4_ATOMS = {
    "©nam": "title",
    "©ART": "artist",
    "©alb": "album",
    "aART": "albumartist",
    "©day": "date",
    "©gen": "genre",
    "©lyr": "lyrics",
}
_MP4_FREEFORM = "----:com.apple.itunes:"
_ASF_ATTRIBUTES = {
    "title": "title",
    "author": "artist",
    "wm/albumtitle": "album",
    "wm/albumartist": "albumartist",
    "wm/tracknumber": "tracknumber",
    "wm/partofset": "discnumber",
    "wm/year": "year",
    "wm/genre": "genre",
    "wm/iscompilation": "compilation",
    "wm/lyrics": "lyrics",
}
_PICTURE_KEYS = {"metadata_block_picture", "coverart", "wm/picture"}
_TRUNCATION_HINTS = (
    "truncat",
    "eof",
    "end of file",
    "not enough data",
    "too short",
    "unexpected",
    "file said",  # mutagen's FLAC reader: "file said 8192 bytes, read 106 bytes"
)

_NUMBER_PAIR = re.compile(r"\s*(\d+)\s*(?:/\s*(\d+))?")
_DATE = re.compile(r"\s*(\d{4})(?:[-./:]?(\d{2})(?:[-./:]?(\d{2}))?)?(?!\d)")
_DECIMAL = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
_MBID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


class _TagBag:
    """Tag values of any container, under canonical lower-case names."""

    def __init__(self) -> None:
        self.values: dict[str, list[str]] = {}
        self.has_picture = False
        self.has_lyrics = False
        self.rva2: dict[str, tuple[float, float]] = {}  # ID3 RVA2 "track"/"album": gain, peak

    def add(self, key: str, values: Iterable[object]) -> None:
        name = _TAG_ALIASES.get(key, key)
        if name == "lyrics":
            self.has_lyrics = True
        items = self.values.setdefault(name, [])
        for value in values:
            text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
            # ID3v2.4 and APEv2 separate multiple values with NUL; "/" and "," are part of names.
            items.extend(part.strip() for part in text.split("\0") if part.strip())

    def get(self, key: str) -> list[str]:
        return self.values.get(key, [])

    def first(self, *keys: str) -> str | None:
        for key in keys:
            if self.values.get(key):
                return self.values[key][0]
        return None


def _read_audio(file: IO[bytes], size: int) -> AudioTags:
    try:
        audio = mutagen.File(file, easy=False)
    except mutagen.MutagenError as exc:
        raise _mutagen_failure(exc, file.name) from exc
    except (
        EOFError,
        struct.error,
        ValueError,
        IndexError,
        KeyError,
        TypeError,
        OverflowError,
    ) as exc:
        # mutagen's parsers let these escape on malformed structures.
        raise ProbeError(_clip(f"truncated or corrupt: {_message(exc)}")) from exc
    if audio is None:
        raise ProbeError("not a readable audio file: unrecognised format")
    kind = type(audio).__name__
    if kind in _NOT_AUDIO:
        raise ProbeError(_NOT_AUDIO[kind])
    info = audio.info
    sample_rate = _int(getattr(info, "sample_rate", None))
    channels = _int(getattr(info, "channels", None))
    if info is None or (sample_rate is None and channels is None):
        raise ProbeError("no audio stream")  # e.g. an MP4 holding only video
    length = max(0.0, float(getattr(info, "length", 0.0) or 0.0))
    codec = _audio_codec(kind, info)
    if codec == "opus" and sample_rate is None:
        sample_rate = 48000  # Opus always decodes at 48 kHz; the header's rate is informational
    bitrate = _int(getattr(info, "bitrate", None))
    if bitrate is None and length > 0:
        bitrate = round(size * 8 / length)
    elif kind == "MP3" and bitrate and size * 8 < bitrate * length / 2:
        # An MP3's length comes from its first frame or Xing header, not from the bytes present.
        raise ProbeError(
            f"truncated or corrupt: {size} bytes, far short of the length its header gives"
        )
    bit_depth = None
    if codec in _LOSSLESS or codec.startswith("pcm_"):
        bit_depth = _int(getattr(info, "bits_per_sample", None))
    return _audio_tags(
        _collect_tags(audio),
        codec=codec,
        duration_ms=round(length * 1000),
        bitrate=bitrate,
        sample_rate=sample_rate,
        channels=channels,
        bit_depth=bit_depth,
    )


def _mutagen_failure(exc: Exception, name: str | bytes) -> ProbeError:
    # mutagen puts the file name in some messages; the catalogue already knows it.
    text = _message(exc).replace(repr(name), "file").replace(os.fsdecode(name), "file")
    cause = exc.__cause__ or exc.__context__
    # A short read surfaces as an errno-less OSError ("file said 8192 bytes, read 106 bytes").
    short_read = isinstance(cause, EOFError) or (isinstance(cause, OSError) and not cause.errno)
    lowered = text.lower()
    if short_read or any(hint in lowered for hint in _TRUNCATION_HINTS):
        return ProbeError(_clip(f"truncated or corrupt: {text}"))
    if "no audio" in lowered:
        return ProbeError("no audio stream")
    return ProbeError(_clip(f"not a readable audio file: {text}"))


def _audio_codec(kind: str, info: Any) -> str:
    if kind == "MP3":
        return {1: "mp1", 2: "mp2"}.get(int(getattr(info, "layer", 3)), "mp3")
    if kind == "MP4":
        raw = str(getattr(info, "codec", "") or "").lower()
        if raw.startswith("mp4a.40") or raw == "mp4a":
            return "aac"
        return _MP4_CODECS.get(raw, raw or "mp4")
    if kind == "WAVE":
        bits = _int(getattr(info, "bits_per_sample", None)) or 16
        audio_format = int(getattr(info, "audio_format", 1))
        if audio_format == 3:
            return f"pcm_f{bits}le"
        # 1 is PCM; 0xFFFE (extensible) is nearly always PCM too.
        if audio_format in (1, 0xFFFE):
            return "pcm_u8" if bits == 8 else f"pcm_s{bits}le"
        return "wav"
    if kind == "AIFF":
        return f"pcm_s{_int(getattr(info, 'bits_per_sample', None)) or 16}be"
    if kind == "AC3":
        return "eac3" if str(getattr(info, "codec", "")).lower() == "ec-3" else "ac3"
    return _AUDIO_CODECS.get(kind, kind.lower())


def _collect_tags(audio: Any) -> _TagBag:
    bag = _TagBag()
    tags = audio.tags
    if isinstance(tags, mutagen.id3.ID3):
        _collect_id3(tags, bag)
    elif isinstance(tags, VComment):
        _collect_vorbis(tags, bag)
    elif isinstance(tags, mutagen.mp4.MP4Tags):
        _collect_mp4(tags, bag)
    elif isinstance(tags, mutagen.apev2.APEv2):
        _collect_ape(tags, bag)
    elif isinstance(tags, mutagen.asf.ASFTags):
        _collect_asf(tags, bag)
    if getattr(audio, "pictures", None):  # FLAC picture blocks
        bag.has_picture = True
    return bag


def _collect_id3(tags: Any, bag: _TagBag) -> None:
    for frame in tags.values():
        frame_id = frame.FrameID
        if frame_id in _ID3_FRAMES:
            bag.add(_ID3_FRAMES[frame_id], frame.text)
        elif frame_id == "TCON":
            bag.add("genre", frame.genres)  # mutagen turns "(17)" and "17" into "Rock"
        elif frame_id == "TXXX":
            bag.add(str(frame.desc).lower(), frame.text)
        elif frame_id == "UFID" and frame.owner == "http://musicbrainz.org":
            bag.add("musicbrainz_trackid", [frame.data])
        elif frame_id == "APIC":
            bag.has_picture = True
        elif frame_id in ("USLT", "SYLT"):
            bag.has_lyrics = True
        elif frame_id == "RVA2" and frame.channel == 1:  # 1 is the master volume
            # RVA2 stores the peak in fixed point; six places are all ReplayGain ever wrote.
            bag.rva2[str(frame.desc).lower()] = (float(frame.gain), round(float(frame.peak), 6))


def _collect_vorbis(tags: Any, bag: _TagBag) -> None:
    for key, value in tags:
        name = str(key).lower()
        if name in _PICTURE_KEYS:
            bag.has_picture = True
        else:
            bag.add(name, [value])


def _collect_mp4(tags: Any, bag: _TagBag) -> None:
    for key, values in tags.items():
        if key in _MP4_ATOMS:
            bag.add(_MP4_ATOMS[key], values)
        elif key in ("trkn", "disk"):
            number, total = values[0] if values and len(values[0]) == 2 else (0, 0)
            prefix = "track" if key == "trkn" else "disc"
            bag.add(f"{prefix}number", [number] if number else [])
            bag.add(f"{prefix}total", [total] if total else [])
        elif key == "gnre":
            bag.add("genre", [GENRES[n - 1] for n in values if 0 < n <= len(GENRES)])
        elif key == "cpil":
            bag.add("compilation", ["1" if values else "0"])
        elif key == "covr":
            bag.has_picture = bool(values)
        elif key.lower().startswith(_MP4_FREEFORM):
            bag.add(key[len(_MP4_FREEFORM) :].lower(), [bytes(v) for v in values])


def _collect_ape(tags: Any, bag: _TagBag) -> None:
    for key, value in tags.items():
        name = str(key).lower()
        if name.startswith("cover art"):
            bag.has_picture = True
        elif value.kind == mutagen.apev2.TEXT:
            bag.add(name, [str(value)])


def _collect_asf(tags: Any, bag: _TagBag) -> None:
    for key, values in tags.items():
        name = str(key).lower()
        if name in _PICTURE_KEYS:
            bag.has_picture = True
        elif name in _ASF_ATTRIBUTES:
            bag.add(_ASF_ATTRIBUTES[name], [str(v) for v in values])
        else:
            # "MusicBrainz/Track Id" is the ID3 "MusicBrainz Track Id" with a slash.
            bag.add(name.replace("/", " "), [str(v) for v in values])


def _audio_tags(bag: _TagBag, **stream: Any) -> AudioTags:
    track_no, track_total = _number_pair(bag.first("tracknumber"), bag.first("tracktotal"))
    disc_no, disc_total = _number_pair(bag.first("discnumber"), bag.first("disctotal"))
    year, date = _iso_date(bag.first("date", "year"))
    track_gain, track_peak = _replay_gain(bag, "track")
    album_gain, album_peak = _replay_gain(bag, "album")
    return AudioTags(
        **stream,
        title=bag.first("title"),
        # Picard writes a display string to ARTIST and the separate names to ARTISTS.
        artists=_unique(bag.get("artists") or bag.get("artist")),
        album=bag.first("album"),
        album_artists=_unique(bag.get("albumartists") or bag.get("albumartist")),
        track_no=track_no,
        track_total=track_total,
        disc_no=disc_no,
        disc_total=disc_total,
        year=year,
        date=date,
        genres=_unique(bag.get("genre")),
        compilation=any(v.lower() in ("1", "true", "yes") for v in bag.get("compilation")),
        rg_track_gain=track_gain,
        rg_track_peak=track_peak,
        rg_album_gain=album_gain,
        rg_album_peak=album_peak,
        mb_recording_id=_first(_mbids(bag.get("musicbrainz_trackid"))),
        mb_track_id=_first(_mbids(bag.get("musicbrainz_releasetrackid"))),
        mb_album_id=_first(_mbids(bag.get("musicbrainz_albumid"))),
        mb_release_group_id=_first(_mbids(bag.get("musicbrainz_releasegroupid"))),
        mb_artist_ids=_mbids(bag.get("musicbrainz_artistid")),
        mb_album_artist_ids=_mbids(bag.get("musicbrainz_albumartistid")),
        has_picture=bag.has_picture,
        has_lyrics=bag.has_lyrics,
    )


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _number_pair(value: str | None, total: str | None) -> tuple[int | None, int | None]:
    number = count = None
    if value is not None and (match := _NUMBER_PAIR.match(value)):
        number = _int(match.group(1))
        count = _int(match.group(2)) if match.group(2) else None
    if count is None and total is not None and (match := _NUMBER_PAIR.match(total)):
        count = _int(match.group(1))
    return number, count


def _iso_date(value: str | None) -> tuple[int | None, str | None]:
    """Turn "1999", "1999-04-12T10:00", "1999/04" or "19990412" into a year and ISO date."""
    match = _DATE.match(value) if value else None
    if match is None:
        return None, None
    year = int(match.group(1))
    if year == 0:
        return None, None
    month, day = match.group(2), match.group(3)
    if month is None or not 1 <= int(month) <= 12:
        return year, f"{year:04d}"
    if day is not None:
        try:
            return year, datetime.date(year, int(month), int(day)).isoformat()
        except ValueError:
            pass  # an impossible day still leaves a usable month
    return year, f"{year:04d}-{int(month):02d}"


def _decimal(value: str | None) -> float | None:
    match = _DECIMAL.search(value) if value else None
    if match is None:
        return None
    number = float(match.group(0).replace(",", "."))
    return number if math.isfinite(number) else None


def _replay_gain(bag: _TagBag, scope: str) -> tuple[float | None, float | None]:
    gain = _decimal(bag.first(f"replaygain_{scope}_gain"))
    peak = _decimal(bag.first(f"replaygain_{scope}_peak"))
    if gain is None and scope in bag.rva2:
        gain, rva_peak = bag.rva2[scope]
        peak = peak if peak is not None else rva_peak
    if gain is None and (r128 := _decimal(bag.first(f"r128_{scope}_gain"))) is not None:
        # Opus R128 gains are Q7.8 fixed point against -23 LUFS; ReplayGain uses -18 LUFS.
        gain = round(r128 / 256 + 5, 2)
    return gain, peak


def _mbids(values: Iterable[str]) -> tuple[str, ...]:
    # IDs are UUIDs, so any separator a tagger used ("/", ";", NUL) can be looked past.
    return _unique(m.group(0).lower() for value in values for m in _MBID.finditer(value))


# --- video -----------------------------------------------------------------------------

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


def _read_video(file: IO[bytes]) -> VideoInfo:
    head = os.pread(file.fileno(), 64, 0)
    try:
        container = av.open(file, "r", options=_AV_OPTIONS, metadata_errors="replace")
    except av.error.FFmpegError as exc:
        raise _ffmpeg_failure(exc) from exc
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


def _ffmpeg_failure(exc: av.error.FFmpegError) -> ProbeError:
    reason = (exc.strerror or _message(exc)).strip().rstrip(".")
    if isinstance(exc, av.error.InvalidDataError):
        return ProbeError(_clip(f"not a readable video: {reason.lower()}"))
    if isinstance(exc, av.error.EOFError):
        return ProbeError(_clip(f"truncated or corrupt: {reason.lower()}"))
    if exc.errno == errno.EINVAL:  # what FFmpeg says when the demuxer is not on the whitelist
        return ProbeError("not a readable video: unrecognised or unsupported container")
    if exc.errno == errno.EIO:  # a read past the end of the file object
        return ProbeError("truncated or corrupt: unexpected end of file")
    return ProbeError(_clip(f"not a readable video: {reason}"))


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
            return _int(value)
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


# --- photos ----------------------------------------------------------------------------

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATE_TIME_ORIGINAL = 0x9003
_DATE_TIME = 0x0132
_MAKE = 0x010F
_MODEL = 0x0110
_ORIENTATION = 0x0112
_GPS_LATITUDE_REF, _GPS_LATITUDE = 1, 2
_GPS_LONGITUDE_REF, _GPS_LONGITUDE = 3, 4
_GPS_ALTITUDE_REF, _GPS_ALTITUDE = 5, 6
_EXIF_DATE = re.compile(r"\s*(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")


@cache
def _register_heif() -> None:
    import pillow_heif  # noqa: PLC0415 - loads libheif only in workers that meet a photo

    pillow_heif.register_heif_opener()


def _read_photo(file: IO[bytes]) -> PhotoInfo:
    _register_heif()
    # catch_warnings is process-wide, which is fine: a worker process probes one file at a time.
    with warnings.catch_warnings():
        # Pillow only warns between 1x and 2x its pixel limit; treat both the same.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(file)
        except UnidentifiedImageError as exc:
            # Pillow's message names the file object; the reason is all that is worth keeping.
            raise ProbeError("not a readable image: unrecognised format") from exc
        except OSError as exc:
            if exc.errno is not None:
                raise  # a real read error, described by probe_file
            # Pillow's plugins report malformed headers as errno-less OSErrors.
            raise ProbeError(_clip(f"truncated or corrupt: {_message(exc)}")) from exc
    with image:
        width, height = image.size
        if width <= 0 or height <= 0:
            raise ProbeError("not a readable image: no dimensions in header")
        image_format = (image.format or "unknown").lower()
        return PhotoInfo(
            # Pillow calls a JPEG with extra pictures (phone depth maps) MPO; it is still a JPEG.
            format="jpeg" if image_format == "mpo" else image_format,
            width=width,
            height=height,
            **_exif_fields(image),
        )


def _exif_fields(image: Image.Image) -> dict[str, Any]:
    # PNG keeps EXIF wherever it likes; Pillow would decode the pixels to look past IDAT.
    if image.format == "PNG" and "exif" not in image.info:
        return {}
    try:
        exif = image.getexif()
        details = exif.get_ifd(_EXIF_IFD)
        gps = exif.get_ifd(_GPS_IFD)
    except Exception:  # a broken EXIF block must not hide a readable image
        return {}
    orientation = _exif_int(exif.get(_ORIENTATION))
    return {
        "taken_at": _exif_datetime(details.get(_DATE_TIME_ORIGINAL))
        or _exif_datetime(exif.get(_DATE_TIME)),
        "camera_make": _exif_text(exif.get(_MAKE)),
        "camera_model": _exif_text(exif.get(_MODEL)),
        "orientation": orientation if orientation is not None and 1 <= orientation <= 8 else None,
        "latitude": _gps_coordinate(gps.get(_GPS_LATITUDE), gps.get(_GPS_LATITUDE_REF), 90),
        "longitude": _gps_coordinate(gps.get(_GPS_LONGITUDE), gps.get(_GPS_LONGITUDE_REF), 180),
        "altitude": _gps_altitude(gps.get(_GPS_ALTITUDE), gps.get(_GPS_ALTITUDE_REF)),
    }


def _exif_text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    text = value.split("\0", 1)[0].strip()
    return text or None


def _exif_int(value: object) -> int | None:
    if isinstance(value, bytes):  # BYTE-typed tags such as GPSAltitudeRef
        return value[0] if len(value) == 1 else None
    if isinstance(value, tuple):
        value = value[0] if value else None
    number = _exif_float(value)
    return int(number) if number is not None and number.is_integer() else None


def _exif_float(value: object) -> float | None:
    if not isinstance(value, SupportsFloat):  # ints, floats and Pillow's IFDRational
        return None
    try:
        number = float(value)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    return number if math.isfinite(number) else None  # a 0/0 rational reads as NaN


def _exif_datetime(value: object) -> str | None:
    text = _exif_text(value)
    match = _EXIF_DATE.match(text) if text else None
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        moment = datetime.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None  # "0000:00:00 00:00:00" and other placeholders
    return moment.isoformat()


def _gps_coordinate(value: object, ref: object, limit: int) -> float | None:
    if not isinstance(value, tuple) or not value:
        return None
    parts = [_exif_float(part) for part in value[:3]]
    if any(part is None for part in parts):
        return None
    degrees = sum(part / 60**n for n, part in enumerate(parts) if part is not None)
    if (_exif_text(ref) or "").upper()[:1] in ("S", "W"):
        degrees = -degrees
    return round(degrees, 7) if abs(degrees) <= limit else None


def _gps_altitude(value: object, ref: object) -> float | None:
    altitude = _exif_float(value)
    if altitude is None:
        return None
    return round(-altitude if _exif_int(ref) == 1 else altitude, 2)
