"""The admin's "TVs & DLNA" tab in a real browser (issue 8): an admin turns the DLNA
server on for one library on 127.0.0.1, and the server's own DLNA description then
names it; a subnet that is not a home network shows the API's reason and keeps what was
typed; a device that asked is listed, approved, and forgotten; recording plays is
chosen there, a TV's play is listed against it and erased; a non-admin sees neither
the tab nor its data; the page passes the UI's contrast and naming audit. Screenshots
at desktop and phone sizes go to test-artifacts/web/."""

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from async_upnp_client.aiohttp import AiohttpRequester
from async_upnp_client.client_factory import UpnpFactory

from dlna_server import CLASSES, run, walk
from support import free_port
from web.conftest import DESKTOP, PHONE, Requests, WebServer, screenshot, sign_in

DLNA = "/api/v1/admin/dlna"
STARTED_WAIT_S = 30.0  # the server follows its configuration every 2 s
AUDIT = (Path(__file__).parent / "audit.js").read_text()
TV = "Parlour test TV/1.0 UPnP/1.0"


def _open_tab(page: Any) -> None:
    page.goto("/#/admin?tab=dlna")
    page.get_by_role("heading", name="Administration").wait_for()
    page.locator("#admin-dlna .loading").wait_for(state="detached")
    page.get_by_role("heading", name="Devices", exact=True).wait_for()


def _both_sizes(page: Any, name: str) -> None:
    screenshot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def _library_ids(web_server: WebServer) -> dict[str, str]:
    return {lib["name"]: lib["id"] for lib in web_server.admin("GET", "/api/v1/libraries")}


def _description(port: int, user_agent: str = TV) -> httpx.Response:
    """The DLNA device description as a TV on this machine asks for it, once it is
    served (the Host header is 127.0.0.1:<port>, the bound address)."""
    url = f"http://127.0.0.1:{port}/dlna/description.xml"
    deadline = time.monotonic() + STARTED_WAIT_S
    while True:
        try:
            answer = httpx.get(url, headers={"User-Agent": user_agent}, timeout=10)
        except httpx.TransportError:
            answer = None
        if answer is not None and answer.status_code == 200:
            return answer
        assert time.monotonic() < deadline, f"DLNA did not come up on port {port}"
        time.sleep(0.25)


@pytest.fixture
def dlna_off(web_server: WebServer) -> Iterator[int]:
    """DLNA off, sharing no library, approval and recording off, no device known, with a
    free port of its own; off again afterwards. The free port to use."""
    port = free_port()
    web_server.admin(
        "PUT",
        DLNA,
        json={
            "enabled": True,
            "interfaces": ["127.0.0.1"],
            "libraries": [],
            "port": port,
            "approval_required": False,
            "record_plays": False,
            "play_retention_days": 7,
        },
    )
    web_server.admin("PUT", DLNA, json={"enabled": False})
    for device in web_server.admin("GET", DLNA + "/devices"):
        web_server.admin("DELETE", f"{DLNA}/devices/{device['id']}")
    yield port
    web_server.admin("PUT", DLNA, json={"enabled": False})


def test_an_admin_turns_dlna_on_for_a_library_and_tvs_find_it(
    page_and_requests: tuple[Any, Requests], web_server: WebServer, dlna_off: int
) -> None:
    page, _ = page_and_requests
    films = _library_ids(web_server)["Films"]
    sign_in(page, "root")
    _open_tab(page)
    tab = page.locator("#admin-dlna")
    page.get_by_role("link", name="TVs & DLNA").wait_for()
    assert page.get_by_role("link", name="TVs & DLNA").get_attribute("aria-current") == "page"
    tab.get_by_text(
        "anyone with a device on the allowed subnets can browse", exact=False
    ).wait_for()
    tab.get_by_role("status").filter(has_text="Off: nothing listens").wait_for()
    # Nothing is shared until chosen: no library is ticked, and the form says so.
    shared = page.get_by_role("group", name="Libraries shared")
    shared.get_by_text("Nothing is shared until you tick a library here.").wait_for()
    boxes = shared.get_by_role("checkbox")
    assert boxes.count() == len(_library_ids(web_server)) > 0
    assert not any(boxes.nth(i).is_checked() for i in range(boxes.count()))
    # The machine's addresses are offered (loopback among them), and listed by the API.
    offered = web_server.admin("GET", DLNA + "/addresses")
    assert {"address": "127.0.0.1", "interface": "lo", "loopback": True} in offered
    listen = page.get_by_role("group", name="Listen on (this machine's addresses)")
    assert listen.get_by_role("checkbox").count() == len(offered)
    _both_sizes(page, "admin-dlna-off")

    page.get_by_label("Turn the DLNA server on").check()
    page.get_by_label("Name TVs show").fill("Den TV test")
    page.get_by_label("Port").fill(str(dlna_off))
    listen.get_by_label("127.0.0.1", exact=False).check()
    shared.get_by_label("Films", exact=True).check()
    # The subnets as the API keeps them; emptied, the API fills in the default again.
    assert page.get_by_label("Allowed subnets").input_value() == "127.0.0.1/32"
    page.get_by_label("Allowed subnets").fill("")
    page.get_by_role("button", name="Save").click()
    tab.locator(".form-note").filter(has_text="Saved.").wait_for()
    # The form is drawn again from what the server kept, the focus back on Save.
    assert page.evaluate("() => document.activeElement.textContent") == "Save"
    tab.get_by_role("status").filter(has_text=f"127.0.0.1:{dlna_off}").wait_for()
    assert "sharing Films" in tab.locator(".dlna-state").inner_text()
    assert page.get_by_label("Allowed subnets").input_value() == "127.0.0.1/32"
    assert page.get_by_label("Turn the DLNA server on").is_checked()

    config = web_server.admin("GET", DLNA)
    assert config["enabled"] is True and config["name"] == "Den TV test"
    assert config["interfaces"] == ["127.0.0.1"] and config["allow"] == ["127.0.0.1/32"]
    assert config["library_ids"] == [films] and config["port"] == dlna_off
    # The running DLNA server now names itself so to a TV.
    description = _description(dlna_off)
    assert "<friendlyName>Den TV test</friendlyName>" in description.text
    _both_sizes(page, "admin-dlna-on")

    # Off again from the page: nothing is served any more, the settings are kept.
    page.get_by_label("Turn the DLNA server on").uncheck()
    page.get_by_role("button", name="Save").click()
    tab.locator(".form-note").filter(has_text="Saved: the DLNA server is off.").wait_for()
    config = web_server.admin("GET", DLNA)
    assert config["enabled"] is False and config["library_ids"] == [films]
    assert page.get_by_role("group", name="Libraries shared").get_by_label("Films").is_checked()


def test_a_subnet_outside_home_networks_shows_the_apis_reason_and_keeps_the_form(
    page_and_requests: tuple[Any, Requests], web_server: WebServer, dlna_off: int
) -> None:
    page, _ = page_and_requests
    before = web_server.admin("GET", DLNA)
    sign_in(page, "root")
    _open_tab(page)
    tab = page.locator("#admin-dlna")
    page.get_by_label("Turn the DLNA server on").check()
    page.get_by_label("Name TVs show").fill("Kept name")
    page.get_by_label("Port").fill(str(dlna_off))
    page.get_by_label("127.0.0.1", exact=False).check()
    page.get_by_role("group", name="Libraries shared").get_by_label("Music", exact=True).check()
    page.get_by_label("Allowed subnets").fill("192.168.1.0/24, 8.8.8.0/24")
    page.get_by_role("button", name="Save").click()
    alert = tab.locator(".dlna-form").get_by_role("alert")
    alert.wait_for()
    assert "8.8.8.0/24 is not a home network" in alert.inner_text()
    screenshot(page, "admin-dlna-refused-subnet")
    # Everything typed and ticked is still there, and nothing was stored.
    assert page.get_by_label("Allowed subnets").input_value() == "192.168.1.0/24, 8.8.8.0/24"
    assert page.get_by_label("Name TVs show").input_value() == "Kept name"
    assert page.get_by_label("Turn the DLNA server on").is_checked()
    assert page.get_by_label("127.0.0.1", exact=False).is_checked()
    assert page.get_by_role("group", name="Libraries shared").get_by_label("Music").is_checked()
    assert page.get_by_role("button", name="Save").is_enabled()
    assert web_server.admin("GET", DLNA) == before
    # No address ticked: the API's reason (409) is shown the same way.
    page.get_by_label("Allowed subnets").fill("")
    page.get_by_label("127.0.0.1", exact=False).uncheck()
    page.get_by_role("button", name="Save").click()
    alert.filter(has_text="choose the interface to listen on").wait_for()
    assert page.get_by_label("Name TVs show").input_value() == "Kept name"
    assert web_server.admin("GET", DLNA) == before
    # Turning it off is never held up by the other fields: only the switch is sent.
    page.get_by_label("Name TVs show").fill("")
    page.get_by_label("Turn the DLNA server on").uncheck()
    page.get_by_role("button", name="Save").click()
    tab.locator(".form-note").filter(has_text="Saved: the DLNA server is off.").wait_for()
    assert page.get_by_label("Name TVs show").input_value() == before["name"]
    assert web_server.admin("GET", DLNA) == before


def test_a_device_that_asked_is_approved_then_forgotten(
    page_and_requests: tuple[Any, Requests], web_server: WebServer, dlna_off: int
) -> None:
    page, _ = page_and_requests
    web_server.admin(
        "PUT",
        DLNA,
        json={"enabled": True, "port": dlna_off, "libraries": ["Films"], "approval_required": True},
    )
    _description(dlna_off)  # the TV asks: it is noted, waiting for approval
    (device,) = web_server.admin("GET", DLNA + "/devices")
    assert device["user_agent"] == TV and device["approved"] is False
    sign_in(page, "root")
    _open_tab(page)
    tab = page.locator("#admin-dlna")
    tab.get_by_text("Approval is on: a device sees nothing until you approve it.").wait_for()
    row = tab.locator(f'tr[data-device="{device["id"]}"]')
    row.get_by_role("rowheader", name=TV).wait_for()
    row.get_by_role("cell", name="127.0.0.1", exact=True).wait_for()
    row.get_by_role("cell", name="Not approved").wait_for()
    _both_sizes(page, "admin-dlna-devices")

    row.get_by_role("button", name=f"Approve {TV} at 127.0.0.1").click()
    row.get_by_role("cell", name="Approved", exact=True).wait_for()
    tab.get_by_role("status").filter(has_text=f"{TV} at 127.0.0.1 approved.").wait_for()
    assert web_server.admin("GET", DLNA + "/devices")[0]["approved"] is True
    focused = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert focused == f"Withdraw approval of {TV} at 127.0.0.1"

    # Forgetting asks first; cancelling leaves it listed.
    row.get_by_role("button", name=f"Forget {TV} at 127.0.0.1").click()
    ask = row.get_by_role("group", name=f"Confirm forgetting {TV} at 127.0.0.1")
    ask.get_by_text("must then be approved again", exact=False).wait_for()
    ask.get_by_role("button", name="Cancel").click()
    assert len(web_server.admin("GET", DLNA + "/devices")) == 1
    row.get_by_role("button", name=f"Forget {TV} at 127.0.0.1").click()
    ask.get_by_role("button", name="Forget now").click()
    row.wait_for(state="detached")
    tab.get_by_role("status").filter(has_text="forgotten").wait_for()
    tab.get_by_text("No device has asked the DLNA server for anything yet.").wait_for()
    assert web_server.admin("GET", DLNA + "/devices") == []


def test_a_non_admin_sees_neither_the_tab_nor_its_data(
    page_and_requests: tuple[Any, Requests], web_server: WebServer
) -> None:
    page, seen = page_and_requests
    sign_in(page, "alice")
    page.goto("/#/admin?tab=dlna")
    page.get_by_role("alert").filter(has_text="Administrators only").wait_for()
    assert page.get_by_role("link", name="TVs & DLNA").count() == 0
    assert page.locator("main form, main table").count() == 0
    assert not [url for url in seen.urls if "/api/v1/admin/" in url]
    statuses = page.evaluate(
        """async (paths) => {
            const out = {};
            for (const path of paths) out[path] = (await fetch(path)).status;
            return out;
        }""",
        [DLNA, DLNA + "/addresses", DLNA + "/devices"],
    )
    assert set(statuses.values()) == {403}, statuses


def test_the_tab_keeps_text_readable_and_controls_named(
    page_and_requests: tuple[Any, Requests], web_server: WebServer, dlna_off: int
) -> None:
    page, _ = page_and_requests
    web_server.admin("PUT", DLNA, json={"enabled": True, "port": dlna_off})
    _description(dlna_off)  # a device listed, so its table and buttons are audited too
    sign_in(page, "root")
    _open_tab(page)
    page.locator("#admin-dlna tr[data-device]").wait_for()
    page.wait_for_load_state("networkidle")
    assert page.evaluate(AUDIT) == []
    # The keyboard reaches the form in order: the switch, then the name.
    page.get_by_label("Turn the DLNA server on").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "dlna-name"


def _fetch_a_film(port: int) -> str:
    """Browse the server as a control point, then fetch the first film's first bytes as
    the TV (a play, when plays are recorded); the film's title."""

    async def first_film() -> Any:
        device = await UpnpFactory(AiohttpRequester()).async_create_device(
            f"http://127.0.0.1:{port}/dlna/description.xml"
        )
        found = await walk(device, 50)
        return next(o for o in found.values() if o.upnp_class == CLASSES["movies"])

    # In a thread of its own: Playwright's event loop runs in this one.
    with ThreadPoolExecutor(1) as pool:
        film = pool.submit(run, first_film()).result()
    media = httpx.get(film.res[0].uri, headers={"User-Agent": TV, "Range": "bytes=0-1023"})
    assert media.status_code == 206, media.status_code
    return str(film.title)


def test_recording_plays_is_chosen_shown_and_erased(
    page_and_requests: tuple[Any, Requests], web_server: WebServer, dlna_off: int
) -> None:
    page, _ = page_and_requests
    web_server.admin("PUT", DLNA, json={"enabled": True, "port": dlna_off, "libraries": ["Films"]})
    assert web_server.admin("GET", DLNA)["record_plays"] is False  # off by default
    sign_in(page, "root")
    _open_tab(page)
    tab = page.locator("#admin-dlna")
    plays = tab.locator(".dlna-plays")
    plays.get_by_text("Not recording", exact=False).wait_for()
    record = page.get_by_label("Record what DLNA devices play", exact=False)
    assert not record.is_checked()
    page.get_by_label("Keep recorded plays for (days, 1 to 30)").fill("3")
    label = "Record what DLNA devices play (against the device, never a person; kept 3 days)"
    page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Save").click()
    tab.locator(".form-note").filter(has_text="Saved.").wait_for()
    config = web_server.admin("GET", DLNA)
    assert config["record_plays"] is True and config["play_retention_days"] == 3
    plays.get_by_text("kept 3 days", exact=False).wait_for()

    _description(dlna_off)
    title = _fetch_a_film(dlna_off)
    (play,) = web_server.admin("GET", DLNA + "/plays")
    assert play["title"] == title and play["device_name"] == TV
    plays.get_by_role("button", name="Refresh plays").click()
    row = plays.locator("tr", has=page.get_by_role("rowheader", name=title, exact=True))
    row.get_by_role("cell", name="Film", exact=True).wait_for()
    row.get_by_role("cell", name=TV, exact=True).wait_for()
    _both_sizes(page, "admin-dlna-plays")

    plays.get_by_role("button", name="Erase recorded plays").click()
    ask = plays.get_by_role("group", name="Confirm erasing every recorded play")
    ask.get_by_text("cannot be undone", exact=False).wait_for()
    ask.get_by_role("button", name="Erase them now").click()
    plays.get_by_text("No play recorded.").wait_for()
    plays.get_by_role("status").filter(has_text="Recorded plays erased.").wait_for()
    assert web_server.admin("GET", DLNA + "/plays") == []
    # The button is back, with the focus.
    assert page.evaluate("() => document.activeElement.textContent") == "Erase recorded plays"
