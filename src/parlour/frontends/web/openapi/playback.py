"""Operations: playing items."""

from parlour.frontends.web.openapi.build import (
    MAX_QUERY_NUMBER,
    PROBLEM,
    Operation,
    op,
    query,
)
from parlour.media.audio import FORMATS, MAX_KBPS, MIN_KBPS
from parlour.media.images import FITS, MAX_SIDE
from parlour.media.images import FORMATS as IMAGE_FORMATS

_BYTES = {"*/*": {"schema": {"type": "string", "format": "binary"}}}


def operations() -> dict[str, dict[str, Operation]]:
    stream = op(
        "The item's own file (direct play), with byte ranges",
        "Playback",
        answer={"type": "string", "format": "binary"},
        media_type="*/*",
        description=(
            "One byte range at most (`Range: bytes=0-99`, `bytes=100-`, `bytes=-100`); a list"
            " of ranges or a malformed one gets the whole file. ETag and Last-Modified with"
            " If-None-Match, If-Modified-Since and If-Range. HEAD answers the headers alone."
        ),
    )
    stream["responses"] |= {
        "206": {"description": "The range asked for", "content": _BYTES},
        "304": {"description": "Not modified since the validators given"},
        "416": {"description": "The range starts past the end of the file", "content": PROBLEM},
    }
    audio = op(
        "The item's audio, transcoded while it is sent",
        "Playback",
        answer={"type": "string", "format": "binary"},
        media_type="*/*",
        params=(
            query("format", {"type": "string", "enum": sorted(FORMATS), "default": "mp3"},
                  "Container and codec: mp3, opus (in Ogg) or aac (ADTS)"),
            query("bitrate", {"type": "integer", "minimum": MIN_KBPS, "maximum": MAX_KBPS,
                              "default": 192}, "kbit/s"),
            query("start", {"type": "integer", "minimum": 0, "maximum": MAX_QUERY_NUMBER,
                            "default": 0}, "Where to start, in milliseconds"),
        ),
        errors=(503,),
        description="No ranges: a player seeks by asking again with `start`.",
    )  # fmt: skip
    vtt = {"type": "string", "description": "WebVTT"}
    image_params = (
        query("width", {"type": "integer", "minimum": 1, "maximum": MAX_SIDE}, "Pixels at most"),
        query("height", {"type": "integer", "minimum": 1, "maximum": MAX_SIDE}, "Pixels at most"),
        query("fit", {"type": "string", "enum": list(FITS), "default": "contain"},
              "contain: within the box; cover: fill it, cropped (needs both sides)"),
        query("format", {"type": "string", "enum": list(IMAGE_FORMATS), "default": "jpeg"},
              "jpeg or webp"),
    )  # fmt: skip
    image = {"type": "string", "format": "binary"}
    image_description = "Oriented as the camera meant; no EXIF, GPS or other metadata."
    return {
        "/api/v1/artwork/{artwork_id}": {
            "get": op(
                "A cover, poster, fan art or video frame, resized",
                "Images",
                answer=image,
                media_type="image/*",
                params=image_params,
                description=image_description,
            ),
        },
        "/api/v1/items/{item_id}/image": {
            "get": op(
                "A photo, resized",
                "Images",
                answer=image,
                media_type="image/*",
                params=image_params,
                description=image_description,
            ),
        },
        "/api/v1/items/{item_id}/subtitles/{subtitle_id}": {
            "get": op(
                "A sidecar subtitle file (SRT, ASS, VTT) as WebVTT",
                "Playback",
                answer=vtt,
                media_type="text/vtt",
            ),
        },
        "/api/v1/items/{item_id}/subtitles/embedded/{stream_index}": {
            "get": op(
                "A text subtitle stream inside the video, as WebVTT",
                "Playback",
                answer=vtt,
                media_type="text/vtt",
            ),
        },
        "/api/v1/items/{item_id}/stream": {"get": stream},
        "/api/v1/items/{item_id}/audio": {"get": audio},
    }
