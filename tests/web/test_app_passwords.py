"""Apps (Subsonic) in My data, in a real browser (issue 7): a person makes an app password
for a music app, sees it once with the server address and user name an app needs, sees
it listed (never the password again) and revokes it; it signs a Subsonic client in until
then, and never after.

The account is the test's own, made through the admin API, so that alice and everything
the other tests use stay as they were."""

import hashlib
import secrets
from typing import Any

import httpx
import pytest

from parlour.services.app_passwords import SubsonicAuthError
from support import open_parlour
from web.conftest import DESKTOP, PHONE, Requests, WebServer, screenshot

LABEL = "Living-room tablet"


def _call(server: WebServer, method: str, path: str, headers: dict[str, str], **kw: Any) -> Any:
    answer = httpx.request(method, server.base + path, headers=headers, timeout=30, **kw)
    assert answer.status_code < 300, (method, path, answer.status_code, answer.text)
    return answer.json() if answer.content else None


def _signs_in(server: WebServer, name: str, secret: str) -> bool:
    """Whether a Subsonic client's token sign-in (t = md5(password + s)) works now."""
    salt = secrets.token_hex(8)
    token = hashlib.md5((secret + salt).encode()).hexdigest()
    app = open_parlour(server.data)
    try:
        app.app_passwords.authenticate(name, token=token, salt=salt, peer="127.0.0.1")
    except SubsonicAuthError:
        return False
    finally:
        app.close()
    return True


def _apps(page: Any) -> Any:
    return page.get_by_role("region", name="Apps (Subsonic)")


def _open_my_data(page: Any) -> None:
    page.get_by_role("link", name="My data").click()
    page.get_by_role("heading", name="My data", level=1).wait_for()
    _apps(page).get_by_role("heading", name="Apps (Subsonic)").wait_for()


@pytest.fixture
def person(web_server: WebServer) -> tuple[str, str]:
    name = f"apps-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(16)
    _call(
        web_server,
        "POST",
        "/api/v1/admin/users",
        web_server.headers["root"],
        json={"name": name, "password": password},
    )
    return name, password


def test_an_app_password_is_made_shown_once_listed_and_revoked(
    page_and_requests: tuple[Any, Requests], web_server: WebServer, person: tuple[str, str]
) -> None:
    page, seen = page_and_requests
    name, password = person
    page.goto("/")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").wait_for()
    _open_my_data(page)
    apps = _apps(page)
    apps.get_by_text("No app passwords yet.").wait_for()

    apps.get_by_label("Which app or device is it for?").fill(LABEL)
    apps.get_by_role("button", name="Create app password").click()
    shown = apps.get_by_role("region", name=f"New app password for {LABEL}")
    shown.wait_for()
    secret = shown.get_by_label("App password").input_value()
    assert len(secret) == 26 and secret.isalnum() and secret == secret.lower()
    assert shown.locator("code.server-address").inner_text() == web_server.base
    assert shown.locator("code.user-name").inner_text() == name
    assert "never your account password" in shown.inner_text()
    assert page.get_by_role("status").first.inner_text().startswith("Made an app password")
    # Listed with its label, and counted in the inventory's devices category.
    row = apps.get_by_role("row").filter(has_text=LABEL)
    row.wait_for()
    assert "Never" in row.inner_text()
    page.locator('li.category[data-category="devices"]').get_by_text(
        "app_passwords (1 row)", exact=False
    ).wait_for()
    screenshot(page, "my-data-apps-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "my-data-apps-phone")
    page.set_viewport_size(DESKTOP)

    assert _signs_in(web_server, name, secret)
    assert not _signs_in(web_server, name, password)  # the account password: never

    # Done: the password leaves the page, and no later view shows it again.
    shown.get_by_role("button", name="Done, I have copied it").click()
    shown.wait_for(state="detached")
    assert secret not in page.content()
    page.reload()
    _open_my_data(page)
    row = _apps(page).get_by_role("row").filter(has_text=LABEL)
    row.wait_for()
    assert "Never" not in row.inner_text()  # its last use (the sign-in above) is shown
    assert secret not in page.content()

    # Revoke, after a confirmation whose default is Cancel.
    row.get_by_role("button", name=f"Revoke {LABEL}").click()
    dialog = page.get_by_role("dialog", name=f"Revoke the app password for {LABEL}?")
    dialog.wait_for()
    assert page.evaluate("document.activeElement.textContent") == "Cancel"
    dialog.get_by_role("button", name="Revoke").click()
    dialog.wait_for(state="hidden")
    _apps(page).get_by_text("No app passwords yet.").wait_for()
    assert not _signs_in(web_server, name, secret)
    login = _call(
        web_server, "POST", "/api/v1/auth/login", {}, json={"username": name, "password": password}
    )
    mine = _call(
        web_server,
        "GET",
        "/api/v1/me/app-passwords",
        {"Authorization": f"Bearer {login['token']}"},
    )
    assert mine == []
    assert seen.foreign(web_server.base) == []
