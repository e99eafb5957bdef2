"""DLNA media over 127.0.0.1: each res serves the file's bytes and honours Range, with
DLNA's headers; videos offer an MPEG-TS transcode with time seeking, audio an MP3 one;
captions, album art and photo thumbnails; SOAP control parsed safely (defusedxml,
a size limit, the SOAPACTION header checked)."""

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from dlna_server import (
    CD,
    CLASSES,
    CM,
    PREFIX,
    Dlna,
    browse,
    device_at,
    metadata,
    objects,
    run,
    serve_dlna,
)


@pytest.fixture(scope="module")
def dlna(tmp_path_factory: pytest.TempPathFactory, demo_roots: dict[str, Path]) -> Iterator[Dlna]:
    with serve_dlna(tmp_path_factory, demo_roots) as server:
        yield server


@pytest.mark.parametrize("kind", ["tracks", "movies", "episodes", "photos"])
def test_each_res_serves_the_file_and_honours_range(dlna: Dlna, kind: str) -> None:
    item_id = sorted(dlna.shared[kind])[0]
    item = metadata(dlna, f"{PREFIX[kind]}-{item_id}")
    assert item.upnp_class == CLASSES[kind]
    original = item.res[0]
    content = dlna.files[item_id].read_bytes()
    assert int(original.size) == len(content)
    fourth = original.protocol_info.split(":", 3)[3]
    whole = httpx.get(original.uri)
    assert whole.status_code == 200 and whole.content == content
    assert whole.headers["contentfeatures.dlna.org"] == fourth
    mime = original.protocol_info.split(":")[2]
    assert whole.headers["content-type"] == mime != "application/octet-stream"
    assert whole.headers["transfermode.dlna.org"] == (
        "Interactive" if kind == "photos" else "Streaming"
    )
    part = httpx.get(original.uri, headers={"Range": "bytes=10-99"})
    assert part.status_code == 206 and part.content == content[10:100]
    head = httpx.head(original.uri, headers={"getcontentFeatures.dlna.org": "1"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(content))
    if kind == "photos":
        thumbnail = next(r for r in item.res if "JPEG_TN" in r.protocol_info)
        picture = httpx.get(thumbnail.uri)
        assert picture.status_code == 200 and picture.content[:3] == b"\xff\xd8\xff"
    if kind != "photos":
        hours, minutes, seconds = original.duration.split(":")
        assert int(hours) * 3600 + int(minutes) * 60 + float(seconds) > 0


@pytest.mark.parametrize("kind", ["movies", "episodes"])
def test_videos_offer_an_mpeg_ts_transcode_with_time_seek(dlna: Dlna, kind: str) -> None:
    item_id = sorted(dlna.shared[kind])[0]
    item = metadata(dlna, f"{PREFIX[kind]}-{item_id}")
    transcode = next(r for r in item.res if "DLNA.ORG_OP=10" in r.protocol_info)
    assert transcode.protocol_info.startswith("http-get:*:video/mpeg:DLNA.ORG_PN=AVC_TS_")
    head = httpx.head(transcode.uri, headers={"TimeSeekRange.dlna.org": "npt=1.0-"})
    assert head.status_code == 200
    assert head.headers["timeseekrange.dlna.org"].startswith("npt=0:00:01.000-")
    with httpx.stream(
        "GET", transcode.uri, headers={"TimeSeekRange.dlna.org": "npt=1-"}, timeout=60
    ) as answer:
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "video/mpeg"
        first = b""
        for chunk in answer.iter_bytes():
            first += chunk
            if len(first) >= 188 * 4:
                break
    # MPEG-TS: 188-byte packets, each starting with the sync byte.
    assert all(first[i] == 0x47 for i in range(0, 188 * 4, 188))


def test_films_with_sidecar_subtitles_offer_captions(dlna: Dlna) -> None:
    found = []
    for item_id in dlna.shared["movies"]:
        item = metadata(dlna, f"m-{item_id}")
        found += [r for r in item.res if r.protocol_info.startswith("http-get:*:text/srt")]
    assert found, "the demo films include one with an .srt beside it"
    answer = httpx.get(found[0].uri)
    assert answer.status_code == 200 and b"-->" in answer.content
    assert answer.headers["content-type"].startswith("text/srt")
    film = next(
        metadata(dlna, f"m-{i}")
        for i in dlna.shared["movies"]
        if found[0].uri in {r.uri for r in metadata(dlna, f"m-{i}").res}
    )
    asked = httpx.head(film.res[0].uri, headers={"getCaptionInfo.sec": "1"})
    assert asked.status_code == 200 and asked.headers["captioninfo.sec"] == found[0].uri


ENVELOPE = (
    '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
    's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
    '<u:GetSystemUpdateID xmlns:u="urn:schemas-upnp-org:service:ContentDirectory:1"/>'
    "</s:Body></s:Envelope>"
)
BOMB = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    + ENVELOPE.split("?>", 1)[1].replace("<s:Body>", "<s:Body>&b;")
)


def _control(
    dlna: Dlna, body: str | bytes, action: str = f'"{CD}#GetSystemUpdateID"'
) -> httpx.Response:
    return httpx.post(
        f"{dlna.base}/dlna/control/ContentDirectory",
        content=body,
        headers={"SOAPACTION": action, "content-type": 'text/xml; charset="utf-8"'},
    )


def _fault_code(answer: httpx.Response) -> int:
    assert answer.status_code == 500
    assert b"<faultstring>UPnPError</faultstring>" in answer.content
    code = answer.text.split("<errorCode>")[1].split("</errorCode>")[0]
    return int(code)


def test_soap_control_is_parsed_safely(dlna: Dlna) -> None:
    assert _control(dlna, ENVELOPE).status_code == 200
    assert _fault_code(_control(dlna, BOMB)) == 401  # no DTDs, so no entity expansion
    assert _fault_code(_control(dlna, "<not xml")) == 401
    assert _fault_code(_control(dlna, ENVELOPE, f'"{CD}#Browse"')) == 401  # header and body differ
    assert _fault_code(_control(dlna, ENVELOPE, f'"{CM}#GetSystemUpdateID"')) == 401
    assert (
        _control(dlna, ENVELOPE.replace("<s:Body>", "<s:Body>" + " " * 70_000)).status_code == 413
    )
    browse = ENVELOPE.replace("GetSystemUpdateID", "Browse").replace(
        "/>", "><ObjectID>0</ObjectID><BrowseFlag>Sideways</BrowseFlag></u:Browse>", 1
    )
    assert _fault_code(_control(dlna, browse, f'"{CD}#Browse"')) == 402
    unsorted = browse.replace("Sideways", "BrowseDirectChildren").replace(
        "</u:Browse>",
        "<StartingIndex>0</StartingIndex><RequestedCount>0</RequestedCount>"
        "<SortCriteria>+upnp:rating</SortCriteria></u:Browse>",
    )
    assert _fault_code(_control(dlna, unsorted, f'"{CD}#Browse"')) == 709


def test_album_art_and_mp3_alternatives_are_served(dlna: Dlna) -> None:
    async def albums() -> list[Any]:
        device = await device_at(dlna)
        music = next(o for o in objects(await browse(device, "0")) if o.title == "Music")
        views = objects(await browse(device, music.id))
        every_album = next(o for o in views if o.title == "Albums")
        return objects(await browse(device, every_album.id))

    covers = [a.album_art_uri for a in run(albums()) if getattr(a, "album_art_uri", None)]
    assert covers, "the demo albums have covers"
    picture = httpx.get(covers[0])
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/jpeg"
    assert "DLNA.ORG_PN=JPEG_TN" in picture.headers["contentfeatures.dlna.org"]
    with Image.open(io.BytesIO(picture.content)) as cover:
        assert max(cover.size) <= 160
    forged = covers[0].replace("/dlna/art/", "/dlna/art/0")
    assert httpx.get(forged).status_code == 404

    tracks = [metadata(dlna, f"t-{i}") for i in sorted(dlna.shared["tracks"])]
    converted = [r for t in tracks for r in t.res if r.uri.endswith("/audio.mp3")]
    assert converted, "the demo music has tracks that are not MP3"
    with httpx.stream("GET", converted[0].uri, timeout=60) as answer:
        assert answer.status_code == 200 and answer.headers["content-type"] == "audio/mpeg"
        assert "DLNA.ORG_OP=10" in answer.headers["contentfeatures.dlna.org"]
        head = next(answer.iter_bytes())
    assert head[:3] == b"ID3" or head[0] == 0xFF  # an ID3 tag or an MPEG audio frame
