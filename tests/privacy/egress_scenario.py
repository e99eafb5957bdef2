"""The default-configuration scenario of EG-02 and EG-03: sign in, scan, browse, play a
file, transcode one, then read the server's outbound report. Imported by the tests, and
run as a script inside a network namespace that has only loopback (EG-02)."""

import fcntl
import json
import socket
import struct
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ADMIN = ("root", "root-password")
USER = ("plain", "plain-password")
REPORT = "/api/v1/admin/privacy/outbound"
_SCAN_POLLS = 600  # at 0.1 s apart: a minute for the small demo library


def _get(base: str, path: str, headers: dict[str, str], **params: Any) -> httpx.Response:
    response = httpx.get(base + path, headers=headers, params=params, timeout=60)
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:200]}"
    return response


def run_default_scenario(base: str, headers: dict[str, str]) -> dict[str, Any]:
    """Drive the default features as an admin; return what each step saw and the report."""
    seen: dict[str, Any] = {"me": _get(base, "/api/v1/me", headers).json()["name"]}
    started = httpx.post(base + "/api/v1/admin/scan", headers=headers, json={}, timeout=30)
    assert started.status_code == 202, started.text
    for _ in range(_SCAN_POLLS):  # bounded: the scan is small
        status = _get(base, "/api/v1/admin/scan", headers).json()
        if not status["running"]:
            break
        time.sleep(0.1)
    assert not status["running"] and status.get("error") is None, status
    seen["libraries"] = sorted(
        lib["kind"] for lib in _get(base, "/api/v1/libraries", headers).json()
    )
    tracks = _get(base, "/api/v1/tracks", headers).json()["items"]
    word = tracks[0]["title"].split()[0]
    seen["search_hits"] = len(_get(base, "/api/v1/search", headers, q=word).json()["items"])
    track = tracks[0]["id"]
    played = _get(base, f"/api/v1/items/{track}/stream", headers)
    seen["played_bytes"] = len(played.content)
    transcoded = _get(base, f"/api/v1/items/{track}/audio", headers, format="mp3")
    seen["transcoded_type"] = transcoded.headers["content-type"]
    seen["transcoded_bytes"] = len(transcoded.content)
    seen["report"] = _get(base, REPORT, headers).json()
    return seen


def bring_loopback_up() -> None:
    """`ip link set lo up`, without needing iproute2: a new namespace's lo starts down."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH22x", b"lo", 0)
        flags = struct.unpack("16sH22x", fcntl.ioctl(sock, siocgifflags, request))[1]
        fcntl.ioctl(sock, siocsifflags, struct.pack("16sH22x", b"lo", flags | iff_up))


def main(data: Path, roots: dict[str, str]) -> None:
    from support import Account, demo_libraries, serve_libraries  # noqa: PLC0415

    bring_loopback_up()
    interfaces = sorted(name for _, name in socket.if_nameindex())
    accounts = [Account(*ADMIN, admin=True), Account(*USER, libraries=("Music",))]
    libraries = demo_libraries({kind: Path(root) for kind, root in roots.items()})
    with serve_libraries(data, libraries, accounts) as (process, headers):
        seen = run_default_scenario(process.base, headers[ADMIN[0]])
    seen["interfaces"] = interfaces
    print(json.dumps(seen))


if __name__ == "__main__":
    main(Path(sys.argv[1]), json.loads(sys.argv[2]))
