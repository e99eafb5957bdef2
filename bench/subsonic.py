"""Subsonic API benchmark: Parlour's /rest against Supysonic's on the same music (issue 7).

getAlbumList2 (a page of 500 by name), search3, getArtists and getAlbum, each timed with
one keep-alive client making sequential requests, on Parlour and then, if it is installed,
on Supysonic; target: Parlour's median at most half of Supysonic's for each call."""

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalogue import LIBRARY, USER, music_tree, request_options, scan_with_users, work_dirs
from parlour.app import build
from parlour.demo.generate import bulk_track
from parlour.domain.accounts import HOST
from parlour.settings import load_settings
from report import HOSTNAME, check_load, say, say_provenance, serving
from subsonic_client import SubsonicClient, password_auth, token_auth
from supysonic import Install, Supysonic, find
from timing import CASE_BUDGET_S, WARMUP, Timing, comparison_table, ms, ratio_text, timed

APP_LABEL = "bench"
ALBUM_PAGE = 500
SEARCH_COUNT = 20  # artistCount, albumCount and songCount alike
ALBUM_IDS = 100
TARGET_RATIO = 0.5
TARGET = f"<= {TARGET_RATIO} (at most half of Supysonic's median)"
KINDS = ("artist", "album", "song")

CASES = {
    "albums": f"(1) getAlbumList2, alphabeticalByName, size {ALBUM_PAGE}",
    "search": f"(2) search3, {SEARCH_COUNT} of each kind, cycling over the queries",
    "artists": "(3) getArtists",
    "album": f"(4) getAlbum, cycling over up to {ALBUM_IDS} album ids",
    "ping": "ping, the side's own auth (floor: envelope and sign-in alone; no target)",
    "ping_password": "ping, p=enc:HEX auth on both sides (floor; no target)",
}
FLOORS = ("ping", "ping_password")


def search_queries(tracks: int) -> list[str]:
    """Words that occur in the bulk catalogue's tags: the word every name has, then an
    artist's, an album's and a track's full name from across the catalogue."""
    early, middle, late = (bulk_track(tracks * part // 4) for part in (1, 2, 3))
    return ["Bulk", early.artists[0], middle.album, late.title]


def catalogue(data_dir: Path, music: Path) -> str:
    """Scan ``music`` into a fresh catalogue, add the users and an app password for the
    plain one, in-process (setup, not measured); the app password."""
    started = time.perf_counter()
    with contextlib.closing(build(load_settings(data_dir))) as app:
        summary = scan_with_users(app, {LIBRARY: ("music", music)})
        secret = app.app_passwords.create_for_user(HOST, USER[0], APP_LABEL).secret
    elapsed = time.perf_counter() - started
    say(f"catalogue: scanned, users and app password made in {elapsed:.1f} s (setup): {summary}")
    return secret


# --- the calls: each checks that its answer is ok and not empty ----------------------------


def filled(count: int, who: str, what: str) -> int:
    if count == 0:
        raise SystemExit(f"{who}: {what} came back empty")
    return count


def album_page(client: SubsonicClient) -> list[dict[str, Any]]:
    params = {"type": "alphabeticalByName", "size": ALBUM_PAGE, "offset": 0}
    albums: list[dict[str, Any]] = (
        client.ok("getAlbumList2", params).get("albumList2", {}).get("album", [])
    )
    filled(len(albums), client.who, "getAlbumList2")
    return albums


def search(client: SubsonicClient, query: str) -> tuple[int, ...]:
    params = {f"{kind}Count": SEARCH_COUNT for kind in KINDS}
    found = client.ok("search3", {"query": query, **params}).get("searchResult3", {})
    counts = tuple(len(found.get(kind, [])) for kind in KINDS)
    filled(sum(counts), client.who, f"search3 {query!r}")
    return counts


def artists(client: SubsonicClient) -> int:
    index = client.ok("getArtists", {}).get("artists", {}).get("index", [])
    return filled(sum(len(entry.get("artist", [])) for entry in index), client.who, "getArtists")


def album_songs(client: SubsonicClient, album_id: str) -> int:
    songs = client.ok("getAlbum", {"id": album_id}).get("album", {}).get("song", [])
    return filled(len(songs), client.who, f"getAlbum {album_id}")


@dataclass(slots=True)
class Side:
    """One server's timings per case, and what its answers held."""

    auth: str
    timings: dict[str, Timing] = field(default_factory=dict)
    held: dict[str, str] = field(default_factory=dict)


def measure(
    client: SubsonicClient,
    password_client: SubsonicClient,
    auth: str,
    queries: Sequence[str],
    n: int,
) -> Side:
    """Check each call once, then time each: WARMUP untimed, ``n`` timed, in order;
    ``password_client`` (p=enc:HEX) times the last floor, the same auth on both sides."""
    side = Side(auth)
    page = album_page(client)
    ids = [str(page[i * len(page) // ALBUM_IDS]["id"]) for i in range(min(ALBUM_IDS, len(page)))]
    found = {query: search(client, query) for query in queries}
    songs = [album_songs(client, album_id) for album_id in ids]
    side.held = {
        "albums": f"{len(page)} albums",
        "search": "; ".join(f"{q!r} {'/'.join(map(str, c))}" for q, c in found.items()),
        "artists": f"{artists(client)} artists",
        "album": f"{len(ids)} albums of {min(songs)}-{max(songs)} songs",
        "ping": "",
        "ping_password": "",
    }
    say(
        f"checked {client.who}: {side.held['albums']}, {side.held['artists']}, "
        f"{side.held['album']}; search3 artists/albums/songs: {side.held['search']}"
    )
    calls: dict[str, Callable[[int], object]] = {
        "albums": lambda _i: album_page(client),
        "search": lambda i: search(client, queries[i % len(queries)]),
        "artists": lambda _i: artists(client),
        "album": lambda i: album_songs(client, ids[i % len(ids)]),
        "ping": lambda _i: client.ok("ping", {}),
        "ping_password": lambda _i: password_client.ok("ping", {}),
    }
    for case, call in calls.items():
        side.timings[case] = timed(call, n)
    return side


def parlour_side(data_dir: Path, secret: str, queries: Sequence[str], n: int) -> Side:
    with serving(data_dir) as base:
        client = SubsonicClient("Parlour", base, lambda: token_auth(USER[0], secret))
        password_client = SubsonicClient("Parlour", base, lambda: password_auth(USER[0], secret))
        with contextlib.closing(client), contextlib.closing(password_client):
            auth = "token auth (u, t = md5(app password + s), s: a fresh random salt each request)"
            return measure(client, password_client, auth, queries, n)


def supysonic_side(
    install: Install, music: Path, scratch: Path, queries: Sequence[str], n: int
) -> tuple[Side, str]:
    """Supysonic set up on ``music`` (timed apart) and timed like Parlour; what its setup
    took."""
    say(f"Supysonic: setting up in {scratch} (config, user, folder, scan: setup)")
    with Supysonic(install, music, scratch) as server:
        server.say_started()
        assert server.client is not None
        with contextlib.closing(server.password_client()) as password_client:
            side = measure(server.client, password_client, server.auth_note, queries, n)
    say(f"Supysonic: server stopped (exit code {server.stop()})")
    return side, server.setup.describe()


# --- report --------------------------------------------------------------------------------


def ratio(parlour: Timing, other: Timing) -> str:
    return ratio_text(parlour, other, TARGET_RATIO, 3)


def report_cases(parlour: Side, other: Side | str) -> None:
    for case, name in CASES.items():
        mine = parlour.timings[case]
        line = f"{name}: Parlour median {ms(mine.median_ms)}, p95 {ms(mine.p95_ms)}{mine.note()}"
        if isinstance(other, Side):
            theirs = other.timings[case]
            line += (
                f"; Supysonic median {ms(theirs.median_ms)}, p95 {ms(theirs.p95_ms)}{theirs.note()}"
            )
            if case not in FLOORS:
                line += f"; Parlour/Supysonic {ratio(mine, theirs)}, target {TARGET}"
        else:
            line += f"; Supysonic {other}"
        say(line)
    if isinstance(other, Side):
        for case in ("albums", "search", "artists", "album"):
            if parlour.held[case] != other.held[case]:
                say(
                    f"NOTE: {CASES[case]} answers differ: Parlour {parlour.held[case]}; "
                    f"Supysonic {other.held[case]}"
                )


def report_table(parlour: Side, other: Side | str) -> None:
    for line in comparison_table("Supysonic", TARGET, CASES, FLOORS, parlour, other, ratio):
        say(line)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    request_options(parser)
    parser.add_argument(
        "--supysonic-python",
        type=Path,
        metavar="PATH",
        help="a python that imports supysonic, with waitress (or gunicorn, gevent) beside "
        "it: also time Supysonic on the same music (default: only if supysonic imports in "
        "this interpreter)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    command = ["python", "bench/subsonic.py", *(sys.argv[1:] if argv is None else argv)]
    with work_dirs(args.workdir, "parlour-bench-subsonic") as (work, data_dir):
        return bench(work, data_dir, args, command)


def bench(work: Path, data_dir: Path, args: argparse.Namespace, command: list[str]) -> int:
    load_before = check_load()
    scratch = data_dir / "supysonic"
    install = find(args.supysonic_python, scratch)
    if isinstance(install, Install):
        say(f"Supysonic: {install.describe()}; timed after Parlour's server stops")
    else:
        say(f"Supysonic: {install}")
    music = music_tree(work, args.tracks)
    queries = search_queries(args.tracks)
    secret = catalogue(data_dir, music)
    parlour = parlour_side(data_dir, secret, queries, args.requests)

    other: Side | str = install if isinstance(install, str) else ""
    setup = ""
    failed = False
    if isinstance(install, Install):
        try:
            other, setup = supysonic_side(install, music, scratch, queries, args.requests)
        except SystemExit as error:  # Parlour's figures stand; say why Supysonic's do not
            other, failed = f"failed: {error}", True
    load_after = os.getloadavg()

    report_cases(parlour, other)
    say("\n---- summary (paste into bench/RESULTS.md) ----")
    say_provenance(command)
    say(
        f"Method: {args.tracks} bulk tracks scanned into a fresh catalogue; a plain user "
        f"granted the library signs in with an app password; `parlour serve --no-watch` on "
        f"{HOSTNAME}; one keep-alive httpx client, sequential, `f=json`; {WARMUP} warm-up then "
        f"{args.requests} timed requests per call, each loop stopped after {CASE_BUDGET_S:.0f} "
        f"s; Parlour: {parlour.auth}; search3 queries {', '.join(map(repr, queries))}  "
    )
    if isinstance(other, Side) and isinstance(install, Install):
        say(
            f"Supysonic {install.version} (Python {install.python_version}, {install.python}, "
            f"SQLite, `supysonic-server --server {install.server}` on {HOSTNAME}), after "
            f"Parlour's server stopped, on the same music, the same calls (its own album ids); "
            f"setup, not measured: {setup}; {other.auth}  "
        )
    say(
        "Load averages (1, 5, 15 min): "
        f"{' '.join(f'{v:.2f}' for v in load_before)} before, "
        f"{' '.join(f'{v:.2f}' for v in load_after)} after"
    )
    say("")
    report_table(parlour, other)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
