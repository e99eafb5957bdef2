"""GENA eventing for the DLNA services (Device Architecture 1.1, section 4): SUBSCRIBE,
renewal and UNSUBSCRIBE at each service's event path, and the NOTIFY messages that tell
subscribers the evented state (an initial event, then each change).

A subscription's CALLBACK is where Parlour will send requests, so it is held to DL-04
(CallStranger, CVE-2020-12695): plain http, to the subscriber's own IP address, in the
allow-list, at most 256 bytes; at most ten subscriptions per device and a bounded total.
Notifications go through the outbound gate's home-network rule (``send_home``), so even
a callback that slipped through could reach only an allow-listed home address.
"""

import asyncio
import contextlib
import email.utils
import ipaddress
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import escape

import anyio
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlour.domain.dlna import DlnaConfig
from parlour.privacy.egress import EgressGate
from parlour.privacy.outbound_features import DLNA_FEATURE
from parlour.privacy.outbound_http import send_home

MIN_TIMEOUT_S = 300
MAX_TIMEOUT_S = 1800
MAX_CALLBACK = 256  # bytes of the CALLBACK header (DL-04)
MAX_PER_DEVICE = 10  # subscriptions one address may hold (DL-04)
MAX_SUBSCRIPTIONS = 512  # over every device: the memory they take is bounded
MODERATION_S = 2.0  # at most one change event per this many seconds
# Threads that deliver notifications at once: a silent device's 5 s timeouts never take
# the threads the web server needs.
DELIVERY_THREADS = 4
_SEQ_WRAP = 2**32 - 1
_CALLBACK = re.compile(r"<([^<>]*)>")

# The evented state of one service, as {variable: value}, for the given configuration.
StateReader = Callable[[str, DlnaConfig], Awaitable[dict[str, str]]]


@dataclass(slots=True)
class Subscription:
    sid: str  # "uuid:..."
    service: str  # the service's short name (ContentDirectory...)
    device: str  # the subscriber's IP address
    callbacks: tuple[str, ...]
    expires: float
    seq: int = 0  # the SEQ of the next event
    sending: asyncio.Lock = field(default_factory=asyncio.Lock)  # events go out in order


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def callback_urls(header: str, requester: str, config: DlnaConfig) -> tuple[str, ...] | None:
    """The delivery URLs of a CALLBACK header, or None unless every one is http:// to
    the requester's own address, in the allow-list, and the header is short (DL-04)."""
    if not header or len(header.encode("utf-8", "replace")) > MAX_CALLBACK:
        return None
    urls = tuple(_CALLBACK.findall(header))
    if not urls or _CALLBACK.sub("", header).strip():
        return None
    own = _address(requester)
    for url in urls:
        try:
            parts = urlsplit(url)
            _ = parts.port  # a port that is not a number raises here
        except ValueError:
            return None
        host = parts.hostname or ""
        if parts.scheme != "http" or parts.username is not None or parts.password is not None:
            return None
        if own is None or _address(host) != own or not config.admits(host):
            return None
    return urls


def on_link(urls: tuple[str, ...], local: str, config: DlnaConfig) -> tuple[str, ...]:
    """``urls`` with each link-local IPv6 host given the zone of the interface the
    SUBSCRIBE came in on (``local``, the address it was sent to): a link-local address
    means something only on its own link, and the device's URL cannot name our zone."""
    served = _address(local)
    zone = next(
        (
            a.scope_id
            for a in config.interfaces
            if isinstance(a, ipaddress.IPv6Address) and a.scope_id and _address(str(a)) == served
        ),
        None,
    )
    if zone is None:
        return urls
    found = []
    for url in urls:
        parts = urlsplit(url)
        host = _address(parts.hostname or "")
        if isinstance(host, ipaddress.IPv6Address) and host.is_link_local:
            netloc = f"[{host}%{zone}]" + (f":{parts.port}" if parts.port else "")
            url = urlunsplit(parts._replace(netloc=netloc))
        found.append(url)
    return tuple(found)


def clamp_timeout(header: str | None) -> int:
    """The subscription's duration in seconds: as asked, within MIN..MAX_TIMEOUT_S."""
    value = (header or "").strip().lower().removeprefix("second-")
    asked = int(value) if value.isdigit() else MAX_TIMEOUT_S
    return max(MIN_TIMEOUT_S, min(MAX_TIMEOUT_S, asked))


def propertyset(variables: Mapping[str, str]) -> bytes:
    properties = "".join(
        f"<e:property><{name}>{escape(value)}</{name}></e:property>"
        for name, value in variables.items()
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<e:propertyset xmlns:e="urn:schemas-upnp-org:event-1-0">{properties}</e:propertyset>'
    ).encode()


class Subscriptions:
    """The live subscriptions of one running DLNA server, and their notifications."""

    def __init__(
        self,
        gate: EgressGate,
        config: Callable[[], DlnaConfig],
        state: StateReader,
        server: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.gate, self.config, self.state, self.server, self.clock = (
            gate,
            config,
            state,
            server,
            clock,
        )
        self._live: dict[str, Subscription] = {}
        self._sending: set[asyncio.Task[None]] = set()
        self._last_event = -MODERATION_S
        self._system_update_id: str | None = None
        self._threads = anyio.CapacityLimiter(DELIVERY_THREADS)

    def live(self) -> list[Subscription]:
        now = self.clock()
        self._live = {sid: s for sid, s in self._live.items() if s.expires > now}
        return list(self._live.values())

    def add(
        self, service: str, device: str, callbacks: tuple[str, ...], timeout: int
    ) -> Subscription | None:
        """A new subscription, or None when the device (or everyone) holds too many."""
        live = self.live()
        mine = _address(device)
        held = sum(1 for s in live if _address(s.device) == mine)
        if held >= MAX_PER_DEVICE or len(live) >= MAX_SUBSCRIPTIONS:
            return None
        sid = f"uuid:{uuid.uuid4()}"
        found = Subscription(sid, service, device, callbacks, self.clock() + timeout)
        self._live[sid] = found
        return found

    def renew(self, sid: str, service: str, device: str, timeout: int) -> Subscription | None:
        self.live()
        found = self._live.get(sid)
        if found is None or found.service != service or _address(found.device) != _address(device):
            return None
        found.expires = self.clock() + timeout
        return found

    def cancel(self, sid: str, service: str) -> bool:
        found = self._live.get(sid)
        if found is None or found.service != service:
            return False
        del self._live[sid]
        return True

    async def initial_event(self, subscription: Subscription) -> None:
        variables = await self.state(subscription.service, self.config())
        await self._notify(subscription, variables)

    async def follow(self, system_update_id: int) -> None:
        """Tell ContentDirectory's subscribers a new SystemUpdateID (at most one event
        each MODERATION_S; a change within it is told at the next call)."""
        value = str(system_update_id)
        if self._system_update_id is None:
            self._system_update_id = value  # the initial events carry the first one
            return
        if value == self._system_update_id or self.clock() - self._last_event < MODERATION_S:
            return
        self._system_update_id, self._last_event = value, self.clock()
        for subscription in self.live():
            if subscription.service == "ContentDirectory":
                task = asyncio.create_task(self._notify(subscription, {"SystemUpdateID": value}))
                self._sending.add(task)
                task.add_done_callback(self._sending.discard)

    async def _notify(self, subscription: Subscription, variables: Mapping[str, str]) -> None:
        body = propertyset(variables)
        async with subscription.sending:
            if subscription.sid not in self._live:
                return
            seq = subscription.seq
            subscription.seq = seq + 1 if seq < _SEQ_WRAP else 1
            headers = [
                ("Content-Type", 'text/xml; charset="utf-8"'),
                ("NT", "upnp:event"),
                ("NTS", "upnp:propchange"),
                ("SID", subscription.sid),
                ("SEQ", str(seq)),
            ]
            for url in subscription.callbacks:  # the first that takes it, in order
                sent = await anyio.to_thread.run_sync(
                    send_home,
                    self.gate,
                    DLNA_FEATURE,
                    "NOTIFY",
                    url,
                    headers,
                    body,
                    limiter=self._threads,
                )
                if sent.ok:
                    return

    async def close(self) -> None:
        self._live.clear()
        for task in list(self._sending):
            task.cancel()
        for task in list(self._sending):
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _answer(subscriptions: Subscriptions, found: Subscription, timeout: int) -> Response:
    headers = {
        "Date": email.utils.formatdate(usegmt=True),
        "Server": subscriptions.server,
        "SID": found.sid,
        "Timeout": f"Second-{timeout}",
    }
    return Response(status_code=200, headers=headers)


def _endpoint(
    subscriptions: Subscriptions, service: str
) -> Callable[[Request], Awaitable[Response]]:
    async def subscribe(request: Request) -> Response:
        requester = request.client.host if request.client else ""
        sid = request.headers.get("sid")
        callback = request.headers.get("callback")
        nt = request.headers.get("nt")
        if request.method == "UNSUBSCRIBE":
            if callback is not None or nt is not None:
                return Response(status_code=400)
            if not sid or not subscriptions.cancel(sid, service):
                return Response(status_code=412)
            return Response(status_code=200)
        timeout = clamp_timeout(request.headers.get("timeout"))
        if sid is not None:  # a renewal
            if callback is not None or nt is not None:
                return Response(status_code=400)
            renewed = subscriptions.renew(sid, service, requester, timeout)
            if renewed is None:
                return Response(status_code=412)
            return _answer(subscriptions, renewed, timeout)
        config = subscriptions.config()
        urls = callback_urls(callback or "", requester, config)
        if nt != "upnp:event" or urls is None:
            return Response(status_code=412)
        served = request.scope.get("server")
        urls = on_link(urls, str(served[0]) if served else "", config)
        found = subscriptions.add(service, requester, urls, timeout)
        if found is None:
            return Response(status_code=503)  # the device holds enough already
        response = _answer(subscriptions, found, timeout)
        # The initial event goes after the answer that names its SID, as the spec asks.
        response.background = BackgroundTask(subscriptions.initial_event, found)
        return response

    return subscribe


def routes(subscriptions: Subscriptions, event_paths: Mapping[str, str]) -> Sequence[Route]:
    """SUBSCRIBE and UNSUBSCRIBE at each service's event path ({short name: path})."""
    return [
        Route(path, _endpoint(subscriptions, service), methods=["SUBSCRIBE", "UNSUBSCRIBE"])
        for service, path in event_paths.items()
    ]
