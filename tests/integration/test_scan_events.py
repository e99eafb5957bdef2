"""The scan status stream (Server-Sent Events) over real HTTP: progress while a scan runs,
a final event when it ends, and a stream that lets go when its client or the server does."""

import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from parlour.demo.recipes import DEMO_LIBRARY
from support import ServerProcess, add_user, free_port

EVENTS = "/api/v1/admin/scan/events"
# Each read waits at most this long: longer than a heartbeat, so a live stream never
# times out, and a dead one fails the test instead of hanging it.
READ = httpx.Timeout(10, read=30)
Event = tuple[str, dict[str, Any] | None]  # (event name or "comment", data)


def sse_events(lines: Iterator[str]) -> Iterator[Event]:
    """Parse a text/event-stream into events, comments included."""
    name, data = "message", list[str]()
    for line in lines:
        if not line:
            if data:
                yield name, orjson.loads("\n".join(data))
            name, data = "message", list[str]()
        elif line.startswith(":"):
            yield "comment", None
        elif line.startswith("event:"):
            name = line.removeprefix("event:").strip()
        elif line.startswith("data:"):
            data.append(line.removeprefix("data:").strip())


def _server(base: Path) -> ServerProcess:
    data = base / "data"
    add_user(data, "root", "root-password", admin=True)
    server = ServerProcess(data, free_port())
    server.wait_ready()
    server.headers = server.login("root", "root-password")
    return server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = _server(tmp_path_factory.mktemp("events"))
    try:
        yield server
    finally:
        server.stop()


def _open_streams(server: ServerProcess) -> int:
    info = httpx.get(server.base + "/api/v1/admin/server", headers=server.headers, timeout=10)
    assert info.status_code == 200
    return int(info.json()["event_streams"])


def test_a_scan_streams_its_progress_until_it_finishes(
    server: ServerProcess, demo_roots: dict[str, Path], tmp_path: Path
) -> None:
    music = tmp_path / "music"
    shutil.copytree(demo_roots["music"], music)
    created = httpx.post(
        server.base + "/api/v1/admin/libraries",
        headers=server.headers,
        json={"kind": "music", "path": str(music), "name": "Music"},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    library_id = created.json()["id"]
    progress: list[dict[str, Any]] = []
    final: dict[str, Any] | None = None
    with (
        httpx.Client(timeout=READ) as client,
        client.stream("GET", server.base + EVENTS, headers=server.headers) as stream,
    ):
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = sse_events(stream.iter_lines())
        name, first = next(events)
        assert name == "status" and first is not None and first["running"] is False
        started = httpx.post(
            server.base + f"/api/v1/admin/libraries/{library_id}/scan",
            headers=server.headers,
            json={"full": True},
            timeout=10,
        )
        assert started.status_code == 202, started.text
        for name, data in events:  # bounded: each read times out; the scan ends
            if name == "progress":
                assert data is not None
                progress.append(data)
            elif name == "finished":
                final = data
                break
            assert len(progress) < 10_000
    assert final is not None, "the stream ended before the scan did"
    tracks = len(DEMO_LIBRARY.music)
    phases = [p["phase"] for p in progress]
    assert phases[0] == "queued"
    assert phases.index("walking") < phases.index("probing") < phases.index("sidecars")
    assert all(p["running"] and p["library"] == "Music" for p in progress)
    done = [p["done"] for p in progress if p["phase"] == "probing"]
    assert done == sorted(done) and done[0] < done[-1] == tracks  # the counts grow
    assert final["running"] is False and final["phase"] == "done"
    assert final["done"] == final["total"] == tracks
    assert final["summary"]["added"] == tracks and final["summary"]["failed"] == 0
    listed = httpx.get(server.base + "/api/v1/libraries", headers=server.headers, timeout=10)
    counts = {lib["id"]: lib["counts"] for lib in listed.json()}
    assert counts[library_id]["tracks"] == final["summary"]["added"]


def test_a_stream_ends_when_its_client_goes(server: ServerProcess) -> None:
    assert _open_streams(server) == 0
    with (
        httpx.Client(timeout=READ) as client,
        client.stream("GET", server.base + EVENTS, headers=server.headers) as stream,
    ):
        events = sse_events(stream.iter_lines())  # kept: dropping it closes the response
        assert next(events)[0] == "status"
        assert _open_streams(server) == 1
    deadline = time.monotonic() + 30
    while _open_streams(server) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _open_streams(server) == 0


def test_an_open_stream_does_not_hold_up_shutdown(tmp_path: Path) -> None:
    server = _server(tmp_path)
    try:
        with (
            httpx.Client(timeout=READ) as client,
            client.stream("GET", server.base + EVENTS, headers=server.headers) as stream,
        ):
            events = sse_events(stream.iter_lines())
            assert next(events)[0] == "status"
            server.process.send_signal(signal.SIGTERM)
            # The server ends the stream properly (no reset, no read timeout) ...
            rest = list(events)
        assert all(name == "comment" for name, _ in rest)
        # ... and then exits.
        server.process.wait(timeout=30)
        assert server.process.returncode in (0, -signal.SIGTERM)
    except subprocess.TimeoutExpired:
        pytest.fail("the server did not stop while an event stream was open")
    finally:
        server.stop()
