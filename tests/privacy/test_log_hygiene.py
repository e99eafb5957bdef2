"""P-13 and P-12 in the server's own log: a whole session (wrong and right passwords,
tokens, browsing, a playback ticket, plays) leaves no password, token, ticket or media
title in it, and a failed sign-in is logged with its network only (/24, /48)."""

import hashlib
import secrets
from pathlib import Path

import httpx
import pytest

from parlour.domain.accounts import HOST
from parlour.privacy.addresses import truncated
from support import ServerProcess, demo_libraries, free_port, open_parlour


def _setup(data: Path, demo_roots: dict[str, Path], passwords: dict[str, str]) -> None:
    app = open_parlour(data)
    try:
        kind, root = demo_libraries(demo_roots)["Music"]
        app.libraries.add(HOST, kind, str(root), "Music")
        assert app.scanner.scan().failures == []
        app.accounts.add_user(HOST, "root", passwords["root"], admin=True)
        app.accounts.add_user(HOST, "alice", passwords["alice"])
        app.accounts.grant(HOST, "alice", ["Music"])
    finally:
        app.close()


def test_a_whole_session_leaves_no_secret_or_title_in_the_log(
    tmp_path: Path, demo_roots: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLOUR_LOG_LEVEL", "INFO")
    data = tmp_path / "data"
    passwords = {name: f"pw-canary-{name}-{secrets.token_hex(6)}" for name in ("root", "alice")}
    wrong = "pw-canary-wrong-" + secrets.token_hex(6)
    _setup(data, demo_roots, passwords)
    server = ServerProcess(data, free_port())
    output = ""
    seen: list[str] = []
    try:
        server.wait_ready()
        refused = httpx.post(
            server.base + "/api/v1/auth/login",
            json={"username": "alice", "password": wrong},
            timeout=10,
        )
        assert refused.status_code == 401
        alice = server.login("alice", passwords["alice"])
        seen.append(alice["Authorization"].removeprefix("Bearer "))
        albums = httpx.get(server.base + "/api/v1/albums", headers=alice, timeout=10).json()
        album = httpx.get(
            server.base + f"/api/v1/albums/{albums['items'][0]['id']}", headers=alice, timeout=10
        ).json()
        titles = [album["title"], *(track["title"] for track in album["tracks"])]
        track = album["tracks"][0]["id"]
        offer = httpx.post(
            server.base + f"/api/v1/items/{track}/playback",
            params={"profile": "firefox"},
            headers=alice,
            timeout=30,
        ).json()
        seen.append(offer["url"].split("/")[4])  # the ticket in /api/v1/play/TICKET/...
        assert httpx.get(server.base + offer["url"], timeout=30).status_code == 200
        played = httpx.post(
            server.base + f"/api/v1/items/{track}/plays", headers=alice, json={}, timeout=10
        )
        assert played.status_code in (200, 201, 204)
        # A made-up token and an unknown route carry secrets the server must not echo.
        bogus = "tok-canary-" + secrets.token_hex(8)
        httpx.get(server.base + "/api/v1/me", headers={"Authorization": "Bearer " + bogus})
        seen.append(bogus)
    finally:
        output = server.stop()
    assert f"failed login from {truncated('127.0.0.1')}" in output  # the log was read
    assert "127.0.0.1" not in output.replace("http://127.0.0.1", "")  # no full address
    for secret in [*passwords.values(), wrong, *seen]:
        assert secret not in output, "a secret reached the log"
    info_lines = [line for line in output.splitlines() if " INFO " in line]
    assert info_lines  # the server did log at INFO
    for title in titles:
        assert all(title not in line for line in info_lines), title


def test_music_apps_credentials_never_reach_the_log(
    tmp_path: Path, demo_roots: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every Subsonic way to sign in (p, p=enc:, t and s, apiKey), right and wrong, a
    replayed salt and a streamed song: no u/p/t/s/apiKey value is in the log."""
    monkeypatch.setenv("PARLOUR_LOG_LEVEL", "DEBUG")
    data = tmp_path / "data"
    passwords = {name: f"pw-canary-{name}-{secrets.token_hex(6)}" for name in ("root", "alice")}
    _setup(data, demo_roots, passwords)
    app = open_parlour(data)
    try:
        secret = app.app_passwords.create_for_user(HOST, "alice", "canary app").secret
    finally:
        app.close()
    wrong = "app-canary-wrong-" + secrets.token_hex(6)
    server = ServerProcess(data, free_port())
    sent: list[str] = [secret, secret.encode().hex(), wrong, wrong.encode().hex()]
    answers: list[str] = []

    def call(method: str, **params: str) -> httpx.Response:
        query = {"v": "1.16.1", "c": "canary", "f": "json"} | params
        answer = httpx.get(f"{server.base}/rest/{method}", params=query, timeout=30)
        answers.append(answer.text)
        return answer

    def token(password: str, salt: str) -> dict[str, str]:
        digest = hashlib.md5((password + salt).encode()).hexdigest()
        sent.extend((digest, salt))
        return {"u": "alice", "t": digest, "s": salt}

    output = ""
    try:
        server.wait_ready()
        assert '"ok"' in call("ping", u="alice", p=secret).text
        assert '"ok"' in call("ping", u="alice", p="enc:" + secret.encode().hex()).text
        salt = "salt-canary-" + secrets.token_hex(4)
        assert '"ok"' in call("ping", **token(secret, salt)).text
        replayed = call("ping", **token(secret, salt))  # the same salt again: refused
        assert '"failed"' in replayed.text
        assert '"ok"' in call("ping", apiKey=secret).text
        assert '"failed"' in call("ping", u="alice", p=wrong).text
        assert (
            '"failed"' in call("ping", **token(wrong, "salt-canary-" + secrets.token_hex(4))).text
        )
        assert '"failed"' in call("ping", apiKey=wrong).text
        songs = call("search3", query="", songCount="1", **token(secret, secrets.token_hex(6)))
        song = songs.json()["subsonic-response"]["searchResult3"]["song"][0]["id"]
        auth = token(secret, secrets.token_hex(6))
        streamed = httpx.get(
            f"{server.base}/rest/stream",
            params={"v": "1.16.1", "c": "canary", "id": song} | auth,
            timeout=30,
        )
        assert streamed.status_code == 200 and streamed.content
    finally:
        output = server.stop()
    # The log was read, and the refused sign-ins are in it (by network only).
    assert f"failed Subsonic sign-in from {truncated('127.0.0.1')}" in output
    for value in sent:
        assert value not in output, "a music app's credential reached the log"
    for answer in answers:  # nor is any echoed back in an error message
        assert secret not in answer and wrong not in answer
