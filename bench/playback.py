"""Playback benchmark, direct play: one large file over loopback against a bare
sendfile(2) server (what nginx does) and `cat FILE` from the page cache, and 100
concurrent range readers while the API stays responsive.

(The HLS figures of the playback issue join this script when HLS exists.)
"""

import argparse
import asyncio
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
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import httpx

from api import free_port, start_server, stop_server, wait_ready
from parlour.app import build
from parlour.domain.accounts import HOST
from parlour.media.ffmpeg import run_ffmpeg
from parlour.settings import load_settings
from report import cpu_model, say, source_version

HOSTNAME = "127.0.0.1"
USER = ("viewer", "bench-viewer-password")
TARGET_SHARE = 0.80  # Parlour's throughput against the sendfile baseline
READERS = 100
RANGE_BYTES = 1024 * 1024
RANGES_PER_READER = 5
REQUEST_TIMEOUT_S = 120.0


def big_film(work: Path, megabytes: int) -> Path:
    """A valid MPEG-TS film of about ``megabytes`` MiB: one short segment repeated
    (transport streams may be concatenated), so the scanner catalogues it like any film."""
    film = work / "films" / "Big Film (2020)" / "Big Film (2020).ts"
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
            latencies: list[float] = []
            while not done.is_set() and len(latencies) < 10_000:
                began = time.perf_counter()
                await client.get(base + "/api/v1/me")
                latencies.append((time.perf_counter() - began) * 1000)
                await asyncio.sleep(0.05)
            return latencies

        probing = asyncio.create_task(probe())
        results = await asyncio.gather(*[reader() for _ in range(READERS)])
        done.set()
        latencies = await probing
    return sum(g for g, _ in results), sum(b for _, b in results), latencies


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(0.95 * len(ordered) + 0.5) - 1)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=1024, help="size of the large film")
    parser.add_argument("--workdir", type=Path, help="keep the film in DIR and reuse it")
    parser.add_argument("--runs", type=int, default=3, help="timed downloads each way")
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="parlour-bench-play-"))
    work.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="parlour-bench-play-data-"))
    try:
        return bench(work.resolve(), data_dir, args)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


def bench(work: Path, data_dir: Path, args: argparse.Namespace) -> int:
    started = time.perf_counter()
    film = big_film(work, args.size_mb)
    size = film.stat().st_size
    catalogue(data_dir, film.parent.parent)
    say(f"setup: {size / 2**20:.0f} MiB film made and catalogued in "
        f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    cat_seconds(film)  # into the page cache
    cats = [cat_seconds(film) for _ in range(args.runs)]
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
            base + "/api/v1/auth/login", json={"username": USER[0], "password": USER[1]}
        )
        token = login.json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        films = httpx.get(base + "/api/v1/movies", headers=headers).json()["items"]
        url = f"{base}/api/v1/items/{films[0]['id']}/stream"
        curl_seconds(url, token)  # warm-up
        curls = [curl_seconds(url, token) for _ in range(args.runs)]
        good, bad, latencies = asyncio.run(readers(url, token, size, base))
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
    say("\n---- summary (paste into bench/RESULTS.md) ----")
    command = ["python", "bench/playback.py", "--size-mb", str(args.size_mb)]
    say(f"Command: `{shlex.join(command)}`  ")
    say(f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; source: {source_version()}  ")
    say(f"Machine: {os.cpu_count()} cores ({cpu_model()}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}  ")  # fmt: skip
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
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
