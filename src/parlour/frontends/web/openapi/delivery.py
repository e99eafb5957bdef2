"""Operations: deciding how an item plays, the ticket URLs that deliver it, and the
progress a player reports."""

from typing import Any

from parlour.domain.profiles import BUILT_IN
from parlour.frontends.web.openapi.build import (
    MAX_QUERY_NUMBER,
    PROBLEM,
    Operation,
    body,
    op,
    query,
)
from parlour.frontends.web.openapi.schemas import Schema, nullable, obj, ref

_NAME = {"type": "string", "pattern": "^[a-z0-9_][a-z0-9_.-]{0,31}$"}
_NAMES = {"type": "array", "items": _NAME, "maxItems": 32}
_CUSTOM_PROFILE = {
    "type": "object",
    "description": "A device profile of the client's own; missing fields take conservative"
    " defaults (MP4, H.264 High up to 4.1, AAC/MP3 stereo, 1080p, HLS).",
    "additionalProperties": False,
    "properties": {
        "name": _NAME,
        "containers": _NAMES,
        "video_codecs": {
            "type": "array",
            "maxItems": 32,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "codec": _NAME,
                    "profiles": {
                        "type": "array",
                        "maxItems": 32,
                        "items": {"type": "string", "pattern": "^[A-Za-z0-9 ._-]{1,32}$"},
                    },
                    "max_level": {"type": "integer", "minimum": 0, "maximum": 255},
                    "max_bit_depth": {"type": "integer", "minimum": 8, "maximum": 16},
                    "hdr": {"type": "boolean"},
                },
                "required": ["codec"],
            },
        },
        "audio_codecs": _NAMES,
        "max_audio_channels": {"type": "integer", "minimum": 1, "maximum": 8},
        "subtitle_formats": _NAMES,
        "max_width": {"type": "integer", "minimum": 16, "maximum": 7680},
        "max_height": {"type": "integer", "minimum": 16, "maximum": 4320},
        "max_bitrate": {"type": "integer", "minimum": 64_000, "maximum": 400_000_000},
        "streaming": {"type": "string", "enum": ["hls", "progressive"]},
        "hls_video_codecs": _NAMES,
        "hls_audio_codecs": _NAMES,
        "audio_transcode_format": {"type": "string", "enum": ["mp3", "opus", "aac"]},
        "hls_segments": {
            "type": "string",
            "enum": ["mpegts", "fmp4"],
            "description": "HLS segments as MPEG-TS (the default) or fragmented MP4 with an"
            " init segment, for players built on Media Source Extensions.",
        },
    },
}
_PROFILE_NAMES = sorted(BUILT_IN)
_DECISION = obj(
    {
        "decision": {
            "type": "string",
            "enum": ["direct", "remux", "transcode-audio", "transcode"],
        },
        "reasons": {"type": "array", "items": {"type": "string"}},
        "url": {
            "type": "string",
            "description": "Path (on this server) of the file, HLS master playlist or stream;"
            " it carries a signed ticket valid for an hour (longer while an HLS playback"
            " runs), so no Authorization header is needed",
        },
        "media_type": {"type": "string"},
        "session_id": {"type": "string"},
        "expires_at": {"type": "integer", "description": "Unix time in seconds"},
        "video": nullable("object"),
        "audio": {"type": "array", "items": {"type": "object"}},
        "burned_subtitle": {"type": "boolean"},
        "subtitles": {"type": "array", "items": {"type": "object"}},
    }
)
_PLAYLIST = {"type": "string", "description": "An HLS playlist (RFC 8216)"}
_TICKET = {
    "name": "ticket",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]+[.][A-Za-z0-9_-]+$", "maxLength": 2048},
    "description": "The signed ticket from the playback answer's `url`",
}
_BINARY = {"type": "string", "format": "binary"}
_START = query(
    "start",
    {"type": "integer", "minimum": 0, "maximum": MAX_QUERY_NUMBER, "default": 0},
    "Where to start, in milliseconds",
)


def _ticketed(
    summary: str,
    answer: Schema,
    media_type: str,
    *,
    params: tuple[dict[str, Any], ...] = (),
    errors: tuple[int, ...] = (),
) -> Operation:
    """A ticket URL: the ticket in the path is the credential (no bearer token; 401 for
    a bad or expired one)."""
    return op(
        summary,
        "Playback",
        answer=answer,
        media_type=media_type,
        params=(_TICKET, *params),
        errors=(401, *errors),
        public=True,
    )


def operations() -> dict[str, dict[str, Operation]]:
    decide = op(
        "How the item plays on a device, and the URL to play it from",
        "Playback",
        answer=_DECISION,
        params=(
            query(
                "profile",
                {"type": "string", "enum": _PROFILE_NAMES, "default": "chromium"},
                "A built-in device profile (the body's `profile` wins)",
            ),
        ),
        request={
            "required": False,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "profile": {
                                "oneOf": [
                                    {"type": "string", "enum": _PROFILE_NAMES},
                                    _CUSTOM_PROFILE,
                                ]
                            },
                            "audio": {"type": "integer", "minimum": 0, "maximum": 255},
                            "subtitle": {
                                "type": "object",
                                "additionalProperties": False,
                                "properties": {
                                    "source": {"type": "string", "enum": ["embedded", "external"]},
                                    "ref": {"type": "string", "minLength": 1, "maxLength": 64},
                                },
                                "required": ["source", "ref"],
                            },
                            "burn_subtitle": {"type": "boolean"},
                            "max_audio_bitrate": {"type": "integer", "minimum": 0, "maximum": 320},
                            "max_height": {
                                "type": "integer",
                                "minimum": 144,
                                "maximum": 4320,
                                "description": "A quality choice: at most this many lines",
                            },
                            "max_video_bitrate": {
                                "type": "integer",
                                "minimum": 64000,
                                "maximum": 400000000,
                                "description": "A quality choice: at most this many bits a second",
                            },
                        },
                    }
                }
            },
        },
        description=(
            "The least work that plays: `direct` (the file as it is), `remux` (streams copied"
            " into HLS), `transcode-audio` (video copied, audio converted) or `transcode`."
            " `reasons` says why in words."
        ),
    )
    report = op(
        "A player's report: start, position or stop",
        "Playback",
        answer=ref("ItemState"),
        request=body(
            {
                "event": {"type": "string", "enum": ["start", "position", "stop"]},
                "position_ms": {"type": "integer", "minimum": 0, "maximum": 10**10},
                "session_id": {"type": "string", "maxLength": 64},
            },
            ["event"],
        ),
        description=(
            "`position_ms` becomes the resume point (past 90 % a play); `stop` with the"
            " playback's `session_id` ends its transcode at once."
        ),
    )
    playlist = "application/vnd.apple.mpegurl"
    segment = _ticketed("One HLS segment (MPEG-TS)", _BINARY, "video/mp2t", errors=(503,))
    fmp4_segment = _ticketed(
        "One HLS segment as fragmented MP4 (audio/mp4 for an audio rendition)",
        _BINARY,
        "video/mp4",
        errors=(503,),
    )
    fmp4_init = _ticketed(
        "The init segment (EXT-X-MAP) of an fMP4 rendition (audio/mp4 for audio)",
        _BINARY,
        "video/mp4",
        errors=(503,),
    )
    file = _ticketed("The file itself (direct play), with byte ranges", _BINARY, "*/*")
    file["responses"] |= {
        "206": {"description": "The range asked for", "content": {"*/*": {"schema": _BINARY}}},
        "304": {"description": "Not modified since the validators given"},
        "416": {"description": "The range starts past the end of the file", "content": PROBLEM},
    }
    return {
        "/api/v1/items/{item_id}/playback": {"post": decide},
        "/api/v1/items/{item_id}/playback/report": {"post": report},
        "/api/v1/hls/{ticket}/master.m3u8": {
            "get": _ticketed("HLS master playlist", _PLAYLIST, playlist)
        },
        "/api/v1/hls/{ticket}/{kind}/{name}.m3u8": {
            "get": _ticketed(
                "HLS media playlist of a video (v), audio (a) or subtitle (s) rendition",
                _PLAYLIST,
                playlist,
            )
        },
        "/api/v1/hls/{ticket}/{kind}/{name}/{number}.ts": {"get": segment},
        "/api/v1/hls/{ticket}/{kind}/{name}/{number}.m4s": {"get": fmp4_segment},
        "/api/v1/hls/{ticket}/{kind}/{name}/init.mp4": {"get": fmp4_init},
        "/api/v1/hls/{ticket}/s/{name}.vtt": {
            "get": _ticketed("An HLS subtitle rendition as WebVTT", {"type": "string"}, "text/vtt")
        },
        "/api/v1/play/{ticket}/file": {"get": file},
        "/api/v1/play/{ticket}/audio": {
            "get": _ticketed(
                "The audio transcoded as decided", _BINARY, "*/*", params=(_START,), errors=(503,)
            )
        },
        "/api/v1/play/{ticket}/video.ts": {
            "get": _ticketed(
                "One MPEG-TS stream (devices without HLS)",
                _BINARY,
                "video/mp2t",
                params=(_START,),
                errors=(503,),
            )
        },
    }
