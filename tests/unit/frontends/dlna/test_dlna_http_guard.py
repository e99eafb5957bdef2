"""The DLNA guard's Host check for IPv6 interfaces (DL-05), over ASGI: a device names
the server's address in brackets and without a zone (it cannot know this machine's
interface name), so a link-local interface stored with its zone must still match, and
nothing else may. The configuration is written straight into a real catalogue: whether
this machine has such an address does not matter to the Host check."""

import asyncio
import dataclasses
import ipaddress
from pathlib import Path

import httpx

from parlour.domain.accounts import HOST
from parlour.frontends.dlna.app import DESCRIPTION_PATH, build_dlna_app
from parlour.storage import dlna_store
from support import open_parlour

LINK_LOCAL = "fe80::fc00:ff:fe00:1%eth0"  # as the admin chose it: with its interface
DEVICE = "fe80::5"


def _status(app: object, host: str) -> int:
    async def ask() -> int:
        transport = httpx.ASGITransport(app=app, client=(DEVICE, 50000))  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport) as client:
            answer = await client.get(f"http://{host}{DESCRIPTION_PATH}", headers={"Host": host})
            return answer.status_code

    return asyncio.run(ask())


def test_a_link_local_interface_is_named_without_its_zone(tmp_path: Path) -> None:
    parlour = open_parlour(tmp_path / "data")
    try:
        parlour.accounts.add_user(HOST, "admin", "admin-password-1", admin=True)
        config = dataclasses.replace(
            dlna_store.new_config(),
            enabled=True,
            interfaces=(ipaddress.ip_address(LINK_LOCAL),),
            allow=(ipaddress.ip_network("fe80::/64"),),
        )
        with parlour.catalogue.writing() as conn:
            dlna_store.write_config(conn, config, 1)
        app = build_dlna_app(parlour)
        assert _status(app, "[fe80::fc00:ff:fe00:1]:8421") == 200
        assert _status(app, "[fe80::fc00:ff:fe00:1%eth0]:8421") == 400  # no zone in a Host
        assert _status(app, "[fe80::fc00:ff:fe00:2]:8421") == 400
        assert _status(app, "evil.example:8421") == 400
    finally:
        parlour.close()
