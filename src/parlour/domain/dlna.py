"""The DLNA/UPnP media server's configuration, as the admin sets it (issue 8).

UPnP has no authentication: whoever reaches the server on the network may browse what
it shares. So it is off until an admin turns it on, and then it answers only on the
addresses (interfaces) chosen, only devices in the allowed subnets (private networks
only), and shows only the libraries picked for it (none by default). With approval on,
a device the admin has not approved sees nothing. Whether what devices play is recorded
at all (against the device, never a person, for a few days) is the admin's choice too,
off by default.
"""

import ipaddress
from dataclasses import dataclass, field

from parlour.domain.errors import InvalidInputError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_PORT = 8421  # the DLNA HTTP side (description, control, events, media)
MAX_NAME = 64
# The id under which DLNA "views" the catalogue: no user has it (user ids are 32 hex
# digits), so nothing a DLNA device does is ever attached to a person.
DLNA_VIEWER_ID = "dlna-network"
# Plays recorded against a device are kept this many days (the admin picks 1 to 30).
DEFAULT_PLAY_RETENTION_DAYS = 7
MAX_PLAY_RETENTION_DAYS = 30
DAY_S = 86400
MAX_USER_AGENT = 256  # a device is known by its User-Agent (this much of it) and address


@dataclass(frozen=True, slots=True)
class DlnaConfig:
    enabled: bool = False
    device_uuid: str = ""  # the installation's stable UPnP device UUID (no "uuid:")
    friendly_name: str = "Parlour"
    port: int = DEFAULT_PORT
    interfaces: tuple[Address, ...] = ()  # the local addresses it listens and announces on
    allow: tuple[Network, ...] = ()  # the subnets whose devices it answers
    library_ids: frozenset[str] = field(default_factory=frozenset)  # what the network sees
    approval_required: bool = False  # new devices see nothing until an admin approves
    record_plays: bool = False  # what devices play is recorded (against the device)
    play_retention_days: int = DEFAULT_PLAY_RETENTION_DAYS  # how long those plays are kept

    def admits(self, source: str) -> bool:
        """Whether a device at ``source`` (an IP address) may be answered."""
        try:
            address = ipaddress.ip_address(source.split("%", 1)[0])
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in network for network in self.allow)

    def plays_kept_from(self, now: int) -> int | None:
        """The earliest time (unix seconds) a play recorded against a device may be from
        and still be kept; None while recording is off, when none is kept."""
        if not self.record_plays:
            return None
        return now - self.play_retention_days * DAY_S


def device_agent(user_agent: str) -> str:
    """The name a device is known by: its User-Agent, bounded (empty: "unknown")."""
    return (user_agent or "unknown")[:MAX_USER_AGENT]


def lan_network(text: str) -> Network:
    """A subnet a DLNA device may be in: private, link-local or loopback only, never the
    internet (DL-02)."""
    try:
        network = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise InvalidInputError(f"{text[:60]!r} is not a subnet such as 192.168.1.0/24") from None
    if not (network.is_private or network.is_link_local or network.is_loopback):
        raise InvalidInputError(f"{network} is not a home network: only private subnets")
    if network.prefixlen < (8 if network.version == 4 else 48):
        raise InvalidInputError(f"{network} is wider than a home network")
    return network


def local_address(text: str) -> Address:
    """An address to listen on: one of this machine's, never a wildcard."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        raise InvalidInputError(f"{text[:60]!r} is not an IP address") from None
    if address.is_unspecified or address.is_multicast:
        raise InvalidInputError(f"{address} is not an interface's address")
    if not (address.is_private or address.is_link_local or address.is_loopback):
        raise InvalidInputError(f"{address} is not on a home network")
    return address


def friendly_name(text: str) -> str:
    clean = text.strip()
    if not clean or len(clean) > MAX_NAME or any(ord(ch) < 32 for ch in clean):
        raise InvalidInputError(f"the name is 1 to {MAX_NAME} printable characters")
    return clean


def play_retention_days(value: object) -> int:
    """How many days plays recorded against devices are kept: a whole number, 1 to 30
    (a short retention is the point: these records are about a household's viewing)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON does not tell 7.0 from 7
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError("'play_retention_days' must be a whole number")
    if not 1 <= value <= MAX_PLAY_RETENTION_DAYS:
        raise InvalidInputError(
            f"'play_retention_days' must be from 1 to {MAX_PLAY_RETENTION_DAYS}"
        )
    return value
