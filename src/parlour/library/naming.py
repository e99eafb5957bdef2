"""Read titles, years, episode numbers, subtitle languages and artwork roles from names alone."""

import re
from dataclasses import dataclass
from datetime import date

AUDIO_EXTENSIONS = frozenset(
    {
        "mp3", "flac", "ogg", "oga", "opus", "m4a", "m4b", "mp4a", "aac", "wav", "aif", "aiff",
        "wv", "ape", "mpc", "wma", "alac", "dsf", "dff",
    }
)  # fmt: skip
VIDEO_EXTENSIONS = frozenset(
    {
        "mkv", "mp4", "m4v", "avi", "mov", "wmv", "ts", "m2ts", "mts", "webm", "mpg", "mpeg",
        "ogv", "flv", "3gp",
    }
)  # fmt: skip
PHOTO_EXTENSIONS = frozenset(
    {"jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "tif", "tiff", "bmp", "avif"}
)
SUBTITLE_EXTENSIONS = frozenset({"srt", "vtt", "ass", "ssa", "sub"})
ARTWORK_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "webp"})
NFO_EXTENSION = "nfo"

# A dot-suffix is only a file type when it is one of these; "Mr. Robot" keeps its dot.
_KNOWN_EXTENSIONS = (
    AUDIO_EXTENSIONS
    | VIDEO_EXTENSIONS
    | PHOTO_EXTENSIONS
    | SUBTITLE_EXTENSIONS
    | frozenset({NFO_EXTENSION})
)

_YEAR_MIN = 1880
_YEAR_MAX = 2100

# Release-scene words: the title ends where the first of these starts.
_RELEASE_TAG = re.compile(
    r"(?<![a-z0-9])(?:"
    r"\d{3,4}[pi]|[48]k|uhd|hdr(?:10)?(?:\+|plus)?|dolby ?vision|sdr|10 ?bit|"
    r"blu-?ray|bd-?rip|br-?rip|bd-?remux|remux|web-?dl|web-?rip|hdtv|pdtv|dvd-?rip|dvd-?scr|"
    r"hd-?rip|hd-?cam|telesync|"
    r"[xh] ?26[45]|hevc|xvid|divx|av1|"
    r"aac(?:\d? ?[257] ?[01])?|e?-?ac-?3|dd(?:p|\+)? ?[257] ?[01]|ddp|dts(?:-?hd)?|truehd|atmos|"
    r"proper|repack|rerip|extended|unrated|uncut|remastered|director'?s ?cut|theatrical|imax|"
    r"limited|internal|multi|dual ?audio|subbed|dubbed"
    r")(?![a-z0-9])",
    re.IGNORECASE,
)
_BARE_YEAR = re.compile(r"(?<![a-z0-9])(\d{4})(?![a-z0-9])", re.IGNORECASE)
_PAREN_YEAR = re.compile(r"\(\s*(\d{4})\s*\)")
_BRACKET_YEAR = re.compile(r"\[\s*(\d{4})\s*\]")
_BRACKET_GROUP = re.compile(r"\[[^\]]*\]|\{[^}]*\}")
# "part"/"pt" is only a stacking marker when glued to its number or after a dash, so
# "Deathly Hallows Part 1" keeps its name.
_PART_MARKER = re.compile(
    r"(?:\s+|\s*-\s*|^)(?:(?:cd|dvd|dis[ck]) ?\d{1,2}|(?:part|pt)\d{1,2})$"
    r"|\s*-\s*(?:part|pt) \d{1,2}$",
    re.IGNORECASE,
)
_PART_FOLDER = re.compile(r"^(?:cd|dvd|dis[ck]|part|pt)[ ._-]?\d{1,2}$", re.IGNORECASE)
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs"})
_ACRONYM_END = re.compile(r"(?:(?<![a-z])[a-z]\.){2,}$", re.IGNORECASE)
_EDGE = " \t-_,;:~([{"
_GENERIC_STEMS = frozenset({"movie", "video", "film"})

_SXE_MARKER = re.compile(
    r"(?<![a-z0-9])s(\d{1,4})[ ._-]?e(\d{1,4})((?:-?e\d{1,4}|-\d{1,4})*)(?![0-9a-z])",
    re.IGNORECASE,
)
_WORDS_MARKER = re.compile(
    r"(?<![a-z])season ?(\d{1,4}) ?[-,]? ?episode ?(\d{1,4})(?![0-9])", re.IGNORECASE
)
_NXN_MARKER = re.compile(
    r"(?<![a-z0-9])(\d{1,2})x(\d{1,3})((?:-\d{1,2}x\d{1,3}|-?x\d{1,3}|-\d{1,3})*)(?![0-9a-z])",
    re.IGNORECASE,
)
_DATE_MARKER = re.compile(r"(?<![0-9])((?:18|19|20)\d\d)[-. ](\d\d)[-. ](\d\d)(?![0-9])")
_NUMBER_ONLY = re.compile(r"^(?:(?:episode|ep|e) ?)?(\d{1,3})(?![0-9a-z])", re.IGNORECASE)
_SEASON_FOLDER = re.compile(
    r"^(?:(?:season|series|saison|staffel)[ ._-]*(\d{1,4})(?![0-9])|s(\d{1,4})$)", re.IGNORECASE
)
_SPECIALS_FOLDER = re.compile(r"^specials?$", re.IGNORECASE)

_SUBTITLE_FLAGS = {"forced": "forced", "sdh": "sdh", "cc": "sdh", "hi": "sdh", "default": "default"}
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-(?:[a-z]{2}|\d{3}))?$")
# Full names some tools write instead of a code; mapped to ISO 639-1.
_LANGUAGE_NAMES = {
    "english": "en",
    "french": "fr",
    "german": "de",
    "spanish": "es",
    "italian": "it",
    "portuguese": "pt",
    "dutch": "nl",
    "swedish": "sv",
    "norwegian": "no",
    "danish": "da",
    "finnish": "fi",
    "polish": "pl",
    "russian": "ru",
    "japanese": "ja",
    "chinese": "zh",
    "korean": "ko",
    "arabic": "ar",
    "turkish": "tr",
    "greek": "el",
    "hebrew": "he",
    "czech": "cs",
    "hungarian": "hu",
}

_ARTWORK_ROLES = {
    "cover": "cover",
    "folder": "cover",
    "front": "cover",
    "album": "cover",
    "albumart": "cover",
    "poster": "poster",
    "fanart": "fanart",
    "backdrop": "fanart",
    "background": "fanart",
    "banner": "banner",
    "thumb": "thumb",
    "logo": "logo",
    "clearlogo": "logo",
}
# Roles a file may carry as a "-role" suffix after its owner's stem or a season.
_SUFFIX_ROLES = frozenset(
    {"poster", "fanart", "backdrop", "background", "banner", "thumb", "logo", "clearlogo", "cover"}
)
_SEASON_ARTWORK = re.compile(r"^season[ _-]?(\d{1,3}|specials)(?:-([a-z]+))?$")
_OWNED_ARTWORK = re.compile(r"^(.+)-([a-z]+)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class MovieName:
    title: str
    year: int | None


@dataclass(frozen=True, slots=True)
class EpisodeName:
    show: str  # "" when neither a folder nor the file name gives one
    show_year: int | None
    season: int | None
    episode: int | None
    episode_end: int | None  # last episode of a multi-episode file
    air_date: str | None  # ISO date, for date-numbered shows
    title: str | None


@dataclass(frozen=True, slots=True)
class SubtitleName:
    language: str | None  # lowercase code as written ("en", "eng", "pt-br")
    forced: bool
    sdh: bool
    default: bool
    format: str


@dataclass(frozen=True, slots=True)
class ArtworkName:
    role: str  # cover, poster, fanart, banner, thumb or logo
    owner_stem: str | None  # "Film" for "Film-poster.jpg"
    season: int | None  # 0 for specials


def parse_movie_name(rel_path: str) -> MovieName:
    """Return the film's title and year from its file name, or its folder when that says more."""
    parts = [part for part in rel_path.split("/") if part]
    stem = _stem(parts[-1]) if parts else ""
    own_title, own_year = _title_and_year(_without_part_marker(_cleaned(stem)))
    folder = _movie_folder(parts[:-1])
    if folder is not None:
        folder_title, folder_year = _title_and_year(_without_part_marker(_cleaned(folder)))
        generic = stem.casefold() in _GENERIC_STEMS or stem.casefold() == folder.casefold()
        if folder_title and (generic or (own_year is None and folder_year is not None)):
            return MovieName(folder_title, folder_year)
    return MovieName(own_title or stem, own_year)


def parse_episode_name(rel_path: str) -> EpisodeName | None:
    """Return what a shows-library path says about its episode, or None if it names no episode."""
    parts = [part for part in rel_path.split("/") if part]
    if not parts:
        return None
    text = _cleaned(_stem(parts[-1]))
    folders = parts[:-1]
    folder_season = _folder_season(folders)
    show_folder = next((f for f in folders if _season_of_folder(f) is None), None)

    season: int | None = None
    episode: int | None = None
    episode_end: int | None = None
    air_date: str | None = None
    prefix = ""
    rest = ""
    marker = _SXE_MARKER.search(text) or _WORDS_MARKER.search(text) or _NXN_MARKER.search(text)
    dated = None if marker else _dated(text)
    if marker is not None:
        season, episode = int(marker.group(1)), int(marker.group(2))
        extra = marker.group(3) if marker.re.groups >= 3 else ""
        episode_end = _episode_end(episode, extra)
        prefix, rest = text[: marker.start()], text[marker.end() :]
    elif dated is not None:
        found, air_date = dated
        season = folder_season
        prefix, rest = text[: found.start()], text[found.end() :]
    elif folder_season is not None:
        season = folder_season
        number = _NUMBER_ONLY.match(text)
        if number is not None:
            episode = int(number.group(1))
            rest = text[number.end() :]
        else:
            rest = text
    else:
        return None

    if show_folder is not None:
        show, show_year = _title_and_year(_cleaned(show_folder))
    else:
        show, show_year = _title_and_year(prefix)
    return EpisodeName(
        show=show,
        show_year=show_year,
        season=season,
        episode=episode,
        episode_end=episode_end,
        air_date=air_date,
        title=_episode_title(rest),
    )


def video_title_from_name(rel_path: str) -> str:
    """Return a display title for a home video: its name without separators and release junk."""
    name = rel_path.rsplit("/", 1)[-1]
    stem = _stem(name)
    text = _cleaned(stem)
    tag = _first_tag(text, after_title=True)
    title = _trimmed(text if tag is None else text[:tag])
    return title or stem or name


def match_subtitle(video_stem: str, subtitle_name: str) -> SubtitleName | None:
    """Return the language and flags of a sidecar subtitle, or None if it is not this video's."""
    name = subtitle_name.rsplit("/", 1)[-1]
    base, dot, extension = name.rpartition(".")
    extension = extension.lower()
    if not dot or extension not in SUBTITLE_EXTENSIONS:
        return None
    own = video_stem.casefold()
    folded = base.casefold()
    if folded == own:
        words: list[str] = []
    elif folded.startswith(own + "."):
        words = folded[len(own) + 1 :].split(".")
    else:
        return None

    language: str | None = None
    flags: set[str] = set()
    for word in words:
        # Flags first: "hi" is Hindi's code too, but after a language it means hearing-impaired.
        if word in _SUBTITLE_FLAGS:
            flags.add(_SUBTITLE_FLAGS[word])
        elif language is None and _LANGUAGE_CODE.match(word):
            language = word
        elif language is None and word in _LANGUAGE_NAMES:
            language = _LANGUAGE_NAMES[word]
    return SubtitleName(
        language=language,
        forced="forced" in flags,
        sdh="sdh" in flags,
        default="default" in flags,
        format=extension,
    )


def classify_artwork(name: str) -> ArtworkName | None:
    """Return the role of an artwork file by its name, or None if it is not artwork."""
    name = name.rsplit("/", 1)[-1]
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or extension.lower() not in ARTWORK_EXTENSIONS:
        return None
    folded = stem.lower()
    if folded in _ARTWORK_ROLES:
        return ArtworkName(_ARTWORK_ROLES[folded], None, None)
    if folded.startswith("season-all"):
        return None  # Kodi's fallback for every season: no single season or owner to attach it to
    season = _SEASON_ARTWORK.match(folded)
    if season is not None:
        role = season.group(2) or "poster"  # Plex's bare "Season01.jpg" is the season poster
        if role not in _SUFFIX_ROLES:
            return None
        number = 0 if season.group(1) == "specials" else int(season.group(1))
        return ArtworkName(_ARTWORK_ROLES[role], None, number)
    owned = _OWNED_ARTWORK.match(stem)
    if owned is not None and owned.group(2).lower() in _SUFFIX_ROLES:
        return ArtworkName(_ARTWORK_ROLES[owned.group(2).lower()], owned.group(1), None)
    return None


def _stem(name: str) -> str:
    """Drop a known file-type suffix; any other dot is part of the name."""
    base, dot, extension = name.rpartition(".")
    if dot and extension.lower() in _KNOWN_EXTENSIONS:
        return base
    return name


def _cleaned(text: str) -> str:
    """Drop bracketed tags, turn separators into spaces and collapse whitespace."""
    text = _BRACKET_YEAR.sub(r" (\1) ", text)
    text = _BRACKET_GROUP.sub(" ", text)
    text = _spaced(text)
    return re.sub(r"\s+", " ", text).strip()


def _spaced(text: str) -> str:
    """Read dots and underscores as spaces, keeping acronyms, abbreviations and "2.0"."""
    pieces = text.replace("_", " ").split(".")
    out = [pieces[0]]
    for index in range(1, len(pieces)):
        before, after = pieces[index - 1], pieces[index]
        out.append(_dot_joint(before, after, pieces[index - 2] if index >= 2 else None))
        out.append(after)
    return "".join(out)


def _dot_joint(before: str, after: str, earlier: str | None) -> str:
    """Decide what the dot between two pieces of a name becomes."""
    if not after or after[0].isspace() or not before or before[-1].isspace():
        return "."
    prev_word = before.split()[-1]
    next_word = after.split()[0] if after.split() else ""
    if prev_word.isdigit() and next_word[:1].isdigit():
        return "."
    if _is_letter(prev_word):
        if _is_letter(next_word):
            return "."
        if earlier is not None and earlier.split() and _is_letter(earlier.split()[-1]):
            return ". "  # the end of an acronym such as S.H.I.E.L.D.
    if prev_word.lower() in _ABBREVIATIONS:
        return ". "
    return " "


def _is_letter(word: str) -> bool:
    return len(word) == 1 and word.isalpha()


def _without_part_marker(text: str) -> str:
    return _PART_MARKER.sub("", text).strip()


def _first_tag(text: str, *, after_title: bool) -> int | None:
    """Return where the first release tag starts; with after_title, a leading one does not count."""
    for found in _RELEASE_TAG.finditer(text):
        if after_title and not _has_word(text[: found.start()]):
            continue
        return found.start()
    return None


def _has_word(text: str) -> bool:
    return any(char.isalnum() for char in text)


def _title_and_year(text: str) -> tuple[str, int | None]:
    """Split a cleaned name at its year or first release tag, whichever comes first."""
    tag = _first_tag(text, after_title=True)
    end = len(text) if tag is None else tag
    year: int | None = None
    for found in _PAREN_YEAR.finditer(text):
        # A year in parentheses wins anywhere, but a title must come before it.
        if _is_year(found.group(1)) and _has_word(text[: found.start()]):
            year, end = int(found.group(1)), min(end, found.start())
            break
    else:
        # Otherwise the last bare year before any tag, so "2001 A Space Odyssey 1968" reads right.
        bare = [
            found
            for found in _BARE_YEAR.finditer(text, 0, end)
            if _is_year(found.group(1)) and _has_word(text[: found.start()])
        ]
        if bare:
            year, end = int(bare[-1].group(1)), bare[-1].start()
    return _trimmed(text[:end]), year


def _is_year(digits: str) -> bool:
    return _YEAR_MIN <= int(digits) <= _YEAR_MAX


def _trimmed(text: str) -> str:
    """Strip separators from both ends, keeping the final dot of an acronym."""
    text = text.strip(_EDGE)
    while text.endswith(".") and not _ACRONYM_END.search(text):
        text = text[:-1].rstrip(_EDGE)
    while text.startswith("."):
        text = text[1:].lstrip(_EDGE)
    return text


def _movie_folder(folders: list[str]) -> str | None:
    """Return the nearest folder that names a film, skipping "CD1"-style disc folders."""
    for folder in reversed(folders):
        if not _PART_FOLDER.match(folder):
            return folder
    return None


def _season_of_folder(folder: str) -> int | None:
    if _SPECIALS_FOLDER.match(folder.strip()):
        return 0
    found = _SEASON_FOLDER.match(folder.strip())
    if found is None:
        return None
    return int(found.group(1) or found.group(2))


def _folder_season(folders: list[str]) -> int | None:
    """Return the season named by the file's own folder; "Season 1/Extras" is not a season."""
    return _season_of_folder(folders[-1]) if folders else None


def _episode_end(episode: int, extra: str) -> int | None:
    """Return the last episode of a multi-episode marker such as "E01E02" or "E01-03"."""
    numbers = re.findall(r"\d+", extra)
    if not numbers:
        return None
    last = int(numbers[-1])
    return last if last > episode else None


def _dated(text: str) -> tuple[re.Match[str], str] | None:
    """Find an air date such as "2024-01-15" or "2024.01.15" and return it as an ISO date."""
    for found in _DATE_MARKER.finditer(text):
        try:
            day = date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        except ValueError:
            continue
        return found, day.isoformat()
    return None


def _episode_title(rest: str) -> str | None:
    """Return the text after an episode marker as a title, or None if it is only release junk."""
    tag = _first_tag(rest, after_title=False)
    title = _trimmed(rest if tag is None else rest[:tag])
    return title or None
