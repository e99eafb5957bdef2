"""App passwords over real HTTP and the command line (issue 7, AU-11): made, listed and
revoked through /api/v1/me/app-passwords; made by `parlour user app-password`, whose last
line is the password and signs a music app in; stored with no plaintext in the database
files; never in the server's log."""

import hashlib
import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from parlour.domain.accounts import HOST
from parlour.domain.errors import AuthenticationError
from parlour.services.app_passwords import MAX_PER_USER, SubsonicAuthError
from support import ServerProcess, free_port, open_parlour, run_parlour

PASSWORDS = {"root": "root-app-password-test", "alice": "alice-app-password-test"}
PATH = "/api/v1/me/app-passwords"


class Served:
    def __init__(self, process: ServerProcess, data: Path) -> None:
        self.process, self.data = process, data

    def call(self, method: str, path: str, who: dict[str, str], **kw: object) -> httpx.Response:
        return httpx.request(method, self.process.base + path, headers=who, timeout=30, **kw)  # type: ignore[arg-type]

    def files(self) -> bytes:
        db, wal = self.data / "catalogue.db", self.data / "catalogue.db-wal"
        return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch
) -> Iterator[Served]:
    monkeypatch_module.setenv("PARLOUR_LOG_LEVEL", "INFO")  # the log must have lines to read
    data = tmp_path_factory.mktemp("app-passwords") / "data"
    app = open_parlour(data)
    try:
        for name, password in PASSWORDS.items():
            app.accounts.add_user(HOST, name, password, admin=name == "root")
    finally:
        app.close()
    process = ServerProcess(data, free_port())
    try:
        process.wait_ready()
        yield Served(process, data)
    finally:
        process.stop()


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def _login(served: Served, name: str) -> dict[str, str]:
    return served.process.login(name, PASSWORDS[name])


def test_made_listed_and_revoked_through_the_api(served: Served) -> None:
    alice = _login(served, "alice")
    made = served.call("POST", PATH, alice, json={"label": "  Phone: Symfonium  "})
    assert made.status_code == 201, made.text
    assert made.headers["cache-control"] == "no-store"
    body = made.json()
    assert body["label"] == "Phone: Symfonium" and body["username"] == "alice"
    assert body["last_used_at"] is None
    secret = body["password"]
    assert len(secret) == 26 and secret.isalnum() and secret == secret.lower()

    listed = served.call("GET", PATH, alice).json()
    mine = [row for row in listed if row["id"] == body["id"]]
    assert mine == [{k: body[k] for k in ("id", "label", "created_at", "last_used_at")}]
    assert secret not in served.call("GET", PATH, alice).text
    assert secret not in served.call("GET", "/api/v1/me/export", alice).text

    # Root cannot see or revoke Alice's, and an unknown id is 404 too.
    root = _login(served, "root")
    assert body["id"] not in served.call("GET", PATH, root).text
    assert served.call("DELETE", f"{PATH}/{body['id']}", root).status_code == 404
    assert served.call("DELETE", f"{PATH}/{'0' * 32}", alice).status_code == 404

    assert served.call("DELETE", f"{PATH}/{body['id']}", alice).status_code == 204
    assert all(row["id"] != body["id"] for row in served.call("GET", PATH, alice).json())
    assert served.call("DELETE", f"{PATH}/{body['id']}", alice).status_code == 404


@pytest.mark.parametrize(
    "payload", [{}, {"label": ""}, {"label": "   "}, {"label": "x" * 65}, {"label": 3}]
)
def test_a_label_is_1_to_64_printable_characters(served: Served, payload: object) -> None:
    answer = served.call("POST", PATH, _login(served, "alice"), json=payload)
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"


def test_app_password_routes_need_a_sign_in_and_csrf_with_a_cookie(served: Served) -> None:
    for method, path in (("GET", PATH), ("POST", PATH), ("DELETE", f"{PATH}/{'0' * 32}")):
        assert served.call(method, path, {}).status_code == 401
    with httpx.Client(base_url=served.process.base, timeout=10) as browser:
        signed = browser.post(
            "/api/v1/auth/login",
            json={"username": "alice", "password": PASSWORDS["alice"], "cookie": True},
        )
        csrf = signed.json()["csrf_token"]
        assert browser.get(PATH).status_code == 200
        assert browser.post(PATH, json={"label": "forged"}).status_code == 403
        made = browser.post(PATH, json={"label": "browser"}, headers={"X-CSRF-Token": csrf})
        assert made.status_code == 201
        gone = f"{PATH}/{made.json()['id']}"
        assert browser.delete(gone).status_code == 403
        assert browser.delete(gone, headers={"X-CSRF-Token": csrf}).status_code == 204


def test_a_user_has_at_most_fifty(served: Served) -> None:
    root = _login(served, "root")
    have = len(served.call("GET", PATH, root).json())
    for n in range(MAX_PER_USER - have):
        assert served.call("POST", PATH, root, json={"label": f"app {n}"}).status_code == 201
    refused = served.call("POST", PATH, root, json={"label": "one too many"})
    assert refused.status_code == 409
    for row in served.call("GET", PATH, root).json():
        assert served.call("DELETE", f"{PATH}/{row['id']}", root).status_code == 204


def test_the_command_lines_last_line_is_a_password_that_signs_a_music_app_in(
    served: Served,
) -> None:
    made = run_parlour(
        "--data-dir", str(served.data), "user", "app-password", "alice", "--label", "Desktop"
    )
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip().splitlines()[-1]
    assert len(secret) == 26 and " " not in secret
    listed = run_parlour("--data-dir", str(served.data), "user", "app-passwords", "alice")
    assert listed.returncode == 0 and "Desktop [" in listed.stdout and "never used" in listed.stdout
    assert secret not in listed.stdout

    salt = secrets.token_hex(8)
    token = hashlib.md5((secret + salt).encode()).hexdigest()
    app = open_parlour(served.data)
    try:
        viewer = app.app_passwords.authenticate("alice", token=token, salt=salt, peer="127.0.0.1")
        assert viewer.name == "alice"
        with pytest.raises(SubsonicAuthError):  # the account password is no app password
            app.app_passwords.authenticate("alice", password=PASSWORDS["alice"], peer="127.0.0.1")
    finally:
        app.close()
    # Listed through the API with its last use; revoked on the command line, it is dead.
    alice = _login(served, "alice")
    row = next(r for r in served.call("GET", PATH, alice).json() if r["label"] == "Desktop")
    assert row["last_used_at"] is not None
    revoked = run_parlour(
        "--data-dir", str(served.data), "user", "app-passwords", "alice", "--revoke", row["id"]
    )
    assert revoked.returncode == 0, revoked.stderr
    app = open_parlour(served.data)
    try:
        with pytest.raises(AuthenticationError):
            app.app_passwords.authenticate("alice", password=secret, peer="127.0.0.1")
    finally:
        app.close()


def test_the_database_files_hold_no_app_password_in_clear(served: Served) -> None:
    alice = _login(served, "alice")
    made = served.call("POST", PATH, alice, json={"label": "Kitchen"}).json()
    secret = made["password"]
    files = served.files()
    assert b"Kitchen" in files  # the label is there, so the search below can fail
    for form in (secret, secret.upper(), secret.encode().hex()):
        assert form.encode() not in files
    assert secret.encode("utf-16-le") not in files


def test_the_server_log_holds_no_app_password(served: Served) -> None:
    """Runs last in this module: it stops the server to read its whole log."""
    alice = _login(served, "alice")
    secret = served.call("POST", PATH, alice, json={"label": "Log"}).json()["password"]
    served.call("GET", PATH, alice)
    served.call("GET", f"/api/v1/me?p={secret}&apiKey={secret}", alice)
    log = served.process.stop()
    assert " INFO " in log and "app password" in log  # the log was written and read
    assert secret not in log
