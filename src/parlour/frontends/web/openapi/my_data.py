"""Operations: the caller's own data: inventory, export, erase, pause history."""

from typing import Any

from parlour.frontends.web.openapi.build import Operation, body, op
from parlour.frontends.web.openapi.schemas import Schema, nullable, obj
from parlour.privacy import export
from parlour.privacy.erase import ERASABLE
from parlour.privacy.retention import MAX_RETENTION_DAYS

_TEXT: Schema = {"type": "string"}
_CATEGORY = obj(
    {
        "category": _TEXT,
        "title": _TEXT,
        "what": _TEXT,
        "why": _TEXT,
        "retention": _TEXT,
        "stored_in": {"type": "array", "items": _TEXT},
        "elsewhere": nullable("string"),
    },
    {"rows": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}},
)
_INVENTORY = obj(
    {"categories": {"type": "array", "items": _CATEGORY}},
    {"unclassified_tables": {"type": "array", "items": _TEXT}},
)
_RECORD = obj(
    {
        "controller": _TEXT,
        "purpose": _TEXT,
        "categories": {"type": "array", "items": {"type": "object"}},
        "recipients": _TEXT,
        "unclassified_tables": {"type": "array", "items": _TEXT},
    }
)
_ERASED = obj(
    {
        "category": {"type": "string", "enum": [c.value for c in ERASABLE]},
        "erased": _TEXT,
        "rows": {"type": "integer", "minimum": 0},
        "log_truncated": {"type": "boolean"},
    }
)
_RETENTION: Schema = {
    "type": ["integer", "null"],
    "minimum": 1,
    "maximum": MAX_RETENTION_DAYS,
    "description": "Days of history to keep; null keeps it until erased",
}
_PRIVACY = obj(
    {
        "pause_history": {"type": "boolean"},
        "history_retention_days": _RETENTION,
        "updated_at": nullable("integer", description="Unix time in seconds"),
        "admin_can_see": {"type": "string", "description": "What an admin can see of you"},
    }
)


def _category_parameter() -> dict[str, Any]:
    return {
        "name": "category",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": [c.value for c in ERASABLE]},
        "description": "; ".join(f"`{c.value}`: {what}" for c, what in ERASABLE.items()),
    }


def operations() -> dict[str, dict[str, Operation]]:
    tag = "My data"
    return {
        "/api/v1/me/data": {
            "get": op(
                "Everything kept about the caller, by category: what, why, how long",
                tag,
                answer=_INVENTORY,
            ),
        },
        "/api/v1/me/data/{category}": {
            "delete": op(
                "Erase one category of the caller's data now",
                tag,
                answer=_ERASED,
                params=(_category_parameter(),),
                description=(
                    "Synchronous: the rows are overwritten and the write-ahead log truncated"
                    " before the answer. Erasing `devices` signs out every other session and"
                    " device; the one making the request stays signed in."
                ),
            ),
        },
        "/api/v1/me/export": {
            "get": op(
                "Everything kept about the caller as one versioned JSON document",
                tag,
                answer=export.SCHEMA_BODY,
            ),
        },
        "/api/v1/me/export/history.csv": {
            "get": op(
                "The caller's play history as CSV",
                tag,
                answer={"type": "string"},
                media_type="text/csv",
            ),
        },
        "/api/v1/me/history": {
            "delete": op("Erase the caller's play history and play counts", tag, answer=_ERASED),
        },
        "/api/v1/me/privacy": {
            "get": op(
                "The caller's history choices, and what an admin can see", tag, answer=_PRIVACY
            ),
            "put": op(
                "Pause or resume history; set how many days of it to keep",
                tag,
                answer=_PRIVACY,
                request=body(
                    {"pause_history": {"type": "boolean"}, "history_retention_days": _RETENTION},
                    ["pause_history", "history_retention_days"],
                ),
            ),
        },
        "/api/v1/me": {
            "delete": op(
                "Delete the caller's account and everything kept about them",
                tag,
                status=204,
                request=body({"password": {"type": "string", "minLength": 1}}, ["password"]),
                errors=(409, 429),
                description=(
                    "Needs the account's password again (a wrong one is 403 and counts"
                    " towards the sign-in limit). The only admin cannot leave: 409."
                ),
            ),
        },
        "/api/v1/admin/privacy/record": {
            "get": op(
                "The processing record of this server (GDPR Art. 30 style)",
                tag,
                answer=_RECORD,
            ),
        },
    }
