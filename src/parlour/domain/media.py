"""What the scanner learns about a file, independent of where it is stored."""

import re
from dataclasses import dataclass, field
from enum import StrEnum

_DISC_FOLDER = re.compile(r"^(disc|disk|cd)\s*\d+\b", re.IGNORECASE)


def is_disc_folder(name: str) -> bool:
    """True for folders such as "Disc 1", "CD2" that hold one disc of an album."""
    return bool(_DISC_FOLDER.match(name))


class LibraryKind(StrEnum):
    """The kinds of library an admin can add; each decides how files are read."""

    MUSIC = "music"
    MOVIES = "movies"
    SHOWS = "shows"
    PHOTOS = "photos"
    VIDEOS = "videos"


class FileKind(StrEnum):
    """What a catalogued file is, decided by its extension and the library kind."""

    AUDIO = "audio"
    VIDEO = "video"
    PHOTO = "photo"
    OTHER = "other"  # a path that could not be classified (e.g. a failed directory)


class StreamType(StrEnum):
    VIDEO = "video"
    AUDIO = "audio"
    SUBTITLE = "subtitle"


@dataclass(frozen=True, slots=True)
class AudioTags:
    """Tags and stream facts of one audio file, as read by the audio prober."""

    codec: str
    duration_ms: int
    title: str | None = None
    artists: tuple[str, ...] = ()
    album: str | None = None
    album_artists: tuple[str, ...] = ()
    track_no: int | None = None
    track_total: int | None = None
    disc_no: int | None = None
    disc_total: int | None = None
    year: int | None = None
    date: str | None = None  # ISO 8601, possibly partial: "1999", "1999-04", "1999-04-12"
    genres: tuple[str, ...] = ()
    compilation: bool = False
    bitrate: int | None = None  # bits per second
    sample_rate: int | None = None
    channels: int | None = None
    bit_depth: int | None = None
    rg_track_gain: float | None = None  # dB
    rg_track_peak: float | None = None
    rg_album_gain: float | None = None
    rg_album_peak: float | None = None
    mb_recording_id: str | None = None
    mb_track_id: str | None = None
    mb_album_id: str | None = None
    mb_release_group_id: str | None = None
    mb_artist_ids: tuple[str, ...] = ()
    mb_album_artist_ids: tuple[str, ...] = ()
    has_picture: bool = False
    has_lyrics: bool = False


@dataclass(frozen=True, slots=True)
class MediaStream:
    """One stream inside a container, with what a playback decision needs to know."""

    index: int
    type: StreamType
    codec: str
    profile: str | None = None
    level: int | None = None
    language: str | None = None  # ISO 639-2 as tagged, e.g. "eng"
    title: str | None = None
    width: int | None = None
    height: int | None = None
    frame_rate: float | None = None
    bit_depth: int | None = None
    hdr: bool = False
    channels: int | None = None
    channel_layout: str | None = None
    sample_rate: int | None = None
    bitrate: int | None = None
    is_default: bool = False
    is_forced: bool = False


@dataclass(frozen=True, slots=True)
class Chapter:
    index: int
    start_ms: int
    end_ms: int
    title: str | None = None


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """Container facts, streams and chapters of one video file."""

    container: str
    duration_ms: int
    bitrate: int | None = None
    title: str | None = None  # the container's own title tag, if any
    streams: tuple[MediaStream, ...] = ()
    chapters: tuple[Chapter, ...] = ()


@dataclass(frozen=True, slots=True)
class PhotoInfo:
    """Header facts of one image; GPS is stored but private to its owner."""

    format: str
    width: int
    height: int
    taken_at: str | None = None  # ISO 8601 local time as the camera wrote it
    camera_make: str | None = None
    camera_model: str | None = None
    orientation: int | None = None  # EXIF orientation 1..8
    latitude: float | None = None
    longitude: float | None = None
    altitude: float | None = None


Probed = AudioTags | VideoInfo | PhotoInfo


@dataclass(frozen=True, slots=True)
class ProbeOutcome:
    """The result of probing one file: what it is, or why it could not be read."""

    fingerprint: str | None
    info: Probed | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class NfoInfo:
    """Fields read from a Kodi-style .nfo file (movie, tvshow or episodedetails)."""

    title: str | None = None
    original_title: str | None = None
    sort_title: str | None = None
    year: int | None = None
    plot: str | None = None
    tagline: str | None = None
    content_rating: str | None = None
    premiered: str | None = None  # ISO date
    season: int | None = None
    episode: int | None = None
    genres: tuple[str, ...] = ()
    directors: tuple[str, ...] = ()
    actors: tuple[tuple[str, str | None], ...] = field(default=())  # (name, role)
