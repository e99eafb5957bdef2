"""Rescans change only what changed: ids survive renames and moves, deletions disappear."""

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import mutagen
import pytest
from PIL import Image
from sqlalchemy import select

from parlour.demo.recipes import DEMO_LIBRARY
from parlour.domain.accounts import HOST
from parlour.services.application import Parlour
from parlour.storage import schema as s
from support import open_parlour


@pytest.fixture
def music_copy(tmp_path: Path, demo_roots: dict[str, Path]) -> Iterator[tuple[Parlour, Path]]:
    root = tmp_path / "music"
    shutil.copytree(demo_roots["music"], root)
    app = open_parlour(tmp_path / "data")
    app.libraries.add(HOST, "music", str(root), "Music")
    first = app.scanner.scan()
    assert first.added == len(DEMO_LIBRARY.music)
    yield app, root
    app.close()


def _tracks(app: Parlour) -> dict[str, tuple[str, str, str]]:
    """rel path -> (track id, file id, title)."""
    with app.catalogue.reading() as conn:
        rows = conn.execute(
            select(
                s.media_files.c.rel_path, s.tracks.c.id, s.tracks.c.file_id, s.tracks.c.title
            ).join(s.media_files, s.media_files.c.id == s.tracks.c.file_id)
        ).all()
    return {bytes(rel).decode(): (tid, fid, title) for rel, tid, fid, title in rows}


def _counts(app: Parlour) -> dict[str, int]:
    (music,) = app.libraries.list_all(HOST)
    return music.counts


def test_unchanged_rescan_reads_nothing(music_copy: tuple[Parlour, Path]) -> None:
    app, _root = music_copy
    before = _tracks(app)
    summary = app.scanner.scan()
    assert (summary.added, summary.changed, summary.moved, summary.removed) == (0, 0, 0, 0)
    assert summary.unchanged == len(DEMO_LIBRARY.music)
    assert _tracks(app) == before


def test_rename_in_place_keeps_the_ids(music_copy: tuple[Parlour, Path]) -> None:
    app, root = music_copy
    track = DEMO_LIBRARY.music[3]
    before = _tracks(app)[track.rel_path]
    new_rel = str(Path(track.rel_path).with_name("renamed" + Path(track.rel_path).suffix))
    (root / track.rel_path).rename(root / new_rel)
    summary = app.scanner.scan()
    assert (summary.moved, summary.added, summary.removed) == (1, 0, 0)
    after = _tracks(app)
    assert track.rel_path not in after
    assert after[new_rel] == before


def test_move_to_another_folder_by_copy_keeps_the_ids(music_copy: tuple[Parlour, Path]) -> None:
    """A copy to a new inode and a delete (a move across disks) is matched by content."""
    app, root = music_copy
    track = DEMO_LIBRARY.music[5]
    before = _tracks(app)[track.rel_path]
    target = root / "Moved Elsewhere" / Path(track.rel_path).name
    target.parent.mkdir()
    shutil.copyfile(root / track.rel_path, target)  # new inode and new mtime
    (root / track.rel_path).unlink()
    summary = app.scanner.scan()
    assert (summary.moved, summary.added, summary.removed) == (1, 0, 0)
    after = _tracks(app)
    assert after[str(target.relative_to(root))] == before
    assert _counts(app)["tracks"] == len(DEMO_LIBRARY.music)


def test_deleted_files_disappear_with_their_empty_album(music_copy: tuple[Parlour, Path]) -> None:
    app, root = music_copy
    album = DEMO_LIBRARY.music[0].album
    album_tracks = [t for t in DEMO_LIBRARY.music if t.album == album]
    for track in album_tracks:
        (root / track.rel_path).unlink()
    before = _counts(app)
    summary = app.scanner.scan()
    assert summary.removed == len(album_tracks)
    after = _counts(app)
    assert after["tracks"] == before["tracks"] - len(album_tracks)
    assert after["albums"] == before["albums"] - 1
    remaining = _tracks(app)
    assert not any(t.rel_path in remaining for t in album_tracks)
    with app.catalogue.reading() as conn:
        assert conn.execute(select(s.albums.c.id).where(s.albums.c.title == album)).first() is None
        titles = set(conn.execute(select(s.search_entries.c.title)).scalars())
    assert not any(t.title in titles for t in album_tracks)


def test_a_retagged_file_is_read_again_and_keeps_its_id(music_copy: tuple[Parlour, Path]) -> None:
    app, root = music_copy
    track = next(t for t in DEMO_LIBRARY.music if t.format == "flac")
    before = _tracks(app)[track.rel_path]
    audio = mutagen.File(root / track.rel_path)
    audio["title"] = ["A New Title"]
    audio.save()
    summary = app.scanner.scan()
    assert (summary.changed, summary.added, summary.removed) == (1, 0, 0)
    track_id, file_id, title = _tracks(app)[track.rel_path]
    assert (track_id, file_id) == before[:2]
    assert title == "A New Title"


def test_a_cover_image_added_later_becomes_the_album_cover(
    music_copy: tuple[Parlour, Path],
) -> None:
    app, root = music_copy
    track = next(
        t
        for t in DEMO_LIBRARY.music
        if not t.embedded_cover and not (root / Path(t.rel_path).parent / "cover.jpg").exists()
    )
    folder = root / Path(track.rel_path).parent
    Image.new("RGB", (32, 32), "red").save(folder / "folder.jpg")
    app.scanner.scan()
    with app.catalogue.reading() as conn:
        rel = conn.execute(
            select(s.artwork.c.rel_path)
            .join(s.albums, s.albums.c.cover_id == s.artwork.c.id)
            .where(s.albums.c.title == track.album)
        ).scalar_one()
    assert bytes(rel).decode() == str(Path(track.rel_path).parent / "folder.jpg")
    os.remove(folder / "folder.jpg")
    app.scanner.scan()
    with app.catalogue.reading() as conn:
        cover = conn.execute(
            select(s.albums.c.cover_id).where(s.albums.c.title == track.album)
        ).scalar_one()
    assert cover is None


def test_full_scan_reads_everything_again_without_new_ids(music_copy: tuple[Parlour, Path]) -> None:
    app, _root = music_copy
    before = _tracks(app)
    summary = app.scanner.scan(full=True)
    assert summary.changed == len(DEMO_LIBRARY.music)
    assert summary.added == 0
    assert _tracks(app) == before


def test_a_film_moved_to_a_new_folder_keeps_its_id_and_takes_the_new_name(
    tmp_path: Path, demo_roots: dict[str, Path]
) -> None:
    root = tmp_path / "films"
    shutil.copytree(demo_roots["movies"], root)
    app = open_parlour(tmp_path / "data")
    try:
        app.libraries.add(HOST, "movies", str(root), "Films")
        app.scanner.scan()
        film = next(f for f in DEMO_LIBRARY.movies if f.subtitles)
        with app.catalogue.reading() as conn:
            movie_id = conn.execute(
                select(s.movies.c.id).where(s.movies.c.title == film.title)
            ).scalar_one()
        old = root / film.rel_path
        new_folder = root / "Renamed Feature (1999)"
        new_folder.mkdir()
        suffix = old.suffix
        old.rename(new_folder / f"Renamed Feature (1999){suffix}")
        for name in film.subtitles:
            (old.parent / name).rename(
                new_folder / name.replace(old.stem, "Renamed Feature (1999)")
            )
        time.sleep(0.01)
        summary = app.scanner.scan()
        assert summary.moved == 1
        with app.catalogue.reading() as conn:
            row = conn.execute(
                select(s.movies.c.id, s.movies.c.title, s.movies.c.year).where(
                    s.movies.c.id == movie_id
                )
            ).one()
            subs = (
                conn.execute(
                    select(s.external_subtitles.c.rel_path)
                    .join(s.movies, s.movies.c.file_id == s.external_subtitles.c.file_id)
                    .where(s.movies.c.id == movie_id)
                )
                .scalars()
                .all()
            )
        assert tuple(row) == (movie_id, "Renamed Feature", 1999)
        assert [bytes(p).decode() for p in subs] == [
            "Renamed Feature (1999)/" + name.replace(old.stem, "Renamed Feature (1999)")
            for name in film.subtitles
        ]
    finally:
        app.close()


def test_an_unreachable_root_loses_nothing(music_copy: tuple[Parlour, Path]) -> None:
    """An unmounted disk looks like a vanished folder: nothing is removed, and it is said."""
    app, root = music_copy
    before = _tracks(app)
    root.rename(root.with_name("unmounted"))
    summary = app.scanner.scan()
    assert summary.removed == 0
    assert len(summary.problems) == 1
    assert "missing" in summary.problems[0]
    assert _tracks(app) == before
    root.with_name("unmounted").rename(root)
    again = app.scanner.scan()
    assert (again.added, again.removed, again.unchanged) == (0, 0, len(DEMO_LIBRARY.music))


def test_users_state_follows_a_moved_file_and_goes_with_a_deleted_one(
    music_copy: tuple[Parlour, Path],
) -> None:
    app, root = music_copy
    app.accounts.add_user(HOST, "carol", "carol-password")
    app.accounts.grant(HOST, "carol", ["Music"])
    carol = app.accounts.viewer(app.accounts.login("carol", "carol-password", "127.0.0.1")[0])
    moved, deleted = DEMO_LIBRARY.music[0], DEMO_LIBRARY.music[1]
    ids = _tracks(app)
    moved_id, deleted_id = ids[moved.rel_path][0], ids[deleted.rel_path][0]
    for track_id in (moved_id, deleted_id):
        app.activity.record_play(carol, track_id)
        app.activity.set_favourite(carol, track_id, True)
    app.activity.create_playlist(carol, "Both", "music", items=[moved_id, deleted_id])
    (root / moved.rel_path).rename(root / moved.rel_path.replace(".", " (moved).", 1))
    (root / deleted.rel_path).unlink()
    assert app.scanner.scan().removed == 1
    assert app.activity.state(carol, moved_id).play_count == 1
    (playlist,) = app.activity.playlists(carol)
    assert playlist["entries"] == 1
    with app.catalogue.reading() as conn:
        for table in (s.user_item_state, s.play_events, s.playlist_entries):
            kept = set(conn.execute(select(table.c.item_id)).scalars())
            assert kept == {moved_id}, table.name
