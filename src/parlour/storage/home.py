"""The lists a home screen shows: continue watching, next up, recently added, recently
played and favourites. Each reads only the viewer's own state, and only items in
libraries the viewer may see."""

from typing import Any

from sqlalchemy import Connection, and_, func, select, true

from parlour.domain.accounts import Viewer
from parlour.domain.activity import ItemKind
from parlour.domain.errors import InvalidInputError, NotFoundError
from parlour.storage import schema as s
from parlour.storage.summaries import Summary, summaries
from parlour.storage.visibility import (
    movie_visible,
    visible_item,
    visible_libraries,
    visible_shows,
)

MAX_LIST = 500


def _check_page(limit: int, offset: int = 0) -> None:
    if not 1 <= limit <= MAX_LIST or offset < 0:
        raise InvalidInputError(f"limit must be 1..{MAX_LIST} and offset at least 0")


def _ordered(found: dict[str, Summary], rows: list[tuple[str, dict[str, Any]]]) -> list[Summary]:
    """Summaries in the order of ``rows``, each merged with its row's extra fields."""
    return [found[item_id] | extra for item_id, extra in rows if item_id in found]


def continue_watching(conn: Connection, viewer: Viewer, limit: int = 20) -> list[Summary]:
    """Films and episodes with a resume point, most recently watched first."""
    _check_page(limit)
    st = s.user_item_state.c
    rows = conn.execute(
        select(st.item_id, st.kind, st.position_ms, st.updated_at)
        .where(
            st.user_id == viewer.user_id,
            st.kind.in_([ItemKind.MOVIE.value, ItemKind.EPISODE.value]),
            st.position_ms > 0,
            st.watched.is_(False),
            visible_item(viewer, st.kind, st.item_id, (ItemKind.MOVIE, ItemKind.EPISODE)),
        )
        .order_by(st.updated_at.desc(), st.item_id)
        .limit(limit)
    ).all()
    found = summaries(conn, viewer, [r.item_id for r in rows], [ItemKind.MOVIE, ItemKind.EPISODE])
    return _ordered(
        found,
        [(r.item_id, {"position_ms": r.position_ms, "updated_at": r.updated_at}) for r in rows],
    )


def next_up(conn: Connection, viewer: Viewer, limit: int = 20) -> list[Summary]:
    """For each show the viewer has been watching, the first unwatched episode after the
    furthest one watched (specials aside); shows watched most recently first."""
    _check_page(limit)
    st, e = s.user_item_state.c, s.episodes.c
    shows = conn.execute(
        select(e.show_id, func.max(st.updated_at).label("last"))
        .join(s.episodes, e.id == st.item_id)
        .where(
            st.user_id == viewer.user_id,
            st.kind == ItemKind.EPISODE.value,
            st.watched.is_(True),
            e.show_id.in_(visible_shows(viewer)),
        )
        .group_by(e.show_id)
        .order_by(func.max(st.updated_at).desc(), e.show_id)
        .limit(limit * 4)  # some shows are finished; a bounded look further
    ).all()
    picked: list[tuple[str, dict[str, Any]]] = []
    for show_id, last in shows:
        episode_id = _next_episode(conn, viewer.user_id, show_id)
        if episode_id is not None:
            picked.append((episode_id, {"last_watched_at": last}))
        if len(picked) == limit:
            break
    found = summaries(conn, viewer, [item_id for item_id, _ in picked], [ItemKind.EPISODE])
    return _ordered(found, picked)


def _next_episode(conn: Connection, user_id: str, show_id: str) -> str | None:
    e, st = s.episodes.c, s.user_item_state.c
    rows = conn.execute(
        select(e.id, func.coalesce(st.watched, False))
        .outerjoin(
            s.user_item_state,
            and_(st.item_id == e.id, st.user_id == user_id),
        )
        .where(e.show_id == show_id, e.season_number > 0)
        .order_by(e.season_number, e.episode_number, e.air_date, e.title, e.id)
    ).all()
    furthest = max((i for i, (_, watched) in enumerate(rows) if watched), default=None)
    if furthest is None:
        return None
    for episode_id, watched in rows[furthest + 1 :]:
        if not watched:
            return str(episode_id)
    return None


def history(
    conn: Connection, viewer: Viewer, limit: int = 50, offset: int = 0
) -> tuple[list[Summary], int]:
    """The viewer's plays, newest first, with the total."""
    _check_page(limit, offset)
    pe = s.play_events.c
    played = (ItemKind.TRACK, ItemKind.MOVIE, ItemKind.EPISODE)  # what plays are of
    where = (pe.user_id == viewer.user_id, visible_item(viewer, pe.kind, pe.item_id, played))
    total = int(conn.execute(select(func.count()).where(*where)).scalar_one())
    rows = conn.execute(
        select(pe.item_id, pe.kind, pe.played_at)
        .where(*where)
        .order_by(pe.played_at.desc(), pe.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    kinds = [ItemKind(r.kind) for r in rows]
    found = summaries(conn, viewer, [r.item_id for r in rows], kinds)
    return _ordered(found, [(r.item_id, {"played_at": r.played_at}) for r in rows]), total


def favourites(
    conn: Connection,
    viewer: Viewer,
    kind: ItemKind | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Summary], int]:
    """The viewer's favourites, most recently starred first, with the total."""
    _check_page(limit, offset)
    st = s.user_item_state.c
    kinds = tuple(ItemKind) if kind is None else (kind,)
    where = [
        st.user_id == viewer.user_id,
        st.favourite_at.is_not(None),
        visible_item(viewer, st.kind, st.item_id, kinds),
    ]
    total = int(conn.execute(select(func.count()).where(*where)).scalar_one())
    rows = conn.execute(
        select(st.item_id, st.kind, st.favourite_at)
        .where(*where)
        .order_by(st.favourite_at.desc(), st.item_id)
        .limit(limit)
        .offset(offset)
    ).all()
    found = summaries(conn, viewer, [r.item_id for r in rows], [ItemKind(r.kind) for r in rows])
    return _ordered(found, [(r.item_id, {"favourite_at": r.favourite_at}) for r in rows]), total


# What "recently added" means for each kind of library.
_RECENT = {
    "music": (s.albums, ItemKind.ALBUM),
    "movies": (s.movies, ItemKind.MOVIE),
    "videos": (s.movies, ItemKind.MOVIE),
    "shows": (s.episodes, ItemKind.EPISODE),
    "photos": (s.photos, ItemKind.PHOTO),
}


def recently_added(
    conn: Connection, viewer: Viewer, library_id: str, limit: int = 20
) -> list[Summary]:
    _check_page(limit)
    lib = s.libraries.c
    library_kind = conn.execute(
        select(lib.kind).where(lib.id == library_id, lib.id.in_(visible_libraries(viewer)))
    ).scalar()
    if library_kind is None:
        raise NotFoundError("no such library")
    table, kind = _RECENT[library_kind]
    allowed = {  # content ratings: the LIMIT must count only what the viewer may see
        ItemKind.MOVIE: movie_visible(viewer),
        ItemKind.EPISODE: s.episodes.c.show_id.in_(visible_shows(viewer)),
    }.get(kind, true())
    rows = conn.execute(
        select(table.c.id, table.c.added_at)
        .where(table.c.library_id == library_id, allowed)
        .order_by(table.c.added_at.desc(), table.c.id)
        .limit(limit)
    ).all()
    found = summaries(conn, viewer, [r.id for r in rows], [kind])
    return _ordered(found, [(r.id, {"added_at": r.added_at}) for r in rows])
