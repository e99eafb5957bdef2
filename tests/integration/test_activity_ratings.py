"""Content ratings hold in the activity routes too: a limited user can neither act on nor
list what the limit hides, and a lowered limit hides the state already kept."""

from typing import Any

from rated_catalogue import RatedServer

R_FILM = "movie:The Lighthouse Cartographer"
PG_FILM = "movie:Paper Comets"
UNRATED_FILM = "movie:Über den Wolkenhöfen"


def _call(rated: RatedServer, user: str, method: str, path: str, **body: Any) -> Any:
    return rated.client.request(
        method, rated.process.base + path, headers=rated.headers[user], json=body or None
    )


def _user_id(rated: RatedServer, name: str) -> str:
    users = rated.ok("root", "/api/v1/admin/users")
    return next(u["id"] for u in users if u["name"] == name)  # type: ignore[union-attr,index]


def _grant(rated: RatedServer, name: str, rating: str | None) -> None:
    response = _call(
        rated,
        "root",
        "PUT",
        f"/api/v1/admin/users/{_user_id(rated, name)}/grants",
        libraries=[rated.libraries["Films"], rated.libraries["Shows"]],
        max_content_rating=rating,
    )
    assert response.status_code == 200, response.text


def test_a_limited_user_cannot_act_on_what_the_limit_hides(rated: RatedServer) -> None:
    for film in (R_FILM, UNRATED_FILM):
        item = rated.ids[film]
        for method, suffix in (("GET", "state"), ("PUT", "favourite"), ("PUT", "watched")):
            response = _call(rated, "kid", method, f"/api/v1/items/{item}/{suffix}")
            assert response.status_code == 404, (film, suffix)
        assert _call(rated, "kid", "POST", f"/api/v1/items/{item}/plays").status_code == 404
    night_ferry = rated.ids["show:Night Ferry"]
    assert _call(rated, "kid", "PUT", f"/api/v1/items/{night_ferry}/watched").status_code == 404
    refused = _call(
        rated, "kid", "POST", "/api/v1/playlists", name="x", kind="video", items=[rated.ids[R_FILM]]
    )
    assert refused.status_code == 404
    # What the limit allows works as for anyone.
    allowed = _call(rated, "kid", "PUT", f"/api/v1/items/{rated.ids[PG_FILM]}/rating", rating=6)
    assert allowed.status_code == 200 and allowed.json()["rating"] == 6


def test_recently_added_counts_only_what_the_viewer_may_see(rated: RatedServer) -> None:
    films = rated.libraries["Films"]
    for_kid = rated.ok("kid", f"/api/v1/libraries/{films}/recent")["items"]
    assert [f["title"] for f in for_kid] == ["Paper Comets"]  # type: ignore[index]
    for_alice = rated.ok("alice", f"/api/v1/libraries/{films}/recent")["items"]
    assert len(for_alice) == 3  # type: ignore[arg-type]
    shows = rated.ok("kid", f"/api/v1/libraries/{rated.libraries['Shows']}/recent", limit=50)
    assert {e["show_title"] for e in shows["items"]} == {"Tidepool Tales"}  # type: ignore[index,union-attr]


def test_a_lowered_limit_hides_state_already_kept(rated: RatedServer) -> None:
    _grant(rated, "spare", None)
    for film in (R_FILM, PG_FILM):
        assert (
            _call(rated, "spare", "PUT", f"/api/v1/items/{rated.ids[film]}/favourite").status_code
            == 200
        )
        assert (
            _call(rated, "spare", "POST", f"/api/v1/items/{rated.ids[film]}/plays").status_code
            == 201
        )
    made = _call(
        rated,
        "spare",
        "POST",
        "/api/v1/playlists",
        name="Both",
        kind="video",
        items=[rated.ids[R_FILM], rated.ids[PG_FILM]],
    )
    assert made.status_code == 201
    assert rated.ok("spare", "/api/v1/me/favourites", kind="movie")["total"] == 2
    _grant(rated, "spare", "PG")
    try:
        favourites = rated.ok("spare", "/api/v1/me/favourites", kind="movie")
        assert [i["id"] for i in favourites["items"]] == [rated.ids[PG_FILM]]  # type: ignore[index,union-attr]
        assert favourites["total"] == 1
        history = rated.ok("spare", "/api/v1/me/history")
        assert {i["id"] for i in history["items"]} == {rated.ids[PG_FILM]}  # type: ignore[union-attr,index]
        assert history["total"] == 1
        playlist = rated.ok("spare", f"/api/v1/playlists/{made.json()['id']}")
        assert [i["id"] for i in playlist["items"]] == [rated.ids[PG_FILM]]  # type: ignore[index,union-attr]
        listed = rated.ok("spare", "/api/v1/playlists")
        assert listed == [listed[0] | {"entries": 1}]  # type: ignore[index,operator,comparison-overlap]
    finally:
        _grant(rated, "spare", None)
    assert rated.ok("spare", "/api/v1/me/favourites", kind="movie")["total"] == 2
