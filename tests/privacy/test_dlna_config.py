"""DLNA is off until an admin turns it on, then answers only the chosen subnets (private
ones only) and shows only the libraries picked for it (DL-01, DL-02, DL-06, DL-07)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from parlour.domain.accounts import HOST, Role, Viewer
from parlour.domain.dlna import DLNA_VIEWER_ID
from parlour.domain.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from parlour.services.application import Parlour
from support import open_parlour

TV = "Samsung TV DLNADOC/1.50"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Parlour]:
    parlour = open_parlour(tmp_path / "data")
    for name in ("Films", "Music"):
        folder = tmp_path / name
        folder.mkdir()
        parlour.libraries.add(HOST, "movies" if name == "Films" else "music", str(folder), name)
    yield parlour
    parlour.close()


def test_off_by_default_with_a_stable_device_id(app: Parlour, tmp_path: Path) -> None:
    config = app.dlna.current()
    assert not config.enabled and not config.library_ids and not config.allow
    assert not app.dlna.admits("127.0.0.1", TV)
    assert app.dlna.network_viewer().library_ids == frozenset()
    device = config.device_uuid
    assert len(device) == 36
    again = open_parlour(tmp_path / "data")  # another process on the same data
    assert again.dlna.current().device_uuid == device
    again.close()


def test_enabling_needs_an_interface_and_shares_nothing_unless_chosen(app: Parlour) -> None:
    with pytest.raises(ConflictError):
        app.dlna.enable(HOST)
    on = app.dlna.enable(HOST, interfaces=["127.0.0.1"])
    assert on["enabled"] and on["allow"] == ["127.0.0.1/32"] and on["library_ids"] == []
    assert app.dlna.admits("127.0.0.1", TV)
    assert not app.dlna.admits("192.168.1.20", TV)  # not in the allow-list
    viewer = app.dlna.network_viewer()
    assert viewer.library_ids == frozenset() and viewer.user_id == DLNA_VIEWER_ID
    assert not viewer.is_admin

    films = next(lib.id for lib in app.libraries.list_all(HOST) if lib.name == "Films")
    before = app.dlna.system_update_id()
    app.dlna.enable(HOST, libraries=["Films"])
    assert app.dlna.network_viewer().library_ids == frozenset({films})
    assert app.dlna.system_update_id() >= before > 0
    with pytest.raises(NotFoundError):
        app.dlna.enable(HOST, libraries=["Nowhere"])

    app.dlna.disable(HOST)  # off: nothing is shared, whatever was chosen
    assert app.dlna.network_viewer().library_ids == frozenset()
    assert not app.dlna.admits("127.0.0.1", TV)
    assert app.dlna.current().library_ids == frozenset({films})  # remembered for next time


@pytest.mark.parametrize("subnet", ["8.8.8.0/24", "10.0.0.0/4", "2001:db8::/32", "bogus"])
def test_only_home_networks_can_be_allowed(app: Parlour, subnet: str) -> None:
    with pytest.raises(InvalidInputError):
        app.dlna.enable(HOST, interfaces=["127.0.0.1"], allow=[subnet])


@pytest.mark.parametrize("address", ["0.0.0.0", "8.8.8.8", "239.255.255.250", "::"])
def test_an_interface_is_one_of_this_machines_home_addresses(app: Parlour, address: str) -> None:
    with pytest.raises(InvalidInputError):
        app.dlna.enable(HOST, interfaces=[address])


def test_an_interface_must_be_this_machines(app: Parlour) -> None:
    with pytest.raises(ConflictError):
        app.dlna.enable(HOST, interfaces=["10.254.253.252"])
    assert not app.dlna.current().enabled


def test_an_allow_list_admits_its_subnets_only(app: Parlour) -> None:
    on = app.dlna.enable(HOST, interfaces=["127.0.0.1"], allow=["192.168.1.0/24"])
    assert on["allow"] == ["192.168.1.0/24"]
    assert app.dlna.admits("192.168.1.77", TV) and app.dlna.admits("::ffff:192.168.1.77", TV)
    assert not app.dlna.admits("192.168.2.77", TV) and not app.dlna.admits("not an address", TV)
    assert not app.dlna.admits("127.0.0.1", TV)  # the allow-list given replaces the default


def test_with_approval_a_new_device_waits_for_the_admin(app: Parlour) -> None:
    app.dlna.enable(HOST, interfaces=["127.0.0.1"], approval_required=True)
    assert not app.dlna.admits("127.0.0.1", TV)
    [device] = app.dlna.devices(HOST)
    assert device.user_agent == TV and device.address == "127.0.0.1" and not device.approved
    app.dlna.approve(HOST, device.id, True)
    assert app.dlna.admits("127.0.0.1", TV)
    assert not app.dlna.admits("127.0.0.1", "Another player")  # each device on its own
    app.dlna.forget(HOST, device.id)
    assert not app.dlna.admits("127.0.0.1", TV)
    with pytest.raises(NotFoundError):
        app.dlna.approve(HOST, "0" * 32, True)


def test_only_an_admin_configures_it(app: Parlour) -> None:
    person = Viewer("a" * 32, "alice", Role.USER, frozenset())
    for call in (
        lambda: app.dlna.config(person),
        lambda: app.dlna.enable(person, interfaces=["127.0.0.1"]),
        lambda: app.dlna.disable(person),
        lambda: app.dlna.devices(person),
    ):
        with pytest.raises(PermissionDeniedError):
            call()
