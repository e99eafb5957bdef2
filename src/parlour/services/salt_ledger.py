"""The Subsonic salts that signed users in: a salt used again within a day is a replay.

A music app signs every request with a fresh salt. Writing each one as it comes costs a
write transaction per request, and every write makes every reader's SQLite page cache
start cold: together 0.3-0.4 ms on each request, and a write to the disk each time (an
SD card's wear on a small box). So a salt is checked against the ones recorded and the
ones waiting in memory, and the waiting ones are recorded together, at most
``FLUSH_AFTER_S`` later (the server's upkeep flushes them every second, and at shutdown).

A replay is refused at once, in memory, whatever the batch. What the batching gives up:
if the process is killed (not stopped), the salts of its last second are not recorded,
and a token captured in that second could be replayed to the next process.
"""

import threading
from collections.abc import Callable

from parlour.storage import app_password_store
from parlour.storage.app_password_store import SeenSalt
from parlour.storage.engine import Catalogue

FLUSH_AFTER_S = 1
FLUSH_AT = 256  # salts waiting: a burst of requests is recorded without waiting for the tick
# Recorded salts stay in memory this long too: a check that read the table just before
# they were written still sees them here.
KEEP_RECORDED_S = 10


class SaltLedger:
    def __init__(self, catalogue: Catalogue, clock: Callable[[], int], window_s: int) -> None:
        self.catalogue, self.clock, self.window_s = catalogue, clock, window_s
        self._lock = threading.Lock()
        self._flushing = threading.Lock()  # one batch written at a time
        self._waiting: dict[tuple[str, str], SeenSalt] = {}
        self._recorded: dict[tuple[str, str], int] = {}  # salt -> when it was written

    def admit(self, app_password_id: str, user_id: str, salt_hash: str) -> bool:
        """Note the salt as signing the user in now; False if it did so within the window
        (a replay), recorded or still waiting."""
        key = (user_id, salt_hash)
        now = self.clock()
        since = now - self.window_s
        with self._lock:
            if self._remembered_since(key, since):
                return False
        with self.catalogue.reading() as conn:
            if app_password_store.salt_seen(conn, user_id, salt_hash, since):
                return False
        with self._lock:
            # The same salt twice at once, or written since the read: only one gets in.
            if self._remembered_since(key, since):
                return False
            self._waiting[key] = SeenSalt(app_password_id, user_id, salt_hash, now)
            full = len(self._waiting) >= FLUSH_AT
        if full:
            self.flush()
        return True

    def _remembered_since(self, key: tuple[str, str], since: int) -> bool:
        waiting = self._waiting.get(key)
        if waiting is not None and waiting.seen_at > since:
            return True
        return self._recorded.get(key, since) > since

    def waiting(self) -> int:
        with self._lock:
            return len(self._waiting)

    def flush(self) -> int:
        """Record the waiting salts (those whose app password still exists); how many were
        waiting. They stay in memory until written, so a failed write loses none and a
        replay in the meantime is still refused."""
        with self._flushing:
            return self._flush()

    def _flush(self) -> int:
        with self._lock:
            batch = list(self._waiting.values())
        if not batch:
            return 0
        with self.catalogue.writing() as conn:
            app_password_store.record_salts(conn, batch)
        now = self.clock()
        with self._lock:
            self._recorded = {
                key: at for key, at in self._recorded.items() if now - at < KEEP_RECORDED_S
            }
            for salt in batch:
                key = (salt.user_id, salt.salt_hash)
                del self._waiting[key]
                self._recorded[key] = now
        return len(batch)
