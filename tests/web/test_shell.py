"""The web UI's frame in a real browser: signing in by the form's accessible names, the
home page, and what the page may do to the device and the network (P-14, PR-11, EG-05,
BI-08's CSP)."""

from pathlib import Path

import httpx
import pytest

from web.conftest import DESKTOP, PASSWORDS, PHONE, Requests, WebServer, screenshot, sign_in


def test_sign_in_lands_on_home_with_the_libraries_shelves(
    page_and_requests: tuple[object, Requests], web_server: WebServer
) -> None:
    page, seen = page_and_requests
    sign_in(page, "alice")
    page.get_by_role("heading", name="Recently added in Films").wait_for()
    assert page.get_by_role("link", name="Admin").count() == 0  # alice is no admin
    screenshot(page, "home-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "home-phone")
    page.set_viewport_size(DESKTOP)
    assert seen.urls, "the page made requests"
    assert seen.foreign(web_server.base) == []


def test_a_wrong_password_says_so_and_signs_nobody_in(
    page_and_requests: tuple[object, Requests],
) -> None:
    page, _ = page_and_requests
    page.goto("/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not-" + PASSWORDS["alice"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("alert").filter(has_text="wrong user name or password").wait_for()
    assert page.get_by_role("navigation", name="Main").count() == 0
    screenshot(page, "sign-in-refused")


def test_only_session_and_csrf_cookies_and_nothing_in_local_storage(
    page_and_requests: tuple[object, Requests],
) -> None:
    """PR-11 and P-14: the token is in an HttpOnly cookie only; "remember me" is off
    unless ticked, so the cookies last as long as the browser."""
    page, _ = page_and_requests
    sign_in(page, "alice")
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert set(cookies) == {"parlour_session", "parlour_csrf"}
    assert cookies["parlour_session"]["httpOnly"] is True
    assert cookies["parlour_session"]["sameSite"] in ("Lax", "Strict")
    assert cookies["parlour_session"]["expires"] == -1  # a browser-session cookie
    assert page.evaluate("() => Object.keys(localStorage).length") == 0
    assert page.evaluate("() => Object.keys(sessionStorage).length") == 0
    assert "parlour_session" not in page.evaluate("() => document.cookie")


def test_signing_out_ends_the_session(page_and_requests: tuple[object, Requests]) -> None:
    page, _ = page_and_requests
    sign_in(page, "alice")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for()
    assert page.evaluate("async () => (await fetch('/api/v1/me')).status") == 401


@pytest.mark.parametrize("path", ["/", "/static/app.js", "/api/v1/libraries"])
def test_every_answer_carries_a_strict_content_security_policy(
    web_server: WebServer, path: str
) -> None:
    answer = httpx.get(web_server.base + path, timeout=10)
    policy = answer.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_ui_files_are_served_from_memory_only(web_server: WebServer) -> None:
    """BI-01: no request path reaches the disk; only the UI's own files answer."""
    for path in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/ui.py", "/static/"):
        answer = httpx.get(web_server.base + path, timeout=10)
        assert answer.status_code == 404, path
    page = httpx.get(web_server.base + "/", timeout=10)
    assert page.status_code == 200 and b'src="/static/app.js"' in page.content
    again = httpx.get(web_server.base + "/", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304


TV = {"width": 1920, "height": 1080}


def _focused(page: object) -> dict[str, object]:
    found: dict[str, object] = page.evaluate(  # type: ignore[attr-defined]
        "() => { const e = document.activeElement, r = e.getBoundingClientRect();"
        " return {x: Math.round(r.left), y: Math.round(r.top),"
        " name: e.getAttribute('aria-label')}; }"
    )
    return found


def test_a_tv_remote_moves_through_a_grid_with_the_arrow_keys(
    page_and_requests: tuple[object, Requests],
) -> None:
    """At TV size the text is larger, and the arrow keys a remote sends move the focus
    to the photo beside or below, as on a TV's own apps; Enter opens it."""
    page, _ = page_and_requests
    page.set_viewport_size(TV)  # type: ignore[attr-defined]
    sign_in(page, "alice")
    size = page.evaluate("() => getComputedStyle(document.documentElement).fontSize")  # type: ignore[attr-defined]
    assert size == "20px"  # 125 % across the room
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Photos").click()  # type: ignore[attr-defined]
    albums = page.get_by_role("list", name="Albums in Photos")  # type: ignore[attr-defined]
    albums.get_by_role("link", name="2024 Summer").click()
    thumbs = page.get_by_role("list", name="Photos in 2024 Summer").get_by_role("button")  # type: ignore[attr-defined]
    thumbs.first.wait_for()
    boxes = [thumbs.nth(i).bounding_box() for i in range(thumbs.count())]
    assert len({round(box["y"]) for box in boxes}) >= 2, "the premise: two rows of photos"
    thumbs.first.focus()
    start = _focused(page)
    assert start["name"] == thumbs.first.get_attribute("aria-label")
    page.keyboard.press("ArrowRight")  # type: ignore[attr-defined]
    right = _focused(page)
    assert right["name"] == thumbs.nth(1).get_attribute("aria-label")
    assert right["y"] == start["y"] and int(right["x"]) > int(start["x"])  # type: ignore[call-overload]
    page.keyboard.press("ArrowLeft")  # type: ignore[attr-defined]
    assert _focused(page) == start
    page.keyboard.press("ArrowDown")  # type: ignore[attr-defined]
    below = _focused(page)
    assert int(below["y"]) > int(start["y"]) and below["x"] == start["x"]  # type: ignore[call-overload]
    page.keyboard.press("ArrowUp")  # type: ignore[attr-defined]
    assert _focused(page) == start
    screenshot(page, "photos-tv")
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.get_by_role("dialog").wait_for()  # type: ignore[attr-defined]
    # In the viewer the arrows are its own: → shows the next photo, focus stays inside.
    page.keyboard.press("ArrowRight")  # type: ignore[attr-defined]
    assert page.evaluate("() => !!document.activeElement.closest('dialog')")  # type: ignore[attr-defined]


# WCAG 2.2 contrast and names on controls, checked in the page by tests/web/audit.js.
_AUDIT = (Path(__file__).parent / "audit.js").read_text()


@pytest.mark.parametrize(
    "route", ["/", "/films", "/shows", "/music", "/photos", "/search?q=a", "/me/data", "/admin"]
)
def test_every_page_keeps_text_readable_and_controls_named(
    page_and_requests: tuple[object, Requests], route: str
) -> None:
    page, _ = page_and_requests
    sign_in(page, "root")
    page.goto(f"/#{route}")  # type: ignore[attr-defined]
    page.locator("main h1, main h2").first.wait_for()  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    assert page.evaluate(_AUDIT) == []  # type: ignore[attr-defined]
    # Focus is visible: the first link the keyboard reaches draws an outline.
    page.keyboard.press("Tab")  # type: ignore[attr-defined]
    outline = page.evaluate(  # type: ignore[attr-defined]
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2"
        " || s.boxShadow !== 'none'; }"
    )
    assert outline
