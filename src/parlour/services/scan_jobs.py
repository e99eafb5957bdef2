"""Scans started from the API: one at a time, in the background, with live progress."""

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from parlour.domain.accounts import Viewer
from parlour.domain.errors import ConflictError
from parlour.services.scanning import Scanner, ScanProgress, ScanSummary

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ScanState:
    running: bool = False
    library: str | None = None
    done: int = 0
    total: int = 0
    folder: str = ""
    started_at: float | None = None
    finished_at: float | None = None
    summary: ScanSummary | None = None
    error: str | None = None
    changed: threading.Condition = field(default_factory=threading.Condition)


class ScanJobs:
    def __init__(self, scanner: Scanner) -> None:
        self.scanner = scanner
        self.state = ScanState()
        self._lock = threading.Lock()

    def start(self, viewer: Viewer, library: str | None = None, *, full: bool = False) -> None:
        """Start a scan of one library (or all); ConflictError if one is running."""
        viewer.require_admin()
        with self._lock:
            if self.state.running:
                raise ConflictError("a scan is already running")
            self.state.running, self.state.library = True, library
            self.state.done = self.state.total = 0
            self.state.started_at, self.state.finished_at = time.time(), None
            self.state.summary = self.state.error = None
        threading.Thread(
            target=self._run, args=(library, full), name="parlour-scan", daemon=True
        ).start()

    def _progress(self, progress: ScanProgress) -> None:
        with self.state.changed:
            self.state.library = progress.library
            self.state.done, self.state.total, self.state.folder = (
                progress.done,
                progress.total,
                progress.folder,
            )
            self.state.changed.notify_all()

    def _run(self, library: str | None, full: bool) -> None:
        summary = error = None
        try:
            summary = self.scanner.scan(full=full, library=library, progress=self._progress)
        except Exception as exc:  # reported to the admin, and logged
            log.exception("scan failed")
            error = str(exc) or type(exc).__name__
        with self.state.changed:
            self.state.running = False
            self.state.summary, self.state.error = summary, error
            self.state.finished_at = time.time()
            self.state.changed.notify_all()

    def status(self, viewer: Viewer) -> dict[str, Any]:
        viewer.require_admin()
        state = self.state
        body: dict[str, Any] = {
            "running": state.running,
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
