"""Browsing films and shows as a viewer: lists, show and season details.

Every query applies both rules of ``visibility``: granted libraries, and the viewer's
content rating limit (a show's rating covers its seasons and episodes).
"""

from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, exists, func, select

from parlour.domain.accounts import Viewer
from parlour.storage import schema as s
from parlour.storage.item_state import ViewerState
from parlour.storage.listing import (
    FilterValue,
    Page,
    PageRequest,
    check_text,
    fetch_page,
    json_row,
    one_row,
    year_range,
)
from parlour.storage.visibility import movie_visible, show_visible


def _in_genre(video_id: ColumnElement[Any], genre: str) -> ColumnElement[bool]:
    vg, g = s.video_genres.c, s.genres.c
    return video_id.in_(
        select(vg.video_id).join(s.genres, g.id == vg.genre_id).where(g.name == genre)
    )


def movies(
    conn: Connection,
    viewer: Viewer,
    *,
    library: str | None = None,
    genre: str | None = None,
    year: int | None = None,
    decade: int | None = None,
    added_since: int | None = None,
    watched: bool | None = None,
    favourite: bool | None = None,
    sort: str = "title",
    order: str = "asc",
    limit: int = 100,
    offset: int = 0,
    cursor: str | None = None,
) -> Page:
    """Films (and the videos of a "videos" library) the viewer may see."""
    m = s.movies.c
    state = ViewerState(viewer)
    query: Select[Any] = select(
        m.id, m.library_id, m.title, m.year, m.content_rating, m.poster_id, m.added_at
    ).where(movie_visible(viewer))
    if library is not None:
        query = query.where(m.library_id == library)
    query = query.where(*year_range(m.year, year, decade))
    if genre is not None:
        query = query.where(_in_genre(m.id, genre))
    if added_since is not None:
        query = query.where(m.added_at >= added_since)
    if watched is not None:
        query = query.where(state.watched(watched))
    if favourite is not None:
        query = query.where(state.favourite(favourite))
    filters: dict[str, FilterValue] = {
        "library": check_text("library", library),
        "genre": check_text("genre", genre),
        "year": year,
        "decade": decade,
        "added_since": added_since,
        "watched": watched,
        "favourite": favourite,
    }
    sorts = {"title": [m.sort_title], "year": [m.year], "added": [m.added_at]}
    return fetch_page(
        conn,
        query,
        scope="movies",
        id_column=m.id,
        sorts=sorts,
        request=PageRequest(sort, order, limit, offset, cursor),
        filters=filters,
        state=state,
    )


def _all_watched(viewer: Viewer, show_id: ColumnElement[Any]) -> ColumnElement[bool]:
    """The show has episodes and the viewer has watched every one of them."""
    e, st = s.episodes.alias("any_episode"), s.user_item_state.alias("episode_state")
    seen = exists().where(
        st.c.user_id == viewer.user_id, st.c.item_id == e.c.id, st.c.watched.is_(True)
    )
    return and_(
        exists().where(e.c.show_id == show_id),
        ~exists().where(e.c.show_id == show_id, ~seen),
    )


def shows(
    conn: Connection,
    viewer: Viewer,
    *,
    library: str | None = None,
    genre: str | None = None,
    year: int | None = None,
    decade: int | None = None,
    added_since: int | None = None,
    watched: bool | None = None,
    favourite: bool | None = None,
    sort: str = "title",
    order: str = "asc",
    limit: int = 100,
    offset: int = 0,
    cursor: str | None = None,
) -> Page:
    """Shows the viewer may see; ``watched`` means every episode watched."""
    sh = s.shows.c
    state = ViewerState(viewer)
    query: Select[Any] = select(
        sh.id, sh.library_id, sh.title, sh.year, sh.content_rating, sh.poster_id, sh.added_at
    ).where(show_visible(viewer))
    if library is not None:
        query = query.where(sh.library_id == library)
    query = query.where(*year_range(sh.year, year, decade))
    if genre is not None:
        query = query.where(_in_genre(sh.id, genre))
    if added_since is not None:
        query = query.where(sh.added_at >= added_since)
    if watched is not None:
        done = _all_watched(viewer, sh.id)
        query = query.where(done if watched else ~done)
    if favourite is not None:
        query = query.where(state.favourite(favourite))
    filters: dict[str, FilterValue] = {
        "library": check_text("library", library),
        "genre": check_text("genre", genre),
        "year": year,
        "decade": decade,
        "added_since": added_since,
        "watched": watched,
        "favourite": favourite,
    }
    sorts = {"title": [sh.sort_title], "year": [sh.year], "added": [sh.added_at]}
    return fetch_page(
        conn,
        query,
        scope="shows",
        id_column=sh.id,
        sorts=sorts,
        request=PageRequest(sort, order, limit, offset, cursor),
        filters=filters,
        state=state,
    )


def show(conn: Connection, viewer: Viewer, show_id: str) -> dict[str, Any]:
    """A show with its seasons (and how many episodes each holds)."""
    sh, se = s.shows.c, s.seasons.c
    state = ViewerState(viewer)
    found = one_row(
        conn,
        state.join(
            select(
                sh.id, sh.library_id, sh.title, sh.year, sh.plot, sh.content_rating, sh.poster_id
            ).where(sh.id == show_id, show_visible(viewer)),
            sh.id,
        ),
        "show",
    )
    episodes = func.count(s.episodes.c.id).label("episodes")
    found["seasons"] = [
        json_row(row)
        for row in conn.execute(
            select(se.id, se.number, se.title, se.poster_id, episodes)
            .outerjoin(s.episodes, s.episodes.c.season_id == se.id)
            .where(se.show_id == show_id)
            .group_by(se.id, se.number, se.title, se.poster_id)
            .order_by(se.number)
        )
    ]
    return found


def season(conn: Connection, viewer: Viewer, season_id: str) -> dict[str, Any]:
    """A season with its episodes in order, each with the viewer's state."""
    se, sh, e = s.seasons.c, s.shows.c, s.episodes.c
    state = ViewerState(viewer)
    found = one_row(
        conn,
        state.join(
            select(se.id, se.show_id, se.number, se.title, sh.title.label("show_title"))
            .join(s.shows, sh.id == se.show_id)
            .where(se.id == season_id, show_visible(viewer)),
            se.id,
        ),
        "season",
    )
    listed = select(e.id, e.episode_number, e.episode_end, e.air_date, e.title)
    found["episodes"] = [
        json_row(row)
        for row in conn.execute(
            state.join(listed.where(e.season_id == season_id), e.id).order_by(
                e.episode_number, e.air_date, e.title, e.id
            )
        )
    ]
    return found
