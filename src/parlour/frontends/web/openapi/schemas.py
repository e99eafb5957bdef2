"""JSON Schemas of the API's answers (OpenAPI components), as the routes render them."""

from typing import Any

from parlour.domain.activity import MAX_RATING, MIN_RATING, ItemKind

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(type_name: str, **extra: Any) -> Schema:
    return {"type": [type_name, "null"], **extra}


def obj(required: dict[str, Schema], optional: dict[str, Schema] | None = None) -> Schema:
    """An object with these required and optional properties; others allowed (additive)."""
    return {
        "type": "object",
        "properties": required | (optional or {}),
        "required": list(required),
    }


def page_of(item: Schema, *, cursor: bool = False) -> Schema:
    """A page of a list with its total; lists that take cursors also answer the next one
    (and ``offset`` is null on a page asked for by cursor)."""
    fields: dict[str, Schema] = {
        "items": {"type": "array", "items": item},
        "total": {"type": "integer", "minimum": 0},
        "limit": {"type": "integer", "minimum": 1},
        "offset": {"type": "integer", "minimum": 0},
    }
    if cursor:
        fields["offset"] = nullable("integer", minimum=0)
        fields["next_cursor"] = nullable("string", description="Pass back as `cursor`")
    return obj(fields)


def printable(max_length: int) -> Schema:
    """Text without control characters, as the filters and names accept it."""
    return {"type": "string", "maxLength": max_length, "pattern": "^[^\\x00-\\x1f]*$"}


def name_text(max_length: int) -> Schema:
    """A name: printable, and something left once spaces are trimmed."""
    return {
        "type": "string",
        "maxLength": max_length,
        "pattern": "^[^\\x00-\\x1f]*[^\\x00-\\x1f\\s][^\\x00-\\x1f]*$",
    }


ID = {"type": "string"}
NULL_ID = nullable("string")
TIME = {"type": "integer", "description": "Unix time in seconds"}
NULL_TIME = nullable("integer", description="Unix time in seconds")
COUNT = {"type": "integer", "minimum": 0}
NULL_INT = nullable("integer")
TEXT = {"type": "string"}
NULL_TEXT = nullable("string")

ITEM_KINDS = [kind.value for kind in ItemKind]

_ROLE = {"type": "string", "enum": ["admin", "user"]}
_STATE = ref("ItemState")
_FLAG = {"type": "boolean"}
_NULL_FLOAT = nullable("number")


def browse_schemas() -> dict[str, Schema]:
    """What the browse routes answer: rows of lists, details, folders, search hits."""
    album = {
        "id": ID,
        "library_id": ID,
        "title": TEXT,
        "artist_name": TEXT,
        "year": NULL_INT,
        "compilation": _FLAG,
        "cover_id": NULL_ID,
        "state": _STATE,
    }
    track_in_album = {
        "id": ID,
        "title": TEXT,
        "artist_name": TEXT,
        "disc_no": NULL_INT,
        "track_no": NULL_INT,
        "duration_ms": COUNT,
        "codec": TEXT,
        "state": _STATE,
    }
    video = {
        "id": ID,
        "library_id": ID,
        "title": TEXT,
        "year": NULL_INT,
        "content_rating": NULL_TEXT,
        "poster_id": NULL_ID,
        "state": _STATE,
    }
    stream = obj(
        {"stream_index": COUNT, "type": TEXT, "codec": TEXT},
        {
            "profile": NULL_TEXT,
            "level": NULL_INT,
            "language": NULL_TEXT,
            "title": NULL_TEXT,
            "width": NULL_INT,
            "height": NULL_INT,
            "frame_rate": _NULL_FLOAT,
            "bit_depth": NULL_INT,
            "hdr": _FLAG,
            "channels": NULL_INT,
            "channel_layout": NULL_TEXT,
            "sample_rate": NULL_INT,
            "bitrate": NULL_INT,
            "is_default": _FLAG,
            "is_forced": _FLAG,
        },
    )
    subtitle = obj(
        {"id": ID, "format": TEXT},
        {"language": NULL_TEXT, "is_forced": _FLAG, "is_sdh": _FLAG, "is_default": _FLAG},
    )
    folder = {"id": ID, "name": TEXT, "parent_id": NULL_ID, "library_id": ID}
    return {
        "Album": obj(album | {"added_at": TIME}),
        "AlbumPage": page_of(ref("Album"), cursor=True),
        "AlbumDetail": obj(album | {"tracks": {"type": "array", "items": obj(track_in_album)}}),
        "Artist": obj(
            {"id": ID, "library_id": ID, "name": TEXT, "added_at": TIME, "state": _STATE}
        ),
        "ArtistPage": page_of(ref("Artist"), cursor=True),
        "ArtistDetail": obj(
            {
                "id": ID,
                "library_id": ID,
                "name": TEXT,
                "state": _STATE,
                "albums": {"type": "array", "items": ref("Album")},
            }
        ),
        "Track": obj(
            track_in_album
            | {
                "library_id": ID,
                "album_id": ID,
                "album_title": TEXT,
                "year": NULL_INT,
                "added_at": TIME,
            }
        ),
        "TrackPage": page_of(ref("Track"), cursor=True),
        "Video": obj(video | {"added_at": TIME}),
        "VideoPage": page_of(ref("Video"), cursor=True),
        "ShowDetail": obj(
            video
            | {
                "plot": NULL_TEXT,
                "seasons": {
                    "type": "array",
                    "items": obj(
                        {
                            "id": ID,
                            "number": {"type": "integer"},
                            "title": TEXT,
                            "poster_id": NULL_ID,
                            "episodes": COUNT,
                        }
                    ),
                },
            }
        ),
        "SeasonDetail": obj(
            {
                "id": ID,
                "show_id": ID,
                "number": {"type": "integer"},
                "title": TEXT,
                "show_title": TEXT,
                "state": _STATE,
                "episodes": {
                    "type": "array",
                    "items": obj(
                        {
                            "id": ID,
                            "episode_number": NULL_INT,
                            "episode_end": NULL_INT,
                            "air_date": NULL_TEXT,
                            "title": TEXT,
                            "state": _STATE,
                        }
                    ),
                },
            }
        ),
        "ItemDetail": obj(
            {
                "id": ID,
                "kind": {"type": "string", "enum": ["track", "movie", "episode", "photo"]},
                "library_id": ID,
                "title": TEXT,
                "state": _STATE,
                "file": obj(
                    {"name": TEXT, "size": COUNT, "mtime_ns": {"type": "integer"}},
                    {"container": NULL_TEXT, "duration_ms": NULL_INT, "bitrate": NULL_INT},
                ),
                "streams": {"type": "array", "items": stream},
                "subtitles": {"type": "array", "items": subtitle},
            },
            {
                "genres": {
                    "type": "array",
                    "items": TEXT,
                    "description": "A film or an episode: its genres",
                },
                "credits": {
                    "type": "array",
                    "description": "A film or an episode: cast and crew in billing order",
                    "items": obj(
                        {
                            "name": TEXT,
                            "role": {"type": "string", "enum": ["actor", "director"]},
                            "character": NULL_TEXT,
                        }
                    ),
                },
                "locations_shown": {
                    "type": "boolean",
                    "description": "A photo: its library's owner shows photo locations",
                },
                "location": {
                    "description": (
                        "A photo's GPS position; null when its library hides locations"
                        " (the default) or the file records none"
                    ),
                    "anyOf": [
                        {"type": "null"},
                        obj(
                            {"latitude": {"type": "number"}, "longitude": {"type": "number"}},
                            {"altitude": _NULL_FLOAT},
                        ),
                    ],
                },
            },
        ),
        "Folder": obj(folder),
        "FolderPage": page_of(ref("Folder"), cursor=True),
        "FolderDetail": obj(
            folder
            | {
                "folders": {"type": "array", "items": obj({"id": ID, "name": TEXT})},
                "items": {
                    "type": "array",
                    "items": obj({"id": ID, "kind": TEXT, "title": TEXT}),
                },
                "total": COUNT,
                "limit": {"type": "integer", "minimum": 1},
                "offset": nullable("integer", minimum=0),
                "next_cursor": NULL_TEXT,
            }
        ),
        "SearchHit": obj(
            {
                "id": ID,
                "kind": {"type": "string", "enum": ITEM_KINDS},
                "title": TEXT,
                "context": TEXT,
                "library_id": ID,
            }
        ),
        "SearchPage": page_of(ref("SearchHit"), cursor=True),
    }


SCHEMAS: dict[str, Schema] = {
    "User": obj({"id": ID, "name": TEXT, "role": _ROLE}),
    "Me": obj({"id": ID, "name": TEXT, "role": _ROLE, "libraries": {"type": "array", "items": ID}}),
    "SignedIn": obj(
        {"user": ref("User")},
        {
            "token": {"type": "string", "description": "Bearer token (not in cookie mode)"},
            "csrf_token": {"type": "string", "description": "Send as X-CSRF-Token (cookie mode)"},
        },
    ),
    "Token": obj(
        {
            "id": ID,
            "kind": {"type": "string", "enum": ["session", "device"]},
            "label": NULL_TEXT,
            "created_at": TIME,
            "last_used_at": TIME,
            "expires_at": TIME,
        }
    ),
    "SignIn": obj(
        {
            "id": ID,
            "user": obj({"id": ID, "name": TEXT}),
            "kind": {"type": "string", "enum": ["session", "device"]},
            "label": nullable("string", description="The device's name; null: a browser session"),
            "created_at": TIME,
            "last_used_at": TIME,
            "expires_at": TIME,
            "current": {"type": "boolean", "description": "The caller's own sign-in"},
        }
    ),
    "Library": obj(
        {
            "id": ID,
            "name": TEXT,
            "kind": {"type": "string", "enum": ["music", "movies", "shows", "photos", "videos"]},
            "paths": {"type": "array", "items": TEXT},
            "counts": {"type": "object", "additionalProperties": COUNT},
            "last_scan_at": NULL_TIME,
        }
    ),
    "UserDetail": obj(
        {
            "id": ID,
            "name": TEXT,
            "role": _ROLE,
            "disabled": {"type": "boolean"},
            "libraries": {"type": "array", "items": ID},
            "max_content_rating": NULL_TEXT,
            "created_at": TIME,
        }
    ),
    "PhotoLocations": obj(
        {
            "library_id": ID,
            "show_locations": {
                "type": "boolean",
                "description": "Photos' GPS positions are shown to whoever may see the library",
            },
        }
    ),
    "ScanStatus": obj(
        {
            "running": {"type": "boolean"},
            "done": COUNT,
            "total": COUNT,
        },
        {
            "run": COUNT,
            "version": COUNT,
            "phase": NULL_TEXT,
            "library": NULL_TEXT,
            "folder": NULL_TEXT,
            "started_at": nullable("number", description="Unix time in seconds"),
            "finished_at": nullable("number", description="Unix time in seconds"),
            "error": NULL_TEXT,
            "summary": obj(
                {
                    "added": COUNT,
                    "changed": COUNT,
                    "moved": COUNT,
                    "removed": COUNT,
                    "unchanged": COUNT,
                    "failed": COUNT,
                    "failures": {
                        "type": "array",
                        "items": obj({"path": TEXT, "reason": TEXT}),
                    },
                    "problems": {"type": "array", "items": TEXT},
                }
            ),
        },
    ),
    "ServerInfo": obj(
        {
            "version": TEXT,
            "python": TEXT,
            "platform": TEXT,
            "offline": {"type": "boolean"},
            "scan_workers": {"type": "integer", "minimum": 1},
            "event_streams": COUNT,
            "ffmpeg_version": nullable("string", description="null: no ffmpeg found"),
            "ffmpeg_minimum": {
                "type": "string",
                "description": "The oldest ffmpeg release this server is meant to run with",
            },
            "ffmpeg_outdated": nullable(
                "boolean",
                description=(
                    "Whether ffmpeg_version is older than ffmpeg_minimum; null: unknown (no"
                    " ffmpeg, or a version that names no release, such as a git snapshot)"
                ),
            ),
            "transcodes": obj(
                {
                    "running": {**COUNT, "description": "Transcodes holding a slot now"},
                    "slots": {"type": "integer", "minimum": 1},
                }
            ),
            "hls_jobs": {
                **COUNT,
                "description": "ffmpeg processes making HLS segments now (copies included)",
            },
        }
    ),
    "Problem": obj(
        {
            "type": TEXT,
            "title": TEXT,
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
        },
        {"detail": TEXT},
    ),
    "ItemState": obj(
        {
            "position_ms": COUNT,
            "watched": {"type": "boolean"},
            "play_count": COUNT,
            "last_played_at": NULL_TIME,
            "favourite": {"type": "boolean"},
            "favourite_at": NULL_TIME,
            "rating": nullable("integer", minimum=MIN_RATING, maximum=MAX_RATING),
        }
    ),
    # An item of any kind in a mixed list (history, playlists, favourites...): the
    # common fields, and those of its kind.
    "ItemSummary": obj(
        {
            "id": ID,
            "kind": {"type": "string", "enum": ITEM_KINDS},
            "title": TEXT,
            "library_id": ID,
        },
        {
            "duration_ms": COUNT,
            "image_id": NULL_ID,
            "artist_name": TEXT,
            "album_id": ID,
            "album_title": TEXT,
            "disc_no": NULL_INT,
            "track_no": NULL_INT,
            "year": NULL_INT,
            "show_id": ID,
            "show_title": TEXT,
            "season_id": ID,
            "season_number": {"type": "integer"},
            "episode_number": NULL_INT,
            "air_date": NULL_TEXT,
            "taken_at": NULL_TEXT,
            "width": {"type": "integer"},
            "height": {"type": "integer"},
            # What the list adds about the viewer's own use of the item:
            "position_ms": COUNT,
            "updated_at": TIME,
            "played_at": TIME,
            "favourite_at": TIME,
            "added_at": TIME,
            "last_watched_at": TIME,
            "entry_id": ID,
        },
    ),
    **browse_schemas(),
    "ItemList": obj({"items": {"type": "array", "items": ref("ItemSummary")}}),
    "ItemPage": page_of(ref("ItemSummary")),
    "WatchedResult": obj({"watched": {"type": "boolean"}, "items": COUNT}),
    "PlaylistSummary": obj(
        {
            "id": ID,
            "name": TEXT,
            "kind": {"type": "string", "enum": ["music", "video"]},
            "comment": NULL_TEXT,
            "created_at": TIME,
            "updated_at": TIME,
            "entries": COUNT,
        }
    ),
    "Playlist": obj(
        {
            "id": ID,
            "name": TEXT,
            "kind": {"type": "string", "enum": ["music", "video"]},
            "comment": NULL_TEXT,
            "created_at": TIME,
            "updated_at": TIME,
            "duration_ms": COUNT,
            "items": {"type": "array", "items": ref("ItemSummary")},
        }
    ),
}
