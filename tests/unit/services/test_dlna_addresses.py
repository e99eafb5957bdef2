"""The addresses offered to the admin as DLNA interfaces: this machine's own, on home
networks only, IPv4, loopback last; admins only."""

import ipaddress
import socket
import sys

import pytest

from parlour.domain.accounts import HOST, Role, Viewer
from parlour.domain.dlna import local_address
from parlour.domain.errors import PermissionDeniedError
from parlour.services.dlna_addresses import machine_addresses


def test_every_address_offered_is_this_machines_own_and_on_a_home_network() -> None:
    found = machine_addresses(HOST)
    assert found, "not even loopback was offered"
    for offered in found:
        address = local_address(offered.address)  # accepted as an interface, as typed
        assert isinstance(address, ipaddress.IPv4Address)
        assert offered.loopback == address.is_loopback
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind((offered.address, 0))  # it is one of this machine's
    assert len({offered.address for offered in found}) == len(found)
    # The network's addresses come first; loopback, which no TV can reach, last.
    loopbacks = [offered.loopback for offered in found]
    assert loopbacks == sorted(loopbacks) and loopbacks[-1]


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
