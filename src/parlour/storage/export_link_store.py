"""Links to download a user's export (P-10): who made each, which format, when it
expires, and a keyed hash of its secret (never the secret itself).

A link is used up by deleting its row: one ``DELETE ... RETURNING`` inside the write
transaction, so two requests racing with the same link cannot both get the document.
"""

from typing import Any

from sqlalchemy import Connection, delete, insert, select

from parlour.domain.ids import new_id
from parlour.storage import schema as s


def add_link(
    conn: Connection,
    user_id: str,
    token_hash: str,
    fmt: str,
    now: int,
    expires_at: int,
    *,
    keep: int,
) -> None:
    """Store a new link; of the user's older links only the newest ``keep - 1`` stay."""
    e = s.export_links.c
    link_id = new_id()
    conn.execute(
        insert(s.export_links).values(
            id=link_id,
            user_id=user_id,
            token_hash=token_hash,
            format=fmt,
            created_at=now,
            expires_at=expires_at,
        )
    )
    others = (e.user_id == user_id) & (e.id != link_id)
    kept = select(e.id).where(others).order_by(e.created_at.desc(), e.id).limit(keep - 1)
    conn.execute(delete(s.export_links).where(others, e.id.not_in(kept)))


def use_link(conn: Connection, token_hash: str, now: int) -> tuple[str, str] | None:
    """Delete the link with this hash if it is unexpired and its user may sign in, and
    say whose it was and which format it asked for; None if there is none such."""
    e, u = s.export_links.c, s.users.c
    enabled = select(u.id).where(u.disabled.is_(False))
    row = conn.execute(
        delete(s.export_links)
        .where(e.token_hash == token_hash, e.expires_at > now, e.user_id.in_(enabled))
        .returning(e.user_id, e.format)
    ).first()
    return None if row is None else (str(row[0]), str(row[1]))


def links(conn: Connection, user_id: str) -> list[dict[str, Any]]:
    """The user's live and expired links for the export: no id, no hash."""
    e = s.export_links.c
    rows = conn.execute(
        select(e.format, e.created_at, e.expires_at)
        .where(e.user_id == user_id)
        .order_by(e.created_at, e.expires_at)
    )
    return [{"format": row[0], "created_at": row[1], "expires_at": row[2]} for row in rows]


def delete_links_of(conn: Connection, user_id: str) -> int:
    """Every link of the user (a password change, disabling, erasing devices)."""
    return conn.execute(delete(s.export_links).where(s.export_links.c.user_id == user_id)).rowcount


def delete_expired(conn: Connection, now: int) -> int:
    """Every link whose time is up, whoever made it."""
    return conn.execute(delete(s.export_links).where(s.export_links.c.expires_at <= now)).rowcount
