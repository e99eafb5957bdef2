"""Every kind of bad file is recorded with a reason, and the rest of the scan completes."""

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from parlour.demo.recipes import DEMO_LIBRARY
from parlour.domain.accounts import HOST
from parlour.services.application import Parlour
from parlour.storage import schema as s
from support import open_parlour, parlour_command, require_tool

GOOD = [t for t in DEMO_LIBRARY.music if t.format == "mp3"][:2]
FLAC = next(t for t in DEMO_LIBRARY.music if t.format == "flac")


def _long_path(root: Path) -> bytes:
    """Create folders nested deeper than PATH_MAX allows to name in one string."""
    fd = os.open(root, os.O_RDONLY)
    depth = 0
    try:
        while depth * 200 < 4300:
            name = b"d" * 199
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
            depth += 1
        out = os.open(b"deep.mp3", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, b"\0" * 64)
        os.close(out)
    finally:
        os.close(fd)
    return b"/".join([b"d" * 199] * depth)


@pytest.fixture
def broken(tmp_path: Path, demo_roots: dict[str, Path]) -> Iterator[tuple[Parlour, Path, bytes]]:
    music = demo_roots["music"]
    root = tmp_path / "music"
    root.mkdir()
    for track in GOOD:
        shutil.copyfile(music / track.rel_path, root / Path(track.rel_path).name)
    good_mp3 = (music / GOOD[0].rel_path).read_bytes()
    (root / "empty.mp3").write_bytes(b"")
    (root / "truncated.flac").write_bytes((music / FLAC.rel_path).read_bytes()[:200])
    (root / "noise.mp3").write_bytes(os.urandom(4096))
    (root / "noise.ogg").write_bytes(b"OggS" + os.urandom(4096))
    (root / "-i.mp3").write_bytes(good_mp3)  # looks like an option to a careless ffmpeg call
    os.symlink("loop.mp3", root / "loop.mp3")  # a symlink to itself
    os.symlink(".", root / "again")  # a folder symlink back to the root
    os.symlink("missing.mp3", root / "dangling.mp3")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.mp3").write_bytes(good_mp3)
    os.symlink(outside / "secret.mp3", root / "escape.mp3")
    os.symlink(outside, root / "escape-dir")
    with open(os.path.join(os.fsencode(root), b"caf\xe9 \xff.mp3"), "wb") as handle:
        handle.write(good_mp3)  # a Latin-1 name, not valid UTF-8
    long_dir = _long_path(root)
    app = open_parlour(tmp_path / "data")
    app.libraries.add(HOST, "music", str(root), "Music")
    yield app, root, long_dir
    app.close()


def _failures(app: Parlour) -> dict[str, str]:
    return {
        Path(f.path).name if len(f.path) < 300 else "long": f.reason
        for f in app.libraries.failures(HOST, "Music")
    }


def test_bad_files_are_recorded_with_reasons_and_the_rest_is_catalogued(
    broken: tuple[Parlour, Path, bytes],
) -> None:
    app, _root, _long = broken
    summary = app.scanner.scan()
    failures = _failures(app)
    assert failures.keys() == {
        "empty.mp3",
        "truncated.flac",
        "noise.mp3",
        "noise.ogg",
        "loop.mp3",
        "again",
        "dangling.mp3",
        "escape.mp3",
        "escape-dir",
        "long",
    }
    assert failures["empty.mp3"] == "empty file (0 bytes)"
    assert "symlink loop" in failures["loop.mp3"]
    assert "symlink loop" in failures["again"]
    assert "leaves the library root" in failures["escape.mp3"]
    assert "leaves the library root" in failures["escape-dir"]
    assert "broken symlink" in failures["dangling.mp3"]
    assert "too long" in failures["long"]
    for name in ("truncated.flac", "noise.mp3", "noise.ogg"):
        assert failures[name], name
    assert summary.failed == len(failures)
    (music,) = app.libraries.list_all(HOST)
    # the two good tracks, "-i.mp3" and the non-UTF-8 name (same tags as the first good one)
    assert music.counts["tracks"] == 4
    assert music.counts["failed"] == len(failures)
    with app.catalogue.reading() as conn:
        names = {bytes(p) for p in conn.execute(select(s.media_files.c.rel_path)).scalars()}
    assert b"caf\xe9 \xff.mp3" in names  # kept byte for byte
    assert b"-i.mp3" in names


def test_failures_stay_recorded_and_are_not_read_again(broken: tuple[Parlour, Path, bytes]) -> None:
    app, root, _long = broken
    app.scanner.scan()
    again = app.scanner.scan()
    assert (again.added, again.changed, again.removed) == (0, 0, 0)
    assert again.failures == []  # already known: not reported as new
    first = _failures(app)
    assert len(first) == 10
    (root / "empty.mp3").unlink()
    shutil.copyfile(root / "-i.mp3", root / "truncated.flac.mp3")
    (root / "truncated.flac").unlink()
    app.scanner.scan()
    assert set(_failures(app)) == set(first) - {"empty.mp3", "truncated.flac"}


def test_permission_denied_files_and_folders_are_recorded(
    tmp_path: Path, demo_roots: dict[str, Path]
) -> None:
    """Root reads everything, so as root the scan runs without the capabilities that let it."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        prefix = [require_tool("setpriv"), "--bounding-set", "-dac_override,-dac_read_search"]
    root = tmp_path / "music"
    root.mkdir()
    good = demo_roots["music"] / GOOD[0].rel_path
    shutil.copyfile(good, root / "ok.mp3")
    shutil.copyfile(good, root / "locked.mp3")
    (root / "closed").mkdir()
    shutil.copyfile(good, root / "closed" / "inside.mp3")
    data = tmp_path / "data"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = prefix + parlour_command("--data-dir", str(data), *args)
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    assert run("library", "add", "music", str(root)).returncode == 0
    (root / "locked.mp3").chmod(0)
    (root / "closed").chmod(0)
    try:
        scan = run("scan")
        assert scan.returncode == 0, scan.stderr
        assert "1 added" in scan.stdout
        result = run("library", "failures", "Music", "--json")
        assert result.returncode == 0, result.stderr
        failures = {Path(f["path"]).name: f["reason"] for f in json.loads(result.stdout)}
        assert failures == {"locked.mp3": "permission denied", "closed": "permission denied"}
        listing = json.loads(run("library", "list", "--json").stdout)
        assert listing[0]["counts"]["tracks"] == 1
    finally:
        (root / "closed").chmod(0o755)
        (root / "locked.mp3").chmod(0o644)
