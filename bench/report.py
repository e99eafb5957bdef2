"""What the benchmarks share: output, a clean child environment, and the facts about the
machine and source that every figure in RESULTS.md is recorded with."""

import os
import platform
import socket
import subprocess
import sys
from pathlib import Path


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
