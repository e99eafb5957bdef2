"""Turning probed files and folder sidecars into catalogue records, by the naming rules."""

import os
from collections.abc import Callable, Sequence

from parlour.domain.errors import InvalidInputError
from parlour.domain.media import (
    AudioTags,
    FileKind,
    LibraryKind,
    PhotoInfo,
    Probed,
    VideoInfo,
    is_disc_folder,
)
from parlour.domain.records import (
    ArtworkChoice,
    EpisodeRecord,
    FolderItems,
    ItemRecord,
    MovieRecord,
    NfoChoice,
    PhotoRecord,
    SidecarPlan,
    SubtitleSidecar,
    TrackRecord,
)
from parlour.library import naming
from parlour.library.nfo import parse_nfo

VARIOUS_ARTISTS = "Various Artists"
UNKNOWN_ARTIST = "Unknown Artist"
_NFO_LIMIT = 1 << 20

MEDIA_KIND = {
    LibraryKind.MUSIC: FileKind.AUDIO,
    LibraryKind.MOVIES: FileKind.VIDEO,
    LibraryKind.SHOWS: FileKind.VIDEO,
    LibraryKind.VIDEOS: FileKind.VIDEO,
    LibraryKind.PHOTOS: FileKind.PHOTO,
}
_MEDIA_EXTENSIONS = {
    FileKind.AUDIO: naming.AUDIO_EXTENSIONS,
    FileKind.VIDEO: naming.VIDEO_EXTENSIONS,
    FileKind.PHOTO: naming.PHOTO_EXTENSIONS,
}
_VIDEO_SIDECARS = naming.SUBTITLE_EXTENSIONS | naming.ARTWORK_EXTENSIONS | {naming.NFO_EXTENSION}


def _extension(name: bytes) -> str:
    dot = name.rfind(b".")
    return name[dot + 1 :].decode("ascii", "replace").lower() if dot > 0 else ""


def name_classifier(kind: LibraryKind) -> Callable[[bytes], str | None]:
    """Return the walker's classifier for a library kind: "media", "sidecar" or None."""
    media = _MEDIA_EXTENSIONS[MEDIA_KIND[kind]]
    if kind is LibraryKind.MUSIC:
        sidecars: frozenset[str] = naming.ARTWORK_EXTENSIONS
    elif kind is LibraryKind.PHOTOS:
        sidecars = frozenset()
    else:
        sidecars = frozenset(_VIDEO_SIDECARS)

    def classify(name: bytes) -> str | None:
        ext = _extension(name)
        if ext in media:
            return "media"
        if ext in sidecars:
            return "sidecar"
        return None

    return classify


def display(path: bytes) -> str:
    """A path as text to show; bytes that are not UTF-8 become U+FFFD."""
    return path.decode("utf-8", "replace")


def _stem(rel_path: bytes) -> str:
    base = os.path.basename(rel_path)
    return display(os.path.splitext(base)[0])


def _folder_name(rel_path: bytes, levels: int = 1) -> str | None:
    parts = rel_path.split(b"/")[:-1]
    return display(parts[-levels]) if len(parts) >= levels else None


def _track_record(rel_path: bytes, tags: AudioTags) -> TrackRecord:
    artists = tuple(a for a in tags.artists if a.strip()) or tags.album_artists or (UNKNOWN_ARTIST,)
    compilation = tags.compilation
    album_artists = tuple(a for a in tags.album_artists if a.strip())
    if not album_artists:
        album_artists = (VARIOUS_ARTISTS,) if compilation else artists[:1]
    if any(a.casefold() == VARIOUS_ARTISTS.casefold() for a in album_artists):
        compilation = True
    album = (tags.album or "").strip()
    if not album:
        # Like Jellyfin: an untagged album is named after its folder (skipping "Disc 1").
        folder = _folder_name(rel_path)
        if folder and is_disc_folder(folder):
            folder = _folder_name(rel_path, 2)
        album = folder or "Unknown Album"
    title = (tags.title or "").strip() or _stem(rel_path)
    return TrackRecord(tags, title, artists, album, album_artists, compilation)


def _episode_record(rel_path: bytes, video: VideoInfo) -> EpisodeRecord:
    parsed = naming.parse_episode_name(display(rel_path))
    if parsed is None or (parsed.episode is None and parsed.air_date is None):
        raise InvalidInputError(
            "not recognised as an episode: name it like 'Show/Season 01/Show S01E01.mkv'"
        )
    season = parsed.season if parsed.season is not None else 1
    if parsed.title:
        title = parsed.title
    elif parsed.episode is not None:
        title = f"Episode {parsed.episode}"
    else:
        title = parsed.air_date or _stem(rel_path)
    return EpisodeRecord(
        show=parsed.show,
        show_year=parsed.show_year,
        season=season,
        episode=parsed.episode,
        episode_end=parsed.episode_end,
        air_date=parsed.air_date,
        title=title,
        video=video,
    )


def build_record(kind: LibraryKind, rel_path: bytes, info: Probed) -> ItemRecord:
    """Decide what a probed file is in a library of ``kind``; raise InvalidInputError if nothing."""
    if kind is LibraryKind.MUSIC and isinstance(info, AudioTags):
        return _track_record(rel_path, info)
    if kind is LibraryKind.PHOTOS and isinstance(info, PhotoInfo):
        return PhotoRecord(_stem(rel_path), info)
    if isinstance(info, VideoInfo):
        if kind is LibraryKind.SHOWS:
            return _episode_record(rel_path, info)
        if kind is LibraryKind.MOVIES:
            movie = naming.parse_movie_name(display(rel_path))
            return MovieRecord(movie.title, movie.year, info)
        if kind is LibraryKind.VIDEOS:
            return MovieRecord(naming.video_title_from_name(display(rel_path)), None, info)
    raise InvalidInputError(f"a {type(info).__name__} does not belong in a {kind} library")


_NO_VIDEO = VideoInfo(container="", duration_ms=0)


def _join(folder: bytes, name: bytes) -> bytes:
    return folder + b"/" + name if folder else name


def _pick_artwork(by_role: dict[str, list[bytes]], *roles: str) -> bytes | None:
    for role in roles:
        if by_role.get(role):
            return sorted(by_role[role])[0]
    return None


def plan_sidecars(
    items: FolderItems,
    sidecars: Sequence[bytes],
    read_file: Callable[[bytes], bytes],
) -> SidecarPlan:
    """Match a folder's sidecar files (relative paths) to the items in it.

    ``read_file`` reads a sidecar by relative path (for .nfo files); a failure to read or
    parse one is reported in the plan and the item falls back to names and tags.
    """
    plan = SidecarPlan(items.folder_id, items.root_id)
    folder_art: dict[str, list[bytes]] = {}  # role -> paths, for the folder as a whole
    owned_art: dict[tuple[str, str], list[bytes]] = {}  # (stem casefolded, role) -> paths
    season_art: dict[tuple[int, str], list[bytes]] = {}
    subtitles: list[bytes] = []
    nfos: dict[str, bytes] = {}  # stem casefolded -> path
    for rel in sidecars:
        name = display(os.path.basename(rel))
        ext = _extension(rel)
        if ext in naming.SUBTITLE_EXTENSIONS:
            subtitles.append(rel)
        elif ext == naming.NFO_EXTENSION:
            nfos[os.path.splitext(name)[0].casefold()] = rel
        elif (art := naming.classify_artwork(name)) is not None:
            if art.season is not None:
                season_art.setdefault((art.season, art.role), []).append(rel)
            elif art.owner_stem is not None:
                owned_art.setdefault((art.owner_stem.casefold(), art.role), []).append(rel)
            else:
                folder_art.setdefault(art.role, []).append(rel)

    def nfo_for(
        table: str, item_id: str, title: str, year: int | None, stems: tuple[str, ...]
    ) -> None:
        for stem in stems:
            rel = nfos.get(stem.casefold())
            if rel is None:
                continue
            try:
                data = read_file(rel)
                if len(data) > _NFO_LIMIT:
                    raise InvalidInputError("nfo is larger than 1 MiB, refused")
                plan.nfo.append(NfoChoice(table, item_id, parse_nfo(data), title, year))
            except (OSError, InvalidInputError) as exc:
                plan.failures.append((rel, str(exc) or type(exc).__name__))
                plan.nfo.append(NfoChoice(table, item_id, None, title, year))
            return
        plan.nfo.append(NfoChoice(table, item_id, None, title, year))

    single_video = len(items.videos) == 1
    for video in items.videos:
        stem = display(os.path.splitext(video.name)[0])
        for rel in subtitles:
            match = naming.match_subtitle(stem, display(os.path.basename(rel)))
            if match is not None:
                plan.subtitles.append(
                    SubtitleSidecar(
                        video.file_id,
                        rel,
                        match.format,
                        match.language,
                        match.forced,
                        match.sdh,
                        match.default,
                    )
                )
        if video.item_table == "movies":
            key = stem.casefold()
            shared = folder_art if single_video else {}
            poster = _first(owned_art.get((key, "poster")), owned_art.get((key, "cover")))
            poster = poster or _pick_artwork(shared, "poster", "cover")
            fanart = _first(owned_art.get((key, "fanart"))) or _pick_artwork(shared, "fanart")
            plan.artwork.append(ArtworkChoice("movies", video.item_id, "poster_id", poster))
            plan.artwork.append(ArtworkChoice("movies", video.item_id, "fanart_id", fanart))
            rel_path = _join(items.rel_path, video.name)
            if items.library_kind == LibraryKind.VIDEOS:
                title, year = naming.video_title_from_name(display(rel_path)), None
            else:
                movie = naming.parse_movie_name(display(rel_path))
                title, year = movie.title, movie.year
            stems = (stem, "movie") if single_video else (stem,)
            nfo_for("movies", video.item_id, title, year, stems)
        else:
            episode = _episode_record(_join(items.rel_path, video.name), _NO_VIDEO)
            nfo_for("episodes", video.item_id, episode.title, None, (stem,))

    for album_id in items.albums:
        cover = _pick_artwork(folder_art, "cover", "poster", "thumb")
        plan.artwork.append(ArtworkChoice("albums", album_id, "cover_id", cover))
    for show_id in items.shows:
        poster = _pick_artwork(folder_art, "poster", "cover")
        fanart = _pick_artwork(folder_art, "fanart")
        plan.artwork.append(ArtworkChoice("shows", show_id, "poster_id", poster))
        plan.artwork.append(ArtworkChoice("shows", show_id, "fanart_id", fanart))
        show = naming.parse_movie_name(display(os.path.basename(items.rel_path)) + ".mkv")
        nfo_for("shows", show_id, show.title, show.year, ("tvshow",))
    for season_id, number in items.seasons:
        poster = _first(season_art.get((number, "poster")))
        if poster is None and items.season_folder:
            poster = _pick_artwork(folder_art, "poster", "cover")
        # Seasons are decorated from two folders (the show's and their own), so only a
        # found image is written; a vanished one is cleared when its artwork row goes.
        if poster is not None:
            plan.artwork.append(ArtworkChoice("seasons", season_id, "poster_id", poster))
    return plan


def _first(*candidates: list[bytes] | None) -> bytes | None:
    for paths in candidates:
        if paths:
            return sorted(paths)[0]
    return None
