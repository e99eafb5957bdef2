"""Client addresses as Parlour may keep them in logs (P-12): IPv4 cut to its /24 and IPv6
to its /48, enough to see a network misbehave, not enough to name a household."""

import ipaddress

IPV4_PREFIX = 24
IPV6_PREFIX = 48


def truncated(address: str | None) -> str:
    """The network an address belongs to, as ``a.b.c.0/24`` or ``x:y:z::/48``; anything
    that is not an IP address (a Unix socket, nothing) becomes ``unknown``."""
    try:
        ip = ipaddress.ip_address((address or "").split("%", 1)[0])
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
