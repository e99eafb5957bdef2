"""P-10: the link that downloads a user's export is single-use and expires in 24 hours.

Over real HTTP: a link works once without any credential, only for its maker's data, in
JSON or CSV, and its secret is never stored. With the service's clock moved by hand (no
sleeping): a link dies at 24 hours and the retention job removes it; password changes,
disabling, erasing devices and deleting the account revoke links.
"""

import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest

from parlour.domain.accounts import HOST, Viewer
from parlour.domain.errors import InvalidInputError, NotFoundError
from parlour.privacy import export
from parlour.services.application import Parlour
from parlour.storage import my_data_store
from privacy.served_music import PASSWORDS, ServedMusic, serve_music

LINKS = "/api/v1/me/export/links"


class Served(ServedMusic):
    def link(self, who: dict[str, str], fmt: str | None = None) -> dict[str, Any]:
        body = {} if fmt is None else {"format": fmt}
        response = self.call("POST", LINKS, who, json=body)
        assert response.status_code == 201, response.text
        assert response.headers["cache-control"] == "no-store"
        found: dict[str, Any] = response.json()
        return found

    def fetch(self, url: str, **kwargs: Any) -> httpx.Response:
        """The link as a browser or curl would fetch it: no token, no cookie."""
        return httpx.get(self.process.base + url, timeout=30, **kwargs)


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, demo_roots: dict[str, Path]
) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("export-links") / "data"
    with serve_music(data, demo_roots) as (process, headers):
        yield Served(process, data, headers)


def _new_user(served: Served, name: str) -> tuple[dict[str, str], str]:
    root = served.headers["root"]
    password = name + "-password"
    user = served.ok("POST", "/api/v1/admin/users", root, json={"name": name, "password": password})
    return served.process.login(name, password), user["id"]


def _problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"


# -- over HTTP -------------------------------------------------------------------------


def test_p10_a_link_works_once_without_credentials(served: Served) -> None:
    alice = served.headers["alice"]
    alice_id = served.ok("GET", "/api/v1/me", alice)["id"]
    link = served.link(alice)
    assert link["format"] == "json" and link["url"].startswith("/api/v1/export/")
    secret = link["url"].rsplit("/", 1)[1]
    assert len(secret) >= 43  # 256 random bits, URL-safe
    assert link["expires_at"] - export.LINK_LIFETIME_S == pytest.approx(
        served.ok("GET", "/api/v1/me/export", alice)["exported_at"], abs=60
    )

    first = served.fetch(link["url"])
    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "application/json"
    assert first.headers["content-disposition"] == 'attachment; filename="parlour-my-data.json"'
    assert first.headers["cache-control"] == "no-store"
    document = first.json()
    jsonschema_rs.validate(export.json_schema(), document)
    assert document["account"]["id"] == alice_id

    _problem(served.fetch(link["url"]), 404)  # used up
    _problem(served.fetch("/api/v1/export/" + secrets.token_urlsafe(32)), 404)  # never made


def test_p10_a_link_downloads_only_its_makers_data(served: Served) -> None:
    alice, bob = served.headers["alice"], served.headers["bob"]
    tracks = served.tracks(alice)
    marks = {who: f"{who}-{secrets.token_hex(6)}" for who in ("alice", "bob")}
    served.ok("POST", f"/api/v1/items/{tracks[0]}/plays", alice, json={})
    served.ok("POST", f"/api/v1/items/{tracks[-1]}/plays", bob, json={})
    for who, headers in (("alice", alice), ("bob", bob)):
        served.ok("POST", "/api/v1/playlists", headers, json={"name": marks[who], "kind": "music"})
    bob_id = served.ok("GET", "/api/v1/me", bob)["id"]

    response = served.fetch(served.link(alice)["url"])
    assert response.status_code == 200
    document = response.json()
    assert tracks[0] in {play["item_id"] for play in document["play_history"]}
    assert tracks[-1] not in {play["item_id"] for play in document["play_history"]}
    assert marks["alice"] in response.text
    assert marks["bob"] not in response.text and bob_id not in response.text


def test_p10_two_uses_at_once_get_one_document(served: Served) -> None:
    url = served.link(served.headers["alice"])["url"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(lambda _: served.fetch(url).status_code, range(8)))
    assert statuses == [200] + [404] * 7


def test_p10_a_csv_link_downloads_the_history_once(served: Served) -> None:
    alice = served.headers["alice"]
    served.ok("POST", f"/api/v1/items/{served.tracks(alice)[1]}/plays", alice, json={})
    link = served.link(alice, "csv")
    assert link["format"] == "csv"
    response = served.fetch(link["url"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="parlour-history.csv"'
    assert response.headers["cache-control"] == "no-store"
    assert response.text == served.call("GET", "/api/v1/me/export/history.csv", alice).text
    _problem(served.fetch(link["url"]), 404)


@pytest.mark.parametrize(
    "body", [{"format": "xml"}, {"format": "JSON"}, {"format": None}, {"format": 1}, [], "csv"]
)
def test_p10_a_link_for_an_unknown_format_is_refused(served: Served, body: object) -> None:
    _problem(served.call("POST", LINKS, served.headers["alice"], json=body), 400)


def test_p10_only_a_signed_in_user_makes_links(served: Served) -> None:
    _problem(served.call("POST", LINKS, {}, json={}), 401)
    with httpx.Client(base_url=served.process.base, timeout=10) as browser:
        signed_in = browser.post(
            "/api/v1/auth/login",
            json={"username": "alice", "password": PASSWORDS["alice"], "cookie": True},
        )
        _problem(browser.post(LINKS, json={}), 403)  # what a cross-site form could send
        csrf = {"X-CSRF-Token": signed_in.json()["csrf_token"]}
        assert browser.post(LINKS, json={}, headers=csrf).status_code == 201


def test_p10_neither_a_foreign_host_nor_head_uses_a_link(served: Served) -> None:
    url = served.link(served.headers["alice"])["url"]
    _problem(served.fetch(url, headers={"Host": "rebound.example"}), 421)
    head = httpx.head(served.process.base + url, timeout=10)
    assert head.status_code == 405 and head.headers["allow"] == "GET"
    assert served.fetch(url).status_code == 200


def test_p10_the_links_table_holds_no_secret(served: Served) -> None:
    alice = served.headers["alice"]
    alice_id = served.ok("GET", "/api/v1/me", alice)["id"]
    secret = served.link(alice)["url"].rsplit("/", 1)[1]
    rows = served.rows("export_links", alice_id)
    assert rows and all(len(row["token_hash"]) == 64 for row in rows)
    assert secret.encode() not in served.files()
    assert all(secret not in str(row) for row in rows)
    # The export shows the links by their times alone: no secret, no hash, no id.
    listed = served.ok("GET", "/api/v1/me/export", alice)["export_links"]
    assert len(listed) == len(rows)
    assert all(set(entry) == {"format", "created_at", "expires_at"} for entry in listed)


def test_p10_erasing_devices_or_a_new_password_revokes_links(served: Served) -> None:
    carol, carol_id = _new_user(served, "carol")
    url = served.link(carol)["url"]
    erased = served.ok("DELETE", "/api/v1/me/data/devices", carol)
    assert erased["rows"] >= 1
    _problem(served.fetch(url), 404)

    url = served.link(carol)["url"]
    password = {"password": "carol-new-password"}
    root = served.headers["root"]
    changed = served.call("PUT", f"/api/v1/admin/users/{carol_id}/password", root, json=password)
    assert changed.status_code == 204
    _problem(served.fetch(url), 404)
    assert served.rows("export_links", carol_id) == []


def test_p10_an_erased_accounts_links_are_gone(served: Served) -> None:
    dan, dan_id = _new_user(served, "dan")
    url = served.link(dan)["url"]
    assert len(served.rows("export_links", dan_id)) == 1
    gone = served.call("DELETE", "/api/v1/me", dan, json={"password": "dan-password"})
    assert gone.status_code == 204
    assert served.rows("export_links", dan_id) == []
    _problem(served.fetch(url), 404)


# -- in process, with the service's clock moved by hand --------------------------------


def _user(app: Parlour, name: str) -> Viewer:
    info = app.accounts.add_user(HOST, name, name + "-password")
    _, viewer = app.accounts.issue_token(info.id)
    return viewer


def _clocked(app: Parlour, start: int = 1_900_000_000) -> list[int]:
    clock = [start]
    app.my_data.clock = lambda: clock[0]
    return clock


def test_p10_a_link_expires_after_24_hours_and_retention_removes_it(parlour: Parlour) -> None:
    viewer = _user(parlour, "erin")
    clock = _clocked(parlour)
    early, late, unused = (parlour.my_data.create_export_link(viewer) for _ in range(3))
    assert early.expires_at == clock[0] + 24 * 3600

    clock[0] += 24 * 3600 - 1  # the last second of its day: still good
    fmt, document = parlour.my_data.use_export_link(early.secret)
    assert fmt == "json" and isinstance(document, dict)
    clock[0] += 1  # 24 hours after it was made
    with pytest.raises(NotFoundError):
        parlour.my_data.use_export_link(late.secret)

    def links() -> list[dict[str, Any]]:
        with parlour.catalogue.reading() as conn:
            return my_data_store.owned_rows(conn, "export_links", viewer.user_id)

    assert len(links()) == 2  # the expired ones stay until the retention job runs
    assert parlour.my_data.apply_retention() == 0  # no plays removed; the links are
    assert links() == []
    with pytest.raises(NotFoundError):
        parlour.my_data.use_export_link(unused.secret)


def test_p10_links_die_with_a_password_change_or_disabling(parlour: Parlour) -> None:
    viewer = _user(parlour, "fay")
    _clocked(parlour)
    changed = parlour.my_data.create_export_link(viewer)
    parlour.accounts.change_password(HOST, viewer.user_id, "fay-new-password")
    with pytest.raises(NotFoundError):
        parlour.my_data.use_export_link(changed.secret)
    disabled = parlour.my_data.create_export_link(viewer)
    parlour.accounts.set_disabled(HOST, viewer.user_id, True)
    parlour.accounts.set_disabled(HOST, viewer.user_id, False)
    with pytest.raises(NotFoundError):
        parlour.my_data.use_export_link(disabled.secret)


def test_p10_a_user_keeps_a_bounded_number_of_links(parlour: Parlour) -> None:
    viewer = _user(parlour, "gus")
    clock = _clocked(parlour)
    made = []
    for _ in range(export.MAX_LINKS + 2):
        made.append(parlour.my_data.create_export_link(viewer, "csv"))
        clock[0] += 1
    with parlour.catalogue.reading() as conn:
        kept = my_data_store.owned_rows(conn, "export_links", viewer.user_id)
    assert len(kept) == export.MAX_LINKS
    for oldest in made[:2]:
        with pytest.raises(NotFoundError):
            parlour.my_data.use_export_link(oldest.secret)
    assert parlour.my_data.use_export_link(made[-1].secret)[0] == "csv"


@pytest.mark.parametrize("secret", ["", "x" * 201, "not-a-link"])
def test_p10_malformed_or_unknown_secrets_are_not_found(parlour: Parlour, secret: str) -> None:
    with pytest.raises(NotFoundError):
        parlour.my_data.use_export_link(secret)


@pytest.mark.parametrize("fmt", ["xml", None, 1, "Json"])
def test_p10_only_json_and_csv_links_exist(parlour: Parlour, fmt: object) -> None:
    with pytest.raises(InvalidInputError):
        parlour.my_data.create_export_link(_user(parlour, "hal"), fmt)
