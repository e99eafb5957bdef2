"""The DLNA runtime follows the configuration (in-process, on loopback): it waits while
its port is taken and starts once it is free, moves when the port changes, and lets go
of every socket when DLNA is turned off. SSDP runs on a free port instead of 1900."""

import socket
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio
import httpx

from parlour.domain.accounts import HOST
from parlour.frontends.dlna.runtime import DlnaRuntime
from parlour.privacy.outbound_features import DLNA_FEATURE
from parlour.services.application import Parlour
from ssdp_support import free_udp_port
from support import free_port, open_parlour


async def _until(check: Callable[[], Awaitable[bool]], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "timed out"
        await anyio.sleep(0.05)


async def _serves(port: int) -> bool:
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            answer = await client.get(f"http://127.0.0.1:{port}/dlna/description.xml")
    except httpx.TransportError:
        return False
    return answer.status_code == 200


def _udp_bound(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))  # no SO_REUSEADDR: fails while the runtime has it
        except OSError:
            return True
    return False


def test_the_runtime_follows_the_configuration(tmp_path: Path) -> None:
    parlour: Parlour = open_parlour(tmp_path / "data")
    (tmp_path / "films").mkdir()
    parlour.libraries.add(HOST, "movies", str(tmp_path / "films"), "Films")
    first, second, ssdp = free_port(), free_port(), free_udp_port()
    taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    taken.bind(("127.0.0.1", first))
    taken.listen(1)
    runtime = DlnaRuntime(parlour, ssdp_port=ssdp, poll_s=0.1)

    async def scenario() -> None:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(runtime.run)
            await anyio.sleep(0.3)
            assert not _udp_bound(ssdp)  # off: nothing bound
            parlour.dlna.enable(HOST, interfaces=["127.0.0.1"], libraries=["Films"], port=first)
            await anyio.sleep(0.5)  # several polls while the port is someone else's
            assert not _udp_bound(ssdp)  # nothing half-started
            assert not parlour.egress.lan_open(DLNA_FEATURE)
            taken.close()
            await _until(lambda: _serves(first))
            assert _udp_bound(ssdp) and parlour.egress.lan_open(DLNA_FEATURE)

            parlour.dlna.enable(HOST, port=second)
            await _until(lambda: _serves(second))
            assert not await _serves(first)

            parlour.dlna.disable(HOST)

            async def stopped() -> bool:
                lan = parlour.egress.lan_open(DLNA_FEATURE)
                return not lan and not _udp_bound(ssdp) and not await _serves(second)

            await _until(stopped)
            tasks.cancel_scope.cancel()

    try:
        anyio.run(scenario)
    finally:
        taken.close()
        parlour.close()
