"""Operations: consent to usage reports, the caller's own and the instance's."""

from parlour.frontends.web.openapi.build import Operation, json_content, op
from parlour.frontends.web.openapi.schemas import TEXT, TIME, Schema, nullable, obj
from parlour.privacy.consent import CHANNELS
from parlour.privacy.policy import CURRENT, SubjectKind

_HASH: Schema = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_RECORD = obj(
    {
        "scope": TEXT,
        "subject_kind": {"enum": [kind.value for kind in SubjectKind]},
        "policy_version": {"type": "integer", "minimum": 1},
        "payload_schema_hash": {**_HASH, "description": "sha256 of the scope's fields"},
        "notice_hash": {**_HASH, "description": "sha256 of the notice shown"},
        "given": {"type": "boolean", "description": "false: declined or withdrawn"},
        "channel": {"enum": list(CHANNELS)},
        "recorded_at": TIME,
    }
)
_SCOPE = obj(
    {
        "scope": TEXT,
        "notice": {**TEXT, "description": "The text the person deciding reads"},
        "fields": {"type": "array", "items": TEXT, "description": "Exactly what it collects"},
        "given": {"type": "boolean", "description": "Consent counts now (current terms)"},
        "pending": {"type": "boolean", "description": "Never answered, or under older terms"},
        "last_decision": {"oneOf": [_RECORD, {"type": "null"}]},
    }
)
_STATE = obj(
    {
        "policy_version": {"type": "integer", "minimum": 1},
        "prompt_version": nullable(
            "integer", description="The version to ask about; null: nothing to ask"
        ),
        "child_profile": {
            "type": "boolean",
            "description": "A profile limited to a content rating: never asked (P-17)",
        },
        "pending": {"type": "array", "items": TEXT},
        "scopes": {"type": "array", "items": _SCOPE},
        "records": {"type": "array", "items": _RECORD, "description": "Every answer, oldest first"},
    }
)


_INSTANCE_STATE: Schema = {
    **_STATE,
    "properties": {
        **_STATE["properties"],
        "deletion_request": {
            "oneOf": [
                obj({"sent": {"type": "boolean"}, "detail": nullable("string")}),
                {"type": "null"},
            ],
            "description": "The receiver's answer when a withdrawal asked it to delete",
        },
    },
}


def _decision(subject: SubjectKind) -> dict[str, object]:
    names = [scope.name for scope in CURRENT.of(subject)]
    extra: dict[str, Schema] = {}
    if subject is SubjectKind.INSTANCE:
        extra["request_deletion"] = {
            "type": "boolean",
            "description": "On withdrawal, also ask the receiver to delete what it got",
        }
    one: Schema = {
        "type": "object",
        "properties": {
            "scope": {"type": "string", "enum": names},
            "given": {"type": "boolean", "description": "false withdraws (or declines)"},
            **extra,
        },
        "required": ["scope", "given"],
    }
    every: Schema = {
        "type": "object",
        "properties": {
            "scope": {"const": "all", "description": "Every scope, in one action"},
            "given": {"const": False},
            **extra,
        },
        "required": ["scope", "given"],
    }
    return {"required": True, "content": json_content({"oneOf": [one, every]})}


def operations() -> dict[str, dict[str, Operation]]:
    tag = "Consent"
    return {
        "/api/v1/me/consents": {
            "get": op(
                "The usage-report scopes the caller decides, with notice, fields and state",
                tag,
                answer=_STATE,
            ),
            "post": op(
                "Give or withdraw the caller's own consent to one scope",
                tag,
                answer=_STATE,
                request=_decision(SubjectKind.USER),
                description=(
                    "Appends a record; withdrawing is the same call with `given: false`,"
                    " and empties the usage-report outbox."
                    " Instance scopes and unknown scopes are 400; a child profile (one with"
                    " a maximum content rating) cannot give consent: 403."
                ),
            ),
        },
        "/api/v1/admin/consents": {
            "get": op(
                "The instance's usage-report scopes, their state and every record",
                tag,
                answer=_STATE,
            ),
            "post": op(
                "Give or withdraw the instance's consent to one scope (admins only)",
                tag,
                answer=_INSTANCE_STATE,
                request=_decision(SubjectKind.INSTANCE),
                description=(
                    "Instance scopes carry no personal data. Personal scopes are 400:"
                    " an admin can never decide them for a user. A withdrawal empties the"
                    " outbox and deletes the install id."
                ),
            ),
        },
    }
