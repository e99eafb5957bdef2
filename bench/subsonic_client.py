"""A Subsonic API client for the benches: JSON answers over one keep-alive connection,
with token auth (a fresh salt each request, as real clients send it) or ``p=enc:HEX``."""

import hashlib
import secrets
from collections.abc import Callable
from typing import Any

import httpx

CLIENT = "bench"
API_VERSION = "1.16.1"
REQUEST_TIMEOUT_S = 60.0


def token_auth(user: str, password: str) -> dict[str, str]:
    """Subsonic token auth with a fresh random salt, as real clients send it:
    ``t`` = md5(password + ``s``)."""
    salt = secrets.token_hex(8)
    token = hashlib.md5((password + salt).encode(), usedforsecurity=False).hexdigest()
    return {"u": user, "t": token, "s": salt}


def password_auth(user: str, password: str) -> dict[str, str]:
    """The Subsonic spec's legacy auth: the password hex-encoded, ``p=enc:HEX``."""
    return {"u": user, "p": "enc:" + password.encode().hex()}


class SubsonicClient:
    """Subsonic calls (``f=json``) over one keep-alive httpx connection to ``base``; each
    request's credentials come from ``credentials()``, so token auth gets a fresh salt."""

    def __init__(self, who: str, base: str, credentials: Callable[[], dict[str, str]]) -> None:
        self.who = who
        self.credentials = credentials
        self.http = httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S)

    def call(self, view: str, params: dict[str, Any]) -> dict[str, Any]:
        """One Subsonic call: its ``subsonic-response`` body, whatever its status."""
        common = {"v": API_VERSION, "c": CLIENT, "f": "json", **self.credentials()}
        response = self.http.get(f"/rest/{view}.view", params={**common, **params})
        if response.status_code != 200:
            raise SystemExit(
                f"{self.who} {view}: HTTP {response.status_code} {response.text[:300]}"
            )
        body: dict[str, Any] = response.json()["subsonic-response"]
        return body

    def ok(self, view: str, params: dict[str, Any]) -> dict[str, Any]:
        """One Subsonic call that must succeed: its body (SystemExit if it failed)."""
        body = self.call(view, params)
        if body.get("status") != "ok":
            raise SystemExit(f"{self.who} {view} {params}: {body.get('error', body)}")
        return body

    def close(self) -> None:
        self.http.close()
