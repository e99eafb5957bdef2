"""Which client connections are still open, as the kernel sees them.

An HLS player asks for a segment, then waits: between requests nothing tells the app
whether it paused or vanished. Linux lists every TCP connection in /proc/net/tcp{,6};
a session whose connections are all gone has lost its player, and its ffmpeg can stop
within seconds rather than after the idle timeout. Elsewhere the answer is None and the
idle timeout alone applies.
"""

import ipaddress
from pathlib import Path

_TABLES = (Path("/proc/net/tcp"), Path("/proc/net/tcp6"))
_ESTABLISHED = "01"


def _address(hex_address: str) -> tuple[str, int]:
    host, _, port = hex_address.partition(":")
    raw = bytes.fromhex(host)
    # The kernel prints each 32-bit word in host (little-endian) order.
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    address = ipaddress.ip_address(words)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address), int(port, 16)


def open_peers() -> set[tuple[str, int]] | None:
    """The (address, port) of the far end of every established TCP connection on this
    machine, or None when the system does not say."""
    peers: set[tuple[str, int]] = set()
    readable = False
    for table in _TABLES:
        try:
            lines = table.read_text().splitlines()[1:]
        except OSError:
            continue
        readable = True
        for line in lines:
            fields = line.split()
            if len(fields) > 3 and fields[3] == _ESTABLISHED:
                try:
                    peers.add(_address(fields[2]))
                except ValueError:
                    continue
    return peers if readable else None


def peer_of(client: tuple[str, int] | None) -> tuple[str, int]:
    """A request's client as the kernel names it (IPv4-mapped IPv6 unwrapped)."""
    if client is None:
        return ("", 0)
    host, port = client
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return (host, port)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (str(address), port)
