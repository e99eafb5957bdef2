"""Scan benchmark: full scan, rescan, peak memory and the probing floor on a generated library."""

import argparse
import contextlib
import cProfile
import io
import json
import multiprocessing
import os
import platform
import pstats
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil

from parlour.demo.generate import generate_bulk_music, generate_bulk_photos, generate_bulk_videos
from parlour.domain.media import LibraryKind
from parlour.library.interpret import name_classifier
from parlour.library.pool import ProbeJob, scan_file
from parlour.library.probe import probe_audio, probe_photo, probe_video
from report import child_env, cpu_model, say, source_version

# Library folder (also its kind) -> the prober the scanner's workers use for that kind.
PROBERS: dict[str, Callable[[bytes], object]] = {
    "music": probe_audio,
    "movies": probe_video,
    "photos": probe_photo,
}
LIBRARY_NAMES = {"music": "Bench Music", "movies": "Bench Films", "photos": "Bench Photos"}
MANIFEST = "bench-library.json"
DATA_DIR = "parlour-data"
SAMPLE_S = 0.05
PSS_EVERY = 10  # PSS reads smaps_rollup, dearer than RSS: one sample in ten is enough
SCAN_TIMEOUT_S = 3600.0
MINIDLNA_TIMEOUT_S = 600.0
CHUNKSIZE = 64
FLOOR_PROCESSES = 2
SUMMARY_RE = re.compile(
    r"scan done: (?P<added>\d+) added, (?P<changed>\d+) changed, (?P<moved>\d+) moved, "
    r"(?P<removed>\d+) removed, (?P<unchanged>\d+) unchanged, (?P<failed>\d+) failed"
)

MediaFile = tuple[str, bytes]  # (library folder, absolute path)


# --- the library ---------------------------------------------------------------------------


def generate(work: Path, counts: dict[str, int]) -> float | None:
    """Write the library under ``work``; return the seconds taken, or None if reused."""
    manifest = work / MANIFEST
    roots = [work / kind for kind in PROBERS]
    if manifest.is_file():
        if json.loads(manifest.read_text()) == counts:
            return None
        # Fewer files than last time would leave extras behind: start the trees afresh.
        for root in roots:
            shutil.rmtree(root, ignore_errors=True)
        manifest.unlink()
    elif any(root.exists() for root in roots):
        raise SystemExit(f"{work} holds music/movies/photos this benchmark did not make")
    cache = work / "template-cache"  # ffmpeg renders each template once across reruns
    started = time.perf_counter()
    generate_bulk_music(work / "music", counts["music"], cache_dir=cache)
    generate_bulk_videos(work / "movies", counts["movies"], cache_dir=cache)
    generate_bulk_photos(work / "photos", counts["photos"])
    elapsed = time.perf_counter() - started
    manifest.write_text(json.dumps(counts))
    return elapsed


def media_files(work: Path) -> list[MediaFile]:
    """The files the scanner will probe, chosen by the scanner's own name classifier."""
    files: list[MediaFile] = []
    for kind in PROBERS:
        classify = name_classifier(LibraryKind(kind))
        for folder, _dirs, names in os.walk(os.fsencode(work / kind)):
            files.extend(
                (kind, os.path.join(folder, name)) for name in names if classify(name) == "media"
            )
    files.sort()
    return files


# --- the floor: probing alone, no catalogue ------------------------------------------------


def probe_one(item: MediaFile) -> bool:
    kind, path = item
    try:
        PROBERS[kind](path)
    # A file the prober rejects still cost its time; count it and go on, as the scanner does.
    except Exception:
        return False
    return True


def _ready(_: int) -> int:
    return 0


@dataclass(slots=True)
class Floor:
    seconds: float
    failed: int
    by_kind: dict[str, tuple[int, float]]  # kind -> (files, seconds); serial runs only


def floor_serial(files: Sequence[MediaFile]) -> Floor:
    by_kind: dict[str, tuple[int, float]] = {}
    failed = 0
    started = time.perf_counter()
    for kind in PROBERS:
        batch = [item for item in files if item[0] == kind]
        kind_started = time.perf_counter()
        failed += len(batch) - sum(map(probe_one, batch))
        by_kind[kind] = (len(batch), time.perf_counter() - kind_started)
    return Floor(time.perf_counter() - started, failed, by_kind)


def floor_parallel(files: Sequence[MediaFile], processes: int) -> Floor:
    # forkserver with the prober preloaded, like the scanner's own pool.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["parlour.library.probe"])
    with context.Pool(processes) as pool:
        # Start-up is not probing: have every worker up and importing before the clock runs.
        pool.map(_ready, range(processes * 4), chunksize=1)
        started = time.perf_counter()
        ok = sum(pool.imap_unordered(probe_one, files, chunksize=CHUNKSIZE))
        elapsed = time.perf_counter() - started
    return Floor(elapsed, len(files) - ok, {})


# --- child processes, timed and sampled ----------------------------------------------------


class TreeSampler:
    """Samples the summed RSS (and now and then PSS) of a process and all its descendants."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_main_rss = 0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def __enter__(self) -> "TreeSampler":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        tick = 0
        while not self._stop.is_set():
            self._sample(with_pss=tick % PSS_EVERY == 0)
            tick += 1
            self._stop.wait(SAMPLE_S)

    def _sample(self, *, with_pss: bool) -> None:
        try:
            tree = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return  # the root has gone: the run is over
        rss = pss = 0
        for proc in tree:
            try:
                if with_pss:
                    full = proc.memory_full_info()
                    rss += full.rss
                    pss += full.pss
                else:
                    rss += proc.memory_info().rss
                if proc.pid == self.root.pid:
                    self.peak_main_rss = max(self.peak_main_rss, proc.memory_info().rss)
            except psutil.Error:
                continue  # a worker that ended between listing and reading
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)
        self.peak_processes = max(self.peak_processes, len(tree))


@dataclass(slots=True)
class Run:
    seconds: float
    output: str
    peak_rss: int
    peak_pss: int
    peak_main_rss: int
    peak_processes: int


def end_tree(proc: psutil.Process) -> None:
    """Stop a process we started and whatever it started, by PID."""
    try:
        family = [*proc.children(recursive=True), proc]
    except psutil.Error:
        return
    for member in family:
        with contextlib.suppress(psutil.Error):
            member.terminate()
    _, alive = psutil.wait_procs(family, timeout=10)
    for member in alive:
        with contextlib.suppress(psutil.Error):
            member.kill()


def run_measured(cmd: list[str], log: Path, env: dict[str, str]) -> Run:
    with open(log, "wb") as out:
        started = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        with TreeSampler(child.pid) as sampler:
            try:
                code = child.wait(SCAN_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                end_tree(sampler.root)
                child.wait()
                raise SystemExit(f"{' '.join(cmd)} ran over {SCAN_TIMEOUT_S:.0f} s") from None
            elapsed = time.perf_counter() - started
    text = log.read_text(errors="replace")
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({code}):\n{text}")
    return Run(
        elapsed,
        text,
        sampler.peak_rss,
        sampler.peak_pss,
        sampler.peak_main_rss,
        sampler.peak_processes,
    )


def parlour_cli(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "parlour", "--data-dir", str(data_dir), *args]


def scan_counts(run: Run) -> dict[str, int]:
    match = SUMMARY_RE.search(run.output)
    if match is None:
        raise SystemExit(f"no scan summary in the output:\n{run.output}")
    return {key: int(value) for key, value in match.groupdict().items()}


def fresh_data_dir(work: Path, env: dict[str, str]) -> Path:
    data_dir = work / DATA_DIR
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir()
    for kind, name in LIBRARY_NAMES.items():
        subprocess.run(
            parlour_cli(data_dir, "library", "add", kind, str(work / kind), "--name", name),
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
    return data_dir


def cli_startup(env: dict[str, str]) -> float:
    """Best of three: interpreter start plus importing the command line, then exit."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "parlour", "--version"],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        best = min(best, time.perf_counter() - started)
    return best


# --- MiniDLNA ------------------------------------------------------------------------------


@dataclass(slots=True)
class MiniDlna:
    seconds: float
    items: int
    peak_rss: int


def minidlna(work: Path) -> MiniDlna | str:
    """Time MiniDLNA's initial scan of the same tree; a string says why it was skipped."""
    exe = shutil.which("minidlnad")
    unshare = shutil.which("unshare")
    if exe is None:
        return "minidlnad is not on PATH"
    # MiniDLNA binds its HTTP port on every address whatever network_interface says, so it
    # runs in a network namespace of its own where no interface is even up.
    if unshare is None:
        return "unshare (util-linux) is missing, so MiniDLNA cannot be kept off the network"
    if subprocess.run([unshare, "--net", "true"], check=False).returncode != 0:
        return "cannot make a network namespace (needs root) to keep MiniDLNA off the network"
    base = work / "minidlna"
    shutil.rmtree(base, ignore_errors=True)
    (base / "db").mkdir(parents=True)
    (base / "log").mkdir()
    conf = base / "minidlna.conf"
    conf.write_text(
        f"media_dir=A,{work / 'music'}\n"
        f"media_dir=V,{work / 'movies'}\n"
        f"media_dir=P,{work / 'photos'}\n"
        f"db_dir={base / 'db'}\n"
        f"log_dir={base / 'log'}\n"
        "network_interface=lo\n"
        "port=8200\n"
        "inotify=no\n"
        "friendly_name=parlour-bench\n"
    )
    log = base / "log" / "minidlna.log"
    # -S keeps it in the foreground; -R builds the database from nothing.
    cmd = [unshare, "--net", exe, "-f", str(conf), "-P", str(base / "minidlna.pid"), "-S", "-R"]
    with open(base / "stdout.log", "wb") as out:
        started = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        finished: float | None = None
        with TreeSampler(child.pid) as sampler:
            try:
                # Bounded: the scan ends with the playlist pass, which logs its end.
                while time.perf_counter() - started < MINIDLNA_TIMEOUT_S:
                    if log.is_file() and "Finished parsing playlists" in log.read_text("utf-8"):
                        finished = time.perf_counter() - started
                        break
                    if child.poll() is not None:
                        break
                    time.sleep(SAMPLE_S)
            finally:
                end_tree(sampler.root)
                child.wait()
    if finished is None:
        tail = log.read_text("utf-8")[-2000:] if log.is_file() else "(no log)"
        return f"MiniDLNA did not finish within {MINIDLNA_TIMEOUT_S:.0f} s:\n{tail}"
    with sqlite3.connect(base / "db" / "files.db") as db:
        (items,) = db.execute("SELECT COUNT(*) FROM DETAILS WHERE MIME IS NOT NULL").fetchone()
    return MiniDlna(finished, items, sampler.peak_rss)


# --- profiles (--profile) ------------------------------------------------------------------


# Frames that only wrap the program (runpy, the import system) and would fill the top lines.
WRAPPERS = r"^(?!.*(?:runpy|importlib|<string>|builtins\.exec|__main__\.py|cli\.py))"


def top_entries(source: str | cProfile.Profile, count: int) -> str:
    buffer = io.StringIO()
    stats = pstats.Stats(source, stream=buffer)
    buffer.write(f"top {count} by cumulative time:\n")
    stats.sort_stats("cumulative").print_stats(WRAPPERS, count)
    buffer.write(f"top {count} by own time:\n")
    stats.sort_stats("tottime").print_stats(count)
    # Keep the table rows and their headers; drop pstats' banner lines.
    lines = buffer.getvalue().splitlines()
    return "\n".join(line for line in lines if line.strip() and "List reduced" not in line)


def profile_scan(work: Path, env: dict[str, str]) -> str:
    """cProfile the scanning process (workers are not profiled: they show as waiting)."""
    data_dir = fresh_data_dir(work, env)
    output = work / "scan.prof"
    cmd = [sys.executable, "-m", "cProfile", "-o", str(output), *parlour_cli(data_dir, "scan")[1:]]
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return top_entries(str(output), 15)


def worker_jobs(work: Path, files: Sequence[MediaFile]) -> list[tuple[LibraryKind, ProbeJob]]:
    jobs = []
    for kind, path in files:
        root = os.fsencode(work / kind)
        info = os.stat(path)
        rel = os.path.relpath(path, root)
        job = ProbeJob(root, kind, rel, info.st_size, info.st_mtime_ns, info.st_ino)
        jobs.append((LibraryKind(kind), job))
    return jobs


def profile_worker(work: Path, files: Sequence[MediaFile]) -> tuple[float, str]:
    """Time, then profile, a worker's whole job per file (fingerprint, probe, build the
    record) run serially in this process: compared with the floor it shows what the
    worker adds to probing."""
    jobs = worker_jobs(work, files)
    started = time.perf_counter()
    for kind, job in jobs:
        scan_file(kind, job)
    elapsed = time.perf_counter() - started
    profiler = cProfile.Profile()
    profiler.enable()
    for kind, job in jobs:
        scan_file(kind, job)
    profiler.disable()
    return elapsed, top_entries(profiler, 15)


# --- report --------------------------------------------------------------------------------


def mb(value: int) -> str:
    return f"{value / 1e6:.0f} MB"


def rate(files: int, seconds: float) -> str:
    return f"{files / seconds:,.0f} files/s" if seconds > 0 else "-"


def verdict(value: float, target: float, *, below: bool = False) -> str:
    ok = value < target if below else value <= target
    return "meets target" if ok else "MISSES target"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tracks", type=int, default=10000)
    parser.add_argument("--videos", type=int, default=200)
    parser.add_argument("--photos", type=int, default=2000)
    parser.add_argument(
        "--workdir", type=Path, help="keep the library here and reuse it while counts match"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary work dir")
    parser.add_argument("--workers", type=int, help="scan_workers for Parlour (default: cores)")
    parser.add_argument("--no-minidlna", action="store_true", help="skip the MiniDLNA timing")
    parser.add_argument(
        "--profile", action="store_true", help="also profile a full scan and the worker's work"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    counts = {"music": args.tracks, "movies": args.videos, "photos": args.photos}
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        work = args.workdir.resolve()
    else:
        work = Path(tempfile.mkdtemp(prefix="parlour-bench-")).resolve()
    env = child_env()
    if args.workers is not None:
        env["PARLOUR_SCAN_WORKERS"] = str(args.workers)
    try:
        return bench(work, counts, env, args)
    finally:
        if args.workdir is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            say(f"work dir kept: {work}")


def bench(work: Path, counts: dict[str, int], env: dict[str, str], args: argparse.Namespace) -> int:
    say(f"work dir: {work}")
    load_before = os.getloadavg()[0]
    if load_before > 1.0:
        say(f"WARNING: load average {load_before:.2f} before starting: other work will skew this")
    generated = generate(work, counts)
    if generated is None:
        say("library: reusing the tree generated earlier (same counts)")
    else:
        say(f"library: generated in {generated:.1f} s (not part of any measurement)")
    files = media_files(work)
    found = {kind: sum(1 for k, _ in files if k == kind) for kind in PROBERS}
    if found != counts:
        raise SystemExit(f"expected {counts} media files, found {found}; delete {work / MANIFEST}")
    total = len(files)
    say(
        f"files: {total} ({counts['music']} tracks, {counts['movies']} films, "
        f"{counts['photos']} photos)"
    )

    # Dropping the page cache needs root games; instead one untimed pass reads every file
    # first, so every measurement below reads from the page cache.
    say("warm-up: one floor pass, untimed, so every measurement reads from the page cache")
    floor_serial(files)
    startup = cli_startup(env)
    say(f"CLI start-up (python -m parlour --version, best of 3): {startup:.2f} s")

    data_dir = fresh_data_dir(work, env)
    full = run_measured(parlour_cli(data_dir, "scan"), work / "full-scan.log", env)
    full_counts = scan_counts(full)
    say(
        f"(a) full scan: {full.seconds:.1f} s, {rate(total, full.seconds)}; "
        f"peak RSS {mb(full.peak_rss)} summed over {full.peak_processes} processes "
        f"(PSS {mb(full.peak_pss)}, scanning process alone {mb(full.peak_main_rss)})"
    )
    if full_counts["added"] != total or full_counts["failed"]:
        say(f"    WARNING: expected {total} added and none failed, got {full_counts}")

    rescan = run_measured(parlour_cli(data_dir, "scan"), work / "rescan.log", env)
    rescan_counts = scan_counts(rescan)
    say(
        f"(b) rescan, nothing changed: {rescan.seconds:.2f} s "
        f"(of which ~{startup:.2f} s is CLI start-up)"
    )
    if rescan_counts["unchanged"] != total:
        say(f"    WARNING: expected {total} unchanged, got {rescan_counts}")

    serial = floor_serial(files)
    say(f"(c) floor, 1 process: {serial.seconds:.1f} s, {rate(total, serial.seconds)}")
    for kind, (n, seconds) in serial.by_kind.items():
        say(f"      {kind}: {n} files in {seconds:.1f} s, {rate(n, seconds)}")
    parallel = floor_parallel(files, FLOOR_PROCESSES)
    say(
        f"(d) floor, {FLOOR_PROCESSES} processes (Pool, chunksize {CHUNKSIZE}): "
        f"{parallel.seconds:.1f} s, {rate(total, parallel.seconds)}"
    )
    if serial.failed or parallel.failed:
        say(f"    WARNING: the prober rejected {serial.failed} / {parallel.failed} files")

    dlna = "--no-minidlna given" if args.no_minidlna else minidlna(work)
    if isinstance(dlna, MiniDlna):
        say(
            f"MiniDLNA: {dlna.seconds:.1f} s, {rate(total, dlna.seconds)}, {dlna.items} items, "
            f"peak RSS {mb(dlna.peak_rss)}"
        )
        if dlna.items != total:
            say(f"    WARNING: MiniDLNA catalogued {dlna.items} items, not {total}")
    else:
        say(f"MiniDLNA: skipped: {dlna}")

    scan_floor = full.seconds / serial.seconds
    scan_parallel = full.seconds / parallel.seconds
    rescan_scan = rescan.seconds / full.seconds
    rows = [
        (
            "files",
            f"{total} ({counts['music']} tracks, {counts['movies']} films, "
            f"{counts['photos']} photos)",
        ),
        ("full scan (a)", f"{full.seconds:.1f} s, {rate(total, full.seconds)}"),
        ("rescan, nothing changed (b)", f"{rescan.seconds:.2f} s"),
        (
            "rescan minus CLI start-up",
            f"{rescan.seconds - startup:.2f} s, "
            f"{(rescan.seconds - startup) / (full.seconds - startup):.3f} of the scan"
            " minus start-up",
        ),
        ("floor, 1 process (c)", f"{serial.seconds:.1f} s, {rate(total, serial.seconds)}"),
        (
            f"floor, {FLOOR_PROCESSES} processes (d)",
            f"{parallel.seconds:.1f} s, {rate(total, parallel.seconds)}",
        ),
        ("scan / floor", f"{scan_floor:.2f} (target <= 1.3: {verdict(scan_floor, 1.3)})"),
        ("scan / parallel floor", f"{scan_parallel:.2f}"),
        ("rescan / scan", f"{rescan_scan:.3f} (target <= 0.05: {verdict(rescan_scan, 0.05)})"),
        (
            "peak RSS of the scan, process tree summed",
            f"{mb(full.peak_rss)} over {full.peak_processes} processes "
            f"(target < 200 MB: {verdict(full.peak_rss / 1e6, 200, below=True)})",
        ),
        ("peak PSS of the scan, process tree summed", mb(full.peak_pss)),
        ("CLI start-up, included in (a) and (b)", f"{startup:.2f} s"),
    ]
    if isinstance(dlna, MiniDlna):
        rows.append(
            (
                "MiniDLNA initial scan",
                f"{dlna.seconds:.1f} s, {rate(total, dlna.seconds)}, peak RSS {mb(dlna.peak_rss)}",
            )
        )
        rows.append(("Parlour / MiniDLNA", f"{full.seconds / dlna.seconds:.2f}"))
    else:
        rows.append(("MiniDLNA", f"skipped: {dlna.splitlines()[0]}"))

    if args.profile:
        say("\nprofile of a full scan, scanning process only (cProfile, top 15 cumulative):")
        say(profile_scan(work, env))
        worker_s, worker_top = profile_worker(work, files)
        say(
            f"\nthe workers' job (scan_file) run serially: {worker_s:.1f} s unprofiled, "
            f"against {serial.seconds:.1f} s for the floor; its profile:"
        )
        say(worker_top)

    load_after = os.getloadavg()[0]
    command = ["python", "bench/scan.py", "--tracks", str(counts["music"])]
    command += ["--videos", str(counts["movies"]), "--photos", str(counts["photos"])]
    if args.workers is not None:
        command += ["--workers", str(args.workers)]
    cores = os.cpu_count()
    say("\n---- summary (paste into bench/RESULTS.md) ----")
    say(f"Command: `{shlex.join(command)}`  ")
    say(f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; source: {source_version()}  ")
    say(
        f"Machine: {cores} cores (`nproc`: {len(os.sched_getaffinity(0))}, {cpu_model()}), "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}, "
        f"scan_workers {env.get('PARLOUR_SCAN_WORKERS', 'default (one per core)')}  "
    )
    say(
        "Page cache: warm (one untimed floor pass first); 1-minute load average "
        f"{load_before:.2f} before, {load_after:.2f} after  "
    )
    say("")
    say("| measure | result |")
    say("|---|---|")
    for name, value in rows:
        say(f"| {name} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
