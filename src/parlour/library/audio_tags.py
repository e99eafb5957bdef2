"""Read an audio file's tags and stream facts with mutagen."""

import datetime
import math
import os
import re
import struct
from collections.abc import Iterable
from typing import IO, Any

import mutagen
import mutagen.apev2
import mutagen.asf
import mutagen.id3
import mutagen.mp4
from mutagen._constants import GENRES
from mutagen._vorbis import VComment

from parlour.domain.media import AudioTags
from parlour.library.probe_errors import (
    ProbeError,
    clip_reason,
    exc_message,
    open_regular,
    positive_int,
)

# What mutagen's parsers let escape on malformed structures, besides MutagenError.
MALFORMED = (EOFError, struct.error, ValueError, IndexError, KeyError, TypeError, OverflowError)


def probe_audio(path: bytes) -> AudioTags:
    """Read an audio file's tags and stream facts with mutagen; raise ProbeError if unusable."""
    with open_regular(path) as file:
        return read_audio(file, os.fstat(file.fileno()).st_size)


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


def read_audio(file: IO[bytes], size: int) -> AudioTags:
    """Read the open audio file of `size` bytes; raise ProbeError if it is unusable."""
    try:
        audio = mutagen.File(file, easy=False)
    except mutagen.MutagenError as exc:
        raise _mutagen_failure(exc, file.name) from exc
    except MALFORMED as exc:
        raise ProbeError(clip_reason(f"truncated or corrupt: {exc_message(exc)}")) from exc
    if audio is None:
        raise ProbeError("not a readable audio file: unrecognised format")
    kind = type(audio).__name__
    if kind in _NOT_AUDIO:
        raise ProbeError(_NOT_AUDIO[kind])
    info = audio.info
    sample_rate = positive_int(getattr(info, "sample_rate", None))
    channels = positive_int(getattr(info, "channels", None))
    if info is None or (sample_rate is None and channels is None):
        raise ProbeError("no audio stream")  # e.g. an MP4 holding only video
    length = max(0.0, float(getattr(info, "length", 0.0) or 0.0))
    codec = _audio_codec(kind, info)
    if codec == "opus" and sample_rate is None:
        sample_rate = 48000  # Opus always decodes at 48 kHz; the header's rate is informational
    bitrate = positive_int(getattr(info, "bitrate", None))
    if bitrate is None and length > 0:
        bitrate = round(size * 8 / length)
    elif kind == "MP3" and bitrate and size * 8 < bitrate * length / 2:
        # An MP3's length comes from its first frame or Xing header, not from the bytes present.
        raise ProbeError(
            f"truncated or corrupt: {size} bytes, far short of the length its header gives"
        )
    bit_depth = None
    if codec in _LOSSLESS or codec.startswith("pcm_"):
        bit_depth = positive_int(getattr(info, "bits_per_sample", None))
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
    text = exc_message(exc).replace(repr(name), "file").replace(os.fsdecode(name), "file")
    cause = exc.__cause__ or exc.__context__
    # A short read surfaces as an errno-less OSError ("file said 8192 bytes, read 106 bytes").
    short_read = isinstance(cause, EOFError) or (isinstance(cause, OSError) and not cause.errno)
    lowered = text.lower()
    if short_read or any(hint in lowered for hint in _TRUNCATION_HINTS):
        return ProbeError(clip_reason(f"truncated or corrupt: {text}"))
    if "no audio" in lowered:
        return ProbeError("no audio stream")
    return ProbeError(clip_reason(f"not a readable audio file: {text}"))


def _audio_codec(kind: str, info: Any) -> str:
    if kind == "MP3":
        return {1: "mp1", 2: "mp2"}.get(int(getattr(info, "layer", 3)), "mp3")
    if kind == "MP4":
        raw = str(getattr(info, "codec", "") or "").lower()
        if raw.startswith("mp4a.40") or raw == "mp4a":
            return "aac"
        return _MP4_CODECS.get(raw, raw or "mp4")
    if kind == "WAVE":
        bits = positive_int(getattr(info, "bits_per_sample", None)) or 16
        audio_format = int(getattr(info, "audio_format", 1))
        if audio_format == 3:
            return f"pcm_f{bits}le"
        # 1 is PCM; 0xFFFE (extensible) is nearly always PCM too.
        if audio_format in (1, 0xFFFE):
            return "pcm_u8" if bits == 8 else f"pcm_s{bits}le"
        return "wav"
    if kind == "AIFF":
        return f"pcm_s{positive_int(getattr(info, 'bits_per_sample', None)) or 16}be"
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
        number = positive_int(match.group(1))
        count = positive_int(match.group(2)) if match.group(2) else None
    if count is None and total is not None and (match := _NUMBER_PAIR.match(total)):
        count = positive_int(match.group(1))
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


def _first(values: Iterable[str]) -> str | None:
    return next(iter(values), None)
