"""First-run setup over real HTTP (AU-10): a one-time code on the console, and only
there, claims the first admin; after that the route is gone for good."""

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from support import ServerProcess, add_user, free_port, run_parlour

SETUP = "/api/v1/setup"
CODE_LINE = re.compile(
    r"setup code ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}) at http://127\.0\.0\.1:(\d+)/api/v1/setup"
)


class Console:
    """A server and what it printed, read up to its "serving on" line."""

    def __init__(self, data: Path) -> None:
        self.server = ServerProcess(data, free_port())
        self.server.wait_ready()
        self.lines: list[str] = []
        stdout = self.server.process.stdout
        assert stdout is not None
        # Everything up to this line was printed before the server answered /healthz.
        while len(self.lines) < 10_000 and "serving on" not in "".join(self.lines[-1:]):
            self.lines.append(stdout.readline())

    @property
    def code(self) -> str | None:
        found = [m for line in self.lines if (m := CODE_LINE.search(line))]
        assert len(found) <= 1
        if not found:
            return None
        assert int(found[0].group(2)) == self.server.port
        return found[0].group(1)

    def stop(self) -> str:
        """Stop the server; everything it printed."""
        self.server.process.terminate()
        try:
            rest, _ = self.server.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.server.stop()
            raise
        return "".join(self.lines) + rest

    def claim(self, code: str, password: str = "first-password", **extra: object) -> httpx.Response:
        body = {"code": code, "username": "owner", "password": password, **extra}
        return httpx.post(self.server.base + SETUP, json=body, timeout=10)

    def needed(self) -> bool:
        response = httpx.get(self.server.base + SETUP, timeout=10)
        assert response.status_code == 200
        return bool(response.json()["needed"])


@pytest.fixture
def console(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Console]:
    monkeypatch.setenv("PARLOUR_LOG_LEVEL", "DEBUG")  # the code must stay out of every log
    console = Console(tmp_path / "data")
    try:
        yield console
    finally:
        console.server.stop()


def test_the_printed_code_claims_the_first_admin_once(console: Console, tmp_path: Path) -> None:
    code = console.code
    assert code is not None
    assert console.needed()
    base = console.server.base

    wrong = console.claim("AAAA-BBBB-CCCC")
    assert wrong.status_code == 403
    assert wrong.headers["content-type"] == "application/problem+json"
    assert console.claim(code, password="short").status_code == 400  # code kept
    assert httpx.post(base + SETUP, json={"code": code}, timeout=10).status_code == 400
    assert console.needed()

    claimed = console.claim(code.lower().replace("-", ""))  # as a person might type it
    assert claimed.status_code == 200, claimed.text
    user = claimed.json()["user"]
    assert (user["name"], user["role"]) == ("owner", "admin")
    headers = {"Authorization": "Bearer " + claimed.json()["token"]}
    me = httpx.get(base + "/api/v1/me", headers=headers, timeout=10)
    assert me.status_code == 200 and me.json()["role"] == "admin"
    users = httpx.get(base + "/api/v1/admin/users", headers=headers, timeout=10)
    assert [user["name"] for user in users.json()] == ["owner"]

    assert not console.needed()
    assert console.claim(code).status_code == 404  # gone for good, the right code too
    assert httpx.post(base + SETUP, content=b"not json", timeout=10).status_code == 404

    output = console.stop()
    assert output.count(code) == 1, "the code is printed once and never logged"
    assert "DEBUG" in output  # the logs were on, at their most talkative
    for path in (tmp_path / "data").rglob("*"):
        if path.is_file():
            stored = path.read_bytes()
            assert code.encode() not in stored and code.replace("-", "").encode() not in stored


def test_wrong_codes_count_against_the_login_limiter_per_address(console: Console) -> None:
    code = console.code
    assert code is not None
    elsewhere = httpx.HTTPTransport(local_address="127.0.0.3")
    url = f"http://127.0.0.1:{console.server.port}{SETUP}"
    with httpx.Client(transport=elsewhere, timeout=10) as guesser:
        answers = [
            guesser.post(
                url,
                json={"code": f"GUES-S{i:03d}-XXXX", "username": "x", "password": "long-enough"},
            ).status_code
            for i in range(10)
        ]
        assert answers == [403] * 10
        limited = guesser.post(url, json={"code": code, "username": "x", "password": "long-enough"})
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) > 0
    assert console.needed()
    # The console's owner, from another address, is not locked out.
    assert console.claim(code).status_code == 200


def test_a_claim_can_open_a_browser_session(console: Console) -> None:
    code = console.code
    assert code is not None
    with httpx.Client(base_url=console.server.base, timeout=10) as browser:
        claimed = browser.post(
            SETUP,
            json={"code": code, "username": "owner", "password": "first-password", "cookie": True},
        )
        assert claimed.status_code == 200, claimed.text
        assert "token" not in claimed.json() and claimed.json()["csrf_token"]
        session = next(
            h for h in claimed.headers.get_list("set-cookie") if h.startswith("parlour_session=")
        )
        assert "httponly" in session.lower()
        assert browser.get("/api/v1/me").json()["role"] == "admin"


def test_an_admin_added_on_the_host_voids_the_code(console: Console, tmp_path: Path) -> None:
    code = console.code
    assert code is not None
    add_user(tmp_path / "data", "host-admin", "host-password", admin=True)
    assert not console.needed()
    assert console.claim(code).status_code == 404
    listed = run_parlour("--data-dir", str(tmp_path / "data"), "user", "list", "--json")
    assert '"owner"' not in listed.stdout


def test_no_code_is_printed_when_an_admin_exists(tmp_path: Path) -> None:
    data = tmp_path / "data"
    add_user(data, "boss", "boss-password", admin=True)
    console = Console(data)
    try:
        assert console.code is None
        assert not console.needed()
        assert console.claim("AAAA-BBBB-CCCC").status_code == 404
        output = console.stop()
        assert "setup code" not in output
    finally:
        console.server.stop()
