"""The Host allow-list: which Host headers name this server (AU-12)."""

import socket

import pytest

from parlour.frontends.web.hosts import HostAllowList, host_name

ALLOWED = HostAllowList(["media.home", "NAS.example."])
OWN = socket.gethostname().lower().removesuffix(".local")


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("127.0.0.1:8420", "127.0.0.1"),
        ("[::1]:8420", "[::1]"),
        ("[::1]", "[::1]"),
        ("LocalHost:", "localhost"),
        ("media.home.", "media.home"),
        ("::1", None),  # IPv6 needs its brackets
        ("[::1]x", None),
        ("[::1]:http", None),
        ("host:80:80", None),
        ("host:123456", None),
    ],
)
def test_host_name_drops_the_port_and_refuses_malformed_headers(
    header: str, name: str | None
) -> None:
    assert host_name(header) == name


@pytest.mark.parametrize(
    "header",
    [
        "127.0.0.1",
        "192.168.1.20:8420",
        "[::1]:8420",
        "[fe80::1]",
        "localhost",
        "localhost.:80",
        "media.home",
        "Media.Home:443",
        "nas.example",
        OWN,
        OWN + ".local:8420",
    ],
)
def test_allowed_hosts(header: str) -> None:
    assert ALLOWED.allows(header)


@pytest.mark.parametrize(
    "header",
    [
        "evil.example",
        "media.home.evil.example",
        "localhost.evil.example",
        "evil-localhost",
        "",
        ":8420",
        "2130706433",  # 127.0.0.1 as a number: a name to a browser, never an address here
        "0x7f.0.0.1",
        "[127.0.0.1]",
        "1.2.3.4.5",
        "user@localhost",
    ],
)
def test_refused_hosts(header: str) -> None:
    assert not ALLOWED.allows(header)
