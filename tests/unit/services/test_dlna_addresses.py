"""The addresses offered to the admin as DLNA interfaces: this machine's own, on home
networks only (IPv4's private ranges; IPv6's unique local and link-local, the latter
with its interface as zone), loopback last; admins only."""

import ipaddress
import socket
import sys

import psutil
import pytest

from parlour.domain.accounts import HOST, Role, Viewer
from parlour.domain.dlna import local_address
from parlour.domain.errors import PermissionDeniedError
from parlour.services.dlna import socket_address
from parlour.services.dlna_addresses import machine_addresses

UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")


def test_every_address_offered_is_this_machines_own_and_on_a_home_network() -> None:
    found = machine_addresses(HOST)
    assert found, "not even loopback was offered"
    for offered in found:
        address = local_address(offered.address)  # accepted as an interface, as typed
        if isinstance(address, ipaddress.IPv6Address):
            assert address.is_loopback or address in UNIQUE_LOCAL or address.is_link_local
            assert bool(address.scope_id) == address.is_link_local  # zoned: names its link
        assert offered.loopback == address.is_loopback
        family = socket.AF_INET if address.version == 4 else socket.AF_INET6
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.bind(socket_address(address, 0))  # it is one of this machine's
    assert len({offered.address for offered in found}) == len(found)
    # The network's addresses come first; loopback, which no TV can reach, last.
    loopbacks = [offered.loopback for offered in found]
    assert loopbacks == sorted(loopbacks) and loopbacks[-1]


def test_this_machine_s_ipv6_home_addresses_are_offered_with_their_interface() -> None:
    """Every unique local and link-local address psutil sees (the kernel's view, asked
    apart from the code under test) is offered, a link-local one zoned by its interface."""
    offered = {(o.address, o.interface) for o in machine_addresses(HOST)}
    expected = set()
    for name, addresses in psutil.net_if_addrs().items():
        for found in addresses:
            if found.family != socket.AF_INET6:
                continue
            address = ipaddress.IPv6Address(found.address.split("%", 1)[0])
            if address.is_link_local:
                expected.add((f"{address}%{name}", name))
            elif address in UNIQUE_LOCAL or address.is_loopback:
                expected.add((str(address), name))
    if sys.platform == "linux":
        assert ("::1", "lo") in offered  # loopback's IPv6 address, at least
        assert expected <= offered


def test_each_address_names_its_interface_where_the_platform_says() -> None:
    found = [offered.as_json() for offered in machine_addresses(HOST)]
    if sys.platform == "linux":  # asked of the kernel, interface by interface
        assert all(offered["interface"] for offered in found)
        assert {"address": "127.0.0.1", "interface": "lo", "loopback": True} in found
    else:  # the machine's name resolved: no interface to name
        assert all(offered["interface"] == "" for offered in found)


def test_only_an_admin_may_list_them() -> None:
    plain = Viewer("0" * 32, "sam", Role.USER, frozenset())
    with pytest.raises(PermissionDeniedError):
        machine_addresses(plain)
