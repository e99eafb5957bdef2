"""DIDL-Lite (UPnP ContentDirectory:1, appendix) for Browse and Search results.

Written as text, escaped as ElementTree escapes (``soap.escape_text`` and
``escape_attribute``), so titles, names and URLs are safe whatever they hold: a page of
thousands of objects costs a few milliseconds, where an element tree took tens. Each
item carries its original file as the first ``res`` (byte seeking), then what a generic
television can surely play: an MPEG-TS transcode for videos, MP3 for audio it may not
take, a JPEG thumbnail for photos. Media URLs are signed (``DlnaMedia.sign``).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from parlour.frontends.dlna import protocol
from parlour.frontends.dlna.soap import escape_attribute, escape_text
from parlour.services.dlna_media import DlnaMedia
from parlour.storage.dlna_objects import STORAGE_FOLDER, DlnaContainer, DlnaItem, DlnaObject

DIDL_NS = "urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/"
DC_NS = "http://purl.org/dc/elements/1.1/"
UPNP_NS = "urn:schemas-upnp-org:metadata-1-0/upnp/"
DLNA_NS = "urn:schemas-dlna-org:metadata-1-0/"
SEC_NS = "http://www.sec.co.kr/"
_OPEN = (
    f'<DIDL-Lite xmlns="{DIDL_NS}" xmlns:dc="{DC_NS}" xmlns:upnp="{UPNP_NS}" '
    f'xmlns:dlna="{DLNA_NS}" xmlns:sec="{SEC_NS}"'
)
_THUMBNAIL_PROFILE = ' dlna:profileID="JPEG_TN"'


@dataclass(frozen=True, slots=True)
class Links:
    """Where the media of this answer live: the address the device reached us at (its
    Host header, already checked) and the signer."""

    base: str  # "http://192.168.1.10:8421"
    media: DlnaMedia

    def item(self, item_id: str, name: str) -> str:
        return self.item_folder(item_id) + name

    def item_folder(self, item_id: str) -> str:
        """The URL every media file of the item lies under, up to its last ``/``."""
        return f"{self.base}/dlna/media/{self.media.sign('item', item_id)}/"

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


def _add(parts: list[str], tag: str, text: object | None, attributes: str = "") -> None:
    """``<tag attributes>text</tag>``, or nothing when there is no text."""
    if text is not None and text != "":
        parts.append(f"<{tag}{attributes}>{escape_text(str(text))}</{tag}>")


def _container(parts: list[str], found: DlnaContainer, links: Links) -> None:
    searchable = "1" if found.object_id == "0" or found.object_id.startswith("L-") else "0"
    count = "" if found.child_count is None else f' childCount="{found.child_count}"'
    parts.append(
        f'<container id="{escape_attribute(found.object_id)}" '
        f'parentID="{escape_attribute(found.parent_id)}" restricted="1" '
        f'searchable="{searchable}"{count}>'
    )
    _add(parts, "dc:title", found.title)
    _add(parts, "upnp:class", found.upnp_class)
    if found.upnp_class == STORAGE_FOLDER:
        _add(parts, "upnp:storageUsed", "-1")  # required for the class; -1: unknown
    _add(parts, "upnp:artist", found.artist)
    _add(parts, "dc:creator", found.artist)
    _add(parts, "dc:date", _date(found.date))
    if found.art_id is not None:
        _add(parts, "upnp:albumArtURI", links.art(found.art_id), _THUMBNAIL_PROFILE)
    parts.append("</container>")


def _resource(parts: list[str], item: DlnaItem, variant: str, url: str) -> None:
    attributes = [f'protocolInfo="{escape_attribute(protocol.protocol_info(item, variant))}"']
    original = variant.startswith(protocol.ORIGINAL)
    if variant == protocol.THUMBNAIL:
        attributes.append('resolution="160x160"')
    elif original and item.width and item.height:
        attributes.append(f'resolution="{item.width}x{item.height}"')
    if original:
        attributes.append(f'size="{item.size}"')
        if item.bitrate:
            attributes.append(f'bitrate="{item.bitrate // 8}"')  # bytes per second, as DIDL counts
    if item.duration_ms and variant != protocol.THUMBNAIL:
        attributes.append(f'duration="{duration(item.duration_ms)}"')
    if item.kind == "track" and original:
        if item.sample_rate:
            attributes.append(f'sampleFrequency="{item.sample_rate}"')
        if item.channels:
            attributes.append(f'nrAudioChannels="{item.channels}"')
    parts.append(f"<res {' '.join(attributes)}>{escape_text(url)}</res>")


def _item(parts: list[str], item: DlnaItem, links: Links) -> None:
    parts.append(
        f'<item id="{escape_attribute(item.object_id)}" '
        f'parentID="{escape_attribute(item.parent_id)}" restricted="1">'
    )
    _add(parts, "dc:title", item.title)
    _add(parts, "upnp:class", item.upnp_class)
    if item.kind == "track":
        _add(parts, "upnp:artist", item.artist)
        _add(parts, "dc:creator", item.artist)
        _add(parts, "upnp:album", item.album)
        _add(parts, "upnp:originalTrackNumber", item.track_no)
    elif item.kind == "episode":
        _add(parts, "upnp:album", item.album)
        _add(parts, "upnp:episodeNumber", item.track_no)
    _add(parts, "upnp:genre", item.genre)
    _add(parts, "dc:date", _date(item.date))
    folder = links.item_folder(item.item_id)  # one signature for all of the item's files
    art: str | None
    if item.kind == "photo":
        art = folder + protocol.THUMBNAIL
    else:
        art = None if item.art_id is None else links.art(item.art_id)
    _add(parts, "upnp:albumArtURI", art, _THUMBNAIL_PROFILE)
    for variant in protocol.variants(item):
        _resource(parts, item, variant, folder + variant)
    for subtitle in item.subtitles:
        url = f"{folder}{protocol.SUBTITLE_PREFIX}{subtitle.subtitle_id}.{subtitle.format}"
        _add(parts, "sec:CaptionInfoEx", url, f' sec:type="{escape_attribute(subtitle.format)}"')
        if subtitle.format == "srt":
            parts.append(f'<res protocolInfo="http-get:*:text/srt:*">{escape_text(url)}</res>')
    parts.append("</item>")


def didl(objects: Sequence[DlnaObject], links: Links) -> str:
    if not objects:
        return _OPEN + " />"
    parts = [_OPEN, ">"]
    for found in objects:
        if isinstance(found, DlnaContainer):
            _container(parts, found, links)
        else:
            _item(parts, found, links)
    parts.append("</DIDL-Lite>")
    return "".join(parts)
