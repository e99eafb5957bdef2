"""Walking a library root: every folder's files, and every path that cannot be read, with why.

Paths stay bytes from the filesystem to the catalogue so that names which are not valid
UTF-8 are kept exactly. Symlinks are followed only while they stay inside the root,
unless the library is configured to follow them anywhere; loops are caught by the
(device, inode) of every directory entered.
"""

import errno
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

# Folders that hold thumbnails or trash made by NAS software, never media.
_SKIPPED_DIRS = frozenset({b"@eaDir", b"#recycle", b"#snapshot", b"lost+found", b"$RECYCLE.BIN"})


@dataclass(frozen=True, slots=True)
class FoundFile:
    """A regular file seen on disk, with the facts that tell whether it changed."""

    rel_path: bytes
    size: int
    mtime_ns: int
    inode: int


@dataclass(slots=True)
class FolderListing:
    """One folder's media files and sidecars (subtitles, artwork, .nfo) as found on disk."""

    rel_path: bytes
    media: list[FoundFile] = field(default_factory=list)
    sidecars: list[FoundFile] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FoundFailure:
    """A path the walk could not use, and a reason a person can act on."""

    rel_path: bytes
    reason: str


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno == errno.ENAMETOOLONG:
        return "path too long for the filesystem"
    if exc.errno == errno.ENOENT:
        return "broken symlink or vanished during the scan"
    return exc.strerror or f"cannot be read ({exc.__class__.__name__})"


def _join(parent: bytes, name: bytes) -> bytes:
    return parent + b"/" + name if parent else name


def walk_root(
    root: bytes,
    classify: Callable[[bytes], str | None],
    *,
    start: bytes = b"",
    follow_symlinks: bool = False,
) -> Iterator[FolderListing | FoundFailure]:
    """Yield each folder under ``root``/``start`` (itself first) and each failure met.

    ``classify(name)`` says what a file name is: "media", "sidecar", or None to ignore it.
    """
    real_root = os.path.realpath(root)
    seen_dirs: set[tuple[int, int]] = set()
    pending = [start]
    while pending:
        rel_dir = pending.pop()
        abs_dir = root + b"/" + rel_dir if rel_dir else root
        try:
            dir_stat = os.stat(abs_dir)
            key = (dir_stat.st_dev, dir_stat.st_ino)
            if key in seen_dirs:
                yield FoundFailure(rel_dir, "symlink loop (folder already scanned)")
                continue
            seen_dirs.add(key)
            with os.scandir(abs_dir) as entries:
                listed = sorted(entries, key=lambda entry: entry.name)
        except OSError as exc:
            yield FoundFailure(rel_dir, _reason(exc))
            continue

        listing = FolderListing(rel_dir)
        subdirs: list[bytes] = []
        for entry in listed:
            name = entry.name
            if name.startswith(b".") or name in _SKIPPED_DIRS:
                continue
            rel = _join(rel_dir, name)
            try:
                is_link = entry.is_symlink()
                st = entry.stat(follow_symlinks=True)
                if is_link and not follow_symlinks:
                    target = os.path.realpath(entry.path)
                    if os.path.commonpath([target, real_root]) != real_root:
                        yield FoundFailure(
                            rel, "symlink leaves the library root (not followed by default)"
                        )
                        continue
            except OSError as exc:
                yield FoundFailure(rel, _reason(exc))
                continue
            if stat.S_ISDIR(st.st_mode):
                subdirs.append(rel)
                continue
            if not stat.S_ISREG(st.st_mode):
                continue  # sockets, fifos, devices: never media
            role = classify(name)
            if role is None:
                continue
            found = FoundFile(rel, st.st_size, st.st_mtime_ns, st.st_ino)
            (listing.media if role == "media" else listing.sidecars).append(found)
        yield listing
        # Depth-first in name order, so progress reads naturally and output is stable.
        pending.extend(reversed(subdirs))
