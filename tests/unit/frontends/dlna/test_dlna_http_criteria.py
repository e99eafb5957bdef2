"""ContentDirectory's SearchCriteria and SortCriteria as televisions send them, and what
is refused (fault 708 / 709 at the front end)."""

import pytest

from parlour.domain.dlna_search import (
    AllOf,
    AnyOf,
    ClassIs,
    Constant,
    Everything,
    SortKey,
    TextMatch,
    UnsupportedCriteriaError,
    UnsupportedSortError,
    class_matches,
    parse_criteria,
    parse_sort,
)


def test_everything() -> None:
    assert parse_criteria(" * ") == Everything()


def test_what_a_samsung_sends() -> None:
    found = parse_criteria(
        '(upnp:class derivedfrom "object.item.audioItem") and (dc:title contains "night")'
    )
    assert found == AllOf(
        ClassIs("object.item.audioItem", derived=True), TextMatch("dc:title", "contains", "night")
    )


def test_and_binds_tighter_than_or() -> None:
    found = parse_criteria(
        'upnp:class = "object.item.imageItem.photo" or upnp:class derivedfrom '
        '"object.item.audioItem" and dc:title contains "x"'
    )
    assert isinstance(found, AnyOf) and isinstance(found.right, AllOf)


def test_quoted_values_keep_escaped_quotes_and_backslashes() -> None:
    found = parse_criteria(r'dc:title contains "say \"hi\" \\ now"')
    assert found == TextMatch("dc:title", "contains", 'say "hi" \\ now')


def test_xbox_refid_test_and_creator_as_artist() -> None:
    found = parse_criteria('dc:creator = "Ann" and @refID exists false')
    assert found == AllOf(TextMatch("upnp:artist", "=", "Ann"), Constant(True))
    assert parse_criteria("@refID exists true") == Constant(False)


@pytest.mark.parametrize(
    "text",
    [
        'dc:description contains "x"',  # a property it cannot search
        "dc:title contains x",  # unquoted
        'dc:title contains "x',  # unclosed quote
        '(dc:title contains "x"',  # unclosed parenthesis
        'dc:title contains "x" and',  # ends too soon
        'dc:title contains "x" "y"',  # text after the end
        'upnp:class contains "object"',  # an operator the property does not take
        "dc:title exists true",
        "(" * 40 + 'dc:title = "x"' + ")" * 40,  # too deep
        'dc:title contains "' + "x" * 2000 + '"',  # too long
    ],
)
def test_refused(text: str) -> None:
    with pytest.raises(UnsupportedCriteriaError):
        parse_criteria(text)


def test_derivedfrom_matches_whole_segments() -> None:
    audio = ClassIs("object.item.audioItem", derived=True)
    assert class_matches(audio, "object.item.audioItem.musicTrack")
    assert class_matches(audio, "object.item.audioItem")
    assert not class_matches(audio, "object.item.audioItemX")
    assert not class_matches(ClassIs("object.item.videoItem", False), "object.item.videoItem.movie")


def test_sort_criteria() -> None:
    assert parse_sort("") == ()
    assert parse_sort("+dc:title,-dc:date, upnp:originalTrackNumber") == (
        SortKey("dc:title", False),
        SortKey("dc:date", True),
        SortKey("upnp:originalTrackNumber", False),
    )
    with pytest.raises(UnsupportedSortError):
        parse_sort("+upnp:rating")
