"""Find ffmpeg and build its argument lists so that it only ever touches local files."""

import os
import shutil
import subprocess
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from parlour.domain.errors import ToolMissingError

# Local files and pipes only: a playlist or .strm naming a URL cannot make ffmpeg fetch it.
PROTOCOL_WHITELIST = "file,pipe"


@cache
def find_ffmpeg(configured: str | None = None) -> str:
    """The ffmpeg to run: the configured one, else PATH's, else the imageio-ffmpeg wheel's."""
    if configured:
        if not Path(configured).is_file() or not os.access(configured, os.X_OK):
            raise ToolMissingError(
                f"the configured ffmpeg {configured!r} is not an executable file"
            )
        return configured
    on_path = shutil.which("ffmpeg")
    if on_path:
        return on_path
    try:
        import imageio_ffmpeg  # noqa: PLC0415 - optional fallback, imported only when needed
    except ImportError as exc:  # pragma: no cover - it is a declared dependency
        raise ToolMissingError("ffmpeg is not on PATH and imageio-ffmpeg is not installed") from exc
    exe: str = imageio_ffmpeg.get_ffmpeg_exe()
    return exe


@cache
def ffmpeg_version(configured: str | None = None) -> str | None:
    """The version ffmpeg reports of itself (``ffmpeg -version``'s first line, e.g.
    ``7.0.2-static``), or None when there is no ffmpeg or it will not say."""
    try:
        command = [find_ffmpeg(configured), "-version"]
        result = subprocess.run(
            command, stdin=subprocess.DEVNULL, capture_output=True, timeout=10, check=False
        )
    except (ToolMissingError, OSError, subprocess.TimeoutExpired):
        return None
    first = result.stdout.decode("utf-8", "replace").partition("\n")[0].split()
    if result.returncode != 0 or len(first) < 3 or first[:2] != ["ffmpeg", "version"]:
        return None
    return first[2]


def file_input(path: str | bytes | os.PathLike[str]) -> str:
    """Name a local file for ffmpeg so that no name (``-i``, ``concat:a|b``) means anything else."""
    text = os.fsdecode(path)
    return "file:" + os.path.abspath(text)


def ffmpeg_command(args: Sequence[str], *, ffmpeg: str | None = None) -> list[str]:
    """Prefix ``args`` with the ffmpeg binary and the options every run must carry."""
    return [
        ffmpeg or find_ffmpeg(),
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-protocol_whitelist",
        PROTOCOL_WHITELIST,
        *args,
    ]


def run_ffmpeg(args: Sequence[str], *, timeout: float = 120.0, ffmpeg: str | None = None) -> None:
    """Run ffmpeg to completion; raise with its own error text when it fails."""
    command = ffmpeg_command(args, ffmpeg=ffmpeg)
    result = subprocess.run(
        command, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(
            "ffmpeg failed: " + (message[-1] if message else f"exit {result.returncode}")
        )


def ffmpeg_stdout(
    args: Sequence[str], *, timeout: float, ffmpeg: str | None = None
) -> bytes | None:
    """Run ffmpeg to completion and return what it wrote to standard output, or None when
    it failed or ran out of time (the caller says what that means to its client)."""
    command = ffmpeg_command(args, ffmpeg=ffmpeg)
    try:
        result = subprocess.run(
            command, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return None  # run() has killed and reaped it
    return result.stdout if result.returncode == 0 else None
