"""Usage reports through a running server and the command line (P-03, P-06, P-08,
PR-02): the admin reads the exact bytes and sends; a person sees their own entry; the
host's admin gives and withdraws the instance's consent with `parlour privacy`."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from privacy.usage_receiver import Receiver, usage_receiver
from support import Account, ServerProcess, run_parlour, serve_libraries

ADMIN, SEND, MINE = (
    "/api/v1/admin/usage-reports",
    "/api/v1/admin/usage-reports/send",
    "/api/v1/me/usage-report",
)


class Served:
    def __init__(
        self,
        process: ServerProcess,
        data: Path,
        headers: dict[str, dict[str, str]],
        receiver: Receiver,
    ) -> None:
        self.process, self.data, self.headers, self.receiver = process, data, headers, receiver

    def call(self, method: str, path: str, who: str | None, **kwargs: Any) -> httpx.Response:
        headers = self.headers[who] if who else {}
        return httpx.request(
            method, self.process.base + path, headers=headers, timeout=30, **kwargs
        )

    def cli(self, *args: str) -> Any:
        done = run_parlour("--data-dir", str(self.data), "privacy", *args, "--json")
        assert done.returncode == 0, done.stderr
        return orjson.loads(done.stdout)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("reports") / "data"
    data.mkdir(parents=True)
    accounts = [Account("root", "root-password", admin=True), Account("alice", "alice-pw-1")]
    with usage_receiver() as receiver:
        (data / "parlour.toml").write_text(
            "offline = false\nusage_reports_enabled = true\n"
            f'usage_report_endpoint = "{receiver.url}"\n',
            encoding="utf-8",
        )
        with serve_libraries(data, {}, accounts) as (process, headers):
            yield Served(process, data, headers, receiver)


def test_only_an_admin_reads_or_sends_reports(served: Served) -> None:
    for method, path in (("GET", ADMIN), ("POST", SEND)):
        assert served.call(method, path, None).status_code == 401
        assert served.call(method, path, "alice").status_code == 403
    assert served.call("GET", MINE, None).status_code == 401


def test_the_admin_agrees_on_the_host_and_the_receiver_gets_the_preview(served: Served) -> None:
    served.receiver.reset()
    state = served.call("GET", ADMIN, "root").json()
    assert state["active"] is True and state["next_report"] is None
    assert served.call("POST", SEND, "root").json()["made"] == 0
    assert served.receiver.bodies() == []  # switched on, but nobody agreed to anything

    offered = state["preview_by_scope"]["instance_basics"]
    ledger = served.cli("consents", "--give", "instance_basics")
    assert ledger["records"][-1]["channel"] == "cli"
    assert served.call("GET", ADMIN, "root").json()["next_report"] == offered

    sent = served.call("POST", SEND, "root").json()
    assert (sent["made"], sent["sent"]) == (1, 1)
    install_id = served.call("GET", ADMIN, "root").json()["install_id"]
    assert served.receiver.bodies() == [
        offered.replace('"install_id":null', f'"install_id":"{install_id}"').encode()
    ]

    # A person's entry joins only with their own consent, and is what they previewed.
    mine = served.call("GET", MINE, "alice").json()
    assert mine["included"] is False and mine["reports_active"] is True
    answer = served.call(
        "POST", "/api/v1/me/consents", "alice", json={"scope": "personal_usage", "given": True}
    )
    assert answer.status_code == 200, answer.text
    following = served.call("GET", ADMIN, "root").json()["next_report"]
    assert served.call("GET", MINE, "alice").json()["preview"] in following
    assert served.call("POST", SEND, "root").json()["sent"] == 1
    assert served.receiver.bodies()[1] == following.encode()  # byte for byte

    shown = served.cli("usage-report")
    assert shown["state"]["install_id"] == install_id
    assert shown["state"]["reports_sent"] == 2

    # One command withdraws everything on the host; the receiver is asked to forget.
    served.receiver.reset()
    withdrawn = served.cli("consents", "--withdraw", "all", "--request-deletion")
    assert withdrawn["deletion_request"] == {"sent": True, "detail": None}
    assert orjson.loads(served.receiver.bodies()[0])["install_id"] == install_id
    after = served.call("GET", ADMIN, "root").json()
    assert (after["install_id"], after["outbox"], after["included_scopes"]) == (None, [], [])
    # Alice's own consent still counts: hers is the only entry a report would carry.
    assert orjson.loads(after["next_report"])["scopes"].keys() == {"personal_usage"}
    served.call(
        "POST", "/api/v1/me/consents", "alice", json={"scope": "all", "given": False}
    ).raise_for_status()
    assert served.call("GET", ADMIN, "root").json()["next_report"] is None


def test_the_command_line_shows_the_report_in_words(served: Served) -> None:
    done = run_parlour("--data-dir", str(served.data), "privacy", "usage-report")
    assert done.returncode == 0, done.stderr
    assert "usage reports: on (" + served.receiver.url + ")" in done.stdout
    assert "next report, exactly as it would be sent:" in done.stdout
