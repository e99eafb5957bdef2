"""Plays from DLNA devices (issue 8): recorded only when the admin chose to (off by
default), against the device, never a person, once per play however many byte ranges a
television asks for, kept for the admin's retention only, and erased when recording is
turned off, the device forgotten or the admin says so. The DLNA side and the admin API
are both served over 127.0.0.1 from one catalogue; the command line runs beside them."""

import json
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select

from dlna_server import Dlna, metadata, serve_dlna
from parlour.domain.accounts import HOST
from parlour.frontends.web.app import create_app
from parlour.services.dlna_plays import PLAY_IDLE_S
from parlour.storage import dlna_plays_store
from parlour.storage import schema as s
from support import free_port, open_parlour, run_parlour

DAY_S = 86400


class Clock:
    """The plays' memory clock, moved by the tests instead of waiting."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Served:
    dlna: Dlna
    web: str  # the web server's base URL
    admin: dict[str, str]
    plain: dict[str, str]
    clock: Clock

    @property
    def admin_url(self) -> str:
        return self.web + "/api/v1/admin/dlna"

    def config(self, **changes: Any) -> dict[str, Any]:
        answer = httpx.put(self.admin_url, headers=self.admin, json={"enabled": True, **changes})
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    def plays(self, **params: Any) -> list[dict[str, Any]]:
        answer = httpx.get(self.admin_url + "/plays", headers=self.admin, params=params)
        assert answer.status_code == 200, answer.text
        found: list[dict[str, Any]] = answer.json()
        return found

    def stored_plays(self) -> int:
        with self.dlna.app.catalogue.reading() as conn:
            return int(conn.execute(select(func.count()).select_from(s.dlna_plays)).scalar_one())

    def device(self, agent: str) -> dict[str, Any]:
        answer = httpx.get(self.admin_url + "/devices", headers=self.admin)
        return next(d for d in answer.json() if d["user_agent"] == agent)


def _login(base: str, name: str, password: str) -> dict[str, str]:
    answer = httpx.post(
        base + "/api/v1/auth/login", json={"username": name, "password": password}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": "Bearer " + answer.json()["token"]}


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, demo_roots: dict[str, Path]
) -> Iterator[Served]:
    """The DLNA test server, and the web app on the same catalogue for the admin API."""
    with serve_dlna(tmp_path_factory, demo_roots) as dlna:
        app = dlna.app
        app.accounts.add_user(HOST, "root", "root-password", admin=True)
        app.accounts.add_user(HOST, "sam", "sam-password")
        app.accounts.grant(HOST, "sam", ["Music"])
        clock = Clock()
        app.dlna.plays.clock = clock
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(app, watch=False),
                host="127.0.0.1",
                port=port,
                access_log=False,
                log_level="warning",
            )
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline, "the web app did not start"
            time.sleep(0.05)
        try:
            base = f"http://127.0.0.1:{port}"
            admin = _login(base, "root", "root-password")
            yield Served(
                dlna,
                base,
                admin,
                _login(base, "sam", "sam-password"),
                clock,
            )
        finally:
            server.should_exit = True
            thread.join(10)


@pytest.fixture
def fresh(served: Served) -> Served:
    """Each test starts with recording off, no plays, and every earlier play over."""
    served.config(record_plays=False, play_retention_days=7)
    served.clock.advance(PLAY_IDLE_S)
    return served


def _item(served: Served, kind: str, prefix: str, index: int = 0) -> Any:
    return metadata(served.dlna, f"{prefix}-{sorted(served.dlna.shared[kind])[index]}")


def test_off_by_default_nothing_is_recorded(served: Served) -> None:
    config = httpx.get(served.admin_url, headers=served.admin).json()
    assert config["record_plays"] is False and config["play_retention_days"] == 7
    track = _item(served, "tracks", "t")
    played = httpx.get(track.res[0].uri, headers={"User-Agent": "Off TV"})
    assert played.status_code == 200
    assert served.plays() == [] and served.stored_plays() == 0


def test_a_play_is_recorded_once_against_the_device(fresh: Served) -> None:
    on = fresh.config(record_plays=True)
    assert on["record_plays"] is True and on["play_retention_days"] == 7
    tv = {"User-Agent": "Lounge TV DLNADOC/1.50"}
    film = _item(fresh, "movies", "m")
    before = int(time.time())
    whole = httpx.get(film.res[0].uri, headers=tv)
    assert whole.status_code == 200
    for start in (0, 1000, 5000):  # the television's range requests: the same play
        part = httpx.get(film.res[0].uri, headers=tv | {"Range": f"bytes={start}-{start + 99}"})
        assert part.status_code == 206
    [play] = fresh.plays()
    device = fresh.device(tv["User-Agent"])
    assert play == {
        "device_id": device["id"],
        "device_name": tv["User-Agent"],
        "item_id": sorted(fresh.dlna.shared["movies"])[0],
        "title": film.title,
        "kind": "film",
        "played_at": play["played_at"],
    }
    assert before <= play["played_at"] <= int(time.time())
    # A transcode is a play too; an episode is named as one.
    track = next(
        t
        for t in (_item(fresh, "tracks", "t", i) for i in range(len(fresh.dlna.shared["tracks"])))
        if any(r.uri.endswith("/audio.mp3") for r in t.res)
    )
    mp3 = next(r.uri for r in track.res if r.uri.endswith("/audio.mp3"))
    with httpx.stream("GET", mp3, headers=tv, timeout=60) as answer:
        assert answer.status_code == 200
        next(answer.iter_bytes())
    episode = _item(fresh, "episodes", "e")
    assert httpx.get(episode.res[0].uri, headers=tv | {"Range": "bytes=0-9"}).status_code == 206
    plays = fresh.plays()
    assert sorted((p["kind"], p["title"]) for p in plays) == sorted(
        [("film", film.title), ("track", track.title), ("episode", episode.title)]
    )
    assert {p["device_id"] for p in plays} == {device["id"]}
    assert [p["played_at"] for p in plays] == sorted((p["played_at"] for p in plays), reverse=True)


def test_head_artwork_thumbnails_captions_and_photos_are_not_plays(fresh: Served) -> None:
    fresh.config(record_plays=True)
    tv = {"User-Agent": "Curious TV"}
    film = _item(fresh, "movies", "m")
    assert httpx.head(film.res[0].uri, headers=tv).status_code == 200
    photo = _item(fresh, "photos", "p")
    for res in photo.res:  # the photo itself and its thumbnail
        assert httpx.get(res.uri, headers=tv).status_code == 200
    track = next(
        t
        for t in (_item(fresh, "tracks", "t", i) for i in range(len(fresh.dlna.shared["tracks"])))
        if getattr(t, "album_art_uri", None)
    )
    assert httpx.get(track.album_art_uri, headers=tv).status_code == 200
    films = [_item(fresh, "movies", "m", i) for i in range(len(fresh.dlna.shared["movies"]))]
    captions = [
        r.uri for f in films for r in f.res if r.protocol_info.startswith("http-get:*:text/srt")
    ]
    assert captions and httpx.get(captions[0], headers=tv).status_code == 200
    assert fresh.plays() == [] and fresh.stored_plays() == 0


def test_fetches_are_one_play_until_the_device_stops_for_half_an_hour(fresh: Served) -> None:
    fresh.config(record_plays=True)
    tv = {"User-Agent": "Patient TV", "Range": "bytes=0-99"}
    track = _item(fresh, "tracks", "t")
    uri = track.res[0].uri

    def fetch() -> None:
        assert httpx.get(uri, headers=tv).status_code == 206

    fetch()
    fresh.clock.advance(PLAY_IDLE_S - 60)  # a pause, then a seek: the same play
    fetch()
    fresh.clock.advance(PLAY_IDLE_S - 60)  # measured from the last fetch, not the first
    fetch()
    assert len(fresh.plays()) == 1
    fresh.clock.advance(PLAY_IDLE_S)  # half an hour without it: a new play
    fetch()
    assert len(fresh.plays()) == 2
    # Another device playing the same item is its own play.
    assert httpx.get(uri, headers=tv | {"User-Agent": "Other TV"}).status_code == 206
    assert len(fresh.plays()) == 3


def test_no_person_has_the_plays(fresh: Served) -> None:
    fresh.config(record_plays=True)
    tv = {"User-Agent": "Nobody's TV"}
    track = _item(fresh, "tracks", "t", 1)
    assert httpx.get(track.res[0].uri, headers=tv).status_code == 200
    [play] = fresh.plays()
    for headers in (fresh.admin, fresh.plain):
        export = httpx.get(fresh.web + "/api/v1/me/export", headers=headers)
        assert export.status_code == 200
        assert export.json()["play_history"] == []
        assert play["item_id"] not in export.text and "Nobody's TV" not in export.text
        history = httpx.get(fresh.web + "/api/v1/me/history", headers=headers)
        assert history.status_code == 200 and play["item_id"] not in history.text
    # Only an admin sees or erases them.
    for method in ("GET", "DELETE"):
        refused = httpx.request(method, fresh.admin_url + "/plays", headers=fresh.plain)
        assert refused.status_code == 403
    assert httpx.get(fresh.admin_url + "/plays").status_code == 401
    assert len(fresh.plays()) == 1


def _old_play(served: Served, agent: str, days: float) -> None:
    """A play of the first film, recorded ``days`` ago against the device ``agent``."""
    device_id = served.device(agent)["id"]
    film_id = sorted(served.dlna.shared["movies"])[0]
    with served.dlna.app.catalogue.writing() as conn:
        when = int(time.time() - days * DAY_S)
        assert dlna_plays_store.add_play(conn, device_id, film_id, "film", "Old film", when)


def test_plays_past_the_retention_are_never_shown_and_are_purged(fresh: Served) -> None:
    fresh.config(record_plays=True)
    tv = {"User-Agent": "Old TV"}
    track = _item(fresh, "tracks", "t")
    assert httpx.get(track.res[0].uri, headers=tv).status_code == 200
    _old_play(fresh, tv["User-Agent"], 8)  # past the 7 days
    _old_play(fresh, tv["User-Agent"], 6)
    assert fresh.stored_plays() == 3
    assert [p["title"] for p in fresh.plays()] == [track.title, "Old film"]
    assert fresh.stored_plays() == 2  # the one past the retention is gone, not hidden
    assert len(fresh.plays(limit=1)) == 1
    # A shorter retention takes the older plays at once.
    assert fresh.config(play_retention_days=5)["play_retention_days"] == 5
    assert fresh.stored_plays() == 1 and [p["title"] for p in fresh.plays()] == [track.title]
    # The hourly retention job takes them when nobody records or lists plays.
    _old_play(fresh, tv["User-Agent"], 6)
    fresh.dlna.app.my_data.apply_retention()
    assert fresh.stored_plays() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"play_retention_days": 0},
        {"play_retention_days": 31},
        {"play_retention_days": 7.5},
        {"play_retention_days": True},
        {"record_plays": "yes"},
    ],
)
def test_bad_choices_are_refused(fresh: Served, change: dict[str, Any]) -> None:
    for enabled in (True, False):
        answer = httpx.put(fresh.admin_url, headers=fresh.admin, json={"enabled": enabled} | change)
        assert answer.status_code == 400, answer.text
    assert httpx.get(fresh.admin_url, headers=fresh.admin).json()["play_retention_days"] == 7
    for limit in ("0", "1001", "-1", "x"):
        refused = httpx.get(
            fresh.admin_url + "/plays", headers=fresh.admin, params={"limit": limit}
        )
        assert refused.status_code == 400


def test_turning_recording_off_forgetting_the_device_or_erasing_removes_plays(
    fresh: Served,
) -> None:
    fresh.config(record_plays=True)
    track = _item(fresh, "tracks", "t")
    first, second = {"User-Agent": "First TV"}, {"User-Agent": "Second TV"}

    def play_on_both() -> None:
        fresh.clock.advance(PLAY_IDLE_S)
        for tv in (first, second):
            assert httpx.get(track.res[0].uri, headers=tv).status_code == 200
        assert fresh.stored_plays() == 2

    play_on_both()
    off = fresh.config(record_plays=False)
    assert off["record_plays"] is False and fresh.stored_plays() == 0
    fresh.clock.advance(PLAY_IDLE_S)
    assert httpx.get(track.res[0].uri, headers=first).status_code == 200
    assert fresh.stored_plays() == 0 and fresh.plays() == []

    fresh.config(record_plays=True)
    play_on_both()
    forgotten = fresh.device(first["User-Agent"])["id"]
    gone = httpx.delete(fresh.admin_url + "/devices/" + forgotten, headers=fresh.admin)
    assert gone.status_code == 204
    assert [p["device_name"] for p in fresh.plays()] == [second["User-Agent"]]

    erased = httpx.delete(fresh.admin_url + "/plays", headers=fresh.admin)
    assert erased.status_code == 204 and fresh.stored_plays() == 0 and fresh.plays() == []

    # Recording can be turned off (erasing) while DLNA is off too.
    play_on_both()
    disabled = httpx.put(
        fresh.admin_url, headers=fresh.admin, json={"enabled": False, "record_plays": False}
    )
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["enabled"] is False and disabled.json()["record_plays"] is False
    assert fresh.stored_plays() == 0


def test_the_command_line_shows_lists_and_erases(fresh: Served) -> None:
    data = ["--data-dir", str(fresh.dlna.app.settings.data_dir)]
    made = run_parlour(
        "dlna", "enable", "--record-plays", "--play-retention-days", "3", "--json", *data
    )
    assert made.returncode == 0, made.stderr
    config = json.loads(made.stdout)
    assert config["record_plays"] is True and config["play_retention_days"] == 3
    status = run_parlour("dlna", "status", *data)
    assert "records plays: yes, against the device, kept 3 days" in status.stdout
    refused = run_parlour("dlna", "enable", "--play-retention-days", "31", *data)
    assert refused.returncode == 1 and "play_retention_days" in refused.stderr

    tv = {"User-Agent": "Command line TV"}
    track = _item(fresh, "tracks", "t")
    # The running app sees the command line's change within CONFIG_MEMORY_S.
    deadline = time.monotonic() + 10
    while not fresh.dlna.app.dlna.current().record_plays:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert httpx.get(track.res[0].uri, headers=tv).status_code == 200
    listed = run_parlour("dlna", "plays", "--json", *data)
    assert listed.returncode == 0, listed.stderr
    [play] = json.loads(listed.stdout)
    assert play["device_name"] == tv["User-Agent"] and play["title"] == track.title
    text = run_parlour("dlna", "plays", *data)
    assert track.title in text.stdout and tv["User-Agent"] in text.stdout
    erased = run_parlour("dlna", "plays", "--erase", *data)
    assert erased.returncode == 0 and "erased 1 recorded plays" in erased.stdout
    assert fresh.stored_plays() == 0
    off = run_parlour("dlna", "enable", "--no-record-plays", *data)
    assert off.returncode == 0 and "records plays: no" in off.stdout


def test_removing_a_library_takes_its_plays(tmp_path: Path, demo_roots: dict[str, Path]) -> None:
    songs = tmp_path / "songs"
    songs.mkdir()
    song = next(p for p in sorted(demo_roots["music"].rglob("*")) if p.suffix == ".flac")
    shutil.copy(song, songs / song.name)
    app = open_parlour(tmp_path / "data")
    try:
        app.libraries.add(HOST, "music", str(songs), "Songs")
        assert app.scanner.scan().failures == []
        app.dlna.enable(HOST, interfaces=["127.0.0.1"], libraries=["Songs"], record_plays=True)
        assert app.dlna.admits("127.0.0.1", "Kitchen radio")  # noted as a device
        with app.catalogue.reading() as conn:
            track_id = conn.execute(select(s.tracks.c.id)).scalar_one()
        assert app.dlna.plays.started("127.0.0.1", "Kitchen radio", track_id, "track")
        assert app.dlna.plays.record("127.0.0.1", "Kitchen radio", track_id, "track", "A song")
        assert len(app.dlna.plays.listed(HOST)) == 1
        app.libraries.remove(HOST, "Songs")
        with app.catalogue.reading() as conn:
            left = conn.execute(select(func.count()).select_from(s.dlna_plays)).scalar_one()
        assert left == 0 and app.dlna.plays.listed(HOST) == []
    finally:
        app.close()
