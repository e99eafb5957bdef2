"""Lyrics inside an audio file's tags, read with mutagen when they are asked for.

ID3 keeps unsynced lyrics in USLT frames (with a language), synced ones in SYLT frames
(kept when they are timed in milliseconds; MPEG frame counts are not), and some taggers
in a TXXX frame (ffmpeg writes its "lyrics" key as ``TXXX:USLT``). Vorbis comments, MP4,
APEv2 and ASF hold text, which is synced when it is itself LRC. A tag longer than
``MAX_LYRICS_BYTES`` is left out.
"""

import re
from collections.abc import Iterable
from typing import Any

import mutagen
import mutagen.apev2
import mutagen.asf
import mutagen.id3
import mutagen.mp4
from mutagen._vorbis import VComment

from parlour.library.audio_tags import MALFORMED
from parlour.library.lyrics import (
    MAX_LYRICS_BYTES,
    LyricLine,
    Lyrics,
    language,
    parse_lyrics,
)
from parlour.library.probe_errors import ProbeError, open_regular

_TEXT_KEYS = frozenset({"lyrics", "unsyncedlyrics", "unsynced lyrics", "uslt", "wm/lyrics"})
_KEY_WITH_LANGUAGE = re.compile(r"^lyrics-([a-z]{2,3})$")  # ffmpeg's "lyrics-eng"
_SYLT_MILLISECONDS = 2
# What mutagen's parsers let escape on malformed files (as the scanner's reader knows).
_BROKEN = (mutagen.MutagenError, OSError, *MALFORMED)


def _text_lyrics(text: str, lang: str | None = None) -> Lyrics | None:
    if len(text) > MAX_LYRICS_BYTES:
        return None
    return parse_lyrics(text, lang)


def _key_language(key: str) -> tuple[bool, str | None]:
    """Whether a text tag's key names lyrics, and the language it names, if any."""
    lowered = key.lower()
    if lowered in _TEXT_KEYS:
        return True, None
    match = _KEY_WITH_LANGUAGE.match(lowered)
    return (True, match.group(1)) if match else (False, None)


def _id3(tags: Any) -> Iterable[Lyrics | None]:
    for frame in tags.values():
        if frame.FrameID == "USLT":
            yield _text_lyrics(str(frame.text), frame.lang)
        elif frame.FrameID == "SYLT" and frame.format == _SYLT_MILLISECONDS:
            if len(frame.text) * 8 > MAX_LYRICS_BYTES:
                continue
            timed = sorted((int(ms), text.strip()) for text, ms in frame.text)
            lines = tuple(LyricLine(text, max(0, ms)) for ms, text in timed)
            if any(line.text for line in lines):
                yield Lyrics(lines, True, language(frame.lang))
        elif frame.FrameID == "TXXX":
            named, lang = _key_language(str(frame.desc))
            if named:
                yield _text_lyrics("\n".join(str(t) for t in frame.text), lang)


def _mp4(tags: Any) -> Iterable[tuple[str, str]]:
    return (("lyrics", str(value)) for value in tags.get("©lyr", []))


def _ape(tags: Any) -> Iterable[tuple[str, str]]:
    return ((str(k), str(v)) for k, v in tags.items() if v.kind == mutagen.apev2.TEXT)


def _asf(tags: Any) -> Iterable[tuple[str, str]]:
    return ((str(key), str(value)) for key, values in tags.items() for value in values)


def _pairs(tags: Any) -> Iterable[tuple[str, str]]:
    """(key, text) of the text tags of the containers other than ID3."""
    if isinstance(tags, VComment):
        return ((str(key), str(value)) for key, value in tags)
    if isinstance(tags, mutagen.mp4.MP4Tags):
        return _mp4(tags)
    if isinstance(tags, mutagen.apev2.APEv2):
        return _ape(tags)
    if isinstance(tags, mutagen.asf.ASFTags):
        return _asf(tags)
    return ()


def read_embedded_lyrics(path: bytes) -> list[Lyrics]:
    """Every lyrics tag of the audio file at ``path``, in the order the file holds them;
    none when the file cannot be read or holds none."""
    try:
        with open_regular(path) as file:
            audio = mutagen.File(file)
            if audio is None or audio.tags is None:
                return []
            if isinstance(audio.tags, mutagen.id3.ID3):
                found = list(_id3(audio.tags))
            else:
                found = []
                for key, text in _pairs(audio.tags):
                    named, lang = _key_language(key)
                    if named:
                        found.append(_text_lyrics(text, lang))
    except (*_BROKEN, ProbeError):
        return []
    return [lyrics for lyrics in found if lyrics is not None]
