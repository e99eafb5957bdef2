"""Users, their library grants and their tokens."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from parlour.domain.accounts import Role, UserInfo, Viewer, name_key
from parlour.domain.errors import ConflictError, NotFoundError
from parlour.domain.ids import new_id
from parlour.storage import schema as s


@dataclass(frozen=True, slots=True)
class StoredUser:
    id: str
    name: str
    role: Role
    disabled: bool
    password_hash: str


def _grants(conn: Connection, user_id: str) -> tuple[str, ...]:
    g = s.library_grants.c
    query = select(g.library_id).where(g.user_id == user_id).order_by(g.library_id)
    return tuple(conn.execute(query).scalars())


def create_user(conn: Connection, name: str, password_hash: str, role: Role, now: int) -> str:
    user_id = new_id()
    try:
        conn.execute(
            insert(s.users).values(
                id=user_id,
                name=name,
                name_key=name_key(name),
                password_hash=password_hash,
                role=role.value,
                disabled=False,
                created_at=now,
                password_changed_at=now,
            )
        )
    except IntegrityError as exc:
        raise ConflictError(f"a user named {name!r} already exists") from exc
    return user_id


def count_admins(conn: Connection) -> int:
    u = s.users.c
    query = select(func.count()).where(u.role == Role.ADMIN.value, u.disabled.is_(False))
    return int(conn.execute(query).scalar_one())


def find_user(conn: Connection, name: str) -> StoredUser | None:
    """Exact match on the normalised name: never LIKE, never a prefix."""
    u = s.users.c
    row = conn.execute(
        select(u.id, u.name, u.role, u.disabled, u.password_hash).where(
            u.name_key == name_key(name)
        )
    ).first()
    return (
        None
        if row is None
        else StoredUser(row.id, row.name, Role(row.role), row.disabled, row.password_hash)
    )


def set_password_hash(conn: Connection, user_id: str, password_hash: str, now: int | None) -> None:
    """Store a new hash; ``now`` marks a real password change (None: a rehash)."""
    values: dict[str, object] = {"password_hash": password_hash}
    if now is not None:
        values["password_changed_at"] = now
    conn.execute(update(s.users).where(s.users.c.id == user_id).values(values))


def set_disabled(conn: Connection, user_id: str, disabled: bool) -> None:
    conn.execute(update(s.users).where(s.users.c.id == user_id).values(disabled=disabled))


def set_grants(
    conn: Connection, user_id: str, library_ids: list[str], max_rating: str | None
) -> None:
    conn.execute(delete(s.library_grants).where(s.library_grants.c.user_id == user_id))
    if library_ids:
        conn.execute(
            insert(s.library_grants),
            [{"user_id": user_id, "library_id": lib} for lib in dict.fromkeys(library_ids)],
        )
    conn.execute(
        update(s.users).where(s.users.c.id == user_id).values(max_content_rating=max_rating)
    )


def list_users(conn: Connection) -> list[UserInfo]:
    u = s.users.c
    rows = conn.execute(
        select(u.id, u.name, u.role, u.disabled, u.max_content_rating, u.created_at).order_by(
            u.name_key
        )
    ).all()
    return [
        UserInfo(
            row.id,
            row.name,
            Role(row.role),
            row.disabled,
            _grants(conn, row.id),
            row.max_content_rating,
            row.created_at,
        )
        for row in rows
    ]


def user_info(conn: Connection, name_or_id: str) -> UserInfo:
    for user in list_users(conn):
        if user.id == name_or_id or name_key(user.name) == name_key(name_or_id):
            return user
    raise NotFoundError(f"no user named {name_or_id!r}")


def add_token(
    conn: Connection,
    user_id: str,
    token_hash: str,
    kind: str,
    label: str | None,
    now: int,
    expires_at: int,
) -> str:
    token_id = new_id()
    conn.execute(
        insert(s.auth_tokens).values(
            id=token_id,
            user_id=user_id,
            token_hash=token_hash,
            kind=kind,
            label=label,
            created_at=now,
            last_used_at=now,
            expires_at=expires_at,
        )
    )
    return token_id


@dataclass(frozen=True, slots=True)
class TokenOwner:
    token_id: str
    kind: str
    last_used_at: int
    expires_at: int
    viewer: Viewer


def viewer_for_token(conn: Connection, token_hash: str) -> TokenOwner | None:
    """The viewer a token belongs to, if the token exists and its user is enabled."""
    return _token_owner(conn, s.auth_tokens.c.token_hash == token_hash)


def viewer_for_token_id(conn: Connection, token_id: str) -> TokenOwner | None:
    """The same, by the token's row id (what a media ticket names)."""
    return _token_owner(conn, s.auth_tokens.c.id == token_id)


def _token_owner(conn: Connection, which: ColumnElement[bool]) -> TokenOwner | None:
    t, u = s.auth_tokens.c, s.users.c
    row = conn.execute(
        select(
            t.id,
            t.kind,
            t.last_used_at,
            t.expires_at,
            u.id.label("user_id"),
            u.name,
            u.role,
            u.max_content_rating,
        )
        .join(s.users, u.id == t.user_id)
        .where(which, u.disabled.is_(False))
    ).first()
    if row is None:
        return None
    viewer = Viewer(
        row.user_id,
        row.name,
        Role(row.role),
        frozenset(_grants(conn, row.user_id)),
        row.max_content_rating,
    )
    return TokenOwner(row.id, row.kind, row.last_used_at, row.expires_at, viewer)


def touch_token(conn: Connection, token_id: str, now: int) -> None:
    conn.execute(
        update(s.auth_tokens).where(s.auth_tokens.c.id == token_id).values(last_used_at=now)
    )


def delete_token(conn: Connection, token_id: str, user_id: str | None = None) -> bool:
    t = s.auth_tokens.c
    query = delete(s.auth_tokens).where(t.id == token_id)
    if user_id is not None:
        query = query.where(t.user_id == user_id)  # a user can only revoke their own
    return conn.execute(query).rowcount > 0


def delete_tokens_of(conn: Connection, user_id: str) -> None:
    conn.execute(delete(s.auth_tokens).where(s.auth_tokens.c.user_id == user_id))


def list_tokens(conn: Connection, user_id: str) -> list[dict[str, object]]:
    t = s.auth_tokens.c
    rows = conn.execute(
        select(t.id, t.kind, t.label, t.created_at, t.last_used_at, t.expires_at)
        .where(t.user_id == user_id)
        .order_by(t.created_at)
    ).all()
    # Column names are str subclasses (quoted_name), which orjson refuses as keys.
    return [{str(key): value for key, value in row._asdict().items()} for row in rows]


@dataclass(frozen=True, slots=True)
class SignIn:
    """One live sign-in as an admin sees it: what the token row holds (never its hash),
    its user, and whether it is the one asking."""

    id: str
    user_id: str
    user_name: str
    kind: str
    label: str | None
    created_at: int
    last_used_at: int
    expires_at: int
    current: bool


def list_sign_ins(
    conn: Connection, now: int, asking_hash: str, session_idle_s: int, device_idle_s: int
) -> list[SignIn]:
    """Every user's live sign-ins (not past their lifetime or idle limit, user enabled),
    last used first; ``current`` marks the token whose hash is ``asking_hash``."""
    t, u = s.auth_tokens.c, s.users.c
    live = and_(
        t.expires_at > now,
        or_(
            and_(t.kind == "session", t.last_used_at > now - session_idle_s),
            and_(t.kind == "device", t.last_used_at > now - device_idle_s),
        ),
        u.disabled.is_(False),
    )
    rows = conn.execute(
        select(
            t.id,
            t.user_id,
            u.name,
            t.kind,
            t.label,
            t.created_at,
            t.last_used_at,
            t.expires_at,
            (t.token_hash == asking_hash).label("current"),
        )
        .join(s.users, u.id == t.user_id)
        .where(live)
        .order_by(t.last_used_at.desc(), t.created_at.desc(), t.id)
    ).all()
    return [
        SignIn(
            row.id,
            row.user_id,
            row.name,
            row.kind,
            row.label,
            row.created_at,
            row.last_used_at,
            row.expires_at,
            bool(row.current),
        )
        for row in rows
    ]


def delete_stale_tokens(conn: Connection, now: int, session_idle_s: int, device_idle_s: int) -> int:
    """Remove sign-ins past their lifetime or idle too long (P-12), used again or not."""
    t = s.auth_tokens.c
    stale = or_(
        t.expires_at <= now,
        and_(t.kind == "session", t.last_used_at <= now - session_idle_s),
        and_(t.kind == "device", t.last_used_at <= now - device_idle_s),
    )
    return conn.execute(delete(s.auth_tokens).where(stale)).rowcount
