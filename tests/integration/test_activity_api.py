"""Per-user state over HTTP: resume points, plays, watched marks, favourites, ratings,
home lists and playlists; each user's state is theirs alone (AZ-02), and what lies in a
library a user may not see stays out of every list."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parlour.demo.recipes import DEMO_LIBRARY
from parlour.media.ffmpeg import run_ffmpeg
from support import Account, ServerProcess, demo_libraries, serve_libraries

LONG_FILM_S = 400  # long enough to keep a resume point (five minutes or more)

Server = tuple[ServerProcess, dict[str, str], dict[str, str]]


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, demo_roots: dict[str, Path]
) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("activity")
    long_root = base / "long"
    (long_root / "Slow Tide (2001)").mkdir(parents=True)
    # A 400-second film that takes a moment to make: one tiny frame a second.
    run_ffmpeg(
        [
            "-f", "lavfi", "-i", f"color=c=navy:s=64x36:r=1:d={LONG_FILM_S}",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "600",
            str(long_root / "Slow Tide (2001)" / "Slow Tide (2001).mkv"),
        ]
    )  # fmt: skip
    libraries = demo_libraries(demo_roots) | {"Long films": ("movies", long_root)}
    accounts = [
        Account("alice", "alice-password", ("Music", "Films", "Shows", "Long films")),
        Account("bob", "bob-password", ("Music", "Shows")),
    ]
    with serve_libraries(base / "data", libraries, accounts) as (process, headers):
        yield process, headers["alice"], headers["bob"]


def _call(
    process: ServerProcess, method: str, path: str, headers: dict[str, str], **kwargs: Any
) -> httpx.Response:
    return httpx.request(method, process.base + path, headers=headers, timeout=10, **kwargs)


def _first(process: ServerProcess, path: str, headers: dict[str, str], **params: Any) -> Any:
    response = _call(process, "GET", path, headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"][0]


def _film(process: ServerProcess, headers: dict[str, str], library: str) -> str:
    libraries = _call(process, "GET", "/api/v1/libraries", headers).json()
    library_id = next(lib["id"] for lib in libraries if lib["name"] == library)
    return str(_first(process, "/api/v1/movies", headers, library=library_id)["id"])


def _tracks(process: ServerProcess, headers: dict[str, str], count: int) -> list[str]:
    albums = _call(process, "GET", "/api/v1/albums", headers, params={"limit": 50}).json()
    ids: list[str] = []
    for album in albums["items"]:
        detail = _call(process, "GET", f"/api/v1/albums/{album['id']}", headers).json()
        ids += [track["id"] for track in detail["tracks"]]
    assert len(ids) >= count
    return ids[:count]


def _episodes(process: ServerProcess, headers: dict[str, str]) -> tuple[str, list[str]]:
    """The demo show's id and its episodes in order (seasons 1 and 2)."""
    show = _first(process, "/api/v1/shows", headers)
    detail = _call(process, "GET", f"/api/v1/shows/{show['id']}", headers).json()
    episodes: list[str] = []
    for season in sorted(detail["seasons"], key=lambda s: s["number"]):
        listing = _call(process, "GET", f"/api/v1/seasons/{season['id']}", headers).json()
        episodes += [e["id"] for e in listing["episodes"]]
    return show["id"], episodes


def _state(process: ServerProcess, headers: dict[str, str], item_id: str) -> dict[str, Any]:
    response = _call(process, "GET", f"/api/v1/items/{item_id}/state", headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_progress_keeps_a_resume_point_and_continue_watching_lists_it(server: Server) -> None:
    process, alice, bob = server
    film = _film(process, alice, "Long films")
    answer = _call(
        process, "PUT", f"/api/v1/items/{film}/progress", alice, json={"position_ms": 120_000}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["position_ms"] == 120_000
    assert answer.json()["watched"] is False
    resumable = _call(process, "GET", "/api/v1/me/continue-watching", alice).json()["items"]
    assert [(i["id"], i["position_ms"], i["kind"]) for i in resumable] == [(film, 120_000, "movie")]
    assert resumable[0]["title"] == "Slow Tide"
    assert resumable[0]["duration_ms"] >= (LONG_FILM_S - 1) * 1000
    # Bob may not see that library: not his state, not his list, not even the id.
    assert _call(process, "GET", "/api/v1/me/continue-watching", bob).json()["items"] == []
    assert _call(process, "GET", f"/api/v1/items/{film}/state", bob).status_code == 404
    put = _call(process, "PUT", f"/api/v1/items/{film}/progress", bob, json={"position_ms": 5})
    assert put.status_code == 404


def test_an_early_position_is_no_resume_point_and_the_end_counts_one_play(server: Server) -> None:
    process, alice, _ = server
    film = _film(process, alice, "Long films")
    early = _call(
        process, "PUT", f"/api/v1/items/{film}/progress", alice, json={"position_ms": 3_000}
    )
    assert early.json()["position_ms"] == 0  # under 5 %: not started
    history_before = _call(process, "GET", "/api/v1/me/history", alice).json()["total"]
    for position in (LONG_FILM_S * 1000 * 95 // 100, LONG_FILM_S * 1000 * 98 // 100):
        done = _call(
            process, "PUT", f"/api/v1/items/{film}/progress", alice, json={"position_ms": position}
        )
        assert done.status_code == 200
    state = done.json()
    assert (state["watched"], state["position_ms"], state["play_count"]) == (True, 0, 1)
    history = _call(process, "GET", "/api/v1/me/history", alice).json()
    assert history["total"] == history_before + 1  # the credits did not count twice
    assert history["items"][0]["id"] == film
    ids = [
        i["id"]
        for i in _call(process, "GET", "/api/v1/me/continue-watching", alice).json()["items"]
    ]
    assert film not in ids


def test_short_items_and_tracks_follow_their_own_rules(server: Server) -> None:
    process, alice, _ = server
    short_film = _film(process, alice, "Films")  # a few seconds long: never resumable
    middle = _call(
        process, "PUT", f"/api/v1/items/{short_film}/progress", alice, json={"position_ms": 500}
    )
    assert middle.json()["position_ms"] == 0
    track = _tracks(process, alice, 1)[0]
    refused = _call(
        process, "PUT", f"/api/v1/items/{track}/progress", alice, json={"position_ms": 1}
    )
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("application/problem+json")
    for body in ({"position_ms": -1}, {"position_ms": "12"}, {"position_ms": True}, {}):
        bad = _call(process, "PUT", f"/api/v1/items/{short_film}/progress", alice, json=body)
        assert bad.status_code == 400, body


def test_plays_of_tracks_make_the_history_newest_first(server: Server) -> None:
    process, alice, bob = server
    first, second = _tracks(process, alice, 2)
    assert _call(process, "POST", f"/api/v1/items/{first}/plays", alice, json={}).status_code == 201
    played = _call(process, "POST", f"/api/v1/items/{second}/plays", alice)
    assert played.status_code == 201
    again = _call(process, "POST", f"/api/v1/items/{second}/plays", alice).json()
    assert again["play_count"] == 2
    assert again["watched"] is False  # watched is for films and episodes
    recent = _call(process, "GET", "/api/v1/me/history", alice, params={"limit": 3}).json()
    assert [i["id"] for i in recent["items"]] == [second, second, first]
    assert recent["items"][0]["kind"] == "track" and recent["items"][0]["album_title"]
    # Bob sees the same tracks but none of Alice's plays.
    assert _state(process, bob, second)["play_count"] == 0
    assert _call(process, "GET", "/api/v1/me/history", bob).json()["total"] == 0
    future = _call(
        process, "POST", f"/api/v1/items/{first}/plays", alice, json={"played_at": 2**40}
    )
    assert future.status_code == 400


def test_watching_a_whole_season_and_next_up(server: Server) -> None:
    process, alice, bob = server
    show, episodes = _episodes(process, bob)
    assert len(episodes) == sum(1 for e in DEMO_LIBRARY.shows if e.season > 0)
    assert _call(process, "GET", "/api/v1/me/next-up", bob).json()["items"] == []
    marked = _call(process, "PUT", f"/api/v1/items/{episodes[0]}/watched", bob)
    assert marked.json() == {"watched": True, "items": 1}
    next_up = _call(process, "GET", "/api/v1/me/next-up", bob).json()["items"]
    assert [(e["id"], e["show_id"]) for e in next_up] == [(episodes[1], show)]
    # Marking the whole show reaches every episode; then nothing is next.
    whole = _call(process, "PUT", f"/api/v1/items/{show}/watched", bob).json()
    assert whole["items"] == len(episodes)
    assert _call(process, "GET", "/api/v1/me/next-up", bob).json()["items"] == []
    assert all(_state(process, bob, e)["watched"] for e in episodes)
    # ... for Bob only.
    assert not any(_state(process, alice, e)["watched"] for e in episodes)
    unmarked = _call(process, "DELETE", f"/api/v1/items/{episodes[-1]}/watched", bob).json()
    assert unmarked == {"watched": False, "items": 1}
    # The last episode is unwatched again, after the furthest one watched: next up.
    again = _call(process, "GET", "/api/v1/me/next-up", bob).json()["items"]
    assert [e["id"] for e in again] == [episodes[-1]]
    assert (
        _call(
            process, "PUT", f"/api/v1/items/{_tracks(process, bob, 1)[0]}/watched", bob
        ).status_code
        == 400
    )


def test_favourites_and_ratings(server: Server) -> None:
    process, alice, bob = server
    album = _first(process, "/api/v1/albums", alice)["id"]
    track = _tracks(process, alice, 1)[0]
    assert (
        _call(process, "PUT", f"/api/v1/items/{album}/favourite", alice).json()["favourite"] is True
    )
    assert _call(process, "PUT", f"/api/v1/items/{track}/favourite", alice).status_code == 200
    starred = _call(process, "GET", "/api/v1/me/favourites", alice, params={"kind": "album"}).json()
    assert [i["id"] for i in starred["items"]] == [album] and starred["total"] == 1
    everything = _call(process, "GET", "/api/v1/me/favourites", alice).json()
    assert {i["id"] for i in everything["items"]} == {album, track}
    assert _call(process, "GET", "/api/v1/me/favourites", bob).json()["total"] == 0
    assert (
        _call(process, "GET", "/api/v1/me/favourites", alice, params={"kind": "nope"}).status_code
        == 400
    )
    unstarred = _call(process, "DELETE", f"/api/v1/items/{track}/favourite", alice).json()
    assert unstarred["favourite"] is False
    assert (
        _call(process, "PUT", f"/api/v1/items/{album}/rating", alice, json={"rating": 8}).json()[
            "rating"
        ]
        == 8
    )
    for bad in (0, 11, 7.5, "8", None, True):
        response = _call(
            process, "PUT", f"/api/v1/items/{album}/rating", alice, json={"rating": bad}
        )
        assert response.status_code == 400, bad
    assert _state(process, alice, album)["rating"] == 8
    assert _state(process, bob, album)["rating"] is None
    assert _call(process, "DELETE", f"/api/v1/items/{album}/rating", alice).json()["rating"] is None


def test_recently_added_per_library(server: Server) -> None:
    process, alice, bob = server
    libraries = {
        lib["name"]: lib["id"] for lib in _call(process, "GET", "/api/v1/libraries", alice).json()
    }
    films = _call(process, "GET", f"/api/v1/libraries/{libraries['Films']}/recent", alice).json()[
        "items"
    ]
    assert len(films) == len(DEMO_LIBRARY.movies)
    assert {f["kind"] for f in films} == {"movie"}
    added = [f["added_at"] for f in films]
    assert added == sorted(added, reverse=True)
    episodes = _call(
        process, "GET", f"/api/v1/libraries/{libraries['Shows']}/recent", alice, params={"limit": 2}
    ).json()["items"]
    assert len(episodes) == 2 and all(e["show_title"] for e in episodes)
    assert (
        _call(process, "GET", f"/api/v1/libraries/{libraries['Films']}/recent", bob).status_code
        == 404
    )


def test_playlists_are_ordered_editable_and_private(server: Server) -> None:
    process, alice, bob = server
    a, b, c, d = _tracks(process, alice, 4)
    made = _call(
        process,
        "POST",
        "/api/v1/playlists",
        alice,
        json={"name": " Morning ", "kind": "music", "items": [a, b, c]},
    )
    assert made.status_code == 201, made.text
    playlist = made.json()
    assert playlist["name"] == "Morning"
    assert [i["id"] for i in playlist["items"]] == [a, b, c]
    assert playlist["duration_ms"] == sum(i["duration_ms"] for i in playlist["items"]) > 0
    url = f"/api/v1/playlists/{playlist['id']}"
    inserted = _call(
        process, "POST", url + "/items", alice, json={"items": [d, a], "position": 1}
    ).json()
    assert [i["id"] for i in inserted["items"]] == [a, d, a, b, c]  # the same track twice
    second_a = inserted["items"][2]["entry_id"]
    moved = _call(process, "PATCH", f"{url}/items/{second_a}", alice, json={"position": 4}).json()
    assert [i["id"] for i in moved["items"]] == [a, d, b, c, a]
    assert moved["items"][4]["entry_id"] == second_a  # entries keep their ids
    assert _call(process, "DELETE", f"{url}/items/{second_a}", alice).status_code == 204
    assert [i["id"] for i in _call(process, "GET", url, alice).json()["items"]] == [a, d, b, c]
    replaced = _call(process, "PUT", url + "/items", alice, json={"items": [c, b]}).json()
    assert [i["id"] for i in replaced["items"]] == [c, b]
    renamed = _call(
        process, "PATCH", url, alice, json={"name": "Evening", "comment": "slow"}
    ).json()
    assert (renamed["name"], renamed["comment"]) == ("Evening", "slow")
    listed = _call(process, "GET", "/api/v1/playlists", alice).json()
    assert [(p["id"], p["entries"]) for p in listed] == [(playlist["id"], 2)]
    # Bob cannot see, change or delete it: to him it does not exist (AZ-02).
    assert _call(process, "GET", "/api/v1/playlists", bob).json() == []
    for method, path, body in (
        ("GET", url, None),
        ("PATCH", url, {"name": "mine"}),
        ("POST", url + "/items", {"items": [a]}),
        ("PUT", url + "/items", {"items": []}),
        ("PATCH", f"{url}/items/{replaced['items'][0]['entry_id']}", {"position": 0}),
        ("DELETE", f"{url}/items/{replaced['items'][0]['entry_id']}", None),
        ("DELETE", url, None),
    ):
        assert _call(process, method, path, bob, json=body).status_code == 404, (method, path)
    assert [i["id"] for i in _call(process, "GET", url, alice).json()["items"]] == [c, b]
    assert _call(process, "DELETE", url, alice).status_code == 204
    assert _call(process, "GET", url, alice).status_code == 404


def test_playlists_hold_only_visible_items_of_their_kind(server: Server) -> None:
    process, alice, bob = server
    film = _film(process, alice, "Films")
    track = _tracks(process, alice, 1)[0]
    for body in (
        {"name": "x", "kind": "video", "items": [track]},
        {"name": "x", "kind": "music", "items": [film]},
        {"name": "x", "kind": "podcasts"},
        {"name": "", "kind": "music"},
        {"name": "x", "kind": "music", "items": "abc"},
    ):
        assert _call(process, "POST", "/api/v1/playlists", alice, json=body).status_code == 400, (
            body
        )
    # A film Bob may not see cannot go into Bob's playlist, and the answer says no more
    # than for an id that does not exist; nothing is left half made.
    refused = _call(
        process,
        "POST",
        "/api/v1/playlists",
        bob,
        json={"name": "x", "kind": "video", "items": [film]},
    )
    unknown = _call(
        process,
        "POST",
        "/api/v1/playlists",
        bob,
        json={"name": "x", "kind": "video", "items": ["0" * 32]},
    )
    assert refused.status_code == unknown.status_code == 404
    assert refused.json() == unknown.json()
    assert _call(process, "GET", "/api/v1/playlists", bob).json() == []
    video = _call(
        process,
        "POST",
        "/api/v1/playlists",
        alice,
        json={"name": "Films", "kind": "video", "items": [film]},
    )
    assert [i["kind"] for i in video.json()["items"]] == ["movie"]


_IGNORED_NAMES = st.sampled_from(
    ["userId", "user_id", "ownerId", "owner", "user", "uid", "username"]
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    field=_IGNORED_NAMES | st.text(min_size=1, max_size=12), flavour=st.sampled_from(["id", "name"])
)
def test_a_user_id_in_the_body_is_ignored(server: Server, field: str, flavour: str) -> None:
    process, alice, bob = server
    bob_me = _call(process, "GET", "/api/v1/me", bob).json()
    track = _tracks(process, alice, 3)[2]
    before = _state(process, bob, track)
    body: dict[str, Any] = {field: bob_me[flavour]}
    answer = _call(process, "POST", f"/api/v1/items/{track}/plays", alice, json=body)
    assert answer.status_code == 201
    rated = _call(
        process,
        "PUT",
        f"/api/v1/items/{track}/rating",
        alice,
        json={"rating": 3, field: bob_me[flavour]},
    )
    assert rated.status_code == 200
    assert _state(process, bob, track) == before
    listed = _call(process, "GET", "/api/v1/me/history", alice, params={field: bob_me[flavour]})
    assert listed.json()["items"][0]["id"] == track  # Alice's history, whatever the query says
