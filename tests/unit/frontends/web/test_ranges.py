"""Byte ranges and validators: every header gives the whole file, one range inside the
file, or a 416; never arithmetic outside the file (BI-05)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import Headers

from parlour.frontends.web.ranges import (
    ByteRange,
    UnsatisfiableRangeError,
    Validators,
    not_modified,
    requested_range,
)

SIZE = 1000
V = Validators.of(SIZE, 1_700_000_000_123_456_789)


def _range(value: str, size: int = SIZE, **extra: str) -> ByteRange | None:
    return requested_range(Headers({"range": value, **extra}), size, V)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", ByteRange(0, 99)),
        ("bytes=100-", ByteRange(100, 999)),
        ("bytes=-100", ByteRange(900, 999)),
        ("bytes=-5000", ByteRange(0, 999)),  # a suffix longer than the file: all of it
        ("bytes=990-5000", ByteRange(990, 999)),  # an end past the file is clamped
        ("bytes=999-999", ByteRange(999, 999)),
        (" bytes = 5 - 9 ", ByteRange(5, 9)),
        ("bytes=0-0,5-9", None),  # several ranges: the whole file, no multipart
        ("bytes=9-5", None),  # malformed: ignored
        ("items=0-9", None),
        ("bytes=a-b", None),
        ("bytes=-", None),
        ("bytes=0x10-", None),
        ("bytes=" + "9" * 40 + "-", None),
        ("bytes=²-³", None),  # digits to str.isdigit, but not ASCII ones
    ],
)
def test_ranges(header: str, expected: ByteRange | None) -> None:
    assert _range(header) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_unsatisfiable_ranges(header: str) -> None:
    with pytest.raises(UnsatisfiableRangeError):
        _range(header)


def test_an_empty_file_has_no_range_to_give() -> None:
    with pytest.raises(UnsatisfiableRangeError):
        _range("bytes=0-", size=0)
    with pytest.raises(UnsatisfiableRangeError):
        _range("bytes=-10", size=0)


def test_if_range_must_match_exactly_or_the_whole_file_comes() -> None:
    assert _range("bytes=0-9", **{"if-range": V.etag}) == ByteRange(0, 9)
    assert _range("bytes=0-9", **{"if-range": V.last_modified}) == ByteRange(0, 9)
    assert _range("bytes=0-9", **{"if-range": '"stale"'}) is None
    assert _range("bytes=0-9", **{"if-range": "W/" + V.etag}) is None  # weak: never
    assert _range("bytes=0-9", **{"if-range": "Mon, 01 Jan 2001 00:00:00 GMT"}) is None


def test_conditional_gets() -> None:
    assert not_modified(Headers({"if-none-match": V.etag}), V)
    assert not_modified(Headers({"if-none-match": f'"x", W/{V.etag}'}), V)
    assert not_modified(Headers({"if-none-match": "*"}), V)
    assert not not_modified(Headers({"if-none-match": '"x"'}), V)
    assert not_modified(Headers({"if-modified-since": V.last_modified}), V)
    assert not not_modified(Headers({"if-modified-since": "Mon, 01 Jan 2001 00:00:00 GMT"}), V)
    assert not not_modified(Headers({"if-modified-since": "yesterday"}), V)
    # If-None-Match wins over the date.
    both = {"if-none-match": '"x"', "if-modified-since": V.last_modified}
    assert not not_modified(Headers(both), V)


# Header values are Latin-1 on the wire; these mix every such character with the syntax.
_HEADERS = st.text(alphabet=st.characters(max_codepoint=255), max_size=60) | st.text(
    alphabet="bytes=0123456789-, ", max_size=30
)


@given(header=_HEADERS, size=st.integers(min_value=0, max_value=2**45))
def test_any_header_gives_a_range_inside_the_file(header: str, size: int) -> None:
    try:
        found = requested_range(Headers({"range": header}), size, V)
    except UnsatisfiableRangeError:
        return
    if found is not None:
        assert 0 <= found.start <= found.end < size
        assert found.length == found.end - found.start + 1


@given(
    first=st.integers(min_value=0, max_value=2**40),
    last=st.integers(min_value=0, max_value=2**40),
    size=st.integers(min_value=1, max_value=2**40),
)
def test_well_formed_ranges_follow_the_rfc(first: int, last: int, size: int) -> None:
    header = f"bytes={first}-{last}"
    if last < first:
        assert _range(header, size) is None
    elif first >= size:
        with pytest.raises(UnsatisfiableRangeError):
            _range(header, size)
    else:
        assert _range(header, size) == ByteRange(first, min(last, size - 1))
