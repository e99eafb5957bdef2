"""Playlists: a user's own ordered lists of tracks or videos.

Each query is scoped to the owner, so another user's playlist id is simply not found.
Entries are kept in ``position`` order; positions may have gaps (the scanner drops
entries whose file is gone), so an entry's index is its rank, renumbered on each edit.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from parlour.domain.errors import NotFoundError
from parlour.domain.ids import new_id
from parlour.storage import schema as s

MAX_ENTRIES = 10_000


@dataclass(frozen=True, slots=True)
class PlaylistRow:
    id: str
    name: str
    kind: str
    comment: str | None
    created_at: int
    updated_at: int

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "comment": self.comment,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


def _row(row: Any) -> PlaylistRow:
    return PlaylistRow(row.id, row.name, row.kind, row.comment, row.created_at, row.updated_at)


def create(
    conn: Connection, user_id: str, name: str, kind: str, comment: str | None, now: int
) -> PlaylistRow:
    playlist_id = new_id()
    conn.execute(
        insert(s.playlists).values(
            id=playlist_id,
            user_id=user_id,
            name=name,
            kind=kind,
            comment=comment,
            created_at=now,
            updated_at=now,
        )
    )
    return PlaylistRow(playlist_id, name, kind, comment, now, now)


def owned(conn: Connection, user_id: str, playlist_id: str) -> PlaylistRow:
    p = s.playlists.c
    row = conn.execute(
        select(p.id, p.name, p.kind, p.comment, p.created_at, p.updated_at).where(
            p.id == playlist_id, p.user_id == user_id
        )
    ).first()
    if row is None:
        raise NotFoundError("no such playlist")  # also when it is someone else's
    return _row(row)


def list_owned(conn: Connection, user_id: str) -> list[PlaylistRow]:
    p = s.playlists.c
    rows = conn.execute(
        select(p.id, p.name, p.kind, p.comment, p.created_at, p.updated_at)
        .where(p.user_id == user_id)
        .order_by(func.lower(p.name), p.id)
    ).all()
    return [_row(row) for row in rows]


def rename(
    conn: Connection, playlist: PlaylistRow, name: str, comment: str | None, now: int
) -> PlaylistRow:
    conn.execute(
        update(s.playlists)
        .where(s.playlists.c.id == playlist.id)
        .values(name=name, comment=comment, updated_at=now)
    )
    return PlaylistRow(playlist.id, name, playlist.kind, comment, playlist.created_at, now)


def remove(conn: Connection, playlist: PlaylistRow) -> None:
    conn.execute(delete(s.playlists).where(s.playlists.c.id == playlist.id))


def entry_ids(conn: Connection, playlist_id: str) -> list[tuple[str, str]]:
    """Every (entry id, item id) in order, visible or not."""
    pe = s.playlist_entries.c
    rows = conn.execute(
        select(pe.id, pe.item_id)
        .where(pe.playlist_id == playlist_id)
        .order_by(pe.position, pe.added_at, pe.id)
    ).all()
    return [(row[0], row[1]) for row in rows]


def write_order(
    conn: Connection, playlist_id: str, entries: list[tuple[str | None, str]], now: int
) -> None:
    """Make the playlist exactly ``entries`` (entry id or None for a new one, item id).

    Existing entries keep their ids (a client may hold them); the rest are deleted.
    """
    pe = s.playlist_entries.c
    keep = {entry_id for entry_id, _ in entries if entry_id is not None}
    query = select(pe.id, pe.position).where(pe.playlist_id == playlist_id)
    positions: dict[str, int] = {row.id: row.position for row in conn.execute(query)}
    gone = set(positions) - keep
    if gone:
        conn.execute(delete(s.playlist_entries).where(pe.id.in_(gone)))
    new_rows: list[dict[str, Any]] = []
    moved: list[dict[str, Any]] = []
    for position, (entry_id, item_id) in enumerate(entries):
        if entry_id is None:
            new_rows.append(
                {
                    "id": new_id(),
                    "playlist_id": playlist_id,
                    "position": position,
                    "item_id": item_id,
                    "added_at": now,
                }
            )
        elif positions.get(entry_id) != position:
            moved.append({"entry": entry_id, "new_position": position})
    if moved:  # one executemany, and only for the entries that moved
        conn.execute(
            update(s.playlist_entries)
            .where(pe.id == bindparam("entry"))
            .values(position=bindparam("new_position")),
            moved,
        )
    if new_rows:
        conn.execute(insert(s.playlist_entries), new_rows)
    conn.execute(update(s.playlists).where(s.playlists.c.id == playlist_id).values(updated_at=now))


def entry_counts(conn: Connection, playlist_ids: list[str]) -> dict[str, int]:
    pe = s.playlist_entries.c
    rows = conn.execute(
        select(pe.playlist_id, func.count())
        .where(pe.playlist_id.in_(playlist_ids))
        .group_by(pe.playlist_id)
    ).all()
    return {row[0]: int(row[1]) for row in rows}
