"""HTTP validators and byte ranges for file responses (RFC 9110 sections 8.8, 13, 14).

One range at most is honoured: a list of ranges is answered with the whole file, which
keeps memory constant and the ``Content-Range`` arithmetic simple (BI-05). A malformed
``Range`` is ignored, as the RFC allows; a well-formed one that starts past the end is
unsatisfiable (416).
"""

from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime

from starlette.datastructures import Headers

_MAX_DIGITS = 19  # 2**63 has 19 digits: anything longer is not a file offset


@dataclass(frozen=True, slots=True)
class Validators:
    etag: str  # strong
    last_modified: str  # an HTTP date
    mtime_s: int

    @classmethod
    def of(cls, size: int, mtime_ns: int) -> "Validators":
        return cls(
            f'"{size:x}-{mtime_ns:x}"',
            formatdate(mtime_ns / 1e9, usegmt=True),
            mtime_ns // 1_000_000_000,
        )


@dataclass(frozen=True, slots=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1


class UnsatisfiableRangeError(Exception):
    """A single well-formed range that lies wholly past the end of the file."""


def _etags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def not_modified(headers: Headers, validators: Validators) -> bool:
    """Whether a GET or HEAD may be answered 304 (If-None-Match wins over the date)."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = _etags(if_none_match)
        # Weak comparison: W/"x" matches "x".
        return "*" in tags or validators.etag in [t.removeprefix("W/") for t in tags]
    since = headers.get("if-modified-since")
    if since is None:
        return False
    try:
        return validators.mtime_s <= int(parsedate_to_datetime(since).timestamp())
    except (TypeError, ValueError, OverflowError):
        return False  # an unreadable date is ignored


def _if_range_holds(headers: Headers, validators: Validators) -> bool:
    if_range = headers.get("if-range")
    if if_range is None:
        return True
    if_range = if_range.strip()
    if if_range.startswith(('"', "W/")):
        return if_range == validators.etag  # strong comparison only
    return if_range == validators.last_modified


def requested_range(headers: Headers, size: int, validators: Validators) -> ByteRange | None:
    """The one range to send, or None for the whole file; UnsatisfiableRangeError for a 416."""
    header = headers.get("range")
    if header is None or not _if_range_holds(headers, validators):
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None  # another unit, or several ranges: the whole file
    first, dash, last = spec.strip().partition("-")
    first, last = first.strip(), last.strip()
    if not dash or not (first or last):
        return None
    if not all(part.isascii() and part.isdigit() for part in (first, last) if part):
        return None
    if len(first) > _MAX_DIGITS or len(last) > _MAX_DIGITS:
        return None
    if not first:  # a suffix: the last N bytes
        if not last or int(last) == 0 or size == 0:
            raise UnsatisfiableRangeError
        return ByteRange(max(0, size - int(last)), size - 1)
    start = int(first)
    end = size - 1 if not last else min(int(last), size - 1)
    if last and int(last) < start:
        return None  # syntactically invalid: ignored
    if start >= size:
        raise UnsatisfiableRangeError
    return ByteRange(start, end)
