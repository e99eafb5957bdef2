"""BI-08 metadata_xss in a real browser: a library whose tags, lyrics, NFO plot, file and
library names, a playlist's name and a device label hold script payloads. Every page that
shows them (admin pages included) shows them as text, and none of them runs."""

import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import imageio_ffmpeg
import pytest
from mutagen.id3 import COMM, ID3, TALB, TCON, TIT2, TPE1, TPE2, USLT

from parlour.demo.recipes import DEMO_LIBRARY
from web.conftest import PASSWORDS, Requests, WebServer, screenshot, sign_in

# Each payload sets window.__xss if a browser ever runs it; the page must show it as text.
PAYLOADS = {
    "img": '<img src=x onerror="window.__xss=1">',
    "svg": '"><svg onload="window.__xss=2">',
    "href": "javascript:window.__xss=3",
    "script": "<script>window.__xss=4</script>",
}
ALBUM = "Album " + PAYLOADS["svg"]
TRACK = "Track " + PAYLOADS["img"]
FILM = "Film " + PAYLOADS["script"]


def _hostile_music(folder: Path, demo_roots: dict[str, Path]) -> None:
    track = next(track for track in DEMO_LIBRARY.music if track.format == "mp3")
    target = folder / "hostile.mp3"
    shutil.copyfile(demo_roots["music"] / track.rel_path, target)
    tags = ID3()
    tags.add(TIT2(encoding=3, text=TRACK))
    tags.add(TPE1(encoding=3, text="Artist " + PAYLOADS["href"]))
    tags.add(TPE2(encoding=3, text="Artist " + PAYLOADS["href"]))
    tags.add(TALB(encoding=3, text=ALBUM))
    tags.add(TCON(encoding=3, text="Genre " + PAYLOADS["img"]))
    tags.add(COMM(encoding=3, lang="eng", desc="", text=PAYLOADS["script"]))
    tags.add(USLT(encoding=3, lang="eng", desc="", text="Lyrics " + PAYLOADS["svg"]))
    tags.save(target)


def _hostile_film(folder: Path) -> None:
    film = folder / "Hostile (2020)" / "Hostile (2020).mkv"
    film.parent.mkdir()
    source = "color=c=black:s=64x36:r=1:d=2"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-y", "-loglevel", "error",
         "-f", "lavfi", "-i", source, "-c:v", "libx264", str(film)],
        check=True,
        timeout=60,
    )  # fmt: skip
    nfo = (
        "<movie><title>{title}</title><year>2020</year><plot>{plot}</plot>"
        "<genre>{genre}</genre></movie>"
    )
    escape = str.maketrans({"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;"})
    film.with_suffix(".nfo").write_text(
        nfo.format(
            title=FILM.translate(escape),
            plot=("Plot " + PAYLOADS["img"]).translate(escape),
            genre=("Genre " + PAYLOADS["svg"]).translate(escape),
        ),
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def hostile(
    web_server: WebServer, demo_roots: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """Two hostile libraries (music and films), granted to alice, removed afterwards."""
    music, films = tmp_path_factory.mktemp("hostile-music"), tmp_path_factory.mktemp("hostile")
    _hostile_music(music, demo_roots)
    _hostile_film(films)
    suffix = secrets.token_hex(3)
    made = [
        web_server.admin("POST", "/api/v1/admin/libraries", json=body)
        for body in (
            {"kind": "music", "path": str(music), "name": f"Music {PAYLOADS['img']} {suffix}"},
            {"kind": "movies", "path": str(films), "name": f"Films {PAYLOADS['svg']} {suffix}"},
        )
    ]
    try:
        users = web_server.admin("GET", "/api/v1/admin/users")
        users = users["items"] if isinstance(users, dict) else users
        alice = next(user for user in users if user["name"] == "alice")
        every = [library["id"] for library in web_server.admin("GET", "/api/v1/libraries")]
        grants = {"libraries": every, "max_content_rating": alice.get("max_content_rating")}
        web_server.admin("PUT", f"/api/v1/admin/users/{alice['id']}/grants", json=grants)
        albums = web_server.scan_and_wait(made[0]["id"], "albums")
        movies = web_server.scan_and_wait(made[1]["id"], "movies")
        yield {"album": albums[0], "movie": movies[0], "libraries": made}
    finally:
        for library in made:
            httpx.delete(
                f"{web_server.base}/api/v1/admin/libraries/{library['id']}",
                headers=web_server.headers["root"],
            )


def _no_script_ran(page: Any) -> None:
    assert page.evaluate("() => window.__xss") == 0, "a payload ran"


def _watch(page: Any) -> list[str]:
    dialogs: list[str] = []
    page.add_init_script("window.__xss = 0;")

    def refuse(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    return dialogs


def test_hostile_tags_and_names_show_as_text_on_every_page(
    page_and_requests: tuple[Any, Requests], web_server: WebServer, hostile: dict[str, Any]
) -> None:
    page, _ = page_and_requests
    dialogs = _watch(page)
    sign_in(page, "alice")
    visits = [
        ("/", ALBUM),
        ("/music", ALBUM),
        (f"/albums/{hostile['album']['id']}", TRACK),
        ("/films", FILM),
        (f"/films/{hostile['movie']['id']}", "Plot " + PAYLOADS["img"]),
        ("/search?q=Track", TRACK),
        ("/me/data", "What is stored about me"),
    ]
    for path, shown in visits:
        page.goto(f"/#{path}")
        page.get_by_text(shown, exact=False).first.wait_for()
        _no_script_ran(page)
    screenshot(page, "hostile-film-page")
    # The album's track plays in the bar with its hostile title shown as text.
    page.goto(f"/#/albums/{hostile['album']['id']}")
    page.get_by_role("button", name="Play", exact=True).first.click()
    page.locator("#player-bar").get_by_text(TRACK, exact=False).first.wait_for()
    _no_script_ran(page)
    assert dialogs == []
    # Nothing made of a payload became an element: no <svg onload>, <img onerror> or <script>.
    assert page.evaluate("() => document.querySelectorAll('[onload],[onerror]').length") == 0
    assert page.evaluate("() => document.querySelectorAll('a[href^=\"javascript:\"]').length") == 0


def test_hostile_names_show_as_text_on_the_admin_pages(
    page_and_requests: tuple[Any, Requests], web_server: WebServer, hostile: dict[str, Any]
) -> None:
    page, _ = page_and_requests
    dialogs = _watch(page)
    label = "Phone " + PAYLOADS["img"]
    login = {"username": "root", "password": PASSWORDS["root"], "device": label}
    assert httpx.post(web_server.base + "/api/v1/auth/login", json=login).status_code == 200
    sign_in(page, "root")
    for tab, shown in (
        ("libraries", hostile["libraries"][0]["name"]),
        ("devices", label),
        ("privacy", "Outbound"),
        ("server", "ffmpeg"),
    ):
        page.goto(f"/#/admin?tab={tab}")
        page.get_by_text(shown, exact=False).first.wait_for()
        _no_script_ran(page)
    screenshot(page, "hostile-admin-devices")
    assert dialogs == []
    assert page.evaluate("() => document.querySelectorAll('[onload],[onerror]').length") == 0
