"""Operations: usage reports, the admin's view and "send now", and a person's own entry."""

from parlour.frontends.web.openapi.build import Operation, op
from parlour.frontends.web.openapi.schemas import TEXT, TIME, Schema, nullable, obj
from parlour.privacy.policy import CURRENT, SubjectKind

_BODY: Schema = {
    "type": "string",
    "description": "The exact bytes (canonical ASCII JSON) that are or would be sent",
}
_COUNT: Schema = {"type": "integer", "minimum": 0}
_QUEUED = obj(
    {
        "id": {"type": "integer"},
        "created_at": TIME,
        "attempts": _COUNT,
        "next_attempt_at": TIME,
        "last_error": nullable("string"),
        "body": _BODY,
    }
)
_STATE = obj(
    {
        "active": {"type": "boolean", "description": "Reports can leave (feature on, online)"},
        "blocked_because": {"type": "array", "items": TEXT},
        "endpoint": nullable("string"),
        "install_id": nullable(
            "string", description="Made at the first consented report; gone on withdrawal"
        ),
        "last_report_at": nullable("integer"),
        "reports_sent": _COUNT,
        "every_s": {"type": "integer", "minimum": 1},
        "included_scopes": {"type": "array", "items": TEXT},
        "personal_entries": _COUNT,
        "next_report": {
            "oneOf": [_BODY, {"type": "null"}],
            "description": "The next report's bytes; null: no consent counts, nothing is sent",
        },
        "preview_by_scope": obj({scope.name: _BODY for scope in CURRENT.of(SubjectKind.INSTANCE)}),
        "outbox": {"type": "array", "items": _QUEUED},
    }
)
_SENT = obj(
    {
        "made": _COUNT,
        "sent": _COUNT,
        "failed": _COUNT,
        "dropped": _COUNT,
        "blocked_because": {"type": "array", "items": TEXT},
    }
)
_MINE = obj(
    {
        "reports_active": {"type": "boolean"},
        "included": {"type": "boolean", "description": "My consent counts: my entry is sent"},
        "preview": {**_BODY, "description": "My entry, exactly as a report carries it"},
    }
)


def operations() -> dict[str, dict[str, Operation]]:
    tag = "Usage reports"
    return {
        "/api/v1/admin/usage-reports": {
            "get": op(
                "Where usage reports go, the next report's exact bytes, each scope's"
                " report on its own, and the outbox (admins only)",
                tag,
                answer=_STATE,
                description=(
                    "Made by the same function that makes the body sent. Before the first"
                    " report there is no install id: previews carry null where that report"
                    " will carry the new id."
                ),
            ),
        },
        "/api/v1/admin/usage-reports/send": {
            "post": op(
                "Make a report now if any consent counts, and send what is due (admins only)",
                tag,
                answer=_SENT,
            ),
        },
        "/api/v1/me/usage-report": {
            "get": op(
                "My own usage-report entry, exactly as a report would carry it",
                tag,
                answer=_MINE,
            ),
        },
    }
