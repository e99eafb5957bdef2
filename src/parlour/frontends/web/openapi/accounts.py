"""Operations: signing in, the caller, libraries, first-run setup."""

from parlour.frontends.web.openapi.build import (
    Operation,
    body,
    op,
)
from parlour.frontends.web.openapi.schemas import Schema, ref

# -- signing in, the viewer, libraries ------------------------------------------------------

_SIGN_IN_OPTIONS: dict[str, Schema] = {
    "device": {
        "type": "string",
        "minLength": 1,
        "maxLength": 100,
        "description": "Name a long-lived device token instead of a session",
    },
    "cookie": {"type": "boolean", "description": "Browser mode: an HttpOnly session cookie"},
    "remember": {"type": "boolean", "description": "Keep the cookie across browser restarts"},
}


def operations() -> dict[str, dict[str, Operation]]:
    tag = "Accounts"
    text = {"type": "string", "minLength": 1}
    return {
        "/healthz": {
            "get": op(
                "Liveness: no details",
                "Server",
                public=True,
                answer={
                    "type": "object",
                    "properties": {"status": {"const": "ok"}},
                    "required": ["status"],
                },
            ),
        },
        "/api/v1/openapi.json": {
            "get": op(
                "This document",
                "Server",
                public=True,
                answer={"type": "object", "required": ["openapi", "paths"]},
            ),
        },
        "/api/v1/auth/login": {
            "post": op(
                "Sign in with a user name and password",
                tag,
                public=True,
                answer=ref("SignedIn"),
                request=body(
                    {"username": text, "password": text} | _SIGN_IN_OPTIONS,
                    ["username", "password"],
                ),
                errors=(401, 429),
                description=(
                    "An unknown user and a wrong password get the same answer. Failures are"
                    " limited per account and source address (429 with Retry-After)."
                ),
            ),
        },
        "/api/v1/setup": {
            "get": op(
                "Whether the first-run setup is open",
                tag,
                public=True,
                answer={
                    "type": "object",
                    "properties": {"needed": {"type": "boolean"}},
                    "required": ["needed"],
                },
            ),
            "post": op(
                "Claim a new server: create the first admin with the console's one-time code",
                tag,
                public=True,
                answer=ref("SignedIn"),
                request=body(
                    {"code": text, "username": text, "password": text} | _SIGN_IN_OPTIONS,
                    ["code", "username", "password"],
                ),
                errors=(403, 404, 409, 429),
            ),
        },
        "/api/v1/auth/logout": {"post": op("Sign out this token", tag, status=204)},
        "/api/v1/me": {"get": op("Who the caller is", tag, answer=ref("Me"))},
        "/api/v1/me/tokens": {
            "get": op(
                "The caller's sessions and device tokens",
                tag,
                answer={"type": "array", "items": ref("Token")},
            ),
        },
        "/api/v1/me/tokens/{token_id}": {
            "delete": op("Revoke one of the caller's tokens", tag, status=204),
        },
        "/api/v1/libraries": {
            "get": op(
                "The libraries the caller may see, with their counts",
                "Libraries",
                answer={"type": "array", "items": ref("Library")},
            ),
        },
    }
