"""Direct play over HTTP: a track's own bytes with every range case, validators, HEAD,
the access rules and the path guard (AZ-03 for streams, BI-01, BI-05)."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from parlour.demo.recipes import DEMO_LIBRARY
from support import Account, ServerProcess, demo_libraries, serve_libraries

Served = tuple[ServerProcess, dict[str, dict[str, str]], Path]
TRACK = DEMO_LIBRARY.music[0]


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, demo_roots: dict[str, Path]
) -> Iterator[Served]:
    base = tmp_path_factory.mktemp("direct")
    # A library of its own whose file a test swaps for a link out of the root.
    escape_root = base / "escape"
    shutil.copytree(demo_roots["music"] / Path(TRACK.rel_path).parent, escape_root / "Album")
    libraries = demo_libraries(demo_roots) | {"Escape": ("music", escape_root)}
    accounts = [
        Account("alice", "alice-password", ("Music", "Films", "Escape")),
        Account("bob", "bob-password", ("Photos",)),
    ]
    with serve_libraries(base / "data", libraries, accounts) as (process, headers):
        yield process, headers, base


def _track_id(process: ServerProcess, headers: dict[str, str], library: str) -> str:
    libraries = httpx.get(process.base + "/api/v1/libraries", headers=headers, timeout=10).json()
    library_id = next(lib["id"] for lib in libraries if lib["name"] == library)
    tracks = httpx.get(
        process.base + "/api/v1/tracks",
        headers=headers,
        params={"library": library_id, "limit": 500},
        timeout=10,
    ).json()["items"]
    return str(next(t["id"] for t in tracks if t["title"] == TRACK.title))


def _get(
    served: Served, extra: dict[str, str] | None = None, method: str = "GET"
) -> httpx.Response:
    process, headers, _ = served
    track = _track_id(process, headers["alice"], "Music")
    return httpx.request(
        method,
        f"{process.base}/api/v1/items/{track}/stream",
        headers=headers["alice"] | (extra or {}),
        timeout=10,
    )


@pytest.fixture(scope="module")
def original(demo_roots: dict[str, Path]) -> bytes:
    return (demo_roots["music"] / TRACK.rel_path).read_bytes()


def test_the_whole_file_with_its_type_and_validators(served: Served, original: bytes) -> None:
    response = _get(served)
    assert response.status_code == 200
    assert response.content == original
    assert response.headers["content-length"] == str(len(original))
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["content-type"].startswith(("audio/", "video/"))
    assert response.headers["etag"].startswith('"') and response.headers["last-modified"]


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-100", -100, None),
     ("bytes=10-99999999", 10, None)],
)  # fmt: skip
def test_single_ranges(
    served: Served, original: bytes, header: str, start: int, end: int | None
) -> None:
    response = _get(served, {"range": header})
    expected = original[start : None if end is None else end + 1]
    assert response.status_code == 206
    assert response.content == expected
    first = start if start >= 0 else len(original) + start
    last = first + len(expected) - 1
    assert response.headers["content-range"] == f"bytes {first}-{last}/{len(original)}"
    assert response.headers["content-length"] == str(len(expected))


@pytest.mark.parametrize("header", [f"bytes={10**9}-", "bytes=-0"])
def test_unsatisfiable_ranges_get_416(served: Served, original: bytes, header: str) -> None:
    response = _get(served, {"range": header})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{len(original)}"
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "header", ["bytes=0-0,5-9", ",".join(f"bytes={i}-{i}" for i in range(1000)), "bytes=9-1", "x"]
)
def test_many_or_malformed_ranges_get_the_whole_file(
    served: Served, original: bytes, header: str
) -> None:
    response = _get(served, {"range": header[:8000]})
    assert response.status_code == 200
    assert response.content == original


def test_head_answers_the_headers_alone(served: Served, original: bytes) -> None:
    response = _get(served, method="HEAD")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == str(len(original))
    ranged = _get(served, {"range": "bytes=0-9"}, method="HEAD")
    assert (ranged.status_code, ranged.headers["content-length"]) == (206, "10")


def test_validators_drive_304_and_if_range(served: Served, original: bytes) -> None:
    etag = _get(served, method="HEAD").headers["etag"]
    assert _get(served, {"if-none-match": etag}).status_code == 304
    assert _get(served, {"if-none-match": '"other"'}).status_code == 200
    matching = _get(served, {"range": "bytes=0-9", "if-range": etag})
    assert (matching.status_code, matching.content) == (206, original[:10])
    stale = _get(served, {"range": "bytes=0-9", "if-range": '"old"'})
    assert (stale.status_code, stale.content) == (200, original)


def test_a_user_without_the_library_gets_404(served: Served) -> None:
    process, headers, _ = served
    track = _track_id(process, headers["alice"], "Music")
    url = f"{process.base}/api/v1/items/{track}/stream"
    response = httpx.get(url, headers=headers["bob"], timeout=10)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert httpx.get(url, timeout=10).status_code == 401
    unknown = httpx.get(
        f"{process.base}/api/v1/items/{'0' * 32}/stream", headers=headers["bob"], timeout=10
    )
    assert unknown.json() == response.json()  # nothing tells the two apart


def test_a_file_swapped_for_a_link_out_of_its_root_is_not_served(served: Served) -> None:
    process, headers, base = served
    track = _track_id(process, headers["alice"], "Escape")
    url = f"{process.base}/api/v1/items/{track}/stream"
    assert httpx.get(url, headers=headers["alice"], timeout=10).status_code == 200
    secret = base / "secret.txt"
    secret.write_text("not for the network")
    file = base / "escape" / "Album" / Path(TRACK.rel_path).name
    file.unlink()
    file.symlink_to(secret)
    response = httpx.get(url, headers=headers["alice"], timeout=10)
    assert response.status_code == 404
    assert b"not for the network" not in response.content
