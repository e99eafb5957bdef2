"""The content rating table: each system's codes, the forms they are written in, the
strict reading of shared codes, and the refusal of anything unknown."""

import pytest

from parlour.domain.errors import InvalidInputError
from parlour.domain.ratings import (
    AGE_BY_KEY,
    EXAMPLES,
    SPELLINGS,
    check_max_rating,
    keys_up_to,
    minimum_age,
    rating_key,
    spellings_up_to,
)


@pytest.mark.parametrize(
    ("rating", "age"),
    [
        # US films, with and without "Rated " and the country
        ("G", 0),
        ("PG", 10),
        ("PG-13", 13),
        ("R", 17),
        ("NC-17", 18),
        ("Rated R", 17),
        ("rated pg-13", 13),
        ("US:PG-13", 13),
        ("USA:R", 17),
        ("US:Rated NC-17", 18),
        ("PG13", 13),
        # US television
        ("TV-Y", 0),
        ("TV-Y7", 7),
        ("TV-Y7-FV", 7),
        ("TV-G", 0),
        ("TV-PG", 10),
        ("TV-14", 14),
        ("TV-MA", 17),
        ("US:TV-MA", 17),
        ("tv_ma", 17),
        # UK (BBFC)
        ("U", 0),
        ("Uc", 0),
        ("UK:PG", 8),
        ("GB:PG", 8),
        ("12", 12),
        ("12A", 12),
        ("UK:12A", 12),
        ("15", 15),
        ("UK:15", 15),
        ("18", 18),
        ("R18", 18),
        # Germany (FSK)
        ("0", 0),
        ("6", 6),
        ("FSK 12", 12),
        ("FSK-16", 16),
        ("FSK18", 18),
        ("FSK ab 6", 6),
        ("DE:12", 12),
        ("DE:FSK 16", 16),
        # plain ages
        ("7", 7),
        ("16+", 16),
        (" 13 ", 13),
    ],
)
def test_known_ratings_have_their_minimum_age(rating: str, age: int) -> None:
    assert minimum_age(rating) == age


@pytest.mark.parametrize(
    "rating",
    [None, "", "NR", "Not Rated", "Unrated", "PG-14", "X", "FR:12", "22", "\uff30\uff27", "PG\t"],
)
def test_missing_or_unknown_ratings_have_no_age(rating: str | None) -> None:
    assert minimum_age(rating) is None


def test_a_code_two_systems_share_takes_the_stricter_age() -> None:
    assert minimum_age("PG") == max(minimum_age("US:PG") or 0, minimum_age("UK:PG") or 0) == 10


def test_keys_match_the_ages_and_grow_with_age() -> None:
    assert set(keys_up_to(10)) == {key for key, age in AGE_BY_KEY.items() if age <= 10}
    assert "PG" in keys_up_to(10) and "PG13" not in keys_up_to(10)
    assert set(keys_up_to(12)) < set(keys_up_to(17)) < set(keys_up_to(18))
    assert "R" not in keys_up_to(16) and "R" in keys_up_to(17)


def test_usual_spellings_agree_with_their_keys() -> None:
    for text, age in SPELLINGS.items():
        key = rating_key(text)
        assert key is not None and AGE_BY_KEY[key] == age
    assert {"PG-13", "FSK 12", "UK:15", "Rated R", "TV-MA"} <= set(SPELLINGS)
    assert set(spellings_up_to(13)) == {t for t, age in SPELLINGS.items() if age <= 13}


def test_rating_key_is_ascii_only() -> None:
    assert rating_key("pg-13") == "PG13"
    assert rating_key("FSK 12") == "FSK12"
    assert rating_key("PG\u201313") is None  # an en dash


def test_a_maximum_rating_is_checked_and_trimmed() -> None:
    assert check_max_rating(None) is None
    assert check_max_rating(" PG-13 ") == "PG-13"
    assert all(check_max_rating(example) == example for example in EXAMPLES)
    for bad in ("", "NR", "PG-14", "R" * 40):
        with pytest.raises(InvalidInputError, match="PG-13"):
            check_max_rating(bad)
