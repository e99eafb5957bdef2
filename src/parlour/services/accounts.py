"""Accounts: users, logins, tokens and library grants. Local accounts only, ever."""

import logging
import time
from collections.abc import Callable

from sqlalchemy import Connection

from parlour.domain.accounts import Role, UserInfo, Viewer, name_key
from parlour.domain.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from parlour.domain.ratings import check_max_rating
from parlour.privacy import addresses
from parlour.secrets import Secrets
from parlour.services.credentials import LoginLimiter, PasswordHasher, new_token, token_digest
from parlour.services.viewer_cache import RecentViewers
from parlour.storage import account_store, app_password_store, export_link_store, library_store
from parlour.storage.engine import Catalogue

log = logging.getLogger(__name__)

SESSION_IDLE_S = 30 * 86400  # a browser session unused for a month signs out
SESSION_LIFETIME_S = 90 * 86400  # and no session lives longer than this
DEVICE_IDLE_S = 90 * 86400  # a device token unused for 90 days is removed (P-12)
DEVICE_LIFETIME_S = 10 * 365 * 86400
_TOUCH_EVERY_S = 60  # last-used times are written at most once a minute per token
MIN_PASSWORD = 8


class AccountService:
    def __init__(
        self, catalogue: Catalogue, secrets: Secrets, limiter: LoginLimiter | None = None
    ) -> None:
        self.catalogue = catalogue
        self.secrets = secrets
        self.hasher = PasswordHasher()
        self.limiter = limiter or LoginLimiter()
        self.recent_viewers = RecentViewers()

    # -- users -------------------------------------------------------------------------

    def add_user(
        self, viewer: Viewer, name: str, password: str, *, admin: bool = False
    ) -> UserInfo:
        viewer.require_admin()
        clean = _check_name(name)
        _check_password(password)
        password_hash = self.hasher.hash(password)
        role = Role.ADMIN if admin else Role.USER
        with self.catalogue.writing() as conn:
            user_id = account_store.create_user(conn, clean, password_hash, role, _now())
            return account_store.user_info(conn, user_id)

    def add_first_admin(self, name: str, password: str) -> UserInfo:
        """Create the first admin, for the first-run setup only (which checked its code);
        ConflictError if an admin exists by then (checked in the same transaction)."""
        clean = _check_name(name)
        _check_password(password)
        password_hash = self.hasher.hash(password)
        with self.catalogue.writing() as conn:
            if account_store.count_admins(conn) > 0:
                raise ConflictError("an admin exists already")
            user_id = account_store.create_user(conn, clean, password_hash, Role.ADMIN, _now())
            return account_store.user_info(conn, user_id)

    def has_admin(self) -> bool:
        with self.catalogue.reading() as conn:
            return account_store.count_admins(conn) > 0

    def list_users(self, viewer: Viewer) -> list[UserInfo]:
        viewer.require_admin()
        with self.catalogue.reading() as conn:
            return account_store.list_users(conn)

    def grant(
        self, viewer: Viewer, user: str, libraries: list[str], max_rating: str | None = None
    ) -> UserInfo:
        """Set exactly which libraries (by name or id) a user may see, and the highest
        content rating of films and shows they are shown (None: no limit)."""
        viewer.require_admin()
        max_rating = check_max_rating(max_rating)  # unknown: InvalidInputError, with examples
        with self.catalogue.writing() as conn:
            info = account_store.user_info(conn, user)
            ids = [library_store.find_library(conn, lib).id for lib in libraries]
            account_store.set_grants(conn, info.id, ids, max_rating)
            info = account_store.user_info(conn, info.id)
        self.recent_viewers.clear()
        return info

    def change_password(self, viewer: Viewer, user: str, password: str) -> None:
        """Set a new password and sign the user out everywhere (an admin, or the user);
        the user's export download links and app passwords die too."""
        if not viewer.is_admin and user != viewer.user_id:
            raise PermissionDeniedError("only an admin may change another user's password")
        _check_password(password)
        password_hash = self.hasher.hash(password)
        with self.catalogue.writing() as conn:
            info = account_store.user_info(conn, user)
            account_store.set_password_hash(conn, info.id, password_hash, _now())
            account_store.delete_tokens_of(conn, info.id)
            export_link_store.delete_links_of(conn, info.id)
            app_password_store.delete_of(conn, info.id)
        self.recent_viewers.clear()

    def set_disabled(self, viewer: Viewer, user: str, disabled: bool) -> None:
        viewer.require_admin()
        with self.catalogue.writing() as conn:
            info = account_store.user_info(conn, user)
            account_store.set_disabled(conn, info.id, disabled)
            if disabled:
                account_store.delete_tokens_of(conn, info.id)
                export_link_store.delete_links_of(conn, info.id)
                app_password_store.delete_of(conn, info.id)
        self.recent_viewers.clear()

    # -- signing in ----------------------------------------------------------------------

    def login(
        self, name: str, password: str, source: str, *, device: str | None = None
    ) -> tuple[str, Viewer]:
        """Check a password and issue a token: a session, or a named device token.

        An unknown or disabled user costs the same hash and gets the same error as a
        wrong password; failures are limited per account and source address.
        """
        key = name_key(name)
        self.limiter.check(key, source)
        with self.catalogue.reading() as conn:
            user = account_store.find_user(conn, name)
        usable = user is not None and not user.disabled
        if not self.hasher.verify(user.password_hash if usable and user else None, password):
            self.limiter.failed(key, source)
            log.info("failed login from %s", addresses.truncated(source))
            raise AuthenticationError("wrong user name or password")
        assert user is not None
        self.limiter.succeeded(key, source)
        if self.hasher.needs_rehash(user.password_hash):
            with self.catalogue.writing() as conn:
                account_store.set_password_hash(conn, user.id, self.hasher.hash(password), None)
        return self.issue_token(user.id, device=device)

    def issue_token(self, user_id: str, *, device: str | None = None) -> tuple[str, Viewer]:
        """A new session (or named device) token for a user whose credentials were checked."""
        token = new_token()
        now = _now()
        kind = "device" if device else "session"
        lifetime = DEVICE_LIFETIME_S if device else SESSION_LIFETIME_S
        with self.catalogue.writing() as conn:
            account_store.add_token(
                conn,
                user_id,
                token_digest(self.secrets.token_key, token),
                kind,
                device,
                now,
                now + lifetime,
            )
        return token, self.viewer(token)

    def cached_viewer(self, token: str) -> Viewer | None:
        """The viewer of a token checked in the last half second, without touching the
        database (cheap enough for the event loop); None means: call ``viewer``."""
        if not token or len(token) > 200:
            return None
        return self.recent_viewers.get(token_digest(self.secrets.token_key, token))

    def viewer(self, token: str) -> Viewer:
        """The viewer a bearer or session token stands for; AuthenticationError if none."""
        if not token or len(token) > 200:
            raise AuthenticationError("missing or malformed token")
        digest = token_digest(self.secrets.token_key, token)
        return self._remembered(digest, lambda conn: account_store.viewer_for_token(conn, digest))

    def token_id(self, token: str) -> str:
        """The row id of a valid token (what a media ticket names)."""
        digest = token_digest(self.secrets.token_key, token)
        with self.catalogue.reading() as conn:
            owner = account_store.viewer_for_token(conn, digest)
        if owner is None:
            raise AuthenticationError("invalid or revoked token")
        return owner.token_id

    def viewer_by_token_id(self, token_id: str) -> Viewer:
        """The viewer of the token with this row id, under the same rules as ``viewer``:
        a media ticket dies with the sign-in it was made for."""
        return self._remembered(  # "id:" cannot collide with a digest (hex)
            "id:" + token_id, lambda conn: account_store.viewer_for_token_id(conn, token_id)
        )

    def _remembered(
        self, key: str, owner_of: Callable[[Connection], account_store.TokenOwner | None]
    ) -> Viewer:
        """The viewer remembered under ``key`` in the last half second, else looked up."""
        cached = self.recent_viewers.get(key)
        if cached is not None:
            return cached
        with self.catalogue.reading() as conn:
            owner = owner_of(conn)
        viewer = self._live_owner(owner)
        self.recent_viewers.put(key, viewer)
        return viewer

    def _live_owner(self, owner: account_store.TokenOwner | None) -> Viewer:
        if owner is None:
            raise AuthenticationError("invalid or revoked token")
        now = _now()
        idle = DEVICE_IDLE_S if owner.kind == "device" else SESSION_IDLE_S
        if now >= owner.expires_at or now - owner.last_used_at >= idle:
            with self.catalogue.writing() as conn:
                account_store.delete_token(conn, owner.token_id)
            raise AuthenticationError("token expired")
        if now - owner.last_used_at >= _TOUCH_EVERY_S:
            with self.catalogue.writing() as conn:
                account_store.touch_token(conn, owner.token_id, now)
        return owner.viewer

    def csrf_token(self, token: str) -> str:
        """The CSRF token that goes with a cookie session: derived from it, never stored."""
        return token_digest(self.secrets.token_key, "csrf:" + token)

    def logout(self, token: str) -> None:
        """Revoke this token (other sessions of the user stay)."""
        digest = token_digest(self.secrets.token_key, token)
        with self.catalogue.writing() as conn:
            owner = account_store.viewer_for_token(conn, digest)
            if owner is not None:
                account_store.delete_token(conn, owner.token_id)
        self.recent_viewers.clear()

    def tokens(self, viewer: Viewer) -> list[dict[str, object]]:
        with self.catalogue.reading() as conn:
            return account_store.list_tokens(conn, viewer.user_id)

    def sign_ins(self, viewer: Viewer, token: str) -> list[account_store.SignIn]:
        """Every user's live sign-ins, last used first, for an admin; ``token`` is the
        admin's own, so that the one they are using is marked. What a token row holds and
        no more (no address: none is ever stored)."""
        viewer.require_admin()
        asking = token_digest(self.secrets.token_key, token)
        with self.catalogue.reading() as conn:
            return account_store.list_sign_ins(conn, _now(), asking, SESSION_IDLE_S, DEVICE_IDLE_S)

    def sign_out(self, viewer: Viewer, token_id: str) -> None:
        """An admin signs one sign-in of any user out (their own included): the token
        stops working on its next use. NotFoundError for an unknown id."""
        viewer.require_admin()
        with self.catalogue.writing() as conn:
            if not account_store.delete_token(conn, token_id):
                raise NotFoundError("no such sign-in")
        self.recent_viewers.clear()
        log.info("admin %s signed out sign-in %s", viewer.user_id, token_id)

    def revoke(self, viewer: Viewer, token_id: str) -> None:
        """Revoke one of the viewer's own tokens; another user's id is simply not found."""
        with self.catalogue.writing() as conn:
            if not account_store.delete_token(conn, token_id, viewer.user_id):
                raise NotFoundError("no such token")
        self.recent_viewers.clear()


def _check_name(name: str) -> str:
    clean = name.strip()
    if not clean or len(clean) > 100 or any(ord(c) < 32 for c in clean):
        raise InvalidInputError("a user name is 1 to 100 printable characters")
    return clean


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInputError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > 1024:
        raise InvalidInputError("a password is at most 1,024 characters")


def _now() -> int:
    return int(time.time())
