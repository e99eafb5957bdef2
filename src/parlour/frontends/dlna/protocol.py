"""DLNA's protocolInfo (``http-get:*:<mime>:<DLNA fields>``) and the media variants a
DLNA item offers: the original file, a transcode, a thumbnail, subtitles.

The fourth field is also the answer's ``contentFeatures.dlna.org`` header. DLNA.ORG_PN is
given only where a profile surely fits (an MP3, a JPEG by its size, the MPEG-TS
transcode), since a wrong profile makes some televisions refuse a file they could play.
DLNA.ORG_OP=01 offers byte seeking (Range), 10 time seeking (TimeSeekRange.dlna.org).
"""

import os

from parlour.media.files import media_type
from parlour.storage.dlna_objects import DlnaItem

# Streaming transfer, background transfer, connection stalling, DLNA 1.5 (DLNA flags
# bits 24, 22, 21, 20), then 24 reserved hex zeros.
STREAMING_FLAGS = "01700000" + "0" * 24
# Interactive and background transfer, DLNA 1.5 (bits 23, 22, 20): pictures.
INTERACTIVE_FLAGS = "00D00000" + "0" * 24

_MIME = {  # what televisions expect where the generic table says something else
    ".mkv": "video/x-matroska",
    ".ts": "video/mpeg",
    ".m2ts": "video/mpeg",
    ".avi": "video/x-msvideo",
    ".m4a": "audio/mp4",
    ".flac": "audio/flac",
    ".wav": "audio/wav",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
}

ORIGINAL, VIDEO_TS, AUDIO_MP3, THUMBNAIL = "original", "video.ts", "audio.mp3", "thumb.jpg"
SUBTITLE_PREFIX = "subtitle-"


def extension(item: DlnaItem) -> str:
    ext = os.path.splitext(item.rel_path)[1].lower().decode("ascii", "replace")
    return ext if ext[1:].isalnum() and len(ext) <= 6 else ""


def original_mime(item: DlnaItem) -> str:
    return _MIME.get(extension(item)) or media_type(item.rel_path)


def _jpeg_profile(width: int | None, height: int | None) -> str | None:
    if width is None or height is None:
        return None
    for name, (w, h) in (("JPEG_SM", (640, 480)), ("JPEG_MED", (1024, 768))):
        if max(width, height) <= max(w, h) and min(width, height) <= min(w, h):
            return name
    return "JPEG_LRG" if max(width, height) <= 4096 else None


def _fields(profile: str | None, seek: str, converted: bool, flags: str) -> str:
    named = f"DLNA.ORG_PN={profile};" if profile else ""
    return f"{named}DLNA.ORG_OP={seek};DLNA.ORG_CI={int(converted)};DLNA.ORG_FLAGS={flags}"


def features(item: DlnaItem, variant: str) -> tuple[str, str]:
    """The Content-Type and contentFeatures.dlna.org of one of the item's variants."""
    if variant == VIDEO_TS:
        tall = (item.height or 0) > 576
        ts = "AVC_TS_MP_HD_AAC_MULT5_ISO" if tall else "AVC_TS_MP_SD_AAC_MULT5_ISO"
        return "video/mpeg", _fields(ts, "10", True, STREAMING_FLAGS)
    if variant == AUDIO_MP3:
        return "audio/mpeg", _fields("MP3", "10", True, STREAMING_FLAGS)
    if variant == THUMBNAIL:
        return "image/jpeg", _fields("JPEG_TN", "00", True, INTERACTIVE_FLAGS)
    mime = original_mime(item)
    if item.kind == "photo":
        jpeg = _jpeg_profile(item.width, item.height) if mime == "image/jpeg" else None
        return mime, _fields(jpeg, "00", False, INTERACTIVE_FLAGS)
    mp3 = "MP3" if mime == "audio/mpeg" else None
    return mime, _fields(mp3, "01", False, STREAMING_FLAGS)


def protocol_info(item: DlnaItem, variant: str) -> str:
    mime, fields = features(item, variant)
    return f"http-get:*:{mime}:{fields}"


def variants(item: DlnaItem) -> list[str]:
    """The ``res`` an item offers, the original first."""
    found = [ORIGINAL + extension(item)]
    if item.kind in ("movie", "video", "episode"):
        found.append(VIDEO_TS)
    elif item.kind == "track" and original_mime(item) != "audio/mpeg":
        found.append(AUDIO_MP3)
    elif item.kind == "photo":
        found.append(THUMBNAIL)
    return found


def variant_of(name: str) -> str:
    """The variant a media URL's last segment names (the original keeps its extension
    for players that go by it)."""
    return ORIGINAL if name.startswith(ORIGINAL) else name


# What GetProtocolInfo lists as Source: every kind of res this server hands out.
SOURCE_PROTOCOLS = ",".join(
    f"http-get:*:{mime}:*"
    for mime in (
        "audio/mpeg", "audio/mp4", "audio/flac", "audio/ogg", "audio/wav", "video/mp4",
        "video/x-matroska", "video/mpeg", "video/x-msvideo", "image/jpeg", "image/png",
    )
)  # fmt: skip
