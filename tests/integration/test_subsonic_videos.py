"""Films as Subsonic videos (getVideos) and bookmarks in a film, on the demo library
served for real, with app passwords made by ``parlour user app-password``."""

import hashlib
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from support import Account, ServerProcess, run_parlour, serve_libraries

API = "1.16.1"


class Music:
    def __init__(self, process: ServerProcess, passwords: dict[str, str]) -> None:
        self.process = process
        self.passwords = passwords

    def call(self, user: str, method: str, **params: Any) -> dict[str, Any]:
        salt = secrets.token_hex(8)
        token = hashlib.md5((self.passwords[user] + salt).encode()).hexdigest()
        query = {"u": user, "t": token, "s": salt, "v": API, "c": "tests", "f": "json"}
        answer = httpx.get(f"{self.process.base}/rest/{method}", params=query | params, timeout=30)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()["subsonic-response"]
        return body


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, demo_roots: dict[str, Path]
) -> Iterator[Music]:
    data = tmp_path_factory.mktemp("subsonic-videos")
    libraries = {"Films": ("movies", demo_roots["movies"]), "Music": ("music", demo_roots["music"])}
    accounts = [
        Account("cinema", "cinema-password", ("Films",)),
        Account("ears", "ears-password", ("Music",)),
    ]
    with serve_libraries(data, libraries, accounts) as (process, _headers):
        passwords = {}
        for account in accounts:
            made = run_parlour("user", "app-password", account.name, "--data-dir", str(data))
            assert made.returncode == 0, made.stderr
            passwords[account.name] = made.stdout.strip().splitlines()[-1]
        yield Music(process, passwords)


def test_films_are_videos_for_whoever_may_see_them(served: Music) -> None:
    body = served.call("cinema", "getVideos")
    assert body["status"] == "ok", body
    videos = body["videos"]["video"]
    assert videos, "the demo library has films"
    titles = [video["title"] for video in videos]
    # By sort title: a leading article does not count.
    assert titles == sorted(titles, key=lambda title: title.casefold().removeprefix("the "))
    for video in videos:
        assert video["isVideo"] is True and video["type"] == "video"
        assert video["duration"] > 0 and video["size"] > 0 and video["suffix"]
        assert video["contentType"].startswith("video/"), video
        assert not video["path"].startswith("/")  # inside the library, not the host's
    # A user granted only music sees no films.
    assert served.call("ears", "getVideos")["videos"].get("video", []) == []
    page = served.call("cinema", "getVideos", size="1", offset="1")["videos"]["video"]
    assert [video["title"] for video in page] == titles[1:2]


def test_a_bookmark_in_a_film(served: Music) -> None:
    film = served.call("cinema", "getVideos")["videos"]["video"][0]
    made = served.call("cinema", "createBookmark", id=film["id"], position="1200", comment="here")
    assert made["status"] == "ok", made
    marks = served.call("cinema", "getBookmarks")["bookmarks"]["bookmark"]
    assert [(m["entry"]["id"], m["entry"]["isVideo"], m["position"]) for m in marks] == [
        (film["id"], True, 1200)
    ]
    # The music-only user cannot bookmark (or find) the film.
    refused = served.call("ears", "createBookmark", id=film["id"], position="1")
    assert refused["status"] == "failed" and refused["error"]["code"] == 70
