"""Passwords, tokens and the login limiter: the primitives the account service uses."""

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable

import argon2

from parlour.domain.errors import RateLimitedError

# RFC 9106's low-memory profile: argon2id, t=3, m=64 MiB, p=4 (about 0.2 s here).
_PARAMETERS = argon2.profiles.RFC_9106_LOW_MEMORY
# Each hash takes 64 MiB: at most this many run at once, whatever the request rate.
_CONCURRENT_HASHES = 2


class PasswordHasher:
    """argon2id hashing with a bounded number of hashes in flight."""

    def __init__(self) -> None:
        self._hasher = argon2.PasswordHasher.from_parameters(_PARAMETERS)
        self._slots = threading.BoundedSemaphore(_CONCURRENT_HASHES)
        self._dummy: str | None = None

    def _dummy_hash(self) -> str:
        """Checked when the user does not exist, so an unknown name costs the same time.
        Made on first need: commands that never verify a password skip its 0.2 s."""
        if self._dummy is None:
            self._dummy = self.hash(secrets.token_hex(16))
        return self._dummy

    def hash(self, password: str) -> str:
        with self._slots:
            return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """True if ``password`` matches; with no hash, the same work for a False."""
        against = password_hash or self._dummy_hash()
        with self._slots:
            try:
                return self._hasher.verify(against, password) and bool(password_hash)
            except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
                return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)


def new_token() -> str:
    """A bearer token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_digest(key: bytes, token: str) -> str:
    """What is stored for a token: a keyed hash, so a copied database mints nothing."""
    return hmac.new(key, token.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


class LoginLimiter:
    """Counts failed logins per (account, source) and per source, in a sliding window.

    Past ``per_account`` failures for one account from one source, that pair waits,
    twice as long after each further failure; a source failing across many accounts is
    held back too. The owner logging in from elsewhere is never locked out.
    """

    def __init__(
        self,
        *,
        per_account: int = 10,
        per_source: int = 50,
        window_s: int = 15 * 60,
        first_delay_s: int = 30,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 50_000,
    ) -> None:
        self.per_account = per_account
        self.per_source = per_source
        self.window_s = window_s
        self.first_delay_s = first_delay_s
        self.clock = clock
        self.max_keys = max_keys
        self._failures: dict[tuple[str, ...], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, ...], now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def _wait(self, times: deque[float], limit: int, now: float) -> int:
        if len(times) < limit:
            return 0
        delay = min(self.first_delay_s * 2 ** (len(times) - limit), self.window_s)
        return max(0, int(times[-1] + delay - now + 0.999))

    def check(self, account: str, source: str) -> None:
        """Raise RateLimitedError if this account/source must wait."""
        now = self.clock()
        with self._lock:
            wait = max(
                self._wait(self._recent((account, source), now), self.per_account, now),
                self._wait(self._recent((source,), now), self.per_source, now),
            )
        if wait > 0:
            raise RateLimitedError(wait)

    def failed(self, account: str, source: str) -> None:
        now = self.clock()
        with self._lock:
            while self._failures and len(self._failures) > self.max_keys - 2:
                self._failures.pop(next(iter(self._failures)))  # oldest key: memory stays bounded
            for key in ((account, source), (source,)):
                self._recent(key, now)
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, account: str, source: str) -> None:
        with self._lock:
            self._failures.pop((account, source), None)
