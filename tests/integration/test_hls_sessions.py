"""HLS sessions with the real ffmpeg, without HTTP: a job far ahead of its player is
paused, segments behind it are deleted, the cache cap refuses new jobs, a finished job
frees its slot, and a client that is gone loses its job and segments."""

import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import psutil
import pytest

from parlour.domain.errors import BusyError
from parlour.media.audio import TranscodeSlots
from parlour.media.decision import AudioPlan
from parlour.media.ffmpeg import run_ffmpeg
from parlour.media.hls_jobs import HlsJob
from parlour.media.hls_plan import HlsPlan, VideoRendition
from parlour.media.hls_sessions import HlsSessions

FILM_S = 600
SHORT_S = 12
PEER = ("127.0.0.1", 50000)


def _make(path: Path, seconds: int) -> Path:
    run_ffmpeg(
        ["-f", "lavfi", "-i", f"testsrc2=size=320x240:rate=24:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=f=440:duration={seconds}", "-c:v", "libx264",
         "-preset", "ultrafast", "-g", "48", "-c:a", "aac", str(path)]
    )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make(tmp_path_factory.mktemp("film") / "film.mkv", FILM_S)


@pytest.fixture(scope="module")
def short_film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make(tmp_path_factory.mktemp("short") / "short.mkv", SHORT_S)


PLAN = HlsPlan(
    FILM_S * 1000,
    0,
    (VideoRendition("240p", False, 4, 320, 240, 300_000, "avc1.64001e"),),
    (AudioPlan(1, False, "aac", 2, "eng", None, True),),
)


def _sessions(tmp_path: Path, cache_bytes: int = 1 << 30, slots: int = 1) -> HlsSessions:
    sessions = HlsSessions(tmp_path / "hls", TranscodeSlots(slots), cache_bytes)
    sessions.start()
    return sessions


@asynccontextmanager
async def _running(tmp_path: Path, **options: int) -> AsyncIterator[HlsSessions]:
    """Sessions that are closed (every job killed) however the test ends."""
    sessions = _sessions(tmp_path, **options)
    try:
        yield sessions
    finally:
        await sessions.close()


def _still_open() -> set[tuple[str, int]]:
    return {PEER}  # the player's connection stays open


def test_a_job_far_ahead_is_paused_and_old_segments_go(film: Path, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with _running(tmp_path) as sessions:
            session = sessions.open("s1", "u", "i", bytes(film), PLAN)
            rendition = PLAN.renditions[0]
            await sessions.segment(session, rendition, "v", 0, PEER)
            job = session.job
            assert job is not None

            # It runs on alone to a minute ahead of the player, then stops (SIGSTOP).
            async def paused() -> bool:
                await sessions.tick(_still_open)
                return job.paused

            with anyio.fail_after(60):
                while not await paused():
                    await anyio.sleep(0.2)
            process = psutil.Process(job.process.pid)
            with anyio.fail_after(5):  # the signal is delivered asynchronously
                while process.status() != psutil.STATUS_STOPPED:
                    await anyio.sleep(0.05)
            ahead = job.made_until()
            assert 60 < ahead < FILM_S
            # The player moves on 40 s: the first segments are deleted, the job goes on.
            await sessions.segment(session, rendition, "v", 10, PEER)
            await sessions.tick(_still_open)
            assert not job.segment("v", 0).exists() and job.segment("v", 10).exists()
            assert not job.paused
        assert not job.running and not (tmp_path / "hls").exists()

    anyio.run(scenario)


def test_the_cache_cap_pauses_jobs_and_refuses_new_ones(film: Path, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with _running(tmp_path, cache_bytes=200_000, slots=2) as sessions:
            first = sessions.open("s1", "u", "i", bytes(film), PLAN)
            await sessions.segment(first, PLAN.renditions[0], "v", 0, PEER)
            with anyio.fail_after(60):
                while not sessions.cache_full:
                    await sessions.tick(_still_open)
                    await anyio.sleep(0.2)
            assert first.job is not None and first.job.paused
            second = sessions.open("s2", "u", "i", bytes(film), PLAN)
            with pytest.raises(BusyError):
                await sessions.segment(second, PLAN.renditions[0], "v", 0, PEER)
            await sessions.end("s1")  # its segments go, and with them the pressure
            await sessions.tick(_still_open)
            assert not sessions.cache_full
            assert (await sessions.segment(second, PLAN.renditions[0], "v", 0, PEER)).exists()

    anyio.run(scenario)


def test_a_finished_job_frees_its_slot_and_a_gone_client_its_segments(
    short_film: Path, tmp_path: Path
) -> None:
    short = HlsPlan(SHORT_S * 1000, PLAN.video_index, PLAN.renditions, PLAN.audio)

    async def scenario() -> None:
        async with _running(tmp_path, slots=1) as sessions:
            session = sessions.open("s1", "u", "i", bytes(short_film), short)
            await sessions.segment(session, short.renditions[0], "v", 0, PEER)
            job = session.job
            assert job is not None
            # The transcode reaches the end of the film and exits: its slot is free for
            # someone else while the player still plays its segments.
            with anyio.fail_after(60):
                while job.running or job.slot is not None:
                    await sessions.tick(_still_open)
                    await anyio.sleep(0.2)
            sessions.slots.take().release()
            # The player's connections close: three seconds later its segments are gone.
            with anyio.fail_after(10):
                while session.directory.exists():
                    await sessions.tick(set)
                    await anyio.sleep(0.5)
            assert session.job is None and sessions.get("s1") is session  # remembered a while

    anyio.run(scenario)


def test_a_restarted_server_kills_the_jobs_its_killed_self_left(film: Path, tmp_path: Path) -> None:
    async def crash() -> HlsJob:
        sessions = _sessions(tmp_path)
        session = sessions.open("s1", "u", "i", bytes(film), PLAN)
        await sessions.segment(session, PLAN.renditions[0], "v", 0, PEER)
        assert session.job is not None
        session.job.pause()
        return session.job  # and never closed: as if the server died

    leftover = anyio.run(crash)
    assert leftover.running
    _sessions(tmp_path)  # the next start
    assert leftover.process.wait(timeout=5) == -signal.SIGKILL  # reaped here, its parent
    assert not (tmp_path / "hls" / "s1").exists()
