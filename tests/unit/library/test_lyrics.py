"""Lyrics: LRC parsing (stamps, offset, headers, word stamps), text decoding, the size
limit on sidecar files, and lyrics read from the tags of real files made by ffmpeg and
tagged with mutagen."""

import codecs
import os
import shutil
from pathlib import Path

import pytest
from mutagen.flac import FLAC
from mutagen.id3 import ID3, SYLT, TXXX, USLT
from mutagen.mp4 import MP4

from parlour.library.lyrics import (
    MAX_LYRICS_BYTES,
    LyricLine,
    decode_text,
    language,
    parse_lyrics,
    read_lyrics_file,
)
from parlour.library.lyrics_tags import read_embedded_lyrics
from parlour.media.ffmpeg import file_input, run_ffmpeg

NOON = """[ar:Alpha Band]
[ti:Noon]
[al:First Light]
[by:someone]
[offset:+250]
[00:01.00]Sun stands high
[00:02.5]Shadows hide
[00:03.750]Noon is here
"""


def _starts(text: str) -> list[tuple[int | None, str]]:
    found = parse_lyrics(text)
    assert found is not None
    return [(line.start_ms, line.text) for line in found.lines]


def test_lrc_stamps_with_the_offset_applied_and_headers_kept() -> None:
    found = parse_lyrics(NOON)
    assert found is not None and found.synced
    # A positive offset shows the lines sooner: 1000 - 250, 2500 - 250, 3750 - 250.
    assert [(line.start_ms, line.text) for line in found.lines] == [
        (750, "Sun stands high"),
        (2250, "Shadows hide"),
        (3500, "Noon is here"),
    ]
    assert (found.artist, found.title, found.lang) == ("Alpha Band", "Noon", "xxx")


def test_a_negative_offset_delays_and_no_start_goes_below_zero() -> None:
    assert _starts("[offset:-500]\n[00:00.00]A\n[01:02.03]B") == [(500, "A"), (62530, "B")]
    assert _starts("[offset:+2000]\n[00:01.00]A\n[00:03.00]B") == [(0, "A"), (1000, "B")]
    assert _starts("[offset:soon]\n[00:01.00]A") == [(1000, "A")]  # unreadable: none


def test_repeated_stamps_sort_and_word_stamps_and_gaps() -> None:
    text = "[00:20.00][00:05.00]Chorus <00:05.50>line\n[00:10.00]\n[00:12:50]Verse\nno stamp"
    assert _starts(text) == [
        (5000, "Chorus line"),
        (10000, ""),
        (12500, "Verse"),
        (20000, "Chorus line"),
    ]


def test_plain_text_is_unsynced_and_trimmed() -> None:
    found = parse_lyrics("\n\nFirst line\r\n\nSecond line\n\n", "ENG")
    assert found is not None and not found.synced
    assert found.lines == (LyricLine("First line"), LyricLine(""), LyricLine("Second line"))
    assert all(line.start_ms is None for line in found.lines)
    assert found.lang == "eng" and found.plain == "First line\n\nSecond line"
    # A bracketed note is words, a header line is not.
    assert _starts("[ar:Someone]\n[chorus] la la") == [(None, "[chorus] la la")]


def test_no_words_is_no_lyrics() -> None:
    assert parse_lyrics("") is None
    assert parse_lyrics("\n \n") is None
    assert parse_lyrics("[ar:Someone]\n[ti:Something]\n") is None


def test_language_codes() -> None:
    assert language("eng") == "eng" and language("DE") == "de"
    assert language("XXX") == "xxx" and language("english") == "xxx"
    assert language(None) == "xxx" and language("\0\0\0") == "xxx"
    found = parse_lyrics("[la:fr]\n[00:01.00]Bonjour")
    assert found is not None and found.lang == "fr"


def test_decoding() -> None:
    text = "Für Élise"
    assert decode_text(codecs.BOM_UTF8 + text.encode()) == text
    assert decode_text(text.encode()) == text
    assert decode_text(text.encode("latin-1")) == text  # not UTF-8: Latin-1
    assert decode_text(codecs.BOM_UTF16_LE + text.encode("utf-16-le")) == text


def test_sidecar_files(tmp_path: Path) -> None:
    lrc = tmp_path / "song.lrc"
    lrc.write_bytes(codecs.BOM_UTF8 + NOON.encode())
    found = read_lyrics_file(bytes(lrc))
    assert found is not None and found.synced and found.lines[0].start_ms == 750
    assert read_lyrics_file(bytes(tmp_path / "missing.lrc")) is None
    big = tmp_path / "big.lrc"
    big.write_bytes(b"[00:01.00]" + b"a" * MAX_LYRICS_BYTES)
    assert read_lyrics_file(bytes(big)) is None  # refused: larger than any song's words
    os.mkfifo(tmp_path / "fifo.lrc")
    assert read_lyrics_file(bytes(tmp_path / "fifo.lrc")) is None  # never blocks


@pytest.fixture(scope="module")
def tones(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lyrics-tones")
    tone = ["-f", "lavfi", "-i", "sine=frequency=440:duration=1"]
    run_ffmpeg(
        [
            *tone,
            *("-c:a", "libmp3lame", "-b:a", "64k", file_input(root / "tone.mp3")),
            *("-c:a", "flac", file_input(root / "tone.flac")),
            *("-c:a", "aac", "-b:a", "64k", file_input(root / "tone.m4a")),
        ]
    )
    return root


def _copy(tones: Path, name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copy(tones / name, target)
    return target


def test_id3_unsynced_synced_and_txxx(tones: Path, tmp_path: Path) -> None:
    path = _copy(tones, "tone.mp3", tmp_path)
    tags = ID3(path)
    tags.add(USLT(encoding=3, lang="deu", desc="", text="Erste Zeile\nZweite Zeile"))
    tags.add(
        SYLT(encoding=3, lang="eng", format=2, type=1, desc="", text=[("B", 2000), ("A", 1000)])
    )
    tags.add(SYLT(encoding=3, lang="eng", format=1, type=1, desc="f", text=[("frames", 10)]))
    tags.add(TXXX(encoding=3, desc="USLT", text=["[00:00.50]From ffmpeg"]))
    tags.add(TXXX(encoding=3, desc="comment", text=["not lyrics"]))
    tags.save(path)
    found = sorted(read_embedded_lyrics(bytes(path)), key=lambda f: f.lines[0].text)
    assert [(f.synced, f.lang, f.plain) for f in found] == [
        (True, "eng", "A\nB"),  # SYLT in milliseconds, sorted; MPEG-frame timing is left out
        (False, "deu", "Erste Zeile\nZweite Zeile"),
        (True, "xxx", "From ffmpeg"),  # the tag's text is LRC
    ]
    assert [line.start_ms for line in found[0].lines] == [1000, 2000]
    assert found[2].lines[0].start_ms == 500


def test_vorbis_and_mp4_text(tones: Path, tmp_path: Path) -> None:
    flac_path = _copy(tones, "tone.flac", tmp_path)
    flac = FLAC(flac_path)
    flac["LYRICS"] = NOON
    flac["UNSYNCEDLYRICS"] = "Plain words"
    flac["LYRICS-FRA"] = "Des mots"
    flac["TITLE"] = "not lyrics"
    flac.save()
    found = read_embedded_lyrics(bytes(flac_path))
    summary = sorted((f.synced, f.lang, f.lines[0].text, f.lines[0].start_ms) for f in found)
    assert summary == [
        (False, "fra", "Des mots", None),
        (False, "xxx", "Plain words", None),
        (True, "xxx", "Sun stands high", 750),
    ]
    m4a_path = _copy(tones, "tone.m4a", tmp_path)
    m4a = MP4(m4a_path)
    m4a["\xa9lyr"] = ["Line one\nLine two"]
    m4a.save()
    assert [f.plain for f in read_embedded_lyrics(bytes(m4a_path))] == ["Line one\nLine two"]


def test_no_tags_or_no_audio_is_no_lyrics(tones: Path, tmp_path: Path) -> None:
    assert read_embedded_lyrics(bytes(tones / "tone.m4a")) == []
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"ID3\x04\x00\x00\xff\xff\xff\xff" + b"\x00" * 64)  # a broken header
    assert read_embedded_lyrics(bytes(junk)) == []
    assert read_embedded_lyrics(bytes(tmp_path / "missing.flac")) == []
