"""Filters, sorting, the viewer's own state and cursor paging over HTTP, on the demo
catalogue: each filter selects what it should, each row carries its viewer's state and
nobody else's, and cursor pages add up to the same list as one big page."""

import base64
from typing import Any

import pytest

from parlour.demo.recipes import DEMO_LIBRARY
from rated_catalogue import RATED_SHOWS, RatedServer

MUSIC = DEMO_LIBRARY.music
ALBUM_YEARS = {track.album: track.year for track in MUSIC}
# What a list shows for an item the viewer never touched: GET /items/{id}/state's answer.
EMPTY_STATE = {
    "position_ms": 0,
    "watched": False,
    "play_count": 0,
    "last_played_at": None,
    "favourite": False,
    "favourite_at": None,
    "rating": None,
}


def _items(page: dict[str, Any]) -> list[dict[str, Any]]:
    items = page["items"]
    assert isinstance(items, list)
    return items


def _titles(page: dict[str, Any]) -> set[str]:
    return {item["title"] for item in _items(page)}


def _by_title(page: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["title"]: item for item in _items(page)}


def test_albums_by_decade_year_genre_and_date_added(rated: RatedServer) -> None:
    in_2010s = {album for album, year in ALBUM_YEARS.items() if 2010 <= year <= 2019}
    assert in_2010s and _titles(rated.ok("alice", "/api/v1/albums", decade=2010)) == in_2010s
    assert _titles(rated.ok("alice", "/api/v1/albums", decade=2020, year=2019)) == set()
    folk = {track.album for track in MUSIC if "Folk" in track.genres}
    assert _titles(rated.ok("alice", "/api/v1/albums", genre="Folk")) == folk
    assert rated.ok("alice", "/api/v1/albums", added_since=0)["total"] == len(ALBUM_YEARS)
    assert rated.ok("alice", "/api/v1/albums", added_since="2000-01-01")["total"] == len(
        ALBUM_YEARS
    )
    assert rated.ok("alice", "/api/v1/albums", added_since="2999-01-01")["total"] == 0
    assert rated.ok("alice", "/api/v1/albums", added_since=32503680000)["total"] == 0
    later = rated.ok("alice", "/api/v1/albums", added_since="2999-12-31T23:00:00+02:00")
    assert later["total"] == 0


def test_favourites_and_state_are_the_viewers_own(rated: RatedServer) -> None:
    favourites = rated.ok("alice", "/api/v1/albums", favourite="true")
    assert _titles(favourites) == {"Salt Years", "Fjordlys"}  # not kid's Lumière Défaillante
    others = rated.ok("alice", "/api/v1/albums", favourite="false")
    assert _titles(others) == set(ALBUM_YEARS) - {"Salt Years", "Fjordlys"}
    rows = _by_title(rated.ok("alice", "/api/v1/albums"))
    assert rows["Fjordlys"]["state"] == EMPTY_STATE | {
        "favourite": True,
        "favourite_at": 101,
        "rating": 9,
    }
    assert rows["Lumière Défaillante"]["state"] == EMPTY_STATE
    artists = rated.ok("alice", "/api/v1/artists", favourite="1")
    assert {a["name"] for a in _items(artists)} == {"Glass Harbour"}
    salt = rated.ok("alice", f"/api/v1/albums/{rated.ids['album:Salt Years']}")
    assert salt["state"]["favourite"] is True
    tracks = {t["title"]: t["state"] for t in salt["tracks"]}
    assert tracks["Weathervane"]["favourite"] is True and tracks["Weathervane"]["play_count"] == 4
    assert tracks["Cold Mooring"] == EMPTY_STATE


def test_film_state_and_filters_per_viewer(rated: RatedServer) -> None:
    comets = rated.ids["movie:Paper Comets"]
    mine = _by_title(rated.ok("alice", "/api/v1/movies"))["Paper Comets"]["state"]
    assert mine["watched"] is True and mine["play_count"] == 2 and mine["favourite"] is False
    kids = _by_title(rated.ok("kid", "/api/v1/movies"))["Paper Comets"]["state"]
    assert kids["watched"] is False and kids["favourite"] is True and kids["position_ms"] == 300
    assert rated.ok("kid", f"/api/v1/items/{comets}")["state"] == kids
    assert rated.ok("alice", f"/api/v1/items/{comets}")["state"] == mine
    assert _titles(rated.ok("alice", "/api/v1/movies", watched="true")) == {"Paper Comets"}
    assert "Paper Comets" not in _titles(rated.ok("alice", "/api/v1/movies", watched="false"))
    assert _titles(rated.ok("alice", "/api/v1/movies", favourite="true")) == set()
    assert _titles(rated.ok("kid", "/api/v1/movies", favourite="true")) == {"Paper Comets"}
    assert _titles(rated.ok("alice", "/api/v1/movies", genre="Mystery")) == {
        "The Lighthouse Cartographer"
    }
    assert _titles(rated.ok("alice", "/api/v1/movies", genre="Family")) == {"Paper Comets"}
    in_2010s = {f.title for f in DEMO_LIBRARY.movies if 2010 <= f.year <= 2019}
    assert _titles(rated.ok("alice", "/api/v1/movies", decade=2010)) == in_2010s
    assert _titles(rated.ok("alice", "/api/v1/movies", year=2021)) == {"Paper Comets"}
    assert _titles(rated.ok("kid", "/api/v1/movies", decade=2010)) == set()  # R and unrated


def test_shows_watched_means_every_episode(rated: RatedServer) -> None:
    done = rated.ok("alice", "/api/v1/shows", watched="true")
    assert _titles(done) == {"Tidepool Tales"}  # Harbour Nights has one unwatched
    assert "Tidepool Tales" not in _titles(rated.ok("alice", "/api/v1/shows", watched="false"))
    assert _titles(rated.ok("kid", "/api/v1/shows", watched="true")) == set()
    assert _titles(rated.ok("kid", "/api/v1/shows", favourite="true")) == {"Tidepool Tales"}
    drama = {title for _, title, _, _, genre, _ in RATED_SHOWS if genre == "Drama"}
    assert _titles(rated.ok("alice", "/api/v1/shows", genre="Drama")) == drama
    assert _titles(rated.ok("teen", "/api/v1/shows", genre="Drama")) == {"Harbour Nights"}
    assert _titles(rated.ok("alice", "/api/v1/shows", decade=1990)) == {"Tidepool Tales"}
    assert _titles(rated.ok("alice", "/api/v1/shows", year=2019)) == {"Night Ferry"}
    show = rated.ok("alice", f"/api/v1/shows/{rated.ids['show:Tidepool Tales']}")
    season = rated.ok("alice", f"/api/v1/seasons/{show['seasons'][0]['id']}")
    assert [e["state"]["watched"] for e in season["episodes"]] == [True, True]
    kid_season = rated.ok("kid", f"/api/v1/seasons/{show['seasons'][0]['id']}")
    assert [e["state"] for e in kid_season["episodes"]] == [EMPTY_STATE, EMPTY_STATE]


def test_tracks_by_album_artist_genre_year_and_favourite(rated: RatedServer) -> None:
    everything = rated.ok("alice", "/api/v1/tracks", limit=500)
    assert everything["total"] == len(MUSIC)
    assert _titles(rated.ok("alice", "/api/v1/tracks", genre="Shoegaze")) == {"Rockpool Signals"}
    lucioles = rated.ids["artist:Les Lucioles Électriques"]
    expected = {t.title for t in MUSIC if "Les Lucioles Électriques" in (*t.artists,)}
    assert _titles(rated.ok("alice", "/api/v1/tracks", artist=lucioles)) == expected
    album = rated.ids["album:Fjordlys"]
    in_album = rated.ok("alice", "/api/v1/tracks", album=album, sort="album")
    assert [(t["disc_no"], t["track_no"]) for t in _items(in_album)] == [
        (t.disc_no, t.track_no) for t in MUSIC if t.album == "Fjordlys"
    ]
    assert {t["album_title"] for t in _items(in_album)} == {"Fjordlys"}
    assert _titles(rated.ok("alice", "/api/v1/tracks", year=2015)) == {
        t.title for t in MUSIC if t.year == 2015
    }
    assert _titles(rated.ok("alice", "/api/v1/tracks", favourite="yes")) == {"Weathervane"}
    longest = _items(rated.ok("alice", "/api/v1/tracks", sort="duration", order="desc"))
    durations = [t["duration_ms"] for t in longest]
    assert durations == sorted(durations, reverse=True)
    assert rated.ok("kid", "/api/v1/tracks")["total"] == 0  # no music granted


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/albums", {"decade": "1995"}),
        ("/api/v1/albums", {"decade": "-1990"}),
        ("/api/v1/albums", {"year": "²"}),
        ("/api/v1/albums", {"added_since": "yesterday"}),
        ("/api/v1/albums", {"added_since": "2024-13-01"}),
        ("/api/v1/albums", {"favourite": "maybe"}),
        ("/api/v1/albums", {"sort": "duration"}),
        ("/api/v1/albums", {"genre": "x" * 201}),
        ("/api/v1/albums", {"genre": "Folk\x00"}),
        ("/api/v1/artists", {"sort": "title"}),
        ("/api/v1/tracks", {"sort": "sort_title"}),
        ("/api/v1/tracks", {"order": "DESC"}),
        ("/api/v1/movies", {"watched": "2"}),
        ("/api/v1/movies", {"sort": "content_rating"}),
        ("/api/v1/shows", {"watched": "t"}),
        ("/api/v1/shows", {"offset": "3", "cursor": "abc"}),
        ("/api/v1/search", {"q": "harbour", "cursor": "!!"}),
    ],
)
def test_bad_filter_values_get_400(rated: RatedServer, path: str, params: dict[str, str]) -> None:
    response = rated.get("alice", path, **params)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"


def _walk(rated: RatedServer, path: str, limit: int, **params: Any) -> list[dict[str, Any]]:
    """Every row of a list, fetched ``limit`` at a time by following the cursors."""
    first = rated.ok("alice", path, limit=limit, **params)
    rows, total, page = _items(first), first["total"], first
    assert page["offset"] == 0
    while page["next_cursor"] is not None:
        page = rated.ok("alice", path, limit=limit, cursor=page["next_cursor"], **params)
        assert page["total"] == total and page["offset"] is None
        rows += _items(page)
    assert len(rows) == total
    return rows


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/albums", {"sort": "title"}),
        ("/api/v1/albums", {"sort": "year", "order": "desc"}),
        ("/api/v1/albums", {"sort": "artist"}),
        ("/api/v1/artists", {"sort": "name", "order": "desc"}),
        ("/api/v1/tracks", {"sort": "album"}),
        ("/api/v1/tracks", {"sort": "artist", "order": "desc"}),
        ("/api/v1/tracks", {"sort": "year"}),
        ("/api/v1/tracks", {"sort": "duration", "genre": "Folk"}),
        ("/api/v1/movies", {"sort": "year", "order": "desc"}),
        ("/api/v1/shows", {"sort": "added"}),
        ("/api/v1/search", {"q": "a"}),
        ("/api/v1/search", {"q": "harbour"}),
    ],
)
@pytest.mark.parametrize("limit", [1, 4])
def test_cursor_pages_add_up_to_the_whole_list(
    rated: RatedServer, path: str, params: dict[str, str], limit: int
) -> None:
    whole = _items(rated.ok("alice", path, limit=500, **params))
    assert [row["id"] for row in _walk(rated, path, limit, **params)] == [
        row["id"] for row in whole
    ]
    by_offset = [
        row["id"]
        for offset in range(0, len(whole), limit)
        for row in _items(rated.ok("alice", path, limit=limit, offset=offset, **params))
    ]
    assert by_offset == [row["id"] for row in whole]


def _flip(text: str, at: int) -> str:
    return text[:at] + ("B" if text[at] != "B" else "C") + text[at + 1 :]


def _tamper(cursor: str) -> list[str]:
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    digest, payload = raw[:12], raw[12:]
    forged = [
        digest + payload.replace(b"[", b"[1,", 1),  # a value more
        digest + payload.replace(b"[", b"[null,", 1),
        digest + payload[:-2],  # cut short
        bytes([raw[0] ^ 1]) + raw[1:],  # the digest altered
        digest + b"[]",
        b"[]",
        b"\xff\xfe",
    ]
    encoded = [base64.urlsafe_b64encode(b).decode().rstrip("=") for b in forged]
    flipped = [_flip(cursor, at) for at in (0, 5, 17, len(cursor) // 2, len(cursor) - 3)]
    return [
        *encoded,
        *flipped,
        cursor[:-2],
        cursor + "AA",
        "%00",
        "a" * 3000,
        "a" * 20000,
        "é",
        "==",
    ]


def test_altered_or_borrowed_cursors_get_400(rated: RatedServer) -> None:
    albums = rated.ok("alice", "/api/v1/albums", limit=2, sort="year")
    cursor = albums["next_cursor"]
    assert isinstance(cursor, str) and cursor.replace("-", "").replace("_", "").isalnum()
    assert (
        rated.get("alice", "/api/v1/albums", limit=2, sort="year", cursor=cursor).status_code == 200
    )
    for forged in _tamper(cursor):
        response = rated.get("alice", "/api/v1/albums", limit=2, sort="year", cursor=forged)
        assert response.status_code == 400, forged
    # A cursor belongs to its list, sort, order and filters.
    for path, params in [
        ("/api/v1/tracks", {"sort": "year"}),
        ("/api/v1/albums", {"sort": "title"}),
        ("/api/v1/albums", {"sort": "year", "order": "desc"}),
        ("/api/v1/albums", {"sort": "year", "genre": "Folk"}),
    ]:
        assert rated.get("alice", path, cursor=cursor, **params).status_code == 400
