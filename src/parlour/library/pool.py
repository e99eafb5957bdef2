"""Probing files in worker processes: both cores busy, and a file that hangs or crashes
its decoder costs one recorded failure, never the scan.

Each worker arms a real-time alarm per file whose default action ends the process, and
runs under an address-space limit; a broken pool is rebuilt and the files that were in
flight are retried one by one so that only the guilty file is marked failed.
"""

import multiprocessing
import os
import queue
import resource
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from parlour.domain.errors import InvalidInputError
from parlour.domain.media import LibraryKind
from parlour.domain.records import ScannedFile
from parlour.library.interpret import MEDIA_KIND, build_record

_CHUNK = 32
_MEMORY_LIMIT = 3 << 30  # bytes of address space per worker: a decoder bomb fails alone
CRASH_REASON = "probing crashed or timed out (the file is probably corrupt)"


@dataclass(frozen=True, slots=True)
class ProbeJob:
    root: bytes
    root_id: str
    rel_path: bytes
    size: int
    mtime_ns: int
    inode: int
    file_id: str | None = None


def scan_file(kind: LibraryKind, job: ProbeJob) -> ScannedFile:
    """Probe one file and decide what it is; never raises."""
    # Imported here: only workers decode media; the scanning process (and a server
    # that is not scanning) never loads PyAV, Pillow or mutagen.
    from parlour.library.probe import probe_file  # noqa: PLC0415

    file_kind = MEDIA_KIND[kind]
    outcome = probe_file(job.root + b"/" + job.rel_path, file_kind, job.size)
    record = None
    error = outcome.error
    if outcome.info is not None:
        try:
            record = build_record(kind, job.rel_path, outcome.info)
        except InvalidInputError as exc:
            error = str(exc)
    return ScannedFile(
        root_id=job.root_id,
        rel_path=job.rel_path,
        kind=file_kind,
        size=job.size,
        mtime_ns=job.mtime_ns,
        inode=job.inode,
        fingerprint=outcome.fingerprint,
        record=record,
        error=error if record is None else None,
        file_id=job.file_id,
    )


def _crashed(job: ProbeJob, kind: LibraryKind) -> ScannedFile:
    return ScannedFile(
        root_id=job.root_id,
        rel_path=job.rel_path,
        kind=MEDIA_KIND[kind],
        size=job.size,
        mtime_ns=job.mtime_ns,
        inode=job.inode,
        fingerprint=None,
        record=None,
        error=CRASH_REASON,
        file_id=job.file_id,
    )


_timeout_s = 30.0


def _watch_parent(parent_pid: int) -> None:
    """End this worker as soon as the scanning process is gone, even killed by SIGKILL.

    Polling getppid() works whichever of the parent's threads started us (the kernel's
    PR_SET_PDEATHSIG fires when that *thread* ends, which broke pools started by a
    short-lived thread). A worker busy inside a decoder is ended by its alarm instead.
    """

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parlour-parent-watch", daemon=True).start()


def _init_worker(timeout_s: float, parent_pid: int) -> None:
    global _timeout_s  # noqa: PLW0603 - per-process setting of a worker, set once
    _watch_parent(parent_pid)
    _timeout_s = timeout_s
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the alarm ends the worker outright
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if sys.platform.startswith("linux"):
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = _MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(hard, _MEMORY_LIMIT)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _scan_chunk(kind: LibraryKind, jobs: list[ProbeJob]) -> list[ScannedFile]:
    results = []
    for job in jobs:
        signal.setitimer(signal.ITIMER_REAL, _timeout_s)
        try:
            results.append(scan_file(kind, job))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return results


class ProbePool:
    """A pool of probing processes, created on first use and kept for later scans."""

    def __init__(self, workers: int | None = None, timeout_s: float = 30.0) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.timeout_s = timeout_s
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # Spawned workers are our direct children (unlike forkserver's), so they can
            # tell when we die; forking a threaded server is unsafe anyway.
            self._executor = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.timeout_s, os.getpid()),
            )
        return self._executor

    def _submit(self, kind: LibraryKind, chunk: list[ProbeJob]) -> Future[list[ScannedFile]]:
        try:
            return self._pool().submit(_scan_chunk, kind, chunk)
        except BrokenProcessPool:  # a worker died while the pool sat idle between scans
            self._reset()
            return self._pool().submit(_scan_chunk, kind, chunk)

    def _reset(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def scan(self, kind: LibraryKind, jobs: Iterable[ProbeJob]) -> Iterator[ScannedFile]:
        """Yield one ScannedFile per job, in completion order."""
        source = iter(jobs)
        # Files that were in flight when a worker died. Each is retried alone, with
        # nothing else running, so a second death convicts exactly that file.
        suspects: deque[ProbeJob] = deque()
        in_flight: dict[Future[list[ScannedFile]], list[ProbeJob]] = {}
        exhausted = False
        while True:
            if suspects:
                if not in_flight:
                    job = suspects.popleft()
                    in_flight[self._submit(kind, [job])] = [job]
            else:
                while not exhausted and len(in_flight) < self.workers * 3:
                    chunk = [job for _, job in zip(range(_CHUNK), source, strict=False)]
                    if chunk:
                        in_flight[self._submit(kind, chunk)] = chunk
                    else:
                        exhausted = True
            if not in_flight:
                return
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            ran_alone = len(in_flight) == 1
            broken: list[ProbeJob] = []
            for future in done:
                chunk = in_flight.pop(future)
                try:
                    yield from future.result()
                except BrokenProcessPool:
                    broken.extend(chunk)
            if not broken:
                continue
            if ran_alone and len(broken) == 1:
                yield _crashed(broken[0], kind)
            else:
                for chunk in in_flight.values():
                    broken.extend(chunk)
                in_flight.clear()
                suspects.extend(broken)
            self._reset()

    def stream(
        self, kind: LibraryKind, jobs: Iterable[ProbeJob], buffer: int
    ) -> Iterator[ScannedFile]:
        """Like ``scan``, but collected by a thread of its own, up to ``buffer`` results
        ahead, so that the workers are fed new files while the caller is busy (writing
        the previous batch to the catalogue, say)."""
        done = object()
        results: queue.Queue[object] = queue.Queue(maxsize=max(1, buffer))
        stop = threading.Event()

        def put(item: object) -> None:
            while not stop.is_set():
                try:
                    results.put(item, timeout=0.5)
                    return
                except queue.Full:
                    continue

        def collect() -> None:
            try:
                for scanned in self.scan(kind, jobs):
                    put(scanned)
                    if stop.is_set():
                        return
            except BaseException as exc:  # handed over and re-raised by the consumer
                put(exc)
            finally:
                put(done)

        collector = threading.Thread(target=collect, name="parlour-probe-results", daemon=True)
        collector.start()
        try:
            while (item := results.get()) is not done:
                if isinstance(item, BaseException):
                    raise item
                assert isinstance(item, ScannedFile)
                yield item
        finally:
            stop.set()
            collector.join(timeout=60)

    def close(self) -> None:
        self._reset()
