"""What the SSDP tests share: receiving datagrams, reading their headers, a free UDP port."""

import asyncio
import socket

import anyio


def ssdp_headers(datagram: bytes) -> dict[str, str]:
    """An SSDP datagram's start line (under "") and its headers, names in upper case."""
    first, *rest = datagram.decode().split("\r\n")
    found = {"": first}
    for line in rest:
        name, colon, value = line.partition(":")
        if colon:
            found[name.strip().upper()] = value.strip()
    return found


def free_udp_port(host: str = "127.0.0.1") -> int:
    """A UDP port nothing uses on ``host`` (127.0.0.1 or ::1) now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


async def datagrams(sock: socket.socket, within: float) -> list[bytes]:
    """Every datagram that reaches ``sock`` (non-blocking) within ``within`` seconds."""
    loop = asyncio.get_running_loop()
    found: list[bytes] = []
    with anyio.move_on_after(within):
        while True:
            found.append(await loop.sock_recv(sock, 4096))
    return found
