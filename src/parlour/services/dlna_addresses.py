"""This machine's addresses the DLNA server could listen on, for the admin to choose
from rather than type: home-network addresses only (those
``parlour.domain.dlna.local_address`` accepts), each one a socket can bind. IPv4, and
IPv6's home addresses: unique local (fc00::/7) and link-local, the latter with its
interface as its zone (fe80::1%eth0), without which it names no interface.

On Linux every interface's address is asked of the kernel; elsewhere the addresses
the machine's own name resolves to stand in. Nothing is sent on any network.
"""

import ipaddress
import socket
import struct
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parlour.domain.accounts import Viewer
from parlour.domain.dlna import local_address
from parlour.domain.errors import InvalidInputError
from parlour.services.dlna import is_own_address

_SIOCGIFADDR = 0x8915  # Linux: an interface's IPv4 address (linux/sockios.h)
_IFNAMSIZ = 16
_IF_INET6 = Path("/proc/net/if_inet6")  # Linux: every IPv6 address and its interface
_UNIQUE_LOCAL = ipaddress.IPv6Network("fc00::/7")
_FAMILIES = (socket.AF_INET, socket.AF_INET6)


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


def _linux_interfaces_v6() -> list[tuple[str, str]]:
    """(interface, IPv6 address) of every IPv6 address the kernel lists; a link-local
    one carries its interface as its zone."""
    if sys.platform != "linux":
        return []
    try:
        table = _IF_INET6.read_text()
    except OSError:  # IPv6 is off
        return []
    found = []
    for line in table.splitlines():
        fields = line.split()
        if len(fields) < 6 or len(fields[0]) != 32:
            continue
        address = ipaddress.IPv6Address(bytes.fromhex(fields[0]))
        name = fields[5]
        found.append((name, f"{address}%{name}" if address.is_link_local else str(address)))
    return found


def _named_addresses() -> list[tuple[str, str]]:
    """("", address) for the addresses this machine's own name resolves to, and loopback."""
    try:
        answers = socket.getaddrinfo(socket.gethostname(), None)
    except OSError:
        answers = []
    texts = [str(answer[4][0]) for answer in answers if answer[0] in _FAMILIES]
    return [("", text) for text in [*texts, "127.0.0.1", "::1"]]


def _offered(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """IPv4's home addresses; IPv6's unique local, link-local (with a zone) and loopback
    only (``local_address`` accepts other "private" IPv6 ranges no home network uses)."""
    if isinstance(address, ipaddress.IPv4Address):
        return True
    if address.is_link_local:
        return bool(address.scope_id)
    return address.is_loopback or address in _UNIQUE_LOCAL


def machine_addresses(viewer: Viewer) -> list[MachineAddress]:
    """The addresses an admin may choose as DLNA interfaces: the network's first, then
    loopback (useful only to try it on this machine)."""
    viewer.require_admin()
    chosen: dict[str, MachineAddress] = {}
    found = _linux_interfaces() + _linux_interfaces_v6() or _named_addresses()
    for interface, text in found:
        try:
            address = local_address(text)
        except InvalidInputError:  # a public address: never offered (DL-02)
            continue
        if not _offered(address) or str(address) in chosen:
            continue
        if is_own_address(address):
            chosen[str(address)] = MachineAddress(str(address), interface, address.is_loopback)
    return sorted(chosen.values(), key=_order)


def _order(offered: MachineAddress) -> tuple[bool, int, int]:
    """The network's addresses first, IPv4 before IPv6, then in address order."""
    address = ipaddress.ip_address(offered.address)
    return (offered.loopback, address.version, int(address))
