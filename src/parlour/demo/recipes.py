"""Declarative recipes for the demo library: every file, tag and folder it is made of."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePosixPath

# The file name suffix each audio format is written with.
AUDIO_SUFFIXES: Mapping[str, str] = {
    "mp3": ".mp3",
    "flac": ".flac",
    "ogg": ".ogg",
    "opus": ".opus",
    "m4a": ".m4a",
}
VIDEO_SUFFIXES = frozenset({".mkv", ".mp4"})
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg"})
TAKEN_AT_FORMAT = "%Y-%m-%dT%H:%M:%S"


def _check_rel_path(rel_path: str, suffixes: frozenset[str] | None = None) -> None:
    """Reject a path that could land outside its library root or has the wrong suffix."""
    path = PurePosixPath(rel_path)
    if not rel_path or "\\" in rel_path or path.is_absolute() or ".." in path.parts:
        raise ValueError(f"recipe path must be relative and stay inside its root: {rel_path!r}")
    if suffixes is not None and path.suffix.lower() not in suffixes:
        raise ValueError(f"{rel_path!r} must end in one of {sorted(suffixes)}")


@dataclass(frozen=True, slots=True)
class TrackRecipe:
    """One tagged audio file under the music root."""

    rel_path: str
    format: str
    title: str
    artists: tuple[str, ...]
    album: str
    album_artists: tuple[str, ...]
    track_no: int
    track_total: int
    disc_no: int
    disc_total: int
    year: int
    genres: tuple[str, ...]
    compilation: bool
    embedded_cover: bool
    duration_s: float

    def __post_init__(self) -> None:
        if self.format not in AUDIO_SUFFIXES:
            raise ValueError(f"unknown audio format {self.format!r}")
        _check_rel_path(self.rel_path, frozenset({AUDIO_SUFFIXES[self.format]}))
        if not self.artists or not self.album_artists:
            raise ValueError(f"{self.rel_path!r} needs at least one artist and album artist")
        if not 1 <= self.track_no <= self.track_total or not 1 <= self.disc_no <= self.disc_total:
            raise ValueError(f"{self.rel_path!r} has a track or disc number outside its total")
        if not 0 < self.duration_s <= 10:
            raise ValueError(f"{self.rel_path!r} duration must be a few seconds at most")


@dataclass(frozen=True, slots=True)
class FilmRecipe:
    """One film under the movies root, with optional sidecar subtitles and a Kodi .nfo."""

    rel_path: str
    title: str
    year: int
    subtitles: tuple[str, ...] = ()
    nfo: bool = False
    # Written into the .nfo when ``nfo`` is set.
    plot: str = ""
    genres: tuple[str, ...] = ()
    mpaa: str = ""
    cast: tuple[tuple[str, str], ...] = ()  # (actor, role), in billing order

    def __post_init__(self) -> None:
        _check_rel_path(self.rel_path, VIDEO_SUFFIXES)
        for name in self.subtitles:
            if "/" in name or "\\" in name or not name.endswith(".srt"):
                raise ValueError(f"subtitle {name!r} must be a bare .srt file name")


@dataclass(frozen=True, slots=True)
class EpisodeRecipe:
    """One episode file under the shows root."""

    rel_path: str
    show: str
    season: int
    episode: int

    def __post_init__(self) -> None:
        _check_rel_path(self.rel_path, VIDEO_SUFFIXES)
        if self.season < 0 or self.episode < 1:
            raise ValueError(f"{self.rel_path!r} has an impossible season or episode number")


@dataclass(frozen=True, slots=True)
class PhotoRecipe:
    """One JPEG under the photos root with the EXIF a camera would write."""

    rel_path: str
    taken_at: str
    camera_make: str
    camera_model: str
    gps: tuple[float, float] | None
    width: int
    height: int

    def __post_init__(self) -> None:
        _check_rel_path(self.rel_path, PHOTO_SUFFIXES)
        datetime.strptime(self.taken_at, TAKEN_AT_FORMAT)  # raises on anything else
        if self.gps is not None and (abs(self.gps[0]) > 90 or abs(self.gps[1]) > 180):
            raise ValueError(f"{self.rel_path!r} has GPS outside the globe: {self.gps}")
        if self.width < 1 or self.height < 1:
            raise ValueError(f"{self.rel_path!r} needs a positive size")


@dataclass(frozen=True, slots=True)
class LibraryRecipe:
    """A whole library: paths are relative to the music, movies, shows and photos roots."""

    music: tuple[TrackRecipe, ...]
    movies: tuple[FilmRecipe, ...]
    shows: tuple[EpisodeRecipe, ...]
    photos: tuple[PhotoRecipe, ...]
    folder_covers: tuple[str, ...]

    def __post_init__(self) -> None:
        for cover in self.folder_covers:
            _check_rel_path(cover, PHOTO_SUFFIXES)
        groups: tuple[Sequence[str], ...] = (
            [t.rel_path for t in self.music] + list(self.folder_covers),
            [f.rel_path for f in self.movies],
            [e.rel_path for e in self.shows],
            [p.rel_path for p in self.photos],
        )
        for paths in groups:
            # Two recipes for one path would silently overwrite each other.
            if len(set(paths)) != len(paths):
                raise ValueError("two recipes name the same file")


def _album(
    artist: str,
    album: str,
    year: int,
    fmt: str,
    genres: tuple[str, ...],
    discs: tuple[tuple[str, ...], ...],
    *,
    embedded_cover: bool,
    duration_s: float,
    guests: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] | None = None,
) -> tuple[TrackRecipe, ...]:
    """Lay out ``Artist/Album (Year)/[Disc N/]NN - Title.ext``; ``guests`` maps a title to
    its own (artists, genres)."""
    folder = f"{artist}/{album} ({year})"
    tracks: list[TrackRecipe] = []
    for disc_no, titles in enumerate(discs, start=1):
        disc_folder = f"{folder}/Disc {disc_no}" if len(discs) > 1 else folder
        for track_no, title in enumerate(titles, start=1):
            artists, track_genres = (guests or {}).get(title, ((artist,), genres))
            tracks.append(
                TrackRecipe(
                    rel_path=f"{disc_folder}/{track_no:02d} - {title}{AUDIO_SUFFIXES[fmt]}",
                    format=fmt,
                    title=title,
                    artists=artists,
                    album=album,
                    album_artists=(artist,),
                    track_no=track_no,
                    track_total=len(titles),
                    disc_no=disc_no,
                    disc_total=len(discs),
                    year=year,
                    genres=track_genres,
                    compilation=False,
                    embedded_cover=embedded_cover,
                    duration_s=duration_s,
                )
            )
    return tuple(tracks)


def _compilation() -> tuple[TrackRecipe, ...]:
    """``Compilations/Various Hits``: one artist per track, and every format once."""
    entries = (
        ("Neon Orchard", "Perihelion Choir", "mp3"),
        ("Satellite Hearts", "Copper Moths", "flac"),
        ("Rue des Étoiles", "Zéphyr Nocturne", "ogg"),
        ("Paper Boats", "The Quiet Ampersands", "opus"),
        ("Sunroom", "Brisa Lumínica", "m4a"),
        ("Windowsill", "Hollow Orchard", "mp3"),
    )
    return tuple(
        TrackRecipe(
            rel_path=f"Compilations/Various Hits/{n:02d} - {title}{AUDIO_SUFFIXES[fmt]}",
            format=fmt,
            title=title,
            artists=(artist,),
            album="Various Hits",
            album_artists=("Various Artists",),
            track_no=n,
            track_total=len(entries),
            disc_no=1,
            disc_total=1,
            year=2024,
            genres=("Pop",),
            compilation=True,
            embedded_cover=True,
            duration_s=1.0,
        )
        for n, (title, artist, fmt) in enumerate(entries, start=1)
    )


def _music() -> tuple[TrackRecipe, ...]:
    return (
        *_album(
            "Glass Harbour",
            "Lanterns Over Brine",
            2019,
            "mp3",
            ("Folk",),
            (("Tin Lantern", "Brine & Ember", "Ferryman's Ledger", "Gullwing Waltz", "Dusk"),),
            embedded_cover=True,
            duration_s=1.0,
        ),
        *_album(
            "Glass Harbour",
            "Salt Years",
            2022,
            "flac",
            ("Folk",),
            (("Salt Year", "Weathervane", "Cold Mooring", "Nets in Winter"),),
            embedded_cover=False,  # this album has a cover.jpg beside it instead
            duration_s=1.5,
        ),
        *_album(
            "Les Lucioles Électriques",
            "Lumière Défaillante",
            2017,
            "ogg",
            ("Chanson",),
            (("Été sans fin", "Néons fatigués", "Café des Ombres", "Luciole", "Minuit"),),
            embedded_cover=True,
            duration_s=1.0,
        ),
        *_album(
            "Ørnevinge Kvartett",
            "Fjordlys",
            2015,
            "flac",
            ("Jazz",),
            (("Morgenrøde", "Isbre", "Kvitveis"), ("Nordavind", "Blåtime", "Ættesang")),
            embedded_cover=True,
            duration_s=2.0,
        ),
        *_album(
            "Tidepool Static",
            "Low Tide Radio",
            2021,
            "opus",
            ("Indie Rock",),
            (("Static Bloom", "Rockpool Signals", "Undertow FM", "Barnacle Choir", "Low Tide"),),
            embedded_cover=False,
            duration_s=1.5,
            guests={
                "Rockpool Signals": (
                    ("Tidepool Static", "Les Lucioles Électriques"),
                    ("Indie Rock", "Shoegaze"),
                )
            },
        ),
        *_album(
            "Tidepool Static",
            "Brackish",
            2023,
            "m4a",
            ("Indie Rock",),
            (("Brackish", "Slack Water", "Sea Glass Summer", "Estuary"),),
            embedded_cover=True,
            duration_s=1.0,
        ),
        *_album(
            "Kōhaku Signal",
            "Drift Atlas",
            2020,
            "mp3",
            ("Electronic",),
            (("Paper Satellites", "Drift Atlas", "Kōen at Night", "Vapour Trails", "Last Tram"),),
            embedded_cover=False,
            duration_s=2.0,
            guests={
                "Vapour Trails": (("Kōhaku Signal", "Glass Harbour"), ("Electronic", "Ambient")),
            },
        ),
        *_compilation(),
    )


def _film(
    title: str,
    year: int,
    container: str = "mkv",
    *,
    subtitles: tuple[str, ...] = (),
    nfo: bool = False,
    plot: str = "",
    genres: tuple[str, ...] = (),
    mpaa: str = "",
    cast: tuple[tuple[str, str], ...] = (),
) -> FilmRecipe:
    """Lay out ``Title (Year)/Title (Year).ext``."""
    name = f"{title} ({year})"
    return FilmRecipe(
        f"{name}/{name}.{container}", title, year, subtitles, nfo, plot, genres, mpaa, cast
    )


def _movies() -> tuple[FilmRecipe, ...]:
    return (
        _film(
            "The Lighthouse Cartographer",
            2018,
            subtitles=("The Lighthouse Cartographer (2018).en.srt",),
            nfo=True,
            plot="A mapmaker keeps a lighthouse whose light shows coasts that are not there.",
            genres=("Drama", "Mystery"),
            mpaa="R",  # hidden from a user limited to PG-13 or below
            cast=(("Maren Solvik", "Ida Brekke"), ("Tobias Wren", "The Harbourmaster")),
        ),
        _film(
            "Paper Comets",
            2021,
            "mp4",
            nfo=True,
            plot="Two siblings build a comet out of newspaper and follow it across the county.",
            genres=("Adventure", "Family"),
            mpaa="PG",
            cast=(("Lotte Amberley", "June"), ("Caspian Hale", "Robin")),
        ),
        _film("Über den Wolkenhöfen", 2016),
    )


def _shows() -> tuple[EpisodeRecipe, ...]:
    show = "Quillon Bay"
    return tuple(
        EpisodeRecipe(
            f"{show}/Season {season:02d}/{show} S{season:02d}E{episode:02d}.mkv",
            show,
            season,
            episode,
        )
        for season, episodes in ((1, 3), (2, 2))
        for episode in range(1, episodes + 1)
    )


def _photo_folder(
    folder: str,
    first: int,
    count: int,
    start: str,
    step: timedelta,
    cameras: tuple[tuple[str, str], ...],
    gps: Mapping[int, tuple[float, float]],
) -> tuple[PhotoRecipe, ...]:
    """``count`` shots ``step`` apart; every fourth is portrait; ``gps`` maps an index to a fix."""
    began = datetime.strptime(start, TAKEN_AT_FORMAT)
    photos = []
    for i in range(count):
        make, model = cameras[i % len(cameras)]
        portrait = i % 4 == 3
        photos.append(
            PhotoRecipe(
                rel_path=f"{folder}/IMG_{first + i:04d}.jpg",
                taken_at=(began + i * step).strftime(TAKEN_AT_FORMAT),
                camera_make=make,
                camera_model=model,
                gps=gps.get(i),
                width=180 if portrait else 320,
                height=320 if portrait else 180,
            )
        )
    return tuple(photos)


def _photos() -> tuple[PhotoRecipe, ...]:
    # Invented camera makers, so nothing here names a real product.
    cameras = (("Vantarex", "VX-20"), ("Orrery Optics", "Pinhole One"))
    return (
        *_photo_folder(
            "2024 Summer",
            1,
            12,
            "2024-07-06T09:15:00",
            timedelta(hours=5, minutes=23, seconds=7),
            cameras,
            {0: (60.391263, 5.322054), 3: (60.3925, 5.3241), 7: (-33.8612, 151.2101)},
        ),
        *_photo_folder(
            "2025 Winter",
            13,
            8,
            "2025-01-18T14:02:30",
            timedelta(hours=2, minutes=41, seconds=55),
            (("Fennec", "F3 Pro"),),
            {1: (46.548935, -73.220511), 5: (46.5502, -73.2188)},
        ),
    )


DEMO_LIBRARY = LibraryRecipe(
    music=_music(),
    movies=_movies(),
    shows=_shows(),
    photos=_photos(),
    folder_covers=("Glass Harbour/Salt Years (2022)/cover.jpg",),
)
