"""The export (P-10, PR-06): everything kept about one user as one versioned JSON
document, its JSON Schema, the play history as CSV, and the rules of the links that
download either without signing in (single-use, 24 hours).

``SECTIONS`` says which part of the document carries each table that holds data about
users; a test holds it equal to the schema's personal tables, so a new table is exported
or the build fails. Credentials (password and token hashes, app passwords in any form,
Subsonic salts) are never exported.
"""

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from parlour.domain.errors import InvalidInputError

FORMAT = "parlour-my-data"
VERSION = 3  # 2: app passwords and Subsonic sign-ins; 3: bookmarks, play queue, sharing

SECTIONS: dict[str, str] = {
    "users": "account",
    "auth_tokens": "devices",
    "library_grants": "library_grants",
    "user_item_state": "item_state",
    "play_events": "play_history",
    "playlists": "playlists",
    "playlist_entries": "playlists",
    "user_privacy": "privacy_choices",
    "consent_records": "consent_records",
    "export_links": "export_links",
    "app_passwords": "app_passwords",
    "subsonic_salts": "subsonic_sign_ins",
    "bookmarks": "bookmarks",
    "play_queues": "play_queue",
}

LINK_LIFETIME_S = 24 * 3600  # a download link expires a day after it was made
LINK_FORMATS = ("json", "csv")  # the whole document, or the play history as CSV
MAX_LINKS = 10  # live links per user; a new one beyond these replaces the oldest

_TIME = {"type": "integer", "description": "Unix time in seconds"}
_NULL_TIME = {"type": ["integer", "null"], "description": "Unix time in seconds"}
_TEXT = {"type": "string"}
_NULL_TEXT = {"type": ["string", "null"]}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    """Every property present, none added: a change of shape is a new version."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _list(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


SCHEMA_BODY: dict[str, Any] = _object(
    {
        "format": {"const": FORMAT},
        "version": {"const": VERSION},
        "exported_at": _TIME,
        "account": _object(
            {
                "id": _TEXT,
                "name": _TEXT,
                "role": {"enum": ["admin", "user"]},
                "disabled": {"type": "boolean"},
                "max_content_rating": _NULL_TEXT,
                "created_at": _TIME,
                "password_changed_at": _TIME,
            }
        ),
        "devices": _list(
            _object(
                {
                    "id": _TEXT,
                    "kind": {"enum": ["session", "device"]},
                    "label": _NULL_TEXT,
                    "created_at": _TIME,
                    "last_used_at": _TIME,
                    "expires_at": _TIME,
                }
            )
        ),
        "library_grants": _list(_object({"library_id": _TEXT, "library_name": _TEXT})),
        "item_state": _list(
            _object(
                {
                    "item_id": _TEXT,
                    "kind": _TEXT,
                    "position_ms": {"type": "integer", "minimum": 0},
                    "watched": {"type": "boolean"},
                    "play_count": {"type": "integer", "minimum": 0},
                    "last_played_at": _NULL_TIME,
                    "favourite_at": _NULL_TIME,
                    "rating": {"type": ["integer", "null"]},
                    "updated_at": _TIME,
                }
            )
        ),
        "play_history": _list(_object({"item_id": _TEXT, "kind": _TEXT, "played_at": _TIME})),
        "playlists": _list(
            _object(
                {
                    "id": _TEXT,
                    "name": _TEXT,
                    "kind": _TEXT,
                    "comment": _NULL_TEXT,
                    "created_at": _TIME,
                    "updated_at": _TIME,
                    "entries": _list(
                        _object(
                            {
                                "id": _TEXT,
                                "position": {"type": "integer"},
                                "item_id": _TEXT,
                                "added_at": _TIME,
                            }
                        )
                    ),
                }
            )
        ),
        "privacy_choices": _object(
            {
                "pause_history": {"type": "boolean"},
                "history_retention_days": {"type": ["integer", "null"], "minimum": 1},
                "share_now_playing": {"type": "boolean"},
            }
        ),
        "consent_records": _list(
            _object(
                {
                    "scope": _TEXT,
                    "subject_kind": {"const": "user"},
                    "policy_version": {"type": "integer", "minimum": 1},
                    "payload_schema_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "notice_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "given": {"type": "boolean"},
                    "channel": {"enum": ["api", "cli"]},
                    "recorded_at": _TIME,
                }
            )
        ),
        "export_links": _list(
            _object(
                {"format": {"enum": list(LINK_FORMATS)}, "created_at": _TIME, "expires_at": _TIME}
            )
        ),
        "app_passwords": _list(
            _object({"id": _TEXT, "label": _TEXT, "created_at": _TIME, "last_used_at": _NULL_TIME})
        ),
        "subsonic_sign_ins": _list(_object({"seen_at": _TIME})),
        "bookmarks": _list(
            _object(
                {
                    "item_id": _TEXT,
                    "position_ms": {"type": "integer", "minimum": 0},
                    "comment": _NULL_TEXT,
                    "created_at": _TIME,
                    "updated_at": _TIME,
                }
            )
        ),
        "play_queue": {
            "oneOf": [
                {"type": "null"},
                _object(
                    {
                        "item_ids": {"type": "array", "items": _TEXT},
                        "current_item_id": {"type": ["string", "null"]},
                        "position_ms": {"type": "integer", "minimum": 0},
                        "changed_by": _TEXT,
                        "updated_at": _TIME,
                    }
                ),
            ]
        },
    }
)


def json_schema() -> dict[str, Any]:
    """The published JSON Schema of this version of the export."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Parlour: everything kept about one user ({FORMAT} version {VERSION})",
    } | SCHEMA_BODY


def _plain(row: Mapping[str, Any]) -> dict[str, Any]:
    # SQLite gives booleans back as 0/1 through some paths; the schema says boolean.
    return {
        key: bool(value) if key in ("disabled", "watched") else value for key, value in row.items()
    }


def build_export(
    *,
    exported_at: int,
    account: Mapping[str, Any],
    devices: Sequence[Mapping[str, Any]],
    grants: Sequence[Mapping[str, Any]],
    item_state: Sequence[Mapping[str, Any]],
    plays: Sequence[Mapping[str, Any]],
    playlists: Sequence[Mapping[str, Any]],
    pause_history: bool,
    history_retention_days: int | None,
    share_now_playing: bool,
    consents: Sequence[Mapping[str, Any]],
    links: Sequence[Mapping[str, Any]],
    app_passwords: Sequence[Mapping[str, Any]],
    subsonic_salts: Sequence[Mapping[str, Any]],
    bookmarks: Sequence[Mapping[str, Any]],
    play_queue: Mapping[str, Any] | None,
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at,
        "account": _plain(account),
        "devices": [dict(row) for row in devices],
        "library_grants": [dict(row) for row in grants],
        "item_state": [_plain(row) for row in item_state],
        "play_history": [dict(row) for row in plays],
        "playlists": [
            dict(row) | {"entries": [dict(entry) for entry in row["entries"]]} for row in playlists
        ],
        "privacy_choices": {
            "pause_history": pause_history,
            "history_retention_days": history_retention_days,
            "share_now_playing": share_now_playing,
        },
        "consent_records": [dict(record) for record in consents],  # oldest first
        "export_links": [dict(link) for link in links],  # times only: no secret, no hash
        # Labels and times only: never the secret, its ciphertext or its hash.
        "app_passwords": [dict(row) for row in app_passwords],
        # When music apps signed in with a salt in the last day; never the salts.
        "subsonic_sign_ins": [dict(row) for row in subsonic_salts],
        "bookmarks": [dict(row) for row in bookmarks],
        "play_queue": None if play_queue is None else dict(play_queue),
    }


def check_link_format(value: object) -> str:
    """The format a new download link is for; InvalidInputError for any other."""
    if not isinstance(value, str) or value not in LINK_FORMATS:
        raise InvalidInputError("'format' must be one of: " + ", ".join(LINK_FORMATS))
    return value


HISTORY_CSV_COLUMNS = ("played_at_utc", "played_at", "item_id", "kind")


def history_csv(plays: Sequence[Mapping[str, Any]]) -> str:
    """The play history as CSV (RFC 4180), oldest first. Every field is a time, a hex id
    or a kind name, so no cell can start a spreadsheet formula."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HISTORY_CSV_COLUMNS)
    for play in plays:
        when = datetime.fromtimestamp(play["played_at"], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        writer.writerow((when, play["played_at"], play["item_id"], play["kind"]))
    return out.getvalue()
