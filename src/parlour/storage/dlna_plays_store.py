"""Plays recorded against DLNA devices (services.dlna_plays), kept only while the admin
records them and only for the retention chosen (``DlnaConfig.plays_kept_from``)."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select

from parlour.storage import dlna_store
from parlour.storage import schema as s

# Where each kind of play's item lives, for the library its play belongs to.
_ITEM_TABLES: dict[str, Table] = {
    "track": s.tracks,
    "film": s.movies,
    "video": s.movies,
    "episode": s.episodes,
}


@dataclass(frozen=True, slots=True)
class DlnaPlay:
    device_id: str
    device_name: str  # the device's User-Agent, as the device list shows it
    item_id: str
    title: str
    kind: str  # "track" | "film" | "video" | "episode"
    played_at: int  # unix seconds

    def as_json(self) -> dict[str, Any]:
        return {
            "device_id": self.device_id,
            "device_name": self.device_name,
            "item_id": self.item_id,
            "title": self.title,
            "kind": self.kind,
            "played_at": self.played_at,
        }


def add_play(
    conn: Connection, device_id: str, item_id: str, kind: str, title: str, played_at: int
) -> bool:
    """Record a play of the item (a track, film, video or episode) against the device; False when
    the item is no longer in the catalogue."""
    table = _ITEM_TABLES[kind]
    library_id = conn.execute(
        select(table.c.library_id).where(table.c.id == item_id)
    ).scalar_one_or_none()
    if library_id is None:
        return False
    conn.execute(
        insert(s.dlna_plays).values(
            device_id=device_id,
            library_id=library_id,
            item_id=item_id,
            kind=kind,
            title=title,
            played_at=played_at,
        )
    )
    return True


def _kept_from(conn: Connection, now: int) -> int | None:
    config = dlna_store.read_config(conn)
    return None if config is None else config.plays_kept_from(now)


def purge_expired(conn: Connection, now: int) -> int:
    """Delete the plays past the retention (every play while recording is off); how many."""
    since = _kept_from(conn, now)
    query = delete(s.dlna_plays)
    if since is not None:
        query = query.where(s.dlna_plays.c.played_at < since)
    return conn.execute(query).rowcount


def recent_plays(conn: Connection, now: int, limit: int) -> list[DlnaPlay]:
    """The newest ``limit`` plays still within the retention (none while recording is
    off), whatever is left on disk."""
    since = _kept_from(conn, now)
    if since is None:
        return []
    p, d = s.dlna_plays.c, s.dlna_devices.c
    rows = conn.execute(
        select(p.device_id, d.user_agent, p.item_id, p.title, p.kind, p.played_at)
        .join(s.dlna_devices, d.id == p.device_id)
        .where(p.played_at >= since)
        .order_by(p.played_at.desc(), p.id.desc())
        .limit(limit)
    )
    return [DlnaPlay(*row) for row in rows]


def erase_plays(conn: Connection) -> int:
    return conn.execute(delete(s.dlna_plays)).rowcount
