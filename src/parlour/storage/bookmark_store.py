"""Where a user stopped, as music apps keep it: bookmarks (one per item, with a note)
and the saved play queue (one per user). Written only by ``services.bookmarks``; every
call names the user, and only that user's rows are read or written."""

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from parlour.storage import schema as s


@dataclass(frozen=True, slots=True)
class BookmarkRow:
    item_id: str
    position_ms: int
    comment: str | None
    created_at: int
    updated_at: int

    def as_json(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "position_ms": self.position_ms,
            "comment": self.comment,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True, slots=True)
class PlayQueueRow:
    item_ids: list[str]
    current_item_id: str | None
    position_ms: int
    changed_by: str
    updated_at: int

    def as_json(self) -> dict[str, Any]:
        return {
            "item_ids": self.item_ids,
            "current_item_id": self.current_item_id,
            "position_ms": self.position_ms,
            "changed_by": self.changed_by,
            "updated_at": self.updated_at,
        }


def bookmarks(conn: Connection, user_id: str) -> list[BookmarkRow]:
    """The user's bookmarks, the latest changed first."""
    b = s.bookmarks.c
    rows = conn.execute(
        select(b.item_id, b.position_ms, b.comment, b.created_at, b.updated_at)
        .where(b.user_id == user_id)
        .order_by(b.updated_at.desc(), b.item_id)
    )
    return [BookmarkRow(*row) for row in rows]


def put_bookmark(
    conn: Connection, user_id: str, item_id: str, position_ms: int, comment: str | None, now: int
) -> None:
    b = s.bookmarks.c
    values = {"position_ms": position_ms, "comment": comment, "updated_at": now}
    changed = conn.execute(
        update(s.bookmarks).where(b.user_id == user_id, b.item_id == item_id).values(values)
    )
    if not changed.rowcount:
        conn.execute(
            insert(s.bookmarks).values(user_id=user_id, item_id=item_id, created_at=now, **values)
        )


def delete_bookmark(conn: Connection, user_id: str, item_id: str) -> int:
    b = s.bookmarks.c
    return conn.execute(
        delete(s.bookmarks).where(b.user_id == user_id, b.item_id == item_id)
    ).rowcount


def play_queue(conn: Connection, user_id: str) -> PlayQueueRow | None:
    q = s.play_queues.c
    row = conn.execute(
        select(q.item_ids, q.current_item_id, q.position_ms, q.changed_by, q.updated_at).where(
            q.user_id == user_id
        )
    ).first()
    if row is None:
        return None
    return PlayQueueRow(json.loads(row[0]), row[1], row[2], row[3], row[4])


def put_play_queue(conn: Connection, user_id: str, queue: PlayQueueRow) -> None:
    """Replace the user's saved queue (an empty queue deletes it)."""
    conn.execute(delete(s.play_queues).where(s.play_queues.c.user_id == user_id))
    if queue.item_ids:
        conn.execute(
            insert(s.play_queues).values(
                user_id=user_id,
                item_ids=json.dumps(queue.item_ids),
                current_item_id=queue.current_item_id,
                position_ms=queue.position_ms,
                changed_by=queue.changed_by,
                updated_at=queue.updated_at,
            )
        )


def erase(conn: Connection, user_id: str) -> int:
    """Every bookmark and the saved queue of the user; how many rows went."""
    gone = conn.execute(delete(s.bookmarks).where(s.bookmarks.c.user_id == user_id)).rowcount
    gone += conn.execute(delete(s.play_queues).where(s.play_queues.c.user_id == user_id)).rowcount
    return int(gone)
