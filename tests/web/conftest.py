"""The web UI in Debian's headless Chromium driven by Playwright, against a real server
on the demo library (issue 6). Locally the tests skip without /usr/bin/chromium; under
CI=true that is a failure. Screenshots go to test-artifacts/web/."""

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import sync_playwright

from support import Account, ServerProcess, demo_libraries, require_tool, serve_libraries

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web"
SCAN_WAIT_S = 60.0
PASSWORDS = {"root": "root-web-password", "alice": "alice-web-password"}
# Chromium as the machine's probe runs it: no sandbox (root), and none of its own
# background traffic (updates, sync, safe browsing), which would only be refused here.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--autoplay-policy=no-user-gesture-required",
]
# Firefox's own traffic (updates, telemetry, safe browsing, captive-portal checks) off, and
# sound allowed to start without a click, as Chromium's autoplay flag does.
FIREFOX_PREFS = {
    "media.autoplay.default": 0,
    "media.autoplay.blocking_policy": 0,
    "app.update.disabledForTesting": True,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "browser.region.network.url": "",
    "extensions.update.enabled": False,
}
DESKTOP = {"width": 1366, "height": 850}
PHONE = {"width": 390, "height": 844}


@dataclass
class WebServer:
    process: ServerProcess
    data: Path
    headers: dict[str, dict[str, str]]

    @property
    def base(self) -> str:
        return self.process.base

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        """An API call as root; the answer's JSON (None when empty). Must succeed."""
        answer = httpx.request(
            method, self.base + path, headers=self.headers["root"], timeout=30, **kwargs
        )
        assert answer.status_code < 300, (method, path, answer.status_code, answer.text)
        return answer.json() if answer.content else None

    def scan_and_wait(self, library_id: str, kind: str) -> list[dict[str, Any]]:
        """Scan one library (after any scan already running) until it lists ``kind``
        (an API list such as "albums" or "movies"); those items."""
        deadline = time.monotonic() + SCAN_WAIT_S
        scan = f"{self.base}/api/v1/admin/libraries/{library_id}/scan"
        root = self.headers["root"]
        while httpx.post(scan, headers=root, json={}, timeout=10).status_code == 409:
            assert time.monotonic() < deadline, "another scan kept running"
            time.sleep(0.5)  # another scan is running: start this one after it
        while time.monotonic() < deadline:
            found = self.admin("GET", f"/api/v1/{kind}", params={"library": library_id})
            if found["items"]:
                return list(found["items"])
            time.sleep(0.2)
        raise AssertionError(f"no {kind} were scanned in {SCAN_WAIT_S:.0f} s")


@pytest.fixture(scope="session")
def web_server(
    tmp_path_factory: pytest.TempPathFactory, demo_roots: dict[str, Path]
) -> Iterator[WebServer]:
    data = tmp_path_factory.mktemp("web") / "data"
    libraries = demo_libraries(demo_roots)
    accounts = [
        Account("root", PASSWORDS["root"], admin=True),
        Account("alice", PASSWORDS["alice"], tuple(libraries)),
    ]
    with serve_libraries(data, libraries, accounts) as (process, headers):
        yield WebServer(process, data, headers)


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[object]:
    """One Playwright for the session: a second one in the same thread is refused."""
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver: object) -> Iterator[object]:
    chromium = require_tool("/usr/bin/chromium")
    launched = playwright_driver.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)  # type: ignore[attr-defined]
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def firefox(playwright_driver: object) -> Iterator[object]:
    """Debian's Firefox ESR, driven over WebDriver BiDi (Playwright's "moz-firefox"
    channel: a stock Firefox, not Playwright's patched build, which cannot be fetched here)."""
    executable = require_tool("/usr/bin/firefox-esr")
    launched = playwright_driver.firefox.launch(  # type: ignore[attr-defined]
        channel="moz-firefox",
        executable_path=executable,
        env={**os.environ, "HOME": str(Path.home())},
        firefox_user_prefs=FIREFOX_PREFS,
    )
    yield launched
    launched.close()


@dataclass
class Requests:
    """Every URL the page asked for, to check that all are the server's own (EG-05)."""

    urls: list[str] = field(default_factory=list)

    def foreign(self, base: str) -> list[str]:
        own = urlsplit(base).netloc
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != own
        ]


@contextmanager
def page_in(
    browser: object, web_server: WebServer, timeout_ms: int = 15_000
) -> Iterator[tuple[object, Requests]]:
    """A fresh context's page at desktop size and every URL it asks for."""
    context = browser.new_context(base_url=web_server.base, viewport=DESKTOP)  # type: ignore[attr-defined]
    page = context.new_page()
    seen = Requests()
    page.on("request", lambda request: seen.urls.append(request.url))
    page.set_default_timeout(timeout_ms)
    try:
        yield page, seen
    finally:
        context.close()
    # EG-05, for every page every test opened: nothing but the server's own origin.
    assert seen.foreign(web_server.base) == [], "the page reached another origin"


@pytest.fixture
def page_and_requests(browser: object, web_server: WebServer) -> Iterator[tuple[object, Requests]]:
    with page_in(browser, web_server) as opened:
        yield opened


def sign_in(page: object, name: str) -> None:
    """Through the form, by its accessible names, as outside test suites do."""
    page.goto("/")  # type: ignore[attr-defined]
    page.get_by_label("Username").fill(name)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(PASSWORDS[name])  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    page.get_by_role("navigation", name="Main").wait_for()  # type: ignore[attr-defined]


def screenshot(page: object, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
