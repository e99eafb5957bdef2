"""A film long enough for the server to keep a resume point (it keeps none under five
minutes, and the demo films last seconds): ten minutes of one colour, a few kilobytes, in
a library of its own granted to the given users for one test, removed afterwards."""

import secrets
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import imageio_ffmpeg

from web.conftest import WebServer

SCAN_WAIT_S = 60.0


def _call(server: WebServer, method: str, path: str, **kwargs: Any) -> Any:
    answer = httpx.request(
        method, server.base + path, headers=server.headers["root"], timeout=30, **kwargs
    )
    assert answer.status_code < 300, (method, path, answer.status_code, answer.text)
    return answer.json() if answer.content else None


def _grant_every_library(server: WebServer, user_id: str) -> None:
    users = _call(server, "GET", "/api/v1/admin/users")
    users = users["items"] if isinstance(users, dict) else users
    rating = next(user for user in users if user["id"] == user_id).get("max_content_rating")
    ids = [library["id"] for library in _call(server, "GET", "/api/v1/libraries")]
    body = {"libraries": ids, "max_content_rating": rating}
    _call(server, "PUT", f"/api/v1/admin/users/{user_id}/grants", json=body)


@contextmanager
def long_film(server: WebServer, user_ids: list[str], folder: Path) -> Iterator[dict[str, Any]]:
    """The scanned film (as GET /api/v1/movies lists it), seen by ``user_ids``."""
    film = folder / "Long Evening (2020).mkv"
    colour = "color=c=navy:s=64x36:r=1/60:d=600"  # a frame a minute: made in milliseconds
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-y", "-loglevel", "error",
         "-f", "lavfi", "-i", colour, "-c:v", "libx264", "-g", "1", str(film)],
        check=True,
        timeout=60,
    )  # fmt: skip
    name = f"Long films {secrets.token_hex(3)}"
    body = {"kind": "movies", "path": str(folder), "name": name}
    library = _call(server, "POST", "/api/v1/admin/libraries", json=body)
    headers = server.headers["root"]
    try:
        for user_id in user_ids:
            _grant_every_library(server, user_id)
        deadline = time.monotonic() + SCAN_WAIT_S
        scan = f"/api/v1/admin/libraries/{library['id']}/scan"
        while httpx.post(server.base + scan, headers=headers, json={}).status_code == 409:
            assert time.monotonic() < deadline, "another scan kept running"
            time.sleep(0.5)  # another scan is running: start ours after it
        found: list[dict[str, Any]] = []
        while not found and time.monotonic() < deadline:
            time.sleep(0.2)
            listed = _call(server, "GET", "/api/v1/movies", params={"library": library["id"]})
            found = listed["items"]
        assert found, "the long film was scanned"
        yield found[0]
    finally:
        httpx.delete(f"{server.base}/api/v1/admin/libraries/{library['id']}", headers=headers)
