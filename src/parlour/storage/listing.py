"""Pages of a list: the request (filters and page), the filters every list shares,
allow-listed sorting, totals, offset and keyset (cursor) paging.

Sort fields are looked up in each list's own allow-list, so a client's string never
becomes SQL; filter values are always bound parameters (AZ-07).

A cursor is the last row's sort values and id as JSON, after a check digest of them and
of the list they belong to (the list, its sort, order and filters), in URL-safe base64.
A cursor that was altered, cut short or taken from another list fails the digest and is
refused (InvalidInputError, a 400), and its values are checked against the list's own
sort columns before use. The digest is not keyed: a cursor grants nothing, since every
page applies the viewer's rules afresh, so one forged with care can do no more than
start the page elsewhere among rows the viewer may see anyway.

Keyset pages stay fast however deep they go: the database seeks past the cursor instead
of counting off an offset. Empty values sort last in both orders.
"""

import base64
import binascii
import hashlib
import hmac
import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Connection, Row, Select, and_, func, or_, select

from parlour.domain.errors import InvalidInputError, NotFoundError
from parlour.storage.item_state import ViewerState, is_state_column, state_reader

MAX_PAGE = 500
MAX_CURSOR = 16384  # room for long titles as sort values
MAX_TEXT = 200
_DIGEST = 12  # bytes of check digest at the head of a cursor
_KEY_PREFIX = "_k"

FilterValue = str | int | bool | None


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int | None  # None when the page was asked for by cursor
    next_cursor: str | None = None  # None on the last page

    def as_json(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
            "next_cursor": self.next_cursor,
        }


Sorts = Mapping[str, Sequence[ColumnElement[Any]]]


@dataclass(frozen=True, slots=True)
class PageRequest:
    """What a caller asked for: the sort by name, and where the page starts."""

    sort: str
    order: str = "asc"
    limit: int = 100
    offset: int = 0
    cursor: str | None = None


# Every filter a list may take.
_FILTERS = (
    "library",
    "album",
    "artist",
    "genre",
    "year",
    "decade",
    "added_since",
    "watched",
    "favourite",
)


@dataclass(frozen=True, slots=True)
class ListRequest:
    """A list as a client asked for it: its filters (None where not given) and its page.

    ``sort`` None means the list's own default. Each list takes some of the filters
    (artists have no ``genre``); handing a list one it does not take is a caller's
    mistake, refused with ValueError rather than ignored.
    """

    library: str | None = None
    album: str | None = None
    artist: str | None = None
    genre: str | None = None
    year: int | None = None
    decade: int | None = None
    added_since: int | None = None
    watched: bool | None = None
    favourite: bool | None = None
    sort: str | None = None
    order: str = "asc"
    limit: int = 100
    offset: int = 0
    cursor: str | None = None

    def page(self, default_sort: str, taken: Collection[str] = ()) -> PageRequest:
        """The page to fetch, for a list that sorts by ``default_sort`` unless told
        otherwise and takes the filters named in ``taken``."""
        for name in _FILTERS:
            if name not in taken and getattr(self, name) is not None:
                raise ValueError(f"this list takes no {name!r} filter")
        sort = default_sort if self.sort is None else self.sort
        return PageRequest(sort, self.order, self.limit, self.offset, self.cursor)


def json_rows(keys: Sequence[Any], rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """Result rows as JSON-ready dicts: plain str keys (not quoted_name), the viewer's
    state nested as ``state``, the hidden sort keys dropped. Column positions are worked
    out once per result: on a page of 500 this is most of the Python time."""
    names = [str(key) for key in keys]
    shown = [
        (i, name)
        for i, name in enumerate(names)
        if not name.startswith(_KEY_PREFIX) and not is_state_column(name)
    ]
    state = state_reader(names)
    found = []
    for row in rows:
        item = {name: row[i] for i, name in shown}
        if state is not None:
            item["state"] = state(row)
        found.append(item)
    return found


def json_row(row: Row[*tuple[Any, ...]]) -> dict[str, Any]:
    """One result row as ``json_rows`` shapes it."""
    return json_rows(row._fields, [row])[0]


def one_row(conn: Connection, query: Select[Any], what: str) -> dict[str, Any]:
    """The one row ``query`` finds, or NotFoundError naming ``what``."""
    row = conn.execute(query).first()
    if row is None:
        raise NotFoundError(f"no such {what}")  # also when the viewer may not see it
    return json_row(row)


def check_text(name: str, value: str | None) -> str | None:
    """A text filter as given, or InvalidInputError when it is too long or has control
    characters (never valid in a name, and refused by some databases)."""
    if value is not None and (len(value) > MAX_TEXT or any(ord(ch) < 32 for ch in value)):
        raise InvalidInputError(f"{name!r} must be at most {MAX_TEXT} printable characters")
    return value


def year_range(
    column: ColumnElement[Any], year: int | None, decade: int | None
) -> list[ColumnElement[bool]]:
    """Conditions for ``year`` (exact) and ``decade`` (1990 means 1990 to 1999)."""
    found: list[ColumnElement[bool]] = []
    if year is not None:
        found.append(column == year)
    if decade is not None:
        if not 0 <= decade <= 9990 or decade % 10:
            raise InvalidInputError("'decade' is a year ending in 0, such as 1990")
        found.append(column.between(decade, decade + 9))
    return found


Condition = Callable[[str], ColumnElement[bool]]


def filter_list(
    query: Select[Any],
    request: ListRequest,
    state: ViewerState,
    *,
    library: ColumnElement[Any],
    album: Condition | None = None,
    artist: Condition | None = None,
    genre: Condition | None = None,
    year: ColumnElement[Any] | None = None,
    added_at: ColumnElement[Any] | None = None,
    watched: Callable[[bool], ColumnElement[bool]] | None = None,
) -> tuple[Select[Any], dict[str, FilterValue]]:
    """``query`` narrowed by the filters of ``request`` that the list takes, and those
    filters as the cursor digest records them (given or not).

    Every list takes ``library`` (the column of its library id) and ``favourite``; it
    takes the others it gives a way to apply: ``album``, ``artist`` and ``genre`` as a
    condition on the value (``genre`` through the list's genre subquery), ``year`` (and
    with it ``decade``) and ``added_since`` as a column, ``watched`` as a condition on
    the flag (``state.watched`` where the item carries its own).
    """
    r = request
    years = [] if year is None else year_range(year, r.year, r.decade)  # its error comes first
    filters: dict[str, FilterValue] = {"library": check_text("library", r.library)}
    conditions: list[ColumnElement[bool]] = []
    if r.library is not None:
        conditions.append(library == r.library)
    for name, condition in (("album", album), ("artist", artist), ("genre", genre)):
        if condition is not None:
            value = filters[name] = check_text(name, getattr(r, name))
            if value is not None:
                conditions.append(condition(value))
    if year is not None:
        filters |= {"year": r.year, "decade": r.decade}
        conditions += years
    if added_at is not None:
        filters["added_since"] = r.added_since
        if r.added_since is not None:
            conditions.append(added_at >= r.added_since)
    if watched is not None:
        filters["watched"] = r.watched
        if r.watched is not None:
            conditions.append(watched(r.watched))
    filters["favourite"] = r.favourite
    if r.favourite is not None:
        conditions.append(state.favourite(r.favourite))
    return query.where(*conditions), filters


def _fingerprint(scope: str, request: PageRequest, filters: Mapping[str, FilterValue]) -> bytes:
    listed = orjson.dumps(
        [scope, request.sort, request.order, dict(filters)], option=orjson.OPT_SORT_KEYS
    )
    return hashlib.blake2b(listed, digest_size=16, person=b"parlour-list").digest()


def _check_digest(fingerprint: bytes, payload: bytes) -> bytes:
    return hashlib.blake2b(fingerprint + payload, digest_size=_DIGEST).digest()


def _encode(fingerprint: bytes, values: list[Any]) -> str:
    payload = orjson.dumps(values)
    token = _check_digest(fingerprint, payload) + payload
    return base64.urlsafe_b64encode(token).decode("ascii").rstrip("=")


def _value_type(key: ColumnElement[Any]) -> type:
    try:
        kind: type = key.type.python_type
    except NotImplementedError:  # an untyped expression; compare as text
        return str
    return kind


def _valid(value: Any, kind: type) -> bool:
    if value is None:
        return True
    if kind is bool:
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if kind is float:
        return isinstance(value, int | float) and math.isfinite(value)
    if kind is int:
        return isinstance(value, int) and abs(value) < 2**63
    if kind is str:
        return isinstance(value, str) and len(value) <= MAX_CURSOR
    return False


def _decode(cursor: str, fingerprint: bytes, keys: Sequence[ColumnElement[Any]]) -> list[Any]:
    """The sort values and id a cursor holds, checked against this list's sort columns."""
    refused = InvalidInputError("'cursor' is not a cursor of this list; start again without it")
    if len(cursor) > MAX_CURSOR or not cursor.isascii():
        raise refused
    try:
        token = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError):
        raise refused from None
    digest, payload = token[:_DIGEST], token[_DIGEST:]
    if not hmac.compare_digest(digest, _check_digest(fingerprint, payload)):
        raise refused  # altered, cut short, or from another list, sort or filter
    try:
        values = orjson.loads(payload)
    except orjson.JSONDecodeError:
        raise refused from None
    if not isinstance(values, list) or len(values) != len(keys) + 1:
        raise refused
    last_id = values[-1]
    if not isinstance(last_id, str) or not 0 < len(last_id) <= 64:
        raise refused
    if not all(_valid(value, _value_type(key)) for key, value in zip(keys, values, strict=False)):
        raise refused
    return values


def _after(
    keys: Sequence[ColumnElement[Any]],
    values: Sequence[Any],
    id_column: ColumnElement[Any],
    descending: bool,
) -> ColumnElement[bool]:
    """Rows that come after (``values``, id) in the order the page uses: each key in
    ``descending`` order or not, empty values last, then id ascending."""
    alternatives: list[ColumnElement[bool]] = []
    same: list[ColumnElement[bool]] = []
    for key, value in zip(keys, values, strict=False):
        if value is None:
            same.append(key.is_(None))  # nothing but other empties follows an empty
            continue
        beyond = key < value if descending else key > value
        alternatives.append(and_(*same, or_(beyond, key.is_(None))))
        same.append(key == value)
    alternatives.append(and_(*same, id_column > values[-1]))
    return or_(*alternatives)


def fetch_page(
    conn: Connection,
    query: Select[Any],
    *,
    scope: str,
    id_column: ColumnElement[Any],
    sorts: Sorts,
    request: PageRequest,
    filters: Mapping[str, FilterValue],
    state: ViewerState | None = None,
) -> Page:
    """One page of ``query`` sorted by ``request.sort`` (a name in ``sorts``), with the
    total of the whole list and a cursor for the next page when there is one; with
    ``state``, each row carries the viewer's state of the item ``id_column`` names."""
    limit, offset = request.limit, request.offset
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInputError(f"limit must be 1..{MAX_PAGE} and offset at least 0")
    if request.sort not in sorts or request.order not in ("asc", "desc"):
        raise InvalidInputError(f"sort must be one of {sorted(sorts)} and order asc or desc")
    if request.cursor is not None and offset:
        raise InvalidInputError("give 'cursor' or 'offset', not both")
    keys = list(sorts[request.sort])
    descending = request.order == "desc"
    fingerprint = _fingerprint(scope, request, filters)
    after = None if request.cursor is None else _decode(request.cursor, fingerprint, keys)
    counted = query
    if state is not None:
        query = state.join(query, id_column)
        counted = query if state.filtered else counted
    total = int(conn.execute(select(func.count()).select_from(counted.subquery())).scalar_one())
    ordered = query.add_columns(
        *[key.label(f"{_KEY_PREFIX}{i}") for i, key in enumerate(keys)],
        id_column.label(f"{_KEY_PREFIX}id"),
    )
    ordered = ordered.order_by(
        *[(key.desc() if descending else key.asc()).nulls_last() for key in keys],
        id_column.asc(),
    )
    if after is not None:
        ordered = ordered.where(_after(keys, after, id_column, descending)).limit(limit + 1)
    else:
        ordered = ordered.limit(limit + 1).offset(offset)
    result = conn.execute(ordered)
    names = list(result.keys())
    rows = result.all()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        at = [names.index(f"{_KEY_PREFIX}{i}") for i in range(len(keys))]
        at.append(names.index(f"{_KEY_PREFIX}id"))
        next_cursor = _encode(fingerprint, [last[i] for i in at])
    return Page(
        json_rows(names, rows),
        total,
        limit,
        None if after is not None else offset,
        next_cursor,
    )
