"""Consent records: appended, never changed (the table's triggers refuse it), and read
back as the latest decision per scope."""

from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, RowMapping, func, insert, select

from parlour.domain.consent import ConsentRecord
from parlour.storage import schema as s

_COLUMNS = (
    "id", "subject_kind", "subject_id", "scope", "policy_version", "payload_schema_hash",
    "notice_hash", "given", "channel", "recorded_at",
)  # fmt: skip


def _subject(subject_id: str | None) -> ColumnElement[bool]:
    c = s.consent_records.c
    return c.subject_id.is_(None) if subject_id is None else c.subject_id == subject_id


def append(
    conn: Connection,
    *,
    subject_kind: str,
    subject_id: str | None,
    scope: str,
    policy_version: int,
    payload_schema_hash: str,
    notice_hash: str,
    given: bool,
    channel: str,
    now: int,
) -> ConsentRecord:
    values = {
        "subject_kind": subject_kind,
        "subject_id": subject_id,
        "scope": scope,
        "policy_version": policy_version,
        "payload_schema_hash": payload_schema_hash,
        "notice_hash": notice_hash,
        "given": given,
        "channel": channel,
        "recorded_at": now,
    }
    inserted = conn.execute(insert(s.consent_records).values(values)).inserted_primary_key
    assert inserted is not None  # an INSERT always has one
    new_id = inserted[0]
    return ConsentRecord(
        int(new_id), subject_kind, subject_id, scope, policy_version, payload_schema_hash,
        notice_hash, given, channel, now,
    )  # fmt: skip


def _record(row: Row[Any]) -> ConsentRecord:
    return _from_mapping(row._mapping)


def _from_mapping(mapping: RowMapping) -> ConsentRecord:
    values = {name: mapping[name] for name in _COLUMNS}
    values["given"] = bool(values["given"])  # SQLite answers 0/1 on some paths
    return ConsentRecord(**values)


def records(conn: Connection, subject_id: str | None) -> list[ConsentRecord]:
    """Every decision of the subject (None: the instance), oldest first."""
    c = s.consent_records.c
    query = select(*(c[name] for name in _COLUMNS)).where(_subject(subject_id)).order_by(c.id)
    return [_record(row) for row in conn.execute(query)]


def latest(conn: Connection, subject_id: str | None) -> dict[str, ConsentRecord]:
    """The newest decision of the subject for each scope it ever answered."""
    c = s.consent_records.c
    newest = select(func.max(c.id)).where(_subject(subject_id)).group_by(c.scope)
    query = select(*(c[name] for name in _COLUMNS)).where(c.id.in_(newest))
    return {record.scope: record for record in map(_record, conn.execute(query))}


def max_content_rating(conn: Connection, user_id: str) -> tuple[bool, str | None]:
    """Whether the user exists, and the content rating their profile is limited to."""
    u = s.users.c
    row = conn.execute(select(u.max_content_rating).where(u.id == user_id)).first()
    return (False, None) if row is None else (True, row[0])


def latest_personal(conn: Connection, scope: str) -> list[tuple[ConsentRecord, str | None, bool]]:
    """Each user's newest decision on a personal scope, with the user's content-rating
    limit and disabled flag (a child or a disabled account never counts)."""
    c, u = s.consent_records.c, s.users.c
    newest = (
        select(func.max(c.id))
        .where(c.scope == scope, c.subject_id.is_not(None))
        .group_by(c.subject_id)
    )
    query = (
        select(*(c[name] for name in _COLUMNS), u.max_content_rating, u.disabled)
        .join(s.users, u.id == c.subject_id)
        .where(c.id.in_(newest))
        .order_by(c.id)
    )
    return [
        (_from_mapping(m), m["max_content_rating"], bool(m["disabled"]))
        for m in conn.execute(query).mappings()
    ]
