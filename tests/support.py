"""Helpers the tests share: outside tools, Parlour instances, the command line, a server."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route

from parlour.app import build
from parlour.domain.accounts import HOST
from parlour.services.application import Parlour
from parlour.settings import load_settings

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DEMO_NAMES = {"music": "Music", "movies": "Films", "shows": "Shows", "photos": "Photos"}


def require_tool(name: str) -> str:
    """The path of an outside tool; a missing one skips locally and fails under CI."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed"
        if IN_CI:
            pytest.fail(message + " (CI must install it)")
        pytest.skip(message)
    return path


def open_parlour(data_dir: Path, **settings: object) -> Parlour:
    """A Parlour on a real SQLite file in ``data_dir`` with two probing workers."""
    return build(load_settings(data_dir, scan_workers=2, **settings))


def registered_routes(app: Starlette) -> list[tuple[str, str]]:
    """Every (method, path template) the app serves, mounted sub-apps included; HEAD,
    which Starlette adds to every GET, is left out."""
    found: list[tuple[str, str]] = []
    pending: list[tuple[str, BaseRoute]] = [("", route) for route in app.routes]
    while pending:  # bounded: a finite tree of routes
        prefix, route = pending.pop()
        if isinstance(route, Mount):
            pending.extend((prefix + route.path, child) for child in route.routes)
        elif isinstance(route, Route) and route.methods:
            found.extend((m, prefix + route.path) for m in sorted(route.methods - {"HEAD"}))
        else:
            pytest.fail(f"unclassified kind of route: {route!r}; teach the tests about it")
    return sorted(found)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def parlour_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "parlour", *args]


def run_parlour(
    *args: str, timeout: float = 120, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        parlour_command(*args),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        input=input,
    )


def add_user(data_dir: Path, name: str, password: str, *, admin: bool = False) -> None:
    flags = ["--admin"] if admin else []
    result = run_parlour(
        "--data-dir",
        str(data_dir),
        "user",
        "add",
        name,
        *flags,
        "--password-stdin",
        input=password + "\n",
    )
    assert result.returncode == 0, result.stderr


class ServerProcess:
    """``parlour serve`` in a child process, stopped by its own PID."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.headers: dict[str, str] = {}
        self.process = subprocess.Popen(
            parlour_command("serve", "--data-dir", str(data_dir), "--port", str(port)),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read() if self.process.stdout else ""
                raise AssertionError(f"server exited with {self.process.returncode}: {output}")
            try:
                if httpx.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError("server did not become ready in time")

    def login(self, name: str, password: str) -> dict[str, str]:
        """Sign in and return the headers that carry the token."""
        response = httpx.post(
            self.base + "/api/v1/auth/login",
            json={"username": name, "password": password},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return {"Authorization": "Bearer " + response.json()["token"]}

    def stop(self) -> str:
        """Stop the server; what it wrote to stdout and stderr (its log)."""
        self.process.terminate()
        try:
            output, _ = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate(timeout=5)
        return output or ""


@dataclass(frozen=True)
class Account:
    name: str
    password: str
    libraries: tuple[str, ...] = ()  # library names granted
    admin: bool = False


@contextmanager
def serve_libraries(
    data: Path, libraries: dict[str, tuple[str, Path]], accounts: list[Account]
) -> Iterator[tuple[ServerProcess, dict[str, dict[str, str]]]]:
    """Add ``libraries`` (name -> (kind, root)), scan them and add ``accounts``, all
    in-process (the command line has tests of its own); then serve the catalogue for
    real and yield the server with each account's signed-in headers."""
    app = open_parlour(data)
    try:
        for name, (kind, root) in libraries.items():
            app.libraries.add(HOST, kind, str(root), name)
        summary = app.scanner.scan()
        assert summary.failures == [], summary.failures
        for account in accounts:
            app.accounts.add_user(HOST, account.name, account.password, admin=account.admin)
            if account.libraries:
                app.accounts.grant(HOST, account.name, list(account.libraries))
    finally:
        app.close()
    process = ServerProcess(data, free_port())
    try:
        process.wait_ready()
        yield process, {a.name: process.login(a.name, a.password) for a in accounts}
    finally:
        process.stop()


def demo_libraries(demo_roots: dict[str, Path]) -> dict[str, tuple[str, Path]]:
    """The demo roots as libraries named as ``parlour demo`` names them."""
    return {DEMO_NAMES[kind]: (kind, root) for kind, root in demo_roots.items()}


def ffmpeg_children(process: "ServerProcess") -> list[psutil.Process]:
    """The ffmpeg processes the server runs now (one that ends while being looked at
    is not counted)."""
    try:
        children = psutil.Process(process.process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    found = []
    for child in children:
        try:
            if "ffmpeg" in child.name():
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found
