"""The outbound gate's home-network rule for DLNA (DL-02, R-7): while the DLNA server runs,
its SSDP datagrams may go to the multicast groups (239.255.255.250, and FF02::C for IPv6
interfaces) and to private addresses in the allow-list, and its event notifications only
to such addresses; nothing else opens, not while it is off, and never a public address
or a name. ``offline`` (about the internet) does not hold it back.

Sockets come from ``_socket`` so that only the audit hook, not pytest-socket, decides.
Datagrams that are let through leave by the loopback interface (multicast interface
127.0.0.1), so nothing reaches a real network."""

import _socket
import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import psutil
import pytest

from parlour.privacy import egress
from parlour.privacy.egress import EgressGate, EgressRefusedError, report
from parlour.privacy.outbound_features import DLNA_FEATURE, SSDP_GROUP, SSDP_GROUP_V6
from parlour.privacy.outbound_http import host_header, send_home
from parlour.settings import load_settings

HOME = ipaddress.ip_network("192.168.1.0/24")
Install = Callable[..., EgressGate]


@pytest.fixture
def install(tmp_path: Path) -> Iterator[Install]:
    def put(**settings: object) -> EgressGate:
        return egress.install(load_settings(tmp_path, **settings))

    yield put
    egress.install(load_settings(tmp_path))


def _multicast_sender() -> closing[_socket.socket]:
    sock = _socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
    return closing(sock)


def test_while_dlna_is_off_nothing_on_the_home_network_is_reachable(install: Install) -> None:
    gate = install()
    for host in (SSDP_GROUP, SSDP_GROUP_V6, "192.168.1.20", "10.0.0.5", "fe80::1"):
        decision = gate.decide(host)
        assert not decision.allowed, host
    with _multicast_sender() as sock, pytest.raises(EgressRefusedError):
        sock.sendto(b"NOTIFY * HTTP/1.1\r\n\r\n", (SSDP_GROUP, 1900))
    assert gate.refused().by_feature == {DLNA_FEATURE: 1}  # the group is dlna's host
    dlna = next(f for f in report(gate)["features"] if f["name"] == DLNA_FEATURE)
    assert (dlna["state"], dlna["active"], dlna["offline_blocks"]) == ("disabled", False, False)
    assert dlna["hosts"] == [SSDP_GROUP, SSDP_GROUP_V6]


def test_while_dlna_runs_only_the_group_and_allow_listed_home_addresses_open(
    install: Install,
) -> None:
    gate = install()  # offline, as a fresh install is
    assert gate.offline
    gate.open_lan(DLNA_FEATURE, [HOME, ipaddress.ip_network("8.8.8.0/24")])
    for host in (SSDP_GROUP, "192.168.1.20", "::ffff:192.168.1.21"):
        decision = gate.decide(host)
        assert (decision.allowed, decision.feature) == (True, DLNA_FEATURE), host
    for host in ("192.168.2.20", "10.0.0.5", "8.8.8.8", "tv.local", "224.0.0.251"):
        assert not gate.decide(host).allowed, host  # another subnet, public, a name
    received = _socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    with closing(received), _multicast_sender() as sock:
        received.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        received.bind((SSDP_GROUP, 0))
        membership = socket.inet_aton(SSDP_GROUP) + socket.inet_aton("127.0.0.1")
        received.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
        received.settimeout(5)
        sock.sendto(b"alive", (SSDP_GROUP, received.getsockname()[1]))
        assert received.recv(16) == b"alive"
    dlna = next(f for f in report(gate)["features"] if f["name"] == DLNA_FEATURE)
    assert (dlna["state"], dlna["active"]) == ("enabled", True)

    gate.close_lan(DLNA_FEATURE)
    assert not gate.decide(SSDP_GROUP).allowed and not gate.decide("192.168.1.20").allowed
    assert gate.refused().total == 0


def _ipv6_loopback_interface() -> str:
    """The interface psutil says has ::1: datagrams the gate lets through stay on it."""
    [name] = [
        name
        for name, addresses in psutil.net_if_addrs().items()
        if any(a.family == socket.AF_INET6 and a.address == "::1" for a in addresses)
    ]
    return name


def test_the_ipv6_group_opens_with_dlna_and_no_other_ipv6_destination_does(
    install: Install,
) -> None:
    """FF02::C passes only while DLNA runs; other IPv6 groups (mDNS's, all-nodes, the
    site-local SSDP group), global addresses and unlisted home subnets never do. Linux's
    lo has no IPv6 multicast, so a datagram the gate lets through is refused by the
    kernel (unreachable) rather than received; the gate's word is what is checked."""
    gate = install()
    lo = socket.if_nametoindex(_ipv6_loopback_interface())
    with closing(_socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)) as sock:
        with pytest.raises(EgressRefusedError):
            sock.sendto(b"NOTIFY * HTTP/1.1\r\n\r\n", (SSDP_GROUP_V6, 1900, 0, lo))
        assert gate.refused().by_feature == {DLNA_FEATURE: 1}
        gate.open_lan(DLNA_FEATURE, [ipaddress.ip_network("fd00::/64")])
        for host in (SSDP_GROUP_V6, "FF02::C", "[ff02::c]", "fd00::20"):
            decision = gate.decide(host)
            assert (decision.allowed, decision.feature) == (True, DLNA_FEATURE), host
        # Other groups, a home address not in the allow-list (link-local too), global.
        others = ("ff02::fb", "ff02::1", "ff05::c", "ff0e::c", "fd01::20", "fe80::1")
        for host in (*others, "2606:4700::1111"):
            assert not gate.decide(host).allowed, host
        try:
            sock.sendto(b"NOTIFY * HTTP/1.1\r\n\r\n", (SSDP_GROUP_V6, 1900, 0, lo))
        except EgressRefusedError:
            pytest.fail("the gate refused FF02::C while DLNA runs")
        except OSError:
            pass  # past the gate: lo has no IPv6 multicast, so the kernel has no route
        with pytest.raises(EgressRefusedError):
            sock.sendto(b"NOTIFY * HTTP/1.1\r\n\r\n", ("ff02::fb", 5353, 0, lo))
        gate.close_lan(DLNA_FEATURE)
        assert not gate.decide(SSDP_GROUP_V6).allowed


def test_only_a_declared_home_network_feature_can_be_opened(install: Install) -> None:
    gate = install()
    for name in ("usage_reports", "nobody"):
        with pytest.raises(ValueError, match="home-network"):
            gate.open_lan(name, [HOME])
    assert not gate.decide("192.168.1.20").allowed


class _Receiver(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str, dict[str, str], bytes]]] = []

    def do_NOTIFY(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append((self.command, self.path, dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


def test_send_home_reaches_only_addresses_the_feature_may_reach(install: Install) -> None:
    gate = install()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/event/cds"
        headers = [("SID", "uuid:1"), ("SEQ", "0")]
        sent = send_home(gate, DLNA_FEATURE, "NOTIFY", url, headers, b"<e:propertyset/>")
        assert sent.ok and sent.status == 200
        [(method, path, seen_headers, body)] = _Receiver.seen
        assert (method, path, body) == ("NOTIFY", "/event/cds", b"<e:propertyset/>")
        assert seen_headers["SID"] == "uuid:1" and "User-Agent" not in seen_headers
    finally:
        server.shutdown()
        server.server_close()
    gate.open_lan(DLNA_FEATURE, [HOME])
    for refused in (
        "http://192.168.2.5:80/",  # not in the allow-list
        "http://tv.local/",  # a name is never looked up
        "https://192.168.1.5/",  # not plain http
        "http://8.8.8.8/",
    ):
        answer = send_home(gate, DLNA_FEATURE, "NOTIFY", refused, [], b"")
        assert not answer.ok and answer.status is None, refused
    assert gate.refused().total == 0  # refused before any socket was made


def test_the_host_header_names_an_address_without_this_machine_s_zone() -> None:
    """A device on the link reached through our interface's zone is named by its bare
    address: the zone (our interface's name) is not sent."""
    assert host_header("fe80::5%eth0", 8080) == "[fe80::5]:8080"
    assert host_header("fd00::5", 80) == "[fd00::5]:80"
    assert host_header("192.168.1.20", 49152) == "192.168.1.20:49152"
