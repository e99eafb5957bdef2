"""Setting up the DLNA server: the admin API and `parlour dlna`, on a served catalogue."""

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from support import Account, ServerProcess, run_parlour, serve_libraries


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[ServerProcess, dict[str, dict[str, str]], Path]]:
    base = tmp_path_factory.mktemp("dlna-admin")
    (base / "films").mkdir()
    (base / "songs").mkdir()
    libraries = {"Films": ("movies", base / "films"), "Songs": ("music", base / "songs")}
    accounts = [Account("root", "root-password", admin=True), Account("sam", "sam-password")]
    with serve_libraries(base / "data", libraries, accounts) as (process, headers):
        yield process, headers, base / "data"


def test_the_admin_turns_it_on_and_off_over_the_api(
    served: tuple[ServerProcess, dict[str, dict[str, str]], Path],
) -> None:
    process, headers, _ = served
    url = process.base + "/api/v1/admin/dlna"
    off = httpx.get(url, headers=headers["root"]).json()
    assert off["enabled"] is False and off["library_ids"] == [] and off["allow"] == []
    on = httpx.put(
        url,
        headers=headers["root"],
        json={"enabled": True, "interfaces": ["127.0.0.1"], "libraries": ["Films"], "name": "Den"},
    )
    assert on.status_code == 200, on.text
    body = on.json()
    assert body["enabled"] and body["allow"] == ["127.0.0.1/32"] and body["name"] == "Den"
    assert len(body["library_ids"]) == 1
    assert body["device_uuid"] == off["device_uuid"]
    refused = httpx.put(
        url, headers=headers["root"], json={"enabled": True, "allow": ["1.1.1.0/24"]}
    )
    assert refused.status_code == 400 and "private" in refused.json()["detail"]
    bad = httpx.put(url, headers=headers["root"], json={"enabled": True, "port": True})
    assert bad.status_code == 400
    assert (
        httpx.put(url, headers=headers["root"], json={"enabled": False}).json()["enabled"] is False
    )
    # A plain user can neither see nor change it.
    assert httpx.get(url, headers=headers["sam"]).status_code == 403
    assert httpx.put(url, headers=headers["sam"], json={"enabled": False}).status_code == 403
    assert httpx.get(url + "/devices", headers=headers["sam"]).status_code == 403
    assert httpx.get(url + "/devices", headers=headers["root"]).json() == []
    missing = httpx.put(
        url + "/devices/" + "0" * 32, headers=headers["root"], json={"approved": True}
    )
    assert missing.status_code == 404


def test_the_command_line_does_the_same(
    served: tuple[ServerProcess, dict[str, dict[str, str]], Path],
) -> None:
    process, headers, data = served
    made = run_parlour(
        "dlna",
        "enable",
        "--interface",
        "127.0.0.1",
        "--library",
        "Songs",
        "--approval",
        "on",
        "--json",
        "--data-dir",
        str(data),
    )
    assert made.returncode == 0, made.stderr
    config = json.loads(made.stdout)
    assert config["enabled"] and config["libraries"] == ["Songs"] and config["approval_required"]
    # The running server reads the same configuration.
    seen = httpx.get(process.base + "/api/v1/admin/dlna", headers=headers["root"]).json()
    assert seen["library_ids"] == config["library_ids"] and seen["approval_required"] is True
    refused = run_parlour("dlna", "enable", "--allow", "8.8.8.0/24", "--data-dir", str(data))
    assert refused.returncode == 1 and "private" in refused.stderr
    status = run_parlour("dlna", "status", "--data-dir", str(data))
    assert "DLNA: on" in status.stdout and "Songs" in status.stdout
    off = run_parlour("dlna", "disable", "--data-dir", str(data))
    assert off.returncode == 0 and "DLNA: off" in off.stdout
