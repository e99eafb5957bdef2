"""Fingerprint and probe one media file inside a scan worker process; never raise."""

import hashlib
from typing import IO

import av.error
from PIL import Image

from parlour.domain.media import FileKind, Probed, ProbeOutcome
from parlour.library.audio_tags import probe_audio
from parlour.library.audio_tags import read_audio as _read_audio
from parlour.library.photo_exif import probe_photo
from parlour.library.photo_exif import read_photo as _read_photo
from parlour.library.probe_errors import ProbeError, clip_reason, exc_message
from parlour.library.probe_errors import open_regular as _open_regular
from parlour.library.video_streams import ffmpeg_failure, probe_video
from parlour.library.video_streams import read_video as _read_video

__all__ = [
    "ProbeError",
    "fingerprint_file",
    "probe_audio",
    "probe_file",
    "probe_photo",
    "probe_video",
]

_EDGE = 16 * 1024  # bytes hashed from each end of a file for its fingerprint


def probe_file(path: bytes, kind: FileKind, size: int) -> ProbeOutcome:
    """Fingerprint and probe one file; never raises, a failure becomes the outcome's error."""
    fingerprint: str | None = None
    try:
        with _open_regular(path) as file:
            fingerprint = _fingerprint(file, size)
            if size == 0:
                return ProbeOutcome(fingerprint, error="empty file (0 bytes)")
            return ProbeOutcome(fingerprint, info=_probe_open(file, kind, size))
    # A worker must survive any file, so every failure (MemoryError, RecursionError and
    # whatever a parser library raises) becomes a reason instead of an exception.
    except Exception as exc:
        return ProbeOutcome(fingerprint, error=_describe(exc, kind))


def fingerprint_file(path: bytes, size: int) -> str:
    """Hash the size and the first and last 16 KiB, so a renamed or moved file is recognised."""
    with _open_regular(path) as file:
        return _fingerprint(file, size)


def _fingerprint(file: IO[bytes], size: int) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(size.to_bytes(8, "little"))
    file.seek(0)
    head = file.read(_EDGE)
    digest.update(head)
    if size <= _EDGE:
        digest.update(head)  # the last 16 KiB are the first: spare the second read
    else:
        file.seek(size - _EDGE)
        digest.update(file.read(_EDGE))
    return digest.hexdigest()


def _probe_open(file: IO[bytes], kind: FileKind, size: int) -> Probed:
    file.seek(0)
    if kind is FileKind.AUDIO:
        return _read_audio(file, size)
    if kind is FileKind.VIDEO:
        return _read_video(file)
    if kind is FileKind.PHOTO:
        return _read_photo(file)
    raise ProbeError(f"not a media file (kind {kind.value})")


def _describe(exc: Exception, kind: FileKind) -> str:
    if isinstance(exc, ProbeError):
        return str(exc)
    if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
        return "image too large (decompression bomb guard)"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "file not found (removed before it could be read)"
    if isinstance(exc, IsADirectoryError):
        return "not a regular file"
    if isinstance(exc, MemoryError):
        return "out of memory while reading (corrupt or absurdly large metadata)"
    if isinstance(exc, RecursionError):
        return "truncated or corrupt: structure nested too deeply"
    if isinstance(exc, av.error.FFmpegError):
        return str(ffmpeg_failure(exc))  # its str() would repeat the file name
    if isinstance(exc, OSError):
        return clip_reason(f"read error: {exc.strerror or exc}")
    what = {
        FileKind.AUDIO: "not a readable audio file",
        FileKind.VIDEO: "not a readable video",
        FileKind.PHOTO: "not a readable image",
    }.get(kind, "not readable")
    return clip_reason(f"{what}: {exc_message(exc)}")
