"""The bench catalogue that bench/api.py and bench/subsonic.py share: the bulk music tree
(generated once, reused from a --workdir) and a fresh catalogue of it, with an admin and
a plain user granted its libraries. All of it is setup, timed apart from any measure."""

import argparse
import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from parlour.demo.generate import generate_bulk_music
from parlour.domain.accounts import HOST
from parlour.domain.media import LibraryKind
from parlour.library.interpret import name_classifier
from parlour.services.application import Parlour
from parlour.services.scanning import ScanSummary
from report import say

LIBRARY = "Music"
ADMIN = ("admin", "bench-admin-password")
USER = ("user", "bench-user-password")


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def request_options(parser: argparse.ArgumentParser) -> None:
    """--tracks, --workdir and --requests, as the request benches take them."""
    parser.add_argument("--tracks", type=positive, default=10000)
    parser.add_argument(
        "--workdir", type=Path, help="keep the music tree in DIR/music and reuse it"
    )
    parser.add_argument("--requests", type=positive, default=200, help="timed requests per case")


@contextlib.contextmanager
def work_dirs(workdir: Path | None, prefix: str) -> Iterator[tuple[Path, Path]]:
    """(work dir, data dir): ``workdir`` (made if need be, kept) or a temporary one, and a
    fresh data dir for the catalogue; on leaving, all but ``workdir`` are removed."""
    if workdir is not None:
        workdir.mkdir(parents=True, exist_ok=True)
        work = workdir.resolve()
    else:
        work = Path(tempfile.mkdtemp(prefix=f"{prefix}-")).resolve()
    data_dir = Path(tempfile.mkdtemp(prefix=f"{prefix}-data-")).resolve()
    say(f"work dir: {work}; data dir (fresh, removed at the end): {data_dir}")
    try:
        yield work, data_dir
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if workdir is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            say(f"work dir kept: {work}")


def count_tracks(music: Path) -> int:
    classify = name_classifier(LibraryKind.MUSIC)
    return sum(
        1
        for _folder, _dirs, names in os.walk(os.fsencode(music))
        for name in names
        if classify(name) == "media"
    )


def music_tree(work: Path, tracks: int) -> Path:
    """The music tree under ``work``: reused when it holds ``tracks`` tracks, else generated."""
    music = work / "music"
    if music.exists():
        found = count_tracks(music)
        if found != tracks:
            raise SystemExit(f"{music} holds {found} tracks, not {tracks}: use another --workdir")
        say(f"library: reusing {music} ({found} tracks)")
        return music
    started = time.perf_counter()
    generate_bulk_music(music, tracks, cache_dir=work / "template-cache")
    say(f"library: generated {tracks} tracks in {time.perf_counter() - started:.1f} s (setup)")
    return music


def scan_with_users(app: Parlour, libraries: Mapping[str, tuple[str, Path]]) -> ScanSummary:
    """Add ``libraries`` (name to kind and folder), scan them, add ADMIN and USER and grant
    USER every one of them."""
    for name, (kind, folder) in libraries.items():
        app.libraries.add(HOST, kind, str(folder), name)
    summary = app.scanner.scan()
    app.accounts.add_user(HOST, ADMIN[0], ADMIN[1], admin=True)
    app.accounts.add_user(HOST, USER[0], USER[1], admin=False)
    app.accounts.grant(HOST, USER[0], list(libraries))
    return summary
