"""Photos in a real browser (issue 6): albums of lazy-loaded thumbnails, the full-screen
viewer (keyboard, buttons, swipes, slideshow), the date taken and camera shown, and the
location shown only when the photos library's owner (an admin) turns locations on."""

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from web.conftest import DESKTOP, PHONE, Requests, WebServer, screenshot, sign_in

ALBUM = "2024 Summer"


def _get(server: WebServer, user: str, path: str, **params: Any) -> Any:
    answer = httpx.get(server.base + path, headers=server.headers[user], params=params, timeout=10)
    answer.raise_for_status()
    return answer.json()


def _library(server: WebServer, kind: str) -> dict[str, Any]:
    return next(lib for lib in _get(server, "root", "/api/v1/libraries") if lib["kind"] == kind)


def _album(server: WebServer, name: str = ALBUM) -> dict[str, Any]:
    """A folder of the demo's Photos library by name, with its photos by date taken."""
    library = _library(server, "photos")
    root = _get(server, "alice", f"/api/v1/libraries/{library['id']}/folders")["items"][0]
    found = _get(server, "alice", f"/api/v1/folders/{root['id']}")
    folder = next(f for f in found["folders"] if f["name"] == name)
    return _get(server, "alice", f"/api/v1/folders/{folder['id']}", sort="taken", limit=100)


def _set_locations(server: WebServer, shown: bool, user: str = "root") -> httpx.Response:
    library = _library(server, "photos")
    return httpx.put(
        f"{server.base}/api/v1/admin/libraries/{library['id']}/photo-locations",
        headers=server.headers[user],
        json={"show_locations": shown},
        timeout=10,
    )


@pytest.fixture
def locations_shown(web_server: WebServer) -> Iterator[None]:
    """The Photos library shows locations for one test, and hides them again after."""
    assert _set_locations(web_server, True).status_code == 200
    try:
        yield
    finally:
        assert _set_locations(web_server, False).status_code == 200


def _viewer(page: Any) -> Any:
    return page.get_by_role("dialog")


def _open_album(page: Any, name: str = ALBUM) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Photos").click()
    page.get_by_role("heading", name="Photos", exact=True).wait_for()
    page.get_by_role("link", name=name).click()
    page.get_by_role("heading", name=re.compile(f"^{name}")).wait_for()


def _shown_photo(page: Any) -> str:
    return str(_viewer(page).get_attribute("data-photo"))


def test_open_a_photo_and_go_to_the_next_with_the_keyboard(
    page_and_requests: tuple[Any, Requests], web_server: WebServer
) -> None:
    page, seen = page_and_requests
    album = _album(web_server)
    photos = album["items"]
    assert len(photos) >= 3
    sign_in(page, "alice")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Photos").click()
    albums = page.get_by_role("list", name="Albums in Photos")
    albums.get_by_role("link", name=ALBUM).wait_for()
    page.wait_for_function("() => document.querySelectorAll('.ph-album img').length >= 2")
    screenshot(page, "photos-desktop")
    _open_album(page)
    thumbs = page.get_by_role("list", name=f"Photos in {ALBUM}").get_by_role("button")
    assert thumbs.count() == len(photos)
    # Thumbnails are lazy and asked at their shown size in device pixels.
    first_img = thumbs.first.locator("img")
    assert first_img.get_attribute("loading") == "lazy"
    width = int(parse_qs(urlsplit(first_img.get_attribute("src")).query)["width"][0])
    assert 160 <= width <= 480
    screenshot(page, "photos-folder-desktop")

    thumbs.first.click()
    viewer = _viewer(page)
    viewer.wait_for()
    heading = viewer.get_by_role("heading", name=photos[0]["title"], exact=True)
    heading.wait_for()
    assert _shown_photo(page) == photos[0]["id"]
    assert f"photo={photos[0]['id']}" in page.url
    image = viewer.get_by_role("img", name=photos[0]["title"])
    page.wait_for_function("() => document.querySelector('dialog img.photo').naturalWidth > 0")
    assert f"/api/v1/items/{photos[0]['id']}/image" in image.get_attribute("src")
    screenshot(page, "photo-viewer-desktop")

    page.keyboard.press("ArrowRight")
    viewer.get_by_role("heading", name=photos[1]["title"], exact=True).wait_for()
    second = viewer.get_by_role("img", name=photos[1]["title"])
    assert f"/api/v1/items/{photos[1]['id']}/image" in second.get_attribute("src")
    assert f"photo={photos[1]['id']}" in page.url
    assert viewer.get_by_text(f"2 of {len(photos)}").is_visible()

    page.keyboard.press("End")
    viewer.get_by_role("heading", name=photos[-1]["title"], exact=True).wait_for()
    assert viewer.get_by_role("button", name="Next photo").is_disabled()
    page.keyboard.press("Home")
    viewer.get_by_role("heading", name=photos[0]["title"], exact=True).wait_for()
    assert viewer.get_by_role("button", name="Previous photo").is_disabled()
    page.keyboard.press("ArrowLeft")  # nothing before the first
    assert _shown_photo(page) == photos[0]["id"]

    page.keyboard.press("Escape")
    viewer.wait_for(state="hidden")
    assert "photo=" not in page.url
    assert seen.foreign(web_server.base) == []


def test_a_link_with_a_photo_opens_the_viewer_on_it_and_buttons_move(
    page_and_requests: tuple[Any, Requests], web_server: WebServer
) -> None:
    page, _ = page_and_requests
    album = _album(web_server)
    photos = album["items"]
    sign_in(page, "alice")
    page.goto(f"/#/folders/{album['id']}?photo={photos[2]['id']}")
    viewer = _viewer(page)
    viewer.get_by_role("heading", name=photos[2]["title"], exact=True).wait_for()
    viewer.get_by_role("button", name="Previous photo").click()
    viewer.get_by_role("heading", name=photos[1]["title"], exact=True).wait_for()
    viewer.get_by_role("button", name="Next photo").click()
    viewer.get_by_role("heading", name=photos[2]["title"], exact=True).wait_for()
    viewer.get_by_role("button", name="Close viewer").click()
    viewer.wait_for(state="hidden")
    # focus goes back to the photo that was shown
    assert page.evaluate("() => document.activeElement.dataset.photo") == photos[2]["id"]


def test_the_viewer_shows_date_and_camera_and_hides_the_location(
    page_and_requests: tuple[Any, Requests], web_server: WebServer
) -> None:
    page, _ = page_and_requests
    album = _album(web_server)
    photo = album["items"][0]
    assert photo["camera_model"] and photo["taken_at"]
    detail = _get(web_server, "alice", f"/api/v1/items/{photo['id']}")
    assert detail["locations_shown"] is False and detail["location"] is None
    sign_in(page, "alice")
    page.goto(f"/#/folders/{album['id']}?photo={photo['id']}")
    viewer = _viewer(page)
    facts = viewer.locator("dl.photo-facts")
    facts.get_by_text(photo["camera_model"]).wait_for()
    year = photo["taken_at"][:4]
    assert year in facts.locator("dd").first.inner_text()
    facts.get_by_text("Hidden (the library's owner has not shown locations)").wait_for()


def _located_photo(server: WebServer, album: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    for index, photo in enumerate(album["items"]):
        detail = _get(server, "alice", f"/api/v1/items/{photo['id']}")
        if detail["location"] is not None:
            return index, detail
    raise AssertionError("the demo album has a photo with a GPS position")


@pytest.mark.usefixtures("locations_shown")
def test_the_location_shows_once_the_library_owner_turns_it_on(
    page_and_requests: tuple[Any, Requests], web_server: WebServer
) -> None:
    page, _ = page_and_requests
    album = _album(web_server)
    _, detail = _located_photo(web_server, album)
    assert detail["locations_shown"] is True
    latitude = detail["location"]["latitude"]
    sign_in(page, "alice")
    page.goto(f"/#/folders/{album['id']}?photo={detail['id']}")
    place = _viewer(page).locator("dl.photo-facts dd").nth(2)
    expected = f"{abs(latitude):.5f}° {'N' if latitude >= 0 else 'S'}"
    page.wait_for_function(
        "([node, text]) => node.textContent.includes(text)",
        arg=[place.element_handle(), expected],
    )
    # The folder listing and search never carry it, even now.
    listing = _get(web_server, "alice", f"/api/v1/folders/{album['id']}")
    assert not any("gps" in key or "location" in key for item in listing["items"] for key in item)


def test_swiping_moves_between_photos(
    page_and_requests: tuple[Any, Requests], web_server: WebServer
) -> None:
    page, _ = page_and_requests
    photos = _album(web_server)["items"]
    sign_in(page, "alice")
    _open_album(page)
    page.get_by_role("list", name=f"Photos in {ALBUM}").get_by_role("button").first.click()
    viewer = _viewer(page)
    viewer.get_by_role("heading", name=photos[0]["title"], exact=True).wait_for()
    box = viewer.locator(".ph-stage").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # A drag is pointer events, as a finger's swipe is: leftwards shows the next photo.
    page.mouse.move(x + 100, y)
    page.mouse.down()
    page.mouse.move(x - 100, y, steps=5)
    page.mouse.up()
    viewer.get_by_role("heading", name=photos[1]["title"], exact=True).wait_for()
    page.mouse.move(x - 100, y)
    page.mouse.down()
    page.mouse.move(x + 100, y, steps=5)
    page.mouse.up()
    viewer.get_by_role("heading", name=photos[0]["title"], exact=True).wait_for()
    # A short or mostly vertical move is no swipe.
    page.mouse.move(x, y - 100)
    page.mouse.down()
    page.mouse.move(x + 30, y + 100, steps=5)
    page.mouse.up()
    assert _shown_photo(page) == photos[0]["id"]


def test_the_slideshow_plays_and_pauses(
    page_and_requests: tuple[Any, Requests], web_server: WebServer
) -> None:
    page, _ = page_and_requests
    album = _album(web_server)
    photos = album["items"]
    sign_in(page, "alice")
    page.goto(f"/#/folders/{album['id']}?photo={photos[0]['id']}")
    viewer = _viewer(page)
    viewer.get_by_role("heading", name=photos[0]["title"], exact=True).wait_for()
    viewer.get_by_label("Slideshow interval").select_option("3")
    viewer.get_by_role("button", name="Play slideshow").click()
    viewer.get_by_role("heading", name=photos[1]["title"], exact=True).wait_for(timeout=15_000)
    viewer.get_by_role("button", name="Pause slideshow").click()
    viewer.get_by_role("button", name="Play slideshow").wait_for()
    shown = _shown_photo(page)
    page.wait_for_timeout(3500)  # longer than the interval: a paused show stays put
    assert _shown_photo(page) == shown


def test_photo_pages_at_phone_size(
    page_and_requests: tuple[Any, Requests], web_server: WebServer
) -> None:
    page, _ = page_and_requests
    photos = _album(web_server)["items"]
    page.set_viewport_size(PHONE)
    sign_in(page, "alice")
    _open_album(page)
    page.get_by_role("list", name=f"Photos in {ALBUM}").get_by_role("button").first.wait_for()
    screenshot(page, "photos-folder-phone")
    page.get_by_role("list", name=f"Photos in {ALBUM}").get_by_role("button").first.click()
    viewer = _viewer(page)
    viewer.get_by_role("heading", name=photos[0]["title"], exact=True).wait_for()
    page.wait_for_function("() => document.querySelector('dialog img.photo').naturalWidth > 0")
    # the photo fits the phone's width, and both arrows are on screen
    box = viewer.locator("img.photo").bounding_box()
    assert box["width"] <= PHONE["width"]
    assert viewer.get_by_role("button", name="Next photo").is_visible()
    screenshot(page, "photo-viewer-phone")
    page.set_viewport_size(DESKTOP)


def test_only_an_admin_turns_locations_on_and_only_for_photos(web_server: WebServer) -> None:
    assert _set_locations(web_server, True, user="alice").status_code == 403
    library = _library(web_server, "photos")
    path = f"/api/v1/admin/libraries/{library['id']}/photo-locations"
    assert httpx.get(web_server.base + path, headers=web_server.headers["alice"]).status_code == 403
    state = _get(web_server, "root", path)
    assert state == {"library_id": library["id"], "show_locations": False}
    films = _library(web_server, "movies")
    answer = httpx.put(
        f"{web_server.base}/api/v1/admin/libraries/{films['id']}/photo-locations",
        headers=web_server.headers["root"],
        json={"show_locations": True},
    )
    assert answer.status_code == 409  # a films library has no photo locations
    answer = httpx.put(
        web_server.base + path, headers=web_server.headers["root"], json={"show_locations": "yes"}
    )
    assert answer.status_code == 400
    assert _get(web_server, "root", path)["show_locations"] is False
