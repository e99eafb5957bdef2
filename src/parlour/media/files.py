"""Media files as the server hands them out: confined to their library root, and typed.

``confine`` is the one path guard every file-serving route goes through (BI-01): the path
comes from the catalogue, never from a client, and is still checked to resolve inside the
library's root, so a symlink or a renamed folder cannot lead outside it.
"""

import os
import stat
from dataclasses import dataclass

from parlour.domain.errors import NotFoundError

# What browsers and players expect, where the system's table is missing or vague.
_TYPES = {
    b".mp3": "audio/mpeg",
    b".flac": "audio/flac",
    b".ogg": "audio/ogg",
    b".oga": "audio/ogg",
    b".opus": "audio/ogg",
    b".m4a": "audio/mp4",
    b".m4b": "audio/mp4",
    b".aac": "audio/aac",
    b".wav": "audio/wav",
    b".wma": "audio/x-ms-wma",
    b".aiff": "audio/aiff",
    b".aif": "audio/aiff",
    b".mp4": "video/mp4",
    b".m4v": "video/mp4",
    b".mkv": "video/x-matroska",
    b".webm": "video/webm",
    b".mov": "video/quicktime",
    b".avi": "video/x-msvideo",
    b".ts": "video/mp2t",
    b".m2ts": "video/mp2t",
    b".wmv": "video/x-ms-wmv",
    b".mpg": "video/mpeg",
    b".mpeg": "video/mpeg",
    b".jpg": "image/jpeg",
    b".jpeg": "image/jpeg",
    b".png": "image/png",
    b".gif": "image/gif",
    b".webp": "image/webp",
    b".heic": "image/heic",
    b".heif": "image/heif",
    b".tif": "image/tiff",
    b".tiff": "image/tiff",
    b".bmp": "image/bmp",
}


def media_type(path: bytes) -> str:
    """The Content-Type for a media file by its extension (octet-stream if unknown)."""
    return _TYPES.get(os.path.splitext(path)[1].lower(), "application/octet-stream")


def confine(root: bytes, rel_path: bytes, *, follow_links_out: bool = False) -> bytes:
    """The real path of ``rel_path`` under ``root``, or NotFoundError.

    The result resolves (symlinks followed) inside ``realpath(root)``, unless the admin
    let this library follow links out of its root (``follow_links_out``).
    """
    if b"\0" in rel_path or os.path.isabs(rel_path):
        raise NotFoundError("no such file")
    real_root = os.path.realpath(root)
    real = os.path.realpath(os.path.join(real_root, rel_path))
    if not follow_links_out and os.path.commonpath([real_root, real]) != real_root:
        raise NotFoundError("no such file")
    return real


@dataclass(frozen=True, slots=True)
class ServedFile:
    """A regular file, as it is now on disk (the scan may be older)."""

    path: bytes
    size: int
    mtime_ns: int
    media_type: str


def regular_file(path: bytes) -> ServedFile:
    """Stat ``path`` now; NotFoundError unless it is a readable regular file."""
    try:
        info = os.stat(path)
    except OSError:
        raise NotFoundError("the file is not there any more") from None
    if not stat.S_ISREG(info.st_mode):
        raise NotFoundError("no such file")
    return ServedFile(path, info.st_size, info.st_mtime_ns, media_type(path))


def library_file(root: str, rel_path: bytes, *, follow_links_out: bool = False) -> ServedFile:
    """``rel_path`` under the library root ``root``, confined and stat'ed: what every
    file route serves from."""
    return regular_file(confine(os.fsencode(root), rel_path, follow_links_out=follow_links_out))
