"""Lists of thousands scroll smoothly (issue 6), proven in Chromium on a server of its own:
3,000 films (one tiny film, hard-linked under 3,000 names) and a folder of 1,000 photos
(one tiny JPEG, hard-linked). Scrolling to the end, with End held down for most of the
way (the window is back at the bottom in the very frame a page arrives: both lists used
to stop there, waiting for a scroll) and then End, PageDown and the mouse wheel, loads
every page once, in order; every item is in the grid exactly once; the last one is
reached and on screen; pictures load only near the window; and the page still answers
at the end. No timing is asserted: the benchmark (bench/ui_scale.py) measures the cost."""

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import imageio_ffmpeg
import pytest
from PIL import Image

from support import Account, ServerProcess, serve_libraries
from web.conftest import ARTIFACTS, DESKTOP, PASSWORDS, Requests

FILMS = 3000
FILM_PAGE = 60  # views/films.js asks for pages of this many
PHOTOS = 1000
PHOTO_PAGE = 100  # views/photos/common.js
FOLDER = "Big Holiday"
# Every wait for the page is bounded; each step of a scroll loop is one key or wheel.
STEP_TIMEOUT_MS = 15_000
KEYED_PAGES = 3  # the last pages of a list come by keys and the wheel, the rest by a held End
CARDS = "[aria-label=Films] [role=listitem]"
THUMBS = ".photo-grid [role=listitem]"
MOVIES = r"^/api/v1/movies$"
FOLDERS = r"^/api/v1/folders/[^/]+$"
ARTWORK = r"^/api/v1/artwork/"
PICTURE = r"^/api/v1/items/[^/]+/image$"
ON_SCREEN = """node => {
  const box = node.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= innerHeight;
}"""


def film_title(number: int) -> str:
    return f"Film {number:04d}"


@dataclass
class BigServer:
    process: ServerProcess
    headers: dict[str, str]  # alice's

    @property
    def base(self) -> str:
        return self.process.base

    def get(self, path: str) -> Any:
        answer = httpx.get(self.base + path, headers=self.headers, timeout=30)
        answer.raise_for_status()
        return answer.json()

    def folder_id(self) -> str:
        """The id of the folder of photos."""
        library = next(lib for lib in self.get("/api/v1/libraries") if lib["kind"] == "photos")
        root = self.get(f"/api/v1/libraries/{library['id']}/folders")["items"][0]
        return str(self.get(f"/api/v1/folders/{root['id']}?limit=1")["folders"][0]["id"])


def _tiny_film(path: Path) -> None:
    """Two seconds of one colour at a frame a second: made in a few milliseconds."""
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-y", "-loglevel", "error",
         "-f", "lavfi", "-i", "color=c=navy:s=64x36:r=1:d=2",
         "-c:v", "libx264", "-g", "1", "-pix_fmt", "yuv420p", str(path)],
        check=True,
        timeout=60,
    )  # fmt: skip


@pytest.fixture(scope="module")
def big_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BigServer]:
    """Its own server: "Many films" (3,000 films, years 1950-2019) and "Many photos" (one
    folder of 1,000 photos), granted to alice; the same file under every name. Each film
    has a poster and fan art beside it, as a Kodi or Jellyfin library has: without a
    poster a card shows a frame of the film, an ffmpeg run each."""
    work = tmp_path_factory.mktemp("scale")
    film = work / "film.mp4"
    _tiny_film(film)
    poster, fanart = work / "poster.jpg", work / "fanart.jpg"
    Image.new("RGB", (32, 48), (120, 40, 40)).save(poster, quality=70)
    Image.new("RGB", (64, 36), (40, 40, 120)).save(fanart, quality=70)
    films = work / "films"
    films.mkdir()
    for number in range(1, FILMS + 1):
        name = f"{film_title(number)} ({1950 + number % 70})"
        os.link(film, films / f"{name}.mp4")
        os.link(poster, films / f"{name}-poster.jpg")
        os.link(fanart, films / f"{name}-fanart.jpg")
    photo = work / "photo.jpg"
    Image.new("RGB", (48, 32), (40, 90, 140)).save(photo, quality=70)
    photos = work / "photos" / FOLDER
    photos.mkdir(parents=True)
    for number in range(1, PHOTOS + 1):
        os.link(photo, photos / f"IMG_{number:04d}.jpg")
    libraries = {"Many films": ("movies", films), "Many photos": ("photos", photos.parent)}
    accounts = [
        Account("root", PASSWORDS["root"], admin=True),  # with no admin, "/" is the first-run setup
        Account("alice", PASSWORDS["alice"], tuple(libraries)),
    ]
    with serve_libraries(work / "data", libraries, accounts) as (process, headers):
        yield BigServer(process, headers["alice"])


@pytest.fixture
def big_page(browser: Any, big_server: BigServer) -> Iterator[tuple[Any, Requests]]:
    """A fresh desktop-sized context on the big server signed in as alice, and every URL
    it asks for. Signed in through the API (the form has tests of its own), so that no
    home page asks for posters before the list does."""
    answer = httpx.post(
        big_server.base + "/api/v1/auth/login",
        json={"username": "alice", "password": PASSWORDS["alice"], "cookie": True},
        timeout=30,
    )
    answer.raise_for_status()
    context = browser.new_context(base_url=big_server.base, viewport=DESKTOP)
    context.add_cookies(
        [
            {"name": name, "value": value, "url": big_server.base}
            for name, value in answer.cookies.items()
        ]
    )
    page = context.new_page()
    seen = Requests()
    page.on("request", lambda request: seen.urls.append(request.url))
    page.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        yield page, seen
    finally:
        context.close()
    assert seen.foreign(big_server.base) == [], "the page reached another origin"


def _screenshot(page: Any, name: str) -> None:
    """The window only: the whole page of thousands is too tall for one picture."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _matching(urls: list[str], pattern: str) -> list[str]:
    return [url for url in urls if re.search(pattern, urlsplit(url).path)]


# Once the window has stopped moving (keys and the wheel scroll smoothly, over several
# frames) and two frames more (the page's observers have seen where it is), what the list
# holds, and whether the window is at its end.
_LOOK = """async ([items, finished]) => {
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  let last = null;
  for (let i = 0; i < 1000 && scrollY !== last; i++) {
    last = scrollY;
    await frame();
    await frame();
  }
  await frame();
  await frame();
  const bottom = scrollY + innerHeight >= document.documentElement.scrollHeight - 2;
  const count = document.querySelectorAll(items).length;
  return { count, end: bottom && count >= finished };
}"""

# A held End key: the window goes to the bottom on every frame, so it is there again in
# the very frame a page arrives, until the list holds `wanted` items, or until no item
# has come for `patience` frames (a list that stopped asking for pages).
_HOLD_END = """async ([items, wanted, patience]) => {
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  let count = document.querySelectorAll(items).length;
  for (let still = 0; count < wanted && still < patience; still++) {
    window.scrollTo(0, document.documentElement.scrollHeight);
    await frame();
    const now = document.querySelectorAll(items).length;
    if (now > count) still = 0;
    count = now;
  }
  return count;
}"""
PATIENCE_FRAMES = 1200


def _hold_end(page: Any, items: str, wanted: int) -> int:
    """How many ``items`` the list holds once a held End key has brought ``wanted``."""
    return int(page.evaluate(_HOLD_END, [items, wanted, PATIENCE_FRAMES]))


def _scroll_to_the_end(
    page: Any, seen: Requests, items: str, total: int, pages: str, steps: int
) -> None:
    """End, End, PageDown and the mouse wheel in turn until the list holds ``total``
    ``items`` (a selector) and the window is at the bottom; at most ``steps`` of them.
    After each End, and after a key or turn that asked for a page of the list (a request
    whose path matches ``pages``), wait until the next page is in the grid."""
    page.mouse.move(DESKTOP["width"] / 2, DESKTOP["height"] / 2)
    look = page.evaluate(_LOOK, [items, total])
    for step in range(steps):
        if look["end"]:
            return
        asked, before = len(seen.urls), look["count"]
        if step % 4 == 2:
            page.keyboard.press("PageDown")
        elif step % 4 == 3:
            page.mouse.wheel(0, 2500)
        else:
            page.keyboard.press("End")
        look = page.evaluate(_LOOK, [items, total])
        # End takes the window to the bottom, so the next page must come; after PageDown
        # or the wheel, only if the turn asked for one.
        if before < total and (step % 4 < 2 or _matching(seen.urls[asked:], pages)):
            page.wait_for_function(
                "([items, count]) => document.querySelectorAll(items).length > count",
                arg=[items, before],
            )
            look = page.evaluate(_LOOK, [items, total])
    raise AssertionError(f"not at the end after {steps} keys and wheel turns")


def test_three_thousand_films_scroll_to_the_end_each_once(big_page: tuple[Any, Requests]) -> None:
    page, seen = big_page
    page.goto("/#/films")
    films = page.get_by_role("list", name="Films")
    films.get_by_role("link", name=re.compile(f"^{film_title(1)}")).wait_for()
    status = page.locator(".paged .count")
    assert status.text_content() == f"{FILMS} titles, {FILM_PAGE} shown"
    # At the top: one page of cards, and posters only for those near the window.
    page.evaluate(_LOOK, [CARDS, FILMS])
    assert films.get_by_role("listitem").count() == FILM_PAGE
    posters_at_top = len(_matching(seen.urls, ARTWORK))
    assert 0 < posters_at_top <= FILM_PAGE < FILMS / 20

    # Most of the way with End held down, the rest with keys and the wheel.
    keyed = FILMS - KEYED_PAGES * FILM_PAGE
    assert _hold_end(page, CARDS, keyed) >= keyed, "the grid stopped asking for pages"
    _scroll_to_the_end(page, seen, CARDS, FILMS, MOVIES, steps=8 * KEYED_PAGES)

    # Every film once, in title order, from one request a page, each for the next page.
    assert status.text_content() == f"{FILMS} titles"
    # (CSS selectors over thousands: a role or a name is worked out for each element.)
    cards = page.locator(CARDS)
    titles = cards.locator("a.card .title").all_text_contents()  # textContent: see test_video
    assert titles == [film_title(number) for number in range(1, FILMS + 1)]
    assert cards.count() == FILMS
    asked = _matching(seen.urls, MOVIES)
    cursors = [parse_qs(urlsplit(url).query).get("cursor", [""])[0] for url in asked]
    assert len(asked) == -(-FILMS // FILM_PAGE)
    assert cursors[0] == "" and len(set(cursors)) == len(asked)
    # The last film is on screen, and so is the end of the list.
    last = cards.last.locator("a.card")
    assert last.locator(".title").text_content() == film_title(FILMS)
    assert last.evaluate(ON_SCREEN)
    assert page.locator(".paged").evaluate(
        "node => node.getBoundingClientRect().bottom <= innerHeight"
    )
    # Posters came only for the cards the window passed, each asked for once.
    posters = _matching(seen.urls, ARTWORK)
    assert len(posters) == len(set(posters)) <= FILMS
    _screenshot(page, "films-3000-end")

    # Still answering at the end: the search box takes text and finds a film.
    search = page.get_by_role("searchbox", name="Search")
    search.fill(film_title(2999))
    page.get_by_role("region", name="Films").get_by_role(
        "link", name=re.compile(f"^{film_title(2999)}")
    ).wait_for()
    assert search.input_value() == film_title(2999)


# The card that has the focus, two frames after the key (the browser has drawn the chunk
# it is in): its title, where it sits, which chunk of the grid holds it, and whether it is
# wholly in sight (not under the sticky top bar nor past the window's edge).
_FOCUSED_CARD = """async () => {
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  await frame();
  await frame();
  const card = document.activeElement.closest("a.card");
  if (!card) return null;
  const box = card.getBoundingClientRect();
  const x = box.left + box.width / 2;
  const sees = (y) => card.contains(document.elementFromPoint(x, y));
  const chunk = card.closest(".chunk");
  return {
    title: card.querySelector(".title").textContent,
    x: Math.round(box.left),
    chunk: [...chunk.parentElement.querySelectorAll(":scope > .chunk")].indexOf(chunk),
    seen: sees(box.top + 2) && sees(box.bottom - 2),
  };
}"""
# The cards in the grid's first row: those as high as the first.
_COLUMNS = """() => {
  const cards = [...document.querySelectorAll("[aria-label=Films] a.card")];
  const top = cards[0].getBoundingClientRect().top;
  return cards.filter((card) => card.getBoundingClientRect().top === top).length;
}"""
CHUNK_ROWS = 6  # components.js: the rows of a chunk of the grid


def test_the_arrow_keys_go_through_the_film_grid_by_rows_and_columns(
    big_page: tuple[Any, Requests],
) -> None:
    """A TV remote's arrows on the grid of 3,000: right and left along a row, down row by
    row across the end of the first chunk into the next and back up, each time onto the
    card in the same column, which comes into sight; and down from the first chunk's last
    row while the next chunk is not drawn at all (the browser skips it off screen)."""
    page, _ = big_page
    page.goto("/#/films")
    films = page.get_by_role("list", name="Films")
    films.get_by_role("link", name=re.compile(f"^{film_title(1)}")).wait_for()
    page.evaluate(_LOOK, [CARDS, FILMS])
    # The route's change put the focus on <main> (tabindex -1): after a key that scrolls,
    # it is :focus-visible, yet it is no control and draws no ring.
    page.keyboard.press("PageDown")
    page.evaluate(_LOOK, [CARDS, FILMS])  # the page's smooth scroll over before the arrows
    ring = page.evaluate(
        """() => { const main = document.activeElement; const style = getComputedStyle(main);
        return [main.tagName, main.matches(":focus-visible"), style.outlineStyle]; }"""
    )
    assert ring == ["MAIN", True, "none"]
    columns = page.evaluate(_COLUMNS)
    rows = CHUNK_ROWS + 1
    assert columns >= 2 and rows * columns <= FILM_PAGE, "the premise: 7 rows in the first page"
    cards = page.locator(CARDS).locator("a.card")

    def press(key: str, number: int) -> dict[str, Any]:
        """``key``; the focused card, which must be film ``number`` (from 1), in sight."""
        page.keyboard.press(key)
        found: dict[str, Any] = page.evaluate(_FOCUSED_CARD)
        assert found is not None and found["title"] == film_title(number), (key, found)
        assert found["seen"], f"film {number} is not in sight after {key}"
        return found

    cards.nth(0).focus()
    second = press("ArrowRight", 2)
    start = press("ArrowLeft", 1)
    assert second["x"] > start["x"]
    second = press("ArrowRight", 2)
    for row in range(1, rows):
        below = press("ArrowDown", 2 + row * columns)
        assert below["x"] == second["x"] and below["chunk"] == row // CHUNK_ROWS
    assert below["chunk"] == 1, "the premise: the last move went into the second chunk"
    for row in range(rows - 2, -1, -1):
        above = press("ArrowUp", 2 + row * columns)
        assert above["x"] == second["x"]
    assert above["chunk"] == 0

    # At the top again, the focus on the first chunk's last row and the next chunk not drawn.
    page.evaluate("() => window.scrollTo(0, 0)")
    last_row = 3 + (CHUNK_ROWS - 1) * columns
    cards.nth(last_row - 1).evaluate("card => card.focus({ preventScroll: true })")
    # The premise: the second chunk is skipped while off screen. The browser decides that
    # at its next rendering after the scroll, so wait for it (bounded by the timeout).
    page.wait_for_function(
        "card => !card.checkVisibility({ contentVisibilityAuto: true })",
        arg=cards.nth(last_row - 1 + columns).element_handle(),
        timeout=10_000,
    )
    below = press("ArrowDown", last_row + columns)
    assert below["chunk"] == 1
    assert press("ArrowUp", last_row)["chunk"] == 0


def test_a_thousand_photos_scroll_to_the_end_each_once(
    big_page: tuple[Any, Requests], big_server: BigServer
) -> None:
    page, seen = big_page
    page.goto(f"/#/folders/{big_server.folder_id()}")
    page.get_by_role("heading", name=f"{FOLDER} · {PHOTOS} photos").wait_for()
    grid = page.get_by_role("list", name=f"Photos in {FOLDER}")
    page.evaluate(_LOOK, [THUMBS, PHOTOS])
    assert grid.get_by_role("listitem").count() == PHOTO_PAGE
    thumbs_at_top = len(_matching(seen.urls, PICTURE))
    assert 0 < thumbs_at_top <= PHOTO_PAGE < PHOTOS / 5

    keyed = PHOTOS - KEYED_PAGES * PHOTO_PAGE
    assert _hold_end(page, THUMBS, keyed) >= keyed, "the folder stopped asking for pages"
    _scroll_to_the_end(page, seen, THUMBS, PHOTOS, FOLDERS, steps=8 * KEYED_PAGES)

    shown = grid.locator("button.thumb").evaluate_all("nodes => nodes.map(n => n.dataset.photo)")
    assert len(shown) == PHOTOS and len(set(shown)) == PHOTOS
    asked = [url for url in _matching(seen.urls, FOLDERS) if "cursor=" in url]
    assert len(asked) == len(set(asked)) == -(-PHOTOS // PHOTO_PAGE) - 1
    assert grid.locator("button.thumb").last.evaluate(ON_SCREEN)
    thumbs = _matching(seen.urls, PICTURE)
    assert len(thumbs) == len(set(thumbs)) <= PHOTOS
    _screenshot(page, "photos-1000-end")

    # Still answering at the end: the last photo opens, and the keyboard goes back from it.
    grid.locator("button.thumb").last.click()
    viewer = page.get_by_role("dialog")
    viewer.wait_for()
    assert viewer.get_attribute("data-photo") == shown[-1]
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        "id => document.querySelector('dialog[open]').dataset.photo === id", arg=shown[-2]
    )
