"""AZ-07 over HTTP: Hypothesis feeds SQL metacharacters and junk into every filter, sort,
paging and cursor parameter of every browse route, as a limited and an unlimited user;
the answer is a page (200) or a problem (400), never a server error, and never rows the
user may not see."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rated_catalogue import RatedServer

PAGING = ("sort", "order", "limit", "offset", "cursor")
DATES = ("year", "decade", "added_since")
ROUTES = {
    "/api/v1/albums": (*PAGING, "library", "artist", "genre", *DATES, "favourite"),
    "/api/v1/artists": (*PAGING, "library", "favourite"),
    "/api/v1/tracks": (*PAGING, "library", "album", "artist", "genre", *DATES, "favourite"),
    "/api/v1/movies": (*PAGING, "library", "genre", *DATES, "watched", "favourite"),
    "/api/v1/shows": (*PAGING, "library", "genre", *DATES, "watched", "favourite"),
    "/api/v1/search": ("q", "limit", "offset", "cursor"),
    "library folders": PAGING,
    "folder": PAGING,
}
METACHARACTERS = [
    "'",
    '"',
    ";",
    "--",
    "/*",
    "*/",
    "%",
    "_",
    "\\",
    "' OR '1'='1",
    "1) OR (1=1",
    "'; DROP TABLE albums; --",
    "UNION SELECT password_hash FROM users",
    "NULL",
    "\x00",
    "?",
    ":q",
    "$1",
    "%00",
    "*",
    "NEAR(a b)",
    "1e309",
    "-1",
    "0x10",
    "\uff19",  # a full-width digit
    "²",
    "2024-02-30",
    "title desc",
    "sort_title",
    "title; --",
    "year,id",
]
VALUES = st.one_of(
    st.sampled_from(METACHARACTERS),
    st.lists(st.sampled_from(METACHARACTERS), min_size=2, max_size=4).map("".join),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(["title", "year", "added", "asc", "desc", "true", "false", "1990"]),
)


def _path(rated: RatedServer, route: str) -> str:
    """The route's path; folders of the films, which both users may browse."""
    if route == "library folders":
        return f"/api/v1/libraries/{rated.libraries['Films']}/folders"
    if route == "folder":
        roots = rated.ok("kid", f"/api/v1/libraries/{rated.libraries['Films']}/folders")
        return f"/api/v1/folders/{roots['items'][0]['id']}"  # type: ignore[index]
    return route


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_junk_in_any_parameter_is_a_page_or_a_400(rated: RatedServer, route: str) -> None:
    path = _path(rated, route)
    names = ROUTES[route]
    allowed_films = {"Paper Comets"}

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        user=st.sampled_from(["alice", "kid"]),
        params=st.dictionaries(st.sampled_from(names), VALUES, min_size=1, max_size=4),
    )
    def check(user: str, params: dict[str, str]) -> None:
        if route == "/api/v1/search":
            params.setdefault("q", "a")
        response = rated.get(user, path, **params)
        assert response.status_code in (200, 400), (params, response.text)
        if response.status_code == 400:
            assert response.headers["content-type"] == "application/problem+json"
            return
        body = response.json()
        assert isinstance(body["items"], list) and isinstance(body["total"], int)
        if user == "kid":
            titles = {item.get("title") for item in body["items"]}
            assert not titles & {"The Lighthouse Cartographer", "Night Ferry"}, params
            if route == "/api/v1/movies":
                assert titles <= allowed_films

    check()


@settings(max_examples=60, deadline=None, database=None, derandomize=True)
@given(junk=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60))
def test_junk_ids_in_paths_are_not_found(rated: RatedServer, junk: str) -> None:
    segment = quote(junk, safe="")
    for template in ("/api/v1/folders/{}", "/api/v1/libraries/{}/folders", "/api/v1/items/{}"):
        response = rated.get("alice", template.format(segment))
        assert response.status_code in (400, 404), (junk, response.text)
