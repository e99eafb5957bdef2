"""What the benchmarks share: output, a clean child environment, and the facts about the
machine and source that every figure in RESULTS.md is recorded with."""

import os
import platform
import subprocess
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
