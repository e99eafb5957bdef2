"""Media tickets: they round-trip, and any change to one, or another key, is refused."""

import time

import pytest

from parlour.domain.errors import AuthenticationError
from parlour.services.tickets import Ticket, TicketSigner


def _ticket() -> Ticket:
    return Ticket("s1", "token-1", "item-1", int(time.time()) + 600, {"d": "hls", "p": {"n": 1}})


def test_a_ticket_reads_back_as_issued() -> None:
    signer, ticket = TicketSigner(b"k" * 32), _ticket()
    assert signer.read(signer.issue(ticket)) == ticket
    assert not ticket.expired


def test_a_changed_or_foreign_ticket_is_refused() -> None:
    signer, ticket = TicketSigner(b"k" * 32), _ticket()
    text = signer.issue(ticket)
    payload, signature = text.split(".")
    forged = TicketSigner(b"other key").issue(ticket)
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    for bad in (forged, flipped + "." + signature, payload, "", "x" * 5000, text + "x"):
        with pytest.raises(AuthenticationError):
            signer.read(bad)


def test_an_old_ticket_says_so() -> None:
    old = Ticket("s", "t", "i", int(time.time()) - 1, {})
    assert old.expired
