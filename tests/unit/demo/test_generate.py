"""The demo generator writes exactly what its recipes say, read back with mutagen and Pillow."""

import base64
import io
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import av
import pytest
from defusedxml import ElementTree
from mutagen.flac import FLAC, Picture
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, MP4Cover
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from PIL import Image

from parlour.demo.generate import (
    MARKER_NAME,
    VIDEO_SECONDS,
    bulk_photo,
    bulk_track,
    generate_bulk_music,
    generate_bulk_photos,
    generate_bulk_videos,
    generate_library,
)
from parlour.demo.recipes import (
    AUDIO_SUFFIXES,
    DEMO_LIBRARY,
    FilmRecipe,
    PhotoRecipe,
    TrackRecipe,
)


@dataclass(frozen=True, slots=True)
class Generated:
    dest: Path
    cache: Path
    roots: dict[str, Path]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    base = tmp_path_factory.mktemp("demo")
    roots = generate_library(DEMO_LIBRARY, base / "library", cache_dir=base / "cache")
    return Generated(base / "library", base / "cache", roots)


@dataclass(frozen=True, slots=True)
class ReadTags:
    """A track's tags as read back, in the recipe's terms."""

    title: str
    artists: tuple[str, ...]
    album: str
    album_artists: tuple[str, ...]
    track: tuple[int, int]
    disc: tuple[int, int]
    year: int
    genres: tuple[str, ...]
    compilation: bool
    covers: tuple[bytes, ...]


def _pair(text: str) -> tuple[int, int]:
    number, total = text.split("/")
    return int(number), int(total)


def _read_id3(path: Path) -> ReadTags:
    tags = ID3(path)
    assert tags.version == (2, 4, 0)
    return ReadTags(
        title=tags["TIT2"].text[0],
        artists=tuple(tags["TPE1"].text),
        album=tags["TALB"].text[0],
        album_artists=tuple(tags["TPE2"].text),
        track=_pair(tags["TRCK"].text[0]),
        disc=_pair(tags["TPOS"].text[0]),
        year=int(str(tags["TDRC"].text[0])),
        genres=tuple(tags["TCON"].text),
        compilation="TCMP" in tags and tags["TCMP"].text == ["1"],
        covers=tuple(frame.data for frame in tags.getall("APIC") if frame.type == 3),
    )


def _read_vorbis(path: Path, audio: Any) -> ReadTags:
    tags = audio.tags
    if isinstance(audio, FLAC):
        covers = tuple(picture.data for picture in audio.pictures if picture.type == 3)
    else:
        blocks = [Picture(base64.b64decode(v)) for v in tags.get("METADATA_BLOCK_PICTURE", [])]
        covers = tuple(picture.data for picture in blocks if picture.type == 3)
    return ReadTags(
        title=tags["TITLE"][0],
        artists=tuple(tags["ARTIST"]),
        album=tags["ALBUM"][0],
        album_artists=tuple(tags["ALBUMARTIST"]),
        track=(int(tags["TRACKNUMBER"][0]), int(tags["TRACKTOTAL"][0])),
        disc=(int(tags["DISCNUMBER"][0]), int(tags["DISCTOTAL"][0])),
        year=int(tags["DATE"][0]),
        genres=tuple(tags["GENRE"]),
        compilation=tags.get("COMPILATION") == ["1"],
        covers=covers,
    )


def _read_mp4(path: Path) -> ReadTags:
    tags = MP4(path).tags
    assert tags is not None
    covers = tags.get("covr", [])
    assert all(cover.imageformat == MP4Cover.FORMAT_JPEG for cover in covers)
    return ReadTags(
        title=tags["\xa9nam"][0],
        artists=tuple(tags["\xa9ART"]),
        album=tags["\xa9alb"][0],
        album_artists=tuple(tags["aART"]),
        track=tags["trkn"][0],
        disc=tags["disk"][0],
        year=int(tags["\xa9day"][0]),
        genres=tuple(tags["\xa9gen"]),
        compilation=tags.get("cpil", False) is True,
        covers=tuple(bytes(cover) for cover in covers),
    )


def read_tags(path: Path, fmt: str) -> ReadTags:
    if fmt == "mp3":
        return _read_id3(path)
    if fmt == "m4a":
        return _read_mp4(path)
    kind = {"flac": FLAC, "ogg": OggVorbis, "opus": OggOpus}[fmt]
    return _read_vorbis(path, kind(path))


def expected_tags(track: TrackRecipe) -> ReadTags:
    return ReadTags(
        title=track.title,
        artists=track.artists,
        album=track.album,
        album_artists=track.album_artists,
        track=(track.track_no, track.track_total),
        disc=(track.disc_no, track.disc_total),
        year=track.year,
        genres=track.genres,
        compilation=track.compilation,
        covers=(),
    )


def is_jpeg(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.format == "JPEG"


def all_files(root: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in root.rglob("*") if path.is_file()}


# The recipes themselves ----------------------------------------------------------------------


def test_recipes_cover_what_the_demo_promises() -> None:
    music = DEMO_LIBRARY.music
    assert 36 <= len(music) <= 44
    assert {track.format for track in music} == set(AUDIO_SUFFIXES)
    assert len({artist for track in music for artist in track.album_artists}) >= 5
    assert len({(track.album_artists, track.album) for track in music}) >= 8

    compilation = [track for track in music if track.compilation]
    assert compilation
    assert {track.album_artists for track in compilation} == {("Various Artists",)}
    assert all(track.rel_path.startswith("Compilations/Various Hits/") for track in compilation)
    assert len({track.artists for track in compilation}) == len(compilation)

    two_disc = [track for track in music if track.disc_total == 2]
    assert {track.disc_no for track in two_disc} == {1, 2}
    assert {PurePosixPath(track.rel_path).parent.name for track in two_disc} == {"Disc 1", "Disc 2"}

    multi = [track for track in music if len(track.artists) == 2 and len(track.genres) == 2]
    assert len(multi) >= 2
    assert any(track.embedded_cover for track in music)
    assert any(not track.rel_path.isascii() for track in music)
    assert DEMO_LIBRARY.folder_covers

    films = DEMO_LIBRARY.movies
    assert len(films) == 3
    assert sum(film.rel_path.endswith(".mp4") for film in films) == 1
    assert any(film.subtitles for film in films)
    assert any(film.nfo for film in films)

    shows = DEMO_LIBRARY.shows
    assert len({episode.show for episode in shows}) == 1
    per_season = {s: sum(e.season == s for e in shows) for s in {e.season for e in shows}}
    assert per_season == {1: 3, 2: 2}

    photos = DEMO_LIBRARY.photos
    assert 18 <= len(photos) <= 22
    assert len({PurePosixPath(photo.rel_path).parent for photo in photos}) == 2
    assert 2 <= sum(photo.gps is not None for photo in photos) < len(photos)


@pytest.mark.parametrize(
    "make",
    [
        lambda: TrackRecipe(
            "../escape.mp3", "mp3", "t", ("a",), "b", ("a",), 1, 1, 1, 1, 2000, (), False, False, 1
        ),
        lambda: TrackRecipe(
            "a/b.flac", "mp3", "t", ("a",), "b", ("a",), 1, 1, 1, 1, 2000, (), False, False, 1
        ),
        lambda: TrackRecipe(
            "a/b.mp3", "mp3", "t", ("a",), "b", ("a",), 3, 2, 1, 1, 2000, (), False, False, 1
        ),
        lambda: FilmRecipe("/abs/Film (2000).mkv", "Film", 2000),
        lambda: PhotoRecipe("a.jpg", "2024-13-01T00:00:00", "m", "m", None, 10, 10),
    ],
    ids=["escaping-path", "wrong-suffix", "track-over-total", "absolute-path", "bad-date"],
)
def test_recipes_reject_nonsense(make: Any) -> None:
    with pytest.raises(ValueError):
        make()


# The generated library -----------------------------------------------------------------------


def test_generation_returns_the_four_roots(generated: Generated) -> None:
    assert generated.roots == {
        name: generated.dest / name for name in ("music", "movies", "shows", "photos")
    }
    assert all(root.is_dir() for root in generated.roots.values())
    assert (generated.dest / MARKER_NAME).is_file()


def test_the_music_folder_holds_exactly_the_recipes(generated: Generated) -> None:
    music = generated.roots["music"]
    expected = {music / t.rel_path for t in DEMO_LIBRARY.music}
    expected |= {music / rel for rel in DEMO_LIBRARY.folder_covers}
    assert set(all_files(music)) == expected


@pytest.mark.parametrize("track", DEMO_LIBRARY.music, ids=lambda t: t.rel_path)
def test_each_track_carries_its_recipe_tags(generated: Generated, track: TrackRecipe) -> None:
    path = generated.roots["music"] / track.rel_path
    tags = read_tags(path, track.format)
    assert {**vars_of(tags), "covers": ()} == vars_of(expected_tags(track))
    if track.embedded_cover:
        assert len(tags.covers) == 1
        assert is_jpeg(tags.covers[0])
    else:
        assert tags.covers == ()


def vars_of(tags: ReadTags) -> dict[str, object]:
    return {name: getattr(tags, name) for name in ReadTags.__slots__}


@pytest.mark.parametrize("fmt", sorted(AUDIO_SUFFIXES))
def test_tracks_last_as_long_as_their_recipe(generated: Generated, fmt: str) -> None:
    kind = {"mp3": MP3, "flac": FLAC, "ogg": OggVorbis, "opus": OggOpus, "m4a": MP4}[fmt]
    for track in (t for t in DEMO_LIBRARY.music if t.format == fmt):
        length = kind(generated.roots["music"] / track.rel_path).info.length
        assert length == pytest.approx(track.duration_s, abs=0.1)


def test_folder_covers_are_jpegs(generated: Generated) -> None:
    for rel in DEMO_LIBRARY.folder_covers:
        assert is_jpeg((generated.roots["music"] / rel).read_bytes())


@pytest.mark.parametrize("photo", DEMO_LIBRARY.photos, ids=lambda p: p.rel_path)
def test_each_photo_carries_its_exif(generated: Generated, photo: PhotoRecipe) -> None:
    with Image.open(generated.roots["photos"] / photo.rel_path) as image:
        assert image.format == "JPEG"
        assert image.size == (photo.width, photo.height)
        exif = image.getexif()
    assert exif[0x010F] == photo.camera_make
    assert exif[0x0110] == photo.camera_model
    assert exif[0x0112] == 1
    assert exif.get_ifd(0x8769)[0x9003] == photo.taken_at.replace("-", ":").replace("T", " ")
    gps = exif.get_ifd(0x8825)
    if photo.gps is None:
        assert not gps
        return
    latitude = sum(float(part) / 60**n for n, part in enumerate(gps[2]))
    longitude = sum(float(part) / 60**n for n, part in enumerate(gps[4]))
    assert (-latitude if gps[1] == "S" else latitude) == pytest.approx(photo.gps[0], abs=1e-5)
    assert (-longitude if gps[3] == "W" else longitude) == pytest.approx(photo.gps[1], abs=1e-5)


def test_photos_folder_holds_exactly_the_recipes(generated: Generated) -> None:
    photos = generated.roots["photos"]
    assert set(all_files(photos)) == {photos / p.rel_path for p in DEMO_LIBRARY.photos}


@pytest.mark.parametrize("film", DEMO_LIBRARY.movies, ids=lambda f: f.rel_path)
def test_each_film_and_its_sidecars(generated: Generated, film: FilmRecipe) -> None:
    path = generated.roots["movies"] / film.rel_path
    assert path.is_file()
    siblings = {p.name for p in path.parent.iterdir()}
    expected = {path.name, *film.subtitles} | (
        {path.with_suffix(".nfo").name} if film.nfo else set()
    )
    assert siblings == expected
    for name in film.subtitles:
        cues = (path.parent / name).read_text("utf-8").strip().split("\n\n")
        # A cue every few seconds over the whole film, so a player shows one wherever it is.
        assert [cue.splitlines()[0] for cue in cues] == [str(n + 1) for n in range(len(cues))]
        assert len(cues) >= VIDEO_SECONDS // 4
        assert all(" --> " in cue.splitlines()[1] for cue in cues)
        assert cues[-1].splitlines()[1].split(" --> ")[1] > f"00:00:{VIDEO_SECONDS - 4:02d}"
    if film.nfo:
        movie = ElementTree.parse(path.with_suffix(".nfo")).getroot()
        assert movie.tag == "movie"
        assert movie.findtext("title") == film.title
        assert movie.findtext("year") == str(film.year)
        assert movie.findtext("plot") == film.plot
        assert tuple(genre.text for genre in movie.findall("genre")) == film.genres
        assert len(film.genres) == 2
        assert movie.findtext("mpaa") == film.mpaa
        actors = [(a.findtext("name"), a.findtext("role")) for a in movie.findall("actor")]
        assert tuple(actors) == film.cast


@pytest.mark.parametrize("container", [".mkv", ".mp4"])
def test_videos_are_h264_with_english_aac(generated: Generated, container: str) -> None:
    film = next(f for f in DEMO_LIBRARY.movies if f.rel_path.endswith(container))
    with av.open(str(generated.roots["movies"] / film.rel_path)) as media:
        streams = {stream.type: stream for stream in media.streams}
        assert streams["video"].codec_context.name == "h264"
        assert streams["audio"].codec_context.name == "aac"
        assert streams["audio"].language == "eng"
        assert media.duration is not None
        assert media.duration / 1e6 == pytest.approx(VIDEO_SECONDS, abs=0.6)


def test_episodes_are_laid_out_by_season(generated: Generated) -> None:
    shows = generated.roots["shows"]
    assert set(all_files(shows)) == {shows / e.rel_path for e in DEMO_LIBRARY.shows}
    for episode in DEMO_LIBRARY.shows:
        parts = PurePosixPath(episode.rel_path).parts
        assert parts[:2] == (episode.show, f"Season {episode.season:02d}")
        assert f"S{episode.season:02d}E{episode.episode:02d}" in parts[2]


# Regeneration --------------------------------------------------------------------------------


def test_regenerating_reuses_templates_and_replaces_cleanly(generated: Generated) -> None:
    templates = all_files(generated.cache)
    distinct_audio = {(t.format, t.duration_s) for t in DEMO_LIBRARY.music}
    assert len(templates) == len(distinct_audio) + 2  # plus one MKV and one MP4
    library = all_files(generated.dest)
    stray = generated.roots["music"] / "Stray Artist" / "Old Album (1999)" / "01 - Gone.mp3"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"left over from an older recipe")

    again = generate_library(DEMO_LIBRARY, generated.dest, cache_dir=generated.cache)

    assert again == generated.roots
    assert all_files(generated.cache) == templates
    assert all_files(generated.dest) == library  # same files, untouched as nothing changed
    assert not (generated.roots["music"] / "Stray Artist").exists()


def test_refuses_to_take_over_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        generate_library(DEMO_LIBRARY, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["precious.txt"]


# Bulk generation for the benchmark -----------------------------------------------------------


def test_bulk_music_tracks_are_distinct_and_tagged(generated: Generated, tmp_path: Path) -> None:
    generate_bulk_music(tmp_path, 50, cache_dir=generated.cache)
    files = all_files(tmp_path)
    assert len(files) == 50
    assert {path.suffix for path in files} == {".mp3", ".flac", ".ogg", ".m4a"}
    for index in range(50):
        track = bulk_track(index)
        tags = read_tags(tmp_path / track.rel_path, track.format)
        assert vars_of(tags) == vars_of(expected_tags(track))
    assert len({bulk_track(i).title for i in range(50)}) == 50
    assert len({bulk_track(i).album for i in range(50)}) == 5


def test_bulk_videos_and_photos(generated: Generated, tmp_path: Path) -> None:
    generate_bulk_videos(tmp_path / "videos", 3, cache_dir=generated.cache)
    names = sorted(p.relative_to(tmp_path / "videos").as_posix() for p in all_files(tmp_path))
    assert names == [f"Film {i:04d} ({1950 + i})/Film {i:04d} ({1950 + i}).mkv" for i in range(3)]

    generate_bulk_photos(tmp_path / "photos", 120)
    photos = all_files(tmp_path / "photos")
    assert len(photos) == 120
    assert len({path.parent for path in photos}) == 2
    dates = set()
    for index in (0, 99, 100, 119):
        with Image.open(tmp_path / "photos" / bulk_photo(index).rel_path) as image:
            dates.add(image.getexif().get_ifd(0x8769)[0x9003])
    assert len(dates) == 4
