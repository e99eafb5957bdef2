"""Content ratings: the minimum age each rating string from an .nfo file stands for.

Ratings come from Kodi-style .nfo files as free text (``PG-13``, ``Rated R``,
``UK:15``, ``FSK 12``, ``TV-MA``). A user may be limited to a maximum rating; what they
may see is decided by age, so that limits and ratings from different systems compare.

The table (the minimum age a viewer needs):

======  ===========================================================  ======================
system  ratings and ages                                             also written as
======  ===========================================================  ======================
US      G 0, PG 10, PG-13 13, R 17, NC-17 18                         ``Rated R``, ``US:R``
US TV   TV-Y 0, TV-G 0, TV-Y7 7, TV-Y7-FV 7, TV-PG 10, TV-14 14,     ``US:TV-MA``
        TV-MA 17
UK      U 0, Uc 0, PG 8, 12 12, 12A 12, 15 15, 18 18, R18 18         ``UK:15``, ``GB:15``
DE      0 0, 6 6, 12 12, 16 16, 18 18                                ``FSK 12``, ``FSK-12``,
                                                                     ``DE:12``, ``DE:FSK 12``
ages    0 to 21 as a plain number, or with a plus (``16+``)          ``16``, ``16+``
======  ===========================================================  ======================

Without a country prefix a code that two systems share takes the higher age (``PG`` is
10, the US reading; ``UK:PG`` is 8), so a doubtful rating errs on the strict side.
Anything else (``NR``, ``Unrated``, ``Not Rated``, an empty string, a code from another
country) has no age: such items are hidden from every user who has a limit.

Strings are matched after removing spaces, hyphens and underscores and upper-casing
ASCII letters (``rating_key``); the catalogue applies the same steps in SQL, so the two
sides agree on every string. Non-ASCII strings are never matched.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from parlour.domain.errors import InvalidInputError

US_FILM: Mapping[str, int] = {"G": 0, "PG": 10, "PG-13": 13, "R": 17, "NC-17": 18}
US_TV: Mapping[str, int] = {
    "TV-Y": 0,
    "TV-G": 0,
    "TV-Y7": 7,
    "TV-Y7-FV": 7,
    "TV-PG": 10,
    "TV-14": 14,
    "TV-MA": 17,
}
UK: Mapping[str, int] = {
    "U": 0,
    "Uc": 0,
    "PG": 8,
    "12": 12,
    "12A": 12,
    "15": 15,
    "18": 18,
    "R18": 18,
}
DE: Mapping[str, int] = {"0": 0, "6": 6, "12": 12, "16": 16, "18": 18}
MAX_PLAIN_AGE = 21


@dataclass(frozen=True, slots=True)
class _System:
    codes: Mapping[str, int]
    prefixes: tuple[str, ...]  # every prefix accepted, in key form ("" for none)
    written: tuple[str, ...]  # the prefixes as usually written, for the fast exact match


_SYSTEMS = (
    _System(
        US_FILM,
        ("", "US:", "USA:", "RATED", "US:RATED", "USA:RATED"),
        ("", "US:", "Rated "),
    ),
    _System(US_TV, ("", "US:", "USA:"), ("", "US:")),
    _System(UK, ("", "UK:", "GB:"), ("", "UK:", "GB:")),
    _System(
        DE,
        ("", "DE:", "FSK", "FSK:", "FSKAB", "DE:FSK", "DE:FSKAB"),
        ("", "DE:", "FSK ", "FSK-", "FSK"),
    ),
)

# Named in the error an unknown maximum rating gets.
EXAMPLES = (
    "G",
    "PG",
    "PG-13",
    "R",
    "NC-17",
    "TV-Y7",
    "TV-14",
    "TV-MA",
    "U",
    "12A",
    "15",
    "18",
    "FSK 12",
    "UK:15",
    "US:PG-13",
    "16",
)


def rating_key(rating: str) -> str | None:
    """The form ratings are matched in: no spaces, hyphens or underscores, ASCII upper
    case. None for a string with non-ASCII characters (which never matches)."""
    if not rating.isascii():
        return None
    return rating.replace(" ", "").replace("-", "").replace("_", "").upper()


def _build_table() -> dict[str, int]:
    table: dict[str, int] = {}

    def put(key: str, age: int) -> None:
        # A key two systems share (unprefixed PG) keeps the higher age: fail closed.
        table[key] = max(table.get(key, age), age)

    for age in range(MAX_PLAIN_AGE + 1):
        put(str(age), age)
        put(f"{age}+", age)
    for system in _SYSTEMS:
        for code, age in system.codes.items():
            key = rating_key(code)
            assert key is not None
            for prefix in system.prefixes:
                put(prefix + key, age)
    return table


AGE_BY_KEY: Mapping[str, int] = _build_table()


def _build_spellings() -> dict[str, int]:
    """The ratings as people and the scanner usually write them (``PG-13``, ``FSK 12``,
    ``UK:15``), each with the age of its key: an exact match on these needs no
    normalising, which makes the common case about three times faster in SQL."""
    spellings: dict[str, int] = {}
    texts = [p + code for system in _SYSTEMS for p in system.written for code in system.codes]
    texts += [str(age) for age in range(MAX_PLAIN_AGE + 1)]
    texts += [f"{age}+" for age in range(MAX_PLAIN_AGE + 1)]
    for text in texts:
        key = rating_key(text)
        assert key is not None
        spellings[text] = AGE_BY_KEY[key]
    return spellings


SPELLINGS: Mapping[str, int] = _build_spellings()


def minimum_age(rating: str | None) -> int | None:
    """The minimum age ``rating`` stands for; None when it is missing or unknown."""
    if rating is None:
        return None
    key = rating_key(rating)
    return None if key is None else AGE_BY_KEY.get(key)


@lru_cache(maxsize=32)
def keys_up_to(age: int) -> tuple[str, ...]:
    """Every rating key a viewer of ``age`` may see, sorted (for an SQL ``IN`` list)."""
    return tuple(sorted(key for key, needed in AGE_BY_KEY.items() if needed <= age))


@lru_cache(maxsize=32)
def spellings_up_to(age: int) -> tuple[str, ...]:
    """Every usual spelling a viewer of ``age`` may see, sorted."""
    return tuple(sorted(text for text, needed in SPELLINGS.items() if needed <= age))


def check_max_rating(rating: str | None) -> str | None:
    """Validate a maximum rating an admin sets: None (no limit) or a known rating,
    returned trimmed; InvalidInputError naming examples for anything else."""
    if rating is None:
        return None
    clean = rating.strip()
    if len(clean) > 32 or minimum_age(clean) is None:
        raise InvalidInputError(
            f"unknown content rating {rating[:40]!r}; use one such as "
            + ", ".join(EXAMPLES)
            + " (US, US TV, UK, German FSK, or a plain age), or none (null) for no limit"
        )
    return clean
