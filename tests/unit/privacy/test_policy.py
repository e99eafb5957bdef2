"""The usage-report policy: its fields pinned per version, and the rules that say when a
consent counts, what is still to be asked and who may answer (P-02, P-05, P-08, P-17)."""

import hashlib
from dataclasses import replace

import pytest

from parlour.domain.consent import ConsentRecord
from parlour.domain.errors import InvalidInputError, PermissionDeniedError
from parlour.privacy import consent, policy
from parlour.privacy.policy import CURRENT, POLICY_VERSION, Policy, SubjectKind

# The fields' hash of every scope, per policy version. If this test fails you changed
# what a scope collects: bump POLICY_VERSION in privacy/policy.py AND add the new
# version's hashes here, together (old versions' pins stay as history). The bump makes
# every earlier consent stop counting until the person answers again (P-05).
PINNED: dict[int, dict[str, str]] = {
    1: {
        "instance_basics": "87b1003f67736342ce115f0cada37f86d13e82a27813bfaff5da0730ed7706ca",
        "feature_usage": "37609b4b7ec94992797b546024686806a364eb43e0a4eea8f1a7fd26f7ebd6ac",
        "library_counts": "af5e6b93fea7a5133f8725a9ddeade9e4d0abcd220625c172c0c2a114459ff2b",
        "crash_reports": "3b941c4263ccc53c739a95f4f2ae1a272a386535645ceef4c8bd35d9f714f2eb",
        "personal_usage": "b0717d5aa9f76306e34e03c9d2c7ab9f3f2596983789d13496b598851a21cc3c",
    },
}


def test_the_fields_of_every_scope_match_the_pins_of_this_policy_version() -> None:
    assert POLICY_VERSION in PINNED, "a new POLICY_VERSION needs its pinned hashes here"
    current = {scope.name: policy.payload_schema_hash(scope.name) for scope in policy.SCOPES}
    assert current == PINNED[POLICY_VERSION]


def test_the_hashes_are_sha256_of_the_canonical_fields_and_of_the_notice() -> None:
    scope = CURRENT.scope("instance_basics")
    canonical = (
        '{"fields":[' + ",".join(f'"{f}"' for f in scope.fields) + '],"scope":"instance_basics"}'
    )
    assert (
        policy.payload_schema_hash("instance_basics")
        == hashlib.sha256(canonical.encode()).hexdigest()
    )
    assert (
        policy.notice_hash("crash_reports")
        == hashlib.sha256(CURRENT.scope("crash_reports").notice.encode()).hexdigest()
    )
    moved = replace(scope, fields=(*scope.fields[1:], scope.fields[0]))
    assert moved.payload_schema_hash() != scope.payload_schema_hash()  # order is part of it


def test_the_tiers_are_instance_scopes_and_personal_usage_is_the_persons() -> None:
    instance = {s.name for s in CURRENT.of(SubjectKind.INSTANCE)}
    assert instance == {"instance_basics", "feature_usage", "library_counts", "crash_reports"}
    assert [s.name for s in CURRENT.of(SubjectKind.USER)] == ["personal_usage"]
    for scope in policy.SCOPES:
        assert scope.fields and scope.notice
        assert len(set(scope.fields)) == len(scope.fields)
        for personal in ("user_id", "user_name", "title", "path", "ip_address"):
            assert personal not in scope.fields  # instance and personal scopes alike
    with pytest.raises(InvalidInputError):
        CURRENT.scope("everything")


def _record(scope: str, *, given: bool = True, version: int = POLICY_VERSION) -> ConsentRecord:
    terms = CURRENT.scope(scope)
    return ConsentRecord(
        1, "user", "u1", scope, version, terms.payload_schema_hash(), terms.notice_hash(),
        given, "api", 1_800_000_000,
    )  # fmt: skip


def test_a_consent_counts_only_if_given_under_the_current_terms() -> None:
    scope = CURRENT.scope("personal_usage")
    assert consent.counts(_record("personal_usage"), scope, CURRENT)
    assert not consent.counts(None, scope, CURRENT)
    assert not consent.counts(_record("personal_usage", given=False), scope, CURRENT)
    assert not consent.counts(_record("personal_usage", version=0), scope, CURRENT)
    assert not consent.counts(
        replace(_record("personal_usage"), notice_hash="0" * 64), scope, CURRENT
    )
    assert not consent.counts(_record("personal_usage"), scope, CURRENT, child=True)
    changed = replace(scope, fields=(*scope.fields, "more"))
    assert not consent.counts(_record("personal_usage"), changed, Policy(1, (changed,)))


def test_pending_asks_once_per_version_and_never_a_child() -> None:
    given = {"personal_usage": _record("personal_usage")}
    declined = {"personal_usage": _record("personal_usage", given=False)}
    assert consent.pending({}, CURRENT, SubjectKind.USER) == ["personal_usage"]
    assert consent.pending(given, CURRENT, SubjectKind.USER) == []
    assert consent.pending(declined, CURRENT, SubjectKind.USER) == []  # no nagging
    bumped = Policy(POLICY_VERSION + 1, CURRENT.scopes)
    assert consent.pending(given, bumped, SubjectKind.USER) == ["personal_usage"]
    assert consent.pending({}, CURRENT, SubjectKind.USER, child=True) == []


def test_who_may_decide_what() -> None:
    personal, basics = CURRENT.scope("personal_usage"), CURRENT.scope("instance_basics")
    consent.check_decision(personal, SubjectKind.USER, given=True, child=False)
    consent.check_decision(basics, SubjectKind.INSTANCE, given=True, child=False)
    consent.check_decision(personal, SubjectKind.USER, given=False, child=True)  # withdrawing
    with pytest.raises(InvalidInputError):  # an admin never decides a person's scope
        consent.check_decision(personal, SubjectKind.INSTANCE, given=True, child=False)
    with pytest.raises(InvalidInputError):
        consent.check_decision(basics, SubjectKind.USER, given=False, child=False)
    with pytest.raises(PermissionDeniedError):
        consent.check_decision(personal, SubjectKind.USER, given=True, child=True)
    with pytest.raises(InvalidInputError):
        consent.check_channel("email")
