"""Playback benchmark. Direct play: one large file over loopback against a bare
sendfile(2) server (what nginx does) and `cat FILE` from the page cache, and 100
concurrent range readers while the API stays responsive. HLS: the time to the first
segment of a fresh playback (1080p H.264 transcoded to 720p, a remux, a seek to the
middle), each against ffmpeg run by hand with the server's own arguments making the same
segment from the same file.
"""

import argparse
import asyncio
import base64
import contextlib
import json
import os
import platform
import random
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from api import free_port, start_server, stop_server, wait_ready
from parlour.app import build
from parlour.domain.accounts import HOST
from parlour.media.ffmpeg import ffmpeg_command, find_ffmpeg, run_ffmpeg
from parlour.media.hls_command import segment_args
from parlour.media.hls_plan import HlsPlan, VideoRendition
from parlour.services.playback import plan_from_json
from parlour.settings import load_settings
from report import cpu_model, say, source_version

HOSTNAME = "127.0.0.1"
USER = ("viewer", "bench-viewer-password")
TARGET_SHARE = 0.80  # Parlour's throughput against the sendfile baseline
READERS = 100
RANGE_BYTES = 1024 * 1024
RANGES_PER_READER = 5
REQUEST_TIMEOUT_S = 120.0

BIG_FILM = "Big Film (2020)"
HLS_FILM = "Bench (2020)"
HLS_SECONDS = 120
HLS_CHUNK_S = 24  # encoded once, then copied end to end (HLS_SECONDS / HLS_CHUNK_S times)
TARGET_TRANSCODE_OVERHEAD = 0.20  # Parlour's first transcoded segment against raw ffmpeg
TARGET_REMUX_S = 0.5  # first remuxed segment
HLS_TIMEOUT_S = 90.0  # any one HLS request (the server itself waits up to 60 s per segment)
RAW_TIMEOUT_S = 60.0  # raw ffmpeg making its first segment
POLL_S = 0.010
# A device that takes H.264 up to 720p in MP4 only: the 1080p MKV must be transcoded.
PROFILE_720P = {
    "containers": ["mp4"],
    "video_codecs": [{"codec": "h264"}],
    "max_height": 720,
    "max_width": 1280,
}


def big_film(work: Path, megabytes: int) -> Path:
    """A valid MPEG-TS film of about ``megabytes`` MiB: one short segment repeated
    (transport streams may be concatenated), so the scanner catalogues it like any film."""
    film = work / "films" / BIG_FILM / f"{BIG_FILM}.ts"
    if film.exists() and film.stat().st_size >= megabytes * 1024 * 1024:
        return film
    film.parent.mkdir(parents=True, exist_ok=True)
    segment = work / "segment.ts"
    run_ffmpeg(
        ["-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25:duration=4",
         "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "8M", "-f", "mpegts", str(segment)]
    )  # fmt: skip
    data = segment.read_bytes()
    with open(film, "wb") as out:
        while out.tell() < megabytes * 1024 * 1024:
            out.write(data)
    return film


def hls_film(work: Path) -> Path:
    """A 1080p24 H.264 (x264 veryfast, 8 Mbit/s, a keyframe every 2 s) + stereo AAC MKV of
    HLS_SECONDS, in the films folder beside the big film. One HLS_CHUNK_S-second piece is
    encoded and copied end to end (to the decoder it is as costly as one long encode, and
    it is made in a fifth of the time on a small machine); reused when it is there."""
    film = work / "films" / HLS_FILM / f"{HLS_FILM}.mkv"
    if film.exists():
        return film
    chunk, partial = work / f"hls-chunk-{HLS_CHUNK_S}s.mkv", work / "hls-partial.mkv"
    if not chunk.exists():
        run_ffmpeg(
            ["-y", "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=24:duration={HLS_CHUNK_S}",
             "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={HLS_CHUNK_S}",
             "-c:v", "libx264", "-preset", "veryfast", "-g", "48", "-keyint_min", "48",
             "-sc_threshold", "0", "-b:v", "8M", "-maxrate", "10M", "-bufsize", "16M",
             "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-shortest",
             str(partial)],
            timeout=600,
        )  # fmt: skip
        partial.replace(chunk)
    loops = HLS_SECONDS // HLS_CHUNK_S - 1
    run_ffmpeg(
        ["-y", "-stream_loop", str(loops), "-i", str(chunk), "-c", "copy", str(partial)],
        timeout=600,
    )
    film.parent.mkdir(parents=True, exist_ok=True)
    partial.replace(film)
    return film


def catalogue(data_dir: Path, films: Path) -> None:
    app = build(load_settings(data_dir))
    try:
        app.libraries.add(HOST, "movies", str(films), "Films")
        summary = app.scanner.scan()
        if summary.failures:
            raise SystemExit(f"scan failed: {summary.failures}")
        app.accounts.add_user(HOST, USER[0], USER[1])
        app.accounts.grant(HOST, USER[0], ["Films"])
    finally:
        app.close()


def cat_seconds(path: Path) -> float:
    started = time.perf_counter()
    with open(path, "rb") as source, open(os.devnull, "wb") as sink:
        subprocess.run(["cat"], stdin=source, stdout=sink, check=True)
    return time.perf_counter() - started


class SendfileBaseline:
    """The loopback ceiling: a bare HTTP/1.1 answer with the file sent by sendfile(2), as
    nginx would (nginx is not installed here). One connection at a time, by design."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.listener = socket.create_server((HOSTNAME, 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        size = self.path.stat().st_size
        while True:  # ends when the listener is closed
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            with connection, open(self.path, "rb") as source:
                request = b""
                while b"\r\n\r\n" not in request and len(request) < 65536:
                    chunk = connection.recv(4096)
                    if not chunk:
                        break
                    request += chunk
                head = f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
                connection.sendall(head.encode())
                connection.sendfile(source)

    def close(self) -> None:
        self.listener.close()
        self.thread.join(timeout=5)


def curl_seconds(url: str, token: str) -> float:
    """curl (a C client, so the client is not the bottleneck) fetching the whole file."""
    command = ["curl", "-sS", "-o", os.devnull, "-H", f"Authorization: Bearer {token}"]
    started = time.perf_counter()
    subprocess.run([*command, "--max-time", str(REQUEST_TIMEOUT_S), url], check=True)
    return time.perf_counter() - started


async def readers(url: str, token: str, size: int, base: str) -> tuple[int, int, list[float]]:
    """READERS clients each fetching RANGES_PER_READER random 1 MiB ranges, while one more
    client times /api/v1/me; returns (ranges served right, errors, API latencies in ms)."""
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=READERS + 1)
    rng = random.Random(7)
    done = asyncio.Event()
    async with httpx.AsyncClient(
        headers=headers, limits=limits, timeout=REQUEST_TIMEOUT_S
    ) as client:

        async def reader() -> tuple[int, int]:
            good = bad = 0
            for _ in range(RANGES_PER_READER):
                start = rng.randrange(0, size - RANGE_BYTES)
                end = start + RANGE_BYTES - 1
                try:
                    answer = await client.get(url, headers={"range": f"bytes={start}-{end}"})
                    ok = answer.status_code == 206 and len(answer.content) == RANGE_BYTES
                except httpx.HTTPError:
                    ok = False
                good, bad = (good + 1, bad) if ok else (good, bad + 1)
            return good, bad

        async def probe() -> list[float]:
            # curl in its own process, so that what is timed is the server, not this
            # Python client busy with the hundred readers on the same event loop.
            latencies: list[float] = []
            command = ["curl", "-s", "-o", "/dev/null", "-w", "%{time_total}",
                       "-H", f"Authorization: Bearer {token}", base + "/api/v1/me"]  # fmt: skip
            while not done.is_set() and len(latencies) < 10_000:
                timing = await asyncio.create_subprocess_exec(
                    *command, stdout=asyncio.subprocess.PIPE
                )
                output, _ = await timing.communicate()
                latencies.append(float(output or b"nan") * 1000)
                await asyncio.sleep(0.05)
            return latencies

        probing = asyncio.create_task(probe())
        results = await asyncio.gather(*[reader() for _ in range(READERS)])
        done.set()
        latencies = await probing
    return sum(g for g, _ in results), sum(b for _, b in results), latencies


# --- HLS: time to the first segment ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    """One way of playing the HLS film: how playback is asked for, the decision it must
    get and the video rendition whose segment is timed."""

    label: str
    params: dict[str, str] | None
    body: dict[str, object] | None
    decision: str
    rendition: str
    middle: bool = False  # the segment in the middle of the film rather than the first


TRANSCODE = Case("1080p H.264 -> 720p transcode", None, {"profile": PROFILE_720P},
                 "transcode", "720p")  # fmt: skip
SEEK = Case("seek to the middle, 720p transcode", None, {"profile": PROFILE_720P},
            "transcode", "720p", middle=True)  # fmt: skip
REMUX = Case("remux (Safari profile)", {"profile": "safari"}, None, "remux", "source")


@dataclass(frozen=True, slots=True)
class ServerStart:
    segment_s: float  # GET of the segment, request to last byte
    whole_s: float  # POST playback, master, media playlist and the segment
    plan: HlsPlan
    rendition: VideoRendition
    number: int  # the segment timed
    total: int  # segments in the rendition's playlist


def plan_of(url: str) -> HlsPlan:
    """The plan the server signed into the playback's ticket (``/api/v1/hls/<ticket>/...``):
    base64url JSON before the '.', its choices "c", the plan "p", decoded the server's way."""
    payload = url.split("/")[4].split(".", 1)[0]
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return plan_from_json(data["c"]["p"], data["c"].get("b"))


def fetch(client: httpx.Client, url: str, what: str) -> httpx.Response:
    answer = client.get(url)
    if answer.status_code != 200:
        raise SystemExit(f"{what}: GET {url} answered {answer.status_code}: {answer.text[:500]}")
    return answer


def server_start(client: httpx.Client, base: str, item_id: str, case: Case) -> ServerStart:
    """A fresh playback of ``case``: ask for it, read its playlists, time its segment, and
    end it (its ffmpeg killed) so the next measurement has the CPUs to itself."""
    began = time.perf_counter()
    answer = client.post(
        f"{base}/api/v1/items/{item_id}/playback", params=case.params, json=case.body
    )
    if answer.status_code != 200:
        raise SystemExit(f"{case.label}: playback answered {answer.status_code}: {answer.text}")
    offer = answer.json()
    if offer["decision"] != case.decision:
        raise SystemExit(
            f"{case.label}: the decision is {offer['decision']!r}, not {case.decision!r} "
            f"(reasons: {offer['reasons']})"
        )
    url = offer["url"]
    if not (url.startswith("/api/v1/hls/") and url.endswith("/master.m3u8")):
        raise SystemExit(f"{case.label}: playback URL {url!r} is not an HLS master playlist")
    try:
        master = fetch(client, base + url, case.label).text
        playlist = f"v/{case.rendition}.m3u8"
        if playlist not in master.splitlines():
            raise SystemExit(f"{case.label}: the master playlist has no {playlist}:\n{master}")
        media_url = httpx.URL(base + url).join(playlist)
        media = fetch(client, str(media_url), case.label).text
        segments = [line for line in media.splitlines() if line and not line.startswith("#")]
        number = len(segments) // 2 if case.middle else 0
        segment_url = str(media_url.join(segments[number]))
        if not segment_url.endswith(f"/v/{case.rendition}/{number}.ts"):
            raise SystemExit(f"{case.label}: unexpected segment URI {segments[number]!r}")
        asked = time.perf_counter()
        body = fetch(client, segment_url, case.label).content
        done = time.perf_counter()
        if not body or body[0] != 0x47:  # an MPEG-TS sync byte
            raise SystemExit(f"{case.label}: segment {number} is not MPEG-TS ({len(body)} bytes)")
    finally:
        with contextlib.suppress(httpx.HTTPError):
            client.post(
                f"{base}/api/v1/items/{item_id}/playback/report",
                json={"event": "stop", "session_id": offer["session_id"]},
            )
    plan = plan_of(url)
    rendition = plan.rendition(case.rendition)
    if rendition is None:
        raise SystemExit(f"{case.label}: the ticket's plan has no {case.rendition} rendition")
    return ServerStart(done - asked, done - began, plan, rendition, number, len(segments))


def raw_start(source: Path, plan: HlsPlan, rendition: VideoRendition, number: int) -> float:
    """ffmpeg run by hand with the server's arguments (``segment_args``) for the same plan:
    seconds from starting it until ``v/<number>.ts`` exists (written under a temporary
    name and renamed when whole), polled every POLL_S; then it is killed by its PID."""
    start_s = number * rendition.segment_s
    with tempfile.TemporaryDirectory(prefix="parlour-bench-raw-") as scratch:
        directory = Path(scratch)
        args = segment_args(os.fsencode(source), plan, rendition, start_s, scratch)
        target = directory / "v" / f"{number}.ts"
        began = time.perf_counter()
        for stream in ["v", *(f"a{n}" for n in range(len(plan.audio)))]:
            (directory / stream).mkdir()
        with open(directory / "stderr.txt", "wb") as errors:
            process = subprocess.Popen(
                ffmpeg_command(args), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=errors,
            )  # fmt: skip
        try:
            while not target.exists():
                if process.poll() is not None or time.perf_counter() - began > RAW_TIMEOUT_S:
                    if target.exists():
                        break
                    stderr = (directory / "stderr.txt").read_text(errors="replace")
                    raise SystemExit(
                        f"raw ffmpeg made no {target.name} (exit {process.returncode}): "
                        f"{shlex.join(ffmpeg_command(args))}\n{stderr}"
                    )
                time.sleep(POLL_S)
            return time.perf_counter() - began
        finally:
            process.kill()
            process.wait(timeout=10)


@dataclass(frozen=True, slots=True)
class Timings:
    case: Case
    servers: list[ServerStart]
    raws: list[float]
    first: ServerStart  # the untimed warm-up, for the record

    @property
    def server(self) -> float:
        return statistics.median(s.segment_s for s in self.servers)

    @property
    def whole(self) -> float:
        return statistics.median(s.whole_s for s in self.servers)

    @property
    def raw(self) -> float:
        return statistics.median(self.raws)

    @property
    def ratio(self) -> float:
        return self.server / self.raw

    @property
    def paired(self) -> float:
        """The median of each server start over the raw start run just before or after
        it: steadier than the ratio of medians when the machine's load drifts."""
        pairs = zip(self.servers, self.raws, strict=True)
        return statistics.median([s.segment_s / r for s, r in pairs])


def time_case(
    client: httpx.Client, base: str, item_id: str, source: Path, case: Case, reps: int
) -> Timings:
    """One untimed warm-up each way, then ``reps`` fresh starts each way, the order
    alternating so that neither side always runs on a machine the other just heated."""
    first = server_start(client, base, item_id, case)
    raw_start(source, first.plan, first.rendition, first.number)
    servers: list[ServerStart] = []
    raws: list[float] = []
    for rep in range(reps):
        if rep % 2:
            raws.append(raw_start(source, first.plan, first.rendition, first.number))
        servers.append(server_start(client, base, item_id, case))
        if not rep % 2:
            raws.append(raw_start(source, first.plan, first.rendition, first.number))
        if servers[-1].plan != first.plan:
            raise SystemExit(f"{case.label}: the plan changed between playbacks")
    timings = Timings(case, servers, raws, first)
    say(f"{case.label}, segment {first.number} of {first.total} "
        f"({first.rendition.segment_s} s, {first.rendition.width}x{first.rendition.height}"
        f"{', copied' if first.rendition.copy else ''}): Parlour median {timings.server:.3f} s "
        f"(runs: {seconds(s.segment_s for s in servers)}; first after start-up "
        f"{first.segment_s:.3f} s), whole start {timings.whole:.3f} s; raw ffmpeg median "
        f"{timings.raw:.3f} s (runs: {seconds(raws)}); ratio {timings.ratio:.2f}, "
        f"paired {timings.paired:.2f}; 1-minute load {os.getloadavg()[0]:.2f}")  # fmt: skip
    return timings


def seconds(values: Iterable[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def span(values: list[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}"


def ffmpeg_version() -> str:
    binary = find_ffmpeg()
    try:
        first = subprocess.run(
            [binary, "-version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return binary
    return f"{' '.join(first.split()[:3])} ({binary})"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(0.95 * len(ordered) + 0.5) - 1)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=1024, help="size of the large film")
    parser.add_argument("--workdir", type=Path, help="keep the films in DIR and reuse them")
    parser.add_argument("--runs", type=int, default=3, help="timed downloads each way")
    parser.add_argument(
        "--reps", type=int, default=5, help="fresh HLS starts timed each way, per case"
    )
    args = parser.parse_args(argv)
    if args.reps < 1 or args.runs < 1:
        parser.error("--runs and --reps must be at least 1")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="parlour-bench-play-"))
    work.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="parlour-bench-play-data-"))
    try:
        return bench(work.resolve(), data_dir, args)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


def item_id(films: list[dict[str, object]], folder: str) -> str:
    """The id of the film scanned from ``folder`` ("Title (Year)")."""
    title, year = folder.rsplit(" (", 1)
    for film in films:
        if film.get("title") == title and str(film.get("year")) == year.rstrip(")"):
            return str(film["id"])
    raise SystemExit(f"no film {folder!r} among {[f.get('title') for f in films]}")


def bench(work: Path, data_dir: Path, args: argparse.Namespace) -> int:
    started = time.perf_counter()
    film = big_film(work, args.size_mb)
    size = film.stat().st_size
    ffmpeg = ffmpeg_version()  # the binary find_ffmpeg() settles on, for the raw runs too
    say(f"ffmpeg: {ffmpeg}")
    source = hls_film(work)
    catalogue(data_dir, film.parent.parent)
    say(f"setup: {size / 2**20:.0f} MiB film and {source.stat().st_size / 2**20:.0f} MiB "
        f"{HLS_SECONDS} s 1080p film made and catalogued in "
        f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    cat_seconds(film)  # into the page cache
    cats = [cat_seconds(film) for _ in range(args.runs)]
    cat_seconds(source)
    baseline = SendfileBaseline(film)
    try:
        plain_url = f"http://{HOSTNAME}:{baseline.port}/film"
        curl_seconds(plain_url, "none")
        sendfiles = [curl_seconds(plain_url, "none") for _ in range(args.runs)]
    finally:
        baseline.close()
    port = free_port()
    base = f"http://{HOSTNAME}:{port}"
    log = data_dir / "serve.log"
    server = start_server(data_dir, port, log)
    try:
        wait_ready(server, base, log)
        login = httpx.post(
            base + "/api/v1/auth/login",
            json={"username": USER[0], "password": USER[1]},
            timeout=REQUEST_TIMEOUT_S,
        )
        token = login.json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        films = httpx.get(
            base + "/api/v1/movies", headers=headers, timeout=REQUEST_TIMEOUT_S
        ).json()["items"]
        url = f"{base}/api/v1/items/{item_id(films, BIG_FILM)}/stream"
        curl_seconds(url, token)  # warm-up
        curls = [curl_seconds(url, token) for _ in range(args.runs)]
        good, bad, latencies = asyncio.run(readers(url, token, size, base))
        load_before = os.getloadavg()[0]
        hls_id = item_id(films, HLS_FILM)
        try:
            with httpx.Client(headers=headers, timeout=HLS_TIMEOUT_S) as client:
                hls = [
                    time_case(client, base, hls_id, source, case, args.reps)
                    for case in (TRANSCODE, SEEK, REMUX)
                ]
        except SystemExit:
            lines = log.read_text(errors="replace").splitlines()
            say("server log, last lines:\n" + "\n".join(lines[-40:]))
            raise
        load_after = os.getloadavg()[0]
    finally:
        stop_server(server)
    cat_best, curl_best, sendfile_best = min(cats), min(curls), min(sendfiles)
    share = sendfile_best / curl_best
    mib = size / 2**20
    verdict = "meets" if share >= TARGET_SHARE else "MISSES"
    say(f"cat FILE > /dev/null: best {mib / cat_best:.0f} MiB/s "
        f"(runs: {', '.join(f'{s:.2f} s' for s in cats)})")  # fmt: skip
    say(f"Parlour direct play (curl): best {mib / curl_best:.0f} MiB/s "
        f"(runs: {', '.join(f'{s:.2f} s' for s in curls)})")  # fmt: skip
    say(f"sendfile baseline (curl): best {mib / sendfile_best:.0f} MiB/s "
        f"(runs: {', '.join(f'{s:.2f} s' for s in sendfiles)})")  # fmt: skip
    say(
        f"Parlour / sendfile: {share:.2f} (target >= {TARGET_SHARE:.2f}: {verdict}); "
        f"Parlour / cat: {cat_best / curl_best:.2f}"
    )
    say(f"{READERS} concurrent readers x {RANGES_PER_READER} ranges of 1 MiB: {good} served "
        f"right, {bad} errors; /api/v1/me meanwhile: median {statistics.median(latencies):.1f} ms, "
        f"p95 {p95(latencies):.1f} ms over {len(latencies)} requests")  # fmt: skip
    transcode, seek, remux = hls
    overhead = transcode.ratio - 1
    hls_verdict = "meets" if overhead <= TARGET_TRANSCODE_OVERHEAD else "misses"
    remux_verdict = "meets" if remux.server < TARGET_REMUX_S else "misses"
    say(f"transcode overhead: {overhead:+.0%} (target <= +{TARGET_TRANSCODE_OVERHEAD:.0%}: "
        f"{hls_verdict}); remux first segment {remux.server:.3f} s (target < "
        f"{TARGET_REMUX_S} s: {remux_verdict})")  # fmt: skip
    say("\n---- summary (paste into bench/RESULTS.md) ----")
    command = ["python", "bench/playback.py", "--size-mb", str(args.size_mb)]
    if args.runs != 3:
        command += ["--runs", str(args.runs)]
    if args.reps != 5:
        command += ["--reps", str(args.reps)]
    say(f"Command: `{shlex.join(command)}`  ")
    say(f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; source: {source_version()}  ")
    say(f"Machine: {os.cpu_count()} cores ({cpu_model()}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}  ")  # fmt: skip
    say(f"ffmpeg: {ffmpeg}  ")
    if not os.access(find_ffmpeg(), os.X_OK):
        say(f"WARNING: {find_ffmpeg()} has gone during the run; the server may have used another")
    say(f"1-minute load average {load_before:.2f} before the HLS cases, {load_after:.2f} after")
    say("")
    say("| measure | result |")
    say("|---|---|")
    say(f"| file | {mib:.0f} MiB MPEG-TS film, page cache warm |")
    say(f"| `cat FILE > /dev/null` | {mib / cat_best:.0f} MiB/s (best of {args.runs}) |")
    say(f"| direct play, `curl -o /dev/null` over loopback | {mib / curl_best:.0f} MiB/s "
        f"(best of {args.runs}) |")  # fmt: skip
    say(f"| sendfile(2) baseline, same curl | {mib / sendfile_best:.0f} MiB/s "
        f"(best of {args.runs}) |")  # fmt: skip
    say(f"| Parlour / sendfile | {share:.2f} (target ≥ {TARGET_SHARE:.2f}: {verdict.lower()}) |")
    say(f"| Parlour / cat | {cat_best / curl_best:.2f} |")
    say(f"| {READERS} concurrent 1 MiB range readers | {good} right, {bad} errors |")
    say(f"| /api/v1/me during them | median {statistics.median(latencies):.1f} ms, "
        f"p95 {p95(latencies):.1f} ms |")  # fmt: skip
    say("")
    say(f"HLS, {HLS_SECONDS} s 1080p24 H.264 8 Mbit/s + AAC MKV; a fresh playback (a cold "
        f"ffmpeg) each time, median of {args.reps} (range); Parlour: `GET` of the segment, "
        "request to last byte; raw: the server's `segment_args` run by hand until the "
        f"segment file exists (polled every {POLL_S * 1000:.0f} ms)")  # fmt: skip
    say("")
    say("| case | segment | Parlour | raw ffmpeg | Parlour / raw (paired) "
        "| whole start (POST → segment) |")  # fmt: skip
    say("|---|---|---|---|---|---|")
    for timing in hls:
        first = timing.first
        say(f"| {timing.case.label} | {first.number} of {first.total} | "
            f"{timing.server:.2f} s ({span([s.segment_s for s in timing.servers])}) | "
            f"{timing.raw:.2f} s ({span(timing.raws)}) | {timing.ratio:.2f} "
            f"({timing.paired:.2f}) | "
            f"{timing.whole:.2f} s |")  # fmt: skip
    say(f"| transcode overhead, Parlour / raw - 1 | | | | {overhead:+.0%} (target ≤ "
        f"+{TARGET_TRANSCODE_OVERHEAD:.0%}: {hls_verdict}) | |")  # fmt: skip
    say(f"| remux, first segment | | {remux.server:.2f} s (target < {TARGET_REMUX_S} s: "
        f"{remux_verdict}) | | | |")  # fmt: skip
    say(f"| seek: segment {seek.first.number} / segment 0 | | "
        f"{seek.server / transcode.server:.2f} | {seek.raw / transcode.raw:.2f} | | |")  # fmt: skip
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
