"""Find ffmpeg and build its argument lists so that it only ever touches local files."""

import logging
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from parlour.domain.errors import ToolMissingError

log = logging.getLogger(__name__)

# Local files and pipes only: a playlist or .strm naming a URL cannot make ffmpeg fetch it.
PROTOCOL_WHITELIST = "file,pipe"

# The oldest ffmpeg release Parlour is meant to run with (FF-04). Its decoders read every
# untrusted file in the libraries, and older releases lack years of security fixes; the
# admin's server page and the start-up log warn below it. The bundled imageio-ffmpeg is 9.x.
FFMPEG_MINIMUM = "6.0"

# A release number at the start of a version string: "7.1", "n6.1.2" (a release tag),
# "9.0.2-static", "4.4.2-0+deb12u1". Git snapshots ("N-112345-gabcdef") and dated builds
# ("2023-03-05-git-…") name no release.
_RELEASE = re.compile(r"n?(\d+)\.(\d+)(?:\.(\d+))?")


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
def _self_description(configured: str | None) -> tuple[str, ...] | None:
    """What ``ffmpeg -version`` prints, line by line, or None when there is no ffmpeg or it
    does not describe itself as one."""
    try:
        command = [find_ffmpeg(configured), "-version"]
        result = subprocess.run(
            command, stdin=subprocess.DEVNULL, capture_output=True, timeout=10, check=False
        )
    except (ToolMissingError, OSError, subprocess.TimeoutExpired):
        return None
    lines = tuple(result.stdout.decode("utf-8", "replace").splitlines())
    first = lines[0].split() if lines else []
    if result.returncode != 0 or len(first) < 3 or first[:2] != ["ffmpeg", "version"]:
        return None
    return lines


def ffmpeg_version(configured: str | None = None) -> str | None:
    """The version ffmpeg reports of itself (``ffmpeg -version``'s first line, e.g.
    ``7.0.2-static``), or None when there is no ffmpeg or it will not say."""
    lines = _self_description(configured)
    return None if lines is None else lines[0].split()[2]


def ffmpeg_build(configured: str | None = None) -> str | None:
    """How that ffmpeg was built (its "built with …" line, the compiler), or None."""
    lines = _self_description(configured) or ()
    return next((line.strip() for line in lines[1:3] if line.startswith("built with")), None)


def ffmpeg_release(version: str | None) -> tuple[int, int, int] | None:
    """The release number a version string names (``"n6.1.2"`` → ``(6, 1, 2)``, ``"7.1"`` →
    ``(7, 1, 0)``), or None when it names none (a git snapshot, a dated build, nothing)."""
    found = _RELEASE.match(version or "")
    if found is None:
        return None
    major, minor, patch = found.groups()
    return int(major), int(minor), int(patch or 0)


def ffmpeg_outdated(version: str | None, minimum: str = FFMPEG_MINIMUM) -> bool | None:
    """Whether this version is older than the minimum release; None when that cannot be
    told (no version, or one that names no release): unknown, not a guess either way."""
    release, floor = ffmpeg_release(version), ffmpeg_release(minimum)
    if release is None or floor is None:
        return None
    return release < floor


def log_ffmpeg(configured: str | None = None) -> None:
    """Say which ffmpeg this server runs (FF-04): its version and build, and a warning when
    there is none, it is older than ``FFMPEG_MINIMUM``, or its age cannot be told."""
    version = ffmpeg_version(configured)
    if version is None:
        log.warning("no working ffmpeg found: transcoding and HLS playback will fail")
        return
    log.info("ffmpeg %s (%s)", version, ffmpeg_build(configured) or "build not stated")
    outdated = ffmpeg_outdated(version)
    if outdated:
        log.warning(
            "ffmpeg %s is older than %s, the oldest release Parlour is meant for: its"
            " decoders read untrusted files, so update it",
            version,
            FFMPEG_MINIMUM,
        )
    elif outdated is None:
        log.warning(
            "ffmpeg %s names no release number: cannot tell whether it is older than %s",
            version,
            FFMPEG_MINIMUM,
        )


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
