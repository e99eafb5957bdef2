"""Audio transcoding: allow-listed formats and bitrates, ffmpeg streaming to a pipe, and
the cap on how many transcodes run at once.

The argv is built from allow-lists and numbers only (FF-01): the input is the catalogue's
confined path behind ``file:``, never a client string.
"""

import subprocess
import threading
from collections.abc import AsyncGenerator
from dataclasses import dataclass

import anyio
from anyio.abc import Process

from parlour.domain.errors import BusyError, InvalidInputError
from parlour.media.ffmpeg import ffmpeg_command, file_input


@dataclass(frozen=True, slots=True)
class AudioFormat:
    codec: str
    muxer: str
    media_type: str


FORMATS = {
    "mp3": AudioFormat("libmp3lame", "mp3", "audio/mpeg"),
    "opus": AudioFormat("libopus", "ogg", "audio/ogg"),
    "aac": AudioFormat("aac", "adts", "audio/aac"),
}
MIN_KBPS, MAX_KBPS = 32, 320
CHUNK = 64 * 1024
RETRY_AFTER_S = 5


def audio_args(path: bytes, fmt: str, kbps: int, start_ms: int) -> tuple[list[str], str]:
    """ffmpeg's arguments (without the binary) and the answer's Content-Type."""
    chosen = FORMATS.get(fmt)
    if chosen is None:
        raise InvalidInputError(f"'format' must be one of {', '.join(FORMATS)}")
    if not MIN_KBPS <= kbps <= MAX_KBPS:
        raise InvalidInputError(f"'bitrate' must be {MIN_KBPS} to {MAX_KBPS} (kbit/s)")
    if start_ms < 0:
        raise InvalidInputError("'start' must be 0 or more")
    args = ["-ss", f"{start_ms / 1000:.3f}"] if start_ms else []
    # Seeking before -i is fast (by the demuxer); the first audio stream only.
    args += ["-i", file_input(path), "-map", "0:a:0", "-vn", "-sn", "-dn"]
    args += ["-c:a", chosen.codec, "-b:a", f"{kbps}k", "-f", chosen.muxer, "pipe:1"]
    return args, chosen.media_type


class TranscodeSlots:
    """At most ``count`` transcodes at once; one more is BusyError (503), never a queue
    that would let a small box fall behind every listener."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._lock = threading.Lock()
        self._running = 0
        self.taken = 0  # transcodes started since the server started (usage reports)

    def take(self) -> "Slot":
        with self._lock:
            if self._running >= self.count:
                raise BusyError(
                    f"all {self.count} transcoding slots are busy; try again shortly",
                    RETRY_AFTER_S,
                )
            self._running += 1
            self.taken += 1
        return Slot(self)

    def _give_back(self) -> None:
        with self._lock:
            self._running -= 1

    @property
    def busy(self) -> int:
        """How many transcodes run now (the admin's server page)."""
        with self._lock:
            return self._running


class Slot:
    """One taken slot; releasing it twice is harmless (the output and the answer both
    release it, whichever ends first)."""

    def __init__(self, slots: TranscodeSlots) -> None:
        self._slots: TranscodeSlots | None = slots
        self._lock = threading.Lock()

    def release(self) -> None:
        with self._lock:
            slots, self._slots = self._slots, None
        if slots is not None:
            slots._give_back()


async def _stop(process: Process) -> None:
    if process.returncode is None:
        process.kill()
    with anyio.move_on_after(5, shield=True):
        # Reaped (no zombie), and its pipes closed: a reader that stopped early would
        # otherwise leave stdout's transport to the garbage collector.
        await process.aclose()


async def ffmpeg_output(
    args: list[str], ffmpeg: str | None, slot: Slot
) -> AsyncGenerator[bytes, None]:
    """ffmpeg's standard output as it is made. However the consumer stops (the end, a
    client that went away, cancellation), the process is killed and reaped and the slot
    freed."""
    try:
        # stderr is inherited: ffmpeg's own errors (-loglevel error) land in the server log.
        process = await anyio.open_process(
            ffmpeg_command(args, ffmpeg=ffmpeg), stdin=subprocess.DEVNULL, stderr=None
        )
        try:
            assert process.stdout is not None
            async for chunk in process.stdout:
                yield chunk
        finally:
            await _stop(process)
    finally:
        slot.release()
