"""Operations: the outbound features, their state and refused attempts."""

from parlour.frontends.web.openapi.build import Operation, op
from parlour.frontends.web.openapi.schemas import COUNT, TEXT, Schema, obj

_NAMES: Schema = {"type": "array", "items": TEXT}
_COUNTS: Schema = {"type": "object", "additionalProperties": COUNT}

OUTBOUND_REPORT = obj(
    {
        "offline": {"type": "boolean", "description": "The master switch; it wins over all"},
        "features": {
            "type": "array",
            "items": obj(
                {
                    "name": TEXT,
                    "description": TEXT,
                    "state": {"enum": ["enabled", "disabled", "not available yet"]},
                    "offline_blocks": {"type": "boolean"},
                    "active": {"type": "boolean", "description": "May reach its hosts now"},
                    "hosts": _NAMES,
                    "fields": {**_NAMES, "description": "Exactly what it sends"},
                    "refused": COUNT,
                }
            ),
        },
        "refused": obj(
            {
                "total": COUNT,
                "by_destination": {**_COUNTS, "description": "Keyed by host:port"},
                "by_feature": {
                    **_COUNTS,
                    "description": "Keyed by the feature declaring the host, or `undeclared`",
                },
            }
        ),
    }
)


def operations() -> dict[str, dict[str, Operation]]:
    return {
        "/api/v1/admin/privacy/outbound": {
            "get": op(
                "Every outbound feature, and the attempts the outbound gate refused",
                "Admin",
                answer=OUTBOUND_REPORT,
                description=(
                    "Each feature's state, hosts and the exact fields it sends; the refused"
                    " counts are this server process's since it started."
                ),
            ),
        },
    }
