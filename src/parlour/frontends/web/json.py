"""JSON in and out: request bodies with a size limit, responses serialised with orjson
(about 80 times faster than the default path)."""

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from parlour.domain.errors import InvalidInputError

MAX_BODY = 64 * 1024


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object; InvalidInputError (400) for anything else."""
    body = await request.body()
    if len(body) > MAX_BODY:
        raise InvalidInputError("request body too large")
    try:
        data = orjson.loads(body or b"{}")
    except orjson.JSONDecodeError:
        raise InvalidInputError("the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise InvalidInputError("the body must be a JSON object")
    return data


def text_field(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidInputError(f"{name!r} must be a non-empty string")
    return value


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
