"""SSDP, the discovery half of UPnP (Device Architecture 1.1, section 1): the media server
announces itself on the home network and answers the searches of the devices allowed to
see it.

Each configured interface address, IPv4 or IPv6, has its own two sockets (see
``ssdp_sockets``): one bound to the address, one to the group (239.255.255.250, or the
link-local FF02::C for IPv6) joined on that interface only; never the wildcard. One
responder serves both families.

Only sources the configuration admits are answered (DL-02), each at most
``ANSWERS_PER_SECOND`` searches a second (DL-03); a search from anyone else gets nothing
back, so no datagram can be amplified. No port mapping is ever asked of a router.
"""

import asyncio
import contextlib
import email.utils
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from parlour.domain.dlna import Address
from parlour.frontends.dlna.ssdp_sockets import (
    SSDP_PORT,
    group_destination,
    group_host,
    group_of,
    group_socket,
    interface_index,
    unicast_socket,
)
from parlour.privacy.outbound_features import SSDP_GROUP

log = logging.getLogger(__name__)

MAX_AGE_S = 1800  # how long an announcement holds (the spec asks for at least 1800)
MAX_SEARCH_BYTES = 2048  # an M-SEARCH is a few hundred bytes; anything bigger is not one
MAX_MX_S = 5  # the spec's ceiling on the answer delay a search may ask for
ANSWERS_PER_SECOND = 10  # searches answered per source in any one second (DL-03)
MAX_SOURCES = 1024  # sources the rate limit remembers: its memory is bounded
DEVICE_TYPE = "urn:schemas-upnp-org:device:MediaServer:1"
# Where a datagram came from or goes: (host, port), or (host, port, flow, scope) for IPv6.
SocketAddress = tuple[str, int] | tuple[str, int, int, int]


@dataclass(frozen=True, slots=True)
class Advert:
    """What one interface tells the network: the device, its services and where its
    description is."""

    device_uuid: str
    location: str  # http://<interface>:<port>/dlna/description.xml ([...] for IPv6, no zone)
    service_types: tuple[str, ...]
    server: str  # "OS/version UPnP/1.1 product/version"
    boot_id: int  # BOOTID.UPNP.ORG: grows at every start
    config_id: int  # CONFIGID.UPNP.ORG: changes with the description
    host: str = group_host(SSDP_GROUP)  # NOTIFY's HOST: the group of the interface's family

    def targets(self) -> list[tuple[str, str]]:
        """Every (notification type, unique service name) announced: the root device,
        the device by UUID, its type and each service type."""
        udn = f"uuid:{self.device_uuid}"
        kinds = (DEVICE_TYPE, *self.service_types)
        return [("upnp:rootdevice", f"{udn}::upnp:rootdevice"), (udn, udn)] + [
            (kind, f"{udn}::{kind}") for kind in kinds
        ]

    def matches(self, search_target: str) -> list[tuple[str, str]]:
        """The (ST, USN) pairs that answer ``search_target``: all for ssdp:all; a type
        also answers a search for an older version of it, naming the version asked."""
        if search_target == "ssdp:all":
            return self.targets()
        for target, usn in self.targets():
            if search_target == target or _older_version(search_target, target):
                return [(search_target, usn)]
        return []

    def notify(self, target: str, usn: str, *, alive: bool) -> bytes:
        lines = [
            "NOTIFY * HTTP/1.1",
            f"HOST: {self.host}",
            f"NT: {target}",
            f"NTS: ssdp:{'alive' if alive else 'byebye'}",
            f"USN: {usn}",
        ]
        if alive:
            lines += [
                f"CACHE-CONTROL: max-age={MAX_AGE_S}",
                f"LOCATION: {self.location}",
                f"SERVER: {self.server}",
            ]
        lines += [f"BOOTID.UPNP.ORG: {self.boot_id}", f"CONFIGID.UPNP.ORG: {self.config_id}"]
        return _datagram(lines)

    def answer(self, target: str, usn: str) -> bytes:
        return _datagram(
            [
                "HTTP/1.1 200 OK",
                f"CACHE-CONTROL: max-age={MAX_AGE_S}",
                f"DATE: {email.utils.formatdate(usegmt=True)}",
                "EXT:",
                f"LOCATION: {self.location}",
                f"SERVER: {self.server}",
                f"ST: {target}",
                f"USN: {usn}",
                f"BOOTID.UPNP.ORG: {self.boot_id}",
                f"CONFIGID.UPNP.ORG: {self.config_id}",
            ]
        )


def _datagram(lines: Sequence[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii", "replace")


def _older_version(asked: str, ours: str) -> bool:
    """Whether ``asked`` is ``ours`` (urn:...:type:N) at version N or lower."""
    asked_kind, _, asked_version = asked.rpartition(":")
    our_kind, _, our_version = ours.rpartition(":")
    if not asked.startswith("urn:") or asked_kind != our_kind:
        return False
    if not (asked_version.isdigit() and our_version.isdigit()):
        return False
    return 1 <= int(asked_version) <= int(our_version)


@dataclass(frozen=True, slots=True)
class Search:
    target: str  # ST
    delay_s: int | None  # MX, capped at MAX_MX_S; None when absent or not a number


def parse_search(data: bytes) -> Search | None:
    """An M-SEARCH datagram's target and delay, or None for anything else."""
    if len(data) > MAX_SEARCH_BYTES:
        return None
    lines = data.decode("latin-1").replace("\r\n", "\n").split("\n")
    if lines[0].strip().upper() != "M-SEARCH * HTTP/1.1":
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().upper()] = value.strip()
    target = headers.get("ST", "")
    if headers.get("MAN") != '"ssdp:discover"' or not target or len(target) > 256:
        return None
    mx = headers.get("MX", "")
    return Search(target, min(int(mx), MAX_MX_S) if mx.isdigit() else None)


class SourceLimit:
    """At most ``per_second`` answers to one source in any one second, remembering at
    most ``max_sources`` sources (new ones beyond that are not answered until the
    remembered ones go quiet)."""

    def __init__(
        self,
        per_second: int = ANSWERS_PER_SECOND,
        max_sources: int = MAX_SOURCES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_second = per_second
        self.max_sources = max_sources
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}

    def take(self, source: str) -> bool:
        now = self.clock()
        times = self._seen.get(source)
        if times is None:
            if len(self._seen) >= self.max_sources:
                self._seen = {s: t for s, t in self._seen.items() if now - t[-1] < 1.0}
                if len(self._seen) >= self.max_sources:
                    return False
            times = self._seen[source] = deque(maxlen=self.per_second)
        if len(times) == self.per_second and now - times[0] < 1.0:
            return False
        times.append(now)
        return True


class _Datagrams(asyncio.DatagramProtocol):
    def __init__(self, received: Callable[[bytes, SocketAddress], None]) -> None:
        self.received = received

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        # An IPv6 source keeps its scope: a link-local device is answered on its link.
        if len(addr) == 4 and isinstance(addr[0], str):
            self.received(data, (addr[0], int(addr[1]), int(addr[2]), int(addr[3])))
        elif len(addr) == 2 and isinstance(addr[0], str):
            self.received(data, (addr[0], int(addr[1])))

    def error_received(self, exc: Exception) -> None:
        log.debug("SSDP socket error: %s", exc)


class SsdpInterface:
    """SSDP on one interface address (IPv4, or IPv6 on the interface ``index``):
    answers searches, announces, says goodbye."""

    def __init__(
        self,
        address: Address,
        advert: Advert,
        admits: Callable[[str], bool],
        limit: SourceLimit,
        *,
        port: int = SSDP_PORT,
        group: str | None = None,
        index: int | None = None,
    ) -> None:
        self.address, self.advert, self.admits, self.limit = address, advert, admits, limit
        self.port, self.group = port, group or group_of(address)
        self.index = index if index is not None else interface_index(address)
        self._unicast: asyncio.DatagramTransport | None = None
        self._multicast: asyncio.DatagramTransport | None = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        sock = unicast_socket(self.address, self.port, self.index)
        self._unicast, _ = await loop.create_datagram_endpoint(
            lambda: _Datagrams(self._unicast_search), sock=sock
        )
        try:
            group = group_socket(self.address, self.port, self.group, self.index)
        except OSError as error:  # an interface without multicast: searches sent to it only
            log.warning("DLNA: no SSDP multicast on %s (%s)", self.address, error)
        else:
            self._multicast, _ = await loop.create_datagram_endpoint(
                lambda: _Datagrams(self._multicast_search), sock=group
            )

    def _unicast_search(self, data: bytes, source: SocketAddress) -> None:
        self._search(data, source, multicast=False)

    def _multicast_search(self, data: bytes, source: SocketAddress) -> None:
        self._search(data, source, multicast=True)

    def _search(self, data: bytes, source: SocketAddress, *, multicast: bool) -> None:
        search = parse_search(data)
        if search is None or (multicast and search.delay_s is None):
            return  # a multicast search without MX is discarded, as the spec says
        if not self.admits(source[0]) or not self.limit.take(source[0]):
            return
        answers = [self.advert.answer(st, usn) for st, usn in self.advert.matches(search.target)]
        if not answers:
            return
        loop = asyncio.get_running_loop()
        for answer in answers:
            # A multicast search is answered within its MX, spread out; a unicast one at once.
            delay = random.uniform(0, search.delay_s or 0) if multicast else 0.0  # noqa: S311
            loop.call_later(delay, self._reply, answer, source)

    def _reply(self, answer: bytes, destination: SocketAddress) -> None:
        if self._unicast is not None and not self._unicast.is_closing():
            self._unicast.sendto(answer, destination)

    def announce(self, *, alive: bool) -> None:
        """Send the alive (or byebye) notifications, multicast on this interface."""
        if self._unicast is None or self._unicast.is_closing():
            return
        destination = group_destination(self.group, self.port, self.index)
        for target, usn in self.advert.targets():
            self._unicast.sendto(self.advert.notify(target, usn, alive=alive), destination)

    def close(self) -> None:
        """Close both sockets; answers still waiting for their delay are dropped."""
        for transport in (self._unicast, self._multicast):
            if transport is not None:
                transport.close()
        self._unicast = self._multicast = None


class Ssdp:
    """SSDP on every configured interface: alive at start and about every third of
    max-age (with jitter), byebye at stop."""

    def __init__(self, interfaces: Sequence[SsdpInterface]) -> None:
        self.interfaces = tuple(interfaces)
        self._announcing: asyncio.Task[None] | None = None

    async def start(self) -> None:
        started: list[SsdpInterface] = []
        try:
            for interface in self.interfaces:
                await interface.start()
                started.append(interface)
        except OSError:
            for interface in started:
                interface.close()
            raise
        self._announcing = asyncio.create_task(self._announce())

    async def _announce(self) -> None:
        await asyncio.sleep(random.uniform(0, 0.1))  # noqa: S311 - the spec's start jitter
        while True:
            for interface in self.interfaces:
                interface.announce(alive=True)
            await asyncio.sleep(MAX_AGE_S / 3 * random.uniform(0.9, 1.0))  # noqa: S311

    async def stop(self) -> None:
        if self._announcing is not None:
            self._announcing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._announcing
            self._announcing = None
        for interface in self.interfaces:
            interface.announce(alive=False)
            interface.close()
