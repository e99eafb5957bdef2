"""Content rating limits over HTTP: each user sees only the films and shows (with their
seasons and episodes) within their limit, in lists, details, search, totals, counts and
folders; unrated items are hidden from a limited user, never from an admin; an admin
sets only known ratings."""

import httpx
import pytest
from sqlalchemy import create_engine, func, literal, select

from parlour.domain.accounts import Role, Viewer
from parlour.storage import schema as s
from parlour.storage.visibility import visible_item
from rated_catalogue import DEMO_SHOW, RATED_SHOWS, RatedServer

ALL_FILMS = {"Paper Comets", "The Lighthouse Cartographer", "Über den Wolkenhöfen"}
ALL_SHOWS = {DEMO_SHOW} | {title for _, title, *_ in RATED_SHOWS}
SEES_FILMS = {
    "alice": ALL_FILMS,
    "root": ALL_FILMS,
    "teen": {"Paper Comets"},  # R is 17; Über den Wolkenhöfen has no rating
    "kid": {"Paper Comets"},
}
SEES_SHOWS = {
    "alice": ALL_SHOWS,
    "root": ALL_SHOWS,
    "teen": {"Tidepool Tales", "Harbour Nights"},  # TV-Y7 and FSK 12, not TV-MA nor unrated
    "kid": {"Tidepool Tales"},
}
EPISODES = {title: count for _, title, _, _, _, count in RATED_SHOWS}


def _titles(page: dict[str, object]) -> set[str]:
    items = page["items"]
    assert isinstance(items, list)
    return {item["title"] for item in items}


@pytest.mark.parametrize("user", sorted(SEES_FILMS))
def test_lists_and_totals_hold_only_what_the_limit_allows(rated: RatedServer, user: str) -> None:
    films = rated.ok(user, "/api/v1/movies")
    assert _titles(films) == SEES_FILMS[user]
    assert films["total"] == len(SEES_FILMS[user])
    shows = rated.ok(user, "/api/v1/shows")
    assert _titles(shows) == SEES_SHOWS[user]
    assert shows["total"] == len(SEES_SHOWS[user])


@pytest.mark.parametrize("user", ["kid", "teen"])
def test_hidden_films_shows_seasons_and_episodes_are_not_found_by_id(
    rated: RatedServer, user: str
) -> None:
    for title in ALL_FILMS - SEES_FILMS[user]:
        movie_id = rated.ids[f"movie:{title}"]
        assert rated.get(user, f"/api/v1/items/{movie_id}").status_code == 404
        assert rated.get("alice", f"/api/v1/items/{movie_id}").status_code == 200
    for title in ALL_SHOWS - SEES_SHOWS[user]:
        show_id = rated.ids[f"show:{title}"]
        assert rated.get(user, f"/api/v1/shows/{show_id}").status_code == 404
        seasons = rated.ok("alice", f"/api/v1/shows/{show_id}")["seasons"]
        assert isinstance(seasons, list) and seasons
        for season in seasons:
            assert rated.get(user, f"/api/v1/seasons/{season['id']}").status_code == 404
        episode_id = rated.ids[f"episode:{title}:1"]
        assert rated.get(user, f"/api/v1/items/{episode_id}").status_code == 404
        assert rated.ok("alice", f"/api/v1/items/{episode_id}")["kind"] == "episode"


def test_allowed_items_open_in_full(rated: RatedServer) -> None:
    film = rated.ok("kid", f"/api/v1/items/{rated.ids['movie:Paper Comets']}")
    assert film["kind"] == "movie" and film["content_rating"] == "PG"
    show = rated.ok("kid", f"/api/v1/shows/{rated.ids['show:Tidepool Tales']}")
    assert show["content_rating"] == "TV-Y7"
    seasons = show["seasons"]
    assert isinstance(seasons, list)
    season = rated.ok("kid", f"/api/v1/seasons/{seasons[0]['id']}")
    episodes = season["episodes"]
    assert isinstance(episodes, list) and len(episodes) == EPISODES["Tidepool Tales"]
    episode = rated.ok("kid", f"/api/v1/items/{episodes[0]['id']}")
    assert episode["kind"] == "episode"


@pytest.mark.parametrize(
    ("word", "title"),
    [
        ("Cartographer", "The Lighthouse Cartographer"),  # R
        ("Wolkenhöfen", "Über den Wolkenhöfen"),  # unrated
        ("Ferry", "Night Ferry"),  # TV-MA: the show and its episode
        ("Quillon", DEMO_SHOW),  # unrated show
    ],
)
def test_search_and_its_total_leave_out_what_the_limit_hides(
    rated: RatedServer, word: str, title: str
) -> None:
    everything = rated.ok("alice", "/api/v1/search", q=word)
    assert title in _titles(everything)
    for user in ("kid", "teen"):
        found = rated.ok(user, "/api/v1/search", q=word)
        assert found["items"] == [] and found["total"] == 0, (user, found)


def test_search_finds_what_the_limit_allows(rated: RatedServer) -> None:
    found = rated.ok("kid", "/api/v1/search", q="Tidepool")
    kinds = {(item["kind"], item["title"]) for item in found["items"]}  # type: ignore[union-attr]
    assert ("show", "Tidepool Tales") in kinds
    assert sum(kind == "episode" for kind, _ in kinds) == EPISODES["Tidepool Tales"]
    assert found["total"] == len(kinds)
    comets = rated.ok("kid", "/api/v1/search", q="Comets")
    assert ("movie", "Paper Comets") in {(i["kind"], i["title"]) for i in comets["items"]}  # type: ignore[union-attr]


def _counts(rated: RatedServer, user: str) -> dict[str, dict[str, int]]:
    response = rated.get(user, "/api/v1/libraries")
    assert response.status_code == 200
    return {lib["name"]: lib["counts"] for lib in response.json()}


def test_library_counts_count_only_what_the_viewer_may_see(rated: RatedServer) -> None:
    kid, teen, root = _counts(rated, "kid"), _counts(rated, "teen"), _counts(rated, "root")
    assert set(kid) == {"Films", "Shows", "Photos"} and set(teen) == {"Films", "Shows"}
    assert kid["Films"]["movies"] == teen["Films"]["movies"] == 1
    assert root["Films"]["movies"] == len(ALL_FILMS)
    assert kid["Shows"] | {"failed": 0} == {
        "shows": 1,
        "seasons": 1,
        "episodes": EPISODES["Tidepool Tales"],
        "failed": 0,
    }
    assert teen["Shows"]["shows"] == 2
    assert teen["Shows"]["episodes"] == EPISODES["Tidepool Tales"] + EPISODES["Harbour Nights"]
    assert root["Shows"]["shows"] == len(ALL_SHOWS)
    assert kid["Photos"]["photos"] == root["Photos"]["photos"]  # photos carry no rating


def _folder_names(rated: RatedServer, user: str, library: str) -> set[str]:
    roots = rated.ok(user, f"/api/v1/libraries/{rated.libraries[library]}/folders")
    items = roots["items"]
    assert isinstance(items, list)
    names: set[str] = set()
    for root in items:
        names |= {sub["name"] for sub in rated.ok(user, f"/api/v1/folders/{root['id']}")["folders"]}  # type: ignore[union-attr]
    return names


def test_folders_hide_what_holds_nothing_the_viewer_may_see(rated: RatedServer) -> None:
    assert _folder_names(rated, "alice", "Shows") == ALL_SHOWS
    assert _folder_names(rated, "kid", "Shows") == SEES_SHOWS["kid"]
    assert _folder_names(rated, "teen", "Shows") == SEES_SHOWS["teen"]
    assert _folder_names(rated, "kid", "Films") == {"Paper Comets (2021)"}
    assert len(_folder_names(rated, "alice", "Films")) == len(ALL_FILMS)
    # A hidden folder is not found by id either, nor the folders inside it.
    alice_root = rated.ok("alice", f"/api/v1/libraries/{rated.libraries['Shows']}/folders")
    root_id = alice_root["items"][0]["id"]  # type: ignore[index]
    subfolders = rated.ok("alice", f"/api/v1/folders/{root_id}")["folders"]
    ferry = next(sub for sub in subfolders if sub["name"] == "Night Ferry")  # type: ignore[union-attr]
    assert rated.get("kid", f"/api/v1/folders/{ferry['id']}").status_code == 404
    season = rated.ok("alice", f"/api/v1/folders/{ferry['id']}")["folders"][0]  # type: ignore[index]
    assert rated.get("teen", f"/api/v1/folders/{season['id']}").status_code == 404
    assert rated.ok("alice", f"/api/v1/folders/{season['id']}")["total"] == 1


def test_a_library_that_is_not_granted_has_no_folders(rated: RatedServer) -> None:
    music = rated.libraries["Music"]
    assert rated.get("kid", f"/api/v1/libraries/{music}/folders").status_code == 404
    roots = rated.ok("alice", f"/api/v1/libraries/{music}/folders")["items"]
    assert isinstance(roots, list) and len(roots) == 1
    assert rated.get("kid", f"/api/v1/folders/{roots[0]['id']}").status_code == 404


@pytest.mark.parametrize("rating", ["PG-13", "Rated R", "UK:15", "FSK 12", "DE:16", "TV-MA", "12"])
def test_admin_sets_known_ratings(rated: RatedServer, rating: str) -> None:
    response = _grant(rated, _user_id(rated, "spare"), rating)
    assert response.status_code == 200, response.text
    assert response.json()["max_content_rating"] == rating


@pytest.mark.parametrize(
    "rating", ["PG-14", "NR", "Unrated", "", "R'; --", "X" * 40, "\uff30\uff27"]
)
def test_unknown_ratings_are_refused_with_examples(rated: RatedServer, rating: str) -> None:
    user_id = _user_id(rated, "spare")
    assert _grant(rated, user_id, "PG").status_code == 200
    response = _grant(rated, user_id, rating)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "PG-13" in response.json()["detail"] and "FSK 12" in response.json()["detail"]
    assert rated.ok("spare", "/api/v1/movies")["total"] == 1  # the old limit still holds


def _user_id(rated: RatedServer, name: str) -> str:
    response = rated.get("root", "/api/v1/admin/users")
    assert response.status_code == 200
    return next(str(user["id"]) for user in response.json() if user["name"] == name)


def _grant(rated: RatedServer, user_id: str, rating: str) -> httpx.Response:
    return rated.client.put(
        f"{rated.process.base}/api/v1/admin/users/{user_id}/grants",
        headers=rated.headers["root"],
        json={"libraries": ["Films", "Shows"], "max_content_rating": rating},
    )


def test_visible_item_agrees_with_what_the_api_shows(rated: RatedServer) -> None:
    """``visibility.visible_item``, the rule for rows naming items of any kind (search
    entries, user state, playlists), against the catalogue the server is serving."""
    engine = create_engine(f"sqlite:///{rated.data / 'catalogue.db'}")
    try:
        with engine.connect() as conn:
            # The kid as signing in makes them: with their grants.
            kid_id = _user_id(rated, "kid")
            g = s.library_grants.c
            granted = conn.execute(select(g.library_id).where(g.user_id == kid_id)).scalars()
            kid = Viewer(kid_id, "kid", Role.USER, frozenset(granted), "PG")
            se = s.search_entries.c
            rows = conn.execute(
                select(se.kind, se.title).where(visible_item(kid, se.kind, se.item_id))
            ).all()
            seasons = conn.execute(
                select(s.shows.c.title)
                .join(s.seasons, s.seasons.c.show_id == s.shows.c.id)
                .where(visible_item(kid, literal("season"), s.seasons.c.id))
            ).all()
            all_seasons = conn.execute(select(func.count()).select_from(s.seasons)).scalar()
    finally:
        engine.dispose()
    found: dict[str, set[str]] = {}
    for kind, title in rows:
        found.setdefault(kind, set()).add(title)
    assert found["movie"] == SEES_FILMS["kid"]
    assert found["show"] == SEES_SHOWS["kid"]
    assert len(found["episode"]) == EPISODES["Tidepool Tales"]
    assert len(found["photo"]) == _counts(rated, "kid")["Photos"]["photos"]
    assert not {"track", "album", "artist"} & set(found)  # no music granted
    assert [title for (title,) in seasons] == ["Tidepool Tales"] and all_seasons
