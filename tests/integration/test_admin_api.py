"""Admin over HTTP: only admins manage users, grants, libraries and scans."""

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from parlour.demo.recipes import DEMO_LIBRARY
from parlour.domain.accounts import HOST
from support import ServerProcess, free_port, open_parlour


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, Path]]:
    base = tmp_path_factory.mktemp("admin")
    app = open_parlour(base / "data")
    try:
        app.accounts.add_user(HOST, "root", "root-password", admin=True)
        app.accounts.add_user(HOST, "plain", "plain-password")
    finally:
        app.close()
    process = ServerProcess(base / "data", free_port())
    try:
        process.wait_ready()
        yield process, base
    finally:
        process.stop()


def test_plain_users_get_403_on_every_admin_route(server: tuple[ServerProcess, Path]) -> None:
    process, _ = server
    plain = process.login("plain", "plain-password")
    calls = [
        ("GET", "/api/v1/admin/users"),
        ("POST", "/api/v1/admin/users"),
        ("PUT", "/api/v1/admin/users/x/grants"),
        ("POST", "/api/v1/admin/users/x/disable"),
        ("POST", "/api/v1/admin/libraries"),
        ("POST", "/api/v1/admin/scan"),
        ("GET", "/api/v1/admin/scan"),
        ("GET", "/api/v1/admin/server"),
        ("GET", "/api/v1/admin/sessions"),
        ("DELETE", "/api/v1/admin/sessions/x"),
    ]
    for method, path in calls:
        body = {
            "name": "x",
            "password": "long-enough",
            "libraries": [],
            "kind": "music",
            "path": "/",
        }
        response = httpx.request(method, process.base + path, headers=plain, json=body, timeout=5)
        assert response.status_code == 403, (method, path, response.status_code)


def test_an_admin_adds_a_library_scans_it_and_grants_it(
    server: tuple[ServerProcess, Path], demo_roots: dict[str, Path]
) -> None:
    process, base = server
    root = process.login("root", "root-password")
    music = base / "music"
    shutil.copytree(demo_roots["music"], music)
    created = httpx.post(
        process.base + "/api/v1/admin/libraries",
        headers=root,
        json={"kind": "music", "path": str(music), "name": "Music"},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    library_id = created.json()["id"]
    started = httpx.post(
        process.base + f"/api/v1/admin/libraries/{library_id}/scan", headers=root, timeout=10
    )
    assert started.status_code == 202
    deadline = time.monotonic() + 60
    status = started.json()
    while status["running"] and time.monotonic() < deadline:
        time.sleep(0.2)
        status = httpx.get(process.base + "/api/v1/admin/scan", headers=root, timeout=5).json()
    assert not status["running"]
    assert status["summary"]["added"] == len(DEMO_LIBRARY.music)

    user = httpx.post(
        process.base + "/api/v1/admin/users",
        headers=root,
        json={"name": "newcomer", "password": "newcomer-password"},
        timeout=10,
    )
    assert user.status_code == 201
    newcomer = process.login("newcomer", "newcomer-password")
    assert httpx.get(process.base + "/api/v1/libraries", headers=newcomer, timeout=5).json() == []
    granted = httpx.put(
        process.base + f"/api/v1/admin/users/{user.json()['id']}/grants",
        headers=root,
        json={"libraries": [library_id]},
        timeout=5,
    )
    assert granted.status_code == 200 and granted.json()["libraries"] == [library_id]
    visible = httpx.get(process.base + "/api/v1/libraries", headers=newcomer, timeout=5).json()
    assert [lib["id"] for lib in visible] == [library_id]
    assert visible[0]["counts"]["tracks"] == len(DEMO_LIBRARY.music)

    changed = httpx.put(
        process.base + f"/api/v1/admin/users/{user.json()['id']}/password",
        headers=root,
        json={"password": "another-password"},
        timeout=10,
    )
    assert changed.status_code == 204
    assert httpx.get(process.base + "/api/v1/me", headers=newcomer, timeout=5).status_code == 401


def test_admin_input_errors_are_400_or_409(server: tuple[ServerProcess, Path]) -> None:
    process, _ = server
    root = process.login("root", "root-password")
    for body in (
        {"kind": "music"},
        {"kind": "opera", "path": "/"},
        {"kind": "music", "path": "/no/such"},
    ):
        response = httpx.post(
            process.base + "/api/v1/admin/libraries", headers=root, json=body, timeout=5
        )
        assert response.status_code == 400, body
    dup = httpx.post(
        process.base + "/api/v1/admin/users",
        headers=root,
        json={"name": "ROOT", "password": "whatever1"},
        timeout=10,
    )
    assert dup.status_code == 409
    short = httpx.post(
        process.base + "/api/v1/admin/users",
        headers=root,
        json={"name": "shorty", "password": "short"},
        timeout=10,
    )
    assert short.status_code == 400


def test_revocations_through_the_server_take_effect_on_the_next_request(
    server: tuple[ServerProcess, Path],
) -> None:
    """The server remembers checked tokens for a moment; its own revocations clear that."""
    process, _ = server
    root = process.login("root", "root-password")
    created = httpx.post(
        process.base + "/api/v1/admin/users",
        headers=root,
        json={"name": "dora", "password": "dora-password"},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    dora_id = created.json()["id"]
    dora = process.login("dora", "dora-password")
    assert httpx.get(process.base + "/api/v1/me", headers=dora, timeout=5).status_code == 200
    disabled = httpx.post(
        process.base + f"/api/v1/admin/users/{dora_id}/disable", headers=root, timeout=5
    )
    assert disabled.status_code == 204
    assert httpx.get(process.base + "/api/v1/me", headers=dora, timeout=5).status_code == 401
    # A grant change shows on the next request too.
    httpx.post(process.base + f"/api/v1/admin/users/{dora_id}/enable", headers=root, timeout=5)
    dora = process.login("dora", "dora-password")
    assert httpx.get(process.base + "/api/v1/me", headers=dora, timeout=5).json()["libraries"] == []
    libraries = httpx.get(process.base + "/api/v1/libraries", headers=root, timeout=5).json()
    assert libraries, "an earlier test adds the Music library"
    granted = httpx.put(
        process.base + f"/api/v1/admin/users/{dora_id}/grants",
        headers=root,
        json={"libraries": [lib["id"] for lib in libraries]},
        timeout=5,
    )
    assert granted.status_code == 200, granted.text
    me = httpx.get(process.base + "/api/v1/me", headers=dora, timeout=5).json()
    assert sorted(me["libraries"]) == sorted(lib["id"] for lib in libraries)
