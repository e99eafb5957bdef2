"""``parlour serve`` over real HTTP: health, the library listing, and the folder watcher."""

import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from parlour.demo.recipes import DEMO_LIBRARY
from support import ServerProcess, add_user, free_port, run_parlour

TRACKS = [t for t in DEMO_LIBRARY.music if t.format in ("mp3", "flac")][:4]


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, demo_roots: dict[str, Path]
) -> Iterator[tuple[ServerProcess, Path, Path]]:
    base = tmp_path_factory.mktemp("served")
    root = base / "music"
    for track in TRACKS[:3]:
        target = root / track.rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(demo_roots["music"] / track.rel_path, target)
    data = base / "data"
    added = run_parlour(
        "--data-dir", str(data), "library", "add", "music", str(root), "--name", "Music"
    )
    assert added.returncode == 0, added.stderr
    add_user(data, "keeper", "keeper-password", admin=True)
    server = ServerProcess(data, free_port())
    try:
        server.wait_ready()
        server.headers = server.login("keeper", "keeper-password")
        yield server, root, data
    finally:
        server.stop()


def _tracks(server: ServerProcess) -> int:
    response = httpx.get(server.base + "/api/v1/libraries", headers=server.headers, timeout=5)
    assert response.status_code == 200
    (music,) = response.json()
    return int(music["counts"]["tracks"])


def _wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _track_id(data: Path, title: str) -> str | None:
    with sqlite3.connect(f"file:{data / 'catalogue.db'}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT id FROM tracks WHERE title = ?", (title,)).fetchone()
    return None if row is None else str(row[0])


def test_health_answers_without_details(served: tuple[ServerProcess, Path, Path]) -> None:
    server, _, _ = served
    response = httpx.get(server.base + "/healthz", timeout=5)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_unknown_routes_answer_problem_json(served: tuple[ServerProcess, Path, Path]) -> None:
    server, _, _ = served
    response = httpx.get(server.base + "/api/v1/no-such-thing", timeout=5)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_library_listing_has_the_design_fields(served: tuple[ServerProcess, Path, Path]) -> None:
    server, root, _ = served
    assert _wait_for(lambda: _tracks(server) == 3), "the startup scan did not catalogue the library"
    (music,) = httpx.get(
        server.base + "/api/v1/libraries", headers=server.headers, timeout=5
    ).json()
    assert music["name"] == "Music"
    assert music["kind"] == "music"
    assert music["paths"] == [str(root.resolve())]
    artists = {name.casefold() for t in TRACKS[:3] for name in (*t.artists, *t.album_artists)}
    assert music["counts"] == {
        "tracks": 3,
        "albums": len({t.album for t in TRACKS[:3]}),
        "artists": len(artists),
        "failed": 0,
    }


def _file_of(data: Path, track_id: str) -> str | None:
    with sqlite3.connect(f"file:{data / 'catalogue.db'}?mode=ro", uri=True) as conn:
        row = conn.execute(
            "SELECT f.rel_path FROM tracks t JOIN media_files f ON f.id = t.file_id WHERE t.id = ?",
            (track_id,),
        ).fetchone()
    return None if row is None else bytes(row[0]).decode()


def test_watcher_picks_up_added_renamed_and_deleted_files(
    served: tuple[ServerProcess, Path, Path], demo_roots: dict[str, Path]
) -> None:
    server, root, data = served
    assert _wait_for(lambda: _tracks(server) == 3)
    new = TRACKS[3]
    target = root / "Dropped In" / Path(new.rel_path).name
    target.parent.mkdir()
    shutil.copyfile(demo_roots["music"] / new.rel_path, target)
    assert _wait_for(lambda: _tracks(server) == 4), "an added file was not picked up"
    track_id = _track_id(data, new.title)
    assert track_id is not None

    renamed = target.with_name("renamed" + target.suffix)
    target.rename(renamed)
    assert _wait_for(lambda: _file_of(data, track_id) == "Dropped In/" + renamed.name), (
        "rename missed"
    )
    assert _track_id(data, new.title) == track_id

    renamed.unlink()
    assert _wait_for(lambda: _tracks(server) == 3), "a deleted file was not dropped"
    assert _track_id(data, new.title) is None


def test_watcher_catalogues_a_whole_new_folder_tree(
    served: tuple[ServerProcess, Path, Path], demo_roots: dict[str, Path]
) -> None:
    server, root, data = served
    assert _wait_for(lambda: _tracks(server) == 3)
    source = TRACKS[3]
    target = root / "New Artist" / "New Album (2020)" / Path(source.rel_path).name
    target.parent.mkdir(parents=True)
    shutil.copyfile(demo_roots["music"] / source.rel_path, target)
    try:
        assert _wait_for(lambda: _tracks(server) == 4), "a file in new folders was not picked up"
        with sqlite3.connect(f"file:{data / 'catalogue.db'}?mode=ro", uri=True) as conn:
            chain = conn.execute(
                """
                SELECT child.name, parent.name FROM folders child
                JOIN folders parent ON parent.id = child.parent_id
                WHERE child.rel_path = CAST(? AS BLOB)
                """,
                (b"New Artist/New Album (2020)",),
            ).fetchone()
        assert chain == ("New Album (2020)", "New Artist")
    finally:
        shutil.rmtree(root / "New Artist")
    assert _wait_for(lambda: _tracks(server) == 3)
