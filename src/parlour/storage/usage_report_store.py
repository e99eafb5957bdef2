"""What usage reports keep: the outbox of reports waiting to be sent, this installation's
state (its install id, when it last reported), and the counts a report is made from."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from parlour.storage import schema as s

INSTALL_ID = "install_id"
LAST_REPORT_AT = "last_report_at"
REPORTS_SENT = "reports_sent"


@dataclass(frozen=True, slots=True)
class QueuedReport:
    id: int
    created_at: int
    body: bytes
    attempts: int
    next_attempt_at: int
    last_error: str | None
    consent_key: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created_at": self.created_at,
            "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at,
            "last_error": self.last_error,
            "body": self.body.decode("ascii"),  # canonical JSON is ASCII: exact bytes
        }


# -- instance state ----------------------------------------------------------------------


def get_state(conn: Connection, key: str) -> str | None:
    c = s.instance_state.c
    return conn.execute(select(c.value).where(c.key == key)).scalar()


def put_state(conn: Connection, key: str, value: str, now: int) -> None:
    c = s.instance_state.c
    done = conn.execute(
        update(s.instance_state).where(c.key == key).values(value=value, updated_at=now)
    )
    if done.rowcount == 0:
        conn.execute(insert(s.instance_state).values(key=key, value=value, updated_at=now))


def delete_state(conn: Connection, key: str) -> bool:
    c = s.instance_state.c
    return conn.execute(delete(s.instance_state).where(c.key == key)).rowcount > 0


# -- the outbox --------------------------------------------------------------------------


def queue(conn: Connection, body: bytes, consent_key: str, now: int) -> None:
    conn.execute(
        insert(s.usage_report_outbox).values(
            created_at=now, body=body, attempts=0, next_attempt_at=now, consent_key=consent_key
        )
    )


def outbox(conn: Connection) -> list[QueuedReport]:
    o = s.usage_report_outbox.c
    query = select(
        o.id, o.created_at, o.body, o.attempts, o.next_attempt_at, o.last_error, o.consent_key
    ).order_by(o.id)
    return [QueuedReport(*row) for row in conn.execute(query)]


def clear_outbox(conn: Connection) -> int:
    return conn.execute(delete(s.usage_report_outbox)).rowcount


def drop(conn: Connection, report_ids: Iterable[int]) -> int:
    ids = list(report_ids)
    if not ids:
        return 0
    o = s.usage_report_outbox.c
    return conn.execute(delete(s.usage_report_outbox).where(o.id.in_(ids))).rowcount


def failed(conn: Connection, report_id: int, error: str, next_attempt_at: int) -> None:
    o = s.usage_report_outbox.c
    conn.execute(
        update(s.usage_report_outbox)
        .where(o.id == report_id)
        .values(attempts=o.attempts + 1, last_error=error, next_attempt_at=next_attempt_at)
    )


# -- what a report is made of ------------------------------------------------------------


def _count(conn: Connection, table: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def library_counts(conn: Connection) -> dict[str, int]:
    """Libraries per kind ("library:music"...) and items per kind, server-wide."""
    lib = s.libraries.c
    counts = {
        f"library:{kind}": int(n)
        for kind, n in conn.execute(select(lib.kind, func.count()).group_by(lib.kind))
    }
    for name, table in (
        ("tracks", s.tracks),
        ("albums", s.albums),
        ("movies", s.movies),
        ("episodes", s.episodes),
        ("photos", s.photos),
        ("users", s.users),
    ):
        counts[name] = _count(conn, table)
    return counts


def token_kinds(conn: Connection, user_id: str | None = None) -> set[str]:
    """The kinds of sign-in ("session", "device") live now, for one user or everyone."""
    t = s.auth_tokens.c
    query = select(t.kind).distinct()
    if user_id is not None:
        query = query.where(t.user_id == user_id)
    return {str(kind) for kind in conn.execute(query).scalars()}


def plays_since(conn: Connection, user_id: str, since: int) -> int:
    p = s.play_events.c
    query = select(func.count()).where(p.user_id == user_id, p.played_at >= since)
    return int(conn.execute(query).scalar_one())


def features_used(conn: Connection, user_id: str) -> set[str]:
    """Which of Parlour's personal features the user has something stored in."""
    st = s.user_item_state.c
    mine = st.user_id == user_id
    found: set[str] = set()
    checks = (
        ("favourites", select(st.item_id).where(mine, st.favourite_at.is_not(None))),
        ("ratings", select(st.item_id).where(mine, st.rating.is_not(None))),
        ("resume_points", select(st.item_id).where(mine, st.position_ms > 0)),
        ("playlists", select(s.playlists.c.id).where(s.playlists.c.user_id == user_id)),
    )
    for name, query in checks:
        if conn.execute(query.limit(1)).first() is not None:
            found.add(name)
    choices = s.user_privacy.c
    row = conn.execute(
        select(choices.pause_history, choices.history_retention_days).where(
            choices.user_id == user_id
        )
    ).first()
    if row is not None and row[0]:
        found.add("history_paused")
    if row is not None and row[1] is not None:
        found.add("history_limit")
    return found
