"""Consent over real HTTP and the command line (P-04, P-06, P-08, P-17): a person
answers only for themself, instance scopes need an admin, withdrawing is the same single
call, and `parlour privacy consents` shows the instance's ledger."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from parlour.privacy.policy import POLICY_VERSION, notice_hash, payload_schema_hash
from support import Account, ServerProcess, run_parlour, serve_libraries

ME, ADMIN = "/api/v1/me/consents", "/api/v1/admin/consents"


class Served:
    def __init__(self, process: ServerProcess, data: Path, headers: dict[str, dict[str, str]]):
        self.process, self.data, self.headers = process, data, headers

    def call(self, method: str, path: str, who: str, **kwargs: Any) -> httpx.Response:
        url = self.process.base + path
        return httpx.request(method, url, headers=self.headers[who], timeout=30, **kwargs)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("consent") / "data"
    accounts = [
        Account("root", "root-password", admin=True),
        Account("alice", "alice-password"),
        Account("carol", "carol-password"),
    ]
    with serve_libraries(data, {}, accounts) as (process, headers):
        yield Served(process, data, headers)


def test_a_person_sees_their_scope_gives_and_withdraws_it_in_one_call_each(
    served: Served,
) -> None:
    before = served.call("GET", ME, "alice").json()
    assert before["pending"] == ["personal_usage"]
    assert before["prompt_version"] == POLICY_VERSION
    scope = before["scopes"][0]
    assert scope["scope"] == "personal_usage" and scope["fields"] and scope["notice"]
    assert (scope["given"], scope["last_decision"]) == (False, None)

    gave = served.call("POST", ME, "alice", json={"scope": "personal_usage", "given": True})
    assert gave.status_code == 200, gave.text
    assert gave.json()["scopes"][0]["given"] is True
    record = gave.json()["records"][-1]
    assert record["payload_schema_hash"] == payload_schema_hash("personal_usage")
    assert record["notice_hash"] == notice_hash("personal_usage")
    assert (record["channel"], record["policy_version"]) == ("api", POLICY_VERSION)

    withdrew = served.call("POST", ME, "alice", json={"scope": "personal_usage", "given": False})
    assert withdrew.status_code == 200
    after = served.call("GET", ME, "alice").json()
    assert after["scopes"][0]["given"] is False
    assert [r["given"] for r in after["records"]] == [True, False]
    assert after["pending"] == []
    # Carol's ledger is her own: Alice's answers are nowhere in it.
    assert served.call("GET", ME, "carol").json()["records"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"scope": "instance_basics", "given": True},  # the admin's, not a person's
        {"scope": "everything", "given": True},
        {"scope": "personal_usage", "given": "yes"},
        {"scope": "personal_usage"},
        {"given": True},
    ],
)
def test_bad_personal_decisions_are_refused(served: Served, body: dict[str, Any]) -> None:
    before = served.call("GET", ME, "carol").json()["records"]
    assert served.call("POST", ME, "carol", json=body).status_code == 400
    assert served.call("GET", ME, "carol").json()["records"] == before


def test_instance_scopes_are_the_admins_and_never_a_persons(served: Served) -> None:
    for method, body in (("GET", None), ("POST", {"scope": "crash_reports", "given": True})):
        assert served.call(method, ADMIN, "alice", json=body).status_code == 403
    personal = served.call("POST", ADMIN, "root", json={"scope": "personal_usage", "given": True})
    assert personal.status_code == 400  # P-08: no admin route to a person's consent
    state = served.call("GET", ADMIN, "root").json()
    assert state["records"] == []
    assert {s["scope"] for s in state["scopes"]} == set(state["pending"])

    gave = served.call("POST", ADMIN, "root", json={"scope": "crash_reports", "given": True})
    assert gave.status_code == 200
    given = {s["scope"]: s["given"] for s in gave.json()["scopes"]}
    assert given == {
        "instance_basics": False, "feature_usage": False, "library_counts": False,
        "crash_reports": True,
    }  # fmt: skip
    assert "crash_reports" not in gave.json()["pending"]

    shown = run_parlour("--data-dir", str(served.data), "privacy", "consents", "--json")
    assert shown.returncode == 0, shown.stderr
    ledger = orjson.loads(shown.stdout)
    assert [(r["scope"], r["given"], r["subject_kind"]) for r in ledger["records"]] == [
        ("crash_reports", True, "instance")
    ]
    text = run_parlour("--data-dir", str(served.data), "privacy", "consents")
    assert text.returncode == 0
    assert "crash_reports: given" in text.stdout
    assert "instance_basics: off" in text.stdout
