"""Accounts over real HTTP: sign-in, tokens, revocation, the limiter, grants, and a
route inventory (AZ-01) that keeps every route behind sign-in unless it is listed in
tests/public_routes.txt, every admin route closed to plain users, and every route behind
the Host allow-list."""

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from parlour.domain.accounts import HOST
from parlour.frontends.web.app import PUBLIC_ROUTES, create_app
from parlour.services.viewer_cache import VIEWER_CACHE_S
from support import ServerProcess, add_user, free_port, open_parlour, registered_routes

PASSWORDS = {"root": "root-password", "alice": "alice-password", "bob": "bob-password"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, Path]]:
    base = tmp_path_factory.mktemp("accounts")
    data = base / "data"
    app = open_parlour(data)
    try:
        for kind, name in (("music", "Alice Music"), ("photos", "Bob Photos"), ("movies", "Films")):
            (base / name).mkdir()
            app.libraries.add(HOST, kind, str(base / name), name)
        for name, password in PASSWORDS.items():
            app.accounts.add_user(HOST, name, password, admin=name == "root")
        app.accounts.grant(HOST, "alice", ["Alice Music", "Films"])
        app.accounts.grant(HOST, "bob", ["Bob Photos"])
    finally:
        app.close()
    process = ServerProcess(data, free_port())
    try:
        process.wait_ready()
        yield process, data
    finally:
        process.stop()


def _libraries(server: ServerProcess, headers: dict[str, str]) -> set[str]:
    response = httpx.get(server.base + "/api/v1/libraries", headers=headers, timeout=5)
    assert response.status_code == 200, response.text
    return {lib["name"] for lib in response.json()}


def test_each_user_sees_only_granted_libraries(server: tuple[ServerProcess, Path]) -> None:
    process, _ = server
    assert _libraries(process, process.login("alice", PASSWORDS["alice"])) == {
        "Alice Music",
        "Films",
    }
    assert _libraries(process, process.login("bob", PASSWORDS["bob"])) == {"Bob Photos"}
    assert _libraries(process, process.login("root", PASSWORDS["root"])) == {
        "Alice Music",
        "Bob Photos",
        "Films",
    }


def test_user_names_match_case_and_width_insensitively(server: tuple[ServerProcess, Path]) -> None:
    process, _ = server
    full_width = "\uff21\uff2c\uff29\uff23\uff25"  # "ALICE" in full-width capitals
    headers = process.login(full_width, PASSWORDS["alice"])
    me = httpx.get(process.base + "/api/v1/me", headers=headers, timeout=5).json()
    assert me["name"] == "alice"


def _login(process: ServerProcess, name: str, password: str, **kwargs: object) -> httpx.Response:
    return httpx.post(
        process.base + "/api/v1/auth/login",
        json={"username": name, "password": password},
        timeout=10,
        **kwargs,  # type: ignore[arg-type]
    )


def test_unknown_users_and_wrong_passwords_get_the_same_answer(
    server: tuple[ServerProcess, Path],
) -> None:
    process, _ = server
    wrong = _login(process, "bob", "not-his-password")
    unknown = _login(process, "nobody-at-all", "not-his-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("body", [b"", b"[]", b"{not json", b'{"username": 3, "password": "x"}'])
def test_malformed_logins_get_a_clear_400(server: tuple[ServerProcess, Path], body: bytes) -> None:
    process, _ = server
    response = httpx.post(process.base + "/api/v1/auth/login", content=body, timeout=5)
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_logout_revokes_the_token_at_once(server: tuple[ServerProcess, Path]) -> None:
    process, _ = server
    headers = process.login("alice", PASSWORDS["alice"])
    assert httpx.get(process.base + "/api/v1/me", headers=headers, timeout=5).status_code == 200
    assert (
        httpx.post(process.base + "/api/v1/auth/logout", headers=headers, timeout=5).status_code
        == 204
    )
    after = httpx.get(process.base + "/api/v1/me", headers=headers, timeout=5)
    assert after.status_code == 401
    assert after.headers["www-authenticate"].startswith("Bearer")


def test_disabling_a_user_revokes_their_tokens_within_a_second(
    server: tuple[ServerProcess, Path],
) -> None:
    process, data = server
    add_user(data, "carol", "carol-password")
    headers = process.login("carol", "carol-password")
    app = open_parlour(data)
    try:
        app.accounts.set_disabled(HOST, "carol", True)
    finally:
        app.close()
    # Revoked in the catalogue by another process (the command line): the server's
    # memory of checked tokens lasts VIEWER_CACHE_S, well within the promised second.
    time.sleep(VIEWER_CACHE_S)
    status = httpx.get(process.base + "/api/v1/me", headers=headers, timeout=5).status_code
    assert status == 401
    assert _login(process, "carol", "carol-password").status_code == 401


def test_a_user_cannot_revoke_another_users_token(server: tuple[ServerProcess, Path]) -> None:
    process, _ = server
    alice = process.login("alice", PASSWORDS["alice"])
    bob = process.login("bob", PASSWORDS["bob"])
    bobs = httpx.get(process.base + "/api/v1/me/tokens", headers=bob, timeout=5).json()
    assert bobs and all("token_hash" not in token for token in bobs)
    response = httpx.delete(
        process.base + f"/api/v1/me/tokens/{bobs[0]['id']}", headers=alice, timeout=5
    )
    assert response.status_code == 404
    assert httpx.get(process.base + "/api/v1/me", headers=bob, timeout=5).status_code == 200
    own = httpx.delete(process.base + f"/api/v1/me/tokens/{bobs[0]['id']}", headers=bob, timeout=5)
    assert own.status_code == 204


def test_login_limiter_answers_429_per_account_and_address(
    server: tuple[ServerProcess, Path],
) -> None:
    process, _ = server
    add_user(server[1], "dave", "dave-password")
    for _ in range(10):
        assert _login(process, "dave", "guess").status_code == 401
    limited = _login(process, "dave", "dave-password")
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    # A forwarded header from an untrusted peer changes nothing.
    spoofed = _login(process, "dave", "dave-password", headers={"X-Forwarded-For": "203.0.113.9"})
    assert spoofed.status_code == 429
    # The owner from another address is not locked out.
    other = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(transport=other, timeout=10) as client:
        response = client.post(
            f"http://127.0.0.1:{process.port}/api/v1/auth/login",
            json={"username": "dave", "password": "dave-password"},
        )
    assert response.status_code == 200


PUBLIC_LIST = Path(__file__).parents[1] / "public_routes.txt"
# What each public route answers an anonymous, empty request here (an admin exists, so
# first-run setup is over). A new public route must be added here too: classified.
PUBLIC_ANSWERS = {
    ("GET", "/healthz"): 200,
    ("POST", "/api/v1/auth/login"): 400,
    ("GET", "/api/v1/setup"): 200,
    ("POST", "/api/v1/setup"): 404,
    ("GET", "/api/v1/openapi.json"): 200,
    ("GET", "/api/v1/export/{secret}"): 404,  # no such link (P-10)
    ("GET", "/"): 200,  # the web UI's page: no data in it
    ("GET", "/static/{path:path}"): 404,  # no such file
    # Subsonic answers its errors with HTTP 200 and status="failed" (checked below).
    ("GET", "/rest/{method}"): 200,
    ("POST", "/rest/{method}"): 200,
}
# Enough for any admin route's body to parse, so that the answer is the access check's.
ADMIN_BODY = {
    "name": "x",
    "password": "long-enough",
    "libraries": [],
    "kind": "music",
    "path": "/",
    "full": False,
    "enabled": False,
    "approved": False,
}


def _registered(data: Path) -> list[tuple[str, str]]:
    app = open_parlour(data)
    try:
        return registered_routes(create_app(app, watch=False))
    finally:
        app.close()


def _concrete(path: str) -> str:
    return re.sub(r"\{[a-z_]+(:[a-z]+)?\}", "0" * 32, path)


def test_public_routes_file_matches_the_app() -> None:
    lines = PUBLIC_LIST.read_text().splitlines()
    assert any(line.startswith("#") for line in lines), "keep the explaining comment"
    listed = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    assert listed == set(PUBLIC_ROUTES)


def test_every_route_needs_sign_in_unless_listed_public(server: tuple[ServerProcess, Path]) -> None:
    process, data = server
    routes = _registered(data)
    public = {(method, path) for method, path in routes if path in PUBLIC_ROUTES}
    assert public == set(PUBLIC_ANSWERS), "classify every public route in PUBLIC_ANSWERS"
    for method, path in routes:
        response = httpx.request(method, process.base + _concrete(path), timeout=5)
        expected = PUBLIC_ANSWERS.get((method, path), 401)
        assert response.status_code == expected, (method, path, response.status_code)
        if expected >= 400:
            assert response.headers["content-type"] == "application/problem+json"
        if path.startswith("/rest/"):
            assert 'status="failed"' in response.text, (method, path)
    assert len(routes) >= len(PUBLIC_ANSWERS) + 20


def test_every_admin_route_refuses_plain_users(server: tuple[ServerProcess, Path]) -> None:
    process, data = server
    plain = process.login("alice", PASSWORDS["alice"])
    admin_routes = [(m, p) for m, p in _registered(data) if p.startswith("/api/v1/admin/")]
    for method, path in admin_routes:
        response = httpx.request(
            method, process.base + _concrete(path), headers=plain, json=ADMIN_BODY, timeout=5
        )
        assert response.status_code == 403, (method, path, response.status_code)
    assert len(admin_routes) >= 12


def test_every_route_refuses_an_unknown_host_first(server: tuple[ServerProcess, Path]) -> None:
    process, data = server
    root = process.login("root", PASSWORDS["root"])
    for method, path in _registered(data):
        response = httpx.request(
            method,
            process.base + _concrete(path),
            headers=root | {"Host": "rebound.example"},
            json=ADMIN_BODY,
            timeout=5,
        )
        assert response.status_code == 421, (method, path, response.status_code)


def test_browser_sessions_use_httponly_cookies_and_csrf_tokens(
    server: tuple[ServerProcess, Path],
) -> None:
    process, _ = server
    with httpx.Client(base_url=process.base, timeout=10) as browser:
        response = browser.post(
            "/api/v1/auth/login",
            json={"username": "alice", "password": PASSWORDS["alice"], "cookie": True},
        )
        assert response.status_code == 200
        assert "token" not in response.json()  # the token never reaches the page
        cookies = {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}
        session = cookies["parlour_session"].lower()
        assert "httponly" in session and "samesite=lax" in session
        assert "max-age" not in session  # no "remember me": gone with the browser
        assert "secure" not in session  # plain HTTP here; set under TLS
        assert "httponly" not in cookies["parlour_csrf"].lower()  # the page reads it
        csrf = response.json()["csrf_token"]
        assert browser.get("/api/v1/me").json()["name"] == "alice"
        forged = browser.post("/api/v1/auth/logout")  # what a cross-site form could send
        assert forged.status_code == 403
        assert browser.get("/api/v1/me").status_code == 200
        assert (
            browser.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
        )
        assert browser.get("/api/v1/me").status_code == 401


def test_remember_me_keeps_the_cookie_across_browser_restarts(
    server: tuple[ServerProcess, Path],
) -> None:
    process, _ = server
    response = httpx.post(
        process.base + "/api/v1/auth/login",
        json={
            "username": "alice",
            "password": PASSWORDS["alice"],
            "cookie": True,
            "remember": True,
        },
        timeout=10,
    )
    session = next(
        h for h in response.headers.get_list("set-cookie") if h.startswith("parlour_session")
    )
    assert "max-age=" in session.lower()
