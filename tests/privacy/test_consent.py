"""The consent ledger on a real SQLite catalogue (P-02, P-04, P-05, P-08, P-17; PR-01,
PR-03, PR-04): nothing is on by default, records are never changed or deleted while
their subject exists, a new policy version suspends every old consent and asks once, a
child is never asked, and deleting an account takes its records with it."""

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

from parlour.domain.accounts import HOST, Viewer
from parlour.domain.errors import InvalidInputError, PermissionDeniedError
from parlour.privacy.policy import CURRENT, POLICY_VERSION, SCOPES, Policy
from parlour.services.application import Parlour
from parlour.services.consent import ConsentService
from parlour.storage import my_data_store
from parlour.storage import schema as s

REQUIRED = (
    "id", "subject_kind", "subject_id", "scope", "policy_version", "payload_schema_hash",
    "notice_hash", "given", "channel", "recorded_at",
)  # fmt: skip


def _user(parlour: Parlour, name: str) -> Viewer:
    info = parlour.accounts.add_user(HOST, name, name + "-password")
    return Viewer(info.id, info.name, info.role, frozenset())


def _rows(parlour: Parlour) -> int:
    with parlour.catalogue.reading() as conn:
        return int(conn.execute(select(func.count()).select_from(s.consent_records)).scalar_one())


def test_on_a_fresh_catalogue_every_scope_is_off_and_nothing_is_recorded(
    parlour: Parlour,
) -> None:
    """PR-01: and no install id exists (the first consented report makes one)."""
    alice = _user(parlour, "alice")
    assert _rows(parlour) == 0
    for scope in SCOPES:
        assert not parlour.consent.allowed(None, scope.name)
        assert not parlour.consent.allowed(alice.user_id, scope.name)
    state = parlour.consent.instance(HOST)
    assert [scope["given"] for scope in state["scopes"]] == [False] * 4
    assert state["pending"] == [scope["scope"] for scope in state["scopes"]]
    assert state["records"] == []
    mine = parlour.consent.mine(alice)
    assert mine["pending"] == ["personal_usage"]
    assert mine["prompt_version"] == POLICY_VERSION
    assert not mine["scopes"][0]["given"]
    with parlour.catalogue.reading() as conn:
        assert conn.execute(select(s.instance_state.c.key)).all() == []
        assert conn.execute(select(s.usage_report_outbox.c.id)).all() == []
    assert parlour.usage_reports.state(HOST)["install_id"] is None


def test_records_cannot_be_changed_or_deleted_while_their_subject_exists(
    parlour: Parlour, tmp_path: Path
) -> None:
    """PR-03, through SQLAlchemy and through a bare sqlite3 connection alike."""
    alice = _user(parlour, "alice")
    parlour.consent.decide_mine(alice, "personal_usage", True)
    parlour.consent.decide_instance(HOST, "crash_reports", True)
    with parlour.catalogue.reading() as conn:
        rows = [row._asdict() for row in conn.execute(select(s.consent_records))]
    assert len(rows) == 2
    for row in rows:
        assert set(REQUIRED) <= set(row)
        assert all(row[name] is not None for name in REQUIRED if name != "subject_id")
    assert {row["subject_id"] for row in rows} == {alice.user_id, None}

    c = s.consent_records.c
    for statement in (
        update(s.consent_records).values(given=False),
        delete(s.consent_records).where(c.subject_id == alice.user_id),
        delete(s.consent_records).where(c.subject_id.is_(None)),
    ):
        with pytest.raises(Exception, match="append-only"), parlour.catalogue.writing() as conn:
            conn.execute(statement)
    raw = sqlite3.connect(tmp_path / "data" / "catalogue.db")
    try:
        for sql in ("UPDATE consent_records SET scope = 'x'", "DELETE FROM consent_records"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                raw.execute(sql)
    finally:
        raw.close()
    assert _rows(parlour) == 2


def test_deleting_an_account_removes_its_records_and_keeps_the_instances(
    parlour: Parlour,
) -> None:
    alice, bob = _user(parlour, "alice"), _user(parlour, "bob")
    for given in (True, False, True):
        parlour.consent.decide_mine(alice, "personal_usage", given)
    parlour.consent.decide_mine(bob, "personal_usage", True)
    parlour.consent.decide_instance(HOST, "instance_basics", True)
    assert _rows(parlour) == 5
    parlour.my_data.delete_user(HOST, "alice")
    with parlour.catalogue.reading() as conn:
        assert my_data_store.owned_rows(conn, "consent_records", alice.user_id) == []
        assert len(my_data_store.owned_rows(conn, "consent_records", bob.user_id)) == 1
    assert _rows(parlour) == 2
    assert parlour.consent.allowed(None, "instance_basics")


def test_give_and_withdraw_append_and_the_latest_answer_counts(parlour: Parlour) -> None:
    alice = _user(parlour, "alice")
    state = parlour.consent.decide_mine(alice, "personal_usage", True)
    assert state["scopes"][0]["given"] and state["pending"] == []
    assert state["prompt_version"] is None
    assert parlour.consent.allowed(alice.user_id, "personal_usage")
    state = parlour.consent.decide_mine(alice, "personal_usage", False)
    assert [record["given"] for record in state["records"]] == [True, False]
    assert not parlour.consent.allowed(alice.user_id, "personal_usage")
    assert state["pending"] == []  # declining is an answer: not asked again


def test_a_new_policy_version_suspends_every_consent_and_asks_once(parlour: Parlour) -> None:
    """PR-04: nothing counts under the new version until answered again, and each
    scope is one prompt, gone once answered (yes or no)."""
    alice = _user(parlour, "alice")
    parlour.consent.decide_mine(alice, "personal_usage", True)
    for scope in ("instance_basics", "library_counts"):
        parlour.consent.decide_instance(HOST, scope, True)
    reports = parlour.usage_reports
    bumped = ConsentService(parlour.catalogue, reports, Policy(POLICY_VERSION + 1, CURRENT.scopes))
    for subject, scope in ((alice.user_id, "personal_usage"), (None, "instance_basics")):
        assert parlour.consent.allowed(subject, scope)
        assert not bumped.allowed(subject, scope)
    mine = bumped.mine(alice)
    assert (mine["pending"], mine["prompt_version"]) == (["personal_usage"], POLICY_VERSION + 1)
    assert bumped.decide_mine(alice, "personal_usage", False)["pending"] == []
    assert bumped.mine(alice)["prompt_version"] is None
    assert len(bumped.instance(HOST)["pending"]) == 4

    # A changed field list (without a version bump) suspends it as well: fail closed.
    basics = CURRENT.scope("library_counts")
    changed = tuple(
        scope if scope is not basics else type(basics)(
            basics.name, basics.subject, (*basics.fields, "genre_counts"), basics.notice
        )
        for scope in CURRENT.scopes
    )  # fmt: skip
    changed_terms = ConsentService(
        parlour.catalogue, parlour.usage_reports, Policy(POLICY_VERSION, changed)
    )
    assert not changed_terms.allowed(None, "library_counts")


def test_a_child_profile_is_never_asked_and_cannot_consent(parlour: Parlour) -> None:
    """P-17: a profile limited to a content rating is the only child marker."""
    kid = _user(parlour, "kid")
    parlour.consent.decide_mine(kid, "personal_usage", True)  # before the limit was set
    parlour.accounts.grant(HOST, "kid", [], max_rating="PG")
    state = parlour.consent.mine(kid)
    assert state["child_profile"] and state["pending"] == []
    assert state["prompt_version"] is None
    assert not state["scopes"][0]["given"]
    assert not parlour.consent.allowed(kid.user_id, "personal_usage")
    with pytest.raises(PermissionDeniedError):
        parlour.consent.decide_mine(kid, "personal_usage", True)
    assert (
        parlour.consent.decide_mine(kid, "personal_usage", False)["records"][-1]["given"] is False
    )


def test_scopes_are_decided_only_by_their_own_subject(parlour: Parlour) -> None:
    alice = _user(parlour, "alice")
    with pytest.raises(InvalidInputError):
        parlour.consent.decide_mine(alice, "instance_basics", True)
    with pytest.raises(InvalidInputError):  # P-08: no admin path to a person's scope
        parlour.consent.decide_instance(HOST, "personal_usage", True)
    with pytest.raises(PermissionDeniedError):
        parlour.consent.decide_instance(alice, "instance_basics", True)
    with pytest.raises(PermissionDeniedError):
        parlour.consent.instance(alice)
    with pytest.raises(InvalidInputError):
        parlour.consent.decide_mine(alice, "personal_usage", "yes")
    assert _rows(parlour) == 0
