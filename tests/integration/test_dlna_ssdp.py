"""SSDP under a real `parlour serve` (DL-01, DL-02, DL-03): nothing on UDP 1900 while DLNA
is off; once on (for 127.0.0.1), searches on loopback get the answers the Device
Architecture asks for, from the allow-list only, ten a second per source at most.

What the sandbox allows: UDP port 1900 on 127.0.0.1 and multicast on the loopback
interface (239.255.255.250 joined on 127.0.0.1, multicast loop on), so searches are sent
both unicast to 127.0.0.1:1900 and to the group, and async-upnp-client's own search runs
too. Other sources are other loopback addresses (127.0.0.2 to .4 allowed, .9 not).
The server also runs on ::1; Linux's lo has no IPv6 multicast (and the tests may not
change the machine's interfaces), so over IPv6 searches go unicast to [::1]:1900 only.
The test process's outbound gate is opened for DLNA, as the server's is, so that its
control-point sockets may reach the group.
"""

import ipaddress
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import anyio
import httpx
import psutil
import pytest
from async_upnp_client.search import async_search

from parlour.domain.accounts import HOST
from parlour.privacy import egress
from parlour.privacy.outbound_features import DLNA_FEATURE, SSDP_GROUP
from parlour.settings import load_settings
from support import ServerProcess, free_port, open_parlour

DEVICE_TYPE = "urn:schemas-upnp-org:device:MediaServer:1"
CDS = "urn:schemas-upnp-org:service:ContentDirectory:1"
LOOPBACK = socket.inet_aton("127.0.0.1")
QUIET_S = 1.5  # how long a test listens for what must not come (MX 1 plus a margin)


@dataclass(frozen=True)
class Dlna:
    server: ServerProcess
    uuid: str
    port: int  # the DLNA HTTP port
    data: Path


def _prepare(data: Path, films: Path, *, dlna_port: int | None) -> str:
    """A catalogue with a Films library; DLNA on 127.0.0.1 and ::1, for 127.0.0.0/29 and
    ::1, when a port is given. The device's UUID."""
    films.mkdir(parents=True, exist_ok=True)
    app = open_parlour(data)
    try:
        app.libraries.add(HOST, "movies", str(films), "Films")
        if dlna_port is not None:
            app.dlna.enable(
                HOST,
                interfaces=["127.0.0.1", "::1"],
                allow=["127.0.0.0/29", "::1/128"],
                libraries=["Films"],
                port=dlna_port,
            )
        return app.dlna.current().device_uuid
    finally:
        app.close()


@pytest.fixture(autouse=True)
def control_point_gate(tmp_path: Path) -> Iterator[None]:
    """This process plays the control point: its gate lets it reach the SSDP group."""
    gate = egress.install(load_settings(tmp_path / "gate"))
    gate.open_lan(DLNA_FEATURE, [])
    yield
    egress.install(load_settings(tmp_path / "gate"))


def _ssdp_sockets(pid: int) -> list[str]:
    found = psutil.Process(pid).net_connections(kind="udp")
    return sorted(f"{c.laddr.ip}:{c.laddr.port}" for c in found if c.laddr.port == 1900)


def _wait_for(condition: object, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _group_listener() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((SSDP_GROUP, 1900))
    sock.setsockopt(
        socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(SSDP_GROUP) + LOOPBACK
    )
    sock.settimeout(0.2)
    return sock


def _drain(sock: socket.socket, seconds: float) -> list[dict[str, str]]:
    """The SSDP messages that reach ``sock`` within ``seconds``, as header dicts."""
    found = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            data = sock.recv(4096)
        except TimeoutError:
            continue
        first, *rest = data.decode("latin-1").split("\r\n")
        headers = {"": first}
        for line in rest:
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().upper()] = value.strip()
        found.append(headers)
    return found


def _searcher(source: str = "127.0.0.1") -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((source, 0))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, LOOPBACK)
    sock.settimeout(0.2)
    return sock


def _search(target: str, mx: int = 1) -> bytes:
    return (
        f'M-SEARCH * HTTP/1.1\r\nHOST: {SSDP_GROUP}:1900\r\nMAN: "ssdp:discover"\r\n'
        f"MX: {mx}\r\nST: {target}\r\nUSER-AGENT: test/1 UPnP/1.1 probe/1\r\n\r\n"
    ).encode()


def _mine(found: list[dict[str, str]], uuid: str) -> list[dict[str, str]]:
    """Only this server's messages (another test's server may share loopback)."""
    return [m for m in found if m.get("USN", "").startswith(f"uuid:{uuid}")]


@pytest.fixture(scope="module")
def dlna(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dlna]:
    base = tmp_path_factory.mktemp("dlna-ssdp")
    port = free_port()
    uuid = _prepare(base / "data", base / "films", dlna_port=port)
    server = ServerProcess(base / "data", free_port())
    try:
        server.wait_ready()
        _wait_for(lambda: _ssdp_sockets(server.process.pid))
        yield Dlna(server, uuid, port, base / "data")
    finally:
        server.stop()


def test_dl01_off_by_default_nothing_listens_and_nothing_is_announced(tmp_path: Path) -> None:
    uuid = _prepare(tmp_path / "data", tmp_path / "films", dlna_port=None)
    with _group_listener() as listener:
        server = ServerProcess(tmp_path / "data", free_port())
        try:
            server.wait_ready()
            heard = _mine(_drain(listener, 5.0), uuid)  # two and a half polls
            assert _ssdp_sockets(server.process.pid) == []
            assert heard == []

            # Turned on from elsewhere (another process, as `parlour dlna` is), it starts;
            # turned off, it says goodbye and lets go of the port.
            app = open_parlour(tmp_path / "data")
            app.dlna.enable(HOST, interfaces=["127.0.0.1"], port=free_port())
            _wait_for(lambda: _ssdp_sockets(server.process.pid))
            heard_on = _drain(listener, 1.0)
            alive = _mine(heard_on, uuid)
            app.dlna.disable(HOST)
            app.close()
            _wait_for(lambda: not _ssdp_sockets(server.process.pid))
            byebye = _mine(_drain(listener, 0.5), uuid)
        finally:
            server.stop()
    assert {m["NTS"] for m in alive} == {"ssdp:alive"} and len(alive) == 6
    # It announces itself and never searches for a router to open ports (no UPnP-IGD).
    assert not [m for m in heard_on if "M-SEARCH" in m[""] or "Gateway" in str(m)]
    assert {m["NTS"] for m in byebye} == {"ssdp:byebye"} and len(byebye) == 6


def test_m_searches_on_loopback_get_the_device_s_answers(dlna: Dlna) -> None:
    udn = f"uuid:{dlna.uuid}"
    location = f"http://127.0.0.1:{dlna.port}/dlna/description.xml"
    with _searcher() as control:
        control.sendto(_search("ssdp:all"), ("127.0.0.1", 1900))
        everything = _mine(_drain(control, QUIET_S), dlna.uuid)
        singles = {}
        for target in ("upnp:rootdevice", udn, DEVICE_TYPE, CDS):
            control.sendto(_search(target), ("127.0.0.1", 1900))
            singles[target] = _mine(_drain(control, 0.5), dlna.uuid)
        control.sendto(_search(CDS, mx=1), (SSDP_GROUP, 1900))  # to the group, within MX
        grouped = _mine(_drain(control, QUIET_S), dlna.uuid)
    assert len(everything) == 6  # root, uuid, device type and the three services
    assert {m["ST"] for m in everything} >= {"upnp:rootdevice", udn, DEVICE_TYPE, CDS}
    for answer in everything:
        assert answer[""] == "HTTP/1.1 200 OK" and answer["LOCATION"] == location
        assert answer["CACHE-CONTROL"] == "max-age=1800" and "EXT" in answer
        assert " UPnP/1.1 Parlour/" in answer["SERVER"]
        assert int(answer["BOOTID.UPNP.ORG"]) > 0
    assert [(m["ST"], m["USN"]) for m in singles["upnp:rootdevice"]] == [
        ("upnp:rootdevice", f"{udn}::upnp:rootdevice")
    ]
    assert [(m["ST"], m["USN"]) for m in singles[udn]] == [(udn, udn)]
    assert [(m["ST"], m["USN"]) for m in singles[DEVICE_TYPE]] == [
        (DEVICE_TYPE, f"{udn}::{DEVICE_TYPE}")
    ]
    assert [(m["ST"], m["USN"]) for m in singles[CDS]] == [(CDS, f"{udn}::{CDS}")]
    assert [m["ST"] for m in grouped] == [CDS]
    description = httpx.get(location, timeout=10)
    assert description.status_code == 200 and dlna.uuid in description.text


def test_dl02_a_source_outside_the_allow_list_gets_no_answer(dlna: Dlna) -> None:
    assert ipaddress.ip_address("127.0.0.9") not in ipaddress.ip_network("127.0.0.0/29")
    with _searcher("127.0.0.9") as stranger, _searcher("127.0.0.2") as neighbour:
        stranger.sendto(_search("ssdp:all"), ("127.0.0.1", 1900))
        stranger.sendto(_search("ssdp:all"), (SSDP_GROUP, 1900))
        neighbour.sendto(_search("upnp:rootdevice"), ("127.0.0.1", 1900))  # the control
        assert len(_mine(_drain(neighbour, 0.5), dlna.uuid)) == 1
        assert _drain(stranger, QUIET_S) == []


def test_dl03_the_eleventh_search_within_a_second_gets_no_answer(dlna: Dlna) -> None:
    with _searcher("127.0.0.3") as busy, _searcher("127.0.0.4") as other:
        for _ in range(11):
            busy.sendto(_search("upnp:rootdevice"), ("127.0.0.1", 1900))
        other.sendto(_search("upnp:rootdevice"), ("127.0.0.1", 1900))
        assert len(_mine(_drain(other, 0.5), dlna.uuid)) == 1  # answered after the eleven
        assert len(_mine(_drain(busy, 0.3), dlna.uuid)) == 10


def test_async_upnp_client_finds_the_server_on_loopback(dlna: Dlna) -> None:
    found: list[dict[str, str]] = []

    async def seen(headers: object) -> None:
        found.append(dict(headers))  # type: ignore[call-overload]

    async def search() -> None:
        await async_search(seen, timeout=2, search_target=DEVICE_TYPE, source=("127.0.0.1", 0))

    anyio.run(search)
    mine = [h for h in found if h.get("USN", "").startswith(f"uuid:{dlna.uuid}")]
    assert [(h["ST"], h["LOCATION"]) for h in mine] == [
        (DEVICE_TYPE, f"http://127.0.0.1:{dlna.port}/dlna/description.xml")
    ]


def test_an_m_search_to_ipv6_loopback_gets_bracketed_answers(dlna: Dlna) -> None:
    """SSDP on the IPv6 interface: bound to ::1 and to ff02::c (scoped to lo), never the
    wildcard; a unicast search is answered with the address in brackets."""
    bound = _ssdp_sockets(dlna.server.process.pid)
    assert {"::1:1900", "ff02::c:1900"} <= set(bound) and "::" not in {b[:-5] for b in bound}
    location = f"http://[::1]:{dlna.port}/dlna/description.xml"
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as control:
        control.bind(("::1", 0))
        control.settimeout(0.2)
        control.sendto(_search("ssdp:all"), ("::1", 1900))
        answers = _mine(_drain(control, QUIET_S), dlna.uuid)
    assert len(answers) == 6 and {a["LOCATION"] for a in answers} == {location}
    description = httpx.get(location, timeout=10)
    assert description.status_code == 200 and dlna.uuid in description.text
