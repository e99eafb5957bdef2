"""DIDL-Lite (UPnP ContentDirectory:1, appendix) for Browse and Search results.

Built with ElementTree, so titles, names and URLs are escaped whatever they hold. Each
item carries its original file as the first ``res`` (byte seeking), then what a
generic television can surely play: an MPEG-TS transcode for videos, MP3 for audio it
may not take, a JPEG thumbnail for photos. Media URLs are signed (``DlnaMedia.sign``).
"""

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from parlour.frontends.dlna import protocol
from parlour.services.dlna_media import DlnaMedia
from parlour.storage.dlna_objects import STORAGE_FOLDER, DlnaContainer, DlnaItem, DlnaObject

DIDL_NS = "urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/"
DC_NS = "http://purl.org/dc/elements/1.1/"
UPNP_NS = "urn:schemas-upnp-org:metadata-1-0/upnp/"
DLNA_NS = "urn:schemas-dlna-org:metadata-1-0/"
SEC_NS = "http://www.sec.co.kr/"


@dataclass(frozen=True, slots=True)
class Links:
    """Where the media of this answer live: the address the device reached us at (its
    Host header, already checked) and the signer."""

    base: str  # "http://192.168.1.10:8421"
    media: DlnaMedia

    def item(self, item_id: str, name: str) -> str:
        return f"{self.base}/dlna/media/{self.media.sign('item', item_id)}/{name}"

    def art(self, artwork_id: str) -> str:
        return f"{self.base}/dlna/art/{self.media.sign('art', artwork_id)}/cover.jpg"


def duration(ms: int) -> str:
    """H:MM:SS.mmm, as ``res@duration`` wants it."""
    seconds, millis = divmod(max(ms, 0), 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _date(text: str | None) -> str | None:
    if text is None or len(text) < 4 or not text[:4].isdigit():
        return None
    return f"{text}-01-01" if len(text) == 4 else text[:10]


def _add(parent: ET.Element, tag: str, text: object | None, **attrs: str) -> None:
    if text is not None and text != "":
        ET.SubElement(parent, tag, attrs).text = str(text)


def _container(root: ET.Element, found: DlnaContainer, links: Links) -> None:
    attrs = {"id": found.object_id, "parentID": found.parent_id, "restricted": "1"}
    attrs["searchable"] = "1" if found.object_id == "0" or found.object_id.startswith("L-") else "0"
    if found.child_count is not None:
        attrs["childCount"] = str(found.child_count)
    element = ET.SubElement(root, "container", attrs)
    _add(element, "dc:title", found.title)
    _add(element, "upnp:class", found.upnp_class)
    if found.upnp_class == STORAGE_FOLDER:
        _add(element, "upnp:storageUsed", "-1")  # required for the class; -1: unknown
    _add(element, "upnp:artist", found.artist)
    _add(element, "dc:creator", found.artist)
    _add(element, "dc:date", _date(found.date))
    if found.art_id is not None:
        _add(element, "upnp:albumArtURI", links.art(found.art_id), **{"dlna:profileID": "JPEG_TN"})


def _resource(element: ET.Element, item: DlnaItem, variant: str, url: str) -> None:
    attrs = {"protocolInfo": protocol.protocol_info(item, variant)}
    original = variant.startswith(protocol.ORIGINAL)
    if variant == protocol.THUMBNAIL:
        attrs["resolution"] = "160x160"
    elif original and item.width and item.height:
        attrs["resolution"] = f"{item.width}x{item.height}"
    if original:
        attrs["size"] = str(item.size)
        if item.bitrate:
            attrs["bitrate"] = str(item.bitrate // 8)  # bytes per second, as DIDL counts
    if item.duration_ms and variant != protocol.THUMBNAIL:
        attrs["duration"] = duration(item.duration_ms)
    if item.kind == "track" and original:
        if item.sample_rate:
            attrs["sampleFrequency"] = str(item.sample_rate)
        if item.channels:
            attrs["nrAudioChannels"] = str(item.channels)
    ET.SubElement(element, "res", attrs).text = url


def _item(root: ET.Element, item: DlnaItem, links: Links) -> None:
    attrs = {"id": item.object_id, "parentID": item.parent_id, "restricted": "1"}
    element = ET.SubElement(root, "item", attrs)
    _add(element, "dc:title", item.title)
    _add(element, "upnp:class", item.upnp_class)
    if item.kind == "track":
        _add(element, "upnp:artist", item.artist)
        _add(element, "dc:creator", item.artist)
        _add(element, "upnp:album", item.album)
        _add(element, "upnp:originalTrackNumber", item.track_no)
    elif item.kind == "episode":
        _add(element, "upnp:album", item.album)
        _add(element, "upnp:episodeNumber", item.track_no)
    _add(element, "upnp:genre", item.genre)
    _add(element, "dc:date", _date(item.date))
    art: str | None
    if item.kind == "photo":
        art = links.item(item.item_id, protocol.THUMBNAIL)
    else:
        art = None if item.art_id is None else links.art(item.art_id)
    _add(element, "upnp:albumArtURI", art, **{"dlna:profileID": "JPEG_TN"})
    for variant in protocol.variants(item):
        _resource(element, item, variant, links.item(item.item_id, variant))
    for subtitle in item.subtitles:
        name = f"{protocol.SUBTITLE_PREFIX}{subtitle.subtitle_id}.{subtitle.format}"
        url = links.item(item.item_id, name)
        _add(element, "sec:CaptionInfoEx", url, **{"sec:type": subtitle.format})
        if subtitle.format == "srt":
            info = "http-get:*:text/srt:*"
            ET.SubElement(element, "res", {"protocolInfo": info}).text = url


def didl(objects: Sequence[DlnaObject], links: Links) -> str:
    root = ET.Element(
        "DIDL-Lite",
        {
            "xmlns": DIDL_NS,
            "xmlns:dc": DC_NS,
            "xmlns:upnp": UPNP_NS,
            "xmlns:dlna": DLNA_NS,
            "xmlns:sec": SEC_NS,
        },
    )
    for found in objects:
        if isinstance(found, DlnaContainer):
            _container(root, found, links)
        else:
            _item(root, found, links)
    return ET.tostring(root, encoding="unicode")
