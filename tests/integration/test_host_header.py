"""The Host allow-list over real HTTP (AU-12): names this server does not know get 421
before anything else happens, so a DNS-rebinding page reaches nothing."""

import socket
from collections.abc import Iterator

import httpx
import pytest

from support import ServerProcess, free_port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data = tmp_path_factory.mktemp("hosts") / "data"
    data.mkdir()
    (data / "parlour.toml").write_text('allowed_hosts = ["media.home", "Parlour.Example."]\n')
    server = ServerProcess(data, free_port())
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def _get(server: ServerProcess, host: str, path: str = "/healthz") -> httpx.Response:
    return httpx.get(server.base + path, headers={"Host": host}, timeout=10)


def test_known_names_and_ip_literals_are_served(server: ServerProcess) -> None:
    own = socket.gethostname().lower().removesuffix(".local")
    port = server.port
    for host in (
        f"127.0.0.1:{port}",
        "192.168.1.20",  # any IP literal: the server reached by its LAN address
        f"[::1]:{port}",
        f"localhost:{port}",
        "LOCALHOST",
        own,
        f"{own}.local:{port}",
        "media.home",  # from allowed_hosts
        "parlour.example:443",  # matched without case, trailing dot or port
    ):
        response = _get(server, host)
        assert response.status_code == 200, (host, response.text)


def test_other_names_get_421_problem_json(server: ServerProcess) -> None:
    for host in ("evil.example", "media.home.evil.example", "::1", "localhost.evil.example"):
        response = _get(server, host)
        assert response.status_code == 421, host
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == 421 and "allowed_hosts" in body["detail"]
    # Before sign-in is even looked at: a rebinding page learns nothing about the API.
    private = _get(server, "evil.example", "/api/v1/me")
    assert private.status_code == 421


def _raw(server: ServerProcess, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer and len(answer) < 65536:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer


def test_a_request_without_host_passes_only_under_http_1_0(server: ServerProcess) -> None:
    old = _raw(server, b"GET /healthz HTTP/1.0\r\n\r\n")
    assert old.startswith(b"HTTP/1.1 200"), old[:100]
    missing = _raw(server, b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert missing.startswith(b"HTTP/1.1 400"), missing[:100]


def test_a_host_header_can_not_smuggle_a_name_past_the_check(server: ServerProcess) -> None:
    for host in ("localhost@evil.example", "evil.example#localhost", "[::1]evil.example"):
        assert _get(server, host).status_code in (400, 421), host
