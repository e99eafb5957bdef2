"""Scanning libraries: walk, compare with the catalogue, probe what changed, write in batches,
forget what is gone, then decorate changed folders with their sidecars.

Phases, each safe to kill: (1) walk a root and record its folders and unreadable paths;
(2) probe new and changed files in worker processes and commit them in batches — a file
whose size and mtime match its row is never probed again, so a killed scan resumes where
it stopped; (3) remove files that are gone (only after a complete walk, and never under a
folder that could not be read); (4) the sidecar pass over dirty folders; (5) tidy-up.
"""

import dataclasses
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from parlour.domain.accounts import HOST
from parlour.domain.records import ScannedFile
from parlour.library.interpret import display, name_classifier, plan_sidecars
from parlour.library.pool import ProbeJob, ProbePool
from parlour.library.walker import FolderListing, FoundFailure, FoundFile, walk_root
from parlour.services.scan_lock import ScanLock
from parlour.storage import activity_store, library_store, scan_store, sidecar_store
from parlour.storage.engine import Catalogue
from parlour.storage.item_writer import ItemWriter, now_s
from parlour.storage.library_store import LibraryRow
from parlour.storage.scan_store import KnownFile

log = logging.getLogger(__name__)

_BATCH_SECONDS = 2.0
_PROGRESS_SECONDS = 0.5  # progress is reported at least this often while probing


@dataclass(slots=True)
class ScanProgress:
    library: str
    done: int
    total: int
    folder: str
    phase: str = "probing"  # "walking", "probing" (done/total count files) or "sidecars"
    started: float = field(default_factory=time.monotonic)

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0


@dataclass(slots=True)
class ScanSummary:
    added: int = 0
    changed: int = 0
    moved: int = 0
    removed: int = 0
    unchanged: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) met this scan
    problems: list[str] = field(default_factory=list)  # roots that could not be scanned at all

    @property
    def failed(self) -> int:
        return len(self.failures)


ProgressCallback = Callable[[ScanProgress], None]


def _sidecar_digest(listing: FolderListing) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for found in listing.sidecars:
        digest.update(b"%b\0%d\0%d\n" % (found.rel_path, found.size, found.mtime_ns))
    return digest.hexdigest()


def _is_under(path: bytes, prefix: bytes) -> bool:
    return not prefix or path == prefix or path.startswith(prefix + b"/")


def _outermost(prefixes: Iterable[bytes]) -> list[bytes]:
    kept: list[bytes] = []
    for prefix in sorted(set(prefixes), key=len):
        if not any(_is_under(prefix, outer) for outer in kept):
            kept.append(prefix)
    return kept


def _known_ancestor(path: bytes, known: set[bytes]) -> bytes:
    while path and path not in known:
        path = os.path.dirname(path)
    return path


@dataclass(slots=True)
class _RootWalk:
    listings: list[FolderListing] = field(default_factory=list)
    failures: list[FoundFailure] = field(default_factory=list)
    unreadable_dirs: list[bytes] = field(default_factory=list)


class Scanner:
    """Runs scans against one catalogue with one pool of probing processes."""

    def __init__(
        self,
        catalogue: Catalogue,
        pool: ProbePool,
        *,
        lock_path: Path | None = None,
        batch_files: int = 2000,
    ) -> None:
        self.catalogue = catalogue
        self.pool = pool
        self.batch_files = batch_files
        # One scan at a time (``parlour scan`` while ``parlour serve`` runs waits for the
        # server's scan); removing a library takes the same lock.
        self.lock = ScanLock(lock_path)

    def scan(
        self,
        *,
        full: bool = False,
        library: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> ScanSummary:
        """Scan every library (or one, by name or id)."""
        summary = ScanSummary()
        with self.lock.hold():
            # Read under the lock: a library removed while this scan waited is not scanned.
            with self.catalogue.reading() as conn:
                if library is None:
                    libraries = library_store.list_libraries(conn, HOST)
                else:
                    libraries = [library_store.find_library(conn, library)]
            for lib in libraries:
                targets = {root_id: [b""] for root_id, _ in lib.roots}
                self._scan_library(lib, targets, full=full, summary=summary, progress=progress)
        return summary

    def scan_paths(self, paths: Iterable[str | bytes]) -> ScanSummary:
        """Rescan just the folders around changed paths (what the watcher reports)."""
        summary = ScanSummary()
        with self.lock.hold():
            # Paths under a root that was removed meanwhile match no library: ignored.
            with self.catalogue.reading() as conn:
                libraries = library_store.list_libraries(conn, HOST)
            wanted: dict[str, dict[str, list[bytes]]] = {}
            for raw in paths:
                path = os.fsencode(raw)
                for lib in libraries:
                    for root_id, root in lib.roots:
                        root_b = os.fsencode(root)
                        if path == root_b or path.startswith(root_b + b"/"):
                            rel = path[len(root_b) + 1 :]
                            parent = os.path.dirname(rel)
                            wanted.setdefault(lib.id, {}).setdefault(root_id, []).append(parent)
            for lib in libraries:
                if lib.id not in wanted:
                    continue
                targets = {}
                for root_id, parents in wanted[lib.id].items():
                    with self.catalogue.reading() as conn:
                        known = scan_store.folder_paths(conn, root_id)
                    # Start at the deepest folder already catalogued, so that folders
                    # created together (an album copied in) get their whole chain.
                    targets[root_id] = _outermost(_known_ancestor(p, known) for p in parents)
                self._scan_library(lib, targets, full=False, summary=summary, progress=None)
        return summary

    # -- one library ---------------------------------------------------------------

    def _walk(self, lib: LibraryRow, root: bytes, prefixes: list[bytes]) -> _RootWalk:
        classify = name_classifier(lib.kind)
        result = _RootWalk()
        for prefix in prefixes:
            for entry in walk_root(
                root, classify, start=prefix, follow_symlinks=lib.follow_symlinks
            ):
                if isinstance(entry, FolderListing):
                    result.listings.append(entry)
                else:
                    result.failures.append(entry)
                    if not entry.reason.startswith("broken symlink or vanished"):
                        result.unreadable_dirs.append(entry.rel_path)
        return result

    def _scan_library(
        self,
        lib: LibraryRow,
        targets: dict[str, list[bytes]],
        *,
        full: bool,
        summary: ScanSummary,
        progress: ProgressCallback | None,
    ) -> None:
        writer = ItemWriter(lib.id)
        roots = dict(lib.roots)
        # One library's progress, across its roots: done/total count the files probed.
        state = ScanProgress(lib.name, 0, 0, "", phase="walking")
        for root_id, prefixes in targets.items():
            root_text = roots[root_id]
            root = os.fsencode(root_text)
            if not os.path.isdir(root):
                summary.problems.append(
                    f"{lib.name}: {root_text} is missing or not a folder; nothing removed"
                )
                log.warning("library %s: root %s unreachable, skipped", lib.id, root_id)
                continue
            state.phase = "walking"
            if progress is not None:
                progress(state)
            self._scan_root(
                lib,
                root_id,
                root,
                prefixes,
                writer,
                full=full,
                summary=summary,
                progress=progress,
                state=state,
            )
        state.phase = "sidecars"
        if progress is not None:
            progress(state)
        decorated = self._sidecar_pass(lib, writer, summary)
        with self.catalogue.writing() as conn:
            # Every change marks its folder dirty in the same transaction, and the flags
            # are cleared only here, with the tidy-up: no dirty folder, nothing to tidy.
            if decorated:
                sidecar_store.tidy(conn, lib.id)
                # Users' state of items that are gone for good (a moved file keeps its id).
                activity_store.forget_missing_items(conn)
                sidecar_store.clear_dirty(conn, decorated)
            library_store.mark_scanned(conn, lib.id, now_s())
        writer.forget()

    def _scan_root(
        self,
        lib: LibraryRow,
        root_id: str,
        root: bytes,
        prefixes: list[bytes],
        writer: ItemWriter,
        *,
        full: bool,
        summary: ScanSummary,
        progress: ProgressCallback | None,
        state: ScanProgress,
    ) -> None:
        with self.catalogue.reading() as conn:
            known: dict[bytes, KnownFile] = {}
            known_folders: dict[bytes, tuple[str, str | None]] = {}
            for prefix in prefixes:
                known.update(scan_store.load_files(conn, root_id, prefix))
                known_folders.update(scan_store.load_folders(conn, root_id, prefix))
        walked = self._walk(lib, root, prefixes)
        now = now_s()
        failure_paths = {failure.rel_path for failure in walked.failures}
        sidecar_paths = {
            found.rel_path for listing in walked.listings for found in listing.sidecars
        }
        with self.catalogue.writing() as conn:
            folder_ids = scan_store.sync_folders(
                conn,
                lib.id,
                root_id,
                known_folders,
                [(ls.rel_path, _sidecar_digest(ls)) for ls in walked.listings],
            )
            scan_store.record_failures(
                conn,
                lib.id,
                root_id,
                [(f.rel_path, f.reason) for f in walked.failures],
                known,
                folder_ids,
                now,
            )
        for failure in walked.failures:
            if failure.rel_path not in known or known[failure.rel_path].status != "failed":
                summary.failures.append(
                    (f"{display(root)}/{display(failure.rel_path)}", failure.reason)
                )

        found: dict[bytes, tuple[FoundFile, str]] = {}
        for listing in walked.listings:
            for file in listing.media:
                found[file.rel_path] = (file, display(listing.rel_path))

        def kept(path: bytes) -> bool:
            """Known paths that must survive although no media file is there now."""
            return (
                path in failure_paths
                or path in sidecar_paths  # an unreadable .nfo recorded as a failure
                or any(_is_under(path, bad) for bad in walked.unreadable_dirs)
            )

        missing = {rel: k for rel, k in known.items() if rel not in found and not kept(rel)}
        by_inode = {(k.inode, k.size, k.mtime_ns): k for k in missing.values() if k.status == "ok"}
        jobs: list[tuple[ProbeJob, str]] = []
        moved_from: dict[str, str] = {}  # file id -> its old folder id
        for rel, (file, folder) in found.items():
            old = known.get(rel)
            if old is not None:
                unchanged = old.size == file.size and old.mtime_ns == file.mtime_ns
                if old.kind != "other" and unchanged and not full:
                    summary.unchanged += 1
                    continue
                file_id: str | None = old.id
            else:
                twin = by_inode.pop((file.inode, file.size, file.mtime_ns), None)
                file_id = None
                if twin is not None and missing.pop(twin.rel_path, None) is not None:
                    file_id = twin.id
                    moved_from[twin.id] = twin.folder_id
            job = ProbeJob(root, root_id, rel, file.size, file.mtime_ns, file.inode, file_id)
            jobs.append((job, folder))
        by_fingerprint = {
            k.fingerprint: k for k in missing.values() if k.fingerprint and k.status == "ok"
        }
        self._probe(
            lib,
            jobs,
            missing,
            by_fingerprint,
            moved_from,
            folder_ids,
            writer,
            summary,
            progress,
            state,
        )

        gone = list(missing.values())
        walked_folders = {listing.rel_path for listing in walked.listings}
        gone_folders = [
            folder_id
            for rel, (folder_id, _) in known_folders.items()
            if rel not in walked_folders
            and any(_is_under(rel, p) for p in prefixes)
            and not kept(rel)
        ]
        if gone or gone_folders:
            with self.catalogue.writing() as conn:
                scan_store.remove_files(conn, gone)
                scan_store.remove_folders(conn, gone_folders)
            summary.removed += len(gone)

    def _probe(
        self,
        lib: LibraryRow,
        jobs: list[tuple[ProbeJob, str]],
        missing: dict[bytes, KnownFile],
        by_fingerprint: dict[str, KnownFile],
        moved_from: dict[str, str],
        folder_ids: dict[bytes, str],
        writer: ItemWriter,
        summary: ScanSummary,
        progress: ProgressCallback | None,
        state: ScanProgress,
    ) -> None:
        if not jobs:
            return
        if state.done == 0:
            state.started = time.monotonic()  # the rate counts probing time only
        state.phase, state.total, state.folder = "probing", state.total + len(jobs), jobs[0][1]
        root = jobs[0][0].root
        folders = {job.rel_path: folder for job, folder in jobs}
        batch: list[ScannedFile] = []
        last_flush = last_report = time.monotonic()
        if progress is not None:
            progress(state)

        def flush() -> None:
            if not batch:
                return
            with self.catalogue.writing() as conn:
                scan_store.write_scanned(conn, writer, batch, folder_ids, now_s())
                old_folders = [moved_from[f.file_id] for f in batch if f.file_id in moved_from]
                scan_store.mark_dirty(conn, old_folders)
            batch.clear()

        for scanned in self.pool.stream(lib.kind, [job for job, _ in jobs], self.batch_files * 2):
            if (
                scanned.file_id is None
                and scanned.error is None
                and scanned.fingerprint in by_fingerprint
            ):
                twin = by_fingerprint.pop(scanned.fingerprint)
                if missing.pop(twin.rel_path, None) is not None:
                    scanned = dataclasses.replace(scanned, file_id=twin.id)
                    moved_from[twin.id] = twin.folder_id
            if scanned.error is not None:
                summary.failures.append(
                    (f"{display(root)}/{display(scanned.rel_path)}", scanned.error)
                )
            elif scanned.file_id in moved_from:
                summary.moved += 1
            elif scanned.file_id is None:
                summary.added += 1
            else:
                summary.changed += 1
            batch.append(scanned)
            state.done += 1
            state.folder = folders[scanned.rel_path]
            now = time.monotonic()
            flushed = len(batch) >= self.batch_files or now - last_flush >= _BATCH_SECONDS
            if flushed:
                flush()
                last_flush = time.monotonic()
            if progress is not None and (flushed or now - last_report >= _PROGRESS_SECONDS):
                progress(state)
                last_report = now
        flush()
        if progress is not None:
            progress(state)

    def _sidecar_pass(self, lib: LibraryRow, writer: ItemWriter, summary: ScanSummary) -> list[str]:
        """Decorate every dirty folder; return their ids (still marked dirty)."""
        roots = {root_id: os.fsencode(path) for root_id, path in lib.roots}
        classify = name_classifier(lib.kind)
        with self.catalogue.reading() as conn:
            dirty = sidecar_store.dirty_folders(conn, lib.id, lib.kind.value)
        for start in range(0, len(dirty), 200):
            plans = []
            for items in dirty[start : start + 200]:
                root = roots.get(items.root_id)
                if root is None:
                    continue
                folder = root + b"/" + items.rel_path if items.rel_path else root
                try:
                    with os.scandir(folder) as entries:
                        names = [
                            e.name for e in entries if e.is_file() and classify(e.name) == "sidecar"
                        ]
                except OSError:
                    names = []
                rels = [items.rel_path + b"/" + n if items.rel_path else n for n in names]

                def read(rel: bytes, root: bytes = root) -> bytes:
                    with open(root + b"/" + rel, "rb") as handle:
                        return handle.read((1 << 20) + 1)

                plans.append(plan_sidecars(items, rels, read))
            with self.catalogue.writing() as conn:
                sidecar_store.apply_plans(conn, writer, lib.id, plans)
                for plan in plans:
                    for rel, reason in plan.failures:
                        summary.failures.append(
                            (f"{display(roots[plan.root_id])}/{display(rel)}", reason)
                        )
                    # Keep unreadable sidecars on record so the failure shows until fixed.
                    if plan.failures:
                        folder_rel = os.path.dirname(plan.failures[0][0])
                        known = scan_store.load_files(conn, plan.root_id, folder_rel)
                        folder_ids = {
                            os.path.dirname(rel): plan.folder_id for rel, _ in plan.failures
                        }
                        scan_store.record_failures(
                            conn, lib.id, plan.root_id, plan.failures, known, folder_ids, now_s()
                        )
        return [items.folder_id for items in dirty]
