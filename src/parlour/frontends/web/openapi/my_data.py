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
_SHARE: Schema = {
    "type": "boolean",
    "description": "Whether music apps may show other users what you are playing now",
}
_PRIVACY = obj(
    {
        "pause_history": {"type": "boolean"},
        "history_retention_days": _RETENTION,
        "updated_at": nullable("integer", description="Unix time in seconds"),
        "share_now_playing": _SHARE,
        "admin_can_see": {"type": "string", "description": "What an admin can see of you"},
    }
)


_FORMAT: Schema = {
    "type": "string",
    "enum": list(export.LINK_FORMATS),
    "description": "`json`: the whole export document; `csv`: the play history as CSV",
}
_LINK = obj(
    {
        "url": {
            "type": "string",
            "description": "Path (on this server) that downloads the export once, without"
            " signing in; the secret in it is the only credential, so treat it as one",
        },
        "expires_at": {"type": "integer", "description": "Unix time in seconds"},
        "format": _FORMAT,
    }
)
_SECRET = {
    "name": "secret",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$", "maxLength": 200},
    "description": "The secret from the `url` a POST to /api/v1/me/export/links answered",
}


def _download() -> Operation:
    download = op(
        "Download an export through a single-use link (no sign-in)",
        "My data",
        answer=export.SCHEMA_BODY,
        params=(_SECRET,),
        errors=(404,),
        public=True,
        description=(
            "The secret in the path is the credential: no bearer token or cookie is needed,"
            " so a browser or `curl` can fetch it. The first GET uses the link up and answers"
            " the document (JSON, or the history as CSV, as the link was made for) as an"
            " attachment with `Cache-Control: no-store`. Every later GET, a link older than"
            " 24 hours, one revoked (password change, account disabled or deleted, `devices`"
            " erased) and one that never existed all answer 404 alike. HEAD answers 405"
            " and leaves the link unused."
        ),
    )
    download["responses"]["200"]["content"]["text/csv"] = {"schema": {"type": "string"}}
    return download


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
                    " device and removes every export link; the one making the request stays"
                    " signed in."
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
        "/api/v1/me/export/links": {
            "post": op(
                "A link that downloads the caller's export once, within 24 hours",
                tag,
                status=201,
                answer=_LINK,
                request=body({"format": _FORMAT}, []),
                description=(
                    "The link works once, for anyone who has it, without signing in; only a"
                    " keyed hash of its secret is kept. It dies after 24 hours, after one"
                    " use, when the password changes, the account is disabled or deleted,"
                    f" or `devices` is erased. A user keeps at most {export.MAX_LINKS} links:"
                    " a new one beyond those replaces the oldest."
                ),
            ),
        },
        "/api/v1/export/{secret}": {"get": _download()},
        "/api/v1/me/history": {
            "delete": op("Erase the caller's play history and play counts", tag, answer=_ERASED),
        },
        "/api/v1/me/privacy": {
            "get": op(
                "The caller's history choices, and what an admin can see", tag, answer=_PRIVACY
            ),
            "put": op(
                "Pause or resume history; set how many days of it to keep; show others what"
                " you are playing (left as it is when not given)",
                tag,
                answer=_PRIVACY,
                request=body(
                    {
                        "pause_history": {"type": "boolean"},
                        "history_retention_days": _RETENTION,
                        "share_now_playing": _SHARE,
                    },
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
