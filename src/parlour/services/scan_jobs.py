"""Scans started from the API: one at a time, in the background, with live progress.

``version`` grows by one with every change of the state, and the last ``HISTORY``
states are kept, so a caller that polls (the event stream) sees every change in order
without holding a thread.
"""

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from parlour.domain.accounts import Viewer
from parlour.domain.errors import ConflictError
from parlour.services.scanning import Scanner, ScanProgress, ScanSummary
from parlour.storage import library_store

log = logging.getLogger(__name__)

HISTORY = 256  # states kept for pollers: minutes of a scan at two reports a second


@dataclass(slots=True)
class ScanState:
    running: bool = False
    run: int = 0  # scans started since the server started; 0: none yet
    version: int = 0  # bumped on every change
    phase: str = ""  # "queued" (waiting for another scan), then the scanner's phases
    library: str | None = None
    done: int = 0
    total: int = 0
    folder: str = ""
    started_at: float | None = None
    finished_at: float | None = None
    summary: ScanSummary | None = None
    error: str | None = None
    changed: threading.Condition = field(default_factory=threading.Condition)
    history: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=HISTORY))


class ScanJobs:
    def __init__(self, scanner: Scanner) -> None:
        self.scanner = scanner
        self.state = ScanState()
        self._lock = threading.Lock()

    def start(self, viewer: Viewer, library: str | None = None, *, full: bool = False) -> None:
        """Start a scan of one library (or all); ConflictError if one is running."""
        viewer.require_admin()
        target = None
        if library is not None:
            with self.scanner.catalogue.reading() as conn:
                row = library_store.find_library(conn, library)  # unknown: NotFoundError
            target, library = row.id, row.name
        with self._lock, self.state.changed:
            if self.state.running:
                raise ConflictError("a scan is already running")
            self.state.running, self.state.library = True, library
            self.state.run += 1
            self.state.phase, self.state.folder = "queued", ""
            self.state.done = self.state.total = 0
            self.state.started_at, self.state.finished_at = time.time(), None
            self.state.summary = self.state.error = None
            self._changed()
        threading.Thread(
            target=self._run, args=(target, full), name="parlour-scan", daemon=True
        ).start()

    def _progress(self, progress: ScanProgress) -> None:
        with self.state.changed:
            self.state.library, self.state.phase = progress.library, progress.phase
            self.state.done, self.state.total, self.state.folder = (
                progress.done,
                progress.total,
                progress.folder,
            )
            self._changed()

    def _run(self, library: str | None, full: bool) -> None:
        summary = error = None
        try:
            summary = self.scanner.scan(full=full, library=library, progress=self._progress)
        except Exception as exc:  # reported to the admin, and logged
            log.exception("scan failed")
            error = str(exc) or type(exc).__name__
        with self.state.changed:
            self.state.running = False
            self.state.phase = "failed" if error is not None else "done"
            self.state.summary, self.state.error = summary, error
            self.state.finished_at = time.time()
            self._changed()

    def _changed(self) -> None:
        """Record a change; the caller holds ``state.changed``."""
        self.state.version += 1
        self.state.history.append(self._status())
        self.state.changed.notify_all()

    @property
    def version(self) -> int:
        return self.state.version

    def changes(self, viewer: Viewer, since: int) -> list[dict[str, Any]]:
        """The states after version ``since``, oldest first (as many as are kept)."""
        viewer.require_admin()
        with self.state.changed:
            return [status for status in self.state.history if status["version"] > since]

    def progress(self, _viewer: Viewer) -> tuple[bool, int, float | None]:
        """What any signed-in user may know (music apps' getScanStatus): whether a scan
        is running, how many files it has done, and when the last one finished."""
        with self.state.changed:
            return self.state.running, self.state.done, self.state.finished_at

    def status(self, viewer: Viewer) -> dict[str, Any]:
        viewer.require_admin()
        with self.state.changed:  # one consistent snapshot
            return self._status()

    def _status(self) -> dict[str, Any]:
        state = self.state
        body: dict[str, Any] = {
            "running": state.running,
            "run": state.run,
            "version": state.version,
            "phase": state.phase,
            "library": state.library,
            "done": state.done,
            "total": state.total,
            "folder": state.folder,
            "started_at": state.started_at,
            "finished_at": state.finished_at,
            "error": state.error,
        }
        if state.summary is not None:
            summary = state.summary
            body["summary"] = {
                "added": summary.added,
                "changed": summary.changed,
                "moved": summary.moved,
                "removed": summary.removed,
                "unchanged": summary.unchanged,
                "failed": summary.failed,
                "failures": [{"path": p, "reason": r} for p, r in summary.failures[:200]],
                "problems": summary.problems,
            }
        return body
