"""What the benchmarks share: output, a clean child environment, the server's start and
stop, and the facts about the machine and source that every figure in RESULTS.md is
recorded with."""

import contextlib
import os
import platform
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx


def say(text: str = "") -> None:
    print(text, flush=True)


def child_env() -> dict[str, str]:
    # PARLOUR_* settings from the caller's shell would make runs differ from machine to machine.
    return {k: v for k, v in os.environ.items() if not k.startswith("PARLOUR_")}


def source_version() -> str:
    """The commit measured, and whether the working tree differed from it."""
    repo = Path(__file__).resolve().parent.parent
    # --no-optional-locks: a benchmark must not touch the repository's index.
    git = ["git", "--no-optional-locks", "-C", str(repo)]
    try:
        head = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{head} with uncommitted changes" if dirty else head


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def check_load() -> tuple[float, float, float]:
    """The load averages now, with a warning when other work would skew the figures."""
    load = os.getloadavg()
    if load[0] > 1.0:
        say(f"WARNING: load average {load[0]:.2f} before starting: other work will skew this")
    return load


def say_provenance(command: Sequence[str]) -> None:
    """The command line, date, source and machine lines of a RESULTS.md entry."""
    say(f"Command: `{shlex.join(command)}`  ")
    say(f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; source: {source_version()}  ")
    say(
        f"Machine: {os.cpu_count()} cores (`nproc`: {len(os.sched_getaffinity(0))}, "
        f"{cpu_model()}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}  "
    )


HOSTNAME = "127.0.0.1"
CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium as the machine's probe runs it: no sandbox (root), none of its own
# background traffic, which this machine's closed network would only refuse.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOSTNAME, 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """``parlour serve --no-watch`` on ``HOSTNAME:port``, its output into ``log``."""
    cmd = [sys.executable, "-m", "parlour", "serve", "--data-dir", str(data_dir)]
    cmd += ["--host", HOSTNAME, "--port", str(port), "--no-watch"]
    with open(log, "wb") as out:
        return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=child_env())


READY_TIMEOUT_S = 60.0


def wait_ready(server: subprocess.Popen[bytes], base: str, log: Path) -> float:
    """Seconds until the server at ``base`` answers ``/healthz``; SystemExit if it dies or
    is not up within READY_TIMEOUT_S."""
    started = time.perf_counter()
    while time.perf_counter() - started < READY_TIMEOUT_S:
        if server.poll() is not None:
            raise SystemExit(f"server exited with {server.returncode}:\n{log.read_text()}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return time.perf_counter() - started
        time.sleep(0.1)
    raise SystemExit(f"server not ready within {READY_TIMEOUT_S:.0f} s:\n{log.read_text()}")


STOP_TIMEOUT_S = 15.0


def stop_server(server: subprocess.Popen[Any]) -> int | None:
    """Stop a server we started, by its PID (a kill if it will not stop); its exit code."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
    return server.returncode


@contextlib.contextmanager
def serving(data_dir: Path) -> Iterator[str]:
    """``parlour serve --no-watch`` on a free port of HOSTNAME, ready: its base URL. On
    leaving, the server is stopped by its PID."""
    port = free_port()
    base = f"http://{HOSTNAME}:{port}"
    log = data_dir / "serve.log"
    server = start_server(data_dir, port, log)
    try:
        ready = wait_ready(server, base, log)
        say(f"server: PID {server.pid} on {base}, ready in {ready:.2f} s")
        yield base
    finally:
        stop_server(server)
        say(f"server: stopped (exit code {server.returncode})")
