"""This machine's addresses the DLNA server could listen on, for the admin to choose
from rather than type: IPv4 only (SSDP announces on IPv4 only), home-network addresses
only (those ``parlour.domain.dlna.local_address`` accepts), each one a socket can bind.

On Linux every interface's address is asked of the kernel; elsewhere the addresses
the machine's own name resolves to stand in. Nothing is sent on any network.
"""

import ipaddress
import socket
import struct
import sys
from dataclasses import dataclass
from typing import Any

from parlour.domain.accounts import Viewer
from parlour.domain.dlna import local_address
from parlour.domain.errors import InvalidInputError
from parlour.services.dlna import is_own_address

_SIOCGIFADDR = 0x8915  # Linux: an interface's IPv4 address (linux/sockios.h)
_IFNAMSIZ = 16


@dataclass(frozen=True, slots=True)
class MachineAddress:
    address: str
    interface: str  # the interface's name ("eth0"); "" when the platform does not say
    loopback: bool  # reachable from this machine only

    def as_json(self) -> dict[str, Any]:
        return {"address": self.address, "interface": self.interface, "loopback": self.loopback}


def _linux_interfaces() -> list[tuple[str, str]]:
    """(interface, IPv4 address) of every interface that has one."""
    if sys.platform != "linux":
        return []
    import fcntl  # noqa: PLC0415 - Unix only

    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            request = struct.pack("256s", name.encode()[: _IFNAMSIZ - 1])
            try:
                answer = fcntl.ioctl(probe.fileno(), _SIOCGIFADDR, request)
            except OSError:  # no IPv4 address on this interface
                continue
            found.append((name, socket.inet_ntoa(answer[20:24])))
    return found


def _named_addresses() -> list[tuple[str, str]]:
    """("", address) for the addresses this machine's own name resolves to, and loopback."""
    try:
        answers = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        answers = []
    texts = [str(answer[4][0]) for answer in answers]
    return [("", text) for text in [*texts, "127.0.0.1"]]


def machine_addresses(viewer: Viewer) -> list[MachineAddress]:
    """The addresses an admin may choose as DLNA interfaces: the network's first, then
    loopback (useful only to try it on this machine)."""
    viewer.require_admin()
    chosen: dict[str, MachineAddress] = {}
    for interface, text in _linux_interfaces() or _named_addresses():
        try:
            address = local_address(text)
        except InvalidInputError:  # a public address: never offered (DL-02)
            continue
        if not isinstance(address, ipaddress.IPv4Address) or str(address) in chosen:
            continue
        if is_own_address(address):
            chosen[str(address)] = MachineAddress(str(address), interface, address.is_loopback)
    return sorted(chosen.values(), key=lambda a: (a.loopback, ipaddress.ip_address(a.address)))
