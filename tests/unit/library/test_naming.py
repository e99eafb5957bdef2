"""Naming rules: titles, years, episodes, subtitles and artwork read from names alone."""

import pytest

from parlour.library.naming import (
    ARTWORK_EXTENSIONS,
    AUDIO_EXTENSIONS,
    NFO_EXTENSION,
    PHOTO_EXTENSIONS,
    SUBTITLE_EXTENSIONS,
    VIDEO_EXTENSIONS,
    ArtworkName,
    EpisodeName,
    MovieName,
    SubtitleName,
    classify_artwork,
    match_subtitle,
    parse_episode_name,
    parse_movie_name,
    video_title_from_name,
)


def test_extension_sets_hold_lowercase_names_without_dots() -> None:
    for extensions in (
        AUDIO_EXTENSIONS,
        VIDEO_EXTENSIONS,
        PHOTO_EXTENSIONS,
        SUBTITLE_EXTENSIONS,
        ARTWORK_EXTENSIONS,
    ):
        assert extensions
        assert all(ext == ext.lower() and "." not in ext for ext in extensions)
    assert {"flac", "m4b", "opus", "dsf"} <= AUDIO_EXTENSIONS
    assert {"mkv", "m2ts", "webm", "3gp"} <= VIDEO_EXTENSIONS
    assert {"heic", "avif", "tiff"} <= PHOTO_EXTENSIONS
    assert {"srt", "vtt", "ass", "ssa", "sub"} == SUBTITLE_EXTENSIONS
    assert {"jpg", "jpeg", "png", "webp"} == ARTWORK_EXTENSIONS
    assert NFO_EXTENSION == "nfo"
    assert "mkv" not in AUDIO_EXTENSIONS
    assert "gif" not in ARTWORK_EXTENSIONS


@pytest.mark.parametrize(
    ("rel_path", "title", "year"),
    [
        ("Blade Runner (1982)/Blade Runner (1982).mkv", "Blade Runner", 1982),
        ("Alien.1979.1080p.BluRay.x264-GRP.mkv", "Alien", 1979),
        ("Heat (1995)/movie.mkv", "Heat", 1995),
        ("Heat (1995)/VIDEO.mp4", "Heat", 1995),
        ("Heat (1995)/film.avi", "Heat", 1995),
        ("2001 A Space Odyssey (1968).mkv", "2001 A Space Odyssey", 1968),
        ("2001.A.Space.Odyssey.1968.720p.mkv", "2001 A Space Odyssey", 1968),
        ("1917 (2019).mkv", "1917", 2019),
        ("1917.mkv", "1917", None),
        ("1917.2019.2160p.WEB-DL.mkv", "1917", 2019),
        ("Some Film.mkv", "Some Film", None),
        ("Some Film", "Some Film", None),
        # A folder with a year names the film when the file has none.
        ("Heat [1995]/Heat.mkv", "Heat", 1995),
        ("Heat.1995/Heat.1080p.mkv", "Heat", 1995),
        ("Heat (1995)/Heat.mkv", "Heat", 1995),
        # A folder without a year only names the film for a generic stem.
        ("Heat/movie.mkv", "Heat", None),
        ("Collection/Alien.mkv", "Alien", None),
        # The file's own year wins over a folder that says something else.
        ("Alien Films (1986)/Aliens.1986.mkv", "Aliens", 1986),
        ("Sci-Fi (2000)/Alien (1979).mkv", "Alien", 1979),
        # Disc folders are skipped on the way up.
        ("Heat (1995)/CD1/heat.avi", "Heat", 1995),
        # Dotted abbreviations and acronyms survive; separators do not.
        ("Mr. Robot (2015).mkv", "Mr. Robot", 2015),
        ("Mr.Robot.2015.mkv", "Mr. Robot", 2015),
        ("S.W.A.T.2017.720p.mkv", "S.W.A.T.", 2017),
        ("E.T.the.Extra-Terrestrial.1982.mkv", "E.T. the Extra-Terrestrial", 1982),
        ("The_Big_Lebowski_1998.mkv", "The Big Lebowski", 1998),
        ("Ocean's.8.2018.mkv", "Ocean's 8", 2018),
        # The last year before any tag is the film's; earlier ones are title.
        ("Blade.Runner.2049.2017.2160p.mkv", "Blade Runner 2049", 2017),
        ("Blade Runner 2049 (2017).mkv", "Blade Runner 2049", 2017),
        # Bracketed groups go, bracketed years count.
        ("The Matrix (1999) [1080p] {tmdb-603}.mkv", "The Matrix", 1999),
        ("Film (2000) [imdbid-tt0123456].mkv", "Film", 2000),
        ("[GRP] Alien (1979).mkv", "Alien", 1979),
        ("Alien [1979].mkv", "Alien", 1979),
        # Release tags end the title even without a year.
        ("Film.Extended.1080p.mkv", "Film", None),
        ("Film.Directors.Cut.mkv", "Film", None),
        ("Film.UNRATED.DVDRip.XviD.avi", "Film", None),
        ("Film 2160p HEVC REMUX.mkv", "Film", None),
        ("Film.4K.mkv", "Film", None),
        ("Film.PROPER.REPACK.mkv", "Film", None),
        ("Alien.1979.DD5.1.mkv", "Alien", 1979),
        # Stacking markers.
        ("Kill Bill (2003)/Kill Bill - part1.mkv", "Kill Bill", 2003),
        ("Kill Bill (2003) - cd1.avi", "Kill Bill", 2003),
        ("Kill Bill.cd2.avi", "Kill Bill", None),
        ("Film - disc 2.mkv", "Film", None),
        ("Film - Part 2.mkv", "Film", None),
        (
            "Harry Potter and the Deathly Hallows Part 1.mkv",
            ("Harry Potter and the Deathly Hallows Part 1"),
            None,
        ),
        # Years outside 1880..2100 are title words.
        ("Film.1879.mkv", "Film 1879", None),
        ("Film.2101.mkv", "Film 2101", None),
        ("Film.1880.mkv", "Film", 1880),
        ("Film.2100.mkv", "Film", 2100),
    ],
)
def test_parse_movie_name(rel_path: str, title: str, year: int | None) -> None:
    assert parse_movie_name(rel_path) == MovieName(title, year)


def _episode(
    show: str,
    season: int | None,
    episode: int | None,
    *,
    show_year: int | None = None,
    episode_end: int | None = None,
    air_date: str | None = None,
    title: str | None = None,
) -> EpisodeName:
    return EpisodeName(show, show_year, season, episode, episode_end, air_date, title)


@pytest.mark.parametrize(
    ("rel_path", "expected"),
    [
        ("Show/Season 1/Show - S01E02 - The Title.mkv", _episode("Show", 1, 2, title="The Title")),
        ("Show/Show.s1e2.mkv", _episode("Show", 1, 2)),
        ("Show/Show 1x02.mkv", _episode("Show", 1, 2)),
        ("Show/Show.S01.E02.mkv", _episode("Show", 1, 2)),
        ("Show/Show S01 E02.mkv", _episode("Show", 1, 2)),
        ("Show/Season 1 Episode 2.mkv", _episode("Show", 1, 2)),
        ("Show/1x02 Title.mkv", _episode("Show", 1, 2, title="Title")),
        # No folder: the show is the text before the marker.
        (
            "Show.Name.S01E02.720p.HDTV.x264-GRP.mkv",
            _episode("Show Name", 1, 2),
        ),
        (
            "Show.Name.S01E02.The.Title.720p.mkv",
            _episode("Show Name", 1, 2, title="The Title"),
        ),
        ("Doctor.Who.2005.S01E01.mkv", _episode("Doctor Who", 1, 1, show_year=2005)),
        ("Agents.of.S.H.I.E.L.D.S01E01.mkv", _episode("Agents of S.H.I.E.L.D.", 1, 1)),
        ("S01E02.mkv", _episode("", 1, 2)),
        # The folder's year goes to show_year; a year-named show stays a title.
        (
            "Doctor Who (2005)/Season 01/Doctor.Who.2005.s1e2.mkv",
            _episode("Doctor Who", 1, 2, show_year=2005),
        ),
        ("1883 (2021)/Season 1/1883.S01E01.mkv", _episode("1883", 1, 1, show_year=2021)),
        ("1883/1883.S01E01.mkv", _episode("1883", 1, 1)),
        # The file's marker beats the folder's season.
        ("Show/Season 2/Show S03E04.mkv", _episode("Show", 3, 4)),
        # Specials.
        ("Show/Specials/Show S00E01.mkv", _episode("Show", 0, 1)),
        ("Show/Specials/01 - Special.mkv", _episode("Show", 0, 1, title="Special")),
        ("Show/Season 0/02.mkv", _episode("Show", 0, 2)),
        ("Show/Season 00/03.mkv", _episode("Show", 0, 3)),
        # Multi-episode files.
        ("Show/Season 2/S02E01E02.mkv", _episode("Show", 2, 1, episode_end=2)),
        ("Show/S01E01-E03.mkv", _episode("Show", 1, 1, episode_end=3)),
        ("Show/S01E01-03.mkv", _episode("Show", 1, 1, episode_end=3)),
        ("Show/1x01-1x02.mkv", _episode("Show", 1, 1, episode_end=2)),
        ("Show/S01E01-1080p.mkv", _episode("Show", 1, 1)),
        # Episode numbers alone, inside a season folder.
        ("Show/Season 01/01 - Pilot.mkv", _episode("Show", 1, 1, title="Pilot")),
        ("Show/Season 1/Episode 3.mkv", _episode("Show", 1, 3)),
        ("Show/Season 1/E03.mkv", _episode("Show", 1, 3)),
        ("Show/S02/05.mkv", _episode("Show", 2, 5)),
        ("Show/Season 1/Pilot.mkv", _episode("Show", 1, None, title="Pilot")),
        # Dates.
        (
            "Show/Show 2024-01-15 Title.mkv",
            _episode("Show", None, None, air_date="2024-01-15", title="Title"),
        ),
        ("Show.2024.01.15.mkv", _episode("Show", None, None, air_date="2024-01-15")),
        # Titles keep numbers and words that are not release tags.
        ("Show/Season 1/S01E02 - 24 Hours.mkv", _episode("Show", 1, 2, title="24 Hours")),
        ("Show/Show - S01E01 - Part 1.mkv", _episode("Show", 1, 1, title="Part 1")),
        ("Show/Show S01E01 [1080p].mkv", _episode("Show", 1, 1)),
    ],
)
def test_parse_episode_name(rel_path: str, expected: EpisodeName) -> None:
    assert parse_episode_name(rel_path) == expected


@pytest.mark.parametrize(
    "rel_path",
    [
        "Show/random.mkv",
        "Show/01 - Pilot.mkv",  # a number only counts inside a season folder
        "Show/Season 1/Extras/Behind the Scenes.mkv",
        "Show/Show.1920x1080.mkv",
        "Show/Show 2024-02-30.mkv",  # not a real date
        "",
    ],
)
def test_parse_episode_name_returns_none_without_a_clue(rel_path: str) -> None:
    assert parse_episode_name(rel_path) is None


@pytest.mark.parametrize(
    ("rel_path", "title"),
    [
        ("Birthday.Party.2019.1080p.mp4", "Birthday Party 2019"),
        ("Holidays/holiday_2019_beach.mov", "holiday 2019 beach"),
        ("GOPR0042.MP4", "GOPR0042"),
        ("Wedding - Speech [1080p].mkv", "Wedding - Speech"),
        ("1080p.mp4", "1080p"),
        ("[x].mkv", "[x]"),
        (".mkv", ".mkv"),
    ],
)
def test_video_title_from_name(rel_path: str, title: str) -> None:
    assert video_title_from_name(rel_path) == title


@pytest.mark.parametrize(
    ("video_stem", "subtitle_name", "expected"),
    [
        ("Film", "Film.srt", SubtitleName(None, False, False, False, "srt")),
        ("Film", "Film.en.srt", SubtitleName("en", False, False, False, "srt")),
        ("Film", "Film.eng.srt", SubtitleName("eng", False, False, False, "srt")),
        ("Film", "Film.pt-BR.srt", SubtitleName("pt-br", False, False, False, "srt")),
        ("Film", "Film.es-419.vtt", SubtitleName("es-419", False, False, False, "vtt")),
        ("Film", "Film.en.forced.srt", SubtitleName("en", True, False, False, "srt")),
        ("Film", "Film.forced.en.srt", SubtitleName("en", True, False, False, "srt")),
        ("Film", "Film.en.sdh.srt", SubtitleName("en", False, True, False, "srt")),
        ("Film", "Film.en.cc.srt", SubtitleName("en", False, True, False, "srt")),
        ("Film", "Film.en.hi.srt", SubtitleName("en", False, True, False, "srt")),
        ("Film", "Film.en.default.srt", SubtitleName("en", False, False, True, "srt")),
        ("Film", "Film.default.sdh.de.forced.ass", SubtitleName("de", True, True, True, "ass")),
        ("Film", "Film.English.srt", SubtitleName("en", False, False, False, "srt")),
        ("Film", "Film.junkword.srt", SubtitleName(None, False, False, False, "srt")),
        ("Film", "film.EN.SRT", SubtitleName("en", False, False, False, "srt")),
        ("FILM", "Film.fr.ssa", SubtitleName("fr", False, False, False, "ssa")),
        ("Film", "Film.sub", SubtitleName(None, False, False, False, "sub")),
        (
            "Alien.1979.1080p",
            "Alien.1979.1080p.fr.srt",
            SubtitleName("fr", False, False, False, "srt"),
        ),
        ("Film", "Subs/Film.nl.srt", SubtitleName("nl", False, False, False, "srt")),
    ],
)
def test_match_subtitle(video_stem: str, subtitle_name: str, expected: SubtitleName) -> None:
    assert match_subtitle(video_stem, subtitle_name) == expected


@pytest.mark.parametrize(
    ("video_stem", "subtitle_name"),
    [
        ("Film", "Film 2.srt"),
        ("Film", "Film2.en.srt"),
        ("Film 2", "Film.srt"),
        ("Film", "Film.en.txt"),
        ("Film", "Film.en.nfo"),
        ("Film", "Film"),
    ],
)
def test_match_subtitle_refuses_other_files(video_stem: str, subtitle_name: str) -> None:
    assert match_subtitle(video_stem, subtitle_name) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cover.jpg", ArtworkName("cover", None, None)),
        ("Folder.JPG", ArtworkName("cover", None, None)),
        ("front.png", ArtworkName("cover", None, None)),
        ("album.jpeg", ArtworkName("cover", None, None)),
        ("albumart.jpg", ArtworkName("cover", None, None)),
        ("poster.jpg", ArtworkName("poster", None, None)),
        ("fanart.jpg", ArtworkName("fanart", None, None)),
        ("backdrop.jpg", ArtworkName("fanart", None, None)),
        ("background.webp", ArtworkName("fanart", None, None)),
        ("banner.jpg", ArtworkName("banner", None, None)),
        ("thumb.jpg", ArtworkName("thumb", None, None)),
        ("logo.png", ArtworkName("logo", None, None)),
        ("Film-poster.jpg", ArtworkName("poster", "Film", None)),
        ("Film-fanart.jpg", ArtworkName("fanart", "Film", None)),
        ("Film-POSTER.JPG", ArtworkName("poster", "Film", None)),
        ("Blade Runner (1982)-poster.jpg", ArtworkName("poster", "Blade Runner (1982)", None)),
        ("Show S01E01-thumb.jpg", ArtworkName("thumb", "Show S01E01", None)),
        ("season01-poster.jpg", ArtworkName("poster", None, 1)),
        ("season1-poster.jpg", ArtworkName("poster", None, 1)),
        ("Season12-Poster.png", ArtworkName("poster", None, 12)),
        ("season-specials-poster.jpg", ArtworkName("poster", None, 0)),
        ("season01-fanart.jpg", ArtworkName("fanart", None, 1)),
        ("season02-banner.jpg", ArtworkName("banner", None, 2)),
        ("Season01.jpg", ArtworkName("poster", None, 1)),
    ],
)
def test_classify_artwork(name: str, expected: ArtworkName) -> None:
    assert classify_artwork(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "poster.gif",
        "cover.tiff",
        "poster",
        "random.jpg",
        "Film-random.jpg",
        "-poster.jpg",
        "season-all-poster.jpg",
        "Film.srt",
    ],
)
def test_classify_artwork_refuses_other_files(name: str) -> None:
    assert classify_artwork(name) is None
