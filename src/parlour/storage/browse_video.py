"""Browsing films and shows as a viewer: lists, show and season details.

Every query applies both rules of ``visibility``: granted libraries, and the viewer's
content rating limit (a show's rating covers its seasons and episodes).
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Table,
    and_,
    distinct,
    exists,
    func,
    select,
)

from parlour.domain.accounts import Viewer
from parlour.storage import schema as s
from parlour.storage.item_state import ViewerState
from parlour.storage.listing import ListRequest, Page, fetch_page, filter_list, json_row, one_row
from parlour.storage.visibility import movie_visible, show_visible


def _in_genre(video_id: ColumnElement[Any], genre: str) -> ColumnElement[bool]:
    vg, g = s.video_genres.c, s.genres.c
    return video_id.in_(
        select(vg.video_id).join(s.genres, g.id == vg.genre_id).where(g.name == genre)
    )


def _videos(
    conn: Connection,
    viewer: Viewer,
    request: ListRequest,
    *,
    scope: str,
    table: Table,
    visible: ColumnElement[bool],
    watched: Callable[[bool], ColumnElement[bool]] | None = None,
) -> Page:
    """The list of films or of shows: they differ in table, rule and what ``watched``
    means (by default the item's own flag)."""
    v = table.c
    state = ViewerState(viewer)
    query: Select[Any] = select(
        v.id, v.library_id, v.title, v.year, v.content_rating, v.poster_id, v.added_at
    ).where(visible)
    query, filters = filter_list(
        query,
        request,
        state,
        library=v.library_id,
        genre=lambda genre: _in_genre(v.id, genre),
        year=v.year,
        added_at=v.added_at,
        watched=state.watched if watched is None else watched,
    )
    return fetch_page(
        conn,
        query,
        scope=scope,
        id_column=v.id,
        # "rating" is the viewer's own (1 to 10); the catalogue keeps no one else's.
        sorts={
            "title": [v.sort_title],
            "year": [v.year],
            "added": [v.added_at],
            "rating": [state.table.c.rating, v.sort_title],
        },
        request=request.page("title", filters),
        filters=filters,
        state=state,
    )


def movies(conn: Connection, viewer: Viewer, request: ListRequest) -> Page:
    """Films (and the videos of a "videos" library) the viewer may see."""
    visible = movie_visible(viewer)
    return _videos(conn, viewer, request, scope="movies", table=s.movies, visible=visible)


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


def shows(conn: Connection, viewer: Viewer, request: ListRequest) -> Page:
    """Shows the viewer may see; ``watched`` means every episode watched."""
    done = _all_watched(viewer, s.shows.c.id)
    return _videos(
        conn,
        viewer,
        request,
        scope="shows",
        table=s.shows,
        visible=show_visible(viewer),
        watched=lambda watched: done if watched else ~done,
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


def _genre_counts(conn: Connection, videos: Select[Any]) -> dict[str, int]:
    g, vg = s.genres.c, s.video_genres.c
    query = (
        select(g.name, func.count(distinct(vg.video_id)))
        .join(s.video_genres, vg.genre_id == g.id)
        .where(vg.video_id.in_(videos))
        .group_by(g.id, g.name)
    )
    return dict(conn.execute(query).tuples().all())


def genres(conn: Connection, viewer: Viewer) -> list[dict[str, Any]]:
    """The genres of the films and shows the viewer may see, by name, each with how many
    films and shows have it (a genre only hidden videos carry is not listed)."""
    films = _genre_counts(conn, select(s.movies.c.id).where(movie_visible(viewer)))
    series = _genre_counts(conn, select(s.shows.c.id).where(show_visible(viewer)))
    names = sorted(films.keys() | series.keys(), key=lambda name: (name.lower(), name))
    return [{"name": n, "movies": films.get(n, 0), "shows": series.get(n, 0)} for n in names]
