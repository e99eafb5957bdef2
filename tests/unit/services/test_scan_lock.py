"""The scan lock: scans take turns, and a bounded wait ends in a clear 'busy'."""

import fcntl
from pathlib import Path

import pytest

from parlour.domain.errors import ConflictError
from parlour.services.scan_lock import ScanLock


def test_a_bounded_wait_gives_up_while_another_process_holds_the_lock(tmp_path: Path) -> None:
    lock = ScanLock(tmp_path / "scan.lock")
    # flock is per open file: this handle stands for `parlour scan` in another process.
    with open(tmp_path / "scan.lock", "a+b") as other:
        fcntl.flock(other, fcntl.LOCK_EX)
        with pytest.raises(ConflictError, match="scan is running"), lock.hold(wait_s=0.2):
            pass
        fcntl.flock(other, fcntl.LOCK_UN)
    with (
        lock.hold(wait_s=0.2),
        open(tmp_path / "scan.lock", "a+b") as other,
        pytest.raises(BlockingIOError),  # and while it holds the lock, others wait
    ):
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_a_bounded_wait_gives_up_while_another_thread_holds_the_lock() -> None:
    lock = ScanLock(None)
    with lock.hold(), pytest.raises(ConflictError), lock.hold(wait_s=0.1):
        pass
    with lock.hold(wait_s=0.1):  # free again
        pass
