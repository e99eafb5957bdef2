"""A film long enough for the server to keep a resume point (it keeps none under five
minutes, and the demo films last seconds): ten minutes of one colour, a few kilobytes, in
a library of its own granted to the given users for one test, removed afterwards."""

import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import imageio_ffmpeg

from web.conftest import WebServer


def _grant_every_library(server: WebServer, user_id: str) -> None:
    users = server.admin("GET", "/api/v1/admin/users")
    users = users["items"] if isinstance(users, dict) else users
    rating = next(user for user in users if user["id"] == user_id).get("max_content_rating")
    ids = [library["id"] for library in server.admin("GET", "/api/v1/libraries")]
    body = {"libraries": ids, "max_content_rating": rating}
    server.admin("PUT", f"/api/v1/admin/users/{user_id}/grants", json=body)


@contextmanager
def long_film(
    server: WebServer, user_ids: list[str], folder: Path, *, lively: bool = False
) -> Iterator[dict[str, Any]]:
    """The scanned film (as GET /api/v1/movies lists it), seen by ``user_ids``. ``lively``
    makes a moving picture (5 frames a second, a keyframe every 4 s) with sound, which the
    server remuxes into segments, rather than a still one."""
    film = folder / "Long Evening (2020).mkv"
    if lively:
        made = ["-f", "lavfi", "-i", "testsrc2=s=64x36:r=5:d=600",
                "-f", "lavfi", "-i", "sine=f=440:d=600:sample_rate=22050",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "20", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "32k"]  # fmt: skip
    else:
        colour = "color=c=navy:s=64x36:r=1/60:d=600"  # a frame a minute: made in milliseconds
        made = ["-f", "lavfi", "-i", colour, "-c:v", "libx264", "-g", "1"]
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-y", "-loglevel", "error", *made, str(film)],
        check=True,
        timeout=60,
    )
    name = f"Long films {secrets.token_hex(3)}"
    body = {"kind": "movies", "path": str(folder), "name": name}
    library = server.admin("POST", "/api/v1/admin/libraries", json=body)
    try:
        for user_id in user_ids:
            _grant_every_library(server, user_id)
        yield server.scan_and_wait(library["id"], "movies")[0]
    finally:
        path = f"{server.base}/api/v1/admin/libraries/{library['id']}"
        httpx.delete(path, headers=server.headers["root"], timeout=30)
