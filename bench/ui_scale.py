"""Web UI at scale: a grid of thousands of films and a folder of thousands of photos in
Debian's headless Chromium, against plain pages of as many items in the same run.

    python bench/ui_scale.py                  # 3000 films, 2000 photos, 3 rounds
    python bench/ui_scale.py --films 5000 --photos 0 --rounds 5 --keep

Setup, not measured (its times are printed): one tiny film made with ffmpeg, hard-linked
under --films names with a poster and fan art beside each (as a Kodi or Jellyfin library
has them), and one small JPEG hard-linked --photos times into one folder; both scanned
in-process into a fresh catalogue; a user granted both; `parlour serve --no-watch` on a
free port of 127.0.0.1.

Each round, for each list, opens a fresh browser context (no cache) at 1366x850, signed
in by cookie, and measures:
  first page  from the list's route (the app's start included) until its first item
              is visible
  to the end  from there, End held down (the window sent to the bottom on every frame)
              until every item is in and the window is at the end; the pages and the
              pictures asked for on the way. A list that stops asking for pages while
              End is held is reported as stalled, and its "Load more" button brings the
              rest, so that the frames below are still measured
  frames      with every item in, a scroll from the top to the end at SCROLL_PX a frame:
              the time between frames (median, 95th percentile) and the renderer's
              main-thread time per frame (from a Chromium trace)
against two baselines measured in the same run:
  early pages the time a page takes while End is held, over the last EDGE_PAGES pages
              against the first EDGE_PAGES: near 1 when the list costs no more to grow
              at its end than at its start
  plain page  the same scroll over a page of as many plain items (the app's markup and
              style sheets, no pictures, no script) that the browser fetches from the
              server's origin (Playwright answers it: the server itself serves only the app)
It prints medians over the rounds and a Markdown summary for bench/RESULTS.md.
"""

import argparse
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

import httpx
import orjson
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright

from parlour.app import build
from parlour.domain.accounts import HOST
from parlour.media.ffmpeg import find_ffmpeg
from parlour.settings import load_settings
from report import (
    CHROMIUM,
    CHROMIUM_ARGS,
    HOSTNAME,
    cpu_model,
    free_port,
    say,
    source_version,
    start_server,
    stop_server,
    wait_ready,
)

VIEWPORT = {"width": 1366, "height": 850}
USER = ("viewer", "bench-viewer-password")
FOLDER = "Holiday"
STEP_TIMEOUT_MS = 120_000
PATIENCE_FRAMES = 600  # frames with End held and no new item: the list has stalled
MAX_FRAMES = 20_000  # a bound on every in-page loop
SCROLL_PX = 200  # a brisk flick: 12,000 px a second at 60 frames a second


@dataclass(frozen=True)
class ListCase:
    name: str
    total: int
    route: str
    items: str  # selector of the list's items
    more: str  # selector of its "Load more" button
    pages: str  # regular expression of the path of a page of the list
    pictures: str  # and of a picture in it
    plain: str  # the markup of one item of the plain page, {n} its number
    plain_list: str  # the plain page's list element, {items} its content


@dataclass
class Round:
    first_s: float
    end_s: float
    arrivals_s: list[float]  # when each page came in while End was held
    pages: int
    pictures: int
    stalled_at: int | None
    frames: "Frames"


@dataclass
class Frames:
    gaps_ms: list[float] = field(default_factory=list)
    main_ms: float = 0.0  # the renderer's main thread, busy, over the scroll

    @property
    def median(self) -> float:
        return statistics.median(self.gaps_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.gaps_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]

    @property
    def main_per_frame(self) -> float:
        return self.main_ms / max(1, len(self.gaps_ms))


# --- the library, the catalogue and the server ----------------------------------------------


def make_library(work: Path, films: int, photos: int) -> tuple[Path, Path]:
    """One film, poster, fan art and photo, hard-linked under many names."""
    started = time.perf_counter()
    film = work / "film.mp4"
    subprocess.run(
        [find_ffmpeg(), "-nostdin", "-y", "-loglevel", "error",
         "-f", "lavfi", "-i", "color=c=navy:s=64x36:r=1:d=2",
         "-c:v", "libx264", "-g", "1", "-pix_fmt", "yuv420p", str(film)],
        check=True,
        timeout=120,
    )  # fmt: skip
    poster, fanart, photo = work / "poster.jpg", work / "fanart.jpg", work / "photo.jpg"
    Image.new("RGB", (32, 48), (120, 40, 40)).save(poster, quality=70)
    Image.new("RGB", (64, 36), (40, 40, 120)).save(fanart, quality=70)
    Image.new("RGB", (48, 32), (40, 90, 140)).save(photo, quality=70)
    film_root = work / "films"
    film_root.mkdir()
    for number in range(1, films + 1):
        name = f"Film {number:04d} ({1950 + number % 70})"
        os.link(film, film_root / f"{name}.mp4")
        os.link(poster, film_root / f"{name}-poster.jpg")
        os.link(fanart, film_root / f"{name}-fanart.jpg")
    photo_root = work / "photos"
    (photo_root / FOLDER).mkdir(parents=True)
    for number in range(1, photos + 1):
        os.link(photo, photo_root / FOLDER / f"IMG_{number:04d}.jpg")
    say(f"library: {films} films and {photos} photos made in {time.perf_counter() - started:.1f} s")
    return film_root, photo_root


def catalogue(data_dir: Path, film_root: Path, photo_root: Path, photos: int) -> None:
    app = build(load_settings(data_dir))
    try:
        names = ["Films"]
        app.libraries.add(HOST, "movies", str(film_root), "Films")
        if photos:
            app.libraries.add(HOST, "photos", str(photo_root), "Photos")
            names.append("Photos")
        started = time.perf_counter()
        summary = app.scanner.scan()
        say(f"scan: {time.perf_counter() - started:.1f} s (setup, not measured): {summary}")
        if summary.failures:
            raise SystemExit(f"the scan failed on some files: {summary.failures[:5]}")
        app.accounts.add_user(HOST, USER[0], USER[1], admin=True)  # no first-run setup page
        app.accounts.grant(HOST, USER[0], names)
    finally:
        app.close()


def session(base: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The browser's session cookies, and bearer headers for the set-up calls."""
    body = {"username": USER[0], "password": USER[1]}
    answer = httpx.post(base + "/api/v1/auth/login", json={**body, "cookie": True}, timeout=30)
    answer.raise_for_status()
    cookies = [{"name": k, "value": v, "url": base} for k, v in answer.cookies.items()]
    token = httpx.post(base + "/api/v1/auth/login", json=body, timeout=30).json()["token"]
    return cookies, {"Authorization": f"Bearer {token}"}


def folder_route(base: str, headers: dict[str, str]) -> str:
    def get(path: str) -> Any:
        answer = httpx.get(base + path, headers=headers, timeout=30)
        answer.raise_for_status()
        return answer.json()

    library = next(lib for lib in get("/api/v1/libraries") if lib["kind"] == "photos")
    root = get(f"/api/v1/libraries/{library['id']}/folders")["items"][0]
    folder = get(f"/api/v1/folders/{root['id']}?limit=1")["folders"][0]
    return f"/#/folders/{folder['id']}"


# --- in the browser ----------------------------------------------------------------------

# End held down: the window to the bottom on every frame, until every item is in and the
# window is at the end, or until no item has come for `patience` frames.
TO_THE_END = """async ([items, total, patience, most]) => {
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  const started = performance.now();
  let count = document.querySelectorAll(items).length;
  const arrivals = [];  // when each page came in, from the start
  let still = 0;
  for (let i = 0; i < most && still < patience; i++) {
    window.scrollTo({ top: document.documentElement.scrollHeight, behavior: "instant" });
    await frame();
    const now = document.querySelectorAll(items).length;
    if (now > count) arrivals.push(performance.now() - started);
    still = now > count ? 0 : still + 1;
    count = now;
    const bottom = scrollY + innerHeight >= document.documentElement.scrollHeight - 2;
    if (count >= total && bottom) break;
  }
  return { ms: performance.now() - started, count, arrivals };
}"""

# The "Load more" button until it is gone (a stalled list's rest).
LOAD_THE_REST = """async ([items, more, most]) => {
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  for (let i = 0; i < most; i++) {
    const button = document.querySelector(more);
    if (!button || button.hidden) break;
    if (!button.disabled) button.click();
    await frame();
  }
  return document.querySelectorAll(items).length;
}"""

# From the top to the end, SCROLL_PX a frame: the time between frames.
SCROLL = """async ([step, most]) => {
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  window.scrollTo({ top: 0, behavior: "instant" });
  for (let i = 0; i < 30; i++) await frame();
  const gaps = [];
  let last = performance.now();
  for (let i = 0; i < most; i++) {
    if (scrollY + innerHeight >= document.documentElement.scrollHeight - 1) break;
    window.scrollBy({ top: step, behavior: "instant" });
    await frame();
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }
  return gaps;
}"""


TASKS = ("RunTask", "ThreadControllerImpl::RunTask")


def main_thread_ms(trace: bytes) -> float:
    """The busiest renderer main thread's busy time in a trace (its tasks, merged)."""
    events = orjson.loads(trace)
    events = events["traceEvents"] if isinstance(events, dict) else events
    mains = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name"
        and e.get("args", {}).get("name") == "CrRendererMain"
    }  # fmt: skip
    spans: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for e in events:
        key = (e.get("pid"), e.get("tid"))
        if e.get("ph") == "X" and key in mains and e.get("name") in TASKS:
            spans.setdefault(key, []).append((e["ts"], e["ts"] + e.get("dur", 0)))  # type: ignore[index]
    busiest = 0.0
    for found in spans.values():
        total, end = 0.0, float("-inf")
        for start, stop in sorted(found):
            if stop > end:
                total += stop - max(start, end)
                end = stop
        busiest = max(busiest, total)
    return busiest / 1000


def scroll_frames(browser: Browser, page: Page) -> Frames:
    browser.start_tracing(page=page, categories=["toplevel", "devtools.timeline"])
    try:
        gaps = page.evaluate(SCROLL, [SCROLL_PX, MAX_FRAMES])
    finally:
        trace = browser.stop_tracing()
    return Frames([float(gap) for gap in gaps], main_thread_ms(trace))


def new_page(browser: Browser, base: str, cookies: list[dict[str, Any]]) -> Page:
    context = browser.new_context(base_url=base, viewport=VIEWPORT)  # type: ignore[arg-type]
    context.add_cookies(cookies)  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    return page


def measure_list(
    browser: Browser, base: str, cookies: list[dict[str, Any]], case: ListCase
) -> Round:
    page = new_page(browser, base, cookies)
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    try:
        started = time.perf_counter()
        page.goto(base + case.route, wait_until="commit")
        page.locator(case.items).first.wait_for(state="visible")
        first = time.perf_counter() - started
        reached = page.evaluate(TO_THE_END, [case.items, case.total, PATIENCE_FRAMES, MAX_FRAMES])
        stalled = None
        if reached["count"] < case.total:
            stalled = int(reached["count"])
            loaded = page.evaluate(LOAD_THE_REST, [case.items, case.more, MAX_FRAMES])
            if loaded < case.total:
                raise SystemExit(f"{case.name}: only {loaded} of {case.total} items came")
        paths = [re.sub(r"\?.*", "", url.split(base, 1)[-1]) for url in urls]
        pages = sum(1 for path in paths if re.search(case.pages, path))
        pictures = sum(1 for path in paths if re.search(case.pictures, path))
        frames = scroll_frames(browser, page)
    finally:
        page.context.close()
    arrivals = [float(at) / 1000 for at in reached["arrivals"]]
    return Round(first, reached["ms"] / 1000, arrivals, pages, pictures, stalled, frames)


EDGE_PAGES = 10


def early_and_late(rounds: list[Round]) -> tuple[float, float]:
    """The median time a page took while End was held: among the first EDGE_PAGES pages
    after the first, and among the last EDGE_PAGES."""
    early: list[float] = []
    late: list[float] = []
    for found in rounds:
        steps = [b - a for a, b in zip([0.0, *found.arrivals_s], found.arrivals_s, strict=False)]
        early += steps[:EDGE_PAGES]
        late += steps[-EDGE_PAGES:]
    return statistics.median(early or [0.0]), statistics.median(late or [0.0])


def plain_html(index: str, case: ListCase) -> str:
    """The app's style sheets around a list of ``case.total`` plain items."""
    sheets = "".join(re.findall(r'<link rel="stylesheet" href="[^"]+">', index))
    items = "".join(case.plain.format(n=n) for n in range(1, case.total + 1))
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>plain</title>'
        f'{sheets}</head><body><main id="main"><h1>{escape(case.name)}</h1>'
        f"{case.plain_list.format(items=items)}</main></body></html>"
    )


def measure_plain(browser: Browser, base: str, index: str, case: ListCase) -> Frames:
    page = new_page(browser, base, [])
    path = f"/bench-plain-{case.name}"
    html = plain_html(index, case)
    page.route(
        base + path, lambda route: route.fulfill(status=200, content_type="text/html", body=html)
    )
    try:
        page.goto(base + path)
        page.wait_for_load_state("load")
        return scroll_frames(browser, page)
    finally:
        page.context.close()


# --- the run -----------------------------------------------------------------------------


def cases(films: int, photos: int, folder: str) -> list[ListCase]:
    found = [
        ListCase(
            "films",
            films,
            "/#/films",
            "[aria-label=Films] [role=listitem]",
            ".paged .more",
            r"^/api/v1/movies$",
            r"^/api/v1/artwork/",
            '<div role="listitem"><a class="card poster" href="#"><span class="picture">'
            '<span class="placeholder">F</span></span><span class="title">Film {n:04d}</span>'
            '<span class="detail">1990</span></a></div>',
            '<div class="grid" role="list" aria-label="Films">{items}</div>',
        )
    ]
    if photos:
        found.append(
            ListCase(
                "photos",
                photos,
                folder,
                ".photo-grid [role=listitem]",
                ".ph-more",
                r"^/api/v1/folders/[^/]+$",
                r"^/api/v1/items/[^/]+/image$",
                '<div role="listitem"><button type="button" class="thumb"'
                ' aria-label="IMG_{n:04d}"></button></div>',
                '<div class="photo-grid" role="list" aria-label="Photos">{items}</div>',
            )
        )
    return found


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--films", type=int, default=3000)
    parser.add_argument("--photos", type=int, default=2000, help="0: no photos")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the work dir")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is needed (apt-get install chromium)")
    work = Path(tempfile.mkdtemp(prefix="parlour-ui-scale-")).resolve()
    server = None
    try:
        load_before = os.getloadavg()[0]
        if load_before > 1.0:
            say(f"WARNING: load average {load_before:.2f} at the start: other work skews this")
        film_root, photo_root = make_library(work, args.films, args.photos)
        data = work / "data"
        catalogue(data, film_root, photo_root, args.photos)
        port = free_port()
        base = f"http://{HOSTNAME}:{port}"
        log = work / "serve.log"
        server = start_server(data, port, log)
        wait_ready(server, base, log)
        cookies, headers = session(base)
        index = httpx.get(base + "/", timeout=30).text
        folder = folder_route(base, headers) if args.photos else ""
        lists = cases(args.films, args.photos, folder)
        measured: dict[str, list[Round]] = {case.name: [] for case in lists}
        plain: dict[str, list[Frames]] = {case.name: [] for case in lists}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for case in lists:  # warm the server's image cache, the page cache and Chromium
                measure_list(browser, base, cookies, case)
            for number in range(1, args.rounds + 1):
                for case in lists:
                    found = measure_list(browser, base, cookies, case)
                    measured[case.name].append(found)
                    plain[case.name].append(measure_plain(browser, base, index, case))
                    say(f"round {number}, {case.name}: {describe(case, [found])}")
            browser.close()
        load_after = os.getloadavg()[0]
        report(args, lists, measured, plain, load_before, load_after)
        return 0
    finally:
        if server is not None:
            stop_server(server)
        if args.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def describe(case: ListCase, rounds: list[Round]) -> str:
    first = statistics.median(r.first_s for r in rounds)
    end = statistics.median(r.end_s for r in rounds)
    pages = rounds[0].pages
    stalled = [r.stalled_at for r in rounds if r.stalled_at is not None]
    if stalled:
        return (
            f"first page {first * 1000:.0f} ms; STALLED with End held at {stalled[0]} of"
            f" {case.total} (the button brought the rest); {rounds[0].pictures} pictures"
        )
    early, late = early_and_late(rounds)
    return (
        f"first page {first * 1000:.0f} ms; End held to the end {end:.1f} s for {pages} pages"
        f" (a page: {early * 1000:.0f} ms early, {late * 1000:.0f} ms late),"
        f" {rounds[0].pictures} pictures"
    )


def report(
    args: argparse.Namespace,
    lists: list[ListCase],
    measured: dict[str, list[Round]],
    plain: dict[str, list[Frames]],
    load_before: float,
    load_after: float,
) -> None:
    command = ["python", "bench/ui_scale.py", "--films", str(args.films)]
    command += ["--photos", str(args.photos), "--rounds", str(args.rounds)]
    say("\n---- summary (paste into bench/RESULTS.md) ----")
    say(f"Command: `{shlex.join(command)}`  ")
    say(f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; source: {source_version()}  ")
    say(
        f"Machine: {os.cpu_count()} cores ({cpu_model()}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, Chromium headless (software rendering)  "
    )
    say(
        f"Method: medians of {args.rounds} rounds after one warm-up; fresh context each, "
        f"{VIEWPORT['width']}x{VIEWPORT['height']}; End held = the window to the bottom "
        f"every frame; frames = a scroll from the top to the end at {SCROLL_PX} px a frame "
        "with every item in; main thread = the renderer main thread's busy time from a "
        "Chromium trace, per frame  "
    )
    say(f"1-minute load average {load_before:.2f} before, {load_after:.2f} after")
    say("")
    say("| list | first page | End held to the end | a page early, late (late / early) |"
        " pictures asked | frame median (p95) | main thread a frame | plain page: frame"
        " median (p95), main thread | main thread / plain |")  # fmt: skip
    say("|---|---|---|---|---|---|---|---|---|")
    for case in lists:
        rounds = measured[case.name]
        first = statistics.median(r.first_s for r in rounds)
        end = statistics.median(r.end_s for r in rounds)
        early, late = early_and_late(rounds)
        median = statistics.median(r.frames.median for r in rounds)
        p95 = statistics.median(r.frames.p95 for r in rounds)
        main = statistics.median(r.frames.main_per_frame for r in rounds)
        bare = plain[case.name]
        bare_median = statistics.median(f.median for f in bare)
        bare_p95 = statistics.median(f.p95 for f in bare)
        bare_main = statistics.median(f.main_per_frame for f in bare)
        stalled = [r.stalled_at for r in rounds if r.stalled_at is not None]
        end_text = f"{end:.1f} s, {rounds[0].pages} pages"
        pace = f"{early * 1000:.0f} ms, {late * 1000:.0f} ms ({late / max(early, 1e-6):.2f})"
        if stalled:
            end_text, pace = f"STALLED at {stalled[0]}", "-"
        say(
            f"| {case.total} {case.name} | {first * 1000:.0f} ms | {end_text} | {pace} "
            f"| {rounds[0].pictures} "
            f"| {median:.1f} ms ({p95:.1f}) | {main:.1f} ms "
            f"| {bare_median:.1f} ms ({bare_p95:.1f}), {bare_main:.1f} ms "
            f"| {main / max(bare_main, 0.01):.2f} |"
        )


if __name__ == "__main__":
    sys.exit(main())
