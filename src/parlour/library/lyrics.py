"""Song lyrics as lines: LRC text (``[mm:ss.xx]`` stamps, synced) or plain text (unsynced),
decoded from the bytes of a sidecar file or taken from a tag.

LRC's ``[offset:+/-ms]`` moves every stamp: a positive offset shows the lines sooner. It
is applied here, so a line's ``start_ms`` is when it is sung and no reader has to apply
it again. The ``[ar:]``, ``[ti:]`` and ``[la:]`` headers are kept as the lyrics' own
artist, title and language; every other header (``[al:]``, ``[by:]``, ``[length:]``...)
is left out. Enhanced LRC's word stamps (``<mm:ss.xx>``) are removed from the text.
"""

import codecs
import os
import re
from dataclasses import dataclass

from parlour.library.probe_errors import ProbeError, open_regular

MAX_LYRICS_BYTES = 1 << 20  # far beyond any song's words; a larger file is not lyrics
UNKNOWN_LANGUAGE = "xxx"  # what taggers write when they do not know (OpenSubsonic too)
_MAX_OFFSET_MS = 24 * 3600 * 1000

# One or more tags at the start of a line, then the text.
_TAGGED = re.compile(r"^\s*((?:\[[^\[\]]*\]\s*)+)(.*)$")
_TAG = re.compile(r"\[([^\[\]]*)\]")
_STAMP = re.compile(r"^\s*(\d{1,4}):(\d{1,2})(?:[.:](\d{1,3}))?\s*$")
_HEADER = re.compile(r"^\s*([A-Za-z#]+)\s*:(.*)$")
_WORD_STAMP = re.compile(r"<\d{1,4}:\d{1,2}(?:[.:]\d{1,3})?>")
_OFFSET = re.compile(r"^\s*([+-]?)\s*(\d{1,9})\s*$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}$")


@dataclass(frozen=True, slots=True)
class LyricLine:
    text: str
    start_ms: int | None = None  # when it is sung (synced lyrics only)


@dataclass(frozen=True, slots=True)
class Lyrics:
    lines: tuple[LyricLine, ...]
    synced: bool
    lang: str = UNKNOWN_LANGUAGE  # ISO 639 as the source gave it, else "xxx"
    artist: str | None = None  # the source's own display names ([ar:], [ti:]), if any
    title: str | None = None

    @property
    def plain(self) -> str:
        """The words alone, one line each."""
        return "\n".join(line.text for line in self.lines)


def language(code: str | None) -> str:
    """A two- or three-letter language code in lower case; anything else is unknown."""
    text = (code or "").strip()
    return text.lower() if _LANGUAGE.match(text) else UNKNOWN_LANGUAGE


def decode_text(data: bytes) -> str:
    """Text of a lyrics file: UTF-16 or UTF-8 when a byte order mark says so, UTF-8 when
    it decodes, else Latin-1 (which every byte string is)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _stamp_ms(tag: str) -> int | None:
    match = _STAMP.match(tag)
    if match is None:
        return None
    minutes, seconds, fraction = match.groups()
    # ".5" is tenths, ".50" hundredths, ".500" thousandths of a second.
    millis = int(fraction.ljust(3, "0")) if fraction else 0
    return (int(minutes) * 60 + int(seconds)) * 1000 + millis


def _offset_ms(value: str) -> int:
    match = _OFFSET.match(value)
    if match is None:
        return 0
    sign, digits = match.groups()
    offset = min(int(digits), _MAX_OFFSET_MS)
    return -offset if sign == "-" else offset


def _trimmed(lines: list[LyricLine]) -> tuple[LyricLine, ...]:
    start, end = 0, len(lines)
    while start < end and not lines[start].text:
        start += 1
    while end > start and not lines[end - 1].text:
        end -= 1
    return tuple(lines[start:end])


def parse_lyrics(text: str, lang: str | None = None) -> Lyrics | None:
    """``text`` as lyrics: synced when any line carries an LRC time stamp, else one
    line per line of text. None when there are no words at all."""
    headers: dict[str, str] = {}
    timed: list[tuple[int, int, str]] = []  # (stamp, order in the text, words)
    untimed: list[LyricLine] = []
    for order, raw in enumerate(text.splitlines()):
        tagged = _TAGGED.match(raw)
        if tagged is None:
            untimed.append(LyricLine(raw.strip()))
            continue
        words = _WORD_STAMP.sub("", tagged.group(2)).strip()
        stamps = []
        for tag in _TAG.findall(tagged.group(1)):
            stamp = _stamp_ms(tag)
            if stamp is not None:
                stamps.append(stamp)
            elif (header := _HEADER.match(tag)) is not None:
                headers.setdefault(header.group(1).lower(), header.group(2).strip())
        if stamps:
            timed.extend((stamp, order, words) for stamp in stamps)
        elif words:  # "[chorus] words": a bracketed note, not a header line
            untimed.append(LyricLine(raw.strip()))
    found_lang = language(lang)  # the tag's own language comes first
    if found_lang == UNKNOWN_LANGUAGE:
        found_lang = language(headers.get("la") or headers.get("lang"))
    artist, title = headers.get("ar") or None, headers.get("ti") or None
    if timed:
        offset = _offset_ms(headers.get("offset", ""))
        timed.sort()
        lines = [LyricLine(words, max(0, stamp - offset)) for stamp, _, words in timed]
        return Lyrics(tuple(lines), True, found_lang, artist, title)
    plain = _trimmed(untimed)
    if not any(line.text for line in plain):
        return None
    return Lyrics(plain, False, found_lang, artist, title)


def read_lyrics_file(path: bytes) -> Lyrics | None:
    """The lyrics in the file at ``path`` (an LRC or text file beside a song); None when
    it is missing, not a regular file, larger than MAX_LYRICS_BYTES, or holds no words."""
    try:
        with open_regular(path) as file:
            if os.fstat(file.fileno()).st_size > MAX_LYRICS_BYTES:
                return None
            data = file.read(MAX_LYRICS_BYTES + 1)
    except (OSError, ProbeError):
        return None
    if len(data) > MAX_LYRICS_BYTES:
        return None  # it grew while being read
    return parse_lyrics(decode_text(data))
