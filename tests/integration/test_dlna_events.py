"""GENA eventing under a real `parlour serve` with DLNA on for 127.0.0.0/29 (DL-04): a
subscription gets its SID and an initial NOTIFY; a CALLBACK that is not the subscriber's
own address is refused and nothing is sent there; a device holds ten subscriptions at
most; UNSUBSCRIBE and renewal work; a rescan of a shared library sends a new
SystemUpdateID.

Subscribers are the test process on several loopback addresses (127.0.0.1 to .4), each
with its own NOTIFY receiver (a small http.server) on that address.
"""

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import defusedxml.ElementTree as SafeET
import httpx
import pytest

from parlour.domain.accounts import HOST
from support import ServerProcess, free_port, open_parlour

EVENT_NS = "{urn:schemas-upnp-org:event-1-0}"
Notice = tuple[dict[str, str], dict[str, str | None]]  # (headers, evented variables)


class _Receiver(BaseHTTPRequestHandler):
    def do_NOTIFY(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        root = SafeET.fromstring(body)
        assert root.tag == f"{EVENT_NS}propertyset"
        variables = {child.tag: child.text for prop in root for child in prop}
        server: Receiver = self.server  # type: ignore[assignment]
        with server.arrived:
            server.notices.append((dict(self.headers), variables))
            server.arrived.notify_all()
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


class Receiver(ThreadingHTTPServer):
    """A device's NOTIFY endpoint."""

    def __init__(self, address: str) -> None:
        super().__init__((address, 0), _Receiver)
        self.notices: list[Notice] = []
        self.arrived = threading.Condition()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def callback(self) -> str:
        return f"<http://{self.server_address[0]}:{self.server_address[1]}/notify>"

    def wait(self, count: int, timeout: float = 30) -> list[Notice]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.notices) >= count, timeout), self.notices
            return list(self.notices)

    def close(self) -> None:
        self.shutdown()
        self.server_close()


@dataclass(frozen=True)
class Served:
    server: ServerProcess
    dlna: str  # the DLNA HTTP base URL
    admin: dict[str, str]  # the admin's signed-in headers


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    base = tmp_path_factory.mktemp("dlna-events")
    (base / "films").mkdir()
    port = free_port()
    app = open_parlour(base / "data")
    try:
        app.libraries.add(HOST, "movies", str(base / "films"), "Films")
        app.accounts.add_user(HOST, "root", "root-password", admin=True)
        app.dlna.enable(
            HOST, interfaces=["127.0.0.1"], allow=["127.0.0.0/29"], libraries=["Films"], port=port
        )
    finally:
        app.close()
    server = ServerProcess(base / "data", free_port())
    try:
        server.wait_ready()
        dlna = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:  # the DLNA server starts at the runtime's first poll
            try:
                if httpx.get(dlna + "/dlna/description.xml", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the DLNA server did not start"
            time.sleep(0.1)
        yield Served(server, dlna, server.login("root", "root-password"))
    finally:
        server.stop()


@pytest.fixture
def receivers() -> Iterator[dict[str, Receiver]]:
    made = {address: Receiver(address) for address in ("127.0.0.1", "127.0.0.2", "127.0.0.4")}
    yield made
    for receiver in made.values():
        receiver.close()


def _client(source: str) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=10)


def _subscribe(
    client: httpx.Client, url: str, callback: str, timeout: str = "Second-1800"
) -> httpx.Response:
    headers = {"CALLBACK": callback, "NT": "upnp:event", "TIMEOUT": timeout}
    return client.request("SUBSCRIBE", url, headers=headers)


def test_a_subscriber_gets_a_sid_and_the_initial_event(
    served: Served, receivers: dict[str, Receiver]
) -> None:
    mine = receivers["127.0.0.1"]
    with _client("127.0.0.1") as client:
        cds = _subscribe(client, served.dlna + "/dlna/event/ContentDirectory", mine.callback)
        cms = _subscribe(
            client, served.dlna + "/dlna/event/ConnectionManager", mine.callback, "Second-60"
        )
    assert cds.status_code == 200, cds.text
    assert cds.headers["sid"].startswith("uuid:") and cds.headers["timeout"] == "Second-1800"
    assert cms.headers["timeout"] == "Second-300"  # clamped to the shortest allowed
    notices = {headers["SID"]: (headers, variables) for headers, variables in mine.wait(2)}
    headers, variables = notices[cds.headers["sid"]]
    assert (headers["NT"], headers["NTS"], headers["SEQ"]) == ("upnp:event", "upnp:propchange", "0")
    assert set(variables) == {"SystemUpdateID", "ContainerUpdateIDs"}
    assert int(variables["SystemUpdateID"] or "0") > 0
    _, manager = notices[cms.headers["sid"]]
    assert "http-get:*:audio/mpeg:*" in (manager["SourceProtocolInfo"] or "")
    assert manager["CurrentConnectionIDs"] == "0"


@pytest.mark.parametrize(
    "callback",
    ["<http://127.0.0.2:{port}/notify>", "<http://example.com/notify>", "<https://127.0.0.1/>"],
)
def test_dl04_a_callback_to_anyone_but_the_subscriber_is_refused(
    served: Served, receivers: dict[str, Receiver], callback: str
) -> None:
    elsewhere = receivers["127.0.0.2"]
    target = callback.format(port=elsewhere.server_address[1])
    with _client("127.0.0.1") as client:
        answer = _subscribe(client, served.dlna + "/dlna/event/ContentDirectory", target)
        control = _subscribe(
            client, served.dlna + "/dlna/event/ContentDirectory", receivers["127.0.0.1"].callback
        )
    assert answer.status_code == 412 and "sid" not in answer.headers
    receivers["127.0.0.1"].wait(1)  # the control's initial event came...
    assert elsewhere.notices == []  # ...and nothing was sent to the other address
    assert control.status_code == 200


def test_dl04_a_device_holds_ten_subscriptions_and_can_give_them_up(
    served: Served, receivers: dict[str, Receiver]
) -> None:
    mine = receivers["127.0.0.4"]
    url = served.dlna + "/dlna/event/ConnectionManager"
    with _client("127.0.0.4") as client:
        taken = [_subscribe(client, url, mine.callback) for _ in range(10)]
        assert [r.status_code for r in taken] == [200] * 10
        eleventh = _subscribe(client, url, mine.callback)
        assert eleventh.status_code != 200 and "sid" not in eleventh.headers
        sid = taken[0].headers["sid"]
        renewed = client.request("SUBSCRIBE", url, headers={"SID": sid, "TIMEOUT": "Second-900"})
        assert (renewed.status_code, renewed.headers["sid"]) == (200, sid)
        assert renewed.headers["timeout"] == "Second-900"
        both = client.request("SUBSCRIBE", url, headers={"SID": sid, "NT": "upnp:event"})
        assert both.status_code == 400
        gone = client.request("UNSUBSCRIBE", url, headers={"SID": sid})
        assert gone.status_code == 200
        again = client.request("UNSUBSCRIBE", url, headers={"SID": sid})
        assert again.status_code == 412
        renewal_of_gone = client.request("SUBSCRIBE", url, headers={"SID": sid})
        assert renewal_of_gone.status_code == 412
        assert _subscribe(client, url, mine.callback).status_code == 200  # a place is free
    initial = mine.wait(11)
    assert {h["SEQ"] for h, _ in initial} == {"0"}


def test_a_rescan_of_a_shared_library_sends_a_new_system_update_id(
    served: Served, receivers: dict[str, Receiver]
) -> None:
    mine = receivers["127.0.0.1"]
    with _client("127.0.0.1") as client:
        sid = _subscribe(
            client, served.dlna + "/dlna/event/ContentDirectory", mine.callback
        ).headers["sid"]
    [(_, first)] = [(h, v) for h, v in mine.wait(1) if h["SID"] == sid]
    # Two and a half polls with nothing changed: no event (the control). This also puts
    # the rescan in a later second than the update id counts.
    time.sleep(2.5)
    assert [h["SEQ"] for h, _ in mine.wait(1) if h["SID"] == sid] == ["0"]
    scan = httpx.post(served.server.base + "/api/v1/admin/scan", headers=served.admin, timeout=10)
    assert scan.status_code in (200, 202), scan.text
    deadline = time.monotonic() + 30
    while True:
        later = [(h, v) for h, v in mine.wait(1) if h["SID"] == sid and h["SEQ"] == "1"]
        if later:
            break
        assert time.monotonic() < deadline, "no event after the rescan"
        time.sleep(0.2)
    [(_, changed)] = later
    assert set(changed) == {"SystemUpdateID"}
    assert int(changed["SystemUpdateID"] or "0") > int(first["SystemUpdateID"] or "0")
