"""Opaque identifiers: 128 random bits, never derived from paths or names."""

import secrets


def new_id() -> str:
    """Return a fresh opaque id: 32 lowercase hex digits (128 random bits)."""
    return secrets.token_hex(16)
