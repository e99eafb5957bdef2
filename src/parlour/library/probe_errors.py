"""ProbeError and what every reader shares: opening a file safely and keeping reasons short."""

import os
import stat
from typing import IO

from parlour.domain.errors import ParlourError

_MAX_REASON = 200  # library messages can be long; the catalogue keeps a short reason


class ProbeError(ParlourError):
    """A file was read but is not usable as the kind it was catalogued as; the message says why."""


def open_regular(path: bytes) -> IO[bytes]:
    """Open a regular file for reading, never blocking on a FIFO; raise ProbeError for others."""
    file = open(path, "rb", opener=_nonblocking_opener)  # noqa: SIM115 - returned to a with
    try:
        mode = os.fstat(file.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise ProbeError("not a regular file")
    except BaseException:
        file.close()
        raise
    return file


def exc_message(exc: BaseException) -> str:
    """An exception's text, or its type's name when it has none."""
    text = str(exc).strip()
    return text if text else type(exc).__name__


def clip_reason(text: str) -> str:
    """Shorten a reason to what the catalogue keeps."""
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 1] + "…"


def positive_int(value: object) -> int | None:
    """A positive integer from a number or numeric text, else None."""
    if isinstance(value, int):  # bool included: mutagen's WavPack reports mono as True
        number = int(value)
    else:
        try:
            number = int(str(value).strip())
        except ValueError:
            return None
    return number if number > 0 else None


def _nonblocking_opener(name: str | bytes, flags: int) -> int:
    # O_NONBLOCK so that a FIFO put where a media file was cannot hang the worker in open().
    return os.open(name, flags | os.O_NONBLOCK | os.O_CLOEXEC)
