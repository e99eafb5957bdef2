"""Search as you type in a real browser (issue 6): the header's box finds a track, which
plays from the results or opens its album; results come grouped by kind, each leading to
its page; and fast typing neither flashes "Loading…" nor leaves stale results."""

from web.conftest import DESKTOP, PHONE, Requests, WebServer, screenshot, sign_in

AUDIO = "document.querySelector('#player-bar audio')"
TITLE = "document.querySelector('#player-bar .np-title').textContent"


def _type(page: object, text: str) -> None:
    box = page.get_by_role("searchbox", name="Search")
    box.fill("")
    box.press_sequentially(text, delay=30)


def test_search_finds_a_track_that_plays_and_opens_its_album(
    page_and_requests: tuple[object, Requests], web_server: WebServer
) -> None:
    page, seen = page_and_requests
    sign_in(page, "alice")
    _type(page, "sea gla")
    tracks = page.get_by_role("region", name="Tracks")
    tracks.get_by_role("button", name="Play Sea Glass Summer").wait_for()
    page.get_by_role("status").filter(has_text="“sea gla”").wait_for()
    screenshot(page, "search-results-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "search-results-phone")
    page.set_viewport_size(DESKTOP)

    tracks.get_by_role("button", name="Play Sea Glass Summer").click()
    page.wait_for_function(
        f"() => {TITLE} === 'Sea Glass Summer' && !{AUDIO}.paused && {AUDIO}.currentTime > 0"
    )
    # What the hit did not say (artist, album, cover) the player found out itself.
    bar = page.get_by_role("region", name="Player")
    bar.get_by_text("Tidepool Static").wait_for()
    assert page.evaluate("() => navigator.mediaSession.metadata.album") == "Brackish"

    tracks.get_by_role("button", name="Open the album of Sea Glass Summer").click()
    page.get_by_role("heading", name="Brackish", level=1).wait_for()
    assert page.get_by_role("searchbox", name="Search").input_value() == ""
    assert seen.foreign(web_server.base) == []


def test_results_are_grouped_by_kind_and_lead_to_their_pages(
    page_and_requests: tuple[object, Requests],
) -> None:
    page, _ = page_and_requests
    sign_in(page, "alice")
    _type(page, "tidepool")
    for group in ("Artists", "Albums", "Tracks"):
        page.get_by_role("region", name=group).wait_for()
    headings = page.locator(".search-results h2").all_inner_texts()
    order = [text.split(" (")[0] for text in headings]
    assert order.index("Artists") < order.index("Albums") < order.index("Tracks")
    page.get_by_role("region", name="Artists").get_by_role("link", name="Tidepool Static").click()
    page.get_by_role("heading", name="Tidepool Static", level=1).wait_for()

    _type(page, "quillon")
    page.get_by_role("region", name="Shows").get_by_role("link", name="Quillon Bay").wait_for()
    episodes = page.get_by_role("region", name="Episodes")
    assert episodes.get_by_role("link").count() >= 2

    _type(page, "paper comets")
    films = page.get_by_role("region", name="Films")
    films.get_by_role("link", name="Paper Comets").click()
    page.wait_for_url("**#/films/**")


def test_typing_fast_shows_only_the_latest_results_without_flashing(
    page_and_requests: tuple[object, Requests],
) -> None:
    page, _ = page_and_requests
    sign_in(page, "alice")
    _type(page, "b")
    page.locator(".search-results .hit").first.wait_for()
    # From now on, every frame the browser draws is looked at for a "Loading…" line.
    page.evaluate(
        """() => {
            window.flashes = 0;
            const look = () => {
                if (document.querySelector('main .loading')) window.flashes += 1;
                window.looking = requestAnimationFrame(look);
            };
            look();
        }"""
    )
    box = page.get_by_role("searchbox", name="Search")
    box.press_sequentially("arnacle", delay=0)
    page.get_by_role("status").filter(has_text="for “barnacle”").wait_for()
    titles = page.locator(".search-results .hit-title").all_inner_texts()
    assert titles == ["Barnacle Choir"]
    assert (
        page.evaluate("() => { cancelAnimationFrame(window.looking); return window.flashes; }") == 0
    )

    box.fill("zzzqqq")
    page.get_by_role("status").filter(has_text="Nothing found for “zzzqqq”").wait_for()
    assert page.locator(".search-results .hit").count() == 0
