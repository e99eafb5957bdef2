"""Removing a library over HTTP and from the command line while ``parlour serve`` runs:
its catalogue goes (rows, search index, grants, users' state of its items), its files
stay, a running scan is never cut short, and the watcher lets go of its folders."""

import fcntl
import shutil
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from parlour.demo.recipes import DEMO_LIBRARY, TrackRecipe
from parlour.domain.accounts import HOST
from parlour.storage import schema
from support import ServerProcess, free_port, open_parlour, run_parlour

TRACKS = [t for t in DEMO_LIBRARY.music if t.format in ("mp3", "flac")][:3]
ONLY_IN_MUSIC = DEMO_LIBRARY.music[-1]  # "Windowsill": no other library holds it
assert ONLY_IN_MUSIC not in TRACKS
# Tables that hold accounts and users' own lists, not the catalogue of any library.
# Rows that are not of any library: accounts, and the installation's DLNA settings (one
# row, made when the server first reads it; the shared libraries are another table).
NOT_CATALOGUE = {"users", "auth_tokens", "playlists", "dlna_settings"}


@dataclass
class Setup:
    server: ServerProcess
    data: Path
    roots: dict[str, Path]  # library name -> its folder
    admin: dict[str, str]
    plain: dict[str, str]

    @property
    def db(self) -> Path:
        return self.data / "catalogue.db"

    def libraries(self) -> dict[str, dict[str, Any]]:
        response = httpx.get(self.server.base + "/api/v1/libraries", headers=self.admin, timeout=10)
        assert response.status_code == 200, response.text
        return {lib["name"]: lib for lib in response.json()}


def _copy_tracks(source: Path, target: Path, tracks: Sequence[TrackRecipe]) -> None:
    for track in tracks:
        rel = track.rel_path
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / rel, target / rel)


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, demo_roots: dict[str, Path]) -> Iterator[Setup]:
    base = tmp_path_factory.mktemp("removal")
    roots = {
        "Music": base / "music",
        "Films": base / "films",
        "Alpha": base / "alpha",
        "Beta": base / "beta",
    }
    shutil.copytree(demo_roots["music"], roots["Music"])
    shutil.copytree(demo_roots["movies"], roots["Films"])
    _copy_tracks(demo_roots["music"], roots["Alpha"], TRACKS[:1])
    _copy_tracks(demo_roots["music"], roots["Beta"], TRACKS[:1])
    data = base / "data"
    app = open_parlour(data)
    try:
        for name, folder in roots.items():
            app.libraries.add(HOST, "movies" if name == "Films" else "music", str(folder), name)
        app.accounts.add_user(HOST, "root", "root-password", admin=True)
        app.accounts.add_user(HOST, "plain", "plain-password")
        app.accounts.grant(HOST, "plain", ["Music", "Films"])
        summary = app.scanner.scan()
        assert summary.failures == [], summary.failures
    finally:
        app.close()
    server = ServerProcess(data, free_port())
    try:
        server.wait_ready()
        yield Setup(
            server,
            data,
            roots,
            server.login("root", "root-password"),
            server.login("plain", "plain-password"),
        )
    finally:
        server.stop()


def _ids(db: Path, library_id: str) -> dict[str, set[str]]:
    """The ids of a library and of its roots, folders and files, by table."""
    with sqlite3.connect(db) as conn:

        def ids(sql: str) -> set[str]:
            return {row[0] for row in conn.execute(sql, (library_id,))}

        return {
            "libraries": {library_id},
            "library_roots": ids("SELECT id FROM library_roots WHERE library_id = ?"),
            "folders": ids("SELECT id FROM folders WHERE library_id = ?"),
            "media_files": ids("SELECT id FROM media_files WHERE library_id = ?"),
        }


def _references(db: Path, removed: dict[str, set[str]]) -> dict[str, int]:
    """Rows of any table whose foreign key points at one of ``removed``, by column."""
    found: dict[str, int] = {}
    with sqlite3.connect(db) as conn:
        for table in schema.metadata.sorted_tables:
            for fk in table.foreign_keys:
                ids = removed.get(fk.column.table.name)
                if not ids:
                    continue
                marks = ",".join("?" * len(ids))
                sql = f"SELECT count(*) FROM {table.name} WHERE {fk.parent.name} IN ({marks})"
                count = conn.execute(sql, sorted(ids)).fetchone()[0]
                if count:
                    found[f"{table.name}.{fk.parent.name}"] = count
    return found


def _fts_hits(db: Path, words: str) -> int:
    with sqlite3.connect(db) as conn:
        # The index itself, not the content table: a stale entry would still match.
        conn.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
        query = "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?"
        return int(conn.execute(query, (words,)).fetchone()[0])


def _search(setup: Setup, words: str) -> list[dict[str, object]]:
    response = httpx.get(
        setup.server.base + "/api/v1/search",
        params={"q": words},
        headers=setup.admin,
        timeout=10,
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


def test_deleting_a_library_forgets_its_catalogue_and_keeps_its_files(setup: Setup) -> None:
    before = setup.libraries()
    music_id = str(before["Music"]["id"])
    files_before = _snapshot(setup.roots["Music"])
    removed = _ids(setup.db, music_id)
    assert removed["media_files"] and removed["folders"]
    title = ONLY_IN_MUSIC.title
    assert any(item["title"] == title for item in _search(setup, title))
    assert _fts_hits(setup.db, f'"{title}"') > 0
    with sqlite3.connect(setup.db) as conn:  # a play state of one of its tracks
        track_id, user_id = conn.execute(
            "SELECT tracks.id, users.id FROM tracks, users"
            " WHERE tracks.library_id = ? AND users.name = 'plain'",
            (music_id,),
        ).fetchone()
        conn.execute(
            "INSERT INTO user_item_state (user_id, item_id, kind, position_ms, watched,"
            " play_count, updated_at) VALUES (?, ?, 'track', 1000, 0, 3, 1)",
            (user_id, track_id),
        )

    response = httpx.delete(
        setup.server.base + f"/api/v1/admin/libraries/{music_id}", headers=setup.admin, timeout=30
    )
    assert response.status_code == 204, response.text

    after = setup.libraries()
    assert "Music" not in after
    for name in ("Films", "Alpha", "Beta"):  # the others are untouched
        assert after[name]["counts"] == before[name]["counts"]
    assert _references(setup.db, removed) == {}
    assert not any(item["title"] == title for item in _search(setup, title))
    assert _fts_hits(setup.db, f'"{title}"') == 0
    with sqlite3.connect(setup.db) as conn:
        states = conn.execute("SELECT count(*) FROM user_item_state WHERE item_id = ?", (track_id,))
        assert states.fetchone()[0] == 0
    me = httpx.get(setup.server.base + "/api/v1/me", headers=setup.plain, timeout=10).json()
    assert music_id not in me["libraries"] and len(me["libraries"]) == 1  # Films stays granted
    assert _snapshot(setup.roots["Music"]) == files_before

    again = httpx.delete(
        setup.server.base + f"/api/v1/admin/libraries/{music_id}", headers=setup.admin, timeout=10
    )
    assert again.status_code == 404
    assert again.headers["content-type"] == "application/problem+json"


def test_unknown_libraries_are_404_for_removal_and_scans(setup: Setup) -> None:
    unknown = "0" * 32
    for method, path in (
        ("DELETE", f"/api/v1/admin/libraries/{unknown}"),
        ("POST", f"/api/v1/admin/libraries/{unknown}/scan"),
    ):
        response = httpx.request(
            method, setup.server.base + path, headers=setup.admin, json={}, timeout=10
        )
        assert response.status_code == 404, (method, path, response.text)


def test_removal_waits_for_a_running_scan_then_answers_409(setup: Setup) -> None:
    films_id = setup.libraries()["Films"]["id"]
    url = setup.server.base + f"/api/v1/admin/libraries/{films_id}"
    # Hold the scan lock as `parlour scan` in another process does.
    with open(setup.data / "scan.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            busy = httpx.delete(url, headers=setup.admin, timeout=60)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    assert busy.status_code == 409, busy.text
    assert busy.headers["content-type"] == "application/problem+json"
    assert "scan is running" in busy.json()["detail"]
    assert "Films" in setup.libraries()  # nothing was removed


def test_the_watcher_lets_go_of_a_removed_library(
    setup: Setup, demo_roots: dict[str, Path]
) -> None:
    libraries = setup.libraries()
    alpha_id = str(libraries["Alpha"]["id"])
    alpha_roots = _ids(setup.db, alpha_id)["library_roots"]
    beta_tracks = libraries["Beta"]["counts"]["tracks"]
    response = httpx.delete(
        setup.server.base + f"/api/v1/admin/libraries/{alpha_id}", headers=setup.admin, timeout=30
    )
    assert response.status_code == 204
    # A new file in the removed folder, then one in a library that is still followed:
    # once the second is catalogued, the watcher has seen (and ignored) the first.
    _copy_tracks(demo_roots["music"], setup.roots["Alpha"], TRACKS[1:2])
    _copy_tracks(demo_roots["music"], setup.roots["Beta"], TRACKS[2:3])
    deadline = time.monotonic() + 60
    tracks = beta_tracks
    while tracks == beta_tracks and time.monotonic() < deadline:
        time.sleep(0.3)
        tracks = setup.libraries()["Beta"]["counts"]["tracks"]
    assert tracks == beta_tracks + 1
    assert "Alpha" not in setup.libraries()
    assert _references(setup.db, {"library_roots": alpha_roots}) == {}
    with sqlite3.connect(setup.db) as conn:
        paths = [row[0] for row in conn.execute("SELECT path FROM library_roots")]
    assert str(setup.roots["Alpha"].resolve()) not in paths


def test_the_command_line_removes_the_rest_and_nothing_is_left(setup: Setup) -> None:
    data = ["--data-dir", str(setup.data)]
    files = {name: _snapshot(folder) for name, folder in setup.roots.items()}
    unknown = run_parlour(*data, "library", "remove", "No Such Library")
    assert unknown.returncode == 1 and "no library named" in unknown.stderr
    by_name = run_parlour(*data, "library", "remove", "Films")
    assert by_name.returncode == 0, by_name.stderr
    assert "removed" in by_name.stdout and "3 movies" in by_name.stdout
    beta_id = str(setup.libraries()["Beta"]["id"])
    by_id = run_parlour(*data, "library", "remove", beta_id)
    assert by_id.returncode == 0, by_id.stderr

    assert setup.libraries() == {}
    with sqlite3.connect(setup.db) as conn:
        left = {
            table.name: conn.execute(f"SELECT count(*) FROM {table.name}").fetchone()[0]
            for table in schema.metadata.sorted_tables
            if table.name not in NOT_CATALOGUE
        }
    assert {name: count for name, count in left.items() if count} == {}
    assert _fts_hits(setup.db, "paper OR comets OR lighthouse") == 0
    assert {name: _snapshot(folder) for name, folder in setup.roots.items()} == files
