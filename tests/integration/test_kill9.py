"""A scan killed with SIGKILL leaves a sound catalogue, and the next scan finishes the job."""

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from parlour.demo.generate import generate_bulk_music
from support import parlour_command, run_parlour

TRACKS = 1500


def _db(data_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{data_dir / 'catalogue.db'}?mode=ro", uri=True, timeout=30)


def _catalogue_facts(data_dir: Path) -> set[tuple[object, ...]]:
    """What a user sees of each track, independent of ids and scan times."""
    with _db(data_dir) as conn:
        rows = conn.execute(
            """
            SELECT f.rel_path, t.title, t.artist_name, t.track_no, t.year, a.title, a.artist_name,
                   (SELECT group_concat(g.name) FROM track_genres tg
                     JOIN genres g ON g.id = tg.genre_id WHERE tg.track_id = t.id)
            FROM tracks t JOIN media_files f ON f.id = t.file_id JOIN albums a ON a.id = t.album_id
            """
        ).fetchall()
    return set(rows)


def _counts(data_dir: Path) -> tuple[int, int, int, int]:
    with _db(data_dir) as conn:
        return (
            conn.execute("SELECT count(*) FROM media_files").fetchone()[0],
            conn.execute("SELECT count(*) FROM tracks").fetchone()[0],
            conn.execute("SELECT count(*) FROM albums").fetchone()[0],
            conn.execute("SELECT count(*) FROM search_entries").fetchone()[0],
        )


@pytest.fixture(scope="module")
def bulk_music(tmp_path_factory: pytest.TempPathFactory, media_cache: Path) -> Path:
    root = tmp_path_factory.mktemp("bulk") / "music"
    generate_bulk_music(root, TRACKS, cache_dir=media_cache)
    return root


def _add(data_dir: Path, root: Path) -> None:
    result = run_parlour("--data-dir", str(data_dir), "library", "add", "music", str(root))
    assert result.returncode == 0, result.stderr


def test_kill9_mid_scan_then_rescan_equals_a_clean_scan(tmp_path: Path, bulk_music: Path) -> None:
    killed_dir = tmp_path / "killed"
    _add(killed_dir, bulk_music)
    # One worker and small batches, so that the kill lands between commits mid-scan.
    env = {**os.environ, "PARLOUR_SCAN_WORKERS": "1", "PARLOUR_SCAN_BATCH_FILES": "100"}
    process = subprocess.Popen(
        parlour_command("--data-dir", str(killed_dir), "scan"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    committed = 0
    deadline = time.monotonic() + 120
    children: list[psutil.Process] = []
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                committed = _counts(killed_dir)[0]
            except sqlite3.OperationalError:
                committed = 0  # the schema is still being created
            if committed > 0:
                children = psutil.Process(process.pid).children(recursive=True)
                os.kill(process.pid, signal.SIGKILL)
                break
            time.sleep(0.01)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the scan finished before it could be killed"
    assert 0 < committed < TRACKS

    # The probing workers notice their parent is gone and leave; none is orphaned.
    _gone, alive = psutil.wait_procs(children, timeout=15)
    for leftover in alive:
        leftover.kill()
    assert alive == []

    with _db(killed_dir) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    files_after_kill = _counts(killed_dir)[0]

    resumed = run_parlour("--data-dir", str(killed_dir), "scan", timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    unchanged = int(resumed.stdout.split(" unchanged")[0].rsplit(" ", 1)[1])
    assert unchanged >= files_after_kill  # what was committed was not read again
    assert f"{TRACKS - unchanged} added" in resumed.stdout

    clean_dir = tmp_path / "clean"
    _add(clean_dir, bulk_music)
    clean = run_parlour("--data-dir", str(clean_dir), "scan", timeout=300)
    assert clean.returncode == 0, clean.stderr
    albums, artists = TRACKS // 10, TRACKS // 100  # bulk: ten tracks an album, 100 an artist
    searchable = TRACKS + albums + artists
    assert _counts(killed_dir) == _counts(clean_dir) == (TRACKS, TRACKS, albums, searchable)
    assert _catalogue_facts(killed_dir) == _catalogue_facts(clean_dir)
    assert len(_catalogue_facts(clean_dir)) == TRACKS
