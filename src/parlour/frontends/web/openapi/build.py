"""Helpers that build the document's operations: error answers, parameters, bodies."""

import re
from typing import Any

from parlour.frontends.web.openapi.schemas import Schema, ref

Operation = dict[str, Any]

PROBLEM = {"application/problem+json": {"schema": ref("Problem")}}
REASONS = {
    400: "The request is malformed or a value is out of range",
    401: "Not signed in, or the token is invalid, expired or revoked",
    403: "Signed in, but not allowed (an admin-only route, or a missing CSRF token)",
    404: "No such thing, or it lies in a library the viewer may not see",
    409: "The request clashes with the current state",
    421: "The Host header is not one this server answers to",
    429: "Too many attempts; see Retry-After",
    503: "Busy; see Retry-After",
}


def json_content(schema: Schema) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def query(name: str, schema: Schema, description: str, *, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema,
        "description": description,
    }


MAX_QUERY_NUMBER = 999_999_999  # query numbers are at most nine digits (params.query_int)


def limit(default: int, maximum: int = 500) -> dict[str, Any]:
    schema = {"type": "integer", "minimum": 1, "maximum": maximum, "default": default}
    return query("limit", schema, "How many to return")


OFFSET = query(
    "offset",
    {"type": "integer", "minimum": 0, "maximum": MAX_QUERY_NUMBER, "default": 0},
    "How many to skip",
)


def body(properties: dict[str, Schema], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, "required": required}
    return {"required": bool(required), "content": json_content(schema)}


def op(
    summary: str,
    tag: str,
    *,
    status: int = 200,
    answer: Schema | None = None,
    params: tuple[dict[str, Any], ...] = (),
    request: dict[str, Any] | None = None,
    errors: tuple[int, ...] = (),
    public: bool = False,
    media_type: str = "application/json",
    description: str | None = None,
) -> Operation:
    """One operation; the error answers every route can give are added here."""
    codes = set(errors) | {421}
    if not public:
        codes |= {401, 403}
    if params or request:
        codes.add(400)
    ok: dict[str, Any] = {"description": "OK" if status != 204 else "Done, nothing to return"}
    if answer is not None:
        ok["content"] = {media_type: {"schema": answer}}
    operation: Operation = {
        "summary": summary,
        "tags": [tag],
        "parameters": list(params),
        "responses": {str(status): ok}
        | {str(code): {"description": REASONS[code], "content": PROBLEM} for code in sorted(codes)},
    }
    if request is not None:
        operation["requestBody"] = request
    if description:
        operation["description"] = description
    if public:
        operation["security"] = []
    return operation


def with_path_parameters(path: str, operations: dict[str, Operation]) -> dict[str, Operation]:
    names = re.findall(r"{(\w+)}", path)
    for operation in operations.values():
        described = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
        operation["parameters"] = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in names
            if name not in described
        ] + operation["parameters"]
        if names:
            operation["responses"].setdefault(
                "404", {"description": REASONS[404], "content": PROBLEM}
            )
    return operations
