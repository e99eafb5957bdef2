"""The admin pages in a real browser (issue 6): an admin adds a library and watches its
scan reach 100 %, sees the files that failed with their reasons, adds a user and grants
a library, reads the outbound features and the usage report's exact bytes, signs another
user's browser out (which then asks her to sign in) and their own, and sees a warning
when ffmpeg is older than the supported minimum (FF-04); a non-admin sees a refusal and
the API answers 403. Screenshots of every tab at desktop and phone sizes go to
test-artifacts/web/."""

import re
import secrets
import shutil
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from parlour.demo.recipes import DEMO_LIBRARY
from parlour.domain.accounts import HOST
from support import ServerProcess, free_port, open_parlour
from web.conftest import DESKTOP, PASSWORDS, PHONE, Requests, WebServer, screenshot, sign_in

TRACKS = [track for track in DEMO_LIBRARY.music if track.format == "mp3"][:3]
ADMIN_READS = [
    "/api/v1/admin/users",
    "/api/v1/admin/scan",
    "/api/v1/admin/scan/events",
    "/api/v1/admin/server",
    "/api/v1/admin/sessions",
    "/api/v1/admin/privacy/outbound",
    "/api/v1/admin/privacy/record",
    "/api/v1/admin/consents",
    "/api/v1/admin/usage-reports",
]


def _both_sizes(page: object, name: str) -> None:
    screenshot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)  # type: ignore[attr-defined]
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)  # type: ignore[attr-defined]


def _open_tab(page: object, tab: str) -> None:
    page.goto(f"/#/admin?tab={tab}")  # type: ignore[attr-defined]
    page.get_by_role("heading", name="Administration").wait_for()  # type: ignore[attr-defined]
    page.locator(f"#admin-{tab} .loading").wait_for(state="detached")  # type: ignore[attr-defined]


def _library_ids(web_server: WebServer) -> dict[str, str]:
    answer = httpx.get(
        web_server.base + "/api/v1/libraries", headers=web_server.headers["root"], timeout=10
    )
    return {library["name"]: library["id"] for library in answer.json()}


@pytest.fixture
def new_folder(tmp_path: Path, demo_roots: dict[str, Path]) -> Path:
    """A fresh music folder: a few demo tracks and one file that is not audio at all."""
    folder = tmp_path / "new-music"
    folder.mkdir()
    for track in TRACKS:
        shutil.copyfile(demo_roots["music"] / track.rel_path, folder / Path(track.rel_path).name)
    (folder / "broken.mp3").write_bytes(b"\0not an mp3" * 40)
    return folder


def test_an_admin_adds_a_library_and_watches_its_scan_reach_100_percent(
    page_and_requests: tuple[object, Requests], web_server: WebServer, new_folder: Path
) -> None:
    page, seen = page_and_requests
    name = "Added " + secrets.token_hex(3)
    sign_in(page, "root")
    _open_tab(page, "libraries")
    page.get_by_label("Kind").select_option("music")
    page.get_by_label("Folder path").fill(str(new_folder))
    page.get_by_label("Name (optional)").fill(name)
    try:
        page.get_by_role("button", name="Add library").click()
        page.locator(".scan-percent").filter(has_text="100 %").wait_for(timeout=60_000)
        assert page.locator("#scan-progress").evaluate("bar => bar.value") == 100
        page.get_by_role("status").filter(has_text=f"Scan finished ({name})").wait_for()
        # The scan's own list of failures, with the reason.
        panel = page.locator(".scan-panel")
        panel.get_by_text("broken.mp3").wait_for()
        assert "3 added" in panel.inner_text()
        # The table is refreshed with the counts, and the failed file is listed with
        # its reason from GET /api/v1/admin/libraries/{id}/failures.
        row = page.locator("tr", has=page.get_by_role("rowheader", name=name))
        row.filter(has_text="3 tracks").wait_for()
        row.get_by_text("1 failed file").click()
        reason = row.locator(".failures .reason")
        reason.wait_for()
        assert reason.inner_text().strip()
        assert row.locator(".failures code").inner_text().endswith("broken.mp3")
        _both_sizes(page, "admin-libraries")
        library_id = _library_ids(web_server)[name]
        failures = httpx.get(
            web_server.base + f"/api/v1/admin/libraries/{library_id}/failures",
            headers=web_server.headers["root"],
            timeout=10,
        ).json()
        assert [Path(f["path"]).name for f in failures] == ["broken.mp3"]
        assert failures[0]["reason"] == reason.inner_text().strip()
        unknown = httpx.get(
            web_server.base + "/api/v1/admin/libraries/no-such-library/failures",
            headers=web_server.headers["root"],
            timeout=10,
        )
        assert unknown.status_code == 404
        # Removing it takes a confirmation; its files stay on disk.
        row.get_by_role("button", name=f"Remove {name}").click()
        row.get_by_role("button", name=f"Remove {name} from the catalogue").click()
        page.get_by_role("status").filter(has_text=f"{name} removed").wait_for()
        page.get_by_role("rowheader", name=name).wait_for(state="detached")
        assert (new_folder / "broken.mp3").exists()
    finally:
        leftover = _library_ids(web_server).get(name)
        if leftover:
            httpx.delete(
                web_server.base + f"/api/v1/admin/libraries/{leftover}",
                headers=web_server.headers["root"],
                timeout=30,
            )
    assert seen.foreign(web_server.base) == []


def test_a_non_admin_cannot_reach_the_admin_pages(
    page_and_requests: tuple[object, Requests], web_server: WebServer
) -> None:
    page, seen = page_and_requests
    sign_in(page, "alice")
    for tab in ("libraries", "users", "devices", "privacy", "server"):
        page.goto(f"/#/admin?tab={tab}")
        page.get_by_role("alert").filter(has_text="Administrators only").wait_for()
        assert page.get_by_role("heading", name="Administration").count() == 0
        assert page.locator("main table").count() == 0
    screenshot(page, "admin-refused")
    assert not [url for url in seen.urls if "/api/v1/admin/" in url]  # no admin data asked for
    # The API itself refuses her, with her own session cookie and CSRF token.
    posts = [
        ["/api/v1/admin/libraries", {"kind": "music", "path": "/"}],
        ["/api/v1/admin/users", {"name": "x", "password": "long-enough"}],
        ["/api/v1/admin/scan", {}],
        ["/api/v1/admin/consents", {"scope": "all", "given": False}],
        ["/api/v1/admin/usage-reports/send", {}],
    ]
    statuses = page.evaluate(
        """async ([reads, posts]) => {
            const csrf = decodeURIComponent(document.cookie.match(/parlour_csrf=([^;]+)/)[1]);
            const out = {};
            for (const path of reads) out[path] = (await fetch(path)).status;
            for (const [path, body] of posts) {
                const answer = await fetch(path, {
                    method: "POST",
                    headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
                    body: JSON.stringify(body),
                });
                out["POST " + path] = answer.status;
            }
            return out;
        }""",
        [[*ADMIN_READS, "/api/v1/admin/libraries/x/failures"], posts],
    )
    assert len(statuses) == len(ADMIN_READS) + 1 + len(posts)
    assert set(statuses.values()) == {403}, statuses


def test_the_users_tab_adds_a_user_and_grants_a_library(
    page_and_requests: tuple[object, Requests], web_server: WebServer
) -> None:
    page, _ = page_and_requests
    name = "guest-" + secrets.token_hex(3)
    sign_in(page, "root")
    _open_tab(page, "users")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password (at least 8 characters)").fill("guest-password-1")
    page.get_by_role("button", name="Add user").click()
    row = page.locator("tr", has=page.get_by_role("rowheader", name=name, exact=True))
    row.wait_for()
    assert "No library" not in row.inner_text()
    music = row.get_by_label("Music", exact=True)
    assert not music.is_checked()  # a new user sees nothing until granted
    music.check()
    row.get_by_text("Saved").wait_for()
    users = httpx.get(
        web_server.base + "/api/v1/admin/users", headers=web_server.headers["root"], timeout=10
    ).json()
    created = next(user for user in users if user["name"] == name)
    assert created["libraries"] == [_library_ids(web_server)["Music"]]
    # The grant works: the new user sees exactly that library.
    guest = httpx.post(
        web_server.base + "/api/v1/auth/login",
        json={"username": name, "password": "guest-password-1"},
        timeout=10,
    ).json()["token"]
    seen_by_guest = httpx.get(
        web_server.base + "/api/v1/libraries",
        headers={"Authorization": f"Bearer {guest}"},
        timeout=10,
    ).json()
    assert [library["name"] for library in seen_by_guest] == ["Music"]
    # A new password, then disable and enable again.
    row.get_by_role("button", name=f"Set password for {name}").click()
    row.get_by_label(f"New password for {name}").fill("guest-password-2")
    row.get_by_role("button", name="Save password").click()
    page.get_by_role("status").filter(has_text=f"Password for {name} set").wait_for()
    row.get_by_role("button", name=f"Disable {name}").click()
    row.get_by_role("cell", name="Disabled").wait_for()
    row.get_by_role("button", name=f"Enable {name}").click()
    row.get_by_role("cell", name="Active").wait_for()
    signed_in = httpx.post(
        web_server.base + "/api/v1/auth/login",
        json={"username": name, "password": "guest-password-2"},
        timeout=10,
    )
    assert signed_in.status_code == 200
    _both_sizes(page, "admin-users")


def test_the_privacy_tab_shows_outbound_features_and_the_exact_report_bytes(
    page_and_requests: tuple[object, Requests], web_server: WebServer
) -> None:
    page, _ = page_and_requests
    root = web_server.headers["root"]
    sign_in(page, "root")
    _open_tab(page, "privacy")
    outbound = httpx.get(web_server.base + "/api/v1/admin/privacy/outbound", headers=root).json()
    for feature in outbound["features"]:
        row = page.locator(f'tr[data-feature="{feature["name"]}"]')
        assert feature["state"] in row.inner_text()
        for host in feature["hosts"]:
            row.get_by_text(host, exact=True).wait_for()
    reports = httpx.get(web_server.base + "/api/v1/admin/usage-reports", headers=root).json()
    for scope, text in reports["preview_by_scope"].items():
        shown = page.locator(f'pre[aria-labelledby="preview-{scope}"]')
        assert shown.text_content() == text  # byte for byte
    # Accept and decline weigh the same, and nothing is pre-ticked.
    scopes = page.locator(".consent-scope")
    assert scopes.count() == len(reports["preview_by_scope"])
    for i in range(scopes.count()):
        accept = scopes.nth(i).get_by_role("button", name="Accept")
        decline = scopes.nth(i).get_by_role("button", name="Decline")
        assert accept.get_attribute("class") == decline.get_attribute("class")
        assert accept.get_attribute("aria-pressed") == "false"
    assert page.locator(".consent-scope input:checked").count() == 0
    assert not page.get_by_label("also ask the receiver to delete", exact=False).is_checked()
    page.get_by_role("heading", name="Record of processing").wait_for()
    _both_sizes(page, "admin-privacy")
    # Accepting a scope shows the next report's exact bytes; declining takes it away.
    basics = page.locator('.consent-scope[data-scope="instance_basics"]')
    basics.get_by_role("button", name="Accept").click()
    next_report = page.locator('pre[aria-labelledby="next-report"]')
    next_report.wait_for()
    state = httpx.get(web_server.base + "/api/v1/admin/usage-reports", headers=root).json()
    assert next_report.text_content() == state["next_report"]
    basics = page.locator('.consent-scope[data-scope="instance_basics"]')
    assert basics.get_by_role("button", name="Accept").get_attribute("aria-pressed") == "true"
    basics.get_by_role("button", name="Decline").click()
    page.locator(".next-report-none").wait_for()
    page.get_by_role("button", name="Send now").click()
    page.locator(".usage-reports .action-note").filter(has_text="Made 0").wait_for()
    consents = httpx.get(web_server.base + "/api/v1/admin/consents", headers=root).json()
    assert not any(scope["given"] for scope in consents["scopes"])


def test_the_devices_tab_signs_a_device_out_and_the_server_tab_shows_its_facts(
    page_and_requests: tuple[object, Requests], web_server: WebServer
) -> None:
    page, _ = page_and_requests
    root = web_server.headers["root"]

    def token_ids() -> set[str]:
        answer = httpx.get(web_server.base + "/api/v1/me/tokens", headers=root, timeout=10)
        return {token["id"] for token in answer.json()}

    before = token_ids()
    other = httpx.post(
        web_server.base + "/api/v1/auth/login",
        json={"username": "root", "password": PASSWORDS["root"], "device": "Root's tablet"},
        timeout=10,
    ).json()["token"]
    (other_id,) = token_ids() - before
    other_headers = {"Authorization": f"Bearer {other}"}
    assert httpx.get(web_server.base + "/api/v1/me", headers=other_headers).status_code == 200
    sign_in(page, "root")
    _open_tab(page, "devices")
    page.locator("tr[data-session]").nth(1).wait_for()  # the list, drawn after the tab
    assert page.locator("tr[data-session]").count() >= 2
    _both_sizes(page, "admin-devices")
    target = page.locator(f'tr[data-session="{other_id}"]')
    target.get_by_text("Root's tablet", exact=True).wait_for()
    # Cancelling the confirmation leaves it signed in.
    target.get_by_role("button", name="Sign out Root's tablet of root").click()
    target.get_by_role("button", name="Cancel").click()
    target.get_by_role("button", name="Sign out Root's tablet of root").click()
    target.get_by_role("button", name="Sign out now").click()
    target.wait_for(state="detached")
    page.get_by_role("status").filter(has_text="Root's tablet of root signed out").wait_for()
    assert httpx.get(web_server.base + "/api/v1/me", headers=other_headers).status_code == 401

    _open_tab(page, "server")
    info = httpx.get(web_server.base + "/api/v1/admin/server", headers=root, timeout=10).json()
    facts = page.locator("dl.facts")
    facts.get_by_text(info["version"], exact=True).wait_for()
    assert info["ffmpeg_version"]
    facts.get_by_text(info["ffmpeg_version"], exact=True).wait_for()
    assert re.search(r"\d+ of \d+ slots", facts.inner_text())
    # The bundled ffmpeg is recent: its version stands without a warning (FF-04).
    assert info["ffmpeg_minimum"] == "6.0" and info["ffmpeg_outdated"] is False
    facts.get_by_text("Oldest supported ffmpeg").wait_for()
    assert page.locator(".ffmpeg-warning").count() == 0
    _both_sizes(page, "admin-server")


def test_root_signs_alice_out_and_her_next_navigation_asks_her_to_sign_in(
    page_and_requests: tuple[object, Requests], browser: object, web_server: WebServer
) -> None:
    page, _ = page_and_requests

    def alice_sign_ins() -> set[str]:
        listed = web_server.admin("GET", "/api/v1/admin/sessions")
        return {row["id"] for row in listed if row["user"]["name"] == "alice"}

    before = alice_sign_ins()
    # Alice, in a browser of her own.
    context = browser.new_context(base_url=web_server.base, viewport=DESKTOP)  # type: ignore[attr-defined]
    alice_seen = Requests()
    try:
        alice = context.new_page()
        alice.on("request", lambda request: alice_seen.urls.append(request.url))
        alice.set_default_timeout(15_000)
        sign_in(alice, "alice")
        (alice_id,) = alice_sign_ins() - before

        sign_in(page, "root")
        _open_tab(page, "devices")
        row = page.locator(f'tr[data-session="{alice_id}"]')
        row.get_by_role("rowheader", name="alice", exact=True).wait_for()
        row.get_by_text("Unnamed session", exact=True).wait_for()
        assert row.locator(".current-tag").count() == 0
        # Root's own current session is marked, and only that one.
        current = page.locator("tr.current-sign-in")
        assert current.count() == 1
        assert current.get_by_role("rowheader").inner_text() == "root"
        current.get_by_text("You, in this browser").wait_for()
        # No address is shown (none is stored).
        assert "127.0.0.1" not in page.locator("#admin-devices").inner_text()

        row.get_by_role("button", name="Sign out Unnamed session of alice").click()
        ask = row.get_by_role("group", name="Confirm signing out Unnamed session of alice")
        ask.get_by_text("alice must sign in again on it.").wait_for()
        ask.get_by_role("button", name="Sign out now").click()
        row.wait_for(state="detached")
        page.get_by_role("status").filter(has_text="Unnamed session of alice signed out").wait_for()
        assert alice_id not in alice_sign_ins()

        # Her next navigation lands on the sign-in page.
        alice.get_by_role("link", name="Films").click()
        alice.get_by_role("button", name="Sign in").wait_for()
        alice.get_by_label("Username").wait_for()
        assert alice.get_by_role("navigation", name="Main").count() == 0
        screenshot(alice, "signed-out-by-an-admin")

        # An admin may end their own session too: this browser then asks root to sign in.
        current.get_by_role("button", name=re.compile("^Sign out .* of root$")).click()
        current.get_by_text("This is the session you are using", exact=False).wait_for()
        current.get_by_role("button", name="Sign out now").click()
        page.get_by_label("Username").wait_for()
        assert page.get_by_role("navigation", name="Main").count() == 0
    finally:
        context.close()
    assert alice_seen.foreign(web_server.base) == []


@pytest.fixture
def old_ffmpeg_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A server of its own whose configured ffmpeg is a Debian 12-era 4.4 build (a script
    that answers ``-version`` as one would: the page only asks it that)."""
    fake = tmp_path / "ffmpeg"
    fake.write_text(
        f"#!{sys.executable}\n"
        "print('ffmpeg version 4.4.2-0+deb12u1 Copyright (c) 2000-2021 the FFmpeg developers')\n"
        "print('built with gcc 12 (Debian 12.2.0-14)')\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    data = tmp_path / "data"
    data.mkdir()
    (data / "parlour.toml").write_text(f'ffmpeg_path = "{fake}"\n')
    app = open_parlour(data)
    try:
        app.accounts.add_user(HOST, "root", PASSWORDS["root"], admin=True)
    finally:
        app.close()
    process = ServerProcess(data, free_port())
    try:
        process.wait_ready()
        yield process
    finally:
        process.stop()


def test_the_server_tab_warns_when_ffmpeg_is_older_than_the_minimum(
    browser: object, old_ffmpeg_server: ServerProcess
) -> None:
    base = old_ffmpeg_server.base
    context = browser.new_context(base_url=base, viewport=DESKTOP)  # type: ignore[attr-defined]
    seen = Requests()
    try:
        page = context.new_page()
        page.on("request", lambda request: seen.urls.append(request.url))
        page.set_default_timeout(15_000)
        sign_in(page, "root")
        _open_tab(page, "server")
        facts = page.locator("dl.facts")
        facts.get_by_text("4.4.2-0+deb12u1", exact=True).wait_for()
        warning = facts.locator(".ffmpeg-warning")
        warning.wait_for()
        assert warning.inner_text().startswith(
            "Warning: this ffmpeg is older than 6.0, the oldest release Parlour is meant to run"
        )
        _both_sizes(page, "admin-server-old-ffmpeg")
    finally:
        context.close()
    assert seen.foreign(base) == []
