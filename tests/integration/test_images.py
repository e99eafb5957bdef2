"""Images over HTTP: photos turned upright with their metadata left behind, artwork of
every source (image file, picture inside a track, video frame) resized, and the access
rules (libraries, and content ratings for posters)."""

import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from rated_catalogue import RatedServer
from support import Account, ServerProcess, demo_libraries, serve_libraries

Served = tuple[ServerProcess, dict[str, dict[str, str]], Path]


def _sideways_photo(path: Path) -> None:
    """A 40x20 JPEG whose EXIF says "rotate 90°", with a camera and a GPS position."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was held on its side
    exif[0x010F] = "Vantarex"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 30.0, 0.0)
    gps[3], gps[4] = "W", (0.0, 7.0, 0.0)
    Image.new("RGB", (40, 20), "teal").save(path, "JPEG", exif=exif)


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, demo_roots: dict[str, Path]
) -> Iterator[Served]:
    base = tmp_path_factory.mktemp("images")
    (base / "photos" / "Trip").mkdir(parents=True)
    _sideways_photo(base / "photos" / "Trip" / "IMG_0001.jpg")
    libraries = {
        name: spec for name, spec in demo_libraries(demo_roots).items() if name != "Photos"
    } | {"Photos": ("photos", base / "photos")}
    accounts = [
        Account("alice", "alice-password", ("Music", "Films", "Photos")),
        Account("bob", "bob-password", ("Photos",)),
    ]
    with serve_libraries(base / "data", libraries, accounts) as (process, headers):
        yield process, headers, base / "data"


def _get(served: Served, path: str, user: str = "alice", **params: Any) -> httpx.Response:
    process, headers, _ = served
    return httpx.get(process.base + path, headers=headers[user], params=params, timeout=30)


def _picture(response: httpx.Response) -> Image.Image:
    assert response.status_code == 200, response.text
    return Image.open(io.BytesIO(response.content))


def test_a_photo_is_turned_upright_and_loses_its_metadata(served: Served) -> None:
    photos = _get(served, "/api/v1/folders/" + _photo_folder(served)).json()["items"]
    photo = _picture(_get(served, f"/api/v1/items/{photos[0]['id']}/image"))
    assert photo.format == "JPEG"
    assert photo.size == (20, 40)  # upright: the EXIF rotation was applied
    assert len(photo.getexif()) == 0  # no orientation, camera or GPS left
    assert "icc_profile" not in photo.info and "exif" not in photo.info
    small = _picture(_get(served, f"/api/v1/items/{photos[0]['id']}/image", height=10))
    assert small.size == (5, 10)
    webp = _picture(_get(served, f"/api/v1/items/{photos[0]['id']}/image", format="webp"))
    assert webp.format == "WEBP"
    assert _get(served, f"/api/v1/items/{photos[0]['id']}/image", width=0).status_code == 400
    assert _get(served, f"/api/v1/items/{photos[0]['id']}/image", fit="stretch").status_code == 400


def _photo_folder(served: Served) -> str:
    libraries = _get(served, "/api/v1/libraries").json()
    photos = next(lib["id"] for lib in libraries if lib["name"] == "Photos")
    root = _get(served, f"/api/v1/libraries/{photos}/folders").json()["items"][0]["id"]
    trip = _get(served, f"/api/v1/folders/{root}").json()["folders"][0]["id"]
    return str(trip)


def _artwork_ids(served: Served) -> dict[str, str]:
    """One artwork id per source kind, read from the catalogue the server uses."""
    _, _, data = served
    with sqlite3.connect(data / "catalogue.db") as db:
        rows = db.execute("SELECT source, min(id) FROM artwork GROUP BY source").fetchall()
    return dict(rows)


@pytest.mark.parametrize("source", ["sidecar", "embedded", "frame"])
def test_artwork_of_every_source_is_resized(served: Served, source: str) -> None:
    artwork = _artwork_ids(served)
    assert source in artwork, artwork
    url = f"/api/v1/artwork/{artwork[source]}"
    cover = _picture(_get(served, url, width=16, height=16, fit="cover"))
    assert cover.size == (16, 16)
    contained = _picture(_get(served, url, width=16))
    assert contained.width <= 16


def test_no_image_without_the_library(served: Served) -> None:
    artwork = _artwork_ids(served)
    response = _get(served, f"/api/v1/artwork/{artwork['sidecar']}", user="bob")
    assert response.status_code == 404
    assert _get(served, f"/api/v1/artwork/{'0' * 32}", user="bob").json() == response.json()
    _, _, data = served
    assert any((data / "cache" / "images").rglob("*")), "rendered images are cached on disk"


def test_a_limited_user_gets_no_poster_of_a_film_the_limit_hides(rated: RatedServer) -> None:
    films = {m["title"]: m for m in rated.ok("alice", "/api/v1/movies")["items"]}  # type: ignore[union-attr]
    hidden = films["The Lighthouse Cartographer"]["poster_id"]
    allowed = films["Paper Comets"]["poster_id"]
    assert hidden and allowed
    assert rated.get("alice", f"/api/v1/artwork/{hidden}").status_code == 200
    assert rated.get("kid", f"/api/v1/artwork/{hidden}").status_code == 404
    assert rated.get("kid", f"/api/v1/artwork/{allowed}").status_code == 200
