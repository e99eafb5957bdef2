"""The DLNA server while Parlour runs: it follows the admin's configuration (read every
``POLL_S``), serving the DLNA HTTP app with uvicorn on each chosen interface address at
the configured port, and SSDP, while DLNA is on; stopping both when it is turned off,
and starting again when the interfaces, port, device or name change.

The network stays closed while DLNA is off (DL-01): no socket, no announcement. While it
runs, the outbound gate's home-network rule lets it reach the SSDP group and the
allow-listed subnets, and nothing else.
"""

import asyncio
import contextlib
import logging
import platform
import socket
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import anyio
import uvicorn

from parlour import __version__
from parlour.domain.dlna import Address, DlnaConfig
from parlour.frontends.dlna import events
from parlour.frontends.dlna.app import build_dlna_app
from parlour.frontends.dlna.description import DESCRIPTION_PATH, SERVICES
from parlour.frontends.dlna.protocol import SOURCE_PROTOCOLS
from parlour.frontends.dlna.ssdp import Advert, SourceLimit, Ssdp, SsdpInterface
from parlour.frontends.dlna.ssdp_sockets import (
    SSDP_PORT,
    group_host,
    group_of,
    interface_index,
    url_host,
)
from parlour.privacy.outbound_features import DLNA_FEATURE
from parlour.services.application import Parlour
from parlour.services.dlna import socket_address

log = logging.getLogger(__name__)

POLL_S = 2.0  # how soon a change of the configuration takes effect
STARTED_WITHIN_S = 10.0  # how long an HTTP listener may take to come up
_GRACEFUL_S = 3  # a stop waits at most this long for open responses (media streams)
_RELEASE = ".".join(platform.release().split(".")[:2]) or "0"
# SSDP's and GENA's SERVER: "OS/version UPnP/1.1 product/version".
SERVER = f"{platform.system() or 'Unknown'}/{_RELEASE} UPnP/1.1 Parlour/{__version__}"
# What the registrar (Xbox-style clients) events: no authorisation ever changes here.
_REGISTRAR_STATE = {
    "AuthorizationGrantedUpdateID": "0",
    "AuthorizationDeniedUpdateID": "0",
    "ValidationSucceededUpdateID": "0",
    "ValidationRevokedUpdateID": "0",
}


class _Listener(uvicorn.Server):
    """One HTTP listener of the DLNA app. The main server owns the process's signals;
    this one is stopped by the runtime."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a running server is built from: a change of any of it means a restart."""

    interfaces: tuple[Address, ...]
    port: int
    device_uuid: str
    friendly_name: str


@dataclass(slots=True)
class _Running:
    listeners: list[tuple[_Listener, asyncio.Task[None]]]
    ssdp: Ssdp
    subscriptions: events.Subscriptions


def _bound(address: Address, port: int) -> socket.socket:
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(socket_address(address, port))  # a link-local address with its zone
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


class DlnaRuntime:
    def __init__(
        self, parlour: Parlour, *, ssdp_port: int = SSDP_PORT, poll_s: float = POLL_S
    ) -> None:
        self.parlour = parlour
        self.ssdp_port = ssdp_port
        self.poll_s = poll_s
        self.config = DlnaConfig()  # what the running parts act on: off until read
        self._limit = SourceLimit()
        self._failed: _Shape | None = None  # a start that failed, logged once
        self._running: tuple[_Shape, _Running] | None = None

    async def run(self) -> None:
        """Follow the configuration for as long as the server runs (until cancelled)."""
        try:
            while True:
                try:
                    await self._follow()
                except Exception:  # the web server goes on; the next poll tries again
                    log.exception("DLNA: following the configuration failed")
                await anyio.sleep(self.poll_s)
        finally:
            await self._stop()

    async def _follow(self) -> None:
        """One poll: start, stop or restart as the configuration says; tell subscribers
        of a change of what the network sees."""
        self.config = await anyio.to_thread.run_sync(self.parlour.dlna.current)
        wanted = self._shape(self.config)
        if wanted != (self._running[0] if self._running else None):
            await self._stop()
            if wanted is not None:
                await self._start(self.config, wanted)
        if self._running is not None:
            self.parlour.egress.open_lan(DLNA_FEATURE, self.config.allow)
            update_id = await anyio.to_thread.run_sync(
                self.parlour.dlna.system_update_id, self.config
            )
            await self._running[1].subscriptions.follow(update_id)

    @staticmethod
    def _shape(config: DlnaConfig) -> _Shape | None:
        if not config.enabled or not config.interfaces:
            return None
        return _Shape(config.interfaces, config.port, config.device_uuid, config.friendly_name)

    async def _start(self, config: DlnaConfig, shape: _Shape) -> None:
        subscriptions = events.Subscriptions(
            self.parlour.egress, lambda: self.config, self._state, SERVER
        )
        paths = {service[0]: service[5] for service in SERVICES}
        app = build_dlna_app(self.parlour, extra_routes=events.routes(subscriptions, paths))
        listeners: list[tuple[_Listener, asyncio.Task[None]]] = []
        self.parlour.egress.open_lan(DLNA_FEATURE, config.allow)
        ssdp = Ssdp(self._ssdp_interfaces(config))
        try:
            for address in config.interfaces:
                listeners.append(await self._listen(app, address, config.port))
            await ssdp.start()
        except OSError as error:
            if self._failed != shape:  # said once; it is tried again at every poll
                log.warning("DLNA could not start (%s); trying again while it is on", error)
                self._failed = shape
            await self._close(_Running(listeners, Ssdp(()), subscriptions))
            return
        except BaseException:  # a fault or a stop while starting: leave nothing open
            await self._close(_Running(listeners, ssdp, subscriptions))
            raise
        self._failed = None
        self._running = (shape, _Running(listeners, ssdp, subscriptions))
        shown = ", ".join(f"{url_host(a)}:{config.port}" for a in config.interfaces)
        log.info("DLNA server %r on %s", config.friendly_name, shown)

    def _ssdp_interfaces(self, config: DlnaConfig) -> list[SsdpInterface]:
        boot_id = int(time.time()) & 0x7FFFFFFF
        config_id = zlib.crc32(config.friendly_name.encode()) & 0xFFFFFF
        types = tuple(service[1] for service in SERVICES)
        found = []
        for address in config.interfaces:
            index = interface_index(address)
            if address.version == 6 and index is None:
                log.warning("DLNA: no interface found for %s: it serves but is silent", address)
                continue
            location = f"http://{url_host(address)}:{config.port}{DESCRIPTION_PATH}"
            host = group_host(group_of(address))
            advert = Advert(config.device_uuid, location, types, SERVER, boot_id, config_id, host)
            found.append(
                SsdpInterface(
                    address, advert, self._admits, self._limit, port=self.ssdp_port, index=index
                )
            )
        return found

    def _admits(self, source: str) -> bool:
        return self.config.enabled and self.config.admits(source)

    async def _listen(
        self, app: object, address: Address, port: int
    ) -> tuple[_Listener, asyncio.Task[None]]:
        sock = _bound(address, port)
        listener = _Listener(
            uvicorn.Config(
                app,  # type: ignore[arg-type]
                log_config=None,  # the main server configured logging already
                log_level="warning",
                access_log=False,
                lifespan="off",
                server_header=False,
                proxy_headers=False,
                timeout_graceful_shutdown=_GRACEFUL_S,
            )
        )
        task = asyncio.create_task(listener.serve(sockets=[sock]))
        deadline = time.monotonic() + STARTED_WITHIN_S
        while not listener.started:
            if task.done() or time.monotonic() > deadline:
                listener.should_exit = True
                sock.close()
                failure = task.exception() if task.done() else None
                raise OSError(f"the DLNA listener on {address}:{port} did not start: {failure}")
            await asyncio.sleep(0.02)
        return listener, task

    async def _stop(self) -> None:
        if self._running is not None:
            _, running = self._running
            self._running = None
            await self._close(running)
            log.info("DLNA server stopped")

    async def _close(self, running: _Running) -> None:
        # Shielded: a stop asked meanwhile must not leave sockets half-closed; it takes
        # at most the listeners' graceful time.
        with anyio.CancelScope(shield=True):
            await running.subscriptions.close()
            await running.ssdp.stop()  # byebye, while the gate still lets it out
            self.parlour.egress.close_lan(DLNA_FEATURE)
            for listener, _ in running.listeners:
                listener.should_exit = True
            for _, task in running.listeners:
                with contextlib.suppress(Exception):
                    await task

    async def _state(self, service: str, config: DlnaConfig) -> dict[str, str]:
        """The evented state of ``service`` for its subscribers' initial event."""
        if service == "ContentDirectory":
            update_id = await anyio.to_thread.run_sync(self.parlour.dlna.system_update_id, config)
            return {"SystemUpdateID": str(update_id), "ContainerUpdateIDs": ""}
        if service == "ConnectionManager":
            return {
                "SourceProtocolInfo": SOURCE_PROTOCOLS,
                "SinkProtocolInfo": "",
                "CurrentConnectionIDs": "0",
            }
        return dict(_REGISTRAR_STATE)
