"""What the admin's server page reports about ffmpeg: its version and the transcodes
running now."""

import subprocess

from parlour.media.audio import TranscodeSlots
from parlour.media.ffmpeg import ffmpeg_version, find_ffmpeg


def test_busy_counts_the_slots_taken_and_not_yet_released() -> None:
    slots = TranscodeSlots(2)
    assert slots.busy == 0
    first = slots.take()
    second = slots.take()
    assert slots.busy == 2
    first.release()
    first.release()  # twice is harmless, and counts once
    assert slots.busy == 1
    second.release()
    assert slots.busy == 0
    assert slots.taken == 2


def test_ffmpeg_version_is_what_ffmpeg_says_of_itself() -> None:
    version = ffmpeg_version()
    assert version
    first_line = subprocess.run(
        [find_ffmpeg(), "-version"], capture_output=True, check=True, text=True
    ).stdout.splitlines()[0]
    assert first_line.startswith(f"ffmpeg version {version}")


def test_no_ffmpeg_means_no_version() -> None:
    assert ffmpeg_version("/nonexistent/ffmpeg") is None
