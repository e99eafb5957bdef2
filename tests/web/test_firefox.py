"""The video player in Firefox, which has no HLS of its own (issue 6): the page asks for
fMP4 segments with the "firefox" profile and plays them through its own Media Source
Extensions loader (ui/views/video/mse.js). Debian's Firefox ESR, driven over WebDriver
BiDi; a film that Firefox cannot open as it is (Matroska) is remuxed, played, sought to
the middle and shown with subtitles, as in Chromium."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from web.conftest import Requests, WebServer, page_in, screenshot
from web.long_film import long_film
from web.test_video import FILM, sign_in_as, viewer

__all__ = ["viewer"]  # the fixture, shared with the Chromium tests


@pytest.fixture
def firefox_page(firefox: object, web_server: WebServer) -> Iterator[tuple[object, Requests]]:
    with page_in(firefox, web_server, timeout_ms=20_000) as opened:
        yield opened


def test_firefox_plays_a_remuxed_film_through_media_source_extensions(
    firefox_page: tuple[object, Requests], web_server: WebServer, viewer: str
) -> None:
    page, seen = firefox_page
    assert (
        page.evaluate(  # type: ignore[attr-defined]
            "() => document.createElement('video').canPlayType('application/vnd.apple.mpegurl')"
        )
        == ""
    )  # the premise: no native HLS here
    sign_in_as(page, viewer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Films").click()  # type: ignore[attr-defined]
    page.get_by_role("list", name="Films").get_by_role("link", name=FILM).click()  # type: ignore[attr-defined]
    page.get_by_role("heading", name=FILM, level=1).wait_for()  # type: ignore[attr-defined]
    page.get_by_role("link", name="Play", exact=True).click()  # type: ignore[attr-defined]

    page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelector('video')?.currentTime > 3", timeout=60_000
    )
    assert page.evaluate("() => document.querySelector('video').src").startswith("blob:")  # type: ignore[attr-defined]
    how = page.locator(".how-it-plays summary").inner_text()  # type: ignore[attr-defined]
    assert how.endswith("Repackaged, not converted")  # a remux: Firefox opens no MKV
    total = page.evaluate("() => document.querySelector('video').duration")  # type: ignore[attr-defined]
    assert 20 < total < 30  # the playlist's duration, set on the MediaSource

    # Seek to the middle with the player's slider: it plays on from there.
    middle = total / 2
    player = page.get_by_role("group", name="Player controls")  # type: ignore[attr-defined]
    player.get_by_label("Seek").evaluate(
        "(slider) => { slider.value = '500'; slider.dispatchEvent(new Event('change')); }"
    )
    page.wait_for_function(  # type: ignore[attr-defined]
        f"() => {{ const v = document.querySelector('video');"
        f" return !v.paused && v.currentTime > {middle + 1}; }}",
        timeout=60_000,
    )

    # Subtitles come as WebVTT <track>s beside the picture, as in Chromium.
    player.get_by_label("Subtitles").select_option(label="English")
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => { const shown = [...document.querySelector('video').textTracks]"
        ".filter(t => t.mode === 'showing');"
        " return shown.length === 1 && shown[0].cues && shown[0].cues.length > 3; }",
        timeout=20_000,
    )
    screenshot(page, "player-firefox")

    # It really went through MSE: init segments and fMP4 segments, no MPEG-TS.
    paths = [url.split("?")[0] for url in seen.urls]
    assert any(p.endswith("/v/source/init.mp4") for p in paths)
    assert any(p.endswith(".m4s") and "/a/" in p for p in paths)
    assert not any(p.endswith(".ts") for p in paths)
    # Leaving the player lets go of the stream.
    page.get_by_role("link", name="← Back").click()  # type: ignore[attr-defined]
    page.get_by_role("heading", name=FILM, level=1).wait_for()  # type: ignore[attr-defined]
    assert page.locator("video").count() == 0  # type: ignore[attr-defined]


def test_firefox_seeks_far_and_back_in_a_long_film(
    firefox_page: tuple[object, Requests],
    web_server: WebServer,
    viewer: str,
    tmp_path: Path,
) -> None:
    """Ten minutes: a seek far ahead starts a new ffmpeg run there, whose segments land
    at their own time beside the init segment of the first run; what lies far behind the
    playhead leaves the buffer; and a seek back plays again."""
    page, seen = firefox_page
    users = web_server.admin("GET", "/api/v1/admin/users")
    users = users["items"] if isinstance(users, dict) else users
    viewer_id = next(user["id"] for user in users if user["name"] == viewer)
    with long_film(web_server, [viewer_id], tmp_path, lively=True) as film:
        sign_in_as(page, viewer)
        page.goto(f"/#/play/{film['id']}?t=0")  # type: ignore[attr-defined]
        page.wait_for_function(  # type: ignore[attr-defined]
            "() => document.querySelector('video')?.currentTime > 1", timeout=60_000
        )
        slider = page.get_by_role("group", name="Player controls").get_by_label("Seek")  # type: ignore[attr-defined]
        for permille, at_s in ((800, 480), (100, 60)):
            slider.evaluate(
                f"(s) => {{ s.value = '{permille}'; s.dispatchEvent(new Event('change')); }}"
            )
            page.wait_for_function(  # type: ignore[attr-defined]
                f"() => {{ const v = document.querySelector('video');"
                f" return !v.paused && v.currentTime > {at_s + 1}"
                f" && v.currentTime < {at_s + 30}; }}",
                timeout=60_000,
            )
        # After the way back, what was buffered around 8 minutes is let go of.
        page.wait_for_function(  # type: ignore[attr-defined]
            "() => { const b = document.querySelector('video').buffered;"
            " return b.length > 0 && b.end(b.length - 1) < 200; }",
            timeout=30_000,
        )
        inits = [url for url in seen.urls if url.endswith("/v/source/init.mp4")]
        assert len(inits) == 1  # one init segment served every ffmpeg run of the playback
        page.get_by_role("link", name="← Back").click()  # type: ignore[attr-defined]
