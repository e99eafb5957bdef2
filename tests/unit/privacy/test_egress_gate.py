"""The outbound gate's decisions (EG-01, P-16): loopback passes, anything else is refused
before the system call, counted and logged, unless an enabled feature declares it; and
``offline`` wins. Sockets are made from ``_socket`` so that pytest-socket's own guard
(a Python-level wrapper) cannot be what refuses them: only the audit hook sees these."""

import _socket
import logging
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from parlour.domain.errors import ConfigurationError
from parlour.privacy import egress
from parlour.privacy.egress import EgressGate, EgressRefusedError, report
from parlour.privacy.outbound_features import FeatureState, declare_features
from parlour.settings import load_settings

TEST_NET = "192.0.2.1"  # RFC 5737: documentation only, never routed
Install = Callable[..., EgressGate]


@pytest.fixture
def install(tmp_path: Path) -> Iterator[Install]:
    """Put a gate for these settings in place; the default (offline) one comes back after."""

    def put(**settings: object) -> EgressGate:
        return egress.install(load_settings(tmp_path, **settings))

    yield put
    egress.install(load_settings(tmp_path))


def _raw(family: int, kind: int) -> closing[_socket.socket]:
    return closing(_socket.socket(family, kind))


def _udp() -> closing[_socket.socket]:
    return _raw(socket.AF_INET, socket.SOCK_DGRAM)


def test_eg01_loopback_and_unix_sockets_pass(install: Install, tmp_path: Path) -> None:
    gate = install()
    with _udp() as receiver, _udp() as sock:
        receiver.bind(("127.0.0.1", 0))
        sock.connect(receiver.getsockname())
        sock.send(b"x")
        sock.sendto(b"y", receiver.getsockname())
        assert (receiver.recv(8), receiver.recv(8)) == (b"x", b"y")
    assert socket.getaddrinfo("localhost", 80)
    with (
        _raw(socket.AF_UNIX, socket.SOCK_STREAM) as server,
        _raw(socket.AF_UNIX, socket.SOCK_STREAM) as client,
    ):
        server.bind(str(tmp_path / "s"))
        server.listen(1)
        client.connect(str(tmp_path / "s"))
    for host in ("::1", "localhost", "LOCALHOST.", "127.8.9.10", "::ffff:127.0.0.1"):
        assert gate.decide(host).allowed, host
    assert gate.refused().total == 0


def test_eg01_an_address_is_refused_before_the_syscall_and_counted(install: Install) -> None:
    gate = install()
    with _udp() as sock:
        with pytest.raises(EgressRefusedError, match=rf"{TEST_NET}:9"):
            sock.connect((TEST_NET, 9))
        with pytest.raises(EgressRefusedError):
            sock.connect_ex((TEST_NET, 9))
        with pytest.raises(EgressRefusedError):
            sock.sendto(b"x", (TEST_NET, 9))
        # A UDP connect or send binds a local port before anything else happens in the
        # kernel: an unbound socket shows that no system call was made...
        assert sock.getsockname() == ("0.0.0.0", 0)
        sock.connect(("127.0.0.1", 9))
        assert sock.getsockname()[1] != 0  # ...as this allowed one shows
    with _raw(socket.AF_INET, socket.SOCK_STREAM) as tcp:
        tcp.settimeout(2)  # were the gate to fail, the test fails rather than hangs
        with pytest.raises(EgressRefusedError):
            tcp.connect((TEST_NET, 80))
    assert gate.refused().by_destination == {f"{TEST_NET}:9": 3, f"{TEST_NET}:80": 1}
    assert gate.refused().by_feature == {"undeclared": 4}


def test_eg01_a_name_is_refused_before_it_is_looked_up(
    install: Install, caplog: pytest.LogCaptureFixture
) -> None:
    gate = install()
    with caplog.at_level(logging.WARNING, logger="parlour.privacy.egress"):
        with pytest.raises(EgressRefusedError, match=r"example\.org:443"):
            socket.getaddrinfo("example.org", 443)
        with pytest.raises(EgressRefusedError):
            socket.gethostbyname("Example.ORG.")
    assert gate.refused().by_destination == {"example.org:443": 1, "example.org": 1}
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert lines == [
        "refused outbound lookup to example.org:443: offline is set",
        "refused outbound lookup to example.org: offline is set",
    ]


def test_eg01_an_ip_literal_needs_no_lookup_but_its_connection_is_checked(
    install: Install,
) -> None:
    gate = install()
    assert socket.getaddrinfo(TEST_NET, 80)[0][4][0] == TEST_NET
    assert gate.refused().total == 0


def test_eg01_offline_wins_over_an_enabled_feature(install: Install) -> None:
    gate = install(
        offline=True, usage_reports_enabled=True, usage_report_endpoint="http://192.0.2.10/r"
    )
    decision = gate.decide("192.0.2.10")
    assert (decision.allowed, decision.reason, decision.feature) == (
        False,
        "offline is set",
        "usage_reports",
    )
    with _udp() as sock, pytest.raises(EgressRefusedError):
        sock.connect(("192.0.2.10", 443))
    found = report(gate)
    reports = next(f for f in found["features"] if f["name"] == "usage_reports")
    assert (reports["state"], reports["active"], reports["offline_blocks"]) == (
        "enabled",
        False,
        True,
    )
    assert (reports["refused"], found["refused"]["by_feature"]) == (1, {"usage_reports": 1})


def test_eg01_enabled_usage_reports_reach_their_endpoint_host_only(install: Install) -> None:
    gate = install(
        offline=False, usage_reports_enabled=True, usage_report_endpoint="http://127.0.0.2:9/x"
    )
    reports = gate.features[0]
    assert (reports.name, reports.state, reports.hosts) == (
        "usage_reports",
        FeatureState.ENABLED,
        ("127.0.0.2",),
    )
    with _udp() as sock:
        sock.connect(("127.0.0.2", 9))
        sock.send(b"report")
        with pytest.raises(EgressRefusedError, match="no enabled outbound feature"):
            sock.sendto(b"report", (TEST_NET, 9))
    with pytest.raises(EgressRefusedError):
        socket.getaddrinfo("example.org", 80)
    assert gate.refused().total == 2
    # The same rule for an endpoint off this machine, decided without sending anything.
    remote = install(
        offline=False, usage_reports_enabled=True, usage_report_endpoint="https://192.0.2.10/r"
    )
    assert remote.decide("192.0.2.10").feature == "usage_reports"
    assert remote.decide("192.0.2.10").allowed
    assert not remote.decide("192.0.2.11").allowed
    assert not remote.decide("musicbrainz.org").allowed  # declared, but not available


def test_eg01_a_feature_host_that_is_declared_but_disabled_is_refused(install: Install) -> None:
    gate = install(offline=False, usage_report_endpoint="http://192.0.2.10/r")
    decision = gate.decide("192.0.2.10")
    assert (decision.allowed, decision.reason) == (False, "usage_reports is not enabled")
    # Switched on without an endpoint, it has nowhere to go and stays off.
    assert install(offline=False, usage_reports_enabled=True).features[0].state is (
        FeatureState.DISABLED
    )


def test_p16_features_declare_hosts_and_fields_and_future_ones_cannot_be_switched_on(
    tmp_path: Path,
) -> None:
    features = {f.name: f for f in declare_features(load_settings(tmp_path))}
    assert set(features) == {
        "usage_reports",
        "metadata_lookup",
        "scrobbling",
        "update_check",
        "dlna",
    }
    for name in ("metadata_lookup", "scrobbling", "update_check"):
        assert features[name].state is FeatureState.NOT_AVAILABLE
        with pytest.raises(ConfigurationError):
            load_settings(tmp_path, **{f"{name}_enabled": True})
    assert all(f.fields and f.description for f in features.values())
    assert "user" not in " ".join(features["metadata_lookup"].fields)  # no user identity


@pytest.mark.parametrize(
    "endpoint", ["ftp://host/x", "reports.example", "https://user:secret@host/x", "http:///x"]
)
def test_the_usage_report_endpoint_must_be_a_plain_http_url(tmp_path: Path, endpoint: str) -> None:
    with pytest.raises(ConfigurationError):
        load_settings(tmp_path, usage_report_endpoint=endpoint)


def test_eg03_control_a_refused_attempt_moves_the_counter(install: Install) -> None:
    # The control of tests/privacy/test_egress.py's zero: the counter it reads can move.
    gate = install()
    assert report(gate)["refused"]["total"] == 0
    with _udp() as sock, pytest.raises(EgressRefusedError):
        sock.sendto(b"x", (TEST_NET, 123))
    assert report(gate)["refused"] == {
        "total": 1,
        "by_destination": {f"{TEST_NET}:123": 1},
        "by_feature": {"undeclared": 1},
    }


def test_install_again_swaps_the_gate_and_keeps_one_hook(install: Install) -> None:
    first = install()
    second = install()
    assert egress.current() is second
    with _udp() as sock, pytest.raises(EgressRefusedError):
        sock.connect((TEST_NET, 9))
    assert (first.refused().total, second.refused().total) == (0, 1)  # counted once


def test_refusals_from_many_threads_are_all_counted(install: Install) -> None:
    gate = install()

    def refuse() -> None:
        for _ in range(50):
            with pytest.raises(EgressRefusedError):
                socket.getaddrinfo("example.org", 80)

    threads = [threading.Thread(target=refuse) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert gate.refused().by_destination == {"example.org:80": 400}


def test_resolve_lets_only_the_feature_s_own_host_through(install: Install) -> None:
    gate = install(
        offline=False, usage_reports_enabled=True, usage_report_endpoint="http://192.0.2.10/r"
    )
    with pytest.raises(EgressRefusedError):
        gate.resolve("usage_reports", "example.org", 80)
    with pytest.raises(EgressRefusedError):
        gate.resolve("scrobbling", "192.0.2.10", 80)
    assert gate.resolve("usage_reports", "192.0.2.10", 80)[0][4][0] == "192.0.2.10"
    assert gate.refused().total == 2
