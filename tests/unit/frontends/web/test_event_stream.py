"""The scan event stream as a generator: its first event, heartbeats, missed states, the end."""

import anyio
import orjson

from parlour.domain.accounts import HOST
from parlour.frontends.web.scan_events import LiveStreams, event_stream
from parlour.services.application import Parlour


def _parse(chunk: bytes) -> list[tuple[str, dict[str, object]]]:
    """(event, data) of each event in a chunk; comments and retry lines skipped."""
    events = []
    for block in chunk.decode().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in fields:
            events.append((fields["event"], orjson.loads(fields["data"])))
    return events


def test_the_stream_opens_with_the_status_then_keeps_alive_until_closed(parlour: Parlour) -> None:
    streams = LiveStreams()

    async def read() -> list[bytes]:
        chunks = []
        stream = event_stream(parlour.scan_jobs, HOST, streams, heartbeat_s=0.02, tick_s=0.005)
        async for chunk in stream:
            chunks.append(chunk)
            assert streams.open == 1
            if chunk == b": keep-alive\n\n":
                streams.closing.set()  # the server stops: the stream must end by itself
            assert len(chunks) < 1000
        return chunks

    chunks = anyio.run(read)
    assert chunks[0].startswith(b"retry: ")
    [(name, status)] = _parse(chunks[0])
    assert name == "status" and status["running"] is False and status["run"] == 0
    assert chunks[-1] == b": keep-alive\n\n"
    assert streams.open == 0


def test_a_scan_over_between_two_looks_is_still_told_in_full(parlour: Parlour) -> None:
    streams = LiveStreams()
    jobs = parlour.scan_jobs

    async def read() -> list[tuple[str, dict[str, object]]]:
        events = []
        stream = event_stream(jobs, HOST, streams, heartbeat_s=60, tick_s=0.005)
        events += _parse(await anext(stream))
        # A whole scan (of no library at all) before the stream looks again.
        jobs.start(HOST)
        with jobs.state.changed:
            finished = jobs.state.changed.wait_for(lambda: not jobs.state.running, timeout=30)
        assert finished
        async for chunk in stream:
            events += _parse(chunk)
            if events[-1][0] == "finished":
                streams.closing.set()
            assert len(events) < 100
        return events

    events = anyio.run(read)
    names = [name for name, _ in events]
    assert names[0] == "status" and names[-1] == "finished"
    assert names[1:-1] and set(names[1:-1]) == {"progress"}
    assert events[1][1]["phase"] == "queued"
    final = events[-1][1]
    assert final["running"] is False and final["run"] == 1 and final["phase"] == "done"
    versions = [int(str(data["version"])) for _, data in events]
    assert versions == sorted(set(versions))  # each state once, in order
