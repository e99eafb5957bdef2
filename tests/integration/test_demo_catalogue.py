"""The demo library is catalogued with exactly the counts and tags its recipes say."""

import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select, text

from parlour.demo.recipes import DEMO_LIBRARY
from parlour.domain.accounts import HOST
from parlour.services.application import Parlour
from parlour.storage import schema as s
from support import DEMO_NAMES, run_parlour

CODECS = {"mp3": "mp3", "flac": "flac", "ogg": "vorbis", "opus": "opus", "m4a": "aac"}


def _counts(parlour: Parlour) -> dict[str, dict[str, int]]:
    return {lib.name: lib.counts for lib in parlour.libraries.list_all(HOST)}


def test_counts_match_the_recipes(demo_catalogue: Parlour) -> None:
    music = DEMO_LIBRARY.music
    albums = {(t.album_artists, t.album) for t in music}
    artists = {name.casefold() for t in music for name in (*t.artists, *t.album_artists)}
    shows = {e.show for e in DEMO_LIBRARY.shows}
    seasons = {(e.show, e.season) for e in DEMO_LIBRARY.shows}
    assert _counts(demo_catalogue) == {
        "Music": {
            "tracks": len(music),
            "albums": len(albums),
            "artists": len(artists),
            "failed": 0,
        },
        "Films": {"movies": len(DEMO_LIBRARY.movies), "failed": 0},
        "Shows": {
            "shows": len(shows),
            "seasons": len(seasons),
            "episodes": len(DEMO_LIBRARY.shows),
            "failed": 0,
        },
        "Photos": {"photos": len(DEMO_LIBRARY.photos), "failed": 0},
    }


def test_every_track_has_the_tags_its_recipe_wrote(demo_catalogue: Parlour) -> None:
    t, f, a = s.tracks, s.media_files, s.albums
    with demo_catalogue.catalogue.reading() as conn:
        rows = {
            bytes(row.rel_path).decode(): row
            for row in conn.execute(
                select(
                    f.c.rel_path,
                    t.c.id,
                    t.c.title,
                    t.c.artist_name,
                    t.c.track_no,
                    t.c.track_total,
                    t.c.disc_no,
                    t.c.disc_total,
                    t.c.year,
                    t.c.codec,
                    t.c.has_picture,
                    t.c.duration_ms,
                    a.c.title.label("album"),
                    a.c.artist_name.label("album_artist"),
                    a.c.compilation,
                )
                .join(f, f.c.id == t.c.file_id)
                .join(a, a.c.id == t.c.album_id)
            )
        }
        genres = {
            track_id: [name for _, name in sorted(pairs)]
            for track_id, pairs in _group(
                conn.execute(
                    select(
                        s.track_genres.c.track_id, s.track_genres.c.position, s.genres.c.name
                    ).join(s.genres)
                )
            ).items()
        }
        artists = {
            track_id: [name for _, name in sorted(pairs)]
            for track_id, pairs in _group(
                conn.execute(
                    select(
                        s.track_artists.c.track_id, s.track_artists.c.position, s.artists.c.name
                    ).join(s.artists)
                )
            ).items()
        }
    assert set(rows) == {track.rel_path for track in DEMO_LIBRARY.music}
    for track in DEMO_LIBRARY.music:
        row = rows[track.rel_path]
        assert row.title == track.title
        assert artists[row.id] == list(track.artists)
        assert row.artist_name == " / ".join(track.artists)
        assert row.album == track.album
        assert row.album_artist == " / ".join(track.album_artists)
        assert (row.track_no, row.track_total) == (track.track_no, track.track_total)
        assert (row.disc_no, row.disc_total) == (track.disc_no, track.disc_total)
        assert row.year == track.year
        assert genres[row.id] == list(track.genres)
        assert bool(row.compilation) == track.compilation
        assert bool(row.has_picture) == track.embedded_cover
        assert row.codec == CODECS[track.format]
        assert abs(row.duration_ms - track.duration_s * 1000) < 150


def _group(rows: object) -> dict[str, list[tuple[int, str]]]:
    grouped: dict[str, list[tuple[int, str]]] = {}
    for key, position, name in rows:  # type: ignore[attr-defined]
        grouped.setdefault(key, []).append((position, name))
    return grouped


def test_album_covers_come_from_folder_images_or_embedded_pictures(demo_catalogue: Parlour) -> None:
    with demo_catalogue.catalogue.reading() as conn:
        rows = conn.execute(
            select(s.albums.c.title, s.artwork.c.source, s.artwork.c.rel_path).outerjoin(
                s.artwork, s.artwork.c.id == s.albums.c.cover_id
            )
        ).all()
    sources = {title: (source, bytes(rel).decode() if rel else None) for title, source, rel in rows}
    expected: dict[str, tuple[str | None, str | None]] = {
        t.album: (None, None) for t in DEMO_LIBRARY.music
    }
    for track in DEMO_LIBRARY.music:
        if track.embedded_cover:
            expected[track.album] = ("embedded", None)
    for cover in DEMO_LIBRARY.folder_covers:
        folder = str(Path(cover).parent)
        album = next(t.album for t in DEMO_LIBRARY.music if str(Path(t.rel_path).parent) == folder)
        expected[album] = ("sidecar", cover)
    assert sources == expected


def test_films_have_names_nfo_metadata_subtitles_and_streams(demo_catalogue: Parlour) -> None:
    m, f = s.movies, s.media_files
    with demo_catalogue.catalogue.reading() as conn:
        films = {
            row.title: row
            for row in conn.execute(
                select(
                    m.c.id,
                    m.c.title,
                    m.c.year,
                    m.c.plot,
                    m.c.content_rating,
                    m.c.file_id,
                    m.c.poster_id,
                )
            )
        }
        genres = Counter(
            conn.execute(
                select(m.c.title, s.genres.c.name)
                .join(s.video_genres, s.video_genres.c.video_id == m.c.id)
                .join(s.genres)
            ).all()
        )
        subtitles = conn.execute(
            select(m.c.title, s.external_subtitles.c.language, s.external_subtitles.c.format).join(
                s.external_subtitles, s.external_subtitles.c.file_id == m.c.file_id
            )
        ).all()
        streams = conn.execute(
            select(
                m.c.title,
                s.media_streams.c.type,
                s.media_streams.c.codec,
                s.media_streams.c.language,
            )
            .join(f, f.c.id == m.c.file_id)
            .join(s.media_streams, s.media_streams.c.file_id == f.c.id)
        ).all()
    assert {(row.title, row.year) for row in films.values()} == {
        (fm.title, fm.year) for fm in DEMO_LIBRARY.movies
    }
    for film in DEMO_LIBRARY.movies:
        row = films[film.title]
        assert row.poster_id is not None  # a poster file or a frame of the film
        if film.nfo:
            assert row.plot == film.plot
            assert row.content_rating == film.mpaa
            assert {name for (title, name) in genres if title == film.title} == set(film.genres)
        else:
            assert row.plot is None
        expected_subs = {(film.title, name.split(".")[-2], "srt") for name in film.subtitles}
        assert {sub for sub in subtitles if sub[0] == film.title} == expected_subs
        kinds = {(kind, codec) for title, kind, codec, _ in streams if title == film.title}
        assert kinds == {("video", "h264"), ("audio", "aac")}
        assert {
            lang for title, kind, _, lang in streams if title == film.title and kind == "audio"
        } == {"eng"}


def test_episodes_sit_in_their_show_and_season(demo_catalogue: Parlour) -> None:
    e, sh = s.episodes, s.shows
    with demo_catalogue.catalogue.reading() as conn:
        rows = conn.execute(
            select(s.media_files.c.rel_path, sh.c.title, e.c.season_number, e.c.episode_number)
            .join(s.media_files, s.media_files.c.id == e.c.file_id)
            .join(sh, sh.c.id == e.c.show_id)
        ).all()
    assert {(bytes(r[0]).decode(), r[1], r[2], r[3]) for r in rows} == {
        (ep.rel_path, ep.show, ep.season, ep.episode) for ep in DEMO_LIBRARY.shows
    }


def test_photos_keep_exif_date_camera_and_private_location(demo_catalogue: Parlour) -> None:
    p = s.photos
    with demo_catalogue.catalogue.reading() as conn:
        rows = {
            bytes(r.rel_path).decode(): r
            for r in conn.execute(
                select(
                    s.media_files.c.rel_path,
                    p.c.taken_at,
                    p.c.camera_make,
                    p.c.camera_model,
                    p.c.gps_latitude,
                    p.c.gps_longitude,
                    p.c.width,
                    p.c.height,
                ).join(s.media_files, s.media_files.c.id == p.c.file_id)
            )
        }
        folders = (
            conn.execute(
                select(s.folders.c.name).where(
                    s.folders.c.id.in_(
                        select(s.media_files.c.folder_id).join(p, p.c.file_id == s.media_files.c.id)
                    )
                )
            )
            .scalars()
            .all()
        )
    assert len(folders) == len({Path(ph.rel_path).parent for ph in DEMO_LIBRARY.photos}) == 2
    for photo in DEMO_LIBRARY.photos:
        row = rows[photo.rel_path]
        assert (row.taken_at, row.camera_make, row.camera_model) == (
            photo.taken_at,
            photo.camera_make,
            photo.camera_model,
        )
        assert (row.width, row.height) == (photo.width, photo.height)
        if photo.gps is None:
            assert row.gps_latitude is None
        else:
            assert row.gps_latitude == pytest.approx(photo.gps[0], abs=1e-4)
            assert row.gps_longitude == pytest.approx(photo.gps[1], abs=1e-4)


def test_search_index_finds_items_by_words_of_their_names(demo_catalogue: Parlour) -> None:
    track = DEMO_LIBRARY.music[0]
    word = max(track.title.split(), key=len)
    with demo_catalogue.catalogue.reading() as conn:
        found = conn.execute(
            text(
                "SELECT e.kind, e.title FROM search_fts"
                " JOIN search_entries e ON e.entry_id = search_fts.rowid WHERE search_fts MATCH :q"
            ),
            {"q": '"' + word + '"'},
        ).all()
    assert ("track", track.title) in found


def test_library_list_json_reports_counts_as_design_says(
    demo_catalogue: Parlour, demo_roots: dict[str, Path]
) -> None:
    result = run_parlour(
        "library", "list", "--json", "--data-dir", str(demo_catalogue.settings.data_dir)
    )
    assert result.returncode == 0, result.stderr
    listed = {lib["name"]: lib for lib in json.loads(result.stdout)}
    assert set(listed) == set(DEMO_NAMES.values())
    for kind, name in DEMO_NAMES.items():
        lib = listed[name]
        assert lib["kind"] == kind
        assert lib["paths"] == [str(demo_roots[kind].resolve())]
        assert len(lib["id"]) == 32
        assert int(lib["id"], 16) >= 0
    assert listed["Music"]["counts"]["tracks"] == len(DEMO_LIBRARY.music)
    assert listed["Photos"]["counts"] == {"photos": len(DEMO_LIBRARY.photos), "failed": 0}
