"""Usage reports end to end on a real catalogue, sent over real HTTP to a receiver on
loopback (P-02, P-03, P-05, P-06, P-08; PR-01, PR-02, PR-04, PR-05, PR-09; FT-10):
nothing is made or sent without consent, what arrives is what the preview showed, a new
policy stops sending, and withdrawal empties the outbox and deletes the install id."""

import re
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from parlour.domain.accounts import HOST, Viewer
from parlour.domain.errors import InvalidInputError, PermissionDeniedError
from parlour.privacy.policy import CURRENT, POLICY_VERSION, Policy, SubjectKind
from parlour.services.application import Parlour
from parlour.services.consent import ConsentService
from parlour.services.usage_reports import RETRY_FIRST_S, UsageReports
from privacy.usage_receiver import Receiver, usage_receiver
from support import open_parlour

INSTANCE_SCOPES = [scope.name for scope in CURRENT.of(SubjectKind.INSTANCE)]
DAY = 86400
CANARY = "canary-7f3e-usage-report-secret"
NOTHING = {"made": 0, "sent": 0, "failed": 0, "dropped": 0}


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000

    def __call__(self) -> int:
        return self.now


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with usage_receiver() as running:
        yield running


def _reporting(data: Path, receiver: Receiver, **settings: object) -> tuple[Parlour, Clock]:
    receiver.reset()
    options: dict[str, object] = {
        "offline": False,
        "usage_reports_enabled": True,
        "usage_report_endpoint": receiver.url,
    }
    app = open_parlour(data, **(options | settings))
    clock = Clock()
    app.usage_reports.clock = clock
    app.consent.clock = clock
    return app, clock


@pytest.fixture
def reporting(tmp_path: Path, receiver: Receiver) -> Iterator[tuple[Parlour, Clock]]:
    app, clock = _reporting(tmp_path / "data", receiver)
    yield app, clock
    app.close()


def _user(app: Parlour, name: str) -> Viewer:
    info = app.accounts.add_user(HOST, name, name + "-password")
    return Viewer(info.id, info.name, info.role, frozenset())


def _with_id(preview: str, install_id: str) -> bytes:
    """A preview made before the first report, with the id that report was given."""
    assert preview.count('"install_id":null') == 1
    return preview.replace('"install_id":null', f'"install_id":"{install_id}"').encode()


def test_nothing_is_made_or_sent_without_consent_even_with_the_feature_on(
    reporting: tuple[Parlour, Clock], receiver: Receiver
) -> None:
    """PR-01 and P-02: every scope off, no install id, no report; a day of ticks later
    the receiver has still heard nothing."""
    app, clock = reporting
    state = app.usage_reports.state(HOST)
    assert state["active"] is True  # the admin switched reports on...
    assert state["included_scopes"] == [] and state["personal_entries"] == 0
    assert (state["next_report"], state["install_id"], state["outbox"]) == (None, None, [])
    for _ in range(3):
        assert app.usage_reports.tick(force=True) == NOTHING
        clock.now += DAY
    assert receiver.bodies() == []  # ...but nobody consented, so nothing arrives
    assert app.usage_reports.state(HOST)["install_id"] is None


@pytest.mark.parametrize("scope", INSTANCE_SCOPES)
def test_what_arrives_is_the_preview_for_each_tier(
    reporting: tuple[Parlour, Clock], receiver: Receiver, scope: str
) -> None:
    """PR-02: before agreeing, the admin reads that tier's report; after agreeing the
    next report is that one, and the receiver gets exactly its bytes (the first report
    brings the install id the preview could not show yet)."""
    app, clock = reporting
    before = app.usage_reports.state(HOST)
    offered = before["preview_by_scope"][scope]
    assert set(orjson.loads(offered)["scopes"]) == {scope}
    app.consent.decide_instance(HOST, scope, True)

    first = app.usage_reports.state(HOST)
    assert first["next_report"] == offered and first["included_scopes"] == [scope]
    assert app.usage_reports.tick()["sent"] == 1
    install_id = app.usage_reports.state(HOST)["install_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", install_id)
    assert receiver.bodies() == [_with_id(offered, install_id)]
    assert receiver.got[0].headers["Content-Type"] == "application/json"
    assert "User-Agent" not in receiver.got[0].headers  # nothing beyond the body tells

    clock.now += DAY
    second = app.usage_reports.state(HOST)["next_report"]
    assert app.usage_reports.tick()["sent"] == 1
    assert receiver.bodies()[1] == second.encode()  # byte for byte, id and all
    assert app.usage_reports.state(HOST)["reports_sent"] == 2


def test_each_section_carries_exactly_the_fields_the_policy_lists(
    reporting: tuple[Parlour, Clock],
) -> None:
    """The policy's pinned field lists (test_policy.py) are what a report carries."""
    app, _ = reporting
    alice = _user(app, "alice")
    app.consent.decide_mine(alice, "personal_usage", True)
    for scope in INSTANCE_SCOPES:
        app.consent.decide_instance(HOST, scope, True)
    app.usage_reports.record_crash(_a_crash())
    report = orjson.loads(app.usage_reports.state(HOST)["next_report"])
    assert set(report) == {"schema", "schema_version", "policy_version", "install_id", "scopes"}
    assert report["policy_version"] == POLICY_VERSION
    assert set(report["scopes"]) == {*INSTANCE_SCOPES, "personal_usage"}
    for name, section in report["scopes"].items():
        entries = section if isinstance(section, list) else [section]
        assert entries, name
        for entry in entries:
            assert sorted(entry) == sorted(CURRENT.scope(name).fields), name


def test_counts_are_buckets_and_a_persons_entry_is_theirs_to_see(
    reporting: tuple[Parlour, Clock], receiver: Receiver
) -> None:
    """P-08: the admin cannot put a person in; the person's own preview is the very
    entry the report carries, with no name or id."""
    app, _ = reporting
    alice = _user(app, "alice")
    with pytest.raises(InvalidInputError):
        app.consent.decide_instance(HOST, "personal_usage", True)
    mine = app.usage_reports.mine(alice)
    assert mine["included"] is False and mine["reports_active"] is True
    app.consent.decide_mine(alice, "personal_usage", True)
    app.consent.decide_instance(HOST, "library_counts", True)
    mine = app.usage_reports.mine(alice)
    assert mine["included"] is True
    assert app.usage_reports.tick()["sent"] == 1
    body = receiver.bodies()[0]
    assert mine["preview"].encode() in body
    assert alice.user_id.encode() not in body and b"alice" not in body
    counts = orjson.loads(body)["scopes"]["library_counts"]
    assert counts["user_count"] == "1-9"  # alice and nobody else: a band, not "1"


def _a_crash() -> BaseException:
    try:
        CURRENT.scope(CANARY)  # raises inside Parlour's code, the canary in its message
    except InvalidInputError as error:
        return error
    raise AssertionError("the policy knew a canary scope")


def test_crash_reports_carry_the_kind_and_place_only_and_only_under_consent(
    reporting: tuple[Parlour, Clock], receiver: Receiver
) -> None:
    """PR-09: no message, value or path leaves with a crash; without consent the crash
    is not even kept."""
    app, _ = reporting
    app.usage_reports.record_crash(_a_crash())  # no consent yet: forgotten
    app.consent.decide_instance(HOST, "crash_reports", True)
    assert orjson.loads(app.usage_reports.state(HOST)["next_report"])["scopes"] == {
        "crash_reports": []
    }
    app.usage_reports.record_crash(_a_crash())
    assert app.usage_reports.tick()["sent"] == 1
    body = receiver.bodies()[0]
    assert CANARY.encode() not in body and b"/" not in body  # no message, no path
    (crash,) = orjson.loads(body)["scopes"]["crash_reports"]
    assert crash["exception_type"] == "parlour.domain.errors.InvalidInputError"
    assert crash["code_locations"] and all(
        re.fullmatch(r"parlour(\.\w+)+:\d+", where) for where in crash["code_locations"]
    )
    # Sent crashes are not sent again.
    assert orjson.loads(app.usage_reports.state(HOST)["next_report"])["scopes"] == {
        "crash_reports": []
    }


def test_withdrawal_stops_sending_empties_the_outbox_and_deletes_the_install_id(
    reporting: tuple[Parlour, Clock], receiver: Receiver
) -> None:
    """P-06 and PR-05: one call withdraws every instance scope; the receiver is asked
    to delete what it has and hears nothing more."""
    app, clock = reporting
    for scope in ("instance_basics", "library_counts"):
        app.consent.decide_instance(HOST, scope, True)
    receiver.reset(status=503)  # the endpoint is down: the report waits in the outbox
    assert app.usage_reports.tick() == {"made": 1, "sent": 0, "failed": 1, "dropped": 0}
    state = app.usage_reports.state(HOST)
    (queued,) = state["outbox"]
    assert queued["body"] == receiver.bodies()[0].decode() and queued["attempts"] == 1
    assert "503" in queued["last_error"]
    old_id = state["install_id"]
    assert old_id is not None

    receiver.reset(status=204)
    answer = app.consent.decide_instance(HOST, "all", False, request_deletion=True)
    assert answer["deletion_request"] == {"sent": True, "detail": None}
    assert orjson.loads(receiver.bodies()[0]) == {
        "schema": "parlour-usage-report-deletion",
        "schema_version": 1,
        "install_id": old_id,
    }
    assert [scope["given"] for scope in answer["scopes"]] == [False] * len(INSTANCE_SCOPES)
    state = app.usage_reports.state(HOST)
    assert (state["outbox"], state["install_id"], state["next_report"]) == ([], None, None)
    for _ in range(3):
        clock.now += DAY
        app.usage_reports.tick(force=True)
    assert len(receiver.bodies()) == 1  # the deletion request, and nothing after it


def test_a_persons_withdrawal_takes_their_entry_out_of_the_outbox(
    reporting: tuple[Parlour, Clock], receiver: Receiver
) -> None:
    app, clock = reporting
    alice = _user(app, "alice")
    app.consent.decide_mine(alice, "personal_usage", True)
    receiver.reset(status=500)
    assert app.usage_reports.tick()["made"] == 1
    assert len(app.usage_reports.state(HOST)["outbox"]) == 1
    receiver.reset(status=204)
    app.consent.decide_mine(alice, "all", False)
    assert app.usage_reports.state(HOST)["outbox"] == []
    clock.now += DAY
    assert app.usage_reports.tick(force=True)["made"] == 0
    assert receiver.bodies() == []


def test_a_new_policy_version_sends_nothing_until_agreed_again(
    reporting: tuple[Parlour, Clock], receiver: Receiver
) -> None:
    """P-05 and PR-04: a report queued under the old terms is dropped unsent, the next
    tick makes nothing, and the admin is asked once."""
    app, clock = reporting
    app.consent.decide_instance(HOST, "instance_basics", True)
    receiver.reset(status=503)
    assert app.usage_reports.tick()["made"] == 1
    receiver.reset(status=204)

    bumped = Policy(POLICY_VERSION + 1, CURRENT.scopes)
    reports = UsageReports(
        app.catalogue, app.egress, receiver.url, app.streaming.slots, bumped, clock
    )
    consents = ConsentService(app.catalogue, reports, bumped, clock)
    clock.now += RETRY_FIRST_S
    assert reports.tick(force=True) == {"made": 0, "sent": 0, "failed": 0, "dropped": 1}
    assert receiver.bodies() == []
    assert reports.state(HOST)["next_report"] is None
    asked = consents.instance(HOST)
    assert asked["prompt_version"] == POLICY_VERSION + 1
    assert asked["pending"] == INSTANCE_SCOPES  # one prompt for the new version

    consents.decide_instance(HOST, "instance_basics", True)
    assert consents.instance(HOST)["pending"] == INSTANCE_SCOPES[1:]
    clock.now += DAY
    assert reports.tick()["sent"] == 1
    assert orjson.loads(receiver.bodies()[0])["policy_version"] == POLICY_VERSION + 1


def test_a_down_endpoint_is_retried_later_not_in_a_storm(
    reporting: tuple[Parlour, Clock], receiver: Receiver
) -> None:
    """FT-10: one attempt per wait, the wait doubling; success empties the outbox."""
    app, clock = reporting
    app.consent.decide_instance(HOST, "instance_basics", True)
    receiver.reset(status=503)
    app.usage_reports.tick()
    for _ in range(5):  # ticks inside the first wait send nothing
        clock.now += 60
        app.usage_reports.tick()
    assert len(receiver.bodies()) == 1
    clock.now += RETRY_FIRST_S
    app.usage_reports.tick()
    (queued,) = app.usage_reports.state(HOST)["outbox"]
    assert queued["attempts"] == 2
    assert queued["next_attempt_at"] == clock.now + 2 * RETRY_FIRST_S
    assert len(receiver.bodies()) == 2
    receiver.reset(status=200)
    clock.now += 2 * RETRY_FIRST_S
    assert app.usage_reports.tick()["sent"] == 1
    assert app.usage_reports.state(HOST)["outbox"] == []


@pytest.mark.parametrize(
    "settings",
    [
        {"offline": True},
        {"usage_reports_enabled": False},
        {"usage_report_endpoint": None},
    ],
)
def test_consent_alone_sends_nothing_while_the_feature_is_off(
    tmp_path: Path, receiver: Receiver, settings: dict[str, object]
) -> None:
    app, _ = _reporting(tmp_path / "data", receiver, **settings)
    try:
        app.consent.decide_instance(HOST, "instance_basics", True)
        assert app.usage_reports.tick(force=True)["made"] == 0
        state = app.usage_reports.state(HOST)
        assert state["active"] is False and state["blocked_because"]
        assert (state["install_id"], state["outbox"]) == (None, [])
        assert receiver.bodies() == []
    finally:
        app.close()


def test_only_an_admin_sees_or_sends_reports(reporting: tuple[Parlour, Clock]) -> None:
    app, _ = reporting
    alice = _user(app, "alice")
    with pytest.raises(PermissionDeniedError):
        app.usage_reports.state(alice)
    with pytest.raises(PermissionDeniedError):
        app.usage_reports.send_now(alice)
    with pytest.raises(InvalidInputError):
        app.consent.decide_instance(HOST, "all", True)  # "all" only withdraws


def test_erasing_an_account_empties_the_outbox(
    reporting: tuple[Parlour, Clock], receiver: Receiver
) -> None:
    """P-11: a queued report may carry the person's entry; it does not outlive them."""
    app, _ = reporting
    alice = _user(app, "alice")
    app.consent.decide_mine(alice, "personal_usage", True)
    receiver.reset(status=500)
    assert app.usage_reports.tick()["made"] == 1
    assert len(app.usage_reports.state(HOST)["outbox"]) == 1
    app.my_data.delete_user(HOST, "alice")
    state = app.usage_reports.state(HOST)
    assert (state["outbox"], state["personal_entries"], state["next_report"]) == ([], 0, None)
