"""FF-04: the release number in the version strings ffmpeg builds report of themselves,
and whether one is older than the supported minimum (unknown when it names none)."""

import logging
import stat
import sys
from pathlib import Path

import imageio_ffmpeg
import pytest

from parlour.media.ffmpeg import (
    FFMPEG_MINIMUM,
    ffmpeg_build,
    ffmpeg_outdated,
    ffmpeg_release,
    ffmpeg_version,
    log_ffmpeg,
)


@pytest.mark.parametrize(
    ("version", "release"),
    [
        ("7.1", (7, 1, 0)),  # a distribution or Homebrew release
        ("n6.1.2", (6, 1, 2)),  # a build from the release tag
        ("9.0.2-static", (9, 0, 2)),  # johnvansickle's static builds
        ("n9.0.2-17-g2a571b6068-20260930", (9, 0, 2)),  # BtbN's builds (imageio-ffmpeg's)
        ("4.4.2-0+deb12u1", (4, 4, 2)),  # a Debian package
        ("4.2.7-0ubuntu0.1", (4, 2, 7)),  # an Ubuntu package
        ("7.0.2-essentials_build-www.gyan.dev", (7, 0, 2)),  # a Windows build
        ("6.0", (6, 0, 0)),
        ("10.0", (10, 0, 0)),
        ("N-112345-gabcdef", None),  # a git snapshot: no release
        ("2023-03-05-git-912ac82a3c-full_build-www.gyan.dev", None),  # a dated snapshot
        ("git-2020-05-01", None),
        ("", None),
        (None, None),
    ],
)
def test_the_release_number_is_read_from_the_version(
    version: str | None, release: tuple[int, int, int] | None
) -> None:
    assert ffmpeg_release(version) == release


@pytest.mark.parametrize(
    ("version", "outdated"),
    [
        ("4.4.2-0+deb12u1", True),
        ("5.1.6-0+deb12u1", True),
        ("n5.1", True),
        ("6.0", False),  # the minimum itself is supported
        ("n6.0.1", False),
        ("n6.1.2", False),
        ("7.1", False),
        ("9.0.2-static", False),
        ("10.0", False),  # 10 is newer than 6, not "1" < "6"
        ("N-112345-gabcdef", None),  # unknown: said so, not guessed
        (None, None),  # no ffmpeg at all
    ],
)
def test_outdated_compares_release_numbers_and_says_when_it_cannot(
    version: str | None, outdated: bool | None
) -> None:
    assert FFMPEG_MINIMUM == "6.0"
    assert ffmpeg_outdated(version) is outdated


def test_another_minimum_counts_minor_and_patch_numbers() -> None:
    assert ffmpeg_outdated("6.1.1", "6.1.2") is True
    assert ffmpeg_outdated("6.1.2", "6.1.2") is False
    assert ffmpeg_outdated("6.2", "6.1.2") is False


def _fake_ffmpeg(tmp_path: Path, first_line: str) -> str:
    """An executable that answers ``-version`` like an ffmpeg build would."""
    script = tmp_path / "ffmpeg"
    script.write_text(
        f"#!{sys.executable}\n"
        f"print({first_line!r})\n"
        "print('built with gcc 12 (Debian 12.2.0-14)')\n"
        "print('configuration: --enable-gpl')\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_start_up_log_names_the_version_and_build_and_warns_when_too_old(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake = _fake_ffmpeg(
        tmp_path, "ffmpeg version 4.4.2-0+deb12u1 Copyright (c) the FFmpeg developers"
    )
    assert ffmpeg_version(fake) == "4.4.2-0+deb12u1"
    assert ffmpeg_build(fake) == "built with gcc 12 (Debian 12.2.0-14)"
    with caplog.at_level(logging.INFO, logger="parlour.media.ffmpeg"):
        log_ffmpeg(fake)
    infos = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert infos == ["ffmpeg 4.4.2-0+deb12u1 (built with gcc 12 (Debian 12.2.0-14))"]
    assert len(warnings) == 1
    assert "older than 6.0" in warnings[0]


def test_start_up_log_says_when_the_age_cannot_be_told(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake = _fake_ffmpeg(tmp_path, "ffmpeg version N-112345-gabcdef Copyright (c) the developers")
    with caplog.at_level(logging.INFO, logger="parlour.media.ffmpeg"):
        log_ffmpeg(fake)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "ffmpeg N-112345-gabcdef names no release number: cannot tell whether it is older than 6.0"
    ]


def test_the_bundled_ffmpeg_is_recent_enough_and_logs_no_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bundled = imageio_ffmpeg.get_ffmpeg_exe()  # what a machine without ffmpeg runs
    with caplog.at_level(logging.INFO, logger="parlour.media.ffmpeg"):
        log_ffmpeg(bundled)
    assert ffmpeg_outdated(ffmpeg_version(bundled)) is False
    assert [r.levelno for r in caplog.records] == [logging.INFO]


def test_no_ffmpeg_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="parlour.media.ffmpeg"):
        log_ffmpeg("/nonexistent/ffmpeg")
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
