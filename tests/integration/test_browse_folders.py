"""Plain folder browsing over HTTP: a library's root folders, each folder's subfolders and
items (paged, sorted by an allow-listed field), the viewer's state on each item, and
never a photo's location."""

from pathlib import PurePosixPath
from typing import Any

import pytest

from parlour.demo.recipes import DEMO_LIBRARY
from rated_catalogue import RatedServer


def _root(rated: RatedServer, user: str, library: str) -> dict[str, Any]:
    roots = rated.ok(user, f"/api/v1/libraries/{rated.libraries[library]}/folders")
    assert roots["total"] == 1 and roots["next_cursor"] is None
    items = roots["items"]
    assert isinstance(items, list)
    return rated.ok(user, f"/api/v1/folders/{items[0]['id']}")


def _child(rated: RatedServer, user: str, folder: dict[str, Any], name: str) -> dict[str, Any]:
    sub = next(sub for sub in folder["folders"] if sub["name"] == name)
    found = rated.ok(user, f"/api/v1/folders/{sub['id']}")
    assert found["parent_id"] == folder["id"] and found["name"] == name
    return found


def test_photo_folders_list_their_photos_by_name_or_date_without_location(
    rated: RatedServer,
) -> None:
    root = _root(rated, "kid", "Photos")
    assert root["parent_id"] is None and root["name"] == "photos"
    folders = {str(PurePosixPath(p.rel_path).parent) for p in DEMO_LIBRARY.photos}
    assert [sub["name"] for sub in root["folders"]] == sorted(folders)
    assert root["items"] == [] and root["total"] == 0
    summer = _child(rated, "kid", root, "2024 Summer")
    expected = [p for p in DEMO_LIBRARY.photos if p.rel_path.startswith("2024 Summer/")]
    assert summer["total"] == len(expected) and summer["folders"] == []
    names = [item["file_name"] for item in summer["items"]]
    assert names == sorted(PurePosixPath(p.rel_path).name for p in expected)
    for item in summer["items"]:
        assert item["kind"] == "photo" and item["taken_at"]
        assert not any("gps" in key or "latitude" in key for key in item)
    by_date = rated.ok("kid", f"/api/v1/folders/{summer['id']}", sort="taken", order="desc")
    taken = [item["taken_at"] for item in by_date["items"]]
    assert taken == sorted(taken, reverse=True) and len(taken) == len(expected)


def test_folder_items_page_by_cursor_and_offset(rated: RatedServer) -> None:
    summer = _child(rated, "kid", _root(rated, "kid", "Photos"), "2024 Summer")
    path = f"/api/v1/folders/{summer['id']}"
    page = rated.ok("kid", path, limit=5, sort="taken")
    seen = [item["id"] for item in page["items"]]
    while page["next_cursor"]:
        page = rated.ok("kid", path, limit=5, sort="taken", cursor=page["next_cursor"])
        assert page["total"] == summer["total"] and page["offset"] is None
        seen += [item["id"] for item in page["items"]]
    whole = rated.ok("kid", path, limit=100, sort="taken")
    assert seen == [item["id"] for item in whole["items"]]
    second = rated.ok("kid", path, limit=5, offset=5, sort="taken")
    assert [item["id"] for item in second["items"]] == seen[5:10]


def test_music_folders_hold_tracks_with_the_viewers_state(rated: RatedServer) -> None:
    root = _root(rated, "alice", "Music")
    artists = {PurePosixPath(t.rel_path).parts[0] for t in DEMO_LIBRARY.music}
    assert {sub["name"] for sub in root["folders"]} == artists
    album = _child(
        rated, "alice", _child(rated, "alice", root, "Glass Harbour"), "Salt Years (2022)"
    )
    tracks = {item["title"]: item for item in album["items"]}
    assert set(tracks) == {t.title for t in DEMO_LIBRARY.music if t.album == "Salt Years"}
    assert {item["kind"] for item in album["items"]} == {"track"}
    assert tracks["Weathervane"]["state"]["favourite"] is True
    assert tracks["Cold Mooring"]["state"]["favourite"] is False
    by_title = rated.ok("alice", f"/api/v1/folders/{album['id']}", sort="title", order="desc")
    titles = [item["title"] for item in by_title["items"]]
    assert titles == sorted(titles, key=str.casefold, reverse=True)


def test_film_and_show_folders_hold_their_videos(rated: RatedServer) -> None:
    films = _root(rated, "kid", "Films")
    comets = _child(rated, "kid", films, "Paper Comets (2021)")
    assert [(i["kind"], i["title"]) for i in comets["items"]] == [("movie", "Paper Comets")]
    assert comets["items"][0]["state"]["favourite"] is True  # kid's own
    shows = _root(rated, "teen", "Shows")
    season = _child(rated, "teen", _child(rated, "teen", shows, "Harbour Nights"), "Season 01")
    assert [(i["kind"], i["episode_number"]) for i in season["items"]] == [("episode", 1)]


@pytest.mark.parametrize(
    "params",
    [{"sort": "taken"}, {"sort": "gps_latitude"}, {"order": "up"}, {"limit": "0"}],
)
def test_bad_folder_parameters_get_400(rated: RatedServer, params: dict[str, str]) -> None:
    root = _root(rated, "alice", "Music")
    response = rated.get("alice", f"/api/v1/folders/{root['id']}", **params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


def test_unknown_folders_and_libraries_are_not_found(rated: RatedServer) -> None:
    for path in ("/api/v1/folders/" + "0" * 32, "/api/v1/libraries/nope/folders"):
        response = rated.get("alice", path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
