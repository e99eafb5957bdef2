"""A server on the demo music library with root, alice and bob signed in, and the reads
the my-data tests make of it over HTTP and straight from its catalogue file."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from parlour.storage import my_data_store
from parlour.storage.engine import Catalogue
from support import Account, ServerProcess, demo_libraries, serve_libraries

PASSWORDS = {"root": "root-password", "alice": "alice-password", "bob": "bob-password"}


class ServedMusic:
    def __init__(self, process: ServerProcess, data: Path, headers: dict[str, dict[str, str]]):
        self.process, self.data, self.headers = process, data, headers

    def call(self, method: str, path: str, who: dict[str, str], **kwargs: Any) -> httpx.Response:
        return httpx.request(method, self.process.base + path, headers=who, timeout=30, **kwargs)

    def ok(self, method: str, path: str, who: dict[str, str], **kwargs: Any) -> Any:
        response = self.call(method, path, who, **kwargs)
        assert response.status_code in (200, 201), (path, response.text)
        return response.json()

    def tracks(self, who: dict[str, str]) -> list[str]:
        albums = self.ok("GET", "/api/v1/albums", who, params={"limit": 50})["items"]
        ids = [
            track["id"]
            for album in albums
            for track in self.ok("GET", f"/api/v1/albums/{album['id']}", who)["tracks"]
        ]
        assert len(ids) >= 4
        return ids

    def rows(self, table: str, user_id: str) -> list[dict[str, Any]]:
        """The table's rows about the user, read from the catalogue file directly."""
        catalogue = Catalogue(f"sqlite:///{self.data / 'catalogue.db'}")
        try:
            with catalogue.reading() as conn:
                return my_data_store.owned_rows(conn, table, user_id)
        finally:
            catalogue.close()

    def files(self) -> bytes:
        """The raw bytes of the database and its write-ahead log."""
        db = self.data / "catalogue.db"
        wal = self.data / "catalogue.db-wal"
        return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@contextmanager
def serve_music(
    data: Path, demo_roots: dict[str, Path]
) -> Iterator[tuple[ServerProcess, dict[str, dict[str, str]]]]:
    music = {"Music": demo_libraries(demo_roots)["Music"]}
    accounts = [
        Account("root", PASSWORDS["root"], admin=True),
        Account("alice", PASSWORDS["alice"], ("Music",)),
        Account("bob", PASSWORDS["bob"], ("Music",)),
    ]
    with serve_libraries(data, music, accounts) as served:
        yield served
