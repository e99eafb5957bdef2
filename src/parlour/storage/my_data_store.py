"""A user's own data as a whole: which tables hold it, reading it out, erasing it, and
the user's choices about their history.

Which tables hold data about a user is read from the schema itself (every table that
refers to ``users.id``, directly or through another such table), so a new table cannot
hold personal data without the inventory, the export and the erasure seeing it.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    MetaData,
    Table,
    and_,
    delete,
    func,
    insert,
    select,
    update,
)

from parlour.storage import schema as s

# Tables whose triggers refuse deletes while the user exists (consent records are
# append-only): their rows go by the cascade once the account row is deleted.
GO_WITH_ACCOUNT = frozenset({"consent_records"})

# Columns never read out of the catalogue for a person: they are credentials.
SECRET_COLUMNS = frozenset(
    {
        ("users", "password_hash"),
        ("auth_tokens", "token_hash"),
        ("app_passwords", "secret_hash"),
        ("app_passwords", "nonce"),
        ("app_passwords", "ciphertext"),
        ("subsonic_salts", "salt_hash"),
    }
)


@dataclass(frozen=True, slots=True)
class OwnerLink:
    """How a table's rows lead to their user: ``column`` refers to ``parent``'s key
    (the users table itself has no link)."""

    column: str
    parent: str
    parent_key: str


def personal_tables(metadata: MetaData = s.metadata) -> dict[str, OwnerLink | None]:
    """Every table holding data about a user, with how its rows lead to that user;
    parents come before their children."""
    found: dict[str, OwnerLink | None] = {"users": None}
    for _ in range(len(metadata.tables)):  # bounded: each pass adds a table or stops
        added = False
        for table in metadata.sorted_tables:
            if table.name in found:
                continue
            for key in sorted(table.foreign_keys, key=lambda fk: fk.parent.name):
                if key.column.table.name in found:
                    found[table.name] = OwnerLink(
                        key.parent.name, key.column.table.name, key.column.name
                    )
                    added = True
                    break
        if not added:
            break
    return found


def _owned(table: Table, user_id: str, links: dict[str, OwnerLink | None]) -> ColumnElement[bool]:
    """The rows of ``table`` that belong to ``user_id``, following the links up."""
    link = links[table.name]
    if link is None:
        return table.c.id == user_id
    parent = table.metadata.tables[link.parent]
    if links[parent.name] is None:
        return table.c[link.column] == user_id
    keys = select(parent.c[link.parent_key]).where(_owned(parent, user_id, links))
    return table.c[link.column].in_(keys)


def owned_rows(conn: Connection, table_name: str, user_id: str) -> list[dict[str, Any]]:
    """Every column of a personal table's rows that belong to the user (tests and the
    row counts use it; the export picks its columns itself)."""
    table = s.metadata.tables[table_name]
    rows = conn.execute(select(table).where(_owned(table, user_id, personal_tables())))
    return [{str(key): value for key, value in row._asdict().items()} for row in rows]


def count_rows(conn: Connection, user_id: str) -> dict[str, int]:
    """How many rows each personal table holds about the user."""
    links = personal_tables()
    counts: dict[str, int] = {}
    for name in links:
        table = s.metadata.tables[name]
        query = select(func.count()).select_from(table).where(_owned(table, user_id, links))
        counts[name] = int(conn.execute(query).scalar_one())
    return counts


# -- reading out (the export) --------------------------------------------------------


def _dicts(conn: Connection, query: Any) -> list[dict[str, Any]]:
    # Column names are str subclasses (quoted_name), which orjson refuses as keys.
    return [
        {str(key): value for key, value in row._asdict().items()} for row in conn.execute(query)
    ]


def account(conn: Connection, user_id: str) -> dict[str, Any] | None:
    u = s.users.c
    rows = _dicts(
        conn,
        select(
            u.id, u.name, u.role, u.disabled, u.max_content_rating, u.created_at,
            u.password_changed_at,
        ).where(u.id == user_id),
    )  # fmt: skip
    return rows[0] if rows else None


def tokens(conn: Connection, user_id: str) -> list[dict[str, Any]]:
    t = s.auth_tokens.c
    return _dicts(
        conn,
        select(t.id, t.kind, t.label, t.created_at, t.last_used_at, t.expires_at)
        .where(t.user_id == user_id)
        .order_by(t.created_at, t.id),
    )


def grants(conn: Connection, user_id: str) -> list[dict[str, Any]]:
    g, lib = s.library_grants.c, s.libraries.c
    return _dicts(
        conn,
        select(g.library_id, lib.name.label("library_name"))
        .join(s.libraries, lib.id == g.library_id)
        .where(g.user_id == user_id)
        .order_by(lib.name),
    )


def item_states(conn: Connection, user_id: str) -> list[dict[str, Any]]:
    st = s.user_item_state.c
    return _dicts(
        conn,
        select(
            st.item_id, st.kind, st.position_ms, st.watched, st.play_count, st.last_played_at,
            st.favourite_at, st.rating, st.updated_at,
        )
        .where(st.user_id == user_id)
        .order_by(st.updated_at, st.item_id),
    )  # fmt: skip


def plays(conn: Connection, user_id: str) -> list[dict[str, Any]]:
    pe = s.play_events.c
    return _dicts(
        conn,
        select(pe.item_id, pe.kind, pe.played_at)
        .where(pe.user_id == user_id)
        .order_by(pe.played_at, pe.id),
    )


def playlists(conn: Connection, user_id: str) -> list[dict[str, Any]]:
    p, pe = s.playlists.c, s.playlist_entries.c
    lists = _dicts(
        conn,
        select(p.id, p.name, p.kind, p.comment, p.created_at, p.updated_at)
        .where(p.user_id == user_id)
        .order_by(p.created_at, p.id),
    )
    for playlist in lists:
        playlist["entries"] = _dicts(
            conn,
            select(pe.id, pe.position, pe.item_id, pe.added_at)
            .where(pe.playlist_id == playlist["id"])
            .order_by(pe.position, pe.added_at, pe.id),
        )
    return lists


# -- the user's choices ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PrivacyChoices:
    """What a user chose about their history; the defaults until they choose."""

    pause_history: bool = False
    history_retention_days: int | None = None
    updated_at: int | None = None
    share_now_playing: bool = False  # music apps may show others what the user plays


def privacy_choices(conn: Connection, user_id: str) -> PrivacyChoices:
    c = s.user_privacy.c
    row = conn.execute(
        select(c.pause_history, c.history_retention_days, c.updated_at, c.share_now_playing).where(
            c.user_id == user_id
        )
    ).first()
    if row is None:
        return PrivacyChoices()
    return PrivacyChoices(bool(row[0]), row[1], row[2], bool(row[3]))


def put_privacy_choices(conn: Connection, user_id: str, choices: PrivacyChoices) -> None:
    values = {
        "pause_history": choices.pause_history,
        "history_retention_days": choices.history_retention_days,
        "share_now_playing": choices.share_now_playing,
        "updated_at": choices.updated_at,
    }
    c = s.user_privacy.c
    changed = conn.execute(update(s.user_privacy).where(c.user_id == user_id).values(values))
    if not changed.rowcount:
        conn.execute(insert(s.user_privacy).values(user_id=user_id, **values))


def retention_limits(conn: Connection) -> list[tuple[str, PrivacyChoices]]:
    """Every user who set a history retention limit, with their choices."""
    c = s.user_privacy.c
    rows = conn.execute(
        select(
            c.user_id, c.pause_history, c.history_retention_days, c.updated_at, c.share_now_playing
        ).where(c.history_retention_days.is_not(None))
    ).all()
    return [(row[0], PrivacyChoices(bool(row[1]), row[2], row[3], bool(row[4]))) for row in rows]


# -- erasing -------------------------------------------------------------------------


def _drop_empty_states(conn: Connection, user_id: str) -> None:
    """Remove state rows that no longer say anything (all back to their defaults)."""
    st = s.user_item_state.c
    conn.execute(
        delete(s.user_item_state).where(
            st.user_id == user_id,
            st.position_ms == 0,
            st.watched.is_(False),
            st.play_count == 0,
            st.last_played_at.is_(None),
            st.favourite_at.is_(None),
            st.rating.is_(None),
        )
    )


def _reset_state(conn: Connection, user_id: str, **values: Any) -> int:
    st = s.user_item_state.c
    changed = conn.execute(
        update(s.user_item_state).where(st.user_id == user_id).values(**values)
    ).rowcount
    _drop_empty_states(conn, user_id)
    return changed


def erase_history(conn: Connection, user_id: str) -> int:
    """Every play, and the play counts and last-played times built from them."""
    pe = s.play_events.c
    removed = conn.execute(delete(s.play_events).where(pe.user_id == user_id)).rowcount
    return removed + _reset_state(conn, user_id, play_count=0, last_played_at=None)


def erase_resume_points(conn: Connection, user_id: str) -> int:
    """Resume points and watched marks."""
    return _reset_state(conn, user_id, position_ms=0, watched=False)


def erase_ratings(conn: Connection, user_id: str) -> int:
    """Ratings and favourites."""
    return _reset_state(conn, user_id, rating=None, favourite_at=None)


def erase_playlists(conn: Connection, user_id: str) -> int:
    p, pe = s.playlists.c, s.playlist_entries.c
    mine = select(p.id).where(p.user_id == user_id)
    removed = conn.execute(delete(s.playlist_entries).where(pe.playlist_id.in_(mine))).rowcount
    return removed + conn.execute(delete(s.playlists).where(p.user_id == user_id)).rowcount


def erase_tokens(conn: Connection, user_id: str, keep_token_id: str | None) -> int:
    """Every session and device token of the user but ``keep_token_id``."""
    t = s.auth_tokens.c
    query = delete(s.auth_tokens).where(t.user_id == user_id)
    if keep_token_id is not None:
        query = query.where(t.id != keep_token_id)
    return conn.execute(query).rowcount


def erase_account(conn: Connection, user_id: str) -> int:
    """Every row of every personal table that belongs to the user, children first, and
    the account last (not left to the cascades: each table is emptied explicitly, but
    for the append-only ones in ``GO_WITH_ACCOUNT``, which the account's cascade empties
    and which are then checked empty)."""
    links = personal_tables()
    removed = 0
    for name in reversed(list(links)):
        table = s.metadata.tables[name]
        mine = _owned(table, user_id, links)
        if name in GO_WITH_ACCOUNT:
            removed += int(
                conn.execute(select(func.count()).select_from(table).where(mine)).scalar_one()
            )
            continue
        removed += conn.execute(delete(table).where(mine)).rowcount
    for name in GO_WITH_ACCOUNT:  # fail loudly rather than leave a record behind
        table = s.metadata.tables[name]
        left = conn.execute(
            select(func.count()).select_from(table).where(_owned(table, user_id, links))
        ).scalar_one()
        if left:
            raise RuntimeError(f"{left} rows of {name} outlived the account {user_id}")
    return removed


def prune_history(conn: Connection, user_id: str, before: int) -> int:
    """Plays older than ``before`` (unix seconds), and last-played times as old."""
    pe, st = s.play_events.c, s.user_item_state.c
    removed = conn.execute(
        delete(s.play_events).where(pe.user_id == user_id, pe.played_at < before)
    ).rowcount
    conn.execute(
        update(s.user_item_state)
        .where(and_(st.user_id == user_id, st.last_played_at < before))
        .values(last_played_at=None)
    )
    return removed
