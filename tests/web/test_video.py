"""Films, shows and the video player in a real browser (issue 6): browse films → play one
→ ``currentTime`` passes 3 s → seek to the middle and it plays on → switch subtitles; a
season's episodes with watched marks and "play next"; and the API pieces the pages use
(sorting by the viewer's rating, genres and cast, a quality choice).

The tests play as a user of their own (made here through the admin API), so that their
plays and marks never show up in another test's "continue watching"."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from web.conftest import DESKTOP, PHONE, Requests, WebServer, screenshot
from web.long_film import long_film

VIEWER = "video-viewer"
PASSWORD = "video-viewer-web-password"
FILM = "The Lighthouse Cartographer"  # the demo film with an English .srt beside it


def _api(
    web_server: WebServer, method: str, path: str, who: str = "root", **kwargs: object
) -> httpx.Response:
    headers = web_server.headers[who] if who in web_server.headers else who_headers(web_server, who)
    answer = httpx.request(method, web_server.base + path, headers=headers, timeout=20, **kwargs)  # type: ignore[arg-type]
    answer.raise_for_status()
    return answer


_LOGINS: dict[str, dict[str, str]] = {}


def who_headers(web_server: WebServer, name: str) -> dict[str, str]:
    if name not in _LOGINS:
        answer = httpx.post(
            web_server.base + "/api/v1/auth/login",
            json={"username": name, "password": PASSWORD},
            timeout=20,
        )
        answer.raise_for_status()
        _LOGINS[name] = {"Authorization": f"Bearer {answer.json()['token']}"}
    return _LOGINS[name]


@pytest.fixture(scope="module")
def viewer(web_server: WebServer) -> Iterator[str]:
    """A user of this module's own, granted every library."""
    libraries = [library["id"] for library in _api(web_server, "GET", "/api/v1/libraries").json()]
    users = _api(web_server, "GET", "/api/v1/admin/users").json()
    users = users["items"] if isinstance(users, dict) else users
    found = next((user for user in users if user["name"] == VIEWER), None)
    if found is None:
        found = _api(
            web_server,
            "POST",
            "/api/v1/admin/users",
            json={"name": VIEWER, "password": PASSWORD},
        ).json()
    _api(
        web_server,
        "PUT",
        f"/api/v1/admin/users/{found['id']}/grants",
        json={"libraries": libraries, "max_content_rating": None},
    )
    yield VIEWER


def sign_in_as(page: object, name: str) -> None:
    page.goto("/")  # type: ignore[attr-defined]
    page.get_by_label("Username").fill(name)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    page.get_by_role("navigation", name="Main").wait_for()  # type: ignore[attr-defined]


def _film_id(web_server: WebServer, title: str) -> str:
    films = _api(web_server, "GET", "/api/v1/movies?limit=100", VIEWER).json()["items"]
    return next(film["id"] for film in films if film["title"] == title)


def test_browse_films_play_seek_and_switch_subtitles(
    page_and_requests: tuple[object, Requests], web_server: WebServer, viewer: str
) -> None:
    page, seen = page_and_requests
    sign_in_as(page, viewer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Films").click()
    films = page.get_by_role("list", name="Films")
    films.get_by_role("link", name=FILM).wait_for()
    assert films.get_by_role("listitem").count() == 3
    screenshot(page, "films-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "films-phone")
    page.set_viewport_size(DESKTOP)

    films.get_by_role("link", name=FILM).click()
    page.get_by_role("heading", name=FILM, level=1).wait_for()
    # What the film is, what the file holds, and why it plays as it does.
    page.get_by_role("list", name="Genres").get_by_text("Mystery").wait_for()
    page.get_by_text("Maren Solvik").wait_for()
    page.get_by_text("A mapmaker keeps a lighthouse").wait_for()
    how = page.locator(".how-it-plays")
    how.get_by_text("Plays directly").wait_for()
    assert "plays this MKV file as it is" in how.inner_text()
    assert page.get_by_role("table").get_by_text("SRT file beside the video").count() == 1
    screenshot(page, "film-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "film-phone")
    page.set_viewport_size(DESKTOP)

    page.get_by_role("link", name="Play", exact=True).click()
    video = page.locator("video")
    video.wait_for()
    page.wait_for_function("() => document.querySelector('video').currentTime > 3", timeout=30_000)
    total = page.evaluate("() => document.querySelector('video').duration")
    assert 20 < total < 30  # the demo films are long enough to seek in

    # Seek to the middle with the player's own slider, and it plays on from there.
    middle = total / 2
    player = page.get_by_role("group", name="Player controls")
    player.get_by_label("Seek").evaluate(
        "(slider) => { slider.value = '500'; slider.dispatchEvent(new Event('change')); }"
    )
    page.wait_for_function(
        f"() => {{ const v = document.querySelector('video');"
        f" return !v.paused && v.currentTime > {middle + 1}; }}",
        timeout=30_000,
    )
    assert page.evaluate("() => document.querySelector('video').currentTime") < total

    # Subtitles: off at first, then English is chosen and shows its cues.
    assert page.evaluate(
        "() => [...document.querySelector('video').textTracks].every(t => t.mode !== 'showing')"
    )
    player.get_by_label("Subtitles").select_option(label="English")
    page.wait_for_function(
        "() => { const tracks = [...document.querySelector('video').textTracks];"
        " const shown = tracks.filter(t => t.mode === 'showing');"
        " return shown.length === 1 && shown[0].language === 'en'"
        " && shown[0].cues && shown[0].cues.length > 3; }",
        timeout=20_000,
    )
    screenshot(page, "player-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "player-phone")
    page.set_viewport_size(DESKTOP)

    # The keyboard: k pauses, c turns the subtitles off again.
    page.locator(".player").focus()
    page.keyboard.press("k")
    page.wait_for_function("() => document.querySelector('video').paused")
    page.keyboard.press("c")
    page.wait_for_function(
        "() => [...document.querySelector('video').textTracks].every(t => t.mode !== 'showing')"
    )
    assert player.get_by_label("Subtitles").input_value() == ""

    # Leaving the player stops the video and lets go of its source.
    page.get_by_role("link", name="← Back").click()
    page.get_by_role("heading", name=FILM, level=1).wait_for()
    assert page.locator("video").count() == 0
    assert seen.foreign(web_server.base) == []


def test_the_player_reports_progress_and_finishing_marks_the_film_watched(
    page_and_requests: tuple[object, Requests], web_server: WebServer, viewer: str
) -> None:
    page, _ = page_and_requests
    film = _film_id(web_server, "Paper Comets")
    _api(web_server, "DELETE", f"/api/v1/items/{film}/watched", viewer)
    reports: list[dict[str, object]] = []
    page.on(
        "request",
        lambda request: (
            reports.append(request.post_data_json)
            if request.url.endswith("/playback/report")
            else None
        ),
    )
    sign_in_as(page, viewer)
    page.goto(f"/#/play/{film}?t=0")
    page.locator("video").wait_for()
    page.wait_for_function("() => document.querySelector('video').currentTime > 1", timeout=30_000)
    # Near the end with the keyboard (→ is 10 s), then let it finish.
    page.locator(".player").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('video').ended", timeout=30_000)
    page.wait_for_function(
        f"async () => (await (await fetch('/api/v1/items/{film}/state')).json()).watched",
        timeout=15_000,
    )
    events = [report["event"] for report in reports]
    assert events[0] == "start" and "position" in events
    assert all(report.get("session_id") for report in reports)


def test_a_season_lists_episodes_with_watched_marks_and_play_next_goes_on(
    page_and_requests: tuple[object, Requests], web_server: WebServer, viewer: str
) -> None:
    page, _ = page_and_requests
    shows = _api(web_server, "GET", "/api/v1/shows", viewer).json()["items"]
    show = _api(web_server, "GET", f"/api/v1/shows/{shows[0]['id']}", viewer).json()
    season = _api(web_server, "GET", f"/api/v1/seasons/{show['seasons'][0]['id']}", viewer).json()
    episodes = season["episodes"]
    assert len(episodes) >= 3
    _api(web_server, "DELETE", f"/api/v1/items/{season['id']}/watched", viewer)
    _api(web_server, "PUT", f"/api/v1/items/{episodes[0]['id']}/watched", viewer)

    sign_in_as(page, viewer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Shows").click()
    page.get_by_role("list", name="Shows").get_by_role("link", name=show["title"]).click()
    page.get_by_role("list", name="Seasons").get_by_role("link").first.click()
    rows = page.get_by_role("list", name="Episodes").get_by_role("listitem")
    rows.first.wait_for()
    assert rows.count() == len(episodes)
    marks = [rows.nth(i).get_attribute("data-watched") for i in range(rows.count())]
    assert marks == ["true"] + ["false"] * (len(episodes) - 1)
    assert rows.first.get_by_text("Watched", exact=True).count() == 1
    screenshot(page, "season-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "season-phone")
    page.set_viewport_size(DESKTOP)

    # Marking the second watched on the page moves "play next" on to the third.
    rows.nth(1).get_by_role("button", name="Mark as watched").click()
    rows.nth(1).get_by_role("button", name="✓ Watched").wait_for()
    page.get_by_role("button", name="Play next").click()
    page.wait_for_url(f"**/#/play/{episodes[2]['id']}")
    page.locator("video").wait_for()
    page.wait_for_function(
        "() => document.querySelector('video').currentTime > 0.5", timeout=30_000
    )
    state = _api(web_server, "GET", f"/api/v1/items/{episodes[1]['id']}/state", viewer).json()
    assert state["watched"] is True


def test_films_sort_by_the_viewers_own_rating(web_server: WebServer, viewer: str) -> None:
    films = _api(web_server, "GET", "/api/v1/movies?limit=100", viewer).json()["items"]
    ids = {film["title"]: film["id"] for film in films}
    for film in films:
        _api(web_server, "DELETE", f"/api/v1/items/{film['id']}/rating", viewer)
    _api(
        web_server, "PUT", f"/api/v1/items/{ids['Paper Comets']}/rating", viewer, json={"rating": 9}
    )
    _api(web_server, "PUT", f"/api/v1/items/{ids[FILM]}/rating", viewer, json={"rating": 4})
    ranked = _api(web_server, "GET", "/api/v1/movies?sort=rating&order=desc", viewer).json()
    titles = [film["title"] for film in ranked["items"]]
    assert titles[:2] == ["Paper Comets", FILM]  # the unrated come last
    # A page at a time by cursor gives the same order.
    first = _api(web_server, "GET", "/api/v1/movies?sort=rating&order=desc&limit=1", viewer).json()
    second = _api(
        web_server,
        "GET",
        f"/api/v1/movies?sort=rating&order=desc&limit=2&cursor={first['next_cursor']}",
        viewer,
    ).json()
    assert [f["title"] for f in first["items"] + second["items"]] == titles
    # Only the viewer's own ratings are read: alice sees none of them.
    alice = _api(web_server, "GET", "/api/v1/movies?sort=rating&order=desc", "alice").json()
    assert {f["title"]: f["state"]["rating"] for f in alice["items"]}["Paper Comets"] != 9


def test_a_film_answers_its_genres_and_cast(web_server: WebServer, viewer: str) -> None:
    film = _api(web_server, "GET", f"/api/v1/items/{_film_id(web_server, FILM)}", viewer).json()
    assert film["genres"] == ["Drama", "Mystery"]
    assert [(c["name"], c["role"], c["character"]) for c in film["credits"]] == [
        ("Maren Solvik", "actor", "Ida Brekke"),
        ("Tobias Wren", "actor", "The Harbourmaster"),
    ]
    assert film["file"]["duration_ms"] > 20_000


@pytest.mark.parametrize(
    ("choice", "decision"),
    [
        ({}, "direct"),
        ({"max_video_bitrate": 64_000}, "transcode"),
        ({"max_height": 1080}, "direct"),
    ],
)
def test_a_quality_choice_only_lowers_the_profiles_limits(
    web_server: WebServer, viewer: str, choice: dict[str, int], decision: str
) -> None:
    film = _film_id(web_server, FILM)
    answer = _api(
        web_server,
        "POST",
        f"/api/v1/items/{film}/playback",
        viewer,
        json={"profile": "chromium", **choice},
    ).json()
    assert answer["decision"] == decision, answer["reasons"]
    _api(
        web_server,
        "POST",
        f"/api/v1/items/{film}/playback/report",
        viewer,
        json={"event": "stop", "session_id": answer["session_id"]},
    )


@pytest.mark.parametrize(
    "body",
    [{"max_height": 100}, {"max_height": 5000}, {"max_video_bitrate": 10}, {"max_height": "720"}],
)
def test_a_quality_choice_out_of_range_is_refused(
    web_server: WebServer, viewer: str, body: dict[str, object]
) -> None:
    film = _film_id(web_server, FILM)
    answer = httpx.post(
        f"{web_server.base}/api/v1/items/{film}/playback",
        headers=who_headers(web_server, viewer),
        json=body,
        timeout=20,
    )
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_the_films_grid_sorts_and_filters_by_genre_year_and_watched(
    page_and_requests: tuple[object, Requests], web_server: WebServer, viewer: str
) -> None:
    page, _ = page_and_requests
    comets = _film_id(web_server, "Paper Comets")
    _api(web_server, "PUT", f"/api/v1/items/{comets}/watched", viewer)
    genres = _api(web_server, "GET", "/api/v1/video-genres", viewer).json()["items"]
    assert {g["name"]: g["movies"] for g in genres if g["movies"]} == {
        "Adventure": 1,
        "Drama": 1,
        "Family": 1,
        "Mystery": 1,
    }
    sign_in_as(page, viewer)
    page.goto("/#/films")
    films = page.get_by_role("list", name="Films")
    films.get_by_role("listitem").nth(2).wait_for()
    toolbar = page.get_by_role("form", name="Sort and filter")

    def titles() -> list[str]:
        # textContent, not innerText: cards off screen skip rendering (content-visibility),
        # and innerText of a card not rendered yet is empty.
        return films.locator("a.card .title").all_text_contents()

    toolbar.get_by_label("Sort by").select_option(label="Year")  # newest first
    page.wait_for_url("**/#/films?sort=year&order=desc")
    films.get_by_role("listitem").nth(2).wait_for()
    assert titles() == ["Paper Comets", FILM, "Über den Wolkenhöfen"]

    toolbar.get_by_label("Genre").select_option("Mystery")
    page.wait_for_function(
        "() => document.querySelectorAll('[aria-label=Films] a.card').length === 1"
    )
    assert titles() == [FILM]
    toolbar.get_by_label("Genre").select_option("")

    toolbar.get_by_label("Watched").select_option(label="Watched")
    page.wait_for_function(
        "() => document.querySelectorAll('[aria-label=Films] a.card').length === 1"
    )
    assert titles() == ["Paper Comets"]
    assert films.get_by_text("Watched", exact=True).count() == 1  # the card's badge

    toolbar.get_by_label("Watched").select_option(label="All")
    year = toolbar.get_by_role("spinbutton", name="Year")
    year.fill("2016")
    year.press("Enter")
    year.blur()
    page.wait_for_function(
        "() => document.querySelectorAll('[aria-label=Films] a.card').length === 1"
    )
    assert titles() == ["Über den Wolkenhöfen"]


def test_a_resume_point_is_offered_and_resuming_starts_there(
    page_and_requests: tuple[object, Requests],
    web_server: WebServer,
    viewer: str,
    tmp_path: Path,
) -> None:
    """A real resume point, on a film long enough for the server to keep one."""
    page, _ = page_and_requests
    users = _api(web_server, "GET", "/api/v1/admin/users").json()
    users = users["items"] if isinstance(users, dict) else users
    viewer_id = next(user["id"] for user in users if user["name"] == viewer)
    with long_film(web_server, [viewer_id], tmp_path) as film:
        stopped = _api(
            web_server, "PUT", f"/api/v1/items/{film['id']}/progress", VIEWER,
            json={"position_ms": 125_000},
        )  # fmt: skip
        assert stopped.status_code == 200, stopped.text
        sign_in_as(page, viewer)
        page.goto(f"/#/films/{film['id']}")
        page.get_by_role("link", name="Resume from 2:05").click()
        page.wait_for_function(
            "() => (document.querySelector('video') || {}).currentTime >= 125", timeout=30_000
        )

        page.goto(f"/#/play/{film['id']}")
        prompt = page.get_by_role("dialog", name="Where to start")
        prompt.get_by_role("button", name="Resume from 2:05").wait_for()
        prompt.get_by_role("button", name="Start over").click()
        page.wait_for_function(
            "() => { const v = document.querySelector('video');"
            " return !!v && v.currentTime > 0.5 && v.currentTime < 60; }",
            timeout=30_000,
        )
        assert prompt.count() == 0
