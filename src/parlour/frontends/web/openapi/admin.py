"""Operations under /api/v1/admin."""

from parlour.domain.ratings import SPELLINGS
from parlour.frontends.web.openapi.build import (
    Operation,
    body,
    op,
)
from parlour.frontends.web.openapi.schemas import TEXT, name_text, obj, ref

# -- admin -------------------------------------------------------------------------------


def operations() -> dict[str, dict[str, Operation]]:
    tag = "Admin"
    user = ref("UserDetail")
    scan = body({"full": {"type": "boolean", "description": "Read every file again"}}, [])
    return {
        "/api/v1/admin/users": {
            "get": op("Every user", tag, answer={"type": "array", "items": user}),
            "post": op(
                "Create a user (sees no library until granted)",
                tag,
                status=201,
                answer=user,
                request=body(
                    {
                        "name": name_text(100),
                        "password": {"type": "string", "minLength": 8},
                        "admin": {"type": "boolean"},
                    },
                    ["name", "password"],
                ),
                errors=(409,),
            ),
        },
        "/api/v1/admin/users/{user_id}/grants": {
            "put": op(
                "Set exactly which libraries a user may see, and their highest content rating",
                tag,
                answer=user,
                request=body(
                    {
                        "libraries": {"type": "array", "items": {"type": "string"}},
                        "max_content_rating": {
                            "enum": [*sorted(SPELLINGS), None],
                            "description": "A US, US TV, UK or German FSK rating, or an age",
                        },
                    },
                    ["libraries"],
                ),
            ),
        },
        "/api/v1/admin/users/{user_id}/password": {
            "put": op(
                "Set a user's password (signs them out everywhere)",
                tag,
                status=204,
                request=body({"password": {"type": "string", "minLength": 8}}, ["password"]),
            ),
        },
        "/api/v1/admin/users/{user_id}/disable": {
            "post": op("Disable a user and revoke their tokens", tag, status=204),
        },
        "/api/v1/admin/users/{user_id}/enable": {
            "post": op("Enable a user again", tag, status=204),
        },
        "/api/v1/admin/sessions": {
            "get": op(
                "Every user's live sign-ins (browser sessions and device tokens)",
                tag,
                answer={"type": "array", "items": ref("SignIn")},
                description=(
                    "Last used first. What each sign-in record holds and no more: no token,"
                    " no hash and no address (none is ever stored). `current` marks the"
                    " caller's own."
                ),
            ),
        },
        "/api/v1/admin/sessions/{session_id}": {
            "delete": op(
                "Sign one sign-in of any user out; its token stops working at once",
                tag,
                status=204,
                description="The caller's own current one too: the caller is then signed out.",
            ),
        },
        "/api/v1/admin/libraries": {
            "post": op(
                "Add a library (a folder on the server)",
                tag,
                status=201,
                answer=ref("Library"),
                request=body(
                    {
                        "kind": {
                            "type": "string",
                            "enum": ["music", "movies", "shows", "photos", "videos"],
                        },
                        "path": {"type": "string", "minLength": 1},
                        "name": {"type": "string"},
                    },
                    ["kind", "path"],
                ),
                errors=(409,),
            ),
        },
        "/api/v1/admin/libraries/{library_id}": {
            "delete": op(
                "Remove a library from the catalogue (files are not touched)",
                tag,
                status=204,
                errors=(409,),
            ),
        },
        "/api/v1/admin/libraries/{library_id}/failures": {
            "get": op(
                "The files of a library that could not be read, each with its reason",
                tag,
                answer={"type": "array", "items": obj({"path": TEXT, "reason": TEXT})},
                description=(
                    "Every file the scans recorded as failed and not yet fixed, by path;"
                    " a path's bytes that are not UTF-8 show as U+FFFD."
                ),
            ),
        },
        "/api/v1/admin/libraries/{library_id}/photo-locations": {
            "get": op(
                "Whether a photos library shows its photos' GPS positions",
                tag,
                answer=ref("PhotoLocations"),
                errors=(409,),
            ),
            "put": op(
                "Show or hide a photos library's photo locations to those who may see it"
                " (hidden by default)",
                tag,
                answer=ref("PhotoLocations"),
                request=body({"show_locations": {"type": "boolean"}}, ["show_locations"]),
                errors=(409,),
            ),
        },
        "/api/v1/admin/libraries/{library_id}/scan": {
            "post": op(
                "Scan one library in the background",
                tag,
                status=202,
                answer=ref("ScanStatus"),
                request=scan,
                errors=(409,),
            ),
        },
        "/api/v1/admin/scan": {
            "get": op("The current or last scan", tag, answer=ref("ScanStatus")),
            "post": op(
                "Scan every library in the background",
                tag,
                status=202,
                answer=ref("ScanStatus"),
                request=scan,
                errors=(409,),
            ),
        },
        "/api/v1/admin/scan/events": {
            "get": op(
                "Scan progress as Server-Sent Events",
                tag,
                answer={"type": "string"},
                media_type="text/event-stream",
                description=(
                    "Events `status` (at once), `progress`, `finished`; a comment every 15 s"
                    " keeps proxies from closing the stream. Each event's data is a"
                    " ScanStatus object as JSON."
                ),
            ),
        },
        "/api/v1/admin/server": {"get": op("Server facts", tag, answer=ref("ServerInfo"))},
    }
