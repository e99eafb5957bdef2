"""Keeping the catalogue current while the server runs: a scan at start, then the watcher."""

import logging
import os
import threading

from parlour.domain.accounts import HOST
from parlour.library.watcher import watch_folders
from parlour.services.scanning import Scanner, ScanSummary
from parlour.storage import library_store

log = logging.getLogger(__name__)


class LibraryWatcher:
    """A background thread that rescans the folders around each batch of changes."""

    def __init__(self, scanner: Scanner) -> None:
        self.scanner = scanner
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_summary: ScanSummary | None = None

    def _roots(self) -> list[str]:
        with self.scanner.catalogue.reading() as conn:
            return [
                path
                for lib in library_store.list_libraries(conn, HOST)
                for _, path in lib.roots
                if os.path.isdir(path)
            ]

    def _changed(self, paths: set[str]) -> None:
        try:
            self.last_summary = self.scanner.scan_paths(paths)
            log.info(
                "watcher: %d added, %d changed, %d moved, %d removed",
                self.last_summary.added,
                self.last_summary.changed,
                self.last_summary.moved,
                self.last_summary.removed,
            )
        except Exception:
            log.exception("watcher: rescanning changed folders failed")

    def _run(self, initial_scan: bool) -> None:
        if initial_scan:
            try:
                self.last_summary = self.scanner.scan()
            except Exception:
                log.exception("startup scan failed")
        watch_folders(self._roots, self._changed, self._stop)

    def start(self, *, initial_scan: bool = True) -> None:
        self._thread = threading.Thread(
            target=self._run, args=(initial_scan,), name="parlour-watcher", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=15)
