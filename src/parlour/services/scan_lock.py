"""The scan lock: one writer of a library's catalogue rows at a time, across threads and
across processes sharing the data dir (``parlour scan`` beside ``parlour serve``)."""

import fcntl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from parlour.domain.errors import ConflictError

_POLL_S = 0.1


class ScanLock:
    """A thread lock plus ``flock`` on ``scan.lock`` in the data dir.

    Scans wait for it as long as it takes; removing a library waits a few seconds at
    most and then refuses, so that an HTTP request never hangs behind a long scan.
    """

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._thread_lock = threading.Lock()

    @contextmanager
    def hold(self, wait_s: float | None = None) -> Iterator[None]:
        """Hold the lock; with ``wait_s``, ConflictError if it stays taken that long."""
        deadline = None if wait_s is None else time.monotonic() + wait_s
        if not self._thread_lock.acquire(timeout=-1 if wait_s is None else wait_s):
            raise _busy()
        try:
            if self._path is None:
                yield
                return
            with open(self._path, "a+b") as handle:
                _flock(handle.fileno(), deadline)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


def _flock(fd: int, deadline: float | None) -> None:
    if deadline is None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    while True:  # bounded by the deadline
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise _busy() from None
            time.sleep(_POLL_S)


def _busy() -> ConflictError:
    return ConflictError("a scan is running; try again when it has finished")
