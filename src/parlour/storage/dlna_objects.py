"""The objects of the DLNA ContentDirectory as the catalogue describes them, and their
object ids.

An object id is a short prefix and the catalogue ids it needs (``A-<album id>``,
``G-<library id>-<genre id>``): stable across scans of unchanged files, opaque to a
device, and enough to find the object again without any state. The root is ``0``.
"""

from dataclasses import dataclass

ROOT = "0"

# Containers
LIBRARY = "L"  # a shared library
ARTISTS, ALBUMS, GENRES, TRACKS, FOLDERS, DATES = "ar", "al", "g", "tr", "fo", "y"  # + library
ARTIST, ALBUM, SHOW, SEASON, FOLDER = "a", "A", "s", "S", "f"  # + catalogue id
GENRE, YEAR = "G", "Y"  # + library id + genre id / year ("none": undated)
# Items
TRACK, MOVIE, EPISODE, PHOTO = "t", "m", "e", "p"
ITEM_KINDS = {TRACK: "track", MOVIE: "movie", EPISODE: "episode", PHOTO: "photo"}
KIND_PREFIX = {kind: prefix for prefix, kind in ITEM_KINDS.items()}

STORAGE_FOLDER = "object.container.storageFolder"
MUSIC_ARTIST = "object.container.person.musicArtist"
MUSIC_ALBUM = "object.container.album.musicAlbum"
MUSIC_GENRE = "object.container.genre.musicGenre"
ITEM_CLASSES = {
    "track": "object.item.audioItem.musicTrack",
    "movie": "object.item.videoItem.movie",
    "video": "object.item.videoItem",  # a plain video of a "videos" library
    "episode": "object.item.videoItem",
    "photo": "object.item.imageItem.photo",
}


def object_id(prefix: str, *parts: str) -> str:
    return "-".join((prefix, *parts))


def split_id(text: str) -> tuple[str, list[str]]:
    """The prefix and parts of an object id; parts are catalogue ids (32 hex digits),
    years or ``none`` (anything else cannot name an object)."""
    prefix, _, rest = text.partition("-")
    parts = rest.split("-") if rest else []
    return prefix, parts


@dataclass(frozen=True, slots=True)
class DlnaContainer:
    object_id: str
    parent_id: str
    title: str
    upnp_class: str = STORAGE_FOLDER
    artist: str | None = None
    date: str | None = None  # YYYY or YYYY-MM-DD
    art_id: str | None = None  # an artwork id (cover, poster)
    child_count: int | None = None


@dataclass(frozen=True, slots=True)
class DlnaSubtitle:
    subtitle_id: str
    format: str  # "srt", "ass", "vtt"
    language: str | None


@dataclass(frozen=True, slots=True)
class DlnaItem:
    object_id: str
    parent_id: str
    item_id: str  # the catalogue id its media URLs are signed for
    kind: str  # "track" | "movie" | "video" | "episode" | "photo"
    title: str
    rel_path: bytes  # for the file's type and name
    size: int
    duration_ms: int | None = None
    bitrate: int | None = None  # bit/s
    artist: str | None = None
    album: str | None = None
    genre: str | None = None
    track_no: int | None = None
    date: str | None = None
    sample_rate: int | None = None
    channels: int | None = None
    width: int | None = None
    height: int | None = None
    audio_codec: str | None = None
    video_codec: str | None = None
    art_id: str | None = None
    subtitles: tuple[DlnaSubtitle, ...] = ()

    @property
    def upnp_class(self) -> str:
        return ITEM_CLASSES[self.kind]


DlnaObject = DlnaContainer | DlnaItem


@dataclass(frozen=True, slots=True)
class ItemRef:
    """An item in a listing before its details are read: (kind, catalogue id)."""

    kind: str  # "track" | "movie" | "episode" | "photo"
    item_id: str


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of a container's children (or a search's matches) and how many there
    are in all."""

    total: int
    entries: list[DlnaContainer | ItemRef]
