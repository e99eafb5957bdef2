"""The OpenAPI 3.1 document for /api/v1, written by hand next to the routes.

Hand-written because the routes are plain Starlette endpoints answering ready-made JSON
(DESIGN.md: orjson responses, no framework serialisation). Two tests keep it honest: one
compares its operations with the registered routes, and a bounded schemathesis run
checks live answers against it (no 5xx, no response outside the schema).
"""

from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from parlour import __version__
from parlour.frontends.web.json import JSONResponse
from parlour.frontends.web.openapi import (
    accounts,
    activity,
    admin,
    app_passwords,
    browse,
    consent,
    delivery,
    dlna,
    my_data,
    outbound,
    playback,
    usage_reports,
)
from parlour.frontends.web.openapi.build import Operation, with_path_parameters
from parlour.frontends.web.openapi.schemas import SCHEMAS


def _paths() -> dict[str, dict[str, Operation]]:
    found: dict[str, dict[str, Operation]] = {}
    areas = (accounts, browse, activity, playback, delivery, admin, outbound, my_data, consent)
    for area in (*areas, usage_reports, app_passwords, dlna):
        for path, operations in area.operations().items():
            found.setdefault(path, {}).update(with_path_parameters(path, operations))
    return found


@cache
def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Parlour",
            "version": __version__,
            "description": (
                "The REST API of a Parlour media server. Sign in with POST /api/v1/auth/login"
                " and send the token as `Authorization: Bearer TOKEN`. Errors are RFC 9457"
                " problem+json. A user only ever sees the libraries granted to them; an id"
                " from elsewhere answers 404."
            ),
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": "/"}],
        "paths": _paths(),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "parlour_session"},
            },
        },
        "security": [{"bearer": []}, {"session": []}],
    }


async def openapi_json(_request: Request) -> Response:
    return JSONResponse(document())
