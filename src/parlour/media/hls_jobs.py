"""One ffmpeg run making one rendition's segments ahead of the player, and the files it
leaves. A job is cheap to throw away: its session starts another at the segment asked
for whenever the player seeks far, switches rendition, or comes back after a pause.
"""

import contextlib
import os
import shutil
import signal
import subprocess
from pathlib import Path

from parlour.media.audio import Slot
from parlour.media.ffmpeg import ffmpeg_command
from parlour.media.hls_plan import SEGMENT_S

_REAP_S = 5


class HlsJob:
    """A running ffmpeg writing ``<directory>/<stream>/<number>.<extension>``: stream
    ``v`` is the video of ``rendition``, cut every ``segment_s``; ``a0``, ``a1``... the
    audio. fMP4 streams also get an ``init.mp4``, written before their first segment."""

    def __init__(
        self,
        args: list[str],
        directory: Path,
        rendition: str,
        segment_s: int,
        start_s: int,
        streams: list[str],
        slot: Slot | None,
        ffmpeg: str | None,
        extension: str = "ts",
    ) -> None:
        self.directory, self.rendition, self.extension = directory, rendition, extension
        self.segment_s, self.start_s = segment_s, start_s
        self.slot = slot
        self.paused = False
        # The last video segment known to be whole.
        self.done_through = start_s // segment_s - 1
        for stream in streams:
            (directory / stream).mkdir(parents=True, exist_ok=True)
        # stderr is inherited: ffmpeg's own errors (-loglevel error) land in the server log.
        command = ffmpeg_command(args, ffmpeg=ffmpeg)
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C meant for the server is the server's to pass on
        )

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def segment(self, stream: str, number: int) -> Path:
        return self.directory / stream / f"{number}.{self.extension}"

    def init(self, stream: str) -> Path | None:
        """The fMP4 init segment of ``stream`` once ffmpeg has begun it: ``init.mp4``, or
        ``init_<k>.mp4`` where one output has several audio renditions (ffmpeg's names)."""
        return next((self.directory / stream).glob("init*.mp4"), None)

    def first_segment(self, stream: str) -> Path:
        """The first segment this run makes of ``stream``; ffmpeg writes the init
        segment before it, so once this exists the init segment is whole."""
        segment_s = self.segment_s if stream == "v" else SEGMENT_S
        return self.segment(stream, self.start_s // segment_s)

    def made_until(self) -> int:
        """Seconds of the film up to which the video is made, counted forward from the
        last look."""
        while self.segment("v", self.done_through + 1).exists():
            self.done_through += 1
        return (self.done_through + 1) * self.segment_s

    def pause(self) -> None:
        """Stop ffmpeg where it is (it is far enough ahead); it keeps its slot."""
        if not self.paused and self.running:
            self.process.send_signal(signal.SIGSTOP)
            self.paused = True

    def resume(self) -> None:
        if self.paused and self.running:
            self.process.send_signal(signal.SIGCONT)
        self.paused = False

    def release_if_done(self) -> None:
        """A job that made everything it could keeps its files but not its slot."""
        if self.slot is not None and self.process.poll() is not None:
            self.slot.release()
            self.slot = None

    def stop(self) -> None:
        """Kill and reap ffmpeg (a stopped process dies of SIGKILL too) and free its slot."""
        if self.running:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):  # SIGKILL is not refused
            self.process.wait(timeout=_REAP_S)
        self.paused = False
        if self.slot is not None:
            self.slot.release()
            self.slot = None


def remove_tree(directory: Path) -> None:
    """Delete a session's segments; a directory already gone is fine."""
    shutil.rmtree(directory, ignore_errors=True)


def tree_size(directory: Path) -> int:
    """Bytes of the segment files under ``directory`` (two levels: stream, segment)."""
    total = 0
    try:
        streams = list(os.scandir(directory))
    except OSError:
        return 0
    for stream in streams:
        if not stream.is_dir(follow_symlinks=False):
            continue
        try:
            with os.scandir(stream.path) as files:
                total += sum(f.stat().st_size for f in files if f.is_file(follow_symlinks=False))
        except OSError:
            continue
    return total


def remove_before(directory: Path, streams: dict[str, int], before_s: int) -> None:
    """Delete the segments that end before ``before_s`` (the player is past them);
    ``streams`` gives each stream's segment length."""
    for stream, segment_s in streams.items():
        try:
            with os.scandir(directory / stream) as files:
                for entry in files:
                    stem, _, extension = entry.name.partition(".")
                    if (
                        extension in ("ts", "m4s")
                        and stem.isdigit()
                        and (int(stem) + 1) * segment_s < before_s
                    ):
                        os.unlink(entry.path)
        except OSError:
            continue


def kill_orphans(root: Path) -> int:
    """Kill the ffmpeg jobs a server left behind when it was killed outright (SIGKILL
    gives it no chance to stop them; a paused one would wait forever). Called as a
    server starts, before it has jobs of its own: every process whose arguments name a
    path under this data dir's ``root`` is such a leftover, since nothing else writes
    there. Linux only (/proc); elsewhere nothing is found."""
    marker = os.fsencode(os.path.join(root, ""))
    killed = 0
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # gone meanwhile, or not ours to read
        if any(a.startswith(marker) for a in arguments):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(int(entry.name), signal.SIGKILL)
                killed += 1
    return killed
