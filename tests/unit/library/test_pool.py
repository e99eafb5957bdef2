"""The probing pool survives workers that die: in-flight files are retried one by one and
only a file that kills its worker on its own is recorded as failed."""

from pathlib import Path

import psutil
import pytest

from parlour.demo.generate import generate_bulk_music
from parlour.domain.media import LibraryKind
from parlour.library.pool import CRASH_REASON, ProbeJob, ProbePool


@pytest.fixture(scope="module")
def tracks(tmp_path_factory: pytest.TempPathFactory, media_cache: Path) -> list[ProbeJob]:
    root = tmp_path_factory.mktemp("pool") / "music"
    generate_bulk_music(root, 300, cache_dir=media_cache)
    jobs = []
    for path in sorted(root.rglob("*.*")):
        stat = path.stat()
        rel = bytes(path.relative_to(root))
        jobs.append(
            ProbeJob(bytes(root), "r" * 32, rel, stat.st_size, stat.st_mtime_ns, stat.st_ino)
        )
    return jobs


def _workers() -> list[psutil.Process]:
    """Our probing workers (not the resource tracker, also a child)."""
    children = psutil.Process().children()
    return [child for child in children if any("spawn_main" in p for p in child.cmdline())]


def test_every_job_gets_one_result(tracks: list[ProbeJob]) -> None:
    pool = ProbePool(workers=2)
    try:
        results = list(pool.scan(LibraryKind.MUSIC, tracks))
    finally:
        pool.close()
    assert sorted(r.rel_path for r in results) == sorted(j.rel_path for j in tracks)
    assert all(r.error is None and r.record is not None for r in results)


def test_a_worker_killed_mid_scan_costs_no_file(tracks: list[ProbeJob]) -> None:
    others = {worker.pid for worker in _workers()}  # another pool's: not ours to kill
    pool = ProbePool(workers=2)
    killed = 0
    results = []
    try:
        for result in pool.scan(LibraryKind.MUSIC, tracks):
            results.append(result)
            if len(results) == 40:
                workers = [worker for worker in _workers() if worker.pid not in others]
                assert workers, "no worker processes to kill"
                workers[0].kill()
                killed += 1
    finally:
        pool.close()
    assert killed == 1
    assert sorted(r.rel_path for r in results) == sorted(j.rel_path for j in tracks)
    assert [r.error for r in results if r.error] == []


def test_a_file_that_kills_its_worker_alone_is_recorded_as_failed(tracks: list[ProbeJob]) -> None:
    # A timeout shorter than any probe: every file ends its worker, alone and in company.
    pool = ProbePool(workers=1, timeout_s=1e-6)
    try:
        results = list(pool.scan(LibraryKind.MUSIC, tracks[:3]))
    finally:
        pool.close()
    assert sorted(r.rel_path for r in results) == sorted(j.rel_path for j in tracks[:3])
    assert {r.error for r in results} == {CRASH_REASON}
    assert all(r.record is None for r in results)


def test_a_worker_that_died_between_scans_is_replaced(tracks: list[ProbeJob]) -> None:
    # A session-wide catalogue's pool (tests/conftest.py) may have workers of its own.
    others = {worker.pid for worker in _workers()}
    pool = ProbePool(workers=1)
    try:
        assert len(list(pool.scan(LibraryKind.MUSIC, tracks[:5]))) == 5
        workers = [worker for worker in _workers() if worker.pid not in others]
        assert len(workers) == 1
        workers[0].kill()
        workers[0].wait(timeout=10)
        results = list(pool.scan(LibraryKind.MUSIC, tracks[5:10]))
    finally:
        pool.close()
    assert [r.error for r in results] == [None] * 5
