"""A user's own data over real HTTP (P-09, P-10, P-11, P-15; PR-06, PR-07, PR-10): the
inventory, an export that holds every row about the caller and nothing about anyone else,
erasure that leaves no trace in the database files, paused history, and activity that
no other user can see."""

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from parlour.privacy import export
from parlour.storage import my_data_store
from privacy.served_music import PASSWORDS, ServedMusic, serve_music
from support import add_user

Served = ServedMusic


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, demo_roots: dict[str, Path]
) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("my-data") / "data"
    with serve_music(data, demo_roots) as (process, headers):
        yield Served(process, data, headers)


def _new_user(served: Served, name: str, password: str) -> dict[str, str]:
    add_user(served.data, name, password)
    from support import run_parlour  # noqa: PLC0415 - only this helper needs it

    result = run_parlour("--data-dir", str(served.data), "user", "grant", name, "Music")
    assert result.returncode == 0, result.stderr
    return served.process.login(name, password)


def _activity(served: Served, who: dict[str, str], tracks: list[str], label: str) -> None:
    served.ok("POST", f"/api/v1/items/{tracks[0]}/plays", who, json={})
    served.ok("POST", f"/api/v1/items/{tracks[1]}/plays", who, json={})
    served.ok("PUT", f"/api/v1/items/{tracks[1]}/favourite", who)
    served.ok("PUT", f"/api/v1/items/{tracks[2]}/rating", who, json={"rating": 7})
    body = {"name": f"{label} list", "kind": "music", "comment": label, "items": tracks[:3]}
    served.ok("POST", "/api/v1/playlists", who, json=body)
    for given in (True, False):  # a consent, then its withdrawal: two records
        answer = {"scope": "personal_usage", "given": given}
        served.ok("POST", "/api/v1/me/consents", who, json=answer)


def test_the_inventory_lists_every_category_with_the_callers_row_counts(served: Served) -> None:
    alice = served.headers["alice"]
    found = served.ok("GET", "/api/v1/me/data", alice)
    categories = {c["category"]: c for c in found["categories"]}
    assert "unclassified_tables" not in found
    assert {"account", "devices", "history", "playlists", "consents", "login-events"} <= set(
        categories
    )
    assert categories["account"]["rows"] == {"users": 1}
    assert categories["consents"]["stored_in"] == ["consent_records"]


def test_the_export_holds_every_row_about_the_caller_and_none_about_others(
    served: Served,
) -> None:
    alice, bob = served.headers["alice"], served.headers["bob"]
    tracks = served.tracks(alice)
    _activity(served, alice, tracks, "alice")
    _activity(served, bob, tracks[1:], "bob")
    response = served.call("GET", "/api/v1/me/export", alice)
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    document = response.json()
    jsonschema_rs.validate(export.json_schema(), document)
    assert (document["format"], document["version"]) == (export.FORMAT, export.VERSION)

    alice_id = served.ok("GET", "/api/v1/me", alice)["id"]
    bob_id = served.ok("GET", "/api/v1/me", bob)["id"]
    assert document["account"]["id"] == alice_id
    assert "password_hash" not in document["account"]

    # Every row of every table about Alice is in the export, compared field by field.
    def table(name: str, *fields: str) -> list[tuple[Any, ...]]:
        return sorted(tuple(row[f] for f in fields) for row in served.rows(name, alice_id))

    def section(rows: list[dict[str, Any]], *fields: str) -> list[tuple[Any, ...]]:
        return sorted(tuple(row[f] for f in fields) for row in rows)

    plays = ("item_id", "kind", "played_at")
    assert table("play_events", *plays) == section(document["play_history"], *plays)
    assert len(document["play_history"]) == 2
    state = ("item_id", "position_ms", "play_count", "favourite_at", "rating")
    assert table("user_item_state", *state) == section(document["item_state"], *state)
    assert table("auth_tokens", "id", "label") == section(document["devices"], "id", "label")
    assert table("library_grants", "library_id") == section(
        document["library_grants"], "library_id"
    )
    assert table("playlists", "id", "name", "comment") == section(
        document["playlists"], "id", "name", "comment"
    )
    entries = [entry for playlist in document["playlists"] for entry in playlist["entries"]]
    assert table("playlist_entries", "id", "item_id") == section(entries, "id", "item_id")
    assert len(entries) == 3
    consents = ("scope", "policy_version", "notice_hash", "given", "recorded_at")
    assert table("consent_records", *consents) == section(document["consent_records"], *consents)
    assert [r["given"] for r in document["consent_records"]] == [True, False]
    assert all("token_hash" not in device for device in document["devices"])

    # Nothing of Bob's: not his id, his tokens, his playlists or his playlist entries.
    text = response.text
    assert bob_id not in text
    for name in ("auth_tokens", "playlists", "playlist_entries"):
        for row in served.rows(name, bob_id):
            assert row["id"] not in text
    assert "bob list" not in text


def test_the_history_exports_as_csv(served: Served) -> None:
    alice = served.headers["alice"]
    served.ok("POST", f"/api/v1/items/{served.tracks(alice)[3]}/plays", alice, json={})
    response = served.call("GET", "/api/v1/me/export/history.csv", alice)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.strip().splitlines()
    assert lines[0] == ",".join(export.HISTORY_CSV_COLUMNS)
    history = served.ok("GET", "/api/v1/me/export", alice)["play_history"]
    assert [line.split(",")[2] for line in lines[1:]] == [play["item_id"] for play in history]


def test_no_user_sees_another_users_activity(served: Served) -> None:
    """PR-10: Bob gets nothing of Alice's through any of his own routes or item state."""
    alice, bob = served.headers["alice"], served.headers["bob"]
    tracks = served.tracks(alice)  # Bob never touched the first one
    mark = secrets.token_hex(6)
    served.ok("PUT", f"/api/v1/items/{tracks[0]}/rating", alice, json={"rating": 9})
    served.ok("PUT", f"/api/v1/items/{tracks[0]}/favourite", alice)
    served.ok("POST", "/api/v1/playlists", alice, json={"name": f"alice {mark}", "kind": "music"})
    assert served.ok("GET", f"/api/v1/items/{tracks[0]}/state", bob)["rating"] is None
    assert served.ok("GET", f"/api/v1/items/{tracks[0]}/state", bob)["favourite_at"] is None
    for path in ("/api/v1/me/history", "/api/v1/me/favourites"):
        items = served.ok("GET", path, bob)["items"]
        assert tracks[0] not in {item["id"] for item in items}, path
    for path in ("/api/v1/playlists", "/api/v1/me/export", "/api/v1/me/data"):
        assert mark not in served.call("GET", path, bob).text, path
    # The privacy page says what an admin can see (P-15).
    assert (
        "No admin can see your history"
        in served.ok("GET", "/api/v1/me/privacy", bob)["admin_can_see"]
    )


def test_erasing_history_removes_plays_and_counts_and_only_the_callers(served: Served) -> None:
    carol = _new_user(served, "carol", "carol-password")
    dan = _new_user(served, "dan", "dan-password")
    tracks = served.tracks(carol)
    for who in (carol, dan):
        served.ok("POST", f"/api/v1/items/{tracks[0]}/plays", who, json={})
    served.ok("PUT", f"/api/v1/items/{tracks[0]}/rating", carol, json={"rating": 4})
    erased = served.ok("DELETE", "/api/v1/me/history", carol)
    assert erased["category"] == "history" and erased["log_truncated"] is True
    assert served.ok("GET", "/api/v1/me/history", carol)["total"] == 0
    state = served.ok("GET", f"/api/v1/items/{tracks[0]}/state", carol)
    assert (state["play_count"], state["last_played_at"], state["rating"]) == (0, None, 4)
    assert served.ok("GET", "/api/v1/me/history", dan)["total"] == 1


def test_erased_playlists_leave_no_trace_in_the_database_or_its_log(served: Served) -> None:
    """PR-07: play history holds no free text, so the marker is a playlist's name and
    comment (the user's own free text)."""
    erin = _new_user(served, "erin", "erin-password")
    marker = "canary-" + secrets.token_hex(8)
    body = {"name": marker, "kind": "music", "comment": marker * 3}
    served.ok("POST", "/api/v1/playlists", erin, json=body)
    assert marker.encode() in served.files()  # the check below can fail
    erased = served.ok("DELETE", "/api/v1/me/data/playlists", erin)
    assert erased["rows"] == 1
    assert served.ok("GET", "/api/v1/playlists", erin) == []
    assert marker.encode() not in served.files()


def test_deleting_an_account_erases_every_row_and_every_trace(served: Served) -> None:
    name = "frank" + secrets.token_hex(6)
    frank = _new_user(served, name, "frank-password")
    frank_id = served.ok("GET", "/api/v1/me", frank)["id"]
    tracks = served.tracks(frank)
    _activity(served, frank, tracks, name)
    served.ok(
        "PUT",
        "/api/v1/me/privacy",
        frank,
        json={"pause_history": False, "history_retention_days": 400},
    )
    assert name.encode() in served.files()
    assert len(served.rows("consent_records", frank_id)) == 2
    wrong = served.call("DELETE", "/api/v1/me", frank, json={"password": "not-franks"})
    assert wrong.status_code == 403
    gone = served.call("DELETE", "/api/v1/me", frank, json={"password": "frank-password"})
    assert gone.status_code == 204
    assert served.call("GET", "/api/v1/me", frank).status_code == 401
    for table in my_data_store.personal_tables():
        assert served.rows(table, frank_id) == [], table
    assert name.encode() not in served.files()


def test_the_only_admin_cannot_delete_their_account(served: Served) -> None:
    root = served.headers["root"]
    answer = served.call("DELETE", "/api/v1/me", root, json={"password": PASSWORDS["root"]})
    assert answer.status_code == 409
    assert served.call("GET", "/api/v1/me", root).status_code == 200


def test_erasing_devices_signs_out_every_other_sign_in(served: Served) -> None:
    """The sign-in making the request survives; Bob's fixture token does not."""
    first = served.process.login("bob", PASSWORDS["bob"])
    second = served.process.login("bob", PASSWORDS["bob"])
    erased = served.ok("DELETE", "/api/v1/me/data/devices", first)
    assert erased["rows"] >= 1
    assert served.call("GET", "/api/v1/me", first).status_code == 200
    assert served.call("GET", "/api/v1/me", second).status_code == 401
    assert served.call("DELETE", "/api/v1/me/data/account", first).status_code == 404


def test_paused_history_records_no_plays_until_resumed(served: Served) -> None:
    grace = _new_user(served, "grace", "grace-password")
    track = served.tracks(grace)[0]
    choices = served.ok(
        "PUT", "/api/v1/me/privacy", grace,
        json={"pause_history": True, "history_retention_days": None},
    )  # fmt: skip
    assert choices["pause_history"] is True
    assert served.ok("GET", "/api/v1/me/privacy", grace)["pause_history"] is True
    served.ok("POST", f"/api/v1/items/{track}/plays", grace, json={})
    assert served.ok("GET", "/api/v1/me/history", grace)["total"] == 0
    assert served.ok("GET", f"/api/v1/items/{track}/state", grace)["play_count"] == 0
    served.ok(
        "PUT", "/api/v1/me/privacy", grace,
        json={"pause_history": False, "history_retention_days": None},
    )  # fmt: skip
    served.ok("POST", f"/api/v1/items/{track}/plays", grace, json={})
    assert served.ok("GET", "/api/v1/me/history", grace)["total"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {"pause_history": "yes", "history_retention_days": None},
        {"pause_history": True},
        {"pause_history": True, "history_retention_days": 0},
    ],
)
def test_bad_privacy_choices_are_refused(served: Served, body: dict[str, Any]) -> None:
    alice = served.process.login("alice", PASSWORDS["alice"])
    answer = served.call("PUT", "/api/v1/me/privacy", alice, json=body)
    assert answer.status_code == 400
