"""Music in a real browser (issue 6): the albums grid, an album page, the player bar that
keeps playing while the views change, its queue, the media session, reported plays,
genres and playlists. The demo tracks last one or two seconds, so the tests that need a
track to stay put set repeat to "one" first."""

import uuid

from web.conftest import DESKTOP, PHONE, Requests, WebServer, screenshot, sign_in

AUDIO = "document.querySelector('#player-bar audio')"
TITLE = "document.querySelector('#player-bar .np-title').textContent"


def _album(page: object, title: str) -> list[str]:
    """Opens an album from the albums grid; answers its track titles in order."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Music").click()
    grid = page.get_by_role("list", name="Albums")
    grid.get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title, level=1).wait_for()
    return page.locator(
        "table.tracks tr[data-track] .track-title span:first-child"
    ).all_inner_texts()


def _bar(page: object) -> object:
    return page.get_by_role("region", name="Player")


def _repeat_one(page: object) -> None:
    bar = _bar(page)
    while bar.get_by_role("button", name="Repeat: one").count() == 0:
        bar.get_by_role("button", name="Repeat:").click()


def _playing(page: object, title: str, past: float = 0.3) -> None:
    """Waits until ``title`` plays and its audio has moved past ``past`` seconds."""
    page.wait_for_function(
        f"""([title, past]) => {{
            const audio = {AUDIO};
            return audio && !audio.paused && audio.currentTime > past && {TITLE} === title;
        }}""",
        arg=[title, past],
    )


def test_play_an_album_skip_a_track_and_the_queue_advances(
    page_and_requests: tuple[object, Requests], web_server: WebServer
) -> None:
    page, seen = page_and_requests
    sign_in(page, "alice")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Music").click()
    page.get_by_role("list", name="Albums").get_by_role("link", name="Fjordlys").wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.grid img')].every(i => i.complete)"
    )
    screenshot(page, "music-albums-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "music-albums-phone")
    page.set_viewport_size(DESKTOP)

    tracks = _album(page, "Fjordlys")
    assert len(tracks) == 6
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(f"() => {AUDIO} && !{AUDIO}.paused")
    _repeat_one(page)  # from here the track playing stays until skipped
    first = page.evaluate(TITLE)
    assert first in tracks
    _playing(page, first)
    _bar(page).get_by_role("button", name="Next track").click()
    second = tracks[tracks.index(first) + 1]
    _playing(page, second, past=0.5)  # the title changed and the audio plays on it
    # The queue shows the album with the second entry playing.
    _bar(page).get_by_role("button", name="Queue", exact=True).click()
    queue = page.get_by_role("region", name="Queue")
    entries = queue.locator("li .entry-title").all_inner_texts()
    assert entries == tracks
    assert queue.locator("li[aria-current='true'] .entry-title").inner_text() == second
    _bar(page).get_by_role("button", name="Queue", exact=True).click()
    page.wait_for_function("() => [...document.querySelectorAll('img')].every(i => i.complete)")
    screenshot(page, "music-album-playing-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "music-album-playing-phone")
    page.set_viewport_size(DESKTOP)
    assert seen.foreign(web_server.base) == []


def test_the_bar_keeps_playing_across_views_and_tells_the_media_session(
    page_and_requests: tuple[object, Requests],
) -> None:
    page, _ = page_and_requests
    sign_in(page, "alice")
    _album(page, "Salt Years")
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(f"() => {AUDIO} && !{AUDIO}.paused")
    _repeat_one(page)
    title = page.evaluate(TITLE)
    _playing(page, title)
    page.evaluate(f"() => {{ window.testAudio = {AUDIO}; }}")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    page.get_by_role("heading", name="Home").wait_for(state="attached")
    assert page.locator("table.tracks").count() == 0
    _playing(page, title, past=0.3)
    assert page.evaluate(f"() => window.testAudio === {AUDIO}")

    session = page.evaluate(
        """() => {
            const m = navigator.mediaSession.metadata;
            return {title: m.title, artist: m.artist, album: m.album,
                    artwork: m.artwork.map(a => a.src),
                    state: navigator.mediaSession.playbackState};
        }"""
    )
    assert session["title"] == title
    assert session["artist"] == "Glass Harbour"
    assert session["album"] == "Salt Years"
    assert session["artwork"] and all("/api/v1/artwork/" in src for src in session["artwork"])
    assert session["state"] == "playing"

    _bar(page).get_by_role("button", name="Pause").click()
    page.wait_for_function(f"() => {AUDIO}.paused")
    # The bar hears of it from the audio element's "pause" event, a task queued after
    # `paused` turns true: wait for it rather than read the state in the same instant.
    page.wait_for_function("() => navigator.mediaSession.playbackState === 'paused'")


def test_a_play_is_reported_once_the_track_passes_half(
    page_and_requests: tuple[object, Requests],
) -> None:
    page, _ = page_and_requests
    sign_in(page, "alice")
    tracks = _album(page, "Brackish")
    with page.expect_response(
        lambda answer: answer.request.method == "POST" and answer.url.endswith("/plays")
    ) as reported:
        page.get_by_role("button", name=f"Play {tracks[1]}").click()
    assert reported.value.status == 201
    assert f"/items/{page.locator('tr[data-track]').nth(1).get_attribute('data-track')}/plays" in (
        reported.value.url
    )


def test_the_queue_takes_additions_reorders_removes_and_clears(
    page_and_requests: tuple[object, Requests],
) -> None:
    page, _ = page_and_requests
    sign_in(page, "alice")
    tracks = _album(page, "Lumière Défaillante")
    # Added to an empty queue, a track starts playing; the next ones wait their turn.
    page.get_by_role("button", name=f"Add {tracks[1]} to the queue").click()
    bar = _bar(page)
    _repeat_one(page)
    bar.get_by_role("button", name="Pause").click()
    page.wait_for_function(f"() => {AUDIO}.paused")
    playing = page.evaluate(TITLE)
    assert playing == tracks[1]
    page.get_by_role("button", name=f"Add {tracks[2]} to the queue").click()
    page.get_by_role("button", name=f"Add {tracks[3]} to the queue").click()
    bar.get_by_role("button", name="Queue", exact=True).click()
    queue = page.get_by_role("region", name="Queue")

    def titles() -> list[str]:
        return queue.locator("li .entry-title").all_inner_texts()

    assert titles() == [playing, tracks[2], tracks[3]]
    queue.get_by_role("button", name=f"Move {tracks[3]} up").click()
    assert titles() == [playing, tracks[3], tracks[2]]
    queue.get_by_role("button", name=f"Move {playing} down").click()
    assert titles() == [tracks[3], playing, tracks[2]]
    assert queue.locator("li[aria-current='true'] .entry-title").inner_text() == playing
    queue.get_by_role("button", name=f"Remove {tracks[2]} from the queue").click()
    assert titles() == [tracks[3], playing]
    queue.get_by_role("button", name=f"Play {tracks[3]}").click()
    _playing(page, tracks[3], past=0.1)
    queue.get_by_role("button", name="Clear queue").click()
    page.wait_for_function(f"() => document.getElementById('player-bar').hidden && {AUDIO}.paused")


def test_shuffle_keeps_the_track_playing_and_reorders_the_rest(
    page_and_requests: tuple[object, Requests],
) -> None:
    page, _ = page_and_requests
    sign_in(page, "alice")
    tracks = _album(page, "Various Hits")
    page.get_by_role("button", name=f"Play {tracks[0]}").click()
    _repeat_one(page)
    bar = _bar(page)
    bar.get_by_role("button", name="Pause").click()
    playing = page.evaluate(TITLE)
    bar.get_by_role("button", name="Shuffle").click()
    assert bar.get_by_role("button", name="Shuffle").get_attribute("aria-pressed") == "true"
    bar.get_by_role("button", name="Queue", exact=True).click()
    queue = page.get_by_role("region", name="Queue")
    shuffled = queue.locator("li .entry-title").all_inner_texts()
    assert sorted(shuffled) == sorted(tracks)
    assert queue.locator("li[aria-current='true'] .entry-title").inner_text() == playing
    bar.get_by_role("button", name="Shuffle").click()
    assert queue.locator("li .entry-title").all_inner_texts() == tracks
    assert queue.locator("li[aria-current='true'] .entry-title").inner_text() == playing


def test_genres_lead_to_their_albums(page_and_requests: tuple[object, Requests]) -> None:
    page, _ = page_and_requests
    sign_in(page, "alice")
    page.goto("/#/music?tab=genres")
    genres = page.get_by_role("list", name="Genres")
    genres.get_by_role("link", name="Jazz").click()
    page.get_by_text("Genre: Jazz").wait_for()
    shown = page.get_by_role("list", name="Albums").get_by_role("link")
    shown.first.wait_for()  # the heading can come before the albums' page
    assert len(shown.all_inner_texts()) == 1
    page.get_by_label("Sort by").select_option("year")
    page.wait_for_url("**sort=year**")
    page.get_by_text("Genre: Jazz").wait_for()


def test_albums_sort_by_year_newest_first(page_and_requests: tuple[object, Requests]) -> None:
    page, _ = page_and_requests
    sign_in(page, "alice")
    page.goto("/#/music?tab=albums&sort=year&order=desc")
    grid = page.get_by_role("list", name="Albums")
    grid.get_by_role("link").first.wait_for()
    details = grid.locator(".detail").all_inner_texts()
    years = [int(text.rsplit("· ", 1)[-1]) for text in details if "· " in text]
    assert years == sorted(years, reverse=True) and len(years) >= 2
    tabs = page.get_by_role("navigation", name="Music")
    tabs.get_by_role("link", name="Artists").click()
    page.get_by_role("list", name="Artists").get_by_role("link", name="Glass Harbour").click()
    page.get_by_role("heading", name="Glass Harbour", level=1).wait_for()
    page.get_by_role("list", name="Albums").get_by_role("link", name="Salt Years").wait_for()


def test_a_playlist_is_made_from_an_album_then_reordered_and_trimmed(
    page_and_requests: tuple[object, Requests],
) -> None:
    page, _ = page_and_requests
    sign_in(page, "alice")
    tracks = _album(page, "Drift Atlas")
    name = f"Test mix {uuid.uuid4().hex[:8]}"
    page.get_by_role("button", name="Add to playlist").click()
    dialog = page.get_by_role("dialog", name="Add to playlist")
    dialog.get_by_label("Playlist", exact=True).select_option(label="A new playlist…")
    dialog.get_by_label("New playlist name").fill(name)
    dialog.get_by_role("button", name="Add").click()
    page.get_by_role("status").filter(has_text=name).wait_for()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Music").click()
    tabs = page.get_by_role("navigation", name="Music")
    tabs.get_by_role("link", name="Playlists").click()
    page.get_by_role("list", name="Playlists").get_by_role("link", name=name).click()
    page.get_by_role("heading", name=name, level=1).wait_for()
    rows = page.locator("table.tracks tr[data-track] .track-title span:first-child")
    assert rows.all_inner_texts() == tracks
    page.get_by_role("button", name=f"Move {tracks[0]} down").click()
    page.get_by_role("status").filter(has_text="Moved").wait_for()
    assert rows.all_inner_texts() == [tracks[1], tracks[0], *tracks[2:]]
    page.get_by_role("button", name=f"Remove {tracks[2]} from the playlist").click()
    page.get_by_role("status").filter(has_text="Removed").wait_for()
    assert rows.all_inner_texts() == [tracks[1], tracks[0], *tracks[3:]]
    page.get_by_role("button", name=f"Play {tracks[0]}").click()
    page.wait_for_function(f"() => {TITLE} !== ''")
    assert page.evaluate(TITLE) in tracks

    page.once("dialog", lambda confirm: confirm.accept())
    page.get_by_role("button", name="Delete playlist").click()
    page.get_by_role("link", name="Playlists", exact=True).wait_for()
    page.wait_for_url("**tab=playlists**")
    assert page.get_by_role("link", name=name).count() == 0
