"""Per-user item state and play events. Written only through services.activity.

Every function takes the user's id from a Viewer the services hold, never from a request
body, and every row read or written is the caller's own.
"""

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Select,
    delete,
    func,
    insert,
    literal,
    select,
    union_all,
    update,
)

from parlour.domain.accounts import Viewer
from parlour.domain.activity import ItemKind, ItemState
from parlour.domain.errors import NotFoundError
from parlour.storage import schema as s
from parlour.storage.visibility import (
    movie_visible,
    show_visible,
    visible_libraries,
    visible_shows,
)


@dataclass(frozen=True, slots=True)
class LocatedItem:
    id: str
    kind: ItemKind
    library_id: str
    duration_ms: int  # 0 when the item has no length of its own (albums, photos...)


def _candidates(item_id: str, viewer: Viewer) -> CompoundSelect[Any]:
    """One row per table that could hold ``item_id``: at most one of them does. Each
    applies the viewer's rules (``storage.visibility``): libraries, and content ratings
    for films, shows, seasons and episodes."""
    f, visible = s.media_files.c, visible_libraries(viewer)

    def plain(table: Any, kind: ItemKind) -> Select[Any]:
        return select(
            literal(kind.value).label("kind"),
            table.c.library_id,
            literal(0).label("duration_ms"),
        ).where(table.c.id == item_id, table.c.library_id.in_(visible))

    t, m, e, sh, se = s.tracks.c, s.movies.c, s.episodes.c, s.shows.c, s.seasons.c
    track = select(literal(ItemKind.TRACK.value), t.library_id, t.duration_ms).where(
        t.id == item_id, t.library_id.in_(visible)
    )
    movie = (
        select(literal(ItemKind.MOVIE.value), m.library_id, func.coalesce(f.duration_ms, 0))
        .join(s.media_files, f.id == m.file_id)
        .where(m.id == item_id, movie_visible(viewer))
    )
    episode = (
        select(literal(ItemKind.EPISODE.value), e.library_id, func.coalesce(f.duration_ms, 0))
        .join(s.media_files, f.id == e.file_id)
        .where(e.id == item_id, e.show_id.in_(visible_shows(viewer)))
    )
    show = select(literal(ItemKind.SHOW.value), sh.library_id, literal(0)).where(
        sh.id == item_id, show_visible(viewer)
    )
    season = (
        select(literal(ItemKind.SEASON.value), sh.library_id, literal(0))
        .join(s.shows, sh.id == se.show_id)
        .where(se.id == item_id, show_visible(viewer))
    )
    return union_all(
        track,
        movie,
        episode,
        plain(s.photos, ItemKind.PHOTO),
        plain(s.albums, ItemKind.ALBUM),
        plain(s.artists, ItemKind.ARTIST),
        show,
        season,
    )


def locate(conn: Connection, viewer: Viewer, item_id: str) -> LocatedItem:
    """The item ``viewer`` may see by this id; NotFoundError for anything else."""
    row = conn.execute(_candidates(item_id, viewer)).first()
    if row is None:
        raise NotFoundError("no such item")  # also when it lies in another library
    return LocatedItem(item_id, ItemKind(row[0]), row[1], int(row[2] or 0))


_STATE_COLUMNS = (
    s.user_item_state.c.position_ms,
    s.user_item_state.c.watched,
    s.user_item_state.c.play_count,
    s.user_item_state.c.last_played_at,
    s.user_item_state.c.favourite_at,
    s.user_item_state.c.rating,
)


def get_state(conn: Connection, user_id: str, item_id: str) -> ItemState:
    st = s.user_item_state.c
    row = conn.execute(
        select(*_STATE_COLUMNS).where(st.user_id == user_id, st.item_id == item_id)
    ).first()
    if row is None:
        return ItemState()
    return ItemState(
        position_ms=int(row.position_ms),
        watched=bool(row.watched),
        play_count=int(row.play_count),
        last_played_at=row.last_played_at,
        favourite_at=row.favourite_at,
        rating=row.rating,
    )


def put_state(
    conn: Connection, user_id: str, item: LocatedItem, state: ItemState, now: int
) -> ItemState:
    """Store ``state`` as the user's state of ``item`` (the writer lock makes the
    update-then-insert safe; it is portable where ON CONFLICT spellings are not)."""
    st = s.user_item_state.c
    values = {
        "position_ms": state.position_ms,
        "watched": state.watched,
        "play_count": state.play_count,
        "last_played_at": state.last_played_at,
        "favourite_at": state.favourite_at,
        "rating": state.rating,
        "updated_at": now,
    }
    changed = conn.execute(
        update(s.user_item_state)
        .where(st.user_id == user_id, st.item_id == item.id)
        .values(**values)
    ).rowcount
    if not changed:
        conn.execute(
            insert(s.user_item_state).values(
                user_id=user_id, item_id=item.id, kind=item.kind.value, **values
            )
        )
    return state


def add_play(conn: Connection, user_id: str, item: LocatedItem, played_at: int) -> None:
    conn.execute(
        insert(s.play_events).values(
            user_id=user_id, item_id=item.id, kind=item.kind.value, played_at=played_at
        )
    )


def episodes_under(conn: Connection, item: LocatedItem) -> list[LocatedItem]:
    """The episodes of a show or season (already located, so already visible)."""
    e, f = s.episodes.c, s.media_files.c
    column = e.show_id if item.kind is ItemKind.SHOW else e.season_id
    rows = conn.execute(
        select(e.id, e.library_id, func.coalesce(f.duration_ms, 0))
        .join(s.media_files, f.id == e.file_id)
        .where(column == item.id)
    ).all()
    return [LocatedItem(row[0], ItemKind.EPISODE, row[1], int(row[2])) for row in rows]


def mark_watched(
    conn: Connection, user_id: str, items: list[LocatedItem], watched: bool, now: int
) -> int:
    """Set many episodes watched or not in one go; resume points are cleared."""
    for item in items:
        state = replace(get_state(conn, user_id, item.id), watched=watched, position_ms=0)
        put_state(conn, user_id, item, state, now)
    return len(items)


def forget_missing_items(conn: Connection) -> int:
    """Drop state, plays and playlist entries whose item no longer exists.

    The scanner calls this after it removed items: a removed file's id never comes back
    (a moved file keeps its id), so these rows could never be shown again.
    """
    known = union_all(
        *[
            select(table.c.id)
            for table in (
                s.tracks,
                s.movies,
                s.episodes,
                s.photos,
                s.albums,
                s.artists,
                s.shows,
                s.seasons,
            )
        ]
    )
    removed = 0
    for table in (s.user_item_state, s.play_events, s.playlist_entries):
        removed += conn.execute(delete(table).where(table.c.item_id.not_in(known))).rowcount
    return removed
