"""The Host header allow-list (AU-12): a page on another site that has rebound its own
name to this server's address (DNS rebinding) sends its own name as Host, and gets 421.

Allowed: any IP literal (IPv4, or IPv6 in brackets), ``localhost``, this machine's host
name with and without ``.local``, and the ``allowed_hosts`` setting. The port is ignored.
A pure ASGI middleware, since it runs on every request: one header scan and a set look-up;
only an unknown name is tried as an IP address.
"""

import ipaddress
import socket
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from parlour.frontends.web.errors import problem


def default_names() -> frozenset[str]:
    """``localhost`` and this machine's own name, with and without ``.local``."""
    own = socket.gethostname().lower().rstrip(".")
    names = {"localhost"}
    if own:
        bare = own.removesuffix(".local")
        names |= {bare, bare + ".local"}
    return frozenset(names)


def host_name(header: str) -> str | None:
    """The name or address in a Host header, without the port; None if malformed.

    An IPv6 address comes back in its brackets, so that it cannot pass for a name.
    """
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        rest = header[end + 1 :]
        if end < 0 or (rest and not (rest.startswith(":") and _is_port(rest[1:]))):
            return None
        return header[: end + 1]
    name, colon, port = header.partition(":")
    if colon and not _is_port(port):
        return None  # "::1" unbracketed, "a:b:c", a port that is not a number
    return name.rstrip(".")


def _is_port(text: str) -> bool:
    return text == "" or (text.isascii() and text.isdigit() and len(text) <= 5)


def _is_ip_literal(name: str) -> bool:
    text = name[1:-1] if name.startswith("[") and name.endswith("]") else name
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    # IPv6 only in brackets, IPv4 never in them.
    return (address.version == 6) == name.startswith("[")


class HostAllowList:
    """Which Host headers this server answers to."""

    _REMEMBERED = 1024  # verdicts kept: a client sends the same Host again and again

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(name.lower().rstrip(".") for name in names) | default_names()
        self._verdicts: dict[str, bool] = {}

    def allows(self, header: str) -> bool:
        verdict = self._verdicts.get(header)
        if verdict is None:
            name = host_name(header)
            verdict = bool(name) and (name in self.names or _is_ip_literal(name or ""))
            if len(self._verdicts) >= self._REMEMBERED:
                self._verdicts.clear()  # bounded, whatever headers a client makes up
            self._verdicts[header] = verdict
        return verdict


class HostGuard:
    """ASGI middleware: 421 problem+json for a Host that is not allowed.

    A request without a Host header cannot come from a browser (every browser sends
    one), so there is no name to rebind: HTTP/1.0 without Host passes; HTTP/1.1 without
    it is malformed (RFC 9112) and gets 400.
    """

    def __init__(self, app: ASGIApp, allowed: HostAllowList) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        header = None
        for key, value in scope["headers"]:
            if key == b"host":
                header = value.decode("latin-1")
                break
        if header is None:
            if scope.get("http_version") == "1.0":
                await self.app(scope, receive, send)
                return
            await self._refuse(scope, receive, send, 400, "a Host header is required")
            return
        if self.allowed.allows(header):
            await self.app(scope, receive, send)
            return
        shown = header[:100]
        await self._refuse(
            scope,
            receive,
            send,
            421,
            f"this server does not answer to the host name {shown!r}; an admin can add it "
            "to allowed_hosts in parlour.toml",
        )

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, why: str) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await problem(status, why)(scope, receive, send)
