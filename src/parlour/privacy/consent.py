"""When a consent counts, what is still to be asked, and who may decide what (P-05,
P-08, P-17).

A consent counts only if its latest record for the scope says yes *under the current
terms*: the same policy version, fields and notice. Anything else (no record, a
refusal, older terms, a child profile) counts as no: the rule fails closed.
"""

from collections.abc import Mapping

from parlour.domain.consent import ConsentRecord
from parlour.domain.errors import InvalidInputError, PermissionDeniedError
from parlour.privacy.policy import Policy, Scope, SubjectKind

CHANNELS = ("api", "cli")


def is_child(max_content_rating: str | None) -> bool:
    """A profile limited to a content rating is the only child marker there is (P-17)."""
    return max_content_rating is not None


def under_current_terms(record: ConsentRecord | None, scope: Scope, policy: Policy) -> bool:
    """The record answers the question as it is asked now."""
    return (
        record is not None
        and record.policy_version == policy.version
        and record.payload_schema_hash == scope.payload_schema_hash()
        and record.notice_hash == scope.notice_hash()
    )


def counts(
    record: ConsentRecord | None, scope: Scope, policy: Policy, *, child: bool = False
) -> bool:
    """Whether data of this scope may be collected now."""
    if child and scope.subject is SubjectKind.USER:
        return False
    return record is not None and record.given and under_current_terms(record, scope, policy)


def pending(
    latest: Mapping[str, ConsentRecord],
    policy: Policy,
    subject: SubjectKind,
    *,
    child: bool = False,
) -> list[str]:
    """The scopes to ask about: never answered, or answered under older terms. One
    prompt per version: once answered (yes or no) a scope is not asked again until the
    terms change. A child is never asked."""
    if child:
        return []
    return [
        scope.name
        for scope in policy.of(subject)
        if not under_current_terms(latest.get(scope.name), scope, policy)
    ]


def check_decision(scope: Scope, subject: SubjectKind, *, given: bool, child: bool) -> None:
    """Whether this subject may record a decision on this scope: instance scopes only
    for the instance (an admin), personal ones only for the person themself, and a child
    may not say yes."""
    if scope.subject is not subject:
        where = "/api/v1/admin/consents" if scope.subject is SubjectKind.INSTANCE else "its user"
        raise InvalidInputError(f"{scope.name!r} is decided by {where}, not here")
    if given and child and subject is SubjectKind.USER:
        raise PermissionDeniedError("a child profile cannot give consent (P-17)")


def check_channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise InvalidInputError(f"unknown consent channel {channel!r}")
    return channel
