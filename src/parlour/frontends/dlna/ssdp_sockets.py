"""The sockets of SSDP on one interface address, for either IP version.

Per interface address: one socket bound to that address and the SSDP port (unicast
searches come in on it; announcements and every answer go out of it, multicast leaving
by that interface only, with a time to live, or IPv6 hop limit, of 2), and one bound to
the group and joined to it on that interface only. Linux delivers multicast only to a
socket bound to the group or the wildcard, so the group is the narrowest bind; for IPv6
the link-local group is bound with the interface as its scope (ff02::c%<index>), which
also ties the socket to that interface. IP(V6)_MULTICAST_ALL off keeps it to the group
joined here (elsewhere the allow-list alone filters). Never the wildcard address.

IPv6 follows the Device Architecture 1.1, Annex A: the home network's group is the
link-local FF02::C, port 1900, and addresses in URLs are bracketed literals (RFC 2732).
A link-local address's zone is this machine's name for the interface and means nothing
to a device, so it never appears in a URL: control points (async-upnp-client among them)
add their own zone from the interface the announcement came in on.
"""

import contextlib
import ipaddress
import socket
import struct
import sys
from pathlib import Path

from parlour.domain.dlna import Address
from parlour.privacy.outbound_features import SSDP_GROUP, SSDP_GROUP_V6
from parlour.services.dlna import socket_address

SSDP_PORT = 1900
# The Device Architecture's default time to live: the home network, no further. IPv6's
# hop limit is its counterpart and takes the same value; the link-local group FF02::C is
# never forwarded by a router whatever the hop limit.
MULTICAST_TTL = 2
MULTICAST_HOPS = MULTICAST_TTL
_IP_MULTICAST_ALL = getattr(socket, "IP_MULTICAST_ALL", 49)  # Linux's values, if unnamed
_IPV6_MULTICAST_ALL = getattr(socket, "IPV6_MULTICAST_ALL", 29)
_IF_INET6 = Path("/proc/net/if_inet6")  # Linux: every IPv6 address and its interface


def group_of(address: Address) -> str:
    """The SSDP multicast group for an interface address of this IP version."""
    return SSDP_GROUP if address.version == 4 else SSDP_GROUP_V6


def group_host(group: str, port: int = SSDP_PORT) -> str:
    """The group as a HOST header names it: 239.255.255.250:1900, [FF02::C]:1900."""
    return f"[{group.upper()}]:{port}" if ":" in group else f"{group}:{port}"


def url_host(address: Address) -> str:
    """``address`` as a URL's host: IPv6 in brackets, without its zone."""
    if isinstance(address, ipaddress.IPv6Address):
        return f"[{str(address).split('%', 1)[0]}]"
    return str(address)


def interface_index(address: Address) -> int | None:
    """The index of the interface that has the IPv6 ``address``: its zone when it has
    one, else the kernel's table (Linux); None when it cannot be told."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.scope_id:
        if address.scope_id.isdigit():
            return int(address.scope_id)
        with contextlib.suppress(OSError):
            return socket.if_nametoindex(address.scope_id)
        return None
    if sys.platform != "linux":
        return None
    wanted = ipaddress.IPv6Address(str(address).split("%", 1)[0]).packed.hex()
    try:
        table = _IF_INET6.read_text()
    except OSError:
        return None
    for line in table.splitlines():
        fields = line.split()
        if len(fields) >= 6 and fields[0] == wanted:
            return int(fields[1], 16)
    return None


def group_destination(
    group: str, port: int, index: int | None
) -> tuple[str, int] | tuple[str, int, int, int]:
    """Where an announcement goes: the group, on the interface ``index`` for IPv6."""
    return (group, port, 0, index or 0) if ":" in group else (group, port)


def unicast_socket(address: Address, port: int, index: int | None) -> socket.socket:
    """The socket bound to the interface address: searches sent to it, every answer
    and announcement sent from it."""
    family = socket.AF_INET if address.version == 4 else socket.AF_INET6
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        # Other UPnP stacks on this machine bind port 1900 too.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET:
            sock.bind(socket_address(address, port))
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, address.packed)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, MULTICAST_TTL)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)  # this host's players
        else:
            if index is None:
                raise OSError(f"cannot tell which interface has {address}")
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(socket_address(address, port))
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, index)
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, MULTICAST_HOPS)
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 1)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def group_socket(address: Address, port: int, group: str, index: int | None) -> socket.socket:
    """The socket that hears searches sent to the group on this interface only."""
    family = socket.AF_INET if address.version == 4 else socket.AF_INET6
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET:
            sock.bind((group, port))
            with contextlib.suppress(OSError):  # not Linux: the allow-list alone filters
                sock.setsockopt(socket.IPPROTO_IP, _IP_MULTICAST_ALL, 0)
            membership = ipaddress.IPv4Address(group).packed + address.packed
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
        else:
            if index is None:
                raise OSError(f"cannot tell which interface has {address}")
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind((group, port, 0, index))  # the group, scoped to this interface
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_IPV6, _IPV6_MULTICAST_ALL, 0)
            membership = ipaddress.IPv6Address(group).packed + struct.pack("@I", index)
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, membership)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock
