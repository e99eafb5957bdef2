"""API benchmark: browse and search over HTTP against the same SELECTs run bare on SQLite."""

import argparse
import contextlib
import os
import shutil
import sqlite3
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from catalogue import LIBRARY, USER, music_tree, request_options, scan_with_users, work_dirs
from parlour.app import build
from parlour.media.ffmpeg import run_ffmpeg
from parlour.settings import load_settings
from parlour.storage import schema as s
from report import HOSTNAME, check_load, say, say_provenance, serving
from supysonic import Install, Setup, Supysonic, find
from timing import WARMUP, Timing, ms, timed

FILMS = "Films"
FILM_SECONDS = 600  # long enough to keep a resume point
IN_PROGRESS_FILMS = 150
PLAYED_TRACKS = 3000
CONTINUE_LIMIT = 20
REQUEST_TIMEOUT_S = 30.0
ALBUM_PAGE = 500
SEARCH_LIMIT = 50  # the route's default
SEARCH_WORDS = ("Bulk", "Track 00123", "Album 00042", "Artist 0007", "Bulk Track 0999")
TARGET_RATIO = 3.0
TARGET_P95_MS = 50.0


# --- the library and its catalogue ---------------------------------------------------------


def films(work: Path, count: int) -> Path:
    """``count`` ten-minute films (one tiny frame a second, copies of one file)."""
    root = work / "films"
    template = work / f"film-{FILM_SECONDS}s.mkv"
    if not template.exists():
        partial = work / "film-partial.mkv"
        command = ["-y", "-f", "lavfi", "-i", f"color=c=navy:s=64x36:r=1:d={FILM_SECONDS}"]
        run_ffmpeg([*command, "-c:v", "libx264", "-preset", "ultrafast", str(partial)])
        partial.replace(template)
    for index in range(count):
        name = f"Long Film {index:04d} ({1950 + index % 75})"
        target = root / name / f"{name}.mkv"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(template, target)
    return root


def catalogue(data_dir: Path, music: Path, film_root: Path) -> None:
    """Add the libraries, scan them, add the two users and give the plain user a history
    (films part watched, tracks played), in-process: setup, not measured."""
    started = time.perf_counter()
    app = build(load_settings(data_dir))
    try:
        libraries = {LIBRARY: ("music", music), FILMS: ("movies", film_root)}
        summary = scan_with_users(app, libraries)
        token, user = app.accounts.login(USER[0], USER[1], "127.0.0.1")
        with app.catalogue.reading() as conn:
            film_ids = list(conn.execute(select(s.movies.c.id)).scalars())
            track_ids = list(conn.execute(select(s.tracks.c.id).limit(PLAYED_TRACKS)).scalars())
        for index, film_id in enumerate(film_ids[:IN_PROGRESS_FILMS]):
            app.activity.report_progress(user, film_id, (60 + index % 400) * 1000)
        for track_id in track_ids:
            app.activity.record_play(user, track_id)
        app.accounts.logout(token)
    finally:
        app.close()
    elapsed = time.perf_counter() - started
    say(f"catalogue: scanned, history made in {elapsed:.1f} s (setup): {summary}")


# --- the server ----------------------------------------------------------------------------


def login(base: str) -> tuple[str, str]:
    """Sign in as the plain user: (bearer token, user id)."""
    response = httpx.post(
        base + "/api/v1/auth/login",
        json={"username": USER[0], "password": USER[1]},
        timeout=REQUEST_TIMEOUT_S,
    )
    if response.status_code != 200:
        raise SystemExit(f"login failed: {response.status_code} {response.text}")
    body = response.json()
    return body["token"], body["user"]["id"]


# --- the bare SQL: what src/parlour/storage/browse.py runs, written out by hand ------------

GRANTED = "SELECT library_id FROM library_grants WHERE user_id = ?"
ALBUM_COLUMNS = "id, library_id, title, artist_name, year, compilation, cover_id, added_at"
ALBUMS_BY_TITLE = (
    f"SELECT {ALBUM_COLUMNS} FROM albums WHERE library_id IN ({GRANTED})"
    " ORDER BY sort_title ASC, id ASC"
)
ARTIST = f"SELECT id, library_id, name FROM artists WHERE id = ? AND library_id IN ({GRANTED})"
ALBUMS_OF_ARTIST = (
    f"SELECT {ALBUM_COLUMNS} FROM albums WHERE library_id IN ({GRANTED})"
    " AND id IN (SELECT album_id FROM album_artists WHERE artist_id = ?)"
    " ORDER BY year ASC, id ASC"
)
# The same shape as browse.search: the full-text match is the outer loop.
SEARCH_FROM = (
    "FROM (SELECT rowid AS entry_id, bm25(search_fts, 10.0, 3.0, 1.0) AS rank"
    " FROM search_fts WHERE search_fts MATCH ?) AS m"
    " CROSS JOIN search_entries e ON e.entry_id = m.entry_id"
)


def fts_query(words: str) -> str:
    """The same quoting as browse._fts_query: each word a quoted prefix term."""
    terms = ["".join(ch for ch in word if ch.isalnum()) for word in words.split()]
    return " ".join(f'"{term}"*' for term in terms[:8] if term)


def bare_albums(db: sqlite3.Connection, user_id: str) -> int:
    (total,) = db.execute(f"SELECT count(*) FROM ({ALBUMS_BY_TITLE})", (user_id,)).fetchone()
    db.execute(f"{ALBUMS_BY_TITLE} LIMIT ? OFFSET ?", (user_id, ALBUM_PAGE, 0)).fetchall()
    return int(total)


def bare_artist(db: sqlite3.Connection, user_id: str, artist_id: str) -> int:
    if db.execute(ARTIST, (artist_id, user_id)).fetchone() is None:
        raise SystemExit(f"bare SQL: no artist {artist_id}")
    params = (user_id, artist_id)
    db.execute(f"SELECT count(*) FROM ({ALBUMS_OF_ARTIST})", params).fetchone()
    return len(db.execute(f"{ALBUMS_OF_ARTIST} LIMIT ? OFFSET ?", (*params, 500, 0)).fetchall())


# What storage/home.continue_watching runs: the viewer's own resume points, each checked
# against the granted libraries, newest first; then the films' and episodes' summaries.
CONTINUE = (
    "SELECT st.item_id, st.kind, st.position_ms, st.updated_at FROM user_item_state st"
    " WHERE st.user_id = ? AND st.kind IN ('movie', 'episode') AND st.position_ms > 0"
    " AND st.watched = 0 AND ("
    f"(st.kind = 'movie' AND EXISTS (SELECT 1 FROM movies m WHERE m.id = st.item_id"
    f" AND m.library_id IN ({GRANTED})))"
    f" OR (st.kind = 'episode' AND EXISTS (SELECT 1 FROM episodes e WHERE e.id = st.item_id"
    f" AND e.library_id IN ({GRANTED}))))"
    " ORDER BY st.updated_at DESC, st.item_id LIMIT ?"
)
MOVIE_SUMMARIES = (
    "SELECT m.id, 'movie', m.title, m.library_id, coalesce(f.duration_ms, 0), m.year,"
    " m.poster_id FROM movies m JOIN media_files f ON f.id = m.file_id"
    " WHERE m.id IN ({marks}) AND m.library_id IN (" + GRANTED + ")"
)
EPISODE_SUMMARIES = (
    "SELECT e.id, 'episode', e.title, e.library_id, coalesce(f.duration_ms, 0), e.show_id,"
    " sh.title, e.season_id, e.season_number, e.episode_number, e.air_date, sh.poster_id"
    " FROM episodes e JOIN media_files f ON f.id = e.file_id JOIN shows sh ON sh.id = e.show_id"
    " WHERE e.id IN ({marks}) AND e.library_id IN (" + GRANTED + ")"
)


def bare_continue(db: sqlite3.Connection, user_id: str) -> int:
    rows = db.execute(CONTINUE, (user_id, user_id, user_id, CONTINUE_LIMIT)).fetchall()
    ids = [row[0] for row in rows]
    marks = ", ".join("?" for _ in ids)
    found = db.execute(MOVIE_SUMMARIES.format(marks=marks), (*ids, user_id)).fetchall()
    left = [i for i in ids if i not in {row[0] for row in found}]
    if left:
        marks = ", ".join("?" for _ in left)
        found += db.execute(EPISODE_SUMMARIES.format(marks=marks), (*left, user_id)).fetchall()
    return len(found)


def bare_search(db: sqlite3.Connection, user_id: str, words: str) -> int:
    visible = [row[0] for row in db.execute(GRANTED, (user_id,))]
    marks = ", ".join("?" for _ in visible)
    where = f"e.library_id IN ({marks})"
    params = (fts_query(words), *visible)
    (total,) = db.execute(f"SELECT count(*) {SEARCH_FROM} WHERE {where}", params).fetchone()
    db.execute(
        f"SELECT e.item_id AS id, e.kind, e.title, e.context, e.library_id {SEARCH_FROM}"
        f" WHERE {where} ORDER BY m.rank LIMIT ? OFFSET ?",
        (*params, SEARCH_LIMIT, 0),
    ).fetchall()
    return int(total)


# --- the cases ---------------------------------------------------------------------------


def api_get(client: httpx.Client, path: str, params: dict[str, Any] | None = None) -> Any:
    response = client.get(path, params=params)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} {params}: {response.status_code} {response.text[:500]}")
    return response.json()


@dataclass(slots=True)
class Case:
    name: str
    api: Timing
    bare: Timing

    @property
    def ratio(self) -> float:
        return self.api.median_ms / self.bare.median_ms

    @property
    def ratio_p95(self) -> float:
        return self.api.p95_ms / self.bare.p95_ms

    def verdict(self) -> str:
        ok = self.ratio <= TARGET_RATIO and self.api.p95_ms < TARGET_P95_MS
        return "meets target" if ok else "MISSES target"


def measure(
    base: str,
    token: str,
    db: sqlite3.Connection,
    user_id: str,
    n: int,
    floors: list[tuple[str, Timing]],
) -> list[Case]:
    artist_ids = [row[0] for row in db.execute("SELECT id FROM artists ORDER BY sort_name, id")]
    if not artist_ids:
        raise SystemExit("the catalogue has no artists")
    headers = {"Authorization": f"Bearer {token}"}
    cases = []
    with httpx.Client(base_url=base, headers=headers, timeout=REQUEST_TIMEOUT_S) as client:
        # Sanity: the API and the bare SQL see the same rows before anything is timed.
        page = api_get(client, "/api/v1/albums", {"limit": ALBUM_PAGE, "sort": "title"})
        bare_total = bare_albums(db, user_id)
        if page["total"] != bare_total or len(page["items"]) != min(ALBUM_PAGE, bare_total):
            raise SystemExit(f"albums: API total {page['total']}, bare SQL {bare_total}")
        found = api_get(client, f"/api/v1/artists/{artist_ids[0]}")
        if len(found["albums"]) != bare_artist(db, user_id, artist_ids[0]):
            raise SystemExit("artist detail: API and bare SQL disagree on the albums")
        for words in SEARCH_WORDS[:2]:  # a search can take seconds: two suffice
            hits = api_get(client, "/api/v1/search", {"q": words})
            if hits["total"] != bare_search(db, user_id, words):
                raise SystemExit(f"search {words!r}: API and bare SQL disagree on the total")
        resuming = api_get(client, "/api/v1/me/continue-watching", {"limit": CONTINUE_LIMIT})
        if len(resuming["items"]) != bare_continue(db, user_id) or not resuming["items"]:
            raise SystemExit("continue watching: API and bare SQL disagree")
        say(
            f"checked: {bare_total} albums, {len(artist_ids)} artists, "
            f"{len(resuming['items'])} films to continue; API and bare SQL agree"
        )

        # The floor of any request: a public route, then the cheapest signed-in one.
        health = timed(lambda _i: api_get(client, "/healthz"), n)
        me = timed(lambda _i: api_get(client, "/api/v1/me"), n)
        say(
            f"request floor: /healthz median {ms(health.median_ms)}, p95 {ms(health.p95_ms)}; "
            f"/api/v1/me (token check, no query) median {ms(me.median_ms)}, "
            f"p95 {ms(me.p95_ms)}"
        )
        floors.extend([("/healthz (public, no query)", health), ("/api/v1/me (signed in)", me)])

        album_params = {"limit": ALBUM_PAGE, "sort": "title"}
        cases.append(
            Case(
                f"(a) album list, page of {ALBUM_PAGE} by title",
                timed(lambda _i: api_get(client, "/api/v1/albums", album_params), n),
                timed(lambda _i: bare_albums(db, user_id), n),
            )
        )

        def artist_path(i: int) -> str:
            return f"/api/v1/artists/{artist_ids[i % len(artist_ids)]}"

        cases.append(
            Case(
                f"(b) artist detail, cycling over {len(artist_ids)} artists",
                timed(lambda i: api_get(client, artist_path(i)), n),
                timed(lambda i: bare_artist(db, user_id, artist_ids[i % len(artist_ids)]), n),
            )
        )

        def word(i: int) -> str:
            return SEARCH_WORDS[i % len(SEARCH_WORDS)]

        cases.append(
            Case(
                f"(c) search, cycling over {len(SEARCH_WORDS)} queries",
                timed(lambda i: api_get(client, "/api/v1/search", {"q": word(i)}), n),
                timed(lambda i: bare_search(db, user_id, word(i)), n),
            )
        )
        resume_params = {"limit": CONTINUE_LIMIT}
        cases.append(
            Case(
                f"(d) continue watching, {CONTINUE_LIMIT} of {IN_PROGRESS_FILMS} films"
                f" among {IN_PROGRESS_FILMS + PLAYED_TRACKS} state rows",
                timed(lambda _i: api_get(client, "/api/v1/me/continue-watching", resume_params), n),
                timed(lambda _i: bare_continue(db, user_id), n),
            )
        )
    return cases


# --- report --------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    request_options(parser)
    parser.add_argument("--films", type=int, default=IN_PROGRESS_FILMS + 50)
    parser.add_argument(
        "--supysonic-python",
        type=Path,
        metavar="PATH",
        help="the python of a venv with supysonic (and waitress) installed: also time "
        f"Supysonic's getAlbumList2?size={ALBUM_PAGE} on the same music (default: only if "
        "supysonic imports in this interpreter)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with work_dirs(args.workdir, "parlour-bench-api") as (work, data_dir):
        return bench(work, data_dir, args)


def bench(work: Path, data_dir: Path, args: argparse.Namespace) -> int:
    load_before = check_load()[0]
    supysonic = find(args.supysonic_python, data_dir / "supysonic")
    if isinstance(supysonic, str) and args.supysonic_python is not None:
        raise SystemExit(f"Supysonic: {supysonic}")
    if isinstance(supysonic, Install):
        say(f"Supysonic: {supysonic.describe()}; timed after Parlour's cases")
    music = music_tree(work, args.tracks)
    catalogue(data_dir, music, films(work, args.films))

    floors: list[tuple[str, Timing]] = []
    with serving(data_dir) as base:
        token, user_id = login(base)
        with contextlib.closing(sqlite3.connect(data_dir / "catalogue.db")) as db:
            # The catalogue's own read settings (storage/engine.py), so the pages are alike.
            db.execute("PRAGMA temp_store=MEMORY")
            db.execute("PRAGMA cache_size=-16000")
            cases = measure(base, token, db, user_id, args.requests, floors)
            parlour_albums = bare_albums(db, user_id)

    for case in cases:
        say(
            f"{case.name}: API median {ms(case.api.median_ms)}, p95 {ms(case.api.p95_ms)}"
            f"{case.api.note()}; bare SQL median {ms(case.bare.median_ms)}, "
            f"p95 {ms(case.bare.p95_ms)}{case.bare.note()}; "
            f"API/bare {case.ratio:.2f}x median, {case.ratio_p95:.2f}x p95 "
            f"(target <= {TARGET_RATIO:.0f}x and p95 < {TARGET_P95_MS:.0f} ms: {case.verdict()})"
        )
    album_case = cases[0]
    if isinstance(supysonic, Install):
        versus = supysonic_case(supysonic, music, data_dir / "supysonic", args.requests)
        versus.check_against(parlour_albums)
        say(versus.line(album_case))
    else:
        say(f"Supysonic: {supysonic}")

    load_after = os.getloadavg()[0]
    command = ["python", "bench/api.py", "--tracks", str(args.tracks)]
    command += ["--requests", str(args.requests), "--films", str(args.films)]
    if args.supysonic_python is not None:
        command += ["--supysonic-python", str(args.supysonic_python)]
    say("\n---- summary (paste into bench/RESULTS.md) ----")
    say_provenance(command)
    say(
        f"Method: {args.tracks} tracks and {args.films} films scanned into a fresh catalogue; "
        f"`parlour serve --no-watch` on {HOSTNAME}; one keep-alive httpx client as a plain "
        "user granted both libraries, "
        f"sequential; {WARMUP} warm-up then {args.requests} timed requests per case; bare SQL is "
        "the same SELECTs (count and page) through stdlib sqlite3 on the same file  "
    )
    if isinstance(supysonic, Install):
        say(
            f"Supysonic {supysonic.version} (Python {supysonic.python_version}, own venv, "
            f"SQLite, `supysonic-server --server {supysonic.server}` on {HOSTNAME}), after "
            f"Parlour's server stopped, on the same music; setup, not measured: "
            f"{versus.setup.describe()}; then `getAlbumList2?type=alphabeticalByName&size="
            f"{ALBUM_PAGE}&f=json` timed like (a), {versus.auth}  "
        )
    say(f"1-minute load average {load_before:.2f} before, {load_after:.2f} after")
    say("")
    say("| case | API median | API p95 | bare SQL median | bare SQL p95 | API/bare (median) |")
    say("|---|---|---|---|---|---|")
    for case in cases:
        say(
            f"| {case.name} | {ms(case.api.median_ms)} | {ms(case.api.p95_ms)}{case.api.note()} "
            f"| {ms(case.bare.median_ms)} | {ms(case.bare.p95_ms)}{case.bare.note()} "
            f"| {case.ratio:.2f}x ({case.verdict()}) |"
        )
    for name, floor in floors:
        say(f"| request floor: {name} | {ms(floor.median_ms)} | {ms(floor.p95_ms)} | | | |")
    if isinstance(supysonic, Install):
        say(versus.row(album_case))
    else:
        say(f"| Supysonic | {supysonic} | | | | |")
    return 0


# --- Supysonic, on the same music --------------------------------------------------------


@dataclass(slots=True)
class Versus:
    """Supysonic's getAlbumList2 timed like Parlour's album list, and what setting it up took."""

    install: Install
    timing: Timing
    setup: Setup
    albums: int  # in the page
    auth: str

    def check_against(self, parlour_albums: int) -> None:
        if self.setup.albums != parlour_albums:
            say(
                f"WARNING: Supysonic found {self.setup.albums} albums, Parlour "
                f"{parlour_albums}: the pages are not the same work"
            )

    def ratio(self, parlour: Case) -> float:
        """Parlour's album-list median over Supysonic's: below 1, Parlour is faster."""
        return parlour.api.median_ms / self.timing.median_ms

    def faster(self, parlour: Case) -> str:
        ratio = self.ratio(parlour)
        if ratio < 1:
            return f"Parlour {1 / ratio:.1f}x faster"
        return f"Supysonic {ratio:.1f}x faster"

    def line(self, parlour: Case) -> str:
        return (
            f"Supysonic {self.install.version}: getAlbumList2 size={ALBUM_PAGE} "
            f"({self.albums} of {self.setup.albums} albums) median {ms(self.timing.median_ms)}, "
            f"p95 {ms(self.timing.p95_ms)}{self.timing.note()}; Parlour (a) median "
            f"{ms(parlour.api.median_ms)}; Parlour/Supysonic {self.ratio(parlour):.3f}x median: "
            f"{self.faster(parlour)}"
        )

    def row(self, parlour: Case) -> str:
        return (
            f"| Supysonic {self.install.version}: getAlbumList2, {self.albums} of "
            f"{self.setup.albums} albums by name | {ms(self.timing.median_ms)} "
            f"| {ms(self.timing.p95_ms)}{self.timing.note()} | | "
            f"| Parlour (a) / Supysonic {self.ratio(parlour):.3f}x median "
            f"({self.faster(parlour)}) |"
        )


def supysonic_case(install: Install, music: Path, scratch: Path, n: int) -> Versus:
    """Set Supysonic up on ``music`` (timed apart), then time its album list like (a)."""
    say(f"Supysonic: setting up in {scratch} (config, user, folder, scan: setup)")
    with Supysonic(install, music, scratch) as server:
        server.say_started()
        wanted = len(server.checked_album_list(ALBUM_PAGE))

        def one(_index: int) -> int:
            got = len(server.album_list(ALBUM_PAGE))
            if got != wanted:
                raise SystemExit(f"Supysonic getAlbumList2: {got} albums, expected {wanted}")
            return got

        timing = timed(one, n)
    say(f"Supysonic: server stopped (exit code {server.stop()})")
    return Versus(install, timing, server.setup, wanted, server.auth_note)


if __name__ == "__main__":
    sys.exit(main())
