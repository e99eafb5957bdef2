"""An admin sees every user's signed-in devices and signs them out (issue 6, P-15), over
real HTTP on loopback: only admins may, the answer holds what the sign-in record holds and
never an address, and a signed-out token stops working on its next use. Also FF-04: the
server-info answer says whether the ffmpeg in use is older than the supported minimum,
and start-up logs its version and build."""

import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from parlour.domain.accounts import HOST
from parlour.services.accounts import SESSION_IDLE_S
from parlour.storage import account_store
from support import ServerProcess, free_port, open_parlour

PASSWORDS = {"root": "root-password", "alice": "alice-password"}
SIGN_IN_FIELDS = {
    "id",
    "user",
    "kind",
    "label",
    "created_at",
    "last_used_at",
    "expires_at",
    "current",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data = tmp_path_factory.mktemp("admin-sessions") / "data"
    app = open_parlour(data)
    try:
        app.accounts.add_user(HOST, "root", PASSWORDS["root"], admin=True)
        app.accounts.add_user(HOST, "alice", PASSWORDS["alice"])
    finally:
        app.close()
    process = ServerProcess(data, free_port())
    try:
        process.wait_ready()
        yield process
    finally:
        process.stop()


def _login(server: ServerProcess, name: str, **options: Any) -> str:
    answer = httpx.post(
        server.base + "/api/v1/auth/login",
        json={"username": name, "password": PASSWORDS[name], **options},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["token"])


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _sessions(server: ServerProcess, token: str) -> list[dict[str, Any]]:
    answer = httpx.get(server.base + "/api/v1/admin/sessions", headers=_bearer(token), timeout=10)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()
    return found


def _my_token_ids(server: ServerProcess, token: str) -> set[str]:
    answer = httpx.get(server.base + "/api/v1/me/tokens", headers=_bearer(token), timeout=10)
    return {row["id"] for row in answer.json()}


def test_only_admins_may_list_or_end_sign_ins(server: ServerProcess) -> None:
    alice = _login(server, "alice")
    alice_id = next(iter(_my_token_ids(server, alice)))
    calls = [("GET", "/api/v1/admin/sessions"), ("DELETE", f"/api/v1/admin/sessions/{alice_id}")]
    for method, path in calls:
        anonymous = httpx.request(method, server.base + path, timeout=10)
        assert anonymous.status_code == 401, (method, path)
        plain = httpx.request(method, server.base + path, headers=_bearer(alice), timeout=10)
        assert plain.status_code == 403, (method, path)
        assert plain.headers["content-type"] == "application/problem+json"
    # Her own sign-in is untouched by her refused attempt.
    assert httpx.get(server.base + "/api/v1/me", headers=_bearer(alice)).status_code == 200


def test_root_sees_alices_sign_ins_with_what_the_record_holds_and_no_address(
    server: ServerProcess,
) -> None:
    root = _login(server, "root")
    phone = _login(server, "alice", device="Alice's phone")
    with httpx.Client(base_url=server.base, timeout=10) as client:  # her browser session
        answer = client.post(
            "/api/v1/auth/login",
            json={"username": "alice", "password": PASSWORDS["alice"], "cookie": True},
        )
        assert answer.status_code == 200
    answer = httpx.get(server.base + "/api/v1/admin/sessions", headers=_bearer(root), timeout=10)
    assert answer.status_code == 200
    listed: list[dict[str, Any]] = answer.json()
    alice_rows = [row for row in listed if row["user"]["name"] == "alice"]
    phone_row = next(row for row in alice_rows if row["label"] == "Alice's phone")
    assert phone_row["kind"] == "device"
    assert phone_row["id"] in _my_token_ids(server, phone)
    assert phone_row["user"]["id"] != next(r for r in listed if r["current"])["user"]["id"]
    assert any(row["kind"] == "session" and row["label"] is None for row in alice_rows)
    for row in listed:
        assert set(row) == SIGN_IN_FIELDS, row
        assert set(row["user"]) == {"id", "name"}
        assert row["created_at"] <= row["last_used_at"] < row["expires_at"]
    # Exactly one is the caller's current one: root's own token.
    (current,) = [row for row in listed if row["current"]]
    assert current["user"]["name"] == "root"
    assert current["id"] in _my_token_ids(server, root)
    # Last used first.
    used = [row["last_used_at"] for row in listed]
    assert used == sorted(used, reverse=True)
    # Nothing but those fields: no address (none is stored), no token, no hash.
    for absent in ("127.0.0.1", "::1", "localhost", "address", "hash", phone, root):
        assert absent not in answer.text, absent


def test_root_signs_alices_device_out_and_her_token_stops_working(server: ServerProcess) -> None:
    root = _login(server, "root")
    alice = _login(server, "alice", device="Alice's tablet")
    me = server.base + "/api/v1/me"
    assert httpx.get(me, headers=_bearer(alice), timeout=10).status_code == 200  # remembered now
    (alice_id,) = _my_token_ids(server, alice) & {
        row["id"] for row in _sessions(server, root) if row["label"] == "Alice's tablet"
    }
    ended = httpx.delete(
        server.base + f"/api/v1/admin/sessions/{alice_id}", headers=_bearer(root), timeout=10
    )
    assert ended.status_code == 204
    # At once: the server's half-second memory of checked tokens does not keep it alive.
    assert httpx.get(me, headers=_bearer(alice), timeout=10).status_code == 401
    assert alice_id not in {row["id"] for row in _sessions(server, root)}
    again = httpx.delete(
        server.base + f"/api/v1/admin/sessions/{alice_id}", headers=_bearer(root), timeout=10
    )
    assert again.status_code == 404
    assert again.headers["content-type"] == "application/problem+json"
    unknown = httpx.delete(
        server.base + "/api/v1/admin/sessions/no-such-sign-in", headers=_bearer(root), timeout=10
    )
    assert unknown.status_code == 404
    assert httpx.get(me, headers=_bearer(root), timeout=10).status_code == 200


def test_an_admin_may_sign_their_own_current_session_out(server: ServerProcess) -> None:
    root = _login(server, "root")
    other_root = _login(server, "root")
    (own,) = [row for row in _sessions(server, root) if row["current"]]
    ended = httpx.delete(
        server.base + f"/api/v1/admin/sessions/{own['id']}", headers=_bearer(root), timeout=10
    )
    assert ended.status_code == 204
    assert httpx.get(server.base + "/api/v1/me", headers=_bearer(root)).status_code == 401
    # Only that one: root's other sign-in goes on.
    assert httpx.get(server.base + "/api/v1/me", headers=_bearer(other_root)).status_code == 200


def test_expired_idle_and_disabled_sign_ins_are_not_listed(tmp_path: Path) -> None:
    app = open_parlour(tmp_path / "data")
    try:
        admin = app.accounts.add_user(HOST, "root", PASSWORDS["root"], admin=True)
        alice = app.accounts.add_user(HOST, "alice", PASSWORDS["alice"])
        token, viewer = app.accounts.issue_token(admin.id)
        now = 2_000_000_000
        with app.catalogue.writing() as conn:
            rows = {
                "live": account_store.add_token(
                    conn, alice.id, "h1", "session", None, now, now + 9
                ),
                "expired": account_store.add_token(conn, alice.id, "h2", "device", "x", 1, now),
                "idle": account_store.add_token(
                    conn, alice.id, "h3", "session", None, now - SESSION_IDLE_S, now + 9
                ),
            }
            listed = account_store.list_sign_ins(conn, now, "h1", SESSION_IDLE_S, 90 * 86400)
        assert [row.id for row in listed] == [rows["live"]]
        assert listed[0].current and listed[0].user_name == "alice"
        # Through the service, for real times: root's own, marked, and no disabled user's.
        app.accounts.issue_token(alice.id, device="Alice's laptop")
        app.accounts.set_disabled(viewer, "alice", True)
        shown = app.accounts.sign_ins(viewer, token)
        assert [(row.user_name, row.current) for row in shown] == [("root", True)]
    finally:
        app.close()


# -- FF-04: the ffmpeg in use, its age and the start-up log ------------------------------


def _fake_ffmpeg(folder: Path, version: str) -> Path:
    """An executable that describes itself as an ffmpeg build of this version (the
    server only asks it ``-version``; nothing here transcodes)."""
    script = folder / "ffmpeg"
    script.write_text(
        f"#!{sys.executable}\n"
        f"print('ffmpeg version {version} Copyright (c) 2000-2022 the FFmpeg developers')\n"
        "print('built with gcc 12 (Debian 12.2.0-14)')\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.mark.parametrize(
    ("version", "outdated", "warning"),
    [
        ("4.4.2-0+deb12u1", True, "is older than 6.0"),
        ("N-112345-gabcdef", None, "names no release number"),
    ],
)
def test_the_server_says_whether_its_ffmpeg_is_too_old_and_logs_it_at_start(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    version: str,
    outdated: bool | None,
    warning: str,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    fake = _fake_ffmpeg(tmp_path, version)
    (data / "parlour.toml").write_text(f'ffmpeg_path = "{fake}"\n')
    app = open_parlour(data)
    try:
        app.accounts.add_user(HOST, "root", PASSWORDS["root"], admin=True)
        app.accounts.add_user(HOST, "alice", PASSWORDS["alice"])
    finally:
        app.close()
    monkeypatch.setenv("PARLOUR_LOG_LEVEL", "INFO")  # the child server inherits it
    process = ServerProcess(data, free_port())
    try:
        process.wait_ready()
        root = _bearer(_login(process, "root"))
        info = httpx.get(process.base + "/api/v1/admin/server", headers=root, timeout=10).json()
        plain = _bearer(_login(process, "alice"))
        refused = httpx.get(process.base + "/api/v1/admin/server", headers=plain, timeout=10)
    finally:
        log = process.stop()
    assert info["ffmpeg_version"] == version
    assert info["ffmpeg_minimum"] == "6.0"
    assert info["ffmpeg_outdated"] is outdated
    assert refused.status_code == 403
    assert f"ffmpeg {version} (built with gcc 12 (Debian 12.2.0-14))" in log
    assert warning in log
