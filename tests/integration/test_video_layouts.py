"""Films and shows laid out as Plex and Jellyfin users lay them out, with their sidecars."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from parlour.demo.recipes import DEMO_LIBRARY
from parlour.domain.accounts import HOST
from parlour.services.application import Parlour
from parlour.storage import schema as s
from support import open_parlour

SHOW_NFO = b"""<?xml version="1.0" encoding="UTF-8"?>
<tvshow><title>The Harbour Watch</title><year>2019</year><plot>Lighthouse keepers.</plot>
<genre>Drama</genre><mpaa>TV-14</mpaa>
<actor><name>Ada Quill</name><role>Keeper</role></actor></tvshow>
"""
EPISODE_NFO = (
    b"""<episodedetails><title>Fog Bank</title><plot>It rolls in.</plot></episodedetails>"""
)
FILM_NFO = b"""<movie><title>Tidewater</title><year>2011</year><plot>A slow boat.</plot>
<genre>Drama / Mystery</genre><director>Ola Brenn</director>
<actor><name>Ada Quill</name><role>Pilot</role></actor></movie>
"""


@pytest.fixture(scope="module")
def video_template(demo_roots: dict[str, Path]) -> Path:
    film = next(f for f in DEMO_LIBRARY.movies if f.rel_path.endswith(".mkv"))
    return demo_roots["movies"] / film.rel_path


def _shows(root: Path, template: Path) -> None:
    files = {
        "Harbour Watch (2019)/Season 01/Harbour Watch S01E01.mkv": None,
        "Harbour Watch (2019)/Season 01/Harbour Watch S01E02E03.mkv": None,
        "Harbour Watch (2019)/Specials/Harbour Watch S00E01.mkv": None,
        "Harbour Watch (2019)/Season 02/Harbour Watch - 2x01 - Fog Bank.mkv": None,
        "Evening Bulletin/Evening Bulletin 2024-03-15.mkv": None,
    }
    for rel in files:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, path)
    show = root / "Harbour Watch (2019)"
    (show / "tvshow.nfo").write_bytes(SHOW_NFO)
    (show / "poster.jpg").write_bytes(b"\xff\xd8 not decoded, only referenced")
    (show / "season02-poster.jpg").write_bytes(b"\xff\xd8 season two")
    (show / "Season 02" / "Harbour Watch - 2x01 - Fog Bank.nfo").write_bytes(EPISODE_NFO)
    (root / "Loose Clip.mkv").write_bytes(template.read_bytes())  # not an episode


def test_episodes_specials_multi_episode_and_date_based_files(
    tmp_path: Path, video_template: Path
) -> None:
    root = tmp_path / "shows"
    _shows(root, video_template)
    app = open_parlour(tmp_path / "data")
    try:
        app.libraries.add(HOST, "shows", str(root), "Shows")
        summary = app.scanner.scan()
        assert [Path(path).name for path, _ in summary.failures] == ["Loose Clip.mkv"]
        assert "not recognised as an episode" in summary.failures[0][1]
        with app.catalogue.reading() as conn:
            episodes = {
                (
                    row.show,
                    row.season_number,
                    row.episode_number,
                    row.episode_end,
                    row.air_date,
                    row.title,
                )
                for row in conn.execute(
                    select(
                        s.shows.c.title.label("show"),
                        s.episodes.c.season_number,
                        s.episodes.c.episode_number,
                        s.episodes.c.episode_end,
                        s.episodes.c.air_date,
                        s.episodes.c.title,
                    ).join(s.shows, s.shows.c.id == s.episodes.c.show_id)
                )
            }
            seasons = dict(
                conn.execute(
                    select(s.seasons.c.number, s.seasons.c.title)
                    .join(s.shows)
                    .where(s.shows.c.title == "The Harbour Watch")
                ).all()
            )
            show = conn.execute(
                select(
                    s.shows.c.plot, s.shows.c.year, s.shows.c.content_rating, s.artwork.c.rel_path
                )
                .join(s.artwork, s.artwork.c.id == s.shows.c.poster_id)
                .where(s.shows.c.title == "The Harbour Watch")
            ).one()
            season_two_poster = conn.execute(
                select(s.artwork.c.rel_path)
                .join(s.seasons, s.seasons.c.poster_id == s.artwork.c.id)
                .where(s.seasons.c.number == 2)
            ).scalar_one()
        assert episodes == {
            ("The Harbour Watch", 1, 1, None, None, "Episode 1"),
            ("The Harbour Watch", 1, 2, 3, None, "Episode 2"),
            ("The Harbour Watch", 0, 1, None, None, "Episode 1"),
            ("The Harbour Watch", 2, 1, None, None, "Fog Bank"),
            ("Evening Bulletin", 1, None, None, "2024-03-15", "2024-03-15"),
        }
        assert seasons == {0: "Specials", 1: "Season 1", 2: "Season 2"}
        assert (show.plot, show.year, show.content_rating) == ("Lighthouse keepers.", 2019, "TV-14")
        assert bytes(show.rel_path) == b"Harbour Watch (2019)/poster.jpg"
        assert bytes(season_two_poster) == b"Harbour Watch (2019)/season02-poster.jpg"

        # The show's .nfo goes away: its title falls back to the folder name.
        (root / "Harbour Watch (2019)" / "tvshow.nfo").unlink()
        app.scanner.scan()
        with app.catalogue.reading() as conn:
            titles = set(conn.execute(select(s.shows.c.title)).scalars())
        assert titles == {"Harbour Watch", "Evening Bulletin"}
    finally:
        app.close()


def _search(app: Parlour, words: str) -> set[tuple[str, str]]:
    with app.catalogue.reading() as conn:
        rows = conn.exec_driver_sql(
            "SELECT e.kind, e.title FROM search_fts JOIN search_entries e"
            " ON e.entry_id = search_fts.rowid WHERE search_fts MATCH ?",
            (words,),
        ).all()
    return {(kind, title) for kind, title in rows}


def test_film_sidecars_subtitles_artwork_and_nfo(tmp_path: Path, video_template: Path) -> None:
    root = tmp_path / "films"
    folder = root / "Tidewater (2011)"
    folder.mkdir(parents=True)
    shutil.copyfile(video_template, folder / "Tidewater (2011).mkv")
    for name in (
        "Tidewater (2011).en.srt",
        "Tidewater (2011).en.forced.srt",
        "Tidewater (2011).fr.vtt",
        "Tidewater (2011).de.sdh.ass",
        "Another Film.en.srt",
    ):
        (folder / name).write_bytes(b"1\n00:00:00,000 --> 00:00:01,000\nhi\n")
    (folder / "poster.jpg").write_bytes(b"\xff\xd8 poster")
    (folder / "fanart.jpg").write_bytes(b"\xff\xd8 fanart")
    (folder / "Tidewater (2011).nfo").write_bytes(FILM_NFO)
    app = open_parlour(tmp_path / "data")
    try:
        app.libraries.add(HOST, "movies", str(root), "Films")
        assert app.scanner.scan().failures == []
        with app.catalogue.reading() as conn:
            subs = {
                (
                    bytes(r.rel_path).decode().split("/")[-1],
                    r.format,
                    r.language,
                    r.is_forced,
                    r.is_sdh,
                )
                for r in conn.execute(select(s.external_subtitles))
            }
            poster, fanart = conn.execute(select(s.movies.c.poster_id, s.movies.c.fanart_id)).one()
            art = dict(conn.execute(select(s.artwork.c.id, s.artwork.c.rel_path)).all())
            genres = set(conn.execute(select(s.genres.c.name).join(s.video_genres)).scalars())
        assert subs == {
            ("Tidewater (2011).en.srt", "srt", "en", False, False),
            ("Tidewater (2011).en.forced.srt", "srt", "en", True, False),
            ("Tidewater (2011).fr.vtt", "vtt", "fr", False, False),
            ("Tidewater (2011).de.sdh.ass", "ass", "de", False, True),
        }
        assert bytes(art[poster]) == b"Tidewater (2011)/poster.jpg"
        assert bytes(art[fanart]) == b"Tidewater (2011)/fanart.jpg"
        assert genres == {"Drama", "Mystery"}
        assert ("movie", "Tidewater") in _search(app, "quill")  # found by its cast
        assert ("movie", "Tidewater") in _search(app, "brenn")  # and its director

        # Without its poster the film falls back to a frame of itself.
        (folder / "poster.jpg").unlink()
        app.scanner.scan()
        with app.catalogue.reading() as conn:
            source = conn.execute(
                select(s.artwork.c.source).join(s.movies, s.movies.c.poster_id == s.artwork.c.id)
            ).scalar_one()
        assert source == "frame"
    finally:
        app.close()


def test_symlinks_leaving_the_root_are_followed_only_when_configured(
    tmp_path: Path, demo_roots: dict[str, Path]
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    track = DEMO_LIBRARY.music[0]
    shutil.copyfile(demo_roots["music"] / track.rel_path, outside / "linked.mp3")
    for follow in (False, True):
        root = tmp_path / f"music-{follow}"
        root.mkdir()
        (root / "link.mp3").symlink_to(outside / "linked.mp3")
        app = open_parlour(tmp_path / f"data-{follow}")
        try:
            app.libraries.add(HOST, "music", str(root), "Music", follow_symlinks=follow)
            summary = app.scanner.scan()
            (music,) = app.libraries.list_all(HOST)
        finally:
            app.close()
        assert music.counts["tracks"] == (1 if follow else 0)
        assert music.counts["failed"] == (0 if follow else 1)
        assert summary.failed == (0 if follow else 1)
