"""Render library recipes into real files: each ffmpeg template once, then tagged copies."""

# mutagen marks its package typed but leaves most constructors and methods unannotated.
# mypy: disallow-untyped-calls=False

import base64
import hashlib
import io
import os
import tempfile
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from mutagen.flac import FLAC, Picture
from mutagen.id3 import (
    APIC,
    ID3,
    TALB,
    TCMP,
    TCON,
    TDRC,
    TIT2,
    TPE1,
    TPE2,
    TPOS,
    TRCK,
    Encoding,
    ID3v1SaveOptions,
    PictureType,
)
from mutagen.mp4 import MP4, MP4Cover
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from PIL import Image, ImageOps
from PIL.TiffImagePlugin import IFDRational

from parlour.demo.recipes import (
    AUDIO_SUFFIXES,
    TAKEN_AT_FORMAT,
    LibraryRecipe,
    PhotoRecipe,
    TrackRecipe,
)
from parlour.media.ffmpeg import file_input, run_ffmpeg

# Left in a generated library so that a later run knows the folder is its own to replace.
MARKER_NAME = ".parlour-demo"
ROOT_NAMES = ("music", "movies", "shows", "photos")

EMBEDDED_COVER_SIZE = 96
FOLDER_COVER_SIZE = 240
# Long enough for a player to play, seek and show subtitles (issue 6); small and fast to
# encode, with a keyframe every two seconds so that HLS can cut it into segments.
VIDEO_SECONDS = 24
VIDEO_SIZE = "160x90"
VIDEO_GOP = 48
BULK_FORMATS = ("mp3", "flac", "ogg", "m4a")
BULK_SECONDS = 1.0

# Encoder and version tags stay out, so a template holds its streams and nothing else.
_BITEXACT = ("-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact")
_AUDIO_CODECS: dict[str, tuple[str, ...]] = {
    "mp3": ("-c:a", "libmp3lame", "-b:a", "96k", "-id3v2_version", "0", "-write_id3v1", "0"),
    "flac": ("-c:a", "flac"),
    "ogg": ("-c:a", "libvorbis", "-q:a", "1"),
    "opus": ("-c:a", "libopus", "-b:a", "48k"),
    "m4a": ("-c:a", "aac", "-b:a", "96k"),
}
_AUDIO_MUXERS = {"mp3": "mp3", "flac": "flac", "ogg": "ogg", "opus": "opus", "m4a": "ipod"}
_VIDEO_MUXERS = {".mkv": "matroska", ".mp4": "mp4"}

# EXIF tag numbers (Exif 2.32, section 4.6).
_MAKE, _MODEL, _ORIENTATION, _DATETIME = 0x010F, 0x0110, 0x0112, 0x0132
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _DATETIME_DIGITIZED = 0x9003, 0x9004
_PIXEL_X, _PIXEL_Y = 0xA002, 0xA003
_GPS_VERSION, _GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 0, 1, 2, 3, 4


@dataclass(frozen=True, slots=True)
class _Template:
    """A media file ffmpeg renders once; its cache name carries a hash of its arguments."""

    label: str
    suffix: str
    args: tuple[str, ...]

    @property
    def file_name(self) -> str:
        digest = hashlib.sha256("\0".join(self.args).encode()).hexdigest()[:16]
        return f"{self.label}-{digest}{self.suffix}"


def _audio_template(fmt: str, duration_s: float) -> _Template:
    rate = 48000 if fmt == "opus" else 44100  # Opus only runs at 48 kHz
    source = f"sine=frequency=440:sample_rate={rate}:duration={duration_s:g}"
    args = (
        *("-f", "lavfi", "-i", source, "-ac", "2"),
        *_AUDIO_CODECS[fmt],
        *_BITEXACT,
        *("-f", _AUDIO_MUXERS[fmt]),
    )
    return _Template(f"{fmt}-{duration_s:g}s", AUDIO_SUFFIXES[fmt], args)


def _video_template(suffix: str) -> _Template:
    picture = f"testsrc2=size={VIDEO_SIZE}:rate=24:duration={VIDEO_SECONDS:g}"
    tone = f"sine=frequency=330:sample_rate=48000:duration={VIDEO_SECONDS:g}"
    args = (
        *("-f", "lavfi", "-i", picture, "-f", "lavfi", "-i", tone, "-map", "0:v", "-map", "1:a"),
        *("-c:v", "libx264", "-preset", "ultrafast", "-crf", "32", "-pix_fmt", "yuv420p"),
        *("-g", str(VIDEO_GOP), "-keyint_min", str(VIDEO_GOP)),
        *("-c:a", "aac", "-b:a", "64k", "-ac", "2", "-metadata:s:a:0", "language=eng"),
        *_BITEXACT,
        *("-flags:v", "+bitexact", "-f", _VIDEO_MUXERS[suffix]),
    )
    return _Template(f"video-{suffix[1:]}", suffix, args)


@contextmanager
def _template_dir(cache_dir: Path | None) -> Iterator[Path]:
    """The cache folder, or a scratch folder that lives only as long as one generation."""
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        yield cache_dir
        return
    with tempfile.TemporaryDirectory(prefix="parlour-demo-") as scratch:
        yield Path(scratch)


def _render(template: _Template, folder: Path) -> Path:
    target = folder / template.file_name
    if target.is_file():
        return target
    # Render beside the target and rename, so a crash or a concurrent run never leaves half a file.
    partial = folder / f".render-{uuid.uuid4().hex}{template.suffix}"
    try:
        run_ffmpeg(["-y", *template.args, file_input(partial)])
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _render_all(templates: Iterable[_Template], cache_dir: Path | None) -> dict[_Template, bytes]:
    """Render the templates not yet cached, a few at once, and return every one's bytes."""
    wanted = sorted(set(templates), key=lambda t: t.file_name)
    with _template_dir(cache_dir) as folder:
        workers = max(1, min(4, os.cpu_count() or 1, len(wanted)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            paths = list(pool.map(lambda t: _render(t, folder), wanted))
        return {t: path.read_bytes() for t, path in zip(wanted, paths, strict=True)}


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` unless it is already there; swap it in whole so readers never see part."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return  # unchanged files keep their mtime, so a rescan has nothing to do
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.part")
    partial.write_bytes(data)
    partial.replace(path)


@lru_cache(maxsize=64)
def _gradient(width: int, height: int, seed: str) -> Image.Image:
    """A gradient whose colours follow from ``seed``; cached, as bulk photos share a few."""
    shade = hashlib.sha256(seed.encode()).digest()
    grey = Image.linear_gradient("L").resize((width, height))
    return ImageOps.colorize(grey, black=tuple(shade[0:3]), white=tuple(shade[3:6]))


def _jpeg(width: int, height: int, seed: str, exif: Image.Exif | None = None) -> bytes:
    image = _gradient(width, height, seed)
    out = io.BytesIO()
    if exif is None:
        image.save(out, "JPEG", quality=80)
    else:
        image.save(out, "JPEG", quality=80, exif=exif)
    return out.getvalue()


def _id3_tags(buffer: io.BytesIO, track: TrackRecipe, cover: bytes | None) -> None:
    utf8 = Encoding.UTF8
    tags = ID3()
    tags.add(TIT2(encoding=utf8, text=[track.title]))
    tags.add(TPE1(encoding=utf8, text=list(track.artists)))
    tags.add(TALB(encoding=utf8, text=[track.album]))
    tags.add(TPE2(encoding=utf8, text=list(track.album_artists)))
    tags.add(TRCK(encoding=utf8, text=[f"{track.track_no}/{track.track_total}"]))
    tags.add(TPOS(encoding=utf8, text=[f"{track.disc_no}/{track.disc_total}"]))
    tags.add(TDRC(encoding=utf8, text=[str(track.year)]))
    tags.add(TCON(encoding=utf8, text=list(track.genres)))
    if track.compilation:
        tags.add(TCMP(encoding=utf8, text=["1"]))
    if cover is not None:
        tags.add(
            APIC(
                encoding=utf8, mime="image/jpeg", type=PictureType.COVER_FRONT, desc="", data=cover
            )
        )
    buffer.seek(0)
    tags.save(buffer, v2_version=4, v1=ID3v1SaveOptions.REMOVE)


def _vorbis_tags(buffer: io.BytesIO, track: TrackRecipe, cover: bytes | None) -> None:
    kind = {"flac": FLAC, "ogg": OggVorbis, "opus": OggOpus}[track.format]
    audio = kind(buffer)
    if audio.tags is None:
        audio.add_tags()
    tags = audio.tags
    assert tags is not None
    for key in list(tags.keys()):
        del tags[key]
    fields: dict[str, list[str]] = {
        "TITLE": [track.title],
        "ARTIST": list(track.artists),
        "ALBUM": [track.album],
        "ALBUMARTIST": list(track.album_artists),
        "TRACKNUMBER": [str(track.track_no)],
        "TRACKTOTAL": [str(track.track_total)],
        "DISCNUMBER": [str(track.disc_no)],
        "DISCTOTAL": [str(track.disc_total)],
        "DATE": [str(track.year)],
        "GENRE": list(track.genres),
    }
    if track.compilation:
        fields["COMPILATION"] = ["1"]
    for key, values in fields.items():
        tags[key] = values
    if isinstance(audio, FLAC):
        audio.clear_pictures()
    if cover is not None:
        picture = Picture()
        picture.type = PictureType.COVER_FRONT
        picture.mime = "image/jpeg"
        picture.width = picture.height = EMBEDDED_COVER_SIZE
        picture.depth = 24
        picture.data = cover
        if isinstance(audio, FLAC):
            audio.add_picture(picture)
        else:
            # Ogg has no picture block: the FLAC one travels base64-encoded in a comment.
            encoded = base64.b64encode(picture.write()).decode("ascii")
            tags["METADATA_BLOCK_PICTURE"] = [encoded]
    buffer.seek(0)
    audio.save(buffer)


def _mp4_tags(buffer: io.BytesIO, track: TrackRecipe, cover: bytes | None) -> None:
    audio = MP4(buffer)
    if audio.tags is None:
        audio.add_tags()
    tags = audio.tags
    assert tags is not None
    tags.clear()
    tags["\xa9nam"] = [track.title]
    tags["\xa9ART"] = list(track.artists)
    tags["\xa9alb"] = [track.album]
    tags["aART"] = list(track.album_artists)
    tags["trkn"] = [(track.track_no, track.track_total)]
    tags["disk"] = [(track.disc_no, track.disc_total)]
    tags["\xa9day"] = [str(track.year)]
    tags["\xa9gen"] = list(track.genres)
    if track.compilation:
        tags["cpil"] = True
    if cover is not None:
        tags["covr"] = [MP4Cover(cover, imageformat=MP4Cover.FORMAT_JPEG)]
    buffer.seek(0)
    audio.save(buffer)


def _tagged(template: bytes, track: TrackRecipe, cover: bytes | None) -> bytes:
    """The template's bytes carrying the track's tags in its format's native scheme."""
    buffer = io.BytesIO(template)
    if track.format == "mp3":
        _id3_tags(buffer, track, cover)
    elif track.format == "m4a":
        _mp4_tags(buffer, track, cover)
    else:
        _vorbis_tags(buffer, track, cover)
    return buffer.getvalue()


def _gps_rationals(degrees: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    """Degrees, minutes and hundredths of seconds, as EXIF GPS wants them."""
    hundredths = round(abs(degrees) * 360_000)
    whole, rest = divmod(hundredths, 360_000)
    minutes, seconds = divmod(rest, 6_000)
    return IFDRational(whole, 1), IFDRational(minutes, 1), IFDRational(seconds, 100)


def _photo_exif(photo: PhotoRecipe) -> Image.Exif:
    stamp = datetime.strptime(photo.taken_at, TAKEN_AT_FORMAT).strftime("%Y:%m:%d %H:%M:%S")
    exif = Image.Exif()
    exif[_MAKE] = photo.camera_make
    exif[_MODEL] = photo.camera_model
    exif[_ORIENTATION] = 1
    exif[_DATETIME] = stamp
    details = exif.get_ifd(_EXIF_IFD)
    details[_DATETIME_ORIGINAL] = stamp
    details[_DATETIME_DIGITIZED] = stamp
    details[_PIXEL_X] = photo.width
    details[_PIXEL_Y] = photo.height
    if photo.gps is not None:
        latitude, longitude = photo.gps
        gps = exif.get_ifd(_GPS_IFD)
        gps[_GPS_VERSION] = bytes((2, 2, 0, 0))
        gps[_GPS_LAT_REF] = "N" if latitude >= 0 else "S"
        gps[_GPS_LAT] = _gps_rationals(latitude)
        gps[_GPS_LON_REF] = "E" if longitude >= 0 else "W"
        gps[_GPS_LON] = _gps_rationals(longitude)
    return exif


def _photo(photo: PhotoRecipe, seed: str) -> bytes:
    return _jpeg(photo.width, photo.height, seed, _photo_exif(photo))


SUBTITLE_CUE_S = 3


def _srt_time(seconds: float) -> str:
    whole = int(seconds)
    millis = round((seconds - whole) * 1000)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d},{millis:03d}"


def _subtitles(title: str) -> bytes:
    """A cue every few seconds from start to end: the title first, then numbered lines."""
    cues = []
    for number, start in enumerate(range(0, int(VIDEO_SECONDS), SUBTITLE_CUE_S), start=1):
        text = title if number == 1 else f"A sample subtitle from the Parlour demo ({number})."
        end = min(start + SUBTITLE_CUE_S - 0.2, VIDEO_SECONDS)
        cues.append(f"{number}\n{_srt_time(start)} --> {_srt_time(end)}\n{text}\n")
    return "\n".join(cues).encode("utf-8")


def _nfo(
    title: str,
    year: int,
    plot: str,
    genres: tuple[str, ...],
    mpaa: str,
    cast: tuple[tuple[str, str], ...] = (),
) -> bytes:
    """A Kodi movie .nfo (https://kodi.wiki/view/NFO_files/Movies) with the given fields;
    ``cast`` is (actor, role) pairs."""
    movie = ET.Element("movie")
    ET.SubElement(movie, "title").text = title
    ET.SubElement(movie, "year").text = str(year)
    if plot:
        ET.SubElement(movie, "plot").text = plot
    for genre in genres:
        ET.SubElement(movie, "genre").text = genre
    if mpaa:
        ET.SubElement(movie, "mpaa").text = mpaa
    for name, role in cast:
        actor = ET.SubElement(movie, "actor")
        ET.SubElement(actor, "name").text = name
        ET.SubElement(actor, "role").text = role
    ET.indent(movie)
    body = ET.tostring(movie, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{body}\n'.encode()


def _claim(dest: Path, cache_dir: Path | None) -> None:
    """Make ``dest`` ours, refusing a non-empty folder an earlier generation did not make."""
    dest.mkdir(parents=True, exist_ok=True)
    marker = dest / MARKER_NAME
    if not marker.is_file():
        cache = cache_dir.resolve() if cache_dir is not None else None
        if any(entry.resolve() != cache for entry in dest.iterdir()):
            raise FileExistsError(
                f"{dest} is not empty and was not made by the demo generator; not replacing it"
            )
        marker.write_text("Made by Parlour's demo generator; regenerating replaces it.\n")


def _prune(root: Path, keep: set[Path]) -> None:
    """Remove what an earlier recipe left under ``root`` that this one did not write."""
    for folder, dirs, files in os.walk(root, topdown=False):
        here = Path(folder)
        for name in files:
            if here / name not in keep:
                (here / name).unlink()
        for name in dirs:
            if (here / name).is_symlink():
                (here / name).unlink()
        if here != root and not any(here.iterdir()):
            here.rmdir()


def generate_library(
    recipe: LibraryRecipe, dest: Path, *, cache_dir: Path | None = None
) -> dict[str, Path]:
    """Write ``recipe`` under ``dest`` and return its music, movies, shows and photos roots.

    ffmpeg renders each distinct template once (cached in ``cache_dir`` when given); every
    file is then a copy with its own tags. Running again replaces the library cleanly.
    """
    _claim(dest, cache_dir)
    roots = {name: dest / name for name in ROOT_NAMES}
    videos = [film.rel_path for film in recipe.movies] + [ep.rel_path for ep in recipe.shows]
    rendered = _render_all(
        [_video_template(Path(rel_path).suffix.lower()) for rel_path in videos]
        + [_audio_template(track.format, track.duration_s) for track in recipe.music],
        cache_dir,
    )

    def video(rel_path: str) -> bytes:
        return rendered[_video_template(Path(rel_path).suffix.lower())]

    written: set[Path] = set()

    def put(path: Path, data: bytes) -> None:
        _write(path, data)
        written.add(path)

    covers: dict[tuple[tuple[str, ...], str], bytes] = {}
    for track in recipe.music:
        cover = None
        if track.embedded_cover:
            key = (track.album_artists, track.album)
            if key not in covers:
                seed = "/".join((*track.album_artists, track.album))
                covers[key] = _jpeg(EMBEDDED_COVER_SIZE, EMBEDDED_COVER_SIZE, seed)
            cover = covers[key]
        template = rendered[_audio_template(track.format, track.duration_s)]
        put(roots["music"] / track.rel_path, _tagged(template, track, cover))
    for rel in recipe.folder_covers:
        put(roots["music"] / rel, _jpeg(FOLDER_COVER_SIZE, FOLDER_COVER_SIZE, rel))
    for film in recipe.movies:
        path = roots["movies"] / film.rel_path
        put(path, video(film.rel_path))
        for name in film.subtitles:
            put(path.with_name(name), _subtitles(film.title))
        if film.nfo:
            nfo = _nfo(film.title, film.year, film.plot, film.genres, film.mpaa, film.cast)
            put(path.with_suffix(".nfo"), nfo)
    for episode in recipe.shows:
        put(roots["shows"] / episode.rel_path, video(episode.rel_path))
    for photo in recipe.photos:
        put(roots["photos"] / photo.rel_path, _photo(photo, photo.rel_path))

    for root in roots.values():
        root.mkdir(parents=True, exist_ok=True)
        _prune(root, written)
    return roots


def bulk_track(index: int) -> TrackRecipe:
    """Track ``index`` of a bulk library: ten tracks an album, ten albums an artist."""
    album_no, track_no = divmod(index, 10)
    artist = f"Bulk Artist {index // 100:04d}"
    album = f"Bulk Album {album_no:05d}"
    year = 1960 + album_no % 60
    fmt = BULK_FORMATS[album_no % len(BULK_FORMATS)]
    title = f"Bulk Track {index:05d}"
    return TrackRecipe(
        rel_path=f"{artist}/{album} ({year})/{track_no + 1:02d} - {title}{AUDIO_SUFFIXES[fmt]}",
        format=fmt,
        title=title,
        artists=(artist,),
        album=album,
        album_artists=(artist,),
        track_no=track_no + 1,
        track_total=10,
        disc_no=1,
        disc_total=1,
        year=year,
        genres=(("Rock", "Jazz", "Folk", "Electronic", "Classical")[album_no % 5],),
        compilation=False,
        embedded_cover=False,
        duration_s=BULK_SECONDS,
    )


def generate_bulk_music(dest: Path, tracks: int, *, cache_dir: Path | None = None) -> None:
    """Write ``tracks`` distinct tagged tracks (MP3, FLAC, Ogg Vorbis, M4A) right under ``dest``."""
    templates = {fmt: _audio_template(fmt, BULK_SECONDS) for fmt in BULK_FORMATS}
    rendered = _render_all(templates.values(), cache_dir)
    for index in range(tracks):
        track = bulk_track(index)
        data = _tagged(rendered[templates[track.format]], track, None)
        _write(dest / track.rel_path, data)


def generate_bulk_videos(dest: Path, count: int, *, cache_dir: Path | None = None) -> None:
    """Write ``count`` films as ``Film NNNN (YEAR)/Film NNNN (YEAR).mkv`` under ``dest``."""
    template = _video_template(".mkv")
    data = _render_all([template], cache_dir)[template]
    for index in range(count):
        name = f"Film {index:04d} ({1950 + index % 75})"
        _write(dest / name / f"{name}.mkv", data)


def bulk_photo(index: int) -> PhotoRecipe:
    """Photo ``index`` of a bulk library: a hundred to a folder, each taken at its own moment."""
    taken = datetime(2020, 1, 1, 8, 0, 0) + index * timedelta(minutes=47, seconds=13)
    return PhotoRecipe(
        rel_path=f"Batch {index // 100:03d}/IMG_{index:05d}.jpg",
        taken_at=taken.strftime(TAKEN_AT_FORMAT),
        camera_make="Vantarex",
        camera_model=("VX-20", "VX-30", "VX-Mini")[index % 3],
        gps=(45.0 + (index % 900) / 100, 7.0 + (index % 700) / 100) if index % 5 == 0 else None,
        width=160,
        height=120,
    )


def generate_bulk_photos(dest: Path, count: int) -> None:
    """Write ``count`` JPEGs with distinct EXIF dates, a hundred to a folder, under ``dest``."""
    for index in range(count):
        photo = bulk_photo(index)
        _write(dest / photo.rel_path, _photo(photo, photo.camera_model))
