"""The Subsonic envelope, errors and sign-in at /rest, driven by py-sonic (a real client
library) and raw HTTP in XML and JSON (issue 7, FT-11): every failure is
``status="failed"`` with the spec's code, in the format asked for."""

import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import libsonic
import pytest
from defusedxml.ElementTree import fromstring

from support import Account, ServerProcess, demo_libraries, serve_libraries

NS = "{http://subsonic.org/restapi}"


@dataclass
class Served:
    process: ServerProcess
    headers: dict[str, dict[str, str]]
    app_passwords: dict[str, str]
    api_keys: dict[str, str]

    def url(self, method: str) -> str:
        return f"{self.process.base}/rest/{method}"

    def client(self, user: str) -> libsonic.Connection:
        return libsonic.Connection(
            "http://127.0.0.1", user, self.app_passwords[user], port=self.process.port
        )

    def token(self, user: str) -> dict[str, str]:
        """Fresh token credentials: t = md5(app password + s), a new salt every time."""
        salt = secrets.token_hex(8)
        digest = hashlib.md5((self.app_passwords[user] + salt).encode()).hexdigest()
        return {"u": user, "t": digest, "s": salt, "v": "1.16.1", "c": "tests"}


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, demo_roots: dict[str, Path]
) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("subsonic") / "data"
    data.mkdir()
    accounts = [
        Account("root", "root-password", admin=True),
        Account("alice", "alice-password", ("Music",)),
        Account("bob", "bob-password", ("Films",)),
    ]
    with serve_libraries(data, demo_libraries(demo_roots), accounts) as (process, headers):
        passwords, keys = {}, {}
        for user in ("root", "alice", "bob"):
            for kind, store in (("phone", passwords), ("key", keys)):
                made = httpx.post(
                    f"{process.base}/api/v1/me/app-passwords",
                    headers=headers[user],
                    json={"label": f"{user} {kind}"},
                    timeout=10,
                )
                assert made.status_code == 201, made.text
                store[user] = made.json()["password"]
        yield Served(process, headers, passwords, keys)


def _json(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    answer: dict[str, Any] = response.json()["subsonic-response"]
    assert answer["version"] == "1.16.1" and answer["openSubsonic"] is True
    return answer


def _xml(response: httpx.Response) -> ElementTree.Element:
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    root: ElementTree.Element = fromstring(response.content)
    assert root.tag == NS + "subsonic-response" and root.get("version") == "1.16.1"
    return root


def _failed(response: httpx.Response, fmt: str) -> int:
    if fmt == "json":
        answer = _json(response)
        assert answer["status"] == "failed" and answer["error"]["message"]
        return int(answer["error"]["code"])
    root = _xml(response)
    error = root.find(NS + "error")
    assert root.get("status") == "failed" and error is not None and error.get("message")
    return int(error.get("code", "-1"))


def test_py_sonic_signs_in_with_an_app_password_and_reads_the_folders(served: Served) -> None:
    alice = served.client("alice")
    assert alice.ping() is True
    folders = alice.getMusicFolders()["musicFolders"]["musicFolder"]
    assert [folder["name"] for folder in folders] == ["Music"]
    assert isinstance(folders[0]["id"], int) and 0 < folders[0]["id"] < 2**31
    assert alice.getLicense()["license"]["valid"] is True
    user = alice.getUser("alice")["user"]
    assert user["username"] == "alice" and user["folder"] == [folders[0]["id"]]
    assert user["streamRole"] is True and user["adminRole"] is False


def test_a_user_without_the_music_library_sees_no_folder(served: Served) -> None:
    assert served.client("bob").getMusicFolders()["musicFolders"]["musicFolder"] == []


def test_an_admins_app_password_is_no_admin(served: Served) -> None:
    """AU-11: an app password reads, streams and scrobbles; it never acts as an admin."""
    root = served.client("root")
    assert root.getUser("root")["user"]["adminRole"] is False
    # ...but it sees every library, as its admin does: the catalogue is not empty.
    folders = root.getMusicFolders()["musicFolders"]["musicFolder"]
    assert [folder["name"] for folder in folders] == ["Music"]
    albums = root.getAlbumList2("alphabeticalByName", size=50)["albumList2"]["album"]
    assert len(albums) == 8  # the demo library's albums
    refused = httpx.get(
        served.url("getUser"), params=served.token("root") | {"username": "alice", "f": "json"}
    )
    assert _failed(refused, "json") == 50


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_errors_carry_the_spec_codes_in_the_format_asked(served: Served, fmt: str) -> None:
    base = {"v": "1.16.1", "c": "tests", "f": fmt}
    cases: list[tuple[dict[str, str], int]] = [
        ({}, 10),  # no credentials at all
        ({"u": "alice", "p": "not-an-app-password"}, 40),
        ({"u": "alice", "p": "alice-password"}, 40),  # the account password never works
        ({"u": "alice", "apiKey": served.api_keys["alice"]}, 43),
        ({"apiKey": "no-such-key"}, 44),
    ]
    for extra, code in cases:
        answer = httpx.get(served.url("ping.view"), params=base | extra, timeout=10)
        assert _failed(answer, fmt) == code, extra
    old = served.token("alice") | {"v": "0.9.0", "f": fmt}
    assert _failed(httpx.get(served.url("ping"), params=old, timeout=10), fmt) == 20
    new = served.token("alice") | {"v": "2.0.0", "f": fmt}
    assert _failed(httpx.get(served.url("ping"), params=new, timeout=10), fmt) == 30
    unknown = httpx.get(served.url("getNoSuchThing"), params=served.token("alice") | {"f": fmt})
    assert _failed(unknown, fmt) == 70
    missing = httpx.get(served.url("getUser"), params=served.token("alice") | {"f": fmt})
    assert _failed(missing, fmt) == 10


def test_a_token_salt_is_good_once_a_day(served: Served) -> None:
    params = served.token("alice") | {"f": "json"}
    assert _json(httpx.get(served.url("ping"), params=params, timeout=10))["status"] == "ok"
    assert _failed(httpx.get(served.url("ping"), params=params, timeout=10), "json") == 40


def test_xml_json_get_post_and_the_view_suffix_say_the_same(served: Served) -> None:
    params = served.token("alice")
    xml = _xml(httpx.get(served.url("getMusicFolders.view"), params=params, timeout=10))
    folder = xml.find(f"{NS}musicFolders/{NS}musicFolder")
    assert xml.get("status") == "ok" and folder is not None and folder.get("name") == "Music"
    posted = httpx.post(served.url("getMusicFolders"), data=served.token("alice") | {"f": "json"})
    folders = _json(posted)["musicFolders"]["musicFolder"]
    assert folders == [{"id": int(folder.get("id", "0")), "name": "Music"}]
    by_key = {"apiKey": served.api_keys["alice"], "v": "1.16.1", "c": "tests", "f": "json"}
    assert _json(httpx.get(served.url("ping"), params=by_key, timeout=10))["status"] == "ok"


def test_extensions_are_listed_before_signing_in(served: Served) -> None:
    answer = _json(httpx.get(served.url("getOpenSubsonicExtensions"), params={"f": "json"}))
    names = {
        extension["name"]: extension["versions"] for extension in answer["openSubsonicExtensions"]
    }
    assert names["apiKeyAuthentication"] == [1] and names["formPost"] == [1]
