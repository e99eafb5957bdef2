"""Supysonic on the same music, for bench/api.py and bench/subsonic.py: find it, set it up,
serve it, ask it (through bench/subsonic_client.py, as Parlour's /rest is asked).

Supysonic runs from its own Python (its own venv: it brings its own Flask, peewee and
Pillow), never in this process: everything here is subprocesses of that Python started with
``-m supysonic.cli`` (the ``supysonic-cli`` entry point) and ``-m supysonic.server`` (the
``supysonic-server`` one), in a scratch dir holding its ``supysonic.conf``, and plain HTTP on
127.0.0.1. Setup (config, user, folder, scan, start-up) is timed here and reported apart;
the benches time the requests with the same helper as Parlour's.

This file is named like the package it drives: ``python bench/api.py`` puts bench/ first on
``sys.path``, so ``import supysonic`` there is this module, and whether the real package is
installed is asked of a child interpreter started in the scratch dir, never of
``importlib.util.find_spec``.
"""

import contextlib
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

from report import HOSTNAME, free_port, say, stop_server
from subsonic_client import SubsonicClient, password_auth, token_auth

USER = ("bench", "bench-supysonic-password")
FOLDER = "Music"
PROBE_TIMEOUT_S = 60.0
CLI_TIMEOUT_S = 60.0  # user add, folder add
SCAN_TIMEOUT_S = 1200.0  # Supysonic reads every tag through mediafile, one file at a time
READY_TIMEOUT_S = 60.0
# Tried in this order; waitress first: gunicorn's default sync worker closes the connection
# after each response, which would time a TCP handshake per request instead of keep-alive.
WSGI_SERVERS = ("waitress", "gunicorn", "gevent")

PROBE = """
import importlib.metadata, importlib.util, json, sys
found = importlib.util.find_spec("supysonic")
servers = [n for n in %r if importlib.util.find_spec(n) is not None]
print(json.dumps({
    "version": importlib.metadata.version("supysonic") if found else None,
    "servers": servers,
    "python": sys.version.split()[0],
}))
"""


@dataclass(frozen=True, slots=True)
class Install:
    """A Python that can import the real ``supysonic`` package, and a WSGI server for it."""

    python: Path
    version: str
    server: str
    python_version: str

    def describe(self) -> str:
        return (
            f"{self.version} on Python {self.python_version} ({self.python}), "
            f"served by {self.server}"
        )


def child_env(scratch: Path) -> dict[str, str]:
    """The caller's environment less what would make the child read other code or config:
    Supysonic reads ``~/.supysonic`` and ``~/.config/supysonic/supysonic.conf``, so HOME is
    the scratch dir (``/etc/supysonic`` would still be read, then overridden by ours)."""
    drop = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("PARLOUR_")}
    env["HOME"] = str(scratch)
    return env


def find(python: Path | None, scratch: Path) -> Install | str:
    """The Supysonic to drive: ``python`` (from --supysonic-python) or, without it, this
    interpreter. Returns the reason as a string when there is none to drive."""
    interpreter = python if python is not None else Path(sys.executable)
    where = "--supysonic-python " + str(python) if python is not None else "this interpreter"
    if not interpreter.exists():
        return f"skipped: {where} does not exist"
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            [str(interpreter), "-c", PROBE % (WSGI_SERVERS,)],
            cwd=scratch,  # not bench/, where this file would pass for the package
            env=child_env(scratch),
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"skipped: could not run {where}: {error}"
    if done.returncode != 0:
        return f"skipped: {where} failed: {done.stderr.strip()[-300:]}"
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    if facts["version"] is None:
        return "skipped: supysonic is not installed" + (
            f" for {where}" if python is not None else ""
        )
    if not facts["servers"]:
        return (
            f"skipped: Supysonic {facts['version']} found ({where}) but none of the WSGI "
            f"servers it runs on ({', '.join(WSGI_SERVERS)}); install waitress beside it"
        )
    return Install(interpreter, facts["version"], facts["servers"][0], facts["python"])


def write_config(scratch: Path) -> Path:
    """SQLite in the scratch dir, no transcoders, no web UI, no watcher, no online lookups."""
    config = scratch / "supysonic.conf"
    config.write_text(
        "\n".join(
            [
                "[base]",
                f"database_uri = sqlite:///{scratch / 'supysonic.db'}",
                "follow_symlinks = no",
                "",
                "[webapp]",
                f"cache_dir = {scratch / 'cache'}",
                f"log_file = {scratch / 'webapp.log'}",
                "log_level = WARNING",
                "log_rotate = no",
                "mount_webui = no",
                "mount_api = yes",
                "online_lyrics = no",
                "",
                "[daemon]",
                f"socket = {scratch / 'daemon.sock'}",
                "run_watcher = no",
                "",
                "[transcoding]",
                "",
            ]
        )
    )
    return config


@dataclass(slots=True)
class Setup:
    """What setting Supysonic up took: not part of any measured ratio."""

    config_and_user_s: float = 0.0
    scan_s: float = 0.0
    start_s: float = 0.0
    artists: int = 0
    albums: int = 0
    tracks: int = 0
    scan_errors: list[str] = field(default_factory=list)

    def describe(self) -> str:
        errors = f", {len(self.scan_errors)} files in error" if self.scan_errors else ""
        return (
            f"config, user and folder {self.config_and_user_s:.1f} s, "
            f"scan {self.scan_s:.1f} s ({self.artists} artists, {self.albums} albums, "
            f"{self.tracks} tracks{errors}), server start {self.start_s:.2f} s"
        )


SCAN_ADDED = re.compile(r"Added: (\d+) artists, (\d+) albums, (\d+) tracks")


class Supysonic:
    """Set up, serve and stop one Supysonic; ``client`` makes its requests.

    Use as a context manager: entering sets up and starts the server (and raises SystemExit
    if anything fails), leaving stops the server by its PID."""

    def __init__(self, install: Install, music: Path, scratch: Path) -> None:
        self.install = install
        self.music = music
        self.scratch = scratch
        self.setup = Setup()
        self.port = free_port()
        self.base = f"http://{HOSTNAME}:{self.port}"
        self.server_log = scratch / "server.log"
        self.server: subprocess.Popen[bytes] | None = None
        self.client: SubsonicClient | None = None
        self.auth_note = ""

    # --- setup -----------------------------------------------------------------------------

    def cli(self, *args: str, timeout: float = CLI_TIMEOUT_S) -> str:
        command = [str(self.install.python), "-m", "supysonic.cli", *args]
        shown = " ".join("***" if a == USER[1] else a for a in ["supysonic-cli", *args])
        try:
            done = subprocess.run(
                command,
                cwd=self.scratch,  # Supysonic reads ./supysonic.conf
                env=child_env(self.scratch),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,  # run() kills the child it started on a time-out
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise SystemExit(f"Supysonic: `{shown}` did not finish in {timeout:.0f} s") from error
        if done.returncode != 0:
            raise SystemExit(
                f"Supysonic: `{shown}` exited with {done.returncode}:\n"
                f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
            )
        return done.stdout + done.stderr

    def prepare(self) -> None:
        started = time.perf_counter()
        (self.scratch / "cache").mkdir(parents=True, exist_ok=True)
        write_config(self.scratch)
        self.cli("user", "add", USER[0], "--password", USER[1])
        self.cli("folder", "add", FOLDER, str(self.music))
        self.setup.config_and_user_s = time.perf_counter() - started

        started = time.perf_counter()
        out = self.cli("folder", "scan", "--foreground", FOLDER, timeout=SCAN_TIMEOUT_S)
        self.setup.scan_s = time.perf_counter() - started
        added = SCAN_ADDED.search(out)
        if added is None:
            raise SystemExit(f"Supysonic: no scan summary in its output:\n{out[-2000:]}")
        self.setup.artists, self.setup.albums, self.setup.tracks = map(int, added.groups())
        if "Errors in:" in out:
            tail = out.split("Errors in:", 1)[1]
            self.setup.scan_errors = [
                line[2:] for line in tail.splitlines() if line.startswith("- ")
            ]

    def start(self) -> None:
        command = [str(self.install.python), "-m", "supysonic.server"]
        command += ["--server", self.install.server, "--host", HOSTNAME, "--port", str(self.port)]
        started = time.perf_counter()
        with open(self.server_log, "wb") as out:
            self.server = subprocess.Popen(
                command,
                cwd=self.scratch,
                env=child_env(self.scratch),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        while time.perf_counter() - started < READY_TIMEOUT_S:
            if self.server.poll() is not None:
                raise SystemExit(
                    f"Supysonic server exited with {self.server.returncode}:\n{self.log_tail()}"
                )
            with contextlib.suppress(httpx.TransportError):
                # Any HTTP answer (even an auth error) means it is up.
                httpx.get(self.base + "/rest/ping.view", timeout=1)
                self.setup.start_s = time.perf_counter() - started
                return
            time.sleep(0.1)
        raise SystemExit(f"Supysonic not ready within {READY_TIMEOUT_S:.0f} s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return self.server_log.read_text(errors="replace")[-3000:]
        except OSError:
            return "(no log)"

    def stop(self) -> int | None:
        """Stop the server we started, by its PID; its exit code."""
        return None if self.server is None else stop_server(self.server)

    # --- requests --------------------------------------------------------------------------

    def sign_in(self) -> None:
        """Token auth (t = md5(password + salt), s, a fresh salt each request) if it takes
        it; Supysonic keeps only salted hashes, so it cannot check a token, and then the
        Subsonic spec's other form, the hex-encoded password (p=enc:...), which it does."""
        self.client = SubsonicClient("Supysonic", self.base, lambda: token_auth(*USER))
        ping = self.client.call("ping", {})
        if ping.get("status") == "ok":
            self.auth_note = "token auth (u, t, s)"
            return
        refused = ping.get("error", {})
        self.client.credentials = lambda: password_auth(*USER)
        ping = self.client.call("ping", {})
        if ping.get("status") != "ok":
            raise SystemExit(f"Supysonic ping failed with both auth forms: {ping}")
        self.auth_note = (
            f"token auth refused (error {refused.get('code')}: {refused.get('message')!r}), "
            "so p=enc:HEX, the spec's legacy auth"
        )

    def album_list(self, size: int) -> list[dict[str, Any]]:
        assert self.client is not None
        params = {"type": "alphabeticalByName", "size": size, "offset": 0}
        albums: list[dict[str, Any]] = (
            self.client.ok("getAlbumList2", params).get("albumList2", {}).get("album", [])
        )
        return albums

    def checked_album_list(self, size: int) -> list[dict[str, Any]]:
        """A first page of ``size`` albums by name, checked to be full (or every album
        its scan added) before anything is timed; says what it holds."""
        page = self.album_list(size)
        wanted = min(size, self.setup.albums)
        names = [album.get("name", "") for album in page]
        if len(page) != wanted or self.setup.albums == 0:
            raise SystemExit(
                f"Supysonic getAlbumList2: {len(page)} albums, expected {wanted} "
                f"(its scan added {self.setup.albums})"
            )
        if names != sorted(names):
            say("WARNING: Supysonic's page is not in name order")
        say(f"checked: Supysonic returns {len(page)} albums, {names[0]!r} to {names[-1]!r}")
        return page

    def password_client(self) -> SubsonicClient:
        """Another client of this server, with p=enc:HEX on every request."""
        return SubsonicClient("Supysonic", self.base, lambda: password_auth(*USER))

    def say_started(self) -> None:
        assert self.server is not None
        say(
            f"Supysonic: {self.setup.describe()}; PID {self.server.pid} on {self.base}; "
            f"{self.auth_note}"
        )
        for error in self.setup.scan_errors[:5]:
            say(f"Supysonic: scan error in {error}")

    # --- context manager -------------------------------------------------------------------

    def __enter__(self) -> Self:
        try:
            self.prepare()
            self.start()
            self.sign_in()
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        self.stop()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
