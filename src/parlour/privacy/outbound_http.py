"""The one HTTP client in Parlour (EG-06): a POST of given bytes, for a declared outbound
feature, to a host that feature declares, with a 10 s timeout (FT-10); and a request to
a device on the home network for a home-network feature (DLNA's event notifications).

The name is resolved through the gate (so only that feature's host, and the addresses it
resolves to, can be reached) and the request carries nothing but the body and the
headers HTTP needs: no User-Agent, cookies or encodings to tell anything extra.
"""

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from parlour.privacy.egress import EgressGate, EgressRefusedError, is_local

TIMEOUT_S = 10.0
MAX_ANSWER_BYTES = 64 * 1024  # what is read of the receiver's reply, for the error text
SENT_HEADERS = ("Host", "Content-Type", "Content-Length", "Connection")
HOME_TIMEOUT_S = 5.0  # a device on the home network answers at once, or not at all


@dataclass(frozen=True, slots=True)
class Delivery:
    ok: bool
    status: int | None  # the HTTP status, None when no answer came
    error: str | None  # why it failed, in words for the admin's outbox view


class _GatedConnection(http.client.HTTPConnection):
    """Connects to the addresses the gate resolved for the feature, nothing else."""

    def __init__(self, gate: EgressGate, feature: str, host: str, port: int, tls: bool) -> None:
        super().__init__(host, port, timeout=TIMEOUT_S)
        self._gate, self._feature, self._tls = gate, feature, tls

    def connect(self) -> None:
        found = self._gate.resolve(self._feature, self.host, self.port)
        failure: OSError | None = None
        for family, kind, proto, _name, address in found:
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(TIMEOUT_S)
                sock.connect(address)
            except OSError as error:
                sock.close()
                failure = error
                continue
            if self._tls:
                context = ssl.create_default_context()
                sock = context.wrap_socket(sock, server_hostname=self.host)
            self.sock = sock
            return
        raise failure or OSError(f"{self.host} resolved to no address")


def post(gate: EgressGate, feature: str, url: str, body: bytes) -> Delivery:
    """POST ``body`` as JSON to ``url`` for ``feature``; a 2xx answer is delivered."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Delivery(False, None, "the endpoint is not an http(s) URL")
    tls = parts.scheme == "https"
    port = parts.port or (443 if tls else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = _GatedConnection(gate, feature, parts.hostname, port, tls)
    headers = [("Content-Type", "application/json")]
    return _exchange(connection, "POST", target, headers, body, who="the endpoint")


def _exchange(
    connection: http.client.HTTPConnection,
    method: str,
    target: str,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    *,
    who: str,
    skip_host: bool = False,
) -> Delivery:
    """One request on ``connection`` (then closed); a 2xx answer is delivered."""
    try:
        connection.putrequest(method, target, skip_host=skip_host, skip_accept_encoding=True)
        for name, value in headers:
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.putheader("Connection", "close")
        connection.endheaders(body)
        answer = connection.getresponse()
        answer.read(MAX_ANSWER_BYTES)
    except EgressRefusedError as refused:
        return Delivery(False, None, str(refused))
    except (OSError, http.client.HTTPException) as error:
        return Delivery(False, None, f"{type(error).__name__}: {error}"[:500])
    finally:
        connection.close()
    if 200 <= answer.status < 300:
        return Delivery(True, answer.status, None)
    return Delivery(False, answer.status, f"{who} answered HTTP {answer.status}")


def host_header(host: str, port: int) -> str:
    """The Host header for an IP literal: IPv6 in brackets and without its zone (a
    link-local zone names this machine's interface, nothing the other end knows)."""
    bare = host.split("%", 1)[0]
    return f"[{bare}]:{port}" if ":" in bare else f"{bare}:{port}"


def send_home(
    gate: EgressGate,
    feature: str,
    method: str,
    url: str,
    headers: Sequence[tuple[str, str]],
    body: bytes,
) -> Delivery:
    """Send one request to a device on the home network for the home-network
    ``feature``: ``url`` is plain http to an IP literal the gate lets ``feature`` reach
    (or this machine); no name is looked up. Only ``headers``, Host, Content-Length and
    Connection are sent."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        ipaddress.ip_address(host)
        port = parts.port or 80
    except ValueError:
        return Delivery(False, None, "the callback is not http:// to an IP address")
    decision = gate.decide(host)
    if parts.scheme != "http" or not (
        is_local(host) or (decision.allowed and decision.feature == feature)
    ):
        return Delivery(False, None, f"{feature} may not reach {host}")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = http.client.HTTPConnection(host, port, timeout=HOME_TIMEOUT_S)
    every = [("Host", host_header(host, port)), *headers]
    return _exchange(connection, method, target, every, body, who="the device", skip_host=True)
