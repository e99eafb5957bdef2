"""Plays from DLNA devices: recorded only when the admin chose to (off by default),
against the device that fetched the media, never a person, and kept for the admin's
short retention (1 to 30 days).

A play is a device fetching a track's, film's, video's or episode's media (original or
transcoded; not HEAD, artwork, thumbnails or captions). Photos are never recorded: a
television fetches them to show a grid or a slideshow, which is browsing, not playing.
A device asks for many byte ranges of one film, and again on every seek or after a
pause, so the fetches of one item by one device are one play until the device has not
fetched it for ``PLAY_IDLE_S``. That is kept in memory (``started``, no database work),
so a range request costs a dictionary look-up; only the first fetch of a play writes.
"""

import threading
import time
from collections.abc import Callable

from parlour.domain.accounts import Viewer
from parlour.domain.dlna import DlnaConfig, device_agent
from parlour.domain.errors import InvalidInputError
from parlour.storage import dlna_plays_store, dlna_store
from parlour.storage.dlna_plays_store import DlnaPlay
from parlour.storage.engine import Catalogue

# A fetch of the same item by the same device within this long of its previous fetch
# continues the play: a film's range requests, a seek, a pause of up to half an hour.
# Measured from the last fetch rather than the first, a long film watched in one go is
# one play whatever its length; a song played again straight away is the same play.
PLAY_IDLE_S = 30 * 60
MAX_REMEMBERED_FETCHES = 4096
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
# The DLNA tree's item kinds, as plays name them (a "movie" of a films library is a film).
_PLAY_KIND = {"track": "track", "movie": "film", "video": "video", "episode": "episode"}


def _records(config: DlnaConfig | None) -> bool:
    return config is not None and config.enabled and config.record_plays


class DlnaPlays:
    def __init__(
        self,
        catalogue: Catalogue,
        config: Callable[[], DlnaConfig],
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.catalogue, self.config = catalogue, config
        self.clock, self.wall_clock = clock, wall_clock
        self._lock = threading.Lock()
        # (device's user agent, its address, item id) -> when it last fetched the item
        self._fetched: dict[tuple[str, str, str], float] = {}

    # -- recording (the DLNA front end) -------------------------------------------------------

    def started(self, address: str, user_agent: str, item_id: str, kind: str) -> bool:
        """Note that the device fetched the item's media; whether that starts a play
        (then ``record`` it, off the event loop). Memory only, so cheap enough for every
        range request; plays are noted whether or not they are recorded, so one that
        began before the admin turned recording on is not recorded halfway through."""
        if kind not in _PLAY_KIND:
            return False
        key = (device_agent(user_agent), address, item_id)
        now = self.clock()
        with self._lock:
            last = self._fetched.get(key)
            if last is None and len(self._fetched) >= MAX_REMEMBERED_FETCHES:
                self._forget_ended(now)
            self._fetched[key] = now
        return last is None or now - last >= PLAY_IDLE_S

    def _forget_ended(self, now: float) -> None:
        ended = [key for key, last in self._fetched.items() if now - last >= PLAY_IDLE_S]
        for key in ended:
            del self._fetched[key]
        if len(self._fetched) >= MAX_REMEMBERED_FETCHES:
            # Too many plays at once to follow: at worst one is recorded twice.
            self._fetched.clear()

    def record(self, address: str, user_agent: str, item_id: str, kind: str, title: str) -> bool:
        """Record a play that ``started``, against the device, if the admin records plays;
        whether it was. Plays past the retention go in the same write."""
        play_kind = _PLAY_KIND.get(kind)
        if play_kind is None or not _records(self.config()):
            return False
        now = int(self.wall_clock())
        with self.catalogue.writing() as conn:
            # Asked again under the write lock: the command line may have turned recording
            # off (and erased) a moment ago, which the remembered configuration lags.
            if not _records(dlna_store.read_config(conn)):
                return False
            device = dlna_store.find_device(conn, device_agent(user_agent), address)
            # No device row: the admin forgot it a moment ago, and nothing is recorded
            # against a device that is gone.
            recorded = device is not None and dlna_plays_store.add_play(
                conn, device.id, item_id, play_kind, title, now
            )
            dlna_plays_store.purge_expired(conn, now)
        return recorded

    # -- the admin's --------------------------------------------------------------------------

    def listed(self, viewer: Viewer, limit: int = DEFAULT_LIMIT) -> list[DlnaPlay]:
        """The plays recorded, newest first; those past the retention are deleted first
        (and never shown: the query holds to the retention too)."""
        viewer.require_admin()
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInputError(f"'limit' must be from 1 to {MAX_LIMIT}")
        now = int(self.wall_clock())
        with self.catalogue.writing() as conn:
            dlna_plays_store.purge_expired(conn, now)
            return dlna_plays_store.recent_plays(conn, now, limit)

    def erase(self, viewer: Viewer) -> int:
        """Erase every recorded play, from the database file and its log; how many."""
        viewer.require_admin()
        with self.catalogue.writing() as conn:
            erased = dlna_plays_store.erase_plays(conn)
        self.catalogue.checkpoint()
        return erased
