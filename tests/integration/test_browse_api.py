"""Browsing and search over HTTP: two users with different grants each see only their
libraries on every endpoint, counts and search totals included (AZ-03 for the REST API)."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from parlour.demo.recipes import DEMO_LIBRARY
from support import Account, ServerProcess, demo_libraries, serve_libraries


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, demo_roots: dict[str, Path]
) -> Iterator[tuple[ServerProcess, dict[str, str], dict[str, str]]]:
    accounts = [
        Account("alice", "alice-password", ("Music", "Films")),
        Account("bob", "bob-password", ("Photos", "Shows")),
    ]
    data = tmp_path_factory.mktemp("browse") / "data"
    with serve_libraries(data, demo_libraries(demo_roots), accounts) as (process, headers):
        yield process, headers["alice"], headers["bob"]


def _get(
    process: ServerProcess, path: str, headers: dict[str, str], **params: object
) -> httpx.Response:
    return httpx.get(process.base + path, headers=headers, params=params, timeout=10)  # type: ignore[arg-type]


def test_lists_show_only_granted_libraries_and_their_totals(
    server: tuple[ServerProcess, dict[str, str], dict[str, str]],
) -> None:
    process, alice, bob = server
    albums = {(t.album_artists, t.album) for t in DEMO_LIBRARY.music}
    assert _get(process, "/api/v1/albums", alice).json()["total"] == len(albums)
    assert _get(process, "/api/v1/albums", bob).json() == {
        "items": [],
        "total": 0,
        "limit": 100,
        "offset": 0,
        "next_cursor": None,
    }
    assert _get(process, "/api/v1/movies", alice).json()["total"] == len(DEMO_LIBRARY.movies)
    assert _get(process, "/api/v1/movies", bob).json()["total"] == 0
    assert _get(process, "/api/v1/shows", bob).json()["total"] == len(
        {e.show for e in DEMO_LIBRARY.shows}
    )
    assert _get(process, "/api/v1/shows", alice).json()["total"] == 0


def test_paging_sorting_and_filters(
    server: tuple[ServerProcess, dict[str, str], dict[str, str]],
) -> None:
    process, alice, _ = server
    first = _get(
        process, "/api/v1/albums", alice, limit=3, offset=0, sort="year", order="desc"
    ).json()
    rest = _get(
        process, "/api/v1/albums", alice, limit=100, offset=3, sort="year", order="desc"
    ).json()
    years = [a["year"] for a in first["items"] + rest["items"]]
    assert years == sorted(years, reverse=True)
    assert len(first["items"]) == 3 and first["total"] == rest["total"] == len(years)
    year = DEMO_LIBRARY.music[0].year
    by_year = _get(process, "/api/v1/albums", alice, year=year).json()["items"]
    assert by_year and all(a["year"] == year for a in by_year)
    genre = DEMO_LIBRARY.music[0].genres[0]
    expected = {t.album for t in DEMO_LIBRARY.music if genre in t.genres}
    assert {
        a["title"] for a in _get(process, "/api/v1/albums", alice, genre=genre).json()["items"]
    } == expected


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "password_hash"},
        {"order": "sideways"},
        {"limit": "0"},
        {"limit": "501"},
        {"limit": "-1"},
        {"offset": "1e309"},
        {"year": "'; DROP TABLE albums; --"},
    ],
)
def test_bad_parameters_get_400_not_sql(
    server: tuple[ServerProcess, dict[str, str], dict[str, str]], params: dict[str, str]
) -> None:
    process, alice, _ = server
    response = _get(process, "/api/v1/albums", alice, **params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


def test_details_of_another_users_library_are_not_found(
    server: tuple[ServerProcess, dict[str, str], dict[str, str]],
) -> None:
    process, alice, bob = server
    album = _get(process, "/api/v1/albums", alice, limit=1).json()["items"][0]
    detail = _get(process, f"/api/v1/albums/{album['id']}", alice).json()
    assert detail["title"] == album["title"] and detail["tracks"]
    track_id = detail["tracks"][0]["id"]
    item = _get(process, f"/api/v1/items/{track_id}", alice).json()
    assert item["kind"] == "track" and item["file"]["size"] > 0
    for path in (f"/api/v1/albums/{album['id']}", f"/api/v1/items/{track_id}"):
        denied = _get(process, path, bob)
        assert denied.status_code == 404
        assert denied.json()["status"] == 404
    show = _get(process, "/api/v1/shows", bob).json()["items"][0]
    seasons = _get(process, f"/api/v1/shows/{show['id']}", bob).json()["seasons"]
    assert [s_["number"] for s_ in seasons] == sorted({e.season for e in DEMO_LIBRARY.shows})
    assert _get(process, f"/api/v1/shows/{show['id']}", alice).status_code == 404
    episodes = _get(process, f"/api/v1/seasons/{seasons[0]['id']}", bob).json()["episodes"]
    assert len(episodes) == sum(1 for e in DEMO_LIBRARY.shows if e.season == seasons[0]["number"])
    assert _get(process, f"/api/v1/seasons/{seasons[0]['id']}", alice).status_code == 404


def test_photo_details_never_include_the_location(
    server: tuple[ServerProcess, dict[str, str], dict[str, str]],
) -> None:
    process, _, bob = server
    found = _get(process, "/api/v1/search", bob, q="IMG").json()["items"]
    assert found
    photo = _get(process, f"/api/v1/items/{found[0]['id']}", bob).json()
    assert photo["kind"] == "photo" and photo["taken_at"]
    assert not any(key.startswith("gps") for key in photo)


def test_search_finds_only_in_granted_libraries_totals_included(
    server: tuple[ServerProcess, dict[str, str], dict[str, str]],
) -> None:
    process, alice, bob = server
    track = DEMO_LIBRARY.music[0]
    word = max(track.title.split(), key=len)
    mine = _get(process, "/api/v1/search", alice, q=word).json()
    assert any(i["kind"] == "track" and i["title"] == track.title for i in mine["items"])
    assert mine["total"] >= 1
    assert _get(process, "/api/v1/search", bob, q=word).json() == {
        "items": [],
        "total": 0,
        "limit": 50,
        "offset": 0,
        "next_cursor": None,
    }
    prefix = _get(process, "/api/v1/search", alice, q=word[:3]).json()  # as you type
    assert any(i["title"] == track.title for i in prefix["items"])
    for hostile in ('"', "*", "NEAR(a b)", "a OR b AND", "title:x"):
        assert _get(process, "/api/v1/search", alice, q=hostile).status_code in (200, 400)


def test_music_genres_are_those_of_the_granted_libraries_with_their_counts(
    server: tuple[ServerProcess, dict[str, str], dict[str, str]],
) -> None:
    process, alice, bob = server
    found = _get(process, "/api/v1/genres", alice).json()["items"]
    expected: dict[str, tuple[set[tuple[str, str]], int]] = {}
    for track in DEMO_LIBRARY.music:
        for genre in track.genres:
            albums, tracks = expected.get(genre, (set(), 0))
            albums.add((track.album_artists, track.album))
            expected[genre] = (albums, tracks + 1)
    assert [g["name"] for g in found] == sorted(expected, key=str.lower)
    assert {g["name"]: (g["albums"], g["tracks"]) for g in found} == {
        name: (len(albums), tracks) for name, (albums, tracks) in expected.items()
    }
    assert _get(process, "/api/v1/genres", bob).json() == {"items": []}  # no music granted
    for genre in found:  # each one filters the albums to some
        albums = _get(process, "/api/v1/albums", alice, genre=genre["name"]).json()
        assert albums["total"] == genre["albums"]
