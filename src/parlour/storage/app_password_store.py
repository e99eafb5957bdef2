"""App passwords for music apps and the Subsonic salts seen recently (services.app_passwords).

Rows hold the secret only encrypted and as a keyed hash; this module never sees it in
clear. Reads of credentials go only to the service that checks them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, String, bindparam, delete, exists, func, insert, select, update

from parlour.domain.accounts import Role, Viewer
from parlour.storage import schema as s


@dataclass(frozen=True, slots=True)
class AppPasswordInfo:
    """What the owner sees of an app password: never the secret, its hash or nonce."""

    id: str
    label: str
    created_at: int
    last_used_at: int | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "created_at": self.created_at,
            "last_used_at": self.last_used_at,
        }


@dataclass(frozen=True, slots=True)
class SealedAppPassword:
    """One app password as stored, for checking a credential against it."""

    id: str
    user_id: str
    secret_hash: str
    nonce: bytes
    ciphertext: bytes
    last_used_at: int | None


def add(
    conn: Connection,
    row_id: str,
    user_id: str,
    label: str,
    secret_hash: str,
    nonce: bytes,
    ciphertext: bytes,
    now: int,
) -> None:
    conn.execute(
        insert(s.app_passwords).values(
            id=row_id,
            user_id=user_id,
            label=label,
            secret_hash=secret_hash,
            nonce=nonce,
            ciphertext=ciphertext,
            created_at=now,
            last_used_at=None,
        )
    )


def count_of(conn: Connection, user_id: str) -> int:
    a = s.app_passwords.c
    return int(conn.execute(select(func.count()).where(a.user_id == user_id)).scalar_one())


def list_of(conn: Connection, user_id: str) -> list[AppPasswordInfo]:
    """The user's app passwords, oldest first."""
    a = s.app_passwords.c
    rows = conn.execute(
        select(a.id, a.label, a.created_at, a.last_used_at)
        .where(a.user_id == user_id)
        .order_by(a.created_at, a.id)
    ).all()
    return [AppPasswordInfo(row.id, row.label, row.created_at, row.last_used_at) for row in rows]


_SEALED = (
    s.app_passwords.c.id,
    s.app_passwords.c.user_id,
    s.app_passwords.c.secret_hash,
    s.app_passwords.c.nonce,
    s.app_passwords.c.ciphertext,
    s.app_passwords.c.last_used_at,
)


def sealed_of(conn: Connection, user_id: str) -> list[SealedAppPassword]:
    """Every app password of the user, sealed, in a fixed order."""
    a = s.app_passwords.c
    rows = conn.execute(select(*_SEALED).where(a.user_id == user_id).order_by(a.id)).all()
    return [SealedAppPassword(*row) for row in rows]


def sealed_by_hash(conn: Connection, secret_hash: str) -> SealedAppPassword | None:
    """The app password with this keyed hash (an OpenSubsonic apiKey), if any."""
    row = conn.execute(select(*_SEALED).where(s.app_passwords.c.secret_hash == secret_hash)).first()
    return None if row is None else SealedAppPassword(*row)


def touch(conn: Connection, row_id: str, now: int) -> None:
    conn.execute(
        update(s.app_passwords).where(s.app_passwords.c.id == row_id).values(last_used_at=now)
    )


def delete_one(conn: Connection, row_id: str, user_id: str) -> bool:
    """Delete one of the user's app passwords; another user's id is simply not found."""
    a = s.app_passwords.c
    query = delete(s.app_passwords).where(a.id == row_id, a.user_id == user_id)
    return conn.execute(query).rowcount > 0


def delete_of(conn: Connection, user_id: str) -> int:
    """Every app password of the user, and the salts their apps signed in with."""
    removed = conn.execute(
        delete(s.app_passwords).where(s.app_passwords.c.user_id == user_id)
    ).rowcount
    removed += conn.execute(
        delete(s.subsonic_salts).where(s.subsonic_salts.c.user_id == user_id)
    ).rowcount
    return int(removed)


def viewer_of(conn: Connection, user_id: str) -> Viewer | None:
    """The viewer an app password of this user stands for; None if the user is gone or
    disabled. Scoped to what music apps do (AU-11: read, stream, scrobble): an admin's
    app password is a plain user's that sees every library, so that no admin-only service
    call accepts it."""
    u = s.users.c
    row = conn.execute(
        select(u.id, u.name, u.role, u.disabled, u.max_content_rating).where(u.id == user_id)
    ).first()
    if row is None or row.disabled:
        return None
    if Role(row.role) is Role.ADMIN:
        libraries = select(s.libraries.c.id)
    else:
        g = s.library_grants.c
        libraries = select(g.library_id).where(g.user_id == user_id)
    ids = frozenset(str(lib) for lib in conn.execute(libraries).scalars())
    return Viewer(row.id, row.name, Role.USER, ids, row.max_content_rating)


# -- salts ---------------------------------------------------------------------------------


# Built once, with bound parameters: a music app signs in with a new salt on every
# request, so the check runs on each one; salts are recorded in batches.
_SALTS = s.subsonic_salts.c
_SALT_SEEN = select(_SALTS.seen_at).where(
    _SALTS.user_id == bindparam("user", type_=String),
    _SALTS.salt_hash == bindparam("salt", type_=String),
    _SALTS.seen_at > bindparam("since"),
)


def salt_seen(conn: Connection, user_id: str, salt_hash: str, since: int) -> bool:
    """Whether the user signed in with this salt after ``since`` (unix seconds)."""
    values = {"user": user_id, "salt": salt_hash, "since": since}
    return conn.execute(_SALT_SEEN, values).first() is not None


@dataclass(frozen=True, slots=True)
class SeenSalt:
    app_password_id: str  # the app password that signed in with it
    user_id: str
    salt_hash: str
    seen_at: int


_A = s.app_passwords.c
_STILL_THERE = exists().where(_A.id == bindparam("app_password"), _A.user_id == bindparam("user"))
_SEEN_AGAIN = (
    update(s.subsonic_salts)
    .where(
        _SALTS.user_id == bindparam("user"),
        _SALTS.salt_hash == bindparam("salt"),
        _STILL_THERE,
    )
    .values(seen_at=bindparam("now"))
)
_SEEN_FIRST = insert(s.subsonic_salts).from_select(
    ["user_id", "salt_hash", "seen_at"],
    select(
        bindparam("user", type_=String), bindparam("salt", type_=String), bindparam("now")
    ).where(
        _STILL_THERE,
        ~exists().where(_SALTS.user_id == bindparam("user"), _SALTS.salt_hash == bindparam("salt")),
    ),
)


def record_salts(conn: Connection, salts: Sequence[SeenSalt]) -> None:
    """Record salts that signed users in, each only while its app password still exists:
    one revoked or erased since (and its salts with it) is not brought back."""
    if not salts:
        return
    values = [
        {"app_password": salt.app_password_id, "user": salt.user_id}
        | {"salt": salt.salt_hash, "now": salt.seen_at}
        for salt in salts
    ]
    conn.execute(_SEEN_AGAIN, values)  # a salt seen more than a day ago, seen again
    conn.execute(_SEEN_FIRST, values)


def delete_salts_until(conn: Connection, until: int) -> int:
    """Salts seen at ``until`` (unix seconds) or before: they can no longer be replays."""
    c = s.subsonic_salts.c
    return int(conn.execute(delete(s.subsonic_salts).where(c.seen_at <= until)).rowcount)


# -- reading out (the export) -------------------------------------------------------------


def exported(conn: Connection, user_id: str) -> list[dict[str, Any]]:
    """The user's app passwords as the export carries them: label and times only."""
    return [info.as_json() for info in list_of(conn, user_id)]


def exported_salts(conn: Connection, user_id: str) -> list[dict[str, Any]]:
    """When the user's apps signed in with a salt lately (never the salt or its hash)."""
    c = s.subsonic_salts.c
    rows = conn.execute(select(c.seen_at).where(c.user_id == user_id).order_by(c.seen_at)).scalars()
    return [{"seen_at": int(seen)} for seen in rows]
