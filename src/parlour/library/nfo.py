"""Read Kodi-style .nfo files safely: no DTDs, no entities, no external references."""

import codecs
import re
from datetime import date
from xml.etree.ElementTree import Element, ParseError

# No stubs ship with defusedxml; unused-ignore keeps these lines valid once they are installed.
from defusedxml import (  # type: ignore[import-untyped, unused-ignore]
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml.ElementTree import (  # type: ignore[import-untyped, unused-ignore]
    fromstring as safe_fromstring,
)

from parlour.domain.errors import InvalidInputError
from parlour.domain.media import NfoInfo

MAX_NFO_BYTES = 1024 * 1024
_ROOTS = frozenset({"movie", "tvshow", "episodedetails", "musicvideo"})

_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# What may stand before the root element: whitespace, comments and processing instructions.
_PROLOG_ITEM = re.compile(r"\s+|<!--.*?-->|<\?.*?\?>", re.DOTALL)
_ROOT_START = re.compile(r"<([A-Za-z_][\w.-]*)")
_URL = re.compile(r"^(?:https?|ftp)://\S+$", re.IGNORECASE)
_RATED_PREFIX = re.compile(r"^rated\s+", re.IGNORECASE)


def parse_nfo(data: bytes) -> NfoInfo:
    """Return the fields of a movie, tvshow, episodedetails or musicvideo .nfo file.

    Raises InvalidInputError when the file is too large, is not XML, has another root, or
    declares a DTD or entities.
    """
    if len(data) > MAX_NFO_BYTES:
        raise InvalidInputError("nfo is larger than 1 MiB, refused")
    text = _DECLARATION.sub("", _decoded(data), count=1).strip()
    if not text:
        raise InvalidInputError("nfo is empty")
    if not text.startswith("<"):
        if _URL.match(text):
            raise InvalidInputError("nfo holds only a URL, not XML; nothing to read")
        raise InvalidInputError("nfo is not XML: it does not start with a tag")
    root = _parsed(_root_only(text))
    if root.tag not in _ROOTS:
        raise InvalidInputError(
            f"nfo root is <{root.tag}>, expected movie, tvshow, episodedetails or musicvideo"
        )
    return _info(root)


def _decoded(data: bytes) -> str:
    """Decode by BOM, then by the XML declaration, then as UTF-8 with a Windows-1252 fallback."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[len(codecs.BOM_UTF8) :], "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16")
    declared = _DECLARED_ENCODING.match(data)
    if declared is not None:
        return _decode(data, declared.group(1).decode("ascii"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Old tools wrote nfo files in the Windows code page without saying so.
        return _decode(data, "cp1252")


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise InvalidInputError(f"nfo declares an unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"nfo is not valid {encoding}: {exc.reason}") from None


def _root_only(text: str) -> str:
    """Cut the text after the root's closing tag: "hybrid" nfo files put a URL there."""
    at = 0
    while (item := _PROLOG_ITEM.match(text, at)) is not None and item.end() > at:
        at = item.end()
    root = _ROOT_START.match(text, at)
    if root is None:
        return text  # a DOCTYPE or junk: the parser gives the reason
    closing = re.compile(rf"</{re.escape(root.group(1))}\s*>").search(text, root.end())
    return text if closing is None else text[: closing.end()]


def _parsed(text: str) -> Element:
    try:
        root: Element = safe_fromstring(text, forbid_dtd=True)
    except DTDForbidden:
        raise InvalidInputError("nfo declares a DTD, refused") from None
    except EntitiesForbidden:
        raise InvalidInputError("nfo declares entities, refused") from None
    except ExternalReferenceForbidden:
        raise InvalidInputError("nfo refers to an external resource, refused") from None
    except ParseError as exc:
        raise InvalidInputError(f"nfo is not XML: {exc}") from None
    return root


def _info(root: Element) -> NfoInfo:
    premiered = _iso_date(_text(root, "premiered")) or _iso_date(_text(root, "aired"))
    year = _positive(_text(root, "year"))
    if year is None and premiered is not None:
        year = int(premiered[:4])
    return NfoInfo(
        title=_text(root, "title"),
        original_title=_text(root, "originaltitle"),
        sort_title=_text(root, "sorttitle"),
        year=year,
        plot=_text(root, "plot") or _text(root, "outline"),
        tagline=_text(root, "tagline"),
        content_rating=_rating(_text(root, "mpaa")),
        premiered=premiered,
        season=_count(_text(root, "season")),
        episode=_count(_text(root, "episode")),
        genres=_listed(root, "genre"),
        directors=_listed(root, "director"),
        actors=_actors(root),
    )


def _text(parent: Element, tag: str) -> str | None:
    """Return the stripped text of the first direct child with this tag, None when empty."""
    child = parent.find(tag)
    return None if child is None else _stripped(child)


def _stripped(element: Element) -> str | None:
    value = "".join(element.itertext()).strip()
    return value or None


def _listed(root: Element, tag: str) -> tuple[str, ...]:
    """Collect repeated elements, also splitting Kodi's older "Drama / Thriller" form."""
    values: list[str] = []
    for child in root.findall(tag):
        for part in (_stripped(child) or "").split(" / "):
            value = part.strip()
            if value and value not in values:
                values.append(value)
    return tuple(values)


def _actors(root: Element) -> tuple[tuple[str, str | None], ...]:
    actors: list[tuple[str, str | None]] = []
    for actor in root.findall("actor"):
        name = _text(actor, "name")
        if name is not None:
            actors.append((name, _text(actor, "role")))
    return tuple(actors)


def _positive(value: str | None) -> int | None:
    """Read a year; Kodi writes 0 when it does not know one."""
    number = _count(value)
    return number if number else None


def _count(value: str | None) -> int | None:
    """Read a season or episode number; Kodi writes -1 when it does not know one."""
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number >= 0 else None


def _iso_date(value: str | None) -> str | None:
    """Read "2024-01-15" or "2024-01-15 20:00:00" as an ISO date; anything else is dropped."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def _rating(value: str | None) -> str | None:
    """Turn "Rated PG-13" and "US:PG-13" into "PG-13"."""
    if value is None:
        return None
    first = value.split(" / ")[0]
    rating = _RATED_PREFIX.sub("", first.rsplit(":", 1)[-1]).strip()
    return rating or None
