"""Operations: the caller's app passwords for music apps (Subsonic)."""

from parlour.frontends.web.openapi.build import Operation, body, op
from parlour.frontends.web.openapi.schemas import ID, NULL_TIME, TIME, Schema, name_text, obj
from parlour.services.app_passwords import MAX_LABEL, MAX_PER_USER, SECRET_LENGTH

_APP_PASSWORD: dict[str, Schema] = {
    "id": ID,
    "label": {"type": "string", "minLength": 1, "maxLength": MAX_LABEL},
    "created_at": TIME,
    "last_used_at": NULL_TIME | {"description": "Unix time in seconds; null: never used"},
}
_LISTED = obj(_APP_PASSWORD)
_MADE = obj(
    _APP_PASSWORD
    | {
        "password": {
            "type": "string",
            "pattern": f"^[a-z2-7]{{{SECRET_LENGTH}}}$",
            "description": "The app password: in this answer only, never shown again",
        },
        "username": {"type": "string", "description": "The user name a music app signs in with"},
    }
)


def operations() -> dict[str, dict[str, Operation]]:
    tag = "App passwords"
    return {
        "/api/v1/me/app-passwords": {
            "get": op(
                "The caller's app passwords for music apps: label and times, never the password",
                tag,
                answer={"type": "array", "items": _LISTED},
            ),
            "post": op(
                "Make an app password for a music app (Subsonic); the answer shows it once",
                tag,
                status=201,
                answer=_MADE,
                request=body(
                    {"label": name_text(MAX_LABEL) | {"description": "Which app or device"}},
                    ["label"],
                ),
                errors=(409,),
                description=(
                    "Music apps sign in with the user name and this password (Subsonic `p`,"
                    " `t`+`s`) or with it alone as an OpenSubsonic `apiKey`; the account"
                    " password never works there. It is stored encrypted and cannot be shown"
                    f" again. At most {MAX_PER_USER} per user (409 beyond)."
                ),
            ),
        },
        "/api/v1/me/app-passwords/{app_password_id}": {
            "delete": op(
                "Revoke one of the caller's app passwords: it stops working at once",
                tag,
                status=204,
            ),
        },
    }
