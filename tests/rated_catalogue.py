"""A served catalogue with content ratings, several users and their own item state, for
the browse tests (tests/integration/conftest.py serves it once a session as ``rated``).

Libraries: the demo music, films and photos, and a shows library of the demo show
(unrated) beside three rated ones. Films (from the demo recipes): Paper Comets (PG),
The Lighthouse Cartographer (R), Über den Wolkenhöfen (no rating).

Users and what they may see of films and shows:

- ``alice``: Music, Films, Shows; no limit.
- ``kid``: Films, Shows, Photos; at most PG (age 10): Paper Comets, Tidepool Tales.
- ``teen``: Films, Shows; at most UK:15: also Harbour Nights (FSK 12).
- ``root``: an admin; sees everything whatever a limit would say.
- ``spare``: nothing granted; tests that change grants change this user's.
"""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import insert, select

from parlour.demo.recipes import DEMO_LIBRARY
from parlour.domain.accounts import HOST
from parlour.services.application import Parlour
from parlour.storage import schema as s
from support import DEMO_NAMES, ServerProcess, free_port, open_parlour

PASSWORDS = {
    "root": "root-password",
    "alice": "alice-password",
    "kid": "kid-password",
    "teen": "teen-password",
    "spare": "spare-password",  # for tests that change grants
}
# (folder, title, year, rating, genre, episodes in season 1)
RATED_SHOWS = (
    ("Tidepool Tales", "Tidepool Tales", 1996, "TV-Y7", "Animation", 2),
    ("Harbour Nights", "Harbour Nights", 2012, "FSK 12", "Drama", 1),
    ("Night Ferry", "Night Ferry", 2019, "TV-MA", "Drama", 1),
)
DEMO_SHOW = DEMO_LIBRARY.shows[0].show
FILM_RATINGS = {film.title: film.mpaa or None for film in DEMO_LIBRARY.movies}


def _show_nfo(title: str, year: int, rating: str, genre: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<tvshow><title>{title}</title><year>{year}</year><mpaa>{rating}</mpaa>"
        f"<genre>{genre}</genre></tvshow>\n"
    ).encode()


def _shows_root(root: Path, demo_shows: Path) -> Path:
    """The demo show (no tvshow.nfo) and three rated shows made of copies of its files."""
    shutil.copytree(demo_shows, root)
    template = next(root.rglob("*.mkv"))
    for folder, title, year, rating, genre, count in RATED_SHOWS:
        show = root / folder
        (show / "Season 01").mkdir(parents=True)
        for episode in range(1, count + 1):
            shutil.copyfile(template, show / "Season 01" / f"{title} S01E{episode:02d}.mkv")
        (show / "tvshow.nfo").write_bytes(_show_nfo(title, year, rating, genre))
    return root


@dataclass(frozen=True)
class RatedServer:
    process: ServerProcess
    headers: dict[str, dict[str, str]]  # user name -> Authorization header
    ids: dict[str, str]  # "movie:Title", "show:Title", "album:Title", ... -> id
    libraries: dict[str, str]  # library name -> id
    data: Path  # the data directory: its catalogue may be read while the server runs

    client: httpx.Client  # one connection pool for every request of the session

    def get(self, user: str, path: str, **params: object) -> httpx.Response:
        return self.client.get(
            self.process.base + path,
            headers=self.headers[user],
            params=params,  # type: ignore[arg-type]
        )

    def ok(self, user: str, path: str, **params: object) -> dict[str, object]:
        response = self.get(user, path, **params)
        assert response.status_code == 200, (path, params, response.text)
        found: dict[str, object] = response.json()
        return found


def _ids(app: Parlour) -> dict[str, str]:
    tables = {
        "movie": (s.movies, s.movies.c.title),
        "show": (s.shows, s.shows.c.title),
        "album": (s.albums, s.albums.c.title),
        "artist": (s.artists, s.artists.c.name),
        "track": (s.tracks, s.tracks.c.title),
    }
    found: dict[str, str] = {}
    with app.catalogue.reading() as conn:
        for kind, (table, name) in tables.items():
            for item_id, title in conn.execute(select(table.c.id, name)):
                found[f"{kind}:{title}"] = item_id
        episodes = select(s.episodes.c.id, s.shows.c.title, s.episodes.c.episode_number).join(
            s.shows, s.shows.c.id == s.episodes.c.show_id
        )
        for item_id, show, number in conn.execute(episodes):
            found[f"episode:{show}:{number}"] = item_id
    return found


def _state(app: Parlour, ids: dict[str, str]) -> None:
    """Each user's own state rows, written as the activity service would."""
    users = {user.name: user.id for user in app.accounts.list_users(HOST)}
    rows = [
        # alice: two favourite albums, a favourite artist and track, a watched film, a
        # film half-way, and every episode of one show watched.
        ("alice", "album:Salt Years", "album", {"favourite_at": 100}),
        ("alice", "album:Fjordlys", "album", {"favourite_at": 101, "rating": 9}),
        ("alice", "artist:Glass Harbour", "artist", {"favourite_at": 102}),
        ("alice", "track:Weathervane", "track", {"favourite_at": 103, "play_count": 4}),
        ("alice", "movie:Paper Comets", "movie", {"watched": True, "play_count": 2}),
        ("alice", "movie:The Lighthouse Cartographer", "movie", {"position_ms": 700}),
        ("alice", "episode:Tidepool Tales:1", "episode", {"watched": True}),
        ("alice", "episode:Tidepool Tales:2", "episode", {"watched": True}),
        ("alice", "episode:Harbour Nights:1", "episode", {"watched": False}),
        # kid: other state of the same items, which alice must never see.
        ("kid", "movie:Paper Comets", "movie", {"favourite_at": 200, "position_ms": 300}),
        ("kid", "show:Tidepool Tales", "show", {"favourite_at": 201}),
        ("kid", "album:Lumière Défaillante", "album", {"favourite_at": 202}),
    ]
    with app.catalogue.writing() as conn:
        conn.execute(
            insert(s.user_item_state),
            [
                {
                    "user_id": users[user],
                    "item_id": ids[key],
                    "kind": kind,
                    "position_ms": 0,
                    "watched": False,
                    "play_count": 0,
                    "last_played_at": None,
                    "favourite_at": None,
                    "rating": None,
                    "updated_at": 1,
                }
                | values
                for user, key, kind, values in rows
            ],
        )


@contextmanager
def serve_rated(base: Path, demo_roots: dict[str, Path]) -> Iterator[RatedServer]:
    """Build the catalogue under ``base`` in-process, then serve it for real."""
    data = base / "data"
    roots = dict(demo_roots) | {"shows": _shows_root(base / "shows", demo_roots["shows"])}
    app = open_parlour(data)
    try:
        libraries = {
            DEMO_NAMES[kind]: app.libraries.add(HOST, kind, str(root), DEMO_NAMES[kind]).id
            for kind, root in roots.items()
        }
        assert app.scanner.scan().failures == []
        for name, password in PASSWORDS.items():
            app.accounts.add_user(HOST, name, password, admin=name == "root")
        app.accounts.grant(HOST, "alice", ["Music", "Films", "Shows"])
        app.accounts.grant(HOST, "kid", ["Films", "Shows", "Photos"], "PG")
        app.accounts.grant(HOST, "teen", ["Films", "Shows"], "UK:15")
        app.accounts.grant(HOST, "root", [], "PG")  # an admin is never limited
        ids = _ids(app)
        _state(app, ids)
    finally:
        app.close()
    process = ServerProcess(data, free_port())
    try:
        process.wait_ready()
        headers = {name: process.login(name, password) for name, password in PASSWORDS.items()}
        with httpx.Client(timeout=30) as client:
            yield RatedServer(process, headers, ids, libraries, data, client)
    finally:
        process.stop()
