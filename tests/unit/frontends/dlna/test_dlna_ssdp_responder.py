"""The SSDP responder and announcer on loopback (DL-02, DL-03): what it answers, to whom,
how often, and what it announces.

The sandbox delivers multicast on the loopback interface (239.255.255.250 joined on
127.0.0.1, multicast loop on), so searches go both to the group and unicast. The
responder runs on a free port instead of 1900 so that tests never meet a real SSDP
stack; tests/integration/test_dlna_ssdp.py covers port 1900 under `parlour serve`. The
outbound gate is in place, opened for DLNA as the runtime opens it.
"""

import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import anyio
import pytest

from parlour.frontends.dlna.ssdp import (
    DEVICE_TYPE,
    Advert,
    SourceLimit,
    Ssdp,
    SsdpInterface,
    parse_search,
)
from parlour.frontends.dlna.ssdp_sockets import MULTICAST_TTL
from parlour.privacy import egress
from parlour.privacy.outbound_features import DLNA_FEATURE, SSDP_GROUP
from parlour.settings import load_settings
from ssdp_support import datagrams, free_udp_port, ssdp_headers

UUID = "5b3c1b5e-1f0e-4f62-9d0c-2b7e8c1d0a11"
CDS = "urn:schemas-upnp-org:service:ContentDirectory:1"
CMS = "urn:schemas-upnp-org:service:ConnectionManager:1"
LOOPBACK = ipaddress.IPv4Address("127.0.0.1")
QUIET_S = 0.6  # how long a test listens for an answer that must not come


@pytest.fixture(autouse=True)
def gate(tmp_path: Path) -> Iterator[egress.EgressGate]:
    """The outbound gate of a fresh install, opened for DLNA on no subnet: the group
    only (loopback always passes)."""
    gate = egress.install(load_settings(tmp_path))
    gate.open_lan(DLNA_FEATURE, [])
    yield gate
    egress.install(load_settings(tmp_path))


def _advert() -> Advert:
    return Advert(UUID, "http://127.0.0.1:8421/dlna/description.xml", (CDS, CMS), "T/1", 7, 9)


def _search(target: str, mx: int | None = 1) -> bytes:
    lines = ["M-SEARCH * HTTP/1.1", f"HOST: {SSDP_GROUP}:1900", 'MAN: "ssdp:discover"']
    lines += [f"MX: {mx}"] if mx is not None else []
    return ("\r\n".join([*lines, f"ST: {target}", "", ""])).encode()


def _client(source: str = "127.0.0.1") -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((source, 0))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, LOOPBACK.packed)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
    sock.setblocking(False)
    return sock


Scenario = Callable[[SsdpInterface, int], Awaitable[None]]


def _run(scenario: Scenario, allow: str = "127.0.0.1/32", limit: SourceLimit | None = None) -> None:
    network = ipaddress.ip_network(allow)
    port = free_udp_port()

    async def main() -> None:
        interface = SsdpInterface(
            LOOPBACK,
            _advert(),
            lambda source: ipaddress.ip_address(source) in network,
            limit or SourceLimit(),
            port=port,
        )
        await interface.start()
        try:
            await scenario(interface, port)
        finally:
            interface.close()

    anyio.run(main)


def test_parse_search_takes_only_well_formed_m_searches() -> None:
    found = parse_search(_search("ssdp:all", mx=9))
    assert found is not None and (found.target, found.delay_s) == ("ssdp:all", 5)
    assert parse_search(_search("upnp:rootdevice", mx=None)).delay_s is None  # type: ignore[union-attr]
    assert parse_search(_search("ssdp:all").replace(b'"ssdp:discover"', b"ssdp:discover")) is None
    assert parse_search(b"NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\n\r\n") is None
    assert parse_search(_search("ssdp:all") + b"X" * 4096) is None
    assert parse_search(_search("")) is None


def test_targets_answered_for_each_search_target() -> None:
    advert = _advert()
    udn = f"uuid:{UUID}"
    everything = advert.matches("ssdp:all")
    assert everything == [
        ("upnp:rootdevice", f"{udn}::upnp:rootdevice"),
        (udn, udn),
        (DEVICE_TYPE, f"{udn}::{DEVICE_TYPE}"),
        (CDS, f"{udn}::{CDS}"),
        (CMS, f"{udn}::{CMS}"),
    ]
    assert advert.matches("upnp:rootdevice") == [everything[0]]
    assert advert.matches(udn) == [everything[1]]
    assert advert.matches(DEVICE_TYPE) == [everything[2]]
    assert advert.matches(CDS) == [everything[3]]
    assert advert.matches(CDS[:-1] + "2") == []  # a newer version than ours
    assert advert.matches("uuid:someone-else") == []
    assert advert.matches("urn:schemas-upnp-org:device:MediaRenderer:1") == []


def test_source_limit_answers_ten_a_second_per_source_with_bounded_memory() -> None:
    now = [100.0]
    limit = SourceLimit(per_second=10, max_sources=2, clock=lambda: now[0])
    assert [limit.take("10.0.0.1") for _ in range(11)] == [True] * 10 + [False]
    assert limit.take("10.0.0.2")  # another source has its own allowance
    assert not limit.take("10.0.0.3")  # memory full of sources heard this second
    now[0] += 1.01
    assert limit.take("10.0.0.1")  # a second later
    assert limit.take("10.0.0.3")  # the quiet sources were forgotten


def test_a_unicast_search_gets_one_answer_per_target_at_once() -> None:
    async def scenario(_: SsdpInterface, port: int) -> None:
        with _client() as client:
            client.sendto(_search("ssdp:all", mx=None), ("127.0.0.1", port))
            answers = [ssdp_headers(d) for d in await datagrams(client, QUIET_S)]
        assert len(answers) == 5
        assert {a["ST"] for a in answers} == {t for t, _ in _advert().targets()}
        for answer in answers:
            assert answer[""] == "HTTP/1.1 200 OK"
            assert answer["LOCATION"] == "http://127.0.0.1:8421/dlna/description.xml"
            assert answer["CACHE-CONTROL"] == "max-age=1800" and answer["EXT"] == ""
            assert answer["USN"].startswith(f"uuid:{UUID}")
            assert (answer["BOOTID.UPNP.ORG"], answer["CONFIGID.UPNP.ORG"]) == ("7", "9")

    _run(scenario)


def test_a_multicast_search_is_answered_within_its_mx() -> None:
    async def scenario(_: SsdpInterface, port: int) -> None:
        with _client() as client:
            client.sendto(_search(CDS, mx=1), (SSDP_GROUP, port))
            client.sendto(_search(DEVICE_TYPE, mx=None), (SSDP_GROUP, port))  # no MX: ignored
            answers = [ssdp_headers(d) for d in await datagrams(client, 1.5)]
        assert [(a["ST"], a["USN"]) for a in answers] == [(CDS, f"uuid:{UUID}::{CDS}")]

    _run(scenario)


def test_a_source_outside_the_allow_list_gets_nothing() -> None:
    async def scenario(_: SsdpInterface, port: int) -> None:
        with _client("127.0.0.2") as stranger, _client() as known:
            for destination in (("127.0.0.1", port), (SSDP_GROUP, port)):
                stranger.sendto(_search("ssdp:all", mx=1), destination)
            known.sendto(_search("upnp:rootdevice", mx=None), ("127.0.0.1", port))
            assert len(await datagrams(known, QUIET_S)) == 1  # the responder is there
            assert await datagrams(stranger, 1.2) == []

    _run(scenario)


def test_the_eleventh_search_within_a_second_gets_no_answer() -> None:
    async def scenario(_: SsdpInterface, port: int) -> None:
        with _client() as busy, _client("127.0.0.3") as other:
            for _ in range(11):
                busy.sendto(_search("upnp:rootdevice", mx=None), ("127.0.0.1", port))
            other.sendto(_search("upnp:rootdevice", mx=None), ("127.0.0.1", port))
            assert len(await datagrams(other, QUIET_S)) == 1  # answered after the eleven
            assert len(await datagrams(busy, 0.1)) == 10

    _run(scenario, allow="127.0.0.0/8")


def test_alive_notifications_at_start_and_byebye_at_stop() -> None:
    port = free_udp_port()

    async def main() -> list[dict[str, str]]:
        listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((SSDP_GROUP, port))
        membership = ipaddress.IPv4Address(SSDP_GROUP).packed + LOOPBACK.packed
        listener.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
        listener.setblocking(False)
        interface = SsdpInterface(LOOPBACK, _advert(), lambda _: True, SourceLimit(), port=port)
        ssdp = Ssdp([interface])
        with listener:
            await ssdp.start()
            heard = await datagrams(listener, 0.8)
            await ssdp.stop()
            heard += await datagrams(listener, 0.3)
        return [ssdp_headers(d) for d in heard]

    heard = anyio.run(main)
    alive = [h for h in heard if h.get("NTS") == "ssdp:alive"]
    byebye = [h for h in heard if h.get("NTS") == "ssdp:byebye"]
    targets = {t for t, _ in _advert().targets()}
    assert {h["NT"] for h in alive} == targets and {h["NT"] for h in byebye} == targets
    for notice in alive:
        assert notice[""] == "NOTIFY * HTTP/1.1" and notice["HOST"] == f"{SSDP_GROUP}:1900"
        assert notice["LOCATION"].endswith("/dlna/description.xml")
        assert notice["CACHE-CONTROL"] == "max-age=1800" and notice["SERVER"] == "T/1"
        assert notice["BOOTID.UPNP.ORG"] == "7"
    assert all("LOCATION" not in h for h in byebye)
    assert heard.index(byebye[0]) > heard.index(alive[-1])


def test_the_sending_socket_keeps_multicast_on_the_home_network() -> None:
    async def scenario(interface: SsdpInterface, port: int) -> None:
        transport = interface._unicast  # its socket options are the point
        assert transport is not None
        sock = transport.get_extra_info("socket")
        assert sock.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL) == MULTICAST_TTL
        assert sock.getsockname() == ("127.0.0.1", port)  # never the wildcard
        interface_address = sock.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, 4)
        assert interface_address == LOOPBACK.packed

    _run(scenario)


def test_nothing_is_answered_once_closed() -> None:
    async def scenario(interface: SsdpInterface, port: int) -> None:
        interface.close()
        with _client() as client:
            client.sendto(_search("ssdp:all", mx=None), ("127.0.0.1", port))
            assert await datagrams(client, QUIET_S) == []

    _run(scenario)


def test_with_the_gate_closed_no_announcement_leaves(gate: egress.EgressGate) -> None:
    gate.close_lan(DLNA_FEATURE)

    async def scenario(interface: SsdpInterface, _: int) -> None:
        interface.announce(alive=True)

    _run(scenario)
    assert gate.refused().by_feature == {DLNA_FEATURE: len(_advert().targets())}
