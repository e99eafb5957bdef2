"""DLNA benchmark: Parlour's ContentDirectory Browse against MiniDLNA's on the same music
(issue 8).

BrowseDirectChildren of the root, and of the Albums container (1,000+ albums) all at once
and in pages of 100, timed with one SOAP client per server making sequential requests;
with ``minidlnad`` installed, MiniDLNA serves the same tree in the same run and each call
is timed on both, case by case. Target: Parlour's median within 1.5x of MiniDLNA's."""

import argparse
import contextlib
import functools
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

import minidlna
from catalogue import LIBRARY, music_tree, request_options, work_dirs
from dlna_client import Browsed, ContentDirectoryClient, Exchange
from parlour.app import build
from parlour.demo.generate import bulk_track
from parlour.domain.accounts import HOST
from parlour.frontends.dlna.description import DESCRIPTION_PATH
from parlour.settings import load_settings
from report import HOSTNAME, check_load, free_port, say, say_provenance, serving
from timing import CASE_BUDGET_S, WARMUP, Timing, comparison_table, percentile, ratio_text

DEFAULT_TRACKS = 15000  # ten tracks an album: 1,500 albums
PAGE = 100
TARGET_RATIO = 1.5
TARGET = f"<= {TARGET_RATIO}"
READY_TIMEOUT_S = 30.0
ALBUMS_TITLES = ("Albums", "Album")  # Parlour's; MiniDLNA's ("Music" > "Album", id 1$7)

CASES = {
    "root": 'BrowseDirectChildren "0", all',
    "all": "BrowseDirectChildren Albums, all (RequestedCount 0)",
    "page": f"BrowseDirectChildren Albums, a page of {PAGE} (every page of the walks)",
    "walk": f"Albums in pages of {PAGE}, start to end (sum of the pages)",
    "floor": "GetSystemUpdateID (floor: the SOAP round trip; no target)",
}
FLOORS = ("floor",)


@dataclass(slots=True)
class Side:
    """One server: its client, where its Albums container is, its timings and answers."""

    name: str
    client: ContentDirectoryClient
    albums_id: str = ""
    timings: dict[str, Timing] = field(default_factory=dict)
    held: dict[str, str] = field(default_factory=dict)


def expected_albums(tracks: int) -> int:
    return len({bulk_track(index).album for index in range(tracks)})


def catalogue(data_dir: Path, music: Path) -> int:
    """Scan ``music`` into a fresh catalogue and turn DLNA on for 127.0.0.1 sharing it,
    in-process (setup, not measured); the DLNA port."""
    started = time.perf_counter()
    port = free_port()
    with contextlib.closing(build(load_settings(data_dir))) as app:
        app.libraries.add(HOST, "music", str(music), LIBRARY)
        summary = app.scanner.scan()
        app.dlna.enable(HOST, interfaces=[HOSTNAME], libraries=[LIBRARY], port=port)
    elapsed = time.perf_counter() - started
    say(f"catalogue: scanned and DLNA turned on in {elapsed:.1f} s (setup): {summary}")
    return port


def wait_for(url: str) -> float:
    """Seconds until ``url`` answers 200: the DLNA runtime starts its listener at its next
    look at the configuration."""
    started = time.perf_counter()
    while time.perf_counter() - started < READY_TIMEOUT_S:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url, timeout=1).status_code == 200:
                return time.perf_counter() - started
        time.sleep(0.1)
    raise SystemExit(f"nothing answered {url} within {READY_TIMEOUT_S:.0f} s")


# --- what each side holds ------------------------------------------------------------------


def child_titled(side: Side, parent: str, titles: Sequence[str]) -> str:
    found = side.client.browse(parent)
    for title in titles:
        for child in found.objects:
            if child.container and child.title == title:
                return child.object_id
    shown = [child.title for child in found.objects]
    raise SystemExit(f"{side.name}: no {' or '.join(titles)} under {parent!r}: {shown}")


def complete(side: Side, answer: Browsed, total: int, start: int, count: int) -> None:
    """SystemExit unless ``answer`` is the whole page asked: TotalMatches ``total``, and
    every child from ``start`` (up to ``count``; 0: all) in its DIDL-Lite."""
    wanted = total - start if count == 0 else min(count, total - start)
    if answer.total != total or answer.returned != wanted:
        raise SystemExit(
            f"{side.name}: {answer.returned} of TotalMatches {answer.total} from {start}; "
            f"expected {wanted} of {total}"
        )


def survey(side: Side, albums: int) -> Browsed:
    """Find the side's Albums container by browsing from "0" (the music library, then its
    albums view), check that it holds every album; the root's answer."""
    root = side.client.browse("0")
    music = child_titled(side, "0", (LIBRARY,))
    side.albums_id = child_titled(side, music, ALBUMS_TITLES)
    whole = side.client.browse(side.albums_id)
    complete(side, whole, albums, 0, 0)
    names = {child.title for child in whole.objects}
    if len(names) != albums or not all(child.container for child in whole.objects):
        raise SystemExit(f"{side.name}: {len(names)} distinct album containers, not {albums}")
    side.held = {
        "root": f"{root.returned} containers ({', '.join(o.title for o in root.objects)}), "
        f"{root.size:,} B",
        "all": f"{side.albums_id!r}: {whole.returned} of {whole.total} albums, {whole.size:,} B",
        "page": f"{PAGE} albums, TotalMatches {whole.total}",
        "walk": f"{math.ceil(albums / PAGE)} pages, {albums} distinct albums",
        "floor": "",
    }
    say(f"checked {side.name}: root {side.held['root']}; Albums {side.held['all']}")
    return root


# --- timing --------------------------------------------------------------------------------


def summarise(samples: list[float], wanted: int) -> Timing:
    return Timing(statistics.median(samples), percentile(samples, 0.95), len(samples), wanted)


def sampled(call: Callable[[], Exchange], check: Callable[[Exchange], None], n: int) -> Timing:
    """``WARMUP`` untimed calls, then ``n`` timed: each the HTTP exchange alone, each
    answer checked after its timing; a loop stops after CASE_BUDGET_S."""
    for _ in range(WARMUP):
        check(call())
    samples: list[float] = []
    started = time.perf_counter()
    for _ in range(n):
        exchange = call()
        samples.append(exchange.elapsed_ms)
        check(exchange)
        if time.perf_counter() - started > CASE_BUDGET_S:
            break
    return summarise(samples, n)


def walk(side: Side, albums: int) -> list[float]:
    """The Albums container in pages of PAGE, in order; each page's milliseconds. Every
    page must be whole and the walk must see every album once."""
    times: list[float] = []
    seen: set[str] = set()
    start = 0
    while start < albums:  # bounded: every page is checked to advance by its size
        exchange = side.client.browse_children(side.albums_id, start, PAGE)
        times.append(exchange.elapsed_ms)
        answer = side.client.read(exchange)
        complete(side, answer, albums, start, PAGE)
        seen.update(child.object_id for child in answer.objects)
        start += answer.returned
    if len(seen) != albums:
        raise SystemExit(f"{side.name}: a walk saw {len(seen)} distinct albums, not {albums}")
    return times


def walks(side: Side, albums: int, n: int) -> tuple[Timing, Timing]:
    """(a page, a whole walk): about ``n`` pages in all, one warm-up walk first."""
    count = max(1, math.ceil(n / math.ceil(albums / PAGE)))
    walk(side, albums)
    pages: list[float] = []
    totals: list[float] = []
    started = time.perf_counter()
    for _ in range(count):
        times = walk(side, albums)
        pages += times
        totals.append(sum(times))
        if time.perf_counter() - started > CASE_BUDGET_S:
            break
    return summarise(pages, count * math.ceil(albums / PAGE)), summarise(totals, count)


def whole(side: Side, total: int, exchange: Exchange) -> None:
    """SystemExit unless ``exchange`` answered with all ``total`` children."""
    complete(side, side.client.read(exchange), total, 0, 0)


def measure(sides: Sequence[Side], albums: int, n: int) -> None:
    """Each case on every side in turn (Parlour first), so that both see the same load."""
    for side in sides:
        shared = side.client.browse("0").total
        root = functools.partial(side.client.browse_children, "0")
        side.timings["root"] = sampled(root, functools.partial(whole, side, shared), n)
    for side in sides:
        every = functools.partial(side.client.browse_children, side.albums_id)
        side.timings["all"] = sampled(every, functools.partial(whole, side, albums), n)
    for side in sides:
        side.timings["page"], side.timings["walk"] = walks(side, albums, n)
    for side in sides:
        side.timings["floor"] = sampled(side.client.system_update_id, lambda _answer: None, n)


# --- report --------------------------------------------------------------------------------


def ratio(parlour: Timing, other: Timing) -> str:
    return ratio_text(parlour, other, TARGET_RATIO, 2)


def report_table(parlour: Side, other: Side | str) -> None:
    for line in comparison_table("MiniDLNA", TARGET, CASES, FLOORS, parlour, other, ratio):
        say(line)


@contextlib.contextmanager
def minidlna_side(exe: str, music: Path, base: Path) -> Iterator[Side]:
    with minidlna.MiniDlna(exe, music, base) as server:
        client = ContentDirectoryClient("MiniDLNA", server.description_url)
        with contextlib.closing(client):
            yield Side("MiniDLNA", client)


def bench(
    work: Path, data_dir: Path, args: argparse.Namespace, command: list[str], exe: str, why: str
) -> int:
    load_before = check_load()
    music = music_tree(work, args.tracks)
    albums = expected_albums(args.tracks)
    port = catalogue(data_dir, music)
    description = f"http://{HOSTNAME}:{port}{DESCRIPTION_PATH}"
    with contextlib.ExitStack() as stack:
        stack.enter_context(serving(data_dir))
        say(f"Parlour DLNA: {description} answered after {wait_for(description):.2f} s")
        parlour = Side("Parlour", stack.enter_context(
            contextlib.closing(ContentDirectoryClient("Parlour", description))
        ))  # fmt: skip
        sides = [parlour]
        other: Side | str = why
        if exe:
            other = stack.enter_context(minidlna_side(exe, music, data_dir / "minidlna"))
            sides.append(other)
        for side in sides:
            survey(side, albums)
        measure(sides, albums, args.requests)
        closes = {side.name: side.client.connection_closes for side in sides}
    load_after = os.getloadavg()

    say("\n---- summary (paste into bench/RESULTS.md) ----")
    say_provenance(command)
    say(
        f"Method: {args.tracks} bulk tracks ({albums} albums) scanned into a fresh catalogue; "
        f"DLNA on for {HOSTNAME} sharing the library; `parlour serve --no-watch` (the DLNA "
        f"listener its runtime starts); one httpx client a server, sequential SOAP requests "
        f"(Filter `*`, no SortCriteria), only the HTTP exchange timed, every answer's "
        f"DIDL-Lite counted after; {WARMUP} warm-up then {args.requests} timed requests a "
        f"case (the walks: one warm-up walk, then about {args.requests} pages), each loop "
        f"stopped after {CASE_BUDGET_S:.0f} s; cases run on each server in turn  "
    )
    if isinstance(other, Side):
        say(
            f"MiniDLNA {minidlna.version(exe)} (`minidlnad -S -R`, its own config and "
            f"database, `media_dir=A,<the music>`, `network_interface=lo`, inotify off), "
            f"running beside Parlour, on the same music; both in a network namespace of "
            f"their own with only `lo` up (MiniDLNA binds its HTTP port on every address); "
            f"answers that closed the connection: {closes}  "
        )
    else:
        say(f"MiniDLNA: {other}  ")
    say(
        "Load averages (1, 5, 15 min): "
        f"{' '.join(f'{v:.2f}' for v in load_before)} before, "
        f"{' '.join(f'{v:.2f}' for v in load_after)} after"
    )
    say("")
    report_table(parlour, other)
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    request_options(parser)
    parser.set_defaults(tracks=DEFAULT_TRACKS)
    parser.add_argument("--no-minidlna", action="store_true", help="time Parlour alone")
    parser.add_argument(minidlna.IN_PRIVATE_NETWORK, action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(given)
    exe = "" if args.no_minidlna else minidlna.find()
    why = "skipped: --no-minidlna given" if args.no_minidlna else ""
    if exe and not args.in_private_network:
        refusal = minidlna.private_network_refusal()
        if not refusal:
            say("MiniDLNA binds every address: running again in a network namespace of its own")
            return minidlna.rerun_in_private_network(Path(__file__).resolve(), given)
        exe, why = "", f"skipped: it binds every address, and {refusal} to keep it off the network"
    elif not exe and not why:
        why = "skipped: minidlnad is not installed"
    if args.in_private_network:
        minidlna.loopback_up()
        say(f"network namespace of its own; interfaces: {', '.join(minidlna.interfaces())}")
    command = ["python", "bench/dlna.py", *minidlna.without_marker(given)]
    with work_dirs(args.workdir, "parlour-bench-dlna") as (work, data_dir):
        return bench(work, data_dir, args, command, exe, why)


if __name__ == "__main__":
    sys.exit(main())
