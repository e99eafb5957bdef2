"""Operations: playing items."""

from parlour.frontends.web.openapi.build import PROBLEM, Operation, op

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
    return {"/api/v1/items/{item_id}/stream": {"get": stream}}
