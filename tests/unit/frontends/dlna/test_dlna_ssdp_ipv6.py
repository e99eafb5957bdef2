"""SSDP and GENA on IPv6 (Device Architecture 1.1, Annex A), with real sockets on ::1.

Why multicast itself is not exercised: Linux's loopback interface has no IPv6 multicast
(no MULTICAST flag: a datagram to ff02::c%lo fails with "network unreachable"), and the
tests may not change the machine's interfaces nor use any other. So what runs here is
what loopback allows: the group socket is bound to ff02::c scoped to lo and joined there
(the kernel accepts both), searches are sent unicast to [::1]:<port>, announcements are
checked in their bytes and at the outbound gate, and the runtime is started for ::1.
The responder is the one IPv4 uses; its multicast path is covered over IPv4 loopback in
test_dlna_ssdp_responder.py.
"""

import ipaddress
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import anyio
import httpx
import psutil
import pytest
from async_upnp_client.ssdp import decode_ssdp_packet

from parlour.domain.accounts import HOST
from parlour.domain.dlna import DlnaConfig
from parlour.frontends.dlna.events import Subscriptions, callback_urls, on_link
from parlour.frontends.dlna.runtime import DlnaRuntime
from parlour.frontends.dlna.ssdp import Advert, SourceLimit, SsdpInterface
from parlour.frontends.dlna.ssdp_sockets import (
    MULTICAST_HOPS,
    group_host,
    interface_index,
    url_host,
)
from parlour.privacy import egress
from parlour.privacy.outbound_features import DLNA_FEATURE, SSDP_GROUP_V6
from parlour.services.application import Parlour
from parlour.settings import load_settings
from ssdp_support import datagrams, free_udp_port, ssdp_headers
from support import free_port, open_parlour

UUID = "5b3c1b5e-1f0e-4f62-9d0c-2b7e8c1d0a11"
CDS = "urn:schemas-upnp-org:service:ContentDirectory:1"
LOOPBACK = ipaddress.IPv6Address("::1")
LOCATION = "http://[::1]:8421/dlna/description.xml"
QUIET_S = 0.6  # how long a test listens for an answer that must not come
SEARCH = (
    b'M-SEARCH * HTTP/1.1\r\nHOST: [FF02::C]:1900\r\nMAN: "ssdp:discover"\r\nST: ssdp:all\r\n\r\n'
)


@pytest.fixture(autouse=True)
def gate(tmp_path: Path) -> Iterator[egress.EgressGate]:
    """The outbound gate of a fresh install, opened for DLNA as the runtime opens it."""
    gate = egress.install(load_settings(tmp_path))
    gate.open_lan(DLNA_FEATURE, [])
    yield gate
    egress.install(load_settings(tmp_path))


def _loopback_index() -> int:
    """The index of the interface psutil says has ::1 (the kernel's view, asked apart
    from the code under test)."""
    [name] = [
        name
        for name, addresses in psutil.net_if_addrs().items()
        if any(a.family == socket.AF_INET6 and a.address == "::1" for a in addresses)
    ]
    return socket.if_nametoindex(name)


def _advert(location: str = LOCATION) -> Advert:
    host = group_host(SSDP_GROUP_V6)
    return Advert(UUID, location, (CDS,), "T/1", 7, 9, host)


def _client() -> socket.socket:
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.bind(("::1", 0))
    sock.setblocking(False)
    return sock


def _run(allow: str, scenario: Callable[[SsdpInterface, int], Awaitable[None]]) -> None:
    config = DlnaConfig(enabled=True, allow=(ipaddress.ip_network(allow),))
    port = free_udp_port("::1")

    async def main() -> None:
        interface = SsdpInterface(
            LOOPBACK,
            _advert(),
            config.admits,
            SourceLimit(),
            port=port,
            index=interface_index(LOOPBACK),
        )
        await interface.start()
        try:
            await scenario(interface, port)
        finally:
            interface.close()

    anyio.run(main)


def test_the_interface_index_is_the_kernel_s() -> None:
    lo = _loopback_index()
    assert interface_index(LOOPBACK) == lo
    assert interface_index(ipaddress.IPv6Address(f"fe80::1%{lo}")) == lo
    name = socket.if_indextoname(lo)
    assert interface_index(ipaddress.IPv6Address(f"fe80::1%{name}")) == lo
    assert interface_index(ipaddress.IPv6Address("fd00:5eed::dead:beef")) is None  # not ours
    assert interface_index(ipaddress.IPv4Address("127.0.0.1")) is None


def test_a_unicast_search_from_an_allowed_ipv6_source_is_answered() -> None:
    async def scenario(_: SsdpInterface, port: int) -> None:
        with _client() as client:
            client.sendto(SEARCH, ("::1", port))
            answers = [ssdp_headers(d) for d in await datagrams(client, QUIET_S)]
        assert len(answers) == len(_advert().targets()) == 4
        for answer in answers:
            assert answer[""] == "HTTP/1.1 200 OK"
            assert answer["LOCATION"] == LOCATION  # the address in brackets
            assert answer["USN"].startswith(f"uuid:{UUID}")

    _run("::1/128", scenario)


def test_an_ipv6_source_outside_the_allow_list_gets_nothing() -> None:
    async def scenario(_: SsdpInterface, port: int) -> None:
        with _client() as client:
            client.sendto(SEARCH, ("::1", port))
            assert await datagrams(client, QUIET_S) == []

    _run("fd00::/64", scenario)


def test_the_ipv6_sockets_stay_on_their_interface() -> None:
    async def scenario(interface: SsdpInterface, port: int) -> None:
        lo = _loopback_index()
        assert interface._unicast is not None and interface._multicast is not None
        unicast = interface._unicast.get_extra_info("socket")
        assert unicast.getsockname() == ("::1", port, 0, 0)  # the address, not the wildcard
        assert unicast.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS) == 2
        assert MULTICAST_HOPS == 2
        assert unicast.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF) == lo
        group = interface._multicast.get_extra_info("socket")
        assert group.getsockname() == ("ff02::c", port, 0, lo)  # the group, scoped to lo

    _run("::1/128", scenario)


def test_notify_and_byebye_name_the_ipv6_group_and_a_bracketed_location() -> None:
    advert = _advert("http://[fe80::1]:8421/dlna/description.xml")
    alive = advert.notify("upnp:rootdevice", f"uuid:{UUID}::upnp:rootdevice", alive=True)
    byebye = advert.notify("upnp:rootdevice", f"uuid:{UUID}::upnp:rootdevice", alive=False)
    said = ssdp_headers(alive)
    assert (said[""], said["HOST"], said["NTS"]) == (
        "NOTIFY * HTTP/1.1",
        "[FF02::C]:1900",
        "ssdp:alive",
    )
    assert said["LOCATION"] == "http://[fe80::1]:8421/dlna/description.xml"
    gone = ssdp_headers(byebye)
    assert (gone["HOST"], gone["NTS"]) == ("[FF02::C]:1900", "ssdp:byebye")
    assert "LOCATION" not in gone
    # A control point adds the zone of the interface it heard us on (async-upnp-client).
    _, heard = decode_ssdp_packet(alive, None, ("fe80::1", 1900, 0, 4))
    assert heard["location"] == "http://[fe80::1%4]:8421/dlna/description.xml"


def test_a_url_names_an_ipv6_interface_in_brackets_and_without_its_zone() -> None:
    assert url_host(ipaddress.ip_address("fe80::1%eth0")) == "[fe80::1]"
    assert url_host(ipaddress.ip_address("fd00::2")) == "[fd00::2]"
    assert url_host(ipaddress.ip_address("192.168.1.2")) == "192.168.1.2"


def test_announcements_to_ff02_c_pass_the_gate_only_while_dlna_runs(
    gate: egress.EgressGate,
) -> None:
    async def announce(interface: SsdpInterface, _: int) -> None:
        interface.announce(alive=True)

    _run("::1/128", announce)  # open: let out (lo then drops it: no multicast there)
    assert gate.refused().total == 0
    gate.close_lan(DLNA_FEATURE)
    _run("::1/128", announce)
    refused = gate.refused()
    assert refused.by_feature == {DLNA_FEATURE: len(_advert().targets())}
    assert all(d.startswith("[ff02::c]:") for d in refused.by_destination)


class _Receiver(BaseHTTPRequestHandler):
    def do_NOTIFY(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.seen.append((self.path, body))  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


class _Server6(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def test_an_event_reaches_an_ipv6_subscriber_at_its_bracketed_callback(
    gate: egress.EgressGate,
) -> None:
    config = DlnaConfig(
        enabled=True,
        interfaces=(LOOPBACK,),
        allow=(ipaddress.ip_network("::1/128"), ipaddress.ip_network("fd00::/64")),
    )
    assert callback_urls("<http://[fd00::5]:8080/cb>", "fd00::5", config) == (
        "http://[fd00::5]:8080/cb",
    )
    assert callback_urls("<http://[fd00::6]:8080/cb>", "fd00::5", config) is None
    assert callback_urls("<http://[fd01::5]/cb>", "fd01::5", config) is None  # not allowed
    assert callback_urls("<http://fd00::5:8080/cb>", "fd00::5", config) is None  # no brackets
    server = _Server6(("::1", 0), _Receiver)
    server.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://[::1]:{server.server_address[1]}/cb"
    urls = callback_urls(f"<{url}>", "::1", config)
    assert urls == (url,)

    async def state(_service: str, _config: DlnaConfig) -> dict[str, str]:
        return {"SystemUpdateID": "3"}

    async def main() -> None:
        subscriptions = Subscriptions(gate, lambda: config, state, "T/1")
        found = subscriptions.add("ContentDirectory", "::1", urls, 300)
        assert found is not None
        await subscriptions.initial_event(found)
        await subscriptions.close()

    try:
        anyio.run(main)
    finally:
        server.shutdown()
        server.server_close()
    [(path, body)] = server.seen  # type: ignore[attr-defined]
    assert path == "/cb" and b"<SystemUpdateID>3</SystemUpdateID>" in body
    assert gate.refused().total == 0


def test_a_link_local_callback_is_sent_on_the_link_the_subscription_came_from() -> None:
    lo = socket.if_indextoname(_loopback_index())
    config = DlnaConfig(
        enabled=True,
        interfaces=(ipaddress.ip_address(f"fe80::1%{lo}"), ipaddress.ip_address("fd00::2")),
        allow=(ipaddress.ip_network("fe80::/64"),),
    )
    urls = ("http://[fe80::5]:8080/cb", "http://[fe80::5%25other]/cb", "http://[fd00::5]/x")
    assert on_link(urls, "fe80::1", config) == (
        f"http://[fe80::5%{lo}]:8080/cb",
        f"http://[fe80::5%{lo}]/cb",
        "http://[fd00::5]/x",  # not link-local: no zone
    )
    assert on_link(urls, "fd00::2", config) == urls  # an interface without a zone


def _udp_sockets_on(port: int) -> list[tuple[str, int]]:
    """(local address, family) of this process's UDP sockets on ``port``, as psutil sees them."""
    found = psutil.Process().net_connections(kind="udp")
    return [(c.laddr.ip, c.family) for c in found if c.laddr and c.laddr.port == port]


def test_the_runtime_runs_ssdp_on_an_ipv6_interface_and_nothing_while_off(
    tmp_path: Path,
) -> None:
    parlour: Parlour = open_parlour(tmp_path / "data")
    (tmp_path / "films").mkdir()
    parlour.libraries.add(HOST, "movies", str(tmp_path / "films"), "Films")
    http_port, ssdp_port = free_port(), free_udp_port("::1")
    runtime = DlnaRuntime(parlour, ssdp_port=ssdp_port, poll_s=0.1)

    async def until(check: Callable[[], bool]) -> None:
        deadline = time.monotonic() + 20
        while not check():
            assert time.monotonic() < deadline, "timed out"
            await anyio.sleep(0.05)

    async def scenario() -> None:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(runtime.run)
            await anyio.sleep(0.3)
            assert _udp_sockets_on(ssdp_port) == [] and _udp_sockets_on(1900) == []
            parlour.dlna.enable(HOST, interfaces=["::1"], libraries=["Films"], port=http_port)
            await until(lambda: len(_udp_sockets_on(ssdp_port)) == 2)  # address and group
            assert set(_udp_sockets_on(ssdp_port)) == {
                ("::1", socket.AF_INET6),
                ("ff02::c", socket.AF_INET6),
            }
            with _client() as client:
                client.sendto(SEARCH, ("::1", ssdp_port))
                answers = [ssdp_headers(d) for d in await datagrams(client, QUIET_S)]
            assert answers, "no answer from the runtime's responder"
            location = f"http://[::1]:{http_port}/dlna/description.xml"
            assert {a["LOCATION"] for a in answers} == {location}
            async with httpx.AsyncClient(timeout=5) as http:
                assert (await http.get(location)).status_code == 200
            parlour.dlna.disable(HOST)
            await until(lambda: _udp_sockets_on(ssdp_port) == [])
            assert _udp_sockets_on(1900) == []
            tasks.cancel_scope.cancel()

    try:
        anyio.run(scenario)
    finally:
        parlour.close()
