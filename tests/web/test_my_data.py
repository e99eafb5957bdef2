"""My data, the privacy centre, in a real browser (issue 6): the inventory, downloading
the export (with my history in it), erasing by category (erasing history empties "Continue
watching"), pausing history, consents with equal-weight answers and a one-click
withdraw, and my own usage-report entry.

Each destructive test uses an account of its own, made through the admin API, so that
alice and everything the other tests use stay as they were."""

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from web.conftest import DESKTOP, PHONE, Requests, WebServer, screenshot, sign_in
from web.long_film import long_film as make_long_film


@dataclass
class Person:
    id: str
    name: str
    password: str
    headers: dict[str, str]


def _call(server: WebServer, method: str, path: str, headers: dict[str, str], **kw: Any) -> Any:
    answer = httpx.request(method, server.base + path, headers=headers, timeout=30, **kw)
    assert answer.status_code < 300, (method, path, answer.status_code, answer.text)
    return answer.json() if answer.content else None


def _libraries(server: WebServer) -> list[dict[str, Any]]:
    return list(_call(server, "GET", "/api/v1/libraries", server.headers["root"]))


def _grant(server: WebServer, person_id: str) -> None:
    ids = [library["id"] for library in _libraries(server)]
    _call(
        server,
        "PUT",
        f"/api/v1/admin/users/{person_id}/grants",
        server.headers["root"],
        json={"libraries": ids},
    )


@pytest.fixture
def person(web_server: WebServer) -> Person:
    """A new account that sees every library, for this test alone."""
    name = f"mydata-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(16)
    made = _call(
        web_server,
        "POST",
        "/api/v1/admin/users",
        web_server.headers["root"],
        json={"name": name, "password": password},
    )
    _grant(web_server, made["id"])
    login = _call(
        web_server,
        "POST",
        "/api/v1/auth/login",
        {},
        json={"username": name, "password": password},
    )
    return Person(made["id"], name, password, {"Authorization": f"Bearer {login['token']}"})


def _sign_in(page: Any, person: Person) -> None:
    page.goto("/")
    page.get_by_label("Username").fill(person.name)
    page.get_by_label("Password").fill(person.password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").wait_for()


def _open_my_data(page: Any) -> None:
    page.get_by_role("link", name="My data").click()
    page.get_by_role("heading", name="My data", level=1).wait_for()
    page.get_by_role("heading", name="What is stored about me").wait_for()


def _category(page: Any, name: str) -> Any:
    return page.locator(f'li.category[data-category="{name}"]')


def _first(server: WebServer, person: Person, path: str) -> dict[str, Any]:
    return dict(_call(server, "GET", path, person.headers, params={"limit": 1})["items"][0])


def test_export_downloads_valid_json_with_my_history(
    page_and_requests: tuple[Any, Requests], web_server: WebServer, person: Person
) -> None:
    page, seen = page_and_requests
    track = _first(web_server, person, "/api/v1/tracks")
    _call(web_server, "POST", f"/api/v1/items/{track['id']}/plays", person.headers, json={})
    _sign_in(page, person)
    _open_my_data(page)
    history = _category(page, "history")
    history.get_by_text("play_events (1 row)", exact=False).wait_for()
    screenshot(page, "my-data-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "my-data-phone")
    page.set_viewport_size(DESKTOP)

    with page.expect_download() as downloading:
        page.get_by_role("button", name="Download everything (JSON)").click()
    download = downloading.value
    assert download.suggested_filename == "parlour-my-data.json"
    document = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert document["account"]["name"] == person.name
    plays = [p for p in document["play_history"] if p["item_id"] == track["id"]]
    assert len(plays) == 1 and plays[0]["kind"] == "track"

    with page.expect_download() as downloading:
        page.get_by_role("button", name="Download play history (CSV)").click()
    csv_text = Path(downloading.value.path()).read_text(encoding="utf-8")
    assert downloading.value.suggested_filename == "parlour-history.csv"
    assert track["id"] in csv_text
    assert seen.foreign(web_server.base) == []


# -- erasing: "Continue watching" lives in resume points ----------------------------------


@pytest.fixture
def long_film(
    web_server: WebServer, person: Person, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    with make_long_film(web_server, [person.id], tmp_path_factory.mktemp("long-film")) as film:
        yield film


def _continue_watching(page: Any) -> Any:
    return page.get_by_role("list", name="Continue watching")


def _erase(page: Any, category: str, button: str, says: str) -> None:
    _category(page, category).get_by_role("button", name=button).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("heading", name=f"{button}?").wait_for()
    dialog.get_by_text(says, exact=False).wait_for()
    assert page.evaluate("() => document.activeElement.textContent") == "Cancel"
    dialog.get_by_role("button", name=button).click()
    dialog.wait_for(state="hidden")
    page.get_by_role("status").filter(has_text="Erased").wait_for()


def test_erasing_history_empties_continue_watching(
    page_and_requests: tuple[Any, Requests],
    web_server: WebServer,
    person: Person,
    long_film: dict[str, Any],
) -> None:
    page, _ = page_and_requests
    path = f"/api/v1/items/{long_film['id']}/progress"

    def stop_part_way() -> None:
        state = _call(web_server, "PUT", path, person.headers, json={"position_ms": 120_000})
        assert state["position_ms"] == 120_000

    stop_part_way()
    _sign_in(page, person)
    _continue_watching(page).get_by_role("link", name=long_film["title"]).wait_for()

    # "Erase my history", after a cancelled first try, takes where I stopped with it.
    _open_my_data(page)
    _category(page, "history").get_by_role("button", name="Erase my history").click()
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    page.get_by_role("dialog").wait_for(state="hidden")
    assert _call(web_server, "GET", "/api/v1/me/continue-watching", person.headers)["items"]
    _erase(page, "history", "Erase my history", "Continue watching and Next up start empty")
    page.get_by_role("link", name="Home").click()
    page.get_by_role("heading", name="Recently added in Films").wait_for()
    assert _continue_watching(page).count() == 0
    assert _call(web_server, "GET", "/api/v1/me/continue-watching", person.headers)["items"] == []
    assert _call(web_server, "GET", "/api/v1/me/history", person.headers)["total"] == 0

    # Erasing resume points alone does the same for Continue watching.
    stop_part_way()
    _open_my_data(page)
    button = "Erase resume points and watched marks"
    _erase(page, "resume-points", button, "Continue watching and Next up start empty")
    page.get_by_role("link", name="Home").click()
    page.get_by_role("heading", name="Recently added in Films").wait_for()
    assert _continue_watching(page).count() == 0


def test_pausing_history_is_stored_and_records_no_plays(
    page_and_requests: tuple[Any, Requests], web_server: WebServer, person: Person
) -> None:
    page, _ = page_and_requests
    _sign_in(page, person)
    _open_my_data(page)
    pause = page.get_by_label("Pause my history (record no plays)")
    assert not pause.is_checked()  # nothing pre-ticked
    pause.check()
    page.get_by_label("Keep my play history").select_option(label="30 days")
    share = page.get_by_label("Show other users of this server what I am playing now", exact=False)
    assert not share.is_checked()  # P-15: nobody sees what anyone plays by default
    share.check()
    page.get_by_role("button", name="Save history settings").click()
    page.get_by_role("status").filter(has_text="paused").wait_for()
    stored = _call(web_server, "GET", "/api/v1/me/privacy", person.headers)
    assert stored["pause_history"] is True and stored["history_retention_days"] == 30
    assert stored["share_now_playing"] is True
    track = _first(web_server, person, "/api/v1/tracks")
    _call(web_server, "POST", f"/api/v1/items/{track['id']}/plays", person.headers, json={})
    assert _call(web_server, "GET", "/api/v1/me/history", person.headers)["items"] == []
    page.reload()
    page.get_by_label("Pause my history (record no plays)").wait_for()
    assert page.get_by_label("Pause my history (record no plays)").is_checked()
    assert page.get_by_label("Keep my play history").input_value() == "30"
    assert page.get_by_label("Show other users", exact=False).is_checked()
    # What an admin can see is said plainly.
    page.get_by_role("region", name="What an admin can see").get_by_text(
        "No admin can see your history", exact=False
    ).wait_for()


def test_consent_answers_have_equal_weight_and_withdrawing_takes_one_click(
    page_and_requests: tuple[Any, Requests], web_server: WebServer, person: Person
) -> None:
    page, _ = page_and_requests
    _sign_in(page, person)
    _open_my_data(page)
    region = page.get_by_role("region", name="Usage reports: my consent")
    scope = region.locator("article.scope.pending").first
    scope.wait_for()
    scope.get_by_text("plays_per_week_band").wait_for()  # the exact fields are shown
    accept = scope.get_by_role("button", name="Accept", exact=True)
    decline = scope.get_by_role("button", name="Decline", exact=True)
    look = """(node) => { const s = getComputedStyle(node); const r = node.getBoundingClientRect();
        return [node.className, s.fontSize, s.fontWeight, s.padding, s.backgroundColor, s.color,
                s.borderColor, Math.round(r.height)]; }"""
    assert accept.evaluate(look) == decline.evaluate(look)
    assert page.locator("main input:checked").count() == 0  # nothing pre-ticked anywhere
    scope_name = str(scope.get_attribute("data-scope"))

    accept.click()
    withdraw = region.get_by_role("button", name="Withdraw consent")
    withdraw.wait_for()
    region.get_by_text("You agreed under policy version 1", exact=False).wait_for()
    mine = _call(web_server, "GET", "/api/v1/me/consents", person.headers)
    assert next(s for s in mine["scopes"] if s["scope"] == scope_name)["given"] is True
    report = page.get_by_role("region", name="My entry in a usage report")
    report.get_by_text("plays_per_week_band", exact=False).wait_for()

    withdraw.click()  # one click, no confirmation
    region.get_by_text("You declined under policy version 1", exact=False).wait_for()
    mine = _call(web_server, "GET", "/api/v1/me/consents", person.headers)
    assert next(s for s in mine["scopes"] if s["scope"] == scope_name)["given"] is False
    assert [r["given"] for r in mine["records"]] == [True, False]
    region.get_by_text("Every answer you gave (2)").click()
    assert region.get_by_role("row").count() == 3


def test_dismissing_a_consent_question_declines_it(
    page_and_requests: tuple[Any, Requests], web_server: WebServer, person: Person
) -> None:
    page, _ = page_and_requests
    _sign_in(page, person)
    _open_my_data(page)
    region = page.get_by_role("region", name="Usage reports: my consent")
    region.get_by_role("button", name="Dismiss (declines)").first.click()
    region.get_by_text("You declined under policy version", exact=False).wait_for()
    mine = _call(web_server, "GET", "/api/v1/me/consents", person.headers)
    assert mine["pending"] == [] and [r["given"] for r in mine["records"]] == [False]


def test_my_data_tells_alice_that_admins_see_her_signed_in_devices(
    page_and_requests: tuple[Any, Requests], web_server: WebServer
) -> None:
    """P-15, PR-10: the admin's view of every user's sign-ins is disclosed where she reads
    what is kept about her, beside what else an admin can and cannot see."""
    page, _ = page_and_requests
    sign_in(page, "alice")
    _open_my_data(page)
    region = page.get_by_role("region", name="What an admin can see")
    told = region.get_by_text("the browsers and devices you are signed in on")
    told.wait_for()
    assert (
        "(a device's name, and when each signed in, was last used and will end), and can"
        " sign them out. No admin can see your history" in told.inner_text()
    )
    # And it is true: an admin's list of sign-ins has her, with just those facts.
    mine = [
        row
        for row in web_server.admin("GET", "/api/v1/admin/sessions")
        if row["user"]["name"] == "alice"
    ]
    assert mine
    assert {key for row in mine for key in row} == {
        "id",
        "user",
        "kind",
        "label",
        "created_at",
        "last_used_at",
        "expires_at",
        "current",
    }
