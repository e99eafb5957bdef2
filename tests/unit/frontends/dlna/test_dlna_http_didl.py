"""DIDL-Lite and DLNA protocolInfo as devices read them: escaped text, res attributes,
DLNA profiles only where they fit, and npt times."""

import pytest
from defusedxml import ElementTree

from parlour.frontends.dlna import protocol
from parlour.frontends.dlna.didl import Links, didl, duration
from parlour.frontends.dlna.media import npt_ms
from parlour.storage.dlna_objects import DlnaContainer, DlnaItem, DlnaSubtitle

DIDL = "{urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/}"
DC = "{http://purl.org/dc/elements/1.1/}"
UPNP = "{urn:schemas-upnp-org:metadata-1-0/upnp/}"


class _Signer:
    """Stands in for DlnaMedia's signing only: the URLs' shape is what is tested here."""

    def sign(self, purpose: str, ident: str) -> str:
        return f"{ident}.{purpose}"


def _links() -> Links:
    return Links("http://192.168.1.10:8421", _Signer())  # type: ignore[arg-type]


def _track(**changes: object) -> DlnaItem:
    fields: dict[str, object] = {
        "object_id": "t-1", "parent_id": "A-2", "item_id": "1", "kind": "track",
        "title": 'Rock & "Roll" <live>', "rel_path": b"Artist/Album/01 Song.flac",
        "size": 1234, "duration_ms": 3_723_456, "bitrate": 900_000, "artist": "A&B",
        "album": "Album", "track_no": 1, "date": "1999", "sample_rate": 44100, "channels": 2,
        "art_id": "9",
    }  # fmt: skip
    fields.update(changes)
    return DlnaItem(**fields)  # type: ignore[arg-type]


def test_duration_format() -> None:
    assert duration(3_723_456) == "1:02:03.456"
    assert duration(0) == "0:00:00.000"


def test_a_track_escaped_with_its_res_and_an_mp3_alternative() -> None:
    root = ElementTree.fromstring(didl([_track()], _links()))
    (item,) = root.findall(f"{DIDL}item")
    assert item.get("id") == "t-1" and item.get("parentID") == "A-2"
    assert item.findtext(f"{DC}title") == 'Rock & "Roll" <live>'
    assert item.findtext(f"{UPNP}artist") == "A&B"
    assert item.findtext(f"{UPNP}class") == "object.item.audioItem.musicTrack"
    assert item.findtext(f"{UPNP}originalTrackNumber") == "1"
    assert item.findtext(f"{DC}date") == "1999-01-01"
    assert (
        item.findtext(f"{UPNP}albumArtURI") == "http://192.168.1.10:8421/dlna/art/9.art/cover.jpg"
    )
    original, mp3 = item.findall(f"{DIDL}res")
    assert original.text == "http://192.168.1.10:8421/dlna/media/1.item/original.flac"
    assert original.get("protocolInfo") == (
        "http-get:*:audio/flac:DLNA.ORG_OP=01;DLNA.ORG_CI=0;DLNA.ORG_FLAGS=" + "017" + "0" * 29
    )
    assert original.get("duration") == "1:02:03.456"
    assert original.get("bitrate") == "112500"  # bytes per second
    assert original.get("size") == "1234" and original.get("sampleFrequency") == "44100"
    assert mp3.text is not None and mp3.text.endswith("/audio.mp3")
    assert "DLNA.ORG_PN=MP3;DLNA.ORG_OP=10;DLNA.ORG_CI=1" in (mp3.get("protocolInfo") or "")


def test_an_mp3_needs_no_alternative() -> None:
    item = _track(rel_path=b"song.mp3")
    assert protocol.variants(item) == ["original.mp3"]
    assert protocol.features(item, protocol.ORIGINAL)[1].startswith("DLNA.ORG_PN=MP3;")


@pytest.mark.parametrize(
    ("size", "profile"),
    [
        ((640, 480), "JPEG_SM"),
        ((1024, 768), "JPEG_MED"),
        ((4000, 3000), "JPEG_LRG"),
        ((5000, 10), None),
    ],
)
def test_photo_profiles_by_size(size: tuple[int, int], profile: str | None) -> None:
    photo = DlnaItem("p-1", "f-2", "1", "photo", "P", b"a.jpg", 10, width=size[0], height=size[1])
    mime, fields = protocol.features(photo, protocol.ORIGINAL)
    assert mime == "image/jpeg"
    assert fields.startswith(f"DLNA.ORG_PN={profile};" if profile else "DLNA.ORG_OP=00")
    assert fields.endswith(protocol.INTERACTIVE_FLAGS)


def test_a_film_with_a_transcode_and_captions() -> None:
    film = DlnaItem(
        "m-1", "L-2", "1", "movie", "Film", b"Film (2018)/Film.mkv", 10, 60_000, width=1920,
        height=1080, subtitles=(DlnaSubtitle("s1", "srt", "en"),),
    )  # fmt: skip
    root = ElementTree.fromstring(didl([film], _links()))
    item = root.find(f"{DIDL}item")
    assert item is not None
    infos = [res.get("protocolInfo") or "" for res in item.findall(f"{DIDL}res")]
    assert infos[0].startswith("http-get:*:video/x-matroska:DLNA.ORG_OP=01")
    assert infos[1].startswith("http-get:*:video/mpeg:DLNA.ORG_PN=AVC_TS_MP_HD_AAC_MULT5_ISO;")
    assert infos[2] == "http-get:*:text/srt:*"
    caption = item.find("{http://www.sec.co.kr/}CaptionInfoEx")
    assert caption is not None and caption.text is not None
    assert caption.text.endswith("/subtitle-s1.srt")


def test_a_storage_folder_carries_its_required_storage_used() -> None:
    root = ElementTree.fromstring(didl([DlnaContainer("L-1", "0", "Films")], _links()))
    folder = root.find(f"{DIDL}container")
    assert folder is not None and folder.findtext(f"{UPNP}storageUsed") == "-1"


@pytest.mark.parametrize(
    ("text", "ms"), [("0", 0), ("12.5", 12_500), ("0:01:02.250", 62_250), ("1:00:00", 3_600_000)]
)
def test_npt(text: str, ms: int) -> None:
    assert npt_ms(text) == ms


@pytest.mark.parametrize("text", ["", "1:2", "a", "-1", "1::2", "99999999"])
def test_npt_refused(text: str) -> None:
    with pytest.raises(ValueError):
        npt_ms(text)
