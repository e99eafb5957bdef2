"""Probing audio, video and photo files, and how broken files become reasons instead of crashes."""

import base64
import io
import os
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from mutagen.apev2 import BINARY, APEValue
from mutagen.asf import ASF
from mutagen.flac import FLAC, Picture
from mutagen.id3 import (
    APIC,
    ID3,
    RVA2,
    TALB,
    TCMP,
    TCON,
    TDRC,
    TIT2,
    TPE1,
    TPE2,
    TPOS,
    TRCK,
    TXXX,
    TYER,
    UFID,
    USLT,
)
from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE
from mutagen.wavpack import WavPack
from PIL import Image

from parlour.domain.media import (
    AudioTags,
    Chapter,
    FileKind,
    PhotoInfo,
    ProbeOutcome,
    StreamType,
    VideoInfo,
)
from parlour.library import probe as probe_module
from parlour.library.probe import (
    ProbeError,
    fingerprint_file,
    probe_audio,
    probe_file,
    probe_photo,
    probe_video,
)
from parlour.media.ffmpeg import file_input, run_ffmpeg

RECORDING = "0f5d4d5e-2a53-4d2b-9d59-2d1b7f8e0a01"
RELEASE_TRACK = "1a2b3c4d-0000-4000-8000-000000000002"
ALBUM = "2b3c4d5e-0000-4000-8000-000000000003"
RELEASE_GROUP = "3c4d5e6f-0000-4000-8000-000000000004"
ARTIST_A = "4d5e6f70-0000-4000-8000-000000000005"
ARTIST_B = "5e6f7081-0000-4000-8000-000000000006"
ALBUM_ARTIST = "6f708192-0000-4000-8000-000000000007"

SRT = "1\n00:00:00,000 --> 00:00:00,500\nHello\n\n"
CHAPTERS = """;FFMETADATA1
title=Test Film

[CHAPTER]
TIMEBASE=1/1000
START=0
END=500
title=Opening

[CHAPTER]
TIMEBASE=1/1000
START=500
END=1000
title=Ending
"""


@dataclass(frozen=True)
class Media:
    """Small files generated once for the whole module."""

    root: Path
    cover: bytes  # a tiny JPEG to embed as artwork

    def path(self, name: str) -> Path:
        return self.root / name

    def copy(self, name: str, dest: Path, new_name: str | None = None) -> Path:
        target = dest / (new_name or name)
        shutil.copyfile(self.root / name, target)
        return target


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Media:
    root = tmp_path_factory.mktemp("probe-media")

    def target(name: str) -> str:
        return file_input(root / name)

    tone = ["-f", "lavfi", "-i", "sine=frequency=440:duration=1"]
    run_ffmpeg(
        [
            *tone,
            *("-c:a", "libmp3lame", "-b:a", "64k", target("tone.mp3")),
            *("-c:a", "flac", target("tone.flac")),
            *("-c:a", "libvorbis", target("tone.ogg")),
            *("-c:a", "libopus", target("tone.opus")),
            *("-c:a", "aac", target("tone.m4a")),
            *("-c:a", "pcm_s16le", target("tone.wav")),
            *("-c:a", "wavpack", target("tone.wv")),
            *("-c:a", "wmav2", target("tone.wma")),
        ]
    )
    (root / "subs.srt").write_text(SRT)
    (root / "chapters.txt").write_text(CHAPTERS)
    run_ffmpeg(
        [
            *("-f", "lavfi", "-i", "testsrc=size=160x90:rate=25:duration=1"),
            *("-f", "lavfi", "-i", "sine=frequency=440:duration=1"),
            *("-f", "lavfi", "-i", "sine=frequency=660:duration=1"),
            *("-i", file_input(root / "subs.srt"), "-i", file_input(root / "chapters.txt")),
            *("-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:s"),
            *("-map_metadata", "4", "-map_chapters", "4"),
            *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"),
            *("-c:a", "aac", "-c:s", "srt"),
            *("-metadata:s:a:0", "language=eng", "-disposition:a:0", "default"),
            *("-metadata:s:a:1", "language=fre", "-metadata:s:a:1", "title=Commentaire"),
            *("-disposition:a:1", "0"),
            *("-metadata:s:s:0", "language=eng", "-disposition:s:0", "forced"),
            target("film.mkv"),
            *("-map", "0:v", "-map_chapters", "-1", "-map_metadata", "-1"),
            *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"),
            target("clip.mp4"),
        ]
    )
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "EOS R5  "  # cameras pad with spaces and NULs
    exif[0x0112] = 6
    exif[0x0132] = "2020:01:02 03:04:05"
    exif.get_ifd(0x8769)[0x9003] = "2021:06:07 08:09:10"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "S", 2: (33.0, 51.0, 21.6), 3: "W", 4: (151.0, 12.0, 54.0), 5: b"\x01", 6: 12.5})
    Image.new("RGB", (64, 48), "red").save(root / "photo.jpg", exif=exif)
    Image.new("RGB", (40, 30), "blue").save(root / "plain.png")
    cover = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(cover, "JPEG")
    return Media(root, cover.getvalue())


def bpath(path: Path) -> bytes:
    return os.fsencode(path)


def outcome_of(path: Path, kind: FileKind) -> ProbeOutcome:
    return probe_file(bpath(path), kind, path.stat().st_size)


def picture(data: bytes) -> Picture:
    block = Picture()
    block.type = 3  # front cover
    block.mime = "image/jpeg"
    block.data = data
    return block


# --- audio -----------------------------------------------------------------------------


def test_mp3_id3v24_tags_are_read_in_full(media: Media, tmp_path: Path) -> None:
    path = media.copy("tone.mp3", tmp_path)
    tags = ID3(path)
    tags.add(TIT2(encoding=3, text="Song"))
    tags.add(TPE1(encoding=3, text=["Artist A", "Artist B"]))
    tags.add(TALB(encoding=3, text="Album"))
    tags.add(TPE2(encoding=3, text="Various Artists"))
    tags.add(TRCK(encoding=3, text="3/12"))
    tags.add(TPOS(encoding=3, text="1/2"))
    tags.add(TDRC(encoding=3, text="1999-04-12"))
    tags.add(TCON(encoding=3, text=["Rock", "Jazz"]))
    tags.add(TCMP(encoding=3, text="1"))
    for desc, value in [
        ("REPLAYGAIN_TRACK_GAIN", "-6.54 dB"),
        ("REPLAYGAIN_TRACK_PEAK", "0.988831"),
        ("REPLAYGAIN_ALBUM_GAIN", "-7.01 dB"),
        ("REPLAYGAIN_ALBUM_PEAK", "1.000000"),
        ("MusicBrainz Release Track Id", RELEASE_TRACK),
        ("MusicBrainz Album Id", ALBUM),
        ("MusicBrainz Release Group Id", RELEASE_GROUP),
        ("MusicBrainz Album Artist Id", ALBUM_ARTIST),
    ]:
        tags.add(TXXX(encoding=3, desc=desc, text=value))
    tags.add(TXXX(encoding=3, desc="MusicBrainz Artist Id", text=[ARTIST_A, ARTIST_B]))
    tags.add(UFID(owner="http://musicbrainz.org", data=RECORDING.encode()))
    tags.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="", data=media.cover))
    tags.add(USLT(encoding=3, lang="eng", desc="", text="la la la"))
    tags.save(path, v2_version=4)

    info = probe_audio(bpath(path))

    assert info == AudioTags(
        codec="mp3",
        duration_ms=info.duration_ms,
        title="Song",
        artists=("Artist A", "Artist B"),
        album="Album",
        album_artists=("Various Artists",),
        track_no=3,
        track_total=12,
        disc_no=1,
        disc_total=2,
        year=1999,
        date="1999-04-12",
        genres=("Rock", "Jazz"),
        compilation=True,
        bitrate=info.bitrate,
        sample_rate=44100,
        channels=1,
        bit_depth=None,
        rg_track_gain=-6.54,
        rg_track_peak=0.988831,
        rg_album_gain=-7.01,
        rg_album_peak=1.0,
        mb_recording_id=RECORDING,
        mb_track_id=RELEASE_TRACK,
        mb_album_id=ALBUM,
        mb_release_group_id=RELEASE_GROUP,
        mb_artist_ids=(ARTIST_A, ARTIST_B),
        mb_album_artist_ids=(ALBUM_ARTIST,),
        has_picture=True,
        has_lyrics=True,
    )
    assert 950 <= info.duration_ms <= 1150
    assert info.bitrate is not None and 60_000 <= info.bitrate <= 68_000


def test_mp3_id3v23_keeps_slashes_and_resolves_numeric_genres(media: Media, tmp_path: Path) -> None:
    path = media.copy("tone.mp3", tmp_path)
    tags = ID3(path)
    tags.add(TPE1(encoding=1, text="AC/DC"))
    tags.add(TYER(encoding=1, text="2001"))
    tags.add(TCON(encoding=1, text="(17)"))
    tags.add(TRCK(encoding=1, text="07"))
    tags.add(RVA2(desc="track", channel=1, gain=-3.5, peak=0.5))
    tags.save(path, v2_version=3)

    info = probe_audio(bpath(path))

    assert info.artists == ("AC/DC",)
    assert info.genres == ("Rock",)
    assert (info.year, info.date) == (2001, "2001")
    assert (info.track_no, info.track_total) == (7, None)
    assert (info.rg_track_gain, info.rg_track_peak) == (-3.5, 0.5)
    assert not info.has_picture and not info.has_lyrics


def test_flac_vorbis_comments_and_picture_block(media: Media, tmp_path: Path) -> None:
    path = media.copy("tone.flac", tmp_path)
    audio = FLAC(path)
    audio.update(
        {
            "TITLE": "Flac Song",
            "ARTIST": ["One", "Two, Three"],
            "ALBUM": "Flac Album",
            "ALBUMARTIST": "One",
            "TRACKNUMBER": "3",
            "TRACKTOTAL": "12",
            "DISCNUMBER": "2",
            "DISCTOTAL": "2",
            "DATE": "1999-04",
            "GENRE": ["Rock", "Jazz"],
            "COMPILATION": "1",
            "REPLAYGAIN_TRACK_GAIN": "+1.20 dB",
            "REPLAYGAIN_TRACK_PEAK": "0.5",
            "REPLAYGAIN_ALBUM_GAIN": "-0.80 dB",
            "REPLAYGAIN_ALBUM_PEAK": "0.75",
            "MUSICBRAINZ_TRACKID": RECORDING,
            "MUSICBRAINZ_RELEASETRACKID": RELEASE_TRACK,
            "MUSICBRAINZ_ALBUMID": ALBUM,
            "MUSICBRAINZ_RELEASEGROUPID": RELEASE_GROUP,
            "MUSICBRAINZ_ARTISTID": [ARTIST_A, ARTIST_B],
            "MUSICBRAINZ_ALBUMARTISTID": ALBUM_ARTIST,
            "LYRICS": "words",
        }
    )
    audio.add_picture(picture(media.cover))
    audio.save()

    info = probe_audio(bpath(path))

    assert (info.codec, info.sample_rate, info.channels, info.bit_depth) == ("flac", 44100, 1, 16)
    assert info.duration_ms == 1000
    assert info.title == "Flac Song"
    assert info.artists == ("One", "Two, Three")  # a comma is part of a name
    assert (info.album, info.album_artists) == ("Flac Album", ("One",))
    assert (info.track_no, info.track_total, info.disc_no, info.disc_total) == (3, 12, 2, 2)
    assert (info.year, info.date) == (1999, "1999-04")
    assert info.genres == ("Rock", "Jazz")
    assert info.compilation
    assert (info.rg_track_gain, info.rg_track_peak) == (1.2, 0.5)
    assert (info.rg_album_gain, info.rg_album_peak) == (-0.8, 0.75)
    assert (info.mb_recording_id, info.mb_track_id) == (RECORDING, RELEASE_TRACK)
    assert (info.mb_album_id, info.mb_release_group_id) == (ALBUM, RELEASE_GROUP)
    assert info.mb_artist_ids == (ARTIST_A, ARTIST_B)
    assert info.mb_album_artist_ids == (ALBUM_ARTIST,)
    assert info.has_picture and info.has_lyrics


def test_ogg_vorbis_prefers_artists_tag_and_sees_embedded_picture(
    media: Media, tmp_path: Path
) -> None:
    path = media.copy("tone.ogg", tmp_path)
    audio = OggVorbis(path)
    audio["TITLE"] = "Duet"
    audio["ARTIST"] = "Singer feat. Rapper"
    audio["ARTISTS"] = ["Singer", "Rapper"]
    audio["TRACKNUMBER"] = "5/9"
    audio["DATE"] = "2010-02-30"  # no such day: the month survives
    audio["METADATA_BLOCK_PICTURE"] = base64.b64encode(picture(media.cover).write()).decode()
    audio.save()

    info = probe_audio(bpath(path))

    assert (info.codec, info.sample_rate, info.channels) == ("vorbis", 44100, 1)
    assert info.title == "Duet"
    assert info.artists == ("Singer", "Rapper")
    assert (info.track_no, info.track_total) == (5, 9)
    assert (info.year, info.date) == (2010, "2010-02")
    assert info.has_picture and not info.has_lyrics


def test_opus_tags_and_r128_gain(media: Media, tmp_path: Path) -> None:
    path = media.copy("tone.opus", tmp_path)
    audio = OggOpus(path)
    audio["TITLE"] = "Opus Song"
    audio["ARTIST"] = ["A", "B"]
    audio["R128_TRACK_GAIN"] = "-512"  # -2 dB against -23 LUFS, so +3 dB against -18
    audio.save()

    info = probe_audio(bpath(path))

    assert (info.codec, info.sample_rate, info.channels) == ("opus", 48000, 1)
    assert 950 <= info.duration_ms <= 1100
    assert (info.title, info.artists) == ("Opus Song", ("A", "B"))
    assert info.rg_track_gain == 3.0


def test_m4a_itunes_atoms_and_freeform_tags(media: Media, tmp_path: Path) -> None:
    path = media.copy("tone.m4a", tmp_path)
    audio = MP4(path)
    itunes = "----:com.apple.iTunes:"
    audio.update(
        {
            "©nam": ["M4A Song"],
            "©ART": ["Left", "Right"],
            "©alb": ["M4A Album"],
            "aART": ["Left"],
            "trkn": [(4, 10)],
            "disk": [(1, 1)],
            "©day": ["2004-05-06T07:00:00Z"],
            "©gen": ["Electronic", "Ambient"],
            "cpil": True,
            "covr": [MP4Cover(media.cover, imageformat=MP4Cover.FORMAT_JPEG)],
            "©lyr": ["words"],
            itunes + "replaygain_track_gain": [MP4FreeForm(b"-2.50 dB")],
            itunes + "replaygain_track_peak": [MP4FreeForm(b"0.9")],
            itunes + "MusicBrainz Track Id": [MP4FreeForm(RECORDING.encode())],
            itunes + "MusicBrainz Release Track Id": [MP4FreeForm(RELEASE_TRACK.encode())],
            itunes + "MusicBrainz Album Id": [MP4FreeForm(ALBUM.encode())],
            itunes + "MusicBrainz Release Group Id": [MP4FreeForm(RELEASE_GROUP.encode())],
            itunes + "MusicBrainz Artist Id": [
                MP4FreeForm(ARTIST_A.encode()),
                MP4FreeForm(ARTIST_B.encode()),
            ],
            itunes + "MusicBrainz Album Artist Id": [MP4FreeForm(ALBUM_ARTIST.encode())],
        }
    )
    audio.save()

    info = probe_audio(bpath(path))

    assert (info.codec, info.sample_rate, info.channels, info.bit_depth) == ("aac", 44100, 1, None)
    assert info.title == "M4A Song"
    assert info.artists == ("Left", "Right")
    assert (info.album, info.album_artists) == ("M4A Album", ("Left",))
    assert (info.track_no, info.track_total, info.disc_no, info.disc_total) == (4, 10, 1, 1)
    assert (info.year, info.date) == (2004, "2004-05-06")
    assert info.genres == ("Electronic", "Ambient")
    assert info.compilation
    assert (info.rg_track_gain, info.rg_track_peak) == (-2.5, 0.9)
    assert (info.mb_recording_id, info.mb_track_id) == (RECORDING, RELEASE_TRACK)
    assert (info.mb_album_id, info.mb_release_group_id) == (ALBUM, RELEASE_GROUP)
    assert info.mb_artist_ids == (ARTIST_A, ARTIST_B)
    assert info.mb_album_artist_ids == (ALBUM_ARTIST,)
    assert info.has_picture and info.has_lyrics


def test_wav_with_id3_reports_pcm_stream(media: Media, tmp_path: Path) -> None:
    path = media.copy("tone.wav", tmp_path)
    audio = WAVE(path)
    audio.add_tags()
    audio.tags.add(TIT2(encoding=3, text="Wave"))
    audio.tags.add(TCMP(encoding=3, text="1"))
    audio.save()

    info = probe_audio(bpath(path))

    assert (info.codec, info.bit_depth, info.sample_rate, info.channels) == (
        "pcm_s16le",
        16,
        44100,
        1,
    )
    assert (info.title, info.compilation, info.duration_ms) == ("Wave", True, 1000)


def test_wavpack_apev2_tags(media: Media, tmp_path: Path) -> None:
    path = media.copy("tone.wv", tmp_path)
    audio = WavPack(path)
    if audio.tags is None:
        audio.add_tags()
    audio["Title"] = "Packed"
    audio["Artist"] = ["First", "Second"]
    audio["Album Artist"] = "First"
    audio["Track"] = "2/8"
    audio["Year"] = "2003-05-06"
    audio["MUSICBRAINZ_TRACKID"] = RECORDING
    audio["Cover Art (Front)"] = APEValue(b"cover.jpg\x00" + media.cover, BINARY)
    audio.save()

    info = probe_audio(bpath(path))

    assert (info.codec, info.bit_depth, info.sample_rate, info.channels) == (
        "wavpack",
        16,
        44100,
        1,
    )
    assert info.bitrate is not None  # WavPack headers carry none; it is worked out from size
    assert (info.title, info.artists, info.album_artists) == (
        "Packed",
        ("First", "Second"),
        ("First",),
    )
    assert (info.track_no, info.track_total, info.year, info.date) == (2, 8, 2003, "2003-05-06")
    assert info.mb_recording_id == RECORDING
    assert info.has_picture


def test_wma_attributes(media: Media, tmp_path: Path) -> None:
    path = media.copy("tone.wma", tmp_path)
    audio = ASF(path)
    audio["Title"] = "Windows"
    audio["Author"] = "Band"
    audio["WM/AlbumTitle"] = "Album"
    audio["WM/TrackNumber"] = "6"
    audio["MusicBrainz/Track Id"] = RECORDING
    audio.save()

    info = probe_audio(bpath(path))

    assert (info.codec, info.title, info.artists, info.album) == (
        "wma",
        "Windows",
        ("Band",),
        "Album",
    )
    assert (info.track_no, info.mb_recording_id) == (6, RECORDING)


def test_untagged_audio_still_has_stream_facts(media: Media) -> None:
    info = probe_audio(bpath(media.path("tone.ogg")))
    assert info.title is None and info.artists == () and not info.compilation
    assert info.duration_ms == 1000 and info.bitrate


# --- video -----------------------------------------------------------------------------


def test_mkv_streams_languages_dispositions_and_chapters(media: Media) -> None:
    info = probe_video(bpath(media.path("film.mkv")))

    assert info.container == "mkv"
    assert 950 <= info.duration_ms <= 1100
    assert info.bitrate
    assert info.title == "Test Film"
    video, english, french, subtitle = info.streams
    assert (video.index, video.type, video.codec) == (0, StreamType.VIDEO, "h264")
    assert (video.width, video.height, video.frame_rate, video.bit_depth) == (160, 90, 25.0, 8)
    assert video.profile == "Constrained Baseline" and video.level is not None
    assert not video.hdr
    assert (english.type, english.codec, english.language) == (StreamType.AUDIO, "aac", "eng")
    assert (english.channels, english.channel_layout, english.sample_rate) == (1, "mono", 44100)
    assert english.is_default and not english.is_forced
    assert (french.language, french.title, french.is_default) == ("fre", "Commentaire", False)
    assert (subtitle.type, subtitle.codec, subtitle.language) == (
        StreamType.SUBTITLE,
        "subrip",
        "eng",
    )
    assert subtitle.is_forced
    assert info.chapters == (
        Chapter(index=0, start_ms=0, end_ms=500, title="Opening"),
        Chapter(index=1, start_ms=500, end_ms=1000, title="Ending"),
    )


def test_mp4_video_and_cover_art_is_not_a_stream(media: Media, tmp_path: Path) -> None:
    plain = probe_video(bpath(media.path("clip.mp4")))
    assert plain.container == "mp4" and plain.chapters == () and plain.title is None
    assert [(s.type, s.codec, s.is_default) for s in plain.streams] == [
        (StreamType.VIDEO, "h264", True)
    ]

    path = media.copy("clip.mp4", tmp_path)
    tagged = MP4(path)
    tagged["covr"] = [MP4Cover(media.cover, imageformat=MP4Cover.FORMAT_JPEG)]
    tagged.save()
    assert len(probe_video(bpath(path)).streams) == 1


def test_audio_only_container_has_no_video_stream(media: Media) -> None:
    outcome = outcome_of(media.path("tone.m4a"), FileKind.VIDEO)
    assert outcome.info is None and outcome.error == "no video stream"
    with pytest.raises(ProbeError, match="no video stream"):
        probe_video(bpath(media.path("tone.m4a")))


def test_video_without_audio_probed_as_audio_is_refused(media: Media) -> None:
    outcome = outcome_of(media.path("clip.mp4"), FileKind.AUDIO)
    assert outcome.error == "no audio stream"


def test_playlist_disguised_as_video_is_not_followed(media: Media, tmp_path: Path) -> None:
    media.copy("clip.mp4", tmp_path, "part.mp4")
    playlist = tmp_path / "movie.mkv"
    playlist.write_text("ffconcat version 1.0\nfile part.mp4\n")
    outcome = outcome_of(playlist, FileKind.VIDEO)
    assert outcome.info is None
    assert outcome.error is not None and outcome.error.startswith("not a readable video")


# --- photos ----------------------------------------------------------------------------


def test_jpeg_exif_and_gps(media: Media) -> None:
    info = probe_photo(bpath(media.path("photo.jpg")))
    assert info == PhotoInfo(
        format="jpeg",
        width=64,
        height=48,
        taken_at="2021-06-07T08:09:10",
        camera_make="Canon",
        camera_model="EOS R5",
        orientation=6,
        latitude=-33.856,
        longitude=-151.215,
        altitude=-12.5,
    )


def test_png_without_exif(media: Media) -> None:
    assert probe_photo(bpath(media.path("plain.png"))) == PhotoInfo("png", 40, 30)


def test_heif_is_read_through_the_lazily_registered_opener(tmp_path: Path) -> None:
    import pillow_heif  # noqa: PLC0415 - only this test writes HEIF

    pillow_heif.register_heif_opener()
    path = tmp_path / "photo.heic"
    Image.new("RGB", (32, 16), "white").save(path)
    info = probe_photo(bpath(path))
    assert (info.format, info.width, info.height) == ("heif", 32, 16)


def test_datetime_falls_back_to_ifd0(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0132] = "2019:12:31 23:59:58"
    exif[0x010F] = b"Nikon\x00\x00"
    path = tmp_path / "old.jpg"
    Image.new("RGB", (8, 8)).save(path, exif=exif)
    info = probe_photo(bpath(path))
    assert (info.taken_at, info.camera_make, info.latitude) == (
        "2019-12-31T23:59:58",
        "Nikon",
        None,
    )


def test_decompression_bomb_guard_stays_on(media: Media, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    # 40x30 = 1200 pixels only warns in Pillow; 64x48 = 3072 is past twice the limit.
    for name in ("plain.png", "photo.jpg"):
        outcome = outcome_of(media.path(name), FileKind.PHOTO)
        assert outcome.error == "image too large (decompression bomb guard)"


# --- broken and hostile inputs -----------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp3"
    path.touch()
    outcome = probe_file(bpath(path), FileKind.AUDIO, 0)
    assert outcome.info is None and outcome.error == "empty file (0 bytes)"
    assert outcome.fingerprint is not None


@pytest.mark.parametrize(
    ("name", "kind"),
    [("tone.mp3", FileKind.AUDIO), ("tone.flac", FileKind.AUDIO), ("film.mkv", FileKind.VIDEO)],
)
def test_truncated_files(media: Media, tmp_path: Path, name: str, kind: FileKind) -> None:
    path = tmp_path / name
    path.write_bytes(media.path(name).read_bytes()[:200])
    outcome = outcome_of(path, kind)
    assert outcome.info is None
    assert outcome.error is not None and outcome.error.startswith("truncated or corrupt")
    assert outcome.fingerprint is not None


@pytest.mark.parametrize(
    ("name", "kind", "reason"),
    [
        ("noise.mp3", FileKind.AUDIO, "not a readable audio file"),
        ("noise.mkv", FileKind.VIDEO, "not a readable video"),
        ("noise.jpg", FileKind.PHOTO, "not a readable image"),
    ],
)
def test_random_bytes(tmp_path: Path, name: str, kind: FileKind, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(os.urandom(4096))
    outcome = outcome_of(path, kind)
    assert outcome.info is None
    assert outcome.error is not None and outcome.error.startswith(reason)
    assert os.fsdecode(tmp_path) not in outcome.error  # the reason never repeats the path


def test_direct_probers_raise_probe_error(media: Media, tmp_path: Path) -> None:
    noise = tmp_path / "noise.flac"
    noise.write_bytes(os.urandom(2048))
    with pytest.raises(ProbeError, match=r"^not a readable audio file"):
        probe_audio(bpath(noise))
    with pytest.raises(ProbeError, match=r"^not a readable video"):
        probe_video(bpath(noise))
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(media.path("photo.jpg").read_bytes()[:20])
    with pytest.raises(ProbeError, match=r"^not a readable image"):
        probe_photo(bpath(broken))


def test_unreadable_file(media: Media, tmp_path: Path) -> None:
    path = media.copy("tone.mp3", tmp_path)
    path.chmod(0)
    try:
        outcome = outcome_of(path, FileKind.AUDIO)
    finally:
        path.chmod(0o644)
    if os.geteuid() == 0:
        assert outcome.error is None  # root reads through chmod 000
    else:
        assert (outcome.fingerprint, outcome.info, outcome.error) == (
            None,
            None,
            "permission denied",
        )


def test_missing_file_directory_and_fifo(tmp_path: Path) -> None:
    missing = probe_file(bpath(tmp_path / "gone.mp3"), FileKind.AUDIO, 10)
    assert missing.fingerprint is None and missing.error is not None
    assert missing.error.startswith("file not found")
    assert probe_file(bpath(tmp_path), FileKind.VIDEO, 10).error == "not a regular file"
    fifo = tmp_path / "pipe.mkv"
    os.mkfifo(fifo)  # opening a FIFO for reading would block without a writer
    assert probe_file(bpath(fifo), FileKind.VIDEO, 10).error == "not a regular file"


@pytest.mark.parametrize(
    ("source", "name", "kind"),
    [
        ("tone.mp3", b"-i.mp3", FileKind.AUDIO),
        ("tone.mp3", b"\xff\xfe.mp3", FileKind.AUDIO),
        ("film.mkv", b"\xff\xfe.mkv", FileKind.VIDEO),
        ("film.mkv", b"concat:a|b.mkv", FileKind.VIDEO),
        ("photo.jpg", b"-\xff.jpg", FileKind.PHOTO),
    ],
)
def test_awkward_names_are_never_interpreted(
    media: Media, tmp_path: Path, source: str, name: bytes, kind: FileKind
) -> None:
    path = bpath(tmp_path) + b"/" + name
    with open(path, "wb") as out:
        out.write(media.path(source).read_bytes())
    outcome = probe_file(path, kind, os.stat(path).st_size)
    assert outcome.error is None
    assert outcome == probe_file(bpath(media.path(source)), kind, os.stat(path).st_size)


def test_media_probed_as_the_wrong_kind(media: Media) -> None:
    outcome = outcome_of(media.path("tone.mp3"), FileKind.VIDEO)
    assert outcome.info is None and outcome.error is not None
    assert (
        outcome_of(media.path("photo.jpg"), FileKind.OTHER).error == "not a media file (kind other)"
    )


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (MemoryError(), "out of memory"),
        (RecursionError("maximum recursion depth exceeded"), "truncated or corrupt"),
        (KeyError("boom"), "not a readable audio file: 'boom'"),
    ],
)
def test_probe_file_never_raises(
    media: Media, monkeypatch: pytest.MonkeyPatch, error: Exception, reason: str
) -> None:
    def explode(*_args: object) -> AudioTags:
        raise error

    monkeypatch.setattr(probe_module, "_read_audio", explode)
    outcome = outcome_of(media.path("tone.flac"), FileKind.AUDIO)
    assert outcome.info is None and outcome.error is not None
    assert outcome.error.startswith(reason)
    assert outcome.fingerprint is not None


def test_outcomes_pickle_for_the_worker_pool(media: Media) -> None:
    for name, kind in [
        ("tone.flac", FileKind.AUDIO),
        ("film.mkv", FileKind.VIDEO),
        ("photo.jpg", FileKind.PHOTO),
    ]:
        outcome = outcome_of(media.path(name), kind)
        assert isinstance(outcome.info, AudioTags | VideoInfo | PhotoInfo)
        assert pickle.loads(pickle.dumps(outcome)) == outcome


# --- fingerprints ------------------------------------------------------------------------


def test_fingerprint_survives_rename_and_notices_changes(tmp_path: Path) -> None:
    content = bytearray(os.urandom(100_000))
    first, second = tmp_path / "a.flac", tmp_path / "moved" / "b.flac"
    second.parent.mkdir()
    first.write_bytes(content)
    second.write_bytes(content)
    size = len(content)

    original = fingerprint_file(bpath(first), size)
    assert len(original) == 32 and int(original, 16) >= 0
    assert fingerprint_file(bpath(second), size) == original
    assert probe_file(bpath(second), FileKind.AUDIO, size).fingerprint == original

    content[10] ^= 0xFF
    first.write_bytes(content)
    assert fingerprint_file(bpath(first), size) != original

    content[10] ^= 0xFF
    content[-10] ^= 0xFF
    first.write_bytes(content)
    assert fingerprint_file(bpath(first), size) != original

    content[-10] ^= 0xFF
    content[50_000] ^= 0xFF  # the middle is not read: that is what keeps it cheap
    first.write_bytes(content)
    assert fingerprint_file(bpath(first), size) == original


def test_fingerprint_of_small_files_includes_size(tmp_path: Path) -> None:
    path = tmp_path / "tiny.bin"
    path.write_bytes(b"abc")
    assert fingerprint_file(bpath(path), 3) != fingerprint_file(bpath(path), 4)
