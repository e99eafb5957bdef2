"""The outbound gate (R-7, EG-01): an audit hook that refuses, before the system call,
every connection, name lookup or datagram to a host that no enabled outbound feature
declares. Loopback and Unix sockets always pass; ``offline`` wins over every feature
that reaches the internet. A home-network feature (DLNA) is opened at run time, while it
runs, for its declared multicast group and the private or link-local addresses in the
subnets the admin allow-listed, and for nothing else.

Audit hooks cannot be removed, so the hook is added once per process and consults the
gate that :func:`install` last put in place; tests swap gates, never hooks.
"""

import errno
import ipaddress
import logging
import socket
import sys
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from parlour.privacy.outbound_features import (
    FeatureState,
    OutboundFeature,
    OutboundSettings,
    declare_features,
)

log = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

UNDECLARED = "undeclared"  # the counter's name for hosts no feature declares
# Names that never leave the machine. "*.localhost" is not here: glibc may ask DNS.
_LOCAL_NAMES = frozenset({"localhost"})


class EgressRefusedError(PermissionError):
    """A connection, lookup or datagram the outbound gate did not allow."""

    def __init__(self, action: str, destination: str, reason: str) -> None:
        super().__init__(
            errno.EPERM, f"outbound {action} to {destination} refused by Parlour: {reason}"
        )
        self.destination = destination


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str
    feature: str | None = None  # the feature that declares the host, if any


_LOCAL = Decision(True, "stays on this machine")


def _normal(host: str | bytes) -> str:
    text = host.decode("ascii", "replace") if isinstance(host, bytes) else host
    return text.strip().lower().rstrip(".").removeprefix("[").removesuffix("]")


def _literal(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name.split("%", 1)[0])  # an IPv6 scope is no address
    except ValueError:
        return None


def is_local(name: str) -> bool:
    """Loopback, and the unspecified address (Linux connects it to this host)."""
    if name in _LOCAL_NAMES:
        return True
    address = _literal(name)
    if address is None:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified


def _destination(host: str, port: object) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{port}" if port not in (None, 0, "") else shown


@dataclass(frozen=True, slots=True)
class RefusedCounts:
    total: int
    by_destination: dict[str, int]
    by_feature: dict[str, int]


class EgressGate:
    """What may be reached under one set of settings, and what was refused."""

    def __init__(self, features: Sequence[OutboundFeature], *, offline: bool) -> None:
        self.features = tuple(features)
        self.offline = offline
        self._declared = {host: f.name for f in self.features for host in f.hosts}
        self._open = (
            {}
            if offline
            else {host: f.name for f in self.features if f.switched_on for host in f.hosts}
        )
        self._resolved: dict[str, str] = {}  # addresses a declared name resolved to
        # Home-network features open now: name -> the subnets they may reach (replaced
        # whole, never mutated, so that ``decide`` reads it without the lock).
        self._lan: dict[str, tuple[Network, ...]] = {}
        self._lock = threading.Lock()
        self._refused: Counter[tuple[str, str]] = Counter()  # (feature, destination)
        self._quiet = threading.local()  # set while the gate itself is logging

    def decide(self, host: str | bytes) -> Decision:
        """Whether ``host`` (a name or an IP literal) may be contacted, and why."""
        name = _normal(host)
        if is_local(name):
            return _LOCAL
        lan = self._lan_feature(name)
        if lan is not None:
            return Decision(True, f"declared by {lan} (home network)", lan)
        feature = self._open.get(name) or self._resolved.get(name)
        if feature is not None:
            return Decision(True, f"declared by {feature}", feature)
        declared = self._declared.get(name)
        if self.offline:
            return Decision(False, "offline is set", declared)
        if declared is not None:
            return Decision(False, f"{declared} is not enabled", declared)
        return Decision(False, "no enabled outbound feature declares this host")

    def open_lan(self, feature: str, networks: Sequence[Network]) -> None:
        """Let the home-network ``feature`` reach its declared hosts and the private or
        link-local addresses in ``networks`` (public ones in them never pass)."""
        if not any(f.name == feature and f.lan_only for f in self.features):
            raise ValueError(f"{feature} is not a declared home-network feature")
        home = tuple(n for n in networks if n.is_private or n.is_link_local)
        with self._lock:
            self._lan = {**self._lan, feature: home}

    def close_lan(self, feature: str) -> None:
        with self._lock:
            self._lan = {name: nets for name, nets in self._lan.items() if name != feature}

    def lan_open(self, feature: str) -> bool:
        return feature in self._lan

    def _lan_feature(self, name: str) -> str | None:
        """The open home-network feature that may reach ``name`` (an IP literal), if any."""
        open_now = self._lan
        if not open_now:
            return None
        address = _literal(name)
        if address is None:
            return None  # names are never looked up for the home network
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        home = address.is_private or address.is_link_local
        for feature, networks in open_now.items():
            if name in self._declared and self._declared[name] == feature:
                return feature
            if home and any(address in network for network in networks):
                return feature
        return None

    def check(self, action: str, host: str | bytes, port: object = None) -> None:
        """Raise :class:`EgressRefusedError` (counted and logged) unless ``host`` may be reached."""
        decision = self.decide(host)
        if not decision.allowed:
            self._refuse(action, _destination(_normal(host), port), decision)

    def _refuse(self, action: str, destination: str, decision: Decision) -> None:
        with self._lock:
            self._refused[(decision.feature or UNDECLARED, destination)] += 1
        if not getattr(self._quiet, "on", False):
            # A logging handler that used the network would come back here: the nested
            # refusal is still raised and counted, but not logged again.
            self._quiet.on = True
            try:
                log.warning("refused outbound %s to %s: %s", action, destination, decision.reason)
            finally:
                self._quiet.on = False
        raise EgressRefusedError(action, destination, decision.reason)

    def resolve(self, feature: str, host: str, port: int) -> list[Any]:
        """Look up a host that ``feature`` declares and let the addresses it resolves to
        through: the one way for an outbound client to reach a declared name by IP."""
        name = _normal(host)
        if self._open.get(name) != feature:
            decision = self.decide(name)
            if decision.allowed:  # local, or another feature's host: not this feature's
                decision = Decision(False, f"{feature} does not declare this host")
            self._refuse("lookup", _destination(name, port), decision)
        found = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
        with self._lock:
            for *_, address in found:
                self._resolved[_normal(str(address[0]))] = feature
        return found

    def refused(self) -> RefusedCounts:
        with self._lock:
            counts = dict(self._refused)
        by_destination: Counter[str] = Counter()
        by_feature: Counter[str] = Counter()
        for (feature, destination), count in counts.items():
            by_destination[destination] += count
            by_feature[feature] += count
        return RefusedCounts(sum(counts.values()), dict(by_destination), dict(by_feature))

    # -- the audit events ---------------------------------------------------------------

    def on_connect(self, action: str, args: tuple[Any, ...]) -> None:
        sock, address = args[0], args[1]
        if address is None:  # sendmsg on a connected socket: its connect was checked
            return
        family = getattr(sock, "family", None)
        if family in (socket.AF_INET, socket.AF_INET6):
            if isinstance(address, tuple) and address:
                self.check(action, address[0], address[1] if len(address) > 1 else None)
        elif family not in (socket.AF_UNIX, getattr(socket, "AF_NETLINK", socket.AF_UNIX)):
            # Raw packets, Bluetooth, CAN...: nothing Parlour needs, nothing to declare.
            self._refuse(action, f"address family {family}", Decision(False, "not IP"))

    def on_lookup(self, action: str, args: tuple[Any, ...]) -> None:
        host = args[0] if args else None
        if host is None or host in ("", b""):
            return  # the local wildcard: nothing to resolve
        if _literal(_normal(host)) is not None and action == "lookup":
            return  # an IP literal resolves without asking anyone; connecting is checked
        self.check(action, host, args[1] if action == "lookup" and len(args) > 1 else None)


# Audit event → (handler, the action named in messages).
_HANDLERS: dict[str, tuple[Callable[[EgressGate, str, tuple[Any, ...]], None], str]] = {
    "socket.connect": (EgressGate.on_connect, "connection"),
    "socket.sendto": (EgressGate.on_connect, "datagram"),
    "socket.sendmsg": (EgressGate.on_connect, "message"),
    "socket.getaddrinfo": (EgressGate.on_lookup, "lookup"),
    "socket.gethostbyname": (EgressGate.on_lookup, "lookup"),
    "socket.gethostbyaddr": (EgressGate.on_lookup, "reverse lookup"),
}


class _Slot:
    """The gate the hook consults (one per process, swapped by :func:`install`)."""

    gate: EgressGate | None = None
    hooked = False
    lock = threading.Lock()


def _audit(event: str, args: tuple[Any, ...]) -> None:
    # Runs on every audited event in the process (imports, opens, exec...): one dict
    # lookup and out for everything that is not ours. socket.connect_ex raises the
    # socket.connect event too.
    handler = _HANDLERS.get(event)
    if handler is None:
        return
    gate = _Slot.gate
    if gate is not None:
        handler[0](gate, handler[1], args)


def install(settings: OutboundSettings) -> EgressGate:
    """Put a gate for ``settings`` in place (adding the audit hook on first use)."""
    gate = EgressGate(declare_features(settings), offline=settings.offline)
    with _Slot.lock:
        if not _Slot.hooked:
            sys.addaudithook(_audit)
            _Slot.hooked = True
        _Slot.gate = gate
    return gate


def current() -> EgressGate | None:
    return _Slot.gate


def report(gate: EgressGate) -> dict[str, Any]:
    """Every outbound feature, its state and hosts and fields, and what was refused, as
    plain JSON-able data (the admin endpoint and `parlour privacy report` render it)."""
    refused = gate.refused()
    features = []
    for feature in gate.features:
        if feature.lan_only:  # on while it runs; offline is about the internet
            active = gate.lan_open(feature.name)
            state = FeatureState.ENABLED if active else feature.state
        else:
            active = feature.state is FeatureState.ENABLED and not gate.offline
            state = feature.state
        features.append(
            {
                "name": feature.name,
                "description": feature.description,
                "state": state.value,
                "offline_blocks": gate.offline and not feature.lan_only,
                "active": active,
                "hosts": list(feature.hosts),
                "fields": list(feature.fields),
                "refused": refused.by_feature.get(feature.name, 0),
            }
        )
    return {
        "offline": gate.offline,
        "features": features,
        "refused": {
            "total": refused.total,
            "by_destination": refused.by_destination,
            "by_feature": refused.by_feature,
        },
    }
