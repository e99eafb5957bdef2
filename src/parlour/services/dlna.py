"""The DLNA media server's rules and configuration, for the DLNA front end and the
admin's tools (REST, command line).

The front end knows no user: it asks ``network_viewer`` for what the network may see
(the shared libraries, nothing else) and ``admits`` whether a device may be answered at
all (its address in an allowed subnet; approved, when approval is required). Both fail
closed: DLNA off, no shared library, an address outside the allow-list or an unapproved
device all see nothing.
"""

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection

from parlour.domain.accounts import Role, Viewer
from parlour.domain.dlna import (
    DLNA_VIEWER_ID,
    Address,
    DlnaConfig,
    Network,
    device_agent,
    friendly_name,
    lan_network,
    local_address,
    play_retention_days,
)
from parlour.domain.errors import ConflictError, InvalidInputError, NotFoundError
from parlour.services.dlna_plays import DlnaPlays
from parlour.storage import dlna_plays_store, dlna_store, dlna_tree, library_store
from parlour.storage.dlna_objects import ROOT, DlnaContainer
from parlour.storage.dlna_store import DlnaDevice
from parlour.storage.engine import Catalogue

CONFIG_MEMORY_S = 2.0  # how long the front end's view of the configuration may lag
MAX_REMEMBERED_DEVICES = 1024


def _now() -> int:
    return int(time.time())


def socket_address(address: Address, port: int) -> tuple[str, int] | tuple[str, int, int, int]:
    """What a socket binds to for ``address``: an IPv6 address's zone goes in the scope
    id (Python's bind reads no zone from the text; a link-local address needs it).
    Raises OSError for a zone that names no interface."""
    if isinstance(address, ipaddress.IPv4Address):
        return (str(address), port)
    zone = address.scope_id or ""
    index = int(zone) if zone.isdigit() else socket.if_nametoindex(zone) if zone else 0
    return (str(address).split("%", 1)[0], port, 0, index)


def is_own_address(address: Address) -> bool:
    """Whether ``address`` belongs to this machine: binding a socket to it works."""
    family = socket.AF_INET if address.version == 4 else socket.AF_INET6
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.bind(socket_address(address, 0))
    except OSError:
        return False
    return True


def home_network(address: Address) -> Network:
    """The subnet a device beside ``address`` is in, when the admin names none: the
    address's /24 (IPv4) or /64 (IPv6); loopback alone for a loopback address."""
    if address.is_loopback:
        return ipaddress.ip_network(f"{address}/{address.max_prefixlen}")
    prefix = 24 if address.version == 4 else 64
    return ipaddress.ip_network(f"{address}/{prefix}", strict=False)


def _recording(
    config: DlnaConfig, record_plays: bool | None, retention_days: int | None
) -> DlnaConfig:
    """The configuration with the admin's choice about plays, where one was given."""
    if record_plays is not None:
        config = replace(config, record_plays=record_plays)
    if retention_days is not None:
        config = replace(config, play_retention_days=play_retention_days(retention_days))
    return config


class DlnaService:
    def __init__(self, catalogue: Catalogue, clock: Callable[[], float] = time.monotonic) -> None:
        self.catalogue = catalogue
        self.clock = clock
        self._lock = threading.Lock()
        # The configuration, and the root it gives the tree (the shared libraries, by
        # name): every device starts its browsing there, and it changes with what is
        # shared, so it is read with the configuration rather than on every Browse.
        self._remembered: tuple[float, DlnaConfig, tuple[DlnaContainer, ...]] | None = None
        # Whether a device (user agent, address) is approved, for as long as the
        # configuration is remembered: a TV asks for every byte range of a film, and
        # each would otherwise read the device list. Forgotten on any change here.
        self._devices: dict[tuple[str, str], tuple[float, bool]] = {}
        # The SystemUpdateID of the shared libraries, as long as the configuration:
        # every Browse answer carries it, and reading it is a transaction of its own.
        self._update_id: tuple[float, frozenset[str], int] | None = None
        # Plays from devices, recorded only when the admin chose to.
        self.plays = DlnaPlays(catalogue, self.current)

    # -- configuration ---------------------------------------------------------------------

    def current(self) -> DlnaConfig:
        """The configuration as the front end acts on it; changes made by another
        process (the command line) are seen within CONFIG_MEMORY_S."""
        remembered = self.current_in_memory()
        if remembered is not None:
            return remembered
        config = self._load()
        with self.catalogue.reading() as conn:
            viewer = self.network_viewer(config)
            root = tuple(dlna_tree.children(conn, viewer, ROOT, 0, 0).entries)
        shared = tuple(entry for entry in root if isinstance(entry, DlnaContainer))
        with self._lock:
            self._remembered = (self.clock() + CONFIG_MEMORY_S, config, shared)
        return config

    def shared_libraries(self) -> tuple[DlnaContainer, ...]:
        """The root's children: the libraries the network may see, by name, as read with
        the configuration (a library renamed or shared shows within CONFIG_MEMORY_S)."""
        self.current()
        with self._lock:
            return () if self._remembered is None else self._remembered[2]

    def current_in_memory(self) -> DlnaConfig | None:
        """The configuration if it is remembered (no database work, so the event loop
        may ask); None when it must be read."""
        with self._lock:
            if self._remembered is not None and self.clock() < self._remembered[0]:
                return self._remembered[1]
        return None

    def _load(self) -> DlnaConfig:
        with self.catalogue.reading() as conn:
            found = dlna_store.read_config(conn)
        if found is not None:
            return found
        with self.catalogue.writing() as conn:
            found = dlna_store.read_config(conn)  # another writer may have made it
            if found is None:
                found = dlna_store.new_config()
                dlna_store.write_config(conn, found, _now())
            return found

    def config(self, viewer: Viewer) -> dict[str, Any]:
        viewer.require_admin()
        return self._as_json(self.current())

    def enable(
        self,
        viewer: Viewer,
        *,
        libraries: Sequence[str] | None = None,
        interfaces: Sequence[str] | None = None,
        allow: Sequence[str] | None = None,
        name: str | None = None,
        port: int | None = None,
        approval_required: bool | None = None,
        record_plays: bool | None = None,
        play_retention_days: int | None = None,
    ) -> dict[str, Any]:
        """Turn the server on (or change it while on). What is not given stays as it was;
        an interface is required, and the allow-list defaults to the interfaces' own
        subnets. Libraries are named or given by id; unknown ones are refused."""
        viewer.require_admin()
        new = _recording(replace(self._load(), enabled=True), record_plays, play_retention_days)
        if interfaces is not None:
            chosen = tuple(dict.fromkeys(map(local_address, interfaces)))
            strangers = [str(a) for a in chosen if not is_own_address(a)]
            if strangers:  # the request is well formed; this machine just lacks them
                raise ConflictError(f"not an address of this machine: {', '.join(strangers)}")
            new = replace(new, interfaces=chosen)
        if allow is not None:
            new = replace(new, allow=tuple(dict.fromkeys(map(lan_network, allow))))
        elif interfaces is not None:
            new = replace(new, allow=tuple(dict.fromkeys(map(home_network, new.interfaces))))
        if name is not None:
            new = replace(new, friendly_name=friendly_name(name))
        if port is not None:
            if not 1024 <= port <= 65535:
                raise InvalidInputError("the DLNA port must be 1024 to 65535")
            new = replace(new, port=port)
        if approval_required is not None:
            new = replace(new, approval_required=approval_required)
        with self.catalogue.writing() as conn:
            if libraries is not None:
                found = [library_store.find_library(conn, lib).id for lib in libraries]
                new = replace(new, library_ids=frozenset(found))
            if not new.interfaces:
                # Not the request's fault alone: no interface was ever chosen.
                raise ConflictError(
                    "choose the interface to listen on (an address of this machine)"
                )
            erased = self._store(conn, new)
        return self._stored(new, erased)

    def disable(
        self,
        viewer: Viewer,
        *,
        record_plays: bool | None = None,
        play_retention_days: int | None = None,
    ) -> dict[str, Any]:
        """Turn the server off. Whether plays are recorded can be chosen while it is off
        too: turning recording off (which erases what was recorded) must always work."""
        viewer.require_admin()
        off = replace(self._load(), enabled=False)  # read before the write lock is taken
        off = _recording(off, record_plays, play_retention_days)
        with self.catalogue.writing() as conn:
            erased = self._store(conn, off)
        return self._stored(off, erased)

    def _store(self, conn: Connection, config: DlnaConfig) -> int:
        """Write the configuration; how many recorded plays it erased (all of them when
        recording is turned off, the older ones when the retention is shortened)."""
        now = _now()
        dlna_store.write_config(conn, config, now)
        return dlna_plays_store.purge_expired(conn, now)

    def _stored(self, config: DlnaConfig, erased: int) -> dict[str, Any]:
        """After the write: the front end sees the change at once, and erased plays are
        gone from the write-ahead log too."""
        with self._lock:
            self._remembered = None
            self._devices.clear()
            self._update_id = None
        if erased:
            self.catalogue.checkpoint()
        return self._as_json(config)

    @staticmethod
    def _as_json(config: DlnaConfig) -> dict[str, Any]:
        return {
            "enabled": config.enabled,
            "device_uuid": config.device_uuid,
            "name": config.friendly_name,
            "port": config.port,
            "interfaces": [str(a) for a in config.interfaces],
            "allow": [str(n) for n in config.allow],
            "library_ids": sorted(config.library_ids),
            "approval_required": config.approval_required,
            "record_plays": config.record_plays,
            "play_retention_days": config.play_retention_days,
        }

    # -- what the network may see ------------------------------------------------------------

    def network_viewer(self, config: DlnaConfig | None = None) -> Viewer:
        """Whom the catalogue serves a DLNA device as: no person, no admin, only the
        shared libraries (none while DLNA is off)."""
        config = self.current() if config is None else config
        shared = config.library_ids if config.enabled else frozenset()
        return Viewer(DLNA_VIEWER_ID, "DLNA", Role.USER, shared)

    def system_update_id(self, config: DlnaConfig | None = None) -> int:
        """ContentDirectory's SystemUpdateID (a ui4): it changes whenever what the network
        sees may have changed (a scan of a shared library, a change of what is shared).
        Remembered for CONFIG_MEMORY_S, as the configuration is."""
        config = self.current() if config is None else config
        with self._lock:
            remembered = self._update_id
        if (
            remembered is not None
            and self.clock() < remembered[0]
            and remembered[1] == config.library_ids
        ):
            return remembered[2]
        with self.catalogue.reading() as conn:
            changed = dlna_store.last_change(conn, config.library_ids)
        update_id = changed % (2**32 - 1) or 1
        with self._lock:
            self._update_id = (self.clock() + CONFIG_MEMORY_S, config.library_ids, update_id)
        return update_id

    def admits(self, address: str, user_agent: str) -> bool:
        """Whether a device at ``address`` that names itself ``user_agent`` may be
        answered: DLNA on, the address in the allow-list, and (when approval is
        required) the device approved. A device that asks is noted for the admin."""
        remembered = self.admits_in_memory(address, user_agent)
        if remembered is not None:
            return remembered
        config = self.current()
        if not config.enabled or not config.admits(address):
            return False
        return self._seen(device_agent(user_agent), address) or not config.approval_required

    def admits_in_memory(self, address: str, user_agent: str) -> bool | None:
        """``admits`` from what is remembered (no database work, so the event loop may
        ask: a TV's every byte range passes here); None when it must be read."""
        config = self.current_in_memory()
        if config is None:
            return None
        if not config.enabled or not config.admits(address):
            return False
        with self._lock:
            remembered = self._devices.get((device_agent(user_agent), address))
        if remembered is None or self.clock() >= remembered[0]:
            return None
        return remembered[1] or not config.approval_required

    def _seen(self, agent: str, address: str) -> bool:
        """Note the device as seen (last seen written at most once a minute); whether it
        is approved."""
        with self.catalogue.reading() as conn:
            known = dlna_store.find_device(conn, agent, address)
        if known is None or _now() - known.last_seen >= 60:
            with self.catalogue.writing() as conn:
                known = dlna_store.device_seen(conn, agent, address, _now())
        with self._lock:
            if len(self._devices) >= MAX_REMEMBERED_DEVICES:
                self._devices.clear()
            self._devices[(agent, address)] = (self.clock() + CONFIG_MEMORY_S, known.approved)
        return known.approved

    # -- devices (the admin's) ----------------------------------------------------------------

    def devices(self, viewer: Viewer) -> list[DlnaDevice]:
        viewer.require_admin()
        with self.catalogue.reading() as conn:
            return dlna_store.devices(conn)

    def approve(self, viewer: Viewer, device_id: str, approved: bool) -> None:
        viewer.require_admin()
        with self.catalogue.writing() as conn:
            if not dlna_store.set_approved(conn, device_id, approved):
                raise NotFoundError("no such device")
        with self._lock:
            self._devices.clear()  # the next request sees the admin's decision

    def forget(self, viewer: Viewer, device_id: str) -> None:
        """Forget a device, and with it every play recorded against it."""
        viewer.require_admin()
        with self.catalogue.writing() as conn:
            if not dlna_store.forget_device(conn, device_id):
                raise NotFoundError("no such device")
        with self._lock:
            self._devices.clear()  # the next request sees the admin's decision
        self.catalogue.checkpoint()  # its plays went with it (the foreign key cascades)
