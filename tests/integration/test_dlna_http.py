"""The DLNA HTTP side over 127.0.0.1, driven by async-upnp-client (the control point Home
Assistant uses): the description and SCPDs parse; Browse from "0" reaches every shared
item with TotalMatches consistent across pages, with the right DIDL-Lite classes; Search
finds a track by title; a library not shared is unreachable by id and by URL (DL-06); a
foreign Host is refused (DL-05); DLNA off answers 403; an unapproved device sees an
empty root (DL-07). Media answers are in test_dlna_http_media.py."""

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from async_upnp_client.exceptions import UpnpActionResponseError
from PIL import Image

from dlna_server import (
    CD,
    CLASSES,
    CM,
    MR,
    PREFIX,
    SHARED,
    Dlna,
    browse,
    device_at,
    metadata,
    objects,
    root_objects,
    run,
    search,
    serve_dlna,
    walk,
)
from parlour.domain.accounts import HOST
from parlour.secrets import load_secrets
from parlour.services.dlna_media import DlnaMedia


@pytest.fixture(scope="module")
def dlna(tmp_path_factory: pytest.TempPathFactory, demo_roots: dict[str, Path]) -> Iterator[Dlna]:
    with serve_dlna(tmp_path_factory, demo_roots) as server:
        yield server


def test_description_and_scpds_parse(dlna: Dlna) -> None:
    device = run(device_at(dlna))
    config = dlna.app.dlna.current()
    assert device.device_type == "urn:schemas-upnp-org:device:MediaServer:1"
    assert device.udn == f"uuid:{config.device_uuid}"
    assert device.name == config.friendly_name and device.manufacturer == "Parlour"
    assert {CD, CM, MR} <= set(device.services)
    assert {"Browse", "Search", "GetSearchCapabilities", "GetSortCapabilities",
            "GetSystemUpdateID"} <= set(device.service(CD).actions)  # fmt: skip
    assert device.service(CD).state_variable("SystemUpdateID").send_events
    assert device.service(CD).state_variable("ContainerUpdateIDs").send_events
    assert {"GetProtocolInfo", "GetCurrentConnectionIDs", "GetCurrentConnectionInfo"} <= set(
        device.service(CM).actions
    )
    authorized = run(device.service(MR).action("IsAuthorized").async_call(DeviceID=""))
    assert authorized["Result"] == 1
    protocols = run(device.service(CM).action("GetProtocolInfo").async_call())
    assert "http-get:*:audio/mpeg:*" in protocols["Source"]
    update = run(device.service(CD).action("GetSystemUpdateID").async_call())
    assert update["Id"] == dlna.app.dlna.system_update_id() > 0
    for size in (48, 120):
        icon = httpx.get(f"{dlna.base}/dlna/icon-{size}.png")
        assert icon.status_code == 200 and icon.headers["content-type"] == "image/png"
        with Image.open(io.BytesIO(icon.content)) as picture:
            assert picture.size == (size, size)


def test_browse_reaches_every_shared_item_with_consistent_totals(dlna: Dlna) -> None:
    async def walked() -> dict[str, Any]:
        return await walk(await device_at(dlna), 3)

    seen = run(walked())
    expected = {
        f"{PREFIX[kind]}-{i}": CLASSES[kind] for kind, ids in dlna.shared.items() for i in ids
    }
    reached = {o.id: o.upnp_class for o in seen.values() if o.id.split("-")[0] in "tmep"}
    assert reached == expected
    # A videos library is its folders: the clip at the top, the subfolder beside it.
    videos = next(o for o in run(root_objects(dlna)) if o.title == "Home videos")
    inside = {o.title: o for o in seen.values() if o.parent_id == videos.id}
    assert inside["Holiday"].upnp_class == "object.container.storageFolder"
    (beach,) = [o for o in seen.values() if o.parent_id == inside["Holiday"].id]
    assert beach.title == "beach" and beach.upnp_class == CLASSES["videos"]
    # Each object's own metadata names the parent it was listed under.
    assert metadata(dlna, inside["Holiday"].id).parent_id == videos.id
    assert metadata(dlna, beach.id).parent_id == inside["Holiday"].id
    for object_id, found in seen.items():
        if object_id.startswith(("A-", "t-", "e-", "S-", "s-", "G-", "Y-", "f-")):
            assert metadata(dlna, object_id).title == found.title
    assert not any(
        dlna.private_track in o.id or dlna.private_library in o.id for o in seen.values()
    )
    albums = [o for o in seen.values() if o.upnp_class == "object.container.album.musicAlbum"]
    artists = [o for o in seen.values() if o.upnp_class == "object.container.person.musicArtist"]
    genres = [o for o in seen.values() if o.upnp_class == "object.container.genre.musicGenre"]
    assert albums and artists and genres
    roots = run(root_objects(dlna))
    assert sorted(o.title for o in roots) == sorted(SHARED)


def test_paging_and_sorting_are_consistent(dlna: Dlna) -> None:
    async def pages() -> tuple[list[str], list[str], list[str]]:
        device = await device_at(dlna)
        music = next(o for o in objects(await browse(device, "0")) if o.title == "Music")
        views = objects(await browse(device, music.id))
        tracks = next(o for o in views if o.title == "All tracks")
        whole = [o.title for o in objects(await browse(device, tracks.id, sort="+dc:title"))]
        paged: list[str] = []
        for start in range(0, len(whole), 2):
            paged += [
                o.title
                for o in objects(
                    await browse(device, tracks.id, start=start, count=2, sort="+dc:title")
                )
            ]
        backwards = [o.title for o in objects(await browse(device, tracks.id, sort="-dc:title"))]
        return whole, paged, backwards

    whole, paged, backwards = run(pages())
    assert len(whole) == len(dlna.shared["tracks"])
    assert paged == whole
    assert [t.casefold() for t in whole] == sorted(t.casefold() for t in whole)
    assert [t.casefold() for t in backwards] == sorted((t.casefold() for t in whole), reverse=True)


def test_search_finds_a_track_by_title(dlna: Dlna) -> None:
    titles = {metadata(dlna, f"t-{i}").title: f"t-{i}" for i in dlna.shared["tracks"]}
    audio = '(upnp:class derivedfrom "object.item.audioItem")'

    async def searched() -> tuple[dict[str, list[Any]], list[Any], list[Any]]:
        device = await device_at(dlna)
        by_word = {}
        for title in titles:  # each in capitals, accents and all ("ÉTÉ" finds "Été")
            word = max(title.split(), key=len).upper()
            criteria = f'{audio} and dc:title contains "{word}"'
            by_word[title] = objects(await search(device, "0", criteria))
        image = 'upnp:class derivedfrom "object.item.imageItem"'
        photos = objects(await search(device, "0", image))
        everything = objects(await search(device, "0", "*"))
        return by_word, photos, everything

    by_word, photos, everything = run(searched())
    assert any(not title.isascii() for title in titles)
    for title, found in by_word.items():
        assert titles[title] in {o.id for o in found}, title
        assert all(o.upnp_class == CLASSES["tracks"] for o in found)
    assert {o.id for o in photos} == {f"p-{i}" for i in dlna.shared["photos"]}
    assert len(everything) == sum(len(ids) for ids in dlna.shared.values())
    assert f"t-{dlna.private_track}" not in {o.id for o in everything}


@pytest.mark.parametrize(
    ("criteria", "code"),
    [('dc:description contains "x"', 708), ("dc:title contains x", 708), ("(dc:title", 708)],
)
def test_search_refuses_what_it_does_not_understand(dlna: Dlna, criteria: str, code: int) -> None:
    async def searched() -> None:
        await search(await device_at(dlna), "0", criteria)

    with pytest.raises(UpnpActionResponseError) as refused:
        run(searched())
    assert refused.value.error_code == code


def test_a_library_not_shared_is_unreachable_by_id_and_by_url(dlna: Dlna) -> None:
    for object_id in (
        f"t-{dlna.private_track}",
        f"L-{dlna.private_library}",
        f"al-{dlna.private_library}",
    ):
        with pytest.raises(UpnpActionResponseError) as refused:
            metadata(dlna, object_id)
        assert refused.value.error_code == 701
    shared = metadata(dlna, f"t-{sorted(dlna.shared['tracks'])[0]}").res[0].uri
    token = shared.split("/")[-2]
    swapped = shared.replace(token, dlna.private_track + token[token.index(".") :])
    assert httpx.get(swapped).status_code == 404  # the signature is for another id
    signer = DlnaMedia(
        dlna.app.catalogue, dlna.app.dlna, dlna.app.streaming, dlna.app.images,
        dlna.app.streaming.slots, load_secrets(dlna.app.settings.data_dir).token_key,
    )  # fmt: skip
    signed = shared.replace(token, signer.sign("item", dlna.private_track))
    assert httpx.get(signed).status_code == 404  # rightly signed, but not shared
    assert httpx.get(shared).status_code == 200


def test_a_foreign_host_header_is_refused(dlna: Dlna) -> None:
    for host in ("evil.example", "evil.example:80", "127.0.0.2", "[::1]"):
        answer = httpx.get(dlna.location, headers={"Host": host})
        assert answer.status_code == 400, host
        assert b"Parlour" not in answer.content
    assert httpx.get(dlna.location, headers={"Host": "127.0.0.1"}).status_code == 200


def test_dlna_off_answers_403_everywhere(dlna: Dlna) -> None:
    media = metadata(dlna, f"t-{sorted(dlna.shared['tracks'])[0]}").res[0].uri
    dlna.app.dlna.disable(HOST)
    try:
        for url in (dlna.location, f"{dlna.base}/dlna/scpd/ContentDirectory.xml", media):
            answer = httpx.get(url)
            assert answer.status_code == 403 and answer.content == b"", url
        control = httpx.post(f"{dlna.base}/dlna/control/ContentDirectory", content=b"<x/>")
        assert control.status_code == 403
    finally:
        dlna.app.dlna.enable(HOST)
    assert httpx.get(dlna.location).status_code == 200


def test_an_unapproved_device_sees_an_empty_root_until_approved(dlna: Dlna) -> None:
    media = metadata(dlna, f"t-{sorted(dlna.shared['tracks'])[0]}").res[0].uri
    dlna.app.dlna.enable(HOST, approval_required=True)
    try:

        async def browse_root() -> tuple[dict[str, Any], Any]:
            device = await device_at(dlna)
            return await browse(device, "0"), objects(await browse(device, "0", "BrowseMetadata"))

        root, (meta,) = run(browse_root())
        assert root["TotalMatches"] == 0 and objects(root) == []
        assert meta.id == "0"
        assert httpx.get(media).status_code == 403
        with pytest.raises(UpnpActionResponseError) as refused:
            metadata(dlna, f"t-{sorted(dlna.shared['tracks'])[0]}")
        assert refused.value.error_code == 701
        for device in dlna.app.dlna.devices(HOST):
            dlna.app.dlna.approve(HOST, device.id, True)
        root, _ = run(browse_root())
        assert root["TotalMatches"] == len(SHARED)
        assert httpx.get(media).status_code == 200
    finally:
        dlna.app.dlna.enable(HOST, approval_required=False)


@pytest.mark.parametrize(("container", "code"), [("nowhere", 710), ("L-0", 710), ("t-0", 710)])
def test_search_in_a_missing_container_is_refused(dlna: Dlna, container: str, code: int) -> None:
    async def searched() -> None:
        await search(await device_at(dlna), container, "*")

    with pytest.raises(UpnpActionResponseError) as refused:
        run(searched())
    assert refused.value.error_code == code


def test_search_within_one_library(dlna: Dlna) -> None:
    async def searched() -> tuple[list[Any], list[Any]]:
        device = await device_at(dlna)
        photos = next(o for o in objects(await browse(device, "0")) if o.title == "Photos")
        inside = objects(await search(device, photos.id, "*"))
        views = objects(await browse(device, photos.id))
        with pytest.raises(UpnpActionResponseError) as deeper:
            await search(device, views[0].id, "*")
        assert deeper.value.error_code == 720
        return inside, views

    inside, _ = run(searched())
    assert {o.id for o in inside} == {f"p-{i}" for i in dlna.shared["photos"]}


def test_the_root_lists_the_shared_libraries_in_the_order_asked(dlna: Dlna) -> None:
    """The root comes from what the service read with the configuration: it pages and
    sorts as every container does, and its metadata counts the same libraries."""

    async def roots() -> tuple[list[str], list[str], list[str]]:
        device = await device_at(dlna)
        whole = [o.title for o in objects(await browse(device, "0", sort="+dc:title"))]
        backwards = [o.title for o in objects(await browse(device, "0", sort="-dc:title"))]
        paged: list[str] = []
        for start in range(len(whole) + 1):
            paged += [o.title for o in objects(await browse(device, "0", start=start, count=1))]
        return whole, backwards, paged

    whole, backwards, paged = run(roots())
    assert sorted(whole) == sorted(SHARED) and len(whole) >= 2
    assert whole == sorted(whole) and backwards == whole[::-1]
    assert paged == whole
    assert int(metadata(dlna, "0").child_count) == len(whole)
