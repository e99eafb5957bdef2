"""The content rating rule in SQL against the domain's table, on real SQLite: for any
stored string and any limit, the catalogue decides exactly as ``minimum_age`` does, and
fails closed for missing, unknown and non-ASCII ratings."""

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, String, create_engine, literal, select

from parlour.domain.accounts import Role, Viewer
from parlour.domain.ratings import AGE_BY_KEY, SPELLINGS, minimum_age, rating_key
from parlour.storage.visibility import is_rating_limited, rating_allows, rating_key_sql

LIMITS = ["G", "PG", "UK:PG", "PG-13", "12", "UK:15", "R", "NC-17", "TV-MA", "16+"]


@pytest.fixture(scope="module")
def conn() -> Iterator[Connection]:
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def _viewer(limit: str | None, role: Role = Role.USER) -> Viewer:
    return Viewer("u", "someone", role, frozenset(), limit)


def _allows(conn: Connection, viewer: Viewer, rating: str | None) -> bool:
    allowed = rating_allows(viewer, literal(rating, String))
    return bool(conn.execute(select(allowed)).scalar())


RATINGS = st.one_of(
    st.none(),
    st.sampled_from(sorted(SPELLINGS)),
    st.sampled_from(sorted(AGE_BY_KEY)),
    st.sampled_from(["rated pg-13", "fsk_12", "Pg 13", "tv ma", "NR", "", "PG\u201313", "PG\t"]),
    st.text(max_size=12),
)


@settings(max_examples=400, deadline=None, database=None, derandomize=True)
@given(rating=RATINGS, limit=st.sampled_from(LIMITS))
def test_sql_decides_as_the_domain_table(conn: Connection, rating: str | None, limit: str) -> None:
    age, needed = minimum_age(limit), minimum_age(rating)
    assert age is not None
    expected = needed is not None and needed <= age
    assert _allows(conn, _viewer(limit), rating) is expected


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(rating=st.text(max_size=16))
def test_the_sql_key_is_the_python_key(conn: Connection, rating: str) -> None:
    key = rating_key(rating)
    if key is not None and "\x00" not in rating:
        assert conn.execute(select(rating_key_sql(literal(rating)))).scalar() == key


def test_admins_and_users_without_a_limit_see_everything(conn: Connection) -> None:
    for viewer in (_viewer(None), _viewer("PG", Role.ADMIN)):
        assert not is_rating_limited(viewer)
        assert _allows(conn, viewer, None) and _allows(conn, viewer, "NC-17")


def test_a_limit_that_is_not_a_rating_hides_every_rating(conn: Connection) -> None:
    viewer = _viewer("Kinder")  # stored before limits were checked
    assert is_rating_limited(viewer)
    assert not any(_allows(conn, viewer, rating) for rating in ("G", "U", "0", None))
