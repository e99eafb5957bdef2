"""GENA subscriptions' rules (DL-04) and notifications, without the HTTP app: which
CALLBACKs are taken, how long a subscription lasts, how many a device may hold, and what
a NOTIFY carries (sent for real to a receiver on loopback)."""

import ipaddress
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import anyio
import defusedxml.ElementTree as SafeET
import pytest

from parlour.domain.dlna import DlnaConfig
from parlour.frontends.dlna.events import (
    MAX_PER_DEVICE,
    Subscriptions,
    callback_urls,
    clamp_timeout,
    propertyset,
)
from parlour.privacy import egress
from parlour.settings import load_settings

EVENT_NS = "{urn:schemas-upnp-org:event-1-0}"
HOME = DlnaConfig(
    enabled=True,
    device_uuid="d",
    interfaces=(ipaddress.ip_address("192.168.1.2"),),
    allow=(ipaddress.ip_network("192.168.1.0/24"), ipaddress.ip_network("127.0.0.1/32")),
)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("<http://192.168.1.20:49152/event>", ("http://192.168.1.20:49152/event",)),
        (
            "<http://192.168.1.20/a><http://192.168.1.20:8080/b>",
            ("http://192.168.1.20/a", "http://192.168.1.20:8080/b"),
        ),
        ("<http://192.168.1.21/event>", None),  # another device's address (CallStranger)
        ("<http://example.com/event>", None),
        ("<https://192.168.1.20/event>", None),
        ("<http://user:pw@192.168.1.20/event>", None),
        ("<http://192.168.1.20:x/event>", None),
        ("http://192.168.1.20/event", None),  # not in angle brackets
        ("<http://192.168.1.20/" + "a" * 250 + ">", None),  # longer than 256 bytes
        ("", None),
    ],
)
def test_a_callback_must_be_the_subscriber_s_own_http_address(
    header: str, expected: tuple[str, ...] | None
) -> None:
    assert callback_urls(header, "192.168.1.20", HOME) == expected


def test_a_callback_outside_the_allow_list_is_refused_even_from_itself() -> None:
    assert callback_urls("<http://10.1.1.1/e>", "10.1.1.1", HOME) is None
    assert callback_urls("<http://[::ffff:192.168.1.20]/e>", "192.168.1.20", HOME) is not None


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, 1800),
        ("Second-600", 600),
        ("Second-5", 300),
        ("second-99999", 1800),
        ("Second-infinite", 1800),
        ("junk", 1800),
    ],
)
def test_timeouts_are_clamped(header: str | None, seconds: int) -> None:
    assert clamp_timeout(header) == seconds


def test_propertyset_escapes_values() -> None:
    root = SafeET.fromstring(propertyset({"SystemUpdateID": "7", "ContainerUpdateIDs": "<&>"}))
    assert root.tag == f"{EVENT_NS}propertyset"
    values = {child.tag: child.text for prop in root for child in prop}
    assert values == {"SystemUpdateID": "7", "ContainerUpdateIDs": "<&>"}


class _Receiver(BaseHTTPRequestHandler):
    def do_NOTIFY(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.seen.append((dict(self.headers), body))  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def receiver() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_subscriptions_notify_in_order_and_are_bounded_per_device(
    receiver: ThreadingHTTPServer, tmp_path: Path
) -> None:
    gate = egress.install(load_settings(tmp_path))
    url = f"http://127.0.0.1:{receiver.server_address[1]}/cb"
    now = [1000.0]

    async def state(service: str, _config: DlnaConfig) -> dict[str, str]:
        return {"SystemUpdateID": "5", "ContainerUpdateIDs": ""}

    async def main() -> None:
        subs = Subscriptions(gate, lambda: HOME, state, "T/1", clock=lambda: now[0])
        first = subs.add("ContentDirectory", "127.0.0.1", (url,), 300)
        assert first is not None and first.sid.startswith("uuid:")
        await subs.initial_event(first)
        await subs.follow(5)  # the first value is the initial events' one
        now[0] += 1
        await subs.follow(6)  # within the moderation window: held back
        now[0] += 2
        await subs.follow(6)
        await anyio.sleep(0.5)
        more = [subs.add("ConnectionManager", "127.0.0.1", (url,), 300) for _ in range(10)]
        assert sum(s is not None for s in more) == MAX_PER_DEVICE - 1  # the tenth: refused
        assert subs.add("ContentDirectory", "192.168.1.9", ("http://192.168.1.9/",), 300)
        assert subs.renew(first.sid, "ContentDirectory", "192.168.1.9", 300) is None
        assert subs.renew(first.sid, "ContentDirectory", "127.0.0.1", 300) is first
        assert subs.cancel(first.sid, "ContentDirectory")
        assert not subs.cancel(first.sid, "ContentDirectory")
        now[0] += 301  # everything else expires
        assert subs.live() == []
        await subs.close()

    anyio.run(main)
    seen = receiver.seen  # type: ignore[attr-defined]
    assert [h["SEQ"] for h, _ in seen] == ["0", "1"]
    for headers, _ in seen:
        assert (headers["NT"], headers["NTS"]) == ("upnp:event", "upnp:propchange")
        assert headers["SID"].startswith("uuid:")
    first = {c.tag: c.text for p in SafeET.fromstring(seen[0][1]) for c in p}
    assert first == {"SystemUpdateID": "5", "ContainerUpdateIDs": None}
    second = {c.tag: c.text for p in SafeET.fromstring(seen[1][1]) for c in p}
    assert second == {"SystemUpdateID": "6"}
