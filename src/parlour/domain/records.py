"""What a scan hands to the catalogue: files, what they turned out to be, and folder sidecars."""

from dataclasses import dataclass, field

from parlour.domain.media import AudioTags, FileKind, NfoInfo, PhotoInfo, VideoInfo


@dataclass(frozen=True, slots=True)
class TrackRecord:
    """A music track with the names that decide its album and artists."""

    tags: AudioTags
    title: str
    artists: tuple[str, ...]
    album: str
    album_artists: tuple[str, ...]
    compilation: bool


@dataclass(frozen=True, slots=True)
class MovieRecord:
    """A film (movies library) or a plain video (videos library)."""

    title: str
    year: int | None
    video: VideoInfo


@dataclass(frozen=True, slots=True)
class EpisodeRecord:
    show: str
    show_year: int | None
    season: int
    episode: int | None
    episode_end: int | None
    air_date: str | None
    title: str
    video: VideoInfo


@dataclass(frozen=True, slots=True)
class PhotoRecord:
    title: str
    photo: PhotoInfo


ItemRecord = TrackRecord | MovieRecord | EpisodeRecord | PhotoRecord


@dataclass(frozen=True, slots=True)
class ScannedFile:
    """One file after probing: where it is, and either what it is or why it failed.

    ``file_id`` is the catalogue id to keep: the file's own for a changed file, the old
    one for a file that moved, None for a file seen for the first time.
    """

    root_id: str
    rel_path: bytes
    kind: FileKind
    size: int
    mtime_ns: int
    inode: int
    fingerprint: str | None
    record: ItemRecord | None
    error: str | None
    file_id: str | None = None


@dataclass(frozen=True, slots=True)
class SubtitleSidecar:
    video_file_id: str
    rel_path: bytes
    format: str
    language: str | None
    forced: bool
    sdh: bool
    default: bool


@dataclass(frozen=True, slots=True)
class ArtworkChoice:
    """Which image to show for an item: a sidecar file by path, or None for the fallback."""

    item_table: str  # "albums" | "movies" | "shows" | "seasons"
    item_id: str
    column: str  # "cover_id" | "poster_id" | "fanart_id"
    rel_path: bytes | None


@dataclass(frozen=True, slots=True)
class NfoChoice:
    """Metadata from an .nfo for one item, or None to fall back to names and tags."""

    item_table: str  # "movies" | "shows" | "episodes"
    item_id: str
    nfo: NfoInfo | None
    title: str  # from names and tags, used when the .nfo gives none
    year: int | None = None


@dataclass(slots=True)
class SidecarPlan:
    """Everything the sidecar pass decided for one folder."""

    folder_id: str
    root_id: str
    subtitles: list[SubtitleSidecar] = field(default_factory=list)
    artwork: list[ArtworkChoice] = field(default_factory=list)
    nfo: list[NfoChoice] = field(default_factory=list)
    failures: list[tuple[bytes, str]] = field(default_factory=list)  # unreadable .nfo


@dataclass(frozen=True, slots=True)
class FolderVideo:
    file_id: str
    name: bytes
    item_table: str  # "movies" | "episodes"
    item_id: str


@dataclass(frozen=True, slots=True)
class FolderItems:
    """What the catalogue holds in one folder, for the sidecar pass to decorate.

    ``albums`` are those whose album folder this is: their tracks lie here, or in a
    disc subfolder ("Disc 1", "CD2") of this folder. ``seasons`` are (id, number) pairs of
    the seasons of a show rooted here and of the episodes in this folder.
    """

    folder_id: str
    root_id: str
    rel_path: bytes
    library_kind: str
    videos: tuple[FolderVideo, ...] = ()
    albums: tuple[str, ...] = ()
    shows: tuple[str, ...] = ()
    seasons: tuple[tuple[str, int], ...] = ()
    season_folder: bool = False  # the episodes here are one season's
