"""MiniDLNA on the same music, for bench/dlna.py: find ``minidlnad``, keep it off the
network, serve the music tree from a config and database of its own, stop it by its PID.

MiniDLNA binds its HTTP port on every address whatever ``network_interface`` says (with
``network_interface=lo`` it still listens on 0.0.0.0), so the whole benchmark runs in a
network namespace of its own where the loopback interface is the only one, and up:
Parlour, MiniDLNA and the client share 127.0.0.1 there and nothing else can reach them.
"""

import fcntl
import shutil
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

from report import HOSTNAME, free_port, say, stop_server

IN_PRIVATE_NETWORK = "--in-private-network"  # added by the re-run inside the namespace
SCAN_TIMEOUT_S = 600.0
POLL_S = 0.1
DESCRIPTION_PATH = "/rootDesc.xml"
# <linux/sockios.h> and <net/if.h>: read and set an interface's flags by name.
_SIOCGIFFLAGS, _SIOCSIFFLAGS, _IFF_UP = 0x8913, 0x8914, 0x1
_IFREQ = "16sh22x"  # struct ifreq: the name, then ifr_flags in the union (40 bytes)


def find() -> str:
    """The path of ``minidlnad``; "" when it is not installed."""
    return shutil.which("minidlnad") or ""


def version(exe: str) -> str:
    """MiniDLNA's version, from its ``Version 1.3.0`` line (it may log before it)."""
    shown = subprocess.run([exe, "-V"], capture_output=True, text=True, check=False).stdout
    for line in shown.splitlines():
        if line.startswith("Version "):
            return line.removeprefix("Version ").strip()
    return "(unknown version)"


def private_network_refusal() -> str:
    """Why the benchmark cannot run in a network namespace of its own; "" if it can."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return "unshare (util-linux) is missing"
    if subprocess.run([unshare, "--net", "true"], check=False).returncode != 0:
        return "cannot make a network namespace (needs root)"
    return ""


def rerun_in_private_network(script: Path, argv: Sequence[str]) -> int:
    """Run this benchmark again, with the same arguments, in a new network namespace; its
    exit code. The run inside brings the loopback interface up (``loopback_up``)."""
    unshare = shutil.which("unshare") or "unshare"
    cmd = [unshare, "--net", "--", sys.executable, str(script), *argv, IN_PRIVATE_NETWORK]
    return subprocess.run(cmd, check=False).returncode


def loopback_up() -> None:
    """Bring ``lo`` up: a new network namespace starts with it down."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        asked = struct.pack(_IFREQ, b"lo", 0)
        flags = struct.unpack(_IFREQ, fcntl.ioctl(sock, _SIOCGIFFLAGS, asked))[1]
        fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack(_IFREQ, b"lo", flags | _IFF_UP))


def interfaces() -> list[str]:
    return sorted(name for _, name in socket.if_nameindex())


@dataclass(frozen=True, slots=True)
class Scan:
    seconds: float
    files: str  # as MiniDLNA's log says it ("15000 files")


class MiniDlna:
    """``minidlnad`` serving ``music`` (as an audio media_dir) on a free port of 127.0.0.1,
    from a fresh database in ``base``; entered once its first scan is over."""

    def __init__(self, exe: str, music: Path, base: Path) -> None:
        self.exe, self.music, self.base = exe, music, base
        self.port = free_port()
        self.log = base / "log" / "minidlna.log"
        self.child: subprocess.Popen[bytes] | None = None
        self.scan: Scan | None = None

    @property
    def description_url(self) -> str:
        return f"http://{HOSTNAME}:{self.port}{DESCRIPTION_PATH}"

    def _configure(self) -> Path:
        shutil.rmtree(self.base, ignore_errors=True)
        (self.base / "db").mkdir(parents=True)
        (self.base / "log").mkdir()
        conf = self.base / "minidlna.conf"
        conf.write_text(
            f"media_dir=A,{self.music}\n"
            f"db_dir={self.base / 'db'}\n"
            f"log_dir={self.base / 'log'}\n"
            "network_interface=lo\n"
            f"port={self.port}\n"
            "inotify=no\n"
            "friendly_name=parlour-bench-minidlna\n"
        )
        return conf

    def __enter__(self) -> Self:
        conf = self._configure()
        # -S: stay in the foreground (the PID is the child's); -R: build the database anew.
        cmd = [self.exe, "-f", str(conf), "-P", str(self.base / "minidlna.pid"), "-S", "-R"]
        with open(self.base / "stdout.log", "wb") as out:
            started = time.perf_counter()
            self.child = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        try:
            self.scan = self._wait_for_scan(started)
        except BaseException:
            self.stop()
            raise
        say(
            f"MiniDLNA: PID {self.child.pid} on {HOSTNAME}:{self.port}, scanned "
            f"{self.scan.files} in {self.scan.seconds:.1f} s (setup)"
        )
        return self

    def _wait_for_scan(self, started: float) -> Scan:
        """Bounded: the first scan ends with the playlist pass, which logs its end."""
        assert self.child is not None
        while time.perf_counter() - started < SCAN_TIMEOUT_S:
            text = self.log.read_text("utf-8", "replace") if self.log.is_file() else ""
            if "Finished parsing playlists" in text:
                _, _, after = text.rpartition("finished (")
                return Scan(time.perf_counter() - started, after.split(")", 1)[0] or "?")
            if self.child.poll() is not None:
                raise SystemExit(f"MiniDLNA exited with {self.child.returncode}:\n{text[-2000:]}")
            time.sleep(POLL_S)
        raise SystemExit(f"MiniDLNA did not finish its scan within {SCAN_TIMEOUT_S:.0f} s")

    def stop(self) -> int | None:
        """Stop the minidlnad we started, by its PID; its exit code."""
        return None if self.child is None else stop_server(self.child)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        say(f"MiniDLNA: stopped (exit code {self.stop()})")


def in_private_network(argv: Sequence[str]) -> bool:
    return IN_PRIVATE_NETWORK in argv


def without_marker(argv: Sequence[str]) -> list[str]:
    return [arg for arg in argv if arg != IN_PRIVATE_NETWORK]
