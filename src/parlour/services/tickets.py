"""Media tickets: short-lived, signed capabilities that ride in a media URL's path, so
that a ``<video>`` element, an HLS player or ffmpeg can fetch one playback's streams
without an Authorization header (AU-07: such URLs expire within the hour).

A ticket names the session token it was made for (revoking or signing out that token
ends it), the item, the playback's choices (streams, renditions, format) and when it
expires; an HMAC under a key derived from the server's secret makes it unforgeable. It
is checked on every request, with the viewer's access to the item.
"""

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

from parlour.domain.errors import AuthenticationError

TICKET_LIFETIME_S = 3600
_SIGNATURE_BYTES = 16
_MAX_TICKET_CHARS = 2048


@dataclass(frozen=True, slots=True)
class Ticket:
    session_id: str
    token_id: str
    item_id: str
    expires_at: int
    choices: dict[str, Any]  # what was decided: method, streams, renditions, format

    @property
    def expired(self) -> bool:
        return time.time() >= self.expires_at


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TicketSigner:
    def __init__(self, secret: bytes) -> None:
        # Its own key: a ticket signature can never be mistaken for a token hash.
        self._key = hmac.new(secret, b"parlour media ticket v1", hashlib.sha256).digest()

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]

    def issue(self, ticket: Ticket) -> str:
        payload = json.dumps(
            {
                "s": ticket.session_id,
                "k": ticket.token_id,
                "i": ticket.item_id,
                "x": ticket.expires_at,
                "c": ticket.choices,
            },
            separators=(",", ":"),
        ).encode()
        return _b64(payload) + "." + _b64(self._sign(payload))

    def read(self, text: str) -> Ticket:
        """The ticket ``text`` stands for, whatever its age; AuthenticationError (401) for
        anything forged, damaged or malformed: the ticket is the request's credential."""
        try:
            if len(text) > _MAX_TICKET_CHARS:
                raise ValueError
            encoded, _, signature = text.partition(".")
            payload = _unb64(encoded)
            if not hmac.compare_digest(_unb64(signature), self._sign(payload)):
                raise ValueError
            data = json.loads(payload)
            ticket = Ticket(
                str(data["s"]), str(data["k"]), str(data["i"]), int(data["x"]), dict(data["c"])
            )
        except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
            raise AuthenticationError("missing or invalid media ticket") from exc
        return ticket
