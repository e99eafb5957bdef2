"""App passwords: how music apps (Subsonic, OpenSubsonic) sign in without weakening the
account password (AU-11, R-5).

Subsonic's token scheme (``t = md5(password + salt)``) needs the server to hold the
password in recoverable form, so the account password is never a Subsonic password.
Each user makes app passwords instead, one per app or device: 130 random bits, shown once,
listed with their last use, revocable. Each is stored encrypted with AES-256-GCM under a
key derived from the secrets file's ``app_password_key`` (a nonce per row; the row's id
and user are associated data, so a ciphertext moved to another row does not open), and
as a keyed hash for OpenSubsonic's ``apiKey`` look-up.

``AppPasswordService.authenticate`` is the one check a Subsonic front end calls. Its
failures count in the web sign-in's limiter, in the same buckets (AU-02), and no
credential, salt or token ever reaches a log line.
"""

import hashlib
import hmac
import ipaddress
import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from parlour.domain.accounts import Viewer, name_key
from parlour.domain.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
)
from parlour.domain.ids import new_id
from parlour.privacy import addresses
from parlour.services.accounts import AccountService
from parlour.services.credentials import token_digest
from parlour.services.salt_ledger import SaltLedger
from parlour.services.viewer_cache import ViewerCache
from parlour.storage import account_store, app_password_store
from parlour.storage.app_password_store import AppPasswordInfo, SealedAppPassword
from parlour.storage.engine import Catalogue

log = logging.getLogger(__name__)

# 26 characters of lowercase base32 (130 random bits): easy to type on a phone, no
# letters that differ only by case, no symbols an app's password field might mangle.
ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
SECRET_LENGTH = 26
MAX_LABEL = 64
MAX_PER_USER = 50  # enough for every app on every device of a household member
SALT_WINDOW_S = 24 * 3600  # a salt used again within this long is a replay
MIN_SALT = 6  # Subsonic: "at least six characters"
_MAX_SALT = 256
_MAX_CREDENTIAL = 512  # longer than any app password, even hex-encoded: not even hashed
_TOUCH_EVERY_S = 60  # last_used_at is written at most once a minute per app password
_KEY_CONTEXT = b"parlour app-password encryption v1"
_API_KEY_BUCKET = "\x00subsonic-api-key"  # the limiter's account key for unknown api keys


class Failure(IntEnum):
    """Why a Subsonic sign-in failed, as the Subsonic error code the front end answers."""

    MISSING_PARAMETER = 10
    WRONG_CREDENTIALS = 40
    MECHANISM_NOT_SUPPORTED = 42  # p= over plain HTTP from another machine (AU-11)
    CONFLICTING_MECHANISMS = 43  # apiKey together with u, p or t
    INVALID_API_KEY = 44


class SubsonicAuthError(AuthenticationError):
    """A Subsonic sign-in refused; ``failure`` is the Subsonic error code to answer. The
    message never contains the credentials."""

    def __init__(self, failure: Failure, message: str) -> None:
        super().__init__(message)
        self.failure = failure


@dataclass(frozen=True, slots=True)
class NewAppPassword:
    """A new app password: the secret goes to its owner once and is never shown again."""

    info: AppPasswordInfo
    user_name: str
    secret: str


# Named here: inside the service class, ``list`` is its method.
Infos = list[AppPasswordInfo]


@dataclass(frozen=True, slots=True)
class _SignIn:
    """What checking a user name's app passwords needs: the user's viewer (None for an
    unknown or disabled user) and their app passwords with each secret opened (None:
    it cannot be opened with this secrets file)."""

    viewer: Viewer | None
    rows: list[tuple[SealedAppPassword, str | None]]


def _now() -> int:
    return int(time.time())


def new_secret() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(SECRET_LENGTH))


def check_label(label: object) -> str:
    """A label as a request gives it: 1 to 64 printable characters once trimmed."""
    clean = label.strip() if isinstance(label, str) else ""
    if not clean or len(clean) > MAX_LABEL or any(ord(ch) < 32 for ch in clean):
        raise InvalidInputError(f"'label' must be 1 to {MAX_LABEL} printable characters")
    return clean


def _is_loopback(peer: str) -> bool:
    try:
        return ipaddress.ip_address(peer).is_loopback
    except ValueError:
        return False


class AppPasswordService:
    def __init__(
        self, catalogue: Catalogue, accounts: AccountService, clock: Callable[[], int] = _now
    ) -> None:
        self.catalogue = catalogue
        self.accounts = accounts
        self.clock = clock
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_CONTEXT).derive(
            accounts.secrets.app_password_key
        )
        self._cipher = AESGCM(key)
        # What an unknown user's check decrypts, so that it costs what a known one's does.
        self._dummy = self._seal("0" * 32, "", new_secret())
        # A music app signs in on every request, several at once for a screen: who a user
        # name stands for is remembered for half a second (known and unknown names alike,
        # so a repeat costs the same for both), and forgotten with every revocation.
        self._sign_ins: ViewerCache[_SignIn] = ViewerCache()
        self._sign_ins.follow(accounts.recent_viewers)
        self.salts = SaltLedger(catalogue, clock, SALT_WINDOW_S)

    # -- sealing -------------------------------------------------------------------------

    def _digest(self, secret: str) -> str:
        return token_digest(self.accounts.secrets.token_key, "app-password:" + secret)

    def _salt_digest(self, salt: str) -> str:
        return token_digest(self.accounts.secrets.token_key, "subsonic-salt:" + salt)

    @staticmethod
    def _context(row_id: str, user_id: str) -> bytes:
        return f"parlour app password {row_id} of {user_id}".encode()

    def _seal(self, row_id: str, user_id: str, secret: str) -> SealedAppPassword:
        nonce = os.urandom(12)
        sealed = self._cipher.encrypt(nonce, secret.encode(), self._context(row_id, user_id))
        return SealedAppPassword(row_id, user_id, self._digest(secret), nonce, sealed, None)

    def _open(self, row: SealedAppPassword) -> str | None:
        try:
            plain = self._cipher.decrypt(
                row.nonce, row.ciphertext, self._context(row.id, row.user_id)
            )
        except InvalidTag:
            # Another secrets file, or a row that was tampered with: it cannot sign in.
            log.warning("app password %s cannot be decrypted with this secrets file", row.id)
            return None
        return plain.decode()

    # -- the owner's calls ---------------------------------------------------------------

    def create(self, viewer: Viewer, label: object) -> NewAppPassword:
        """A new app password for the viewer; the secret is in the answer and nowhere else."""
        return self._create(viewer.user_id, viewer.name, check_label(label))

    def create_for_user(self, viewer: Viewer, user: str, label: object) -> NewAppPassword:
        """The same for any user by name or id: the host's command line (an admin)."""
        viewer.require_admin()
        clean = check_label(label)
        with self.catalogue.reading() as conn:
            info = account_store.user_info(conn, user)
        return self._create(info.id, info.name, clean)

    def _create(self, user_id: str, user_name: str, label: str) -> NewAppPassword:
        secret = new_secret()
        sealed = self._seal(new_id(), user_id, secret)
        now = self.clock()
        with self.catalogue.writing() as conn:
            if app_password_store.count_of(conn, user_id) >= MAX_PER_USER:
                raise ConflictError(
                    f"at most {MAX_PER_USER} app passwords per user; revoke one you no longer use"
                )
            app_password_store.add(
                conn,
                sealed.id,
                user_id,
                label,
                sealed.secret_hash,
                sealed.nonce,
                sealed.ciphertext,
                now,
            )
        self._sign_ins.clear()  # the new password works from its first request
        log.info("app password %s made for user %s", sealed.id, user_id)
        return NewAppPassword(AppPasswordInfo(sealed.id, label, now, None), user_name, secret)

    def list(self, viewer: Viewer) -> Infos:
        """The viewer's app passwords, oldest first: label and times, never the secret."""
        with self.catalogue.reading() as conn:
            return app_password_store.list_of(conn, viewer.user_id)

    def list_for_user(self, viewer: Viewer, user: str) -> Infos:
        viewer.require_admin()
        with self.catalogue.reading() as conn:
            return app_password_store.list_of(conn, account_store.user_info(conn, user).id)

    def revoke(self, viewer: Viewer, app_password_id: str) -> None:
        """Revoke one of the viewer's app passwords: it stops working at once here, and
        within half a second in another process. Another user's id is not found."""
        self._revoke(viewer.user_id, app_password_id)

    def revoke_for_user(self, viewer: Viewer, user: str, app_password_id: str) -> None:
        viewer.require_admin()
        with self.catalogue.reading() as conn:
            user_id = account_store.user_info(conn, user).id
        self._revoke(user_id, app_password_id)

    def _revoke(self, user_id: str, app_password_id: str) -> None:
        with self.catalogue.writing() as conn:
            if not app_password_store.delete_one(conn, app_password_id, user_id):
                raise NotFoundError("no such app password")
        self.accounts.recent_viewers.clear()
        log.info("app password %s of user %s revoked", app_password_id, user_id)

    # -- signing a music app in ----------------------------------------------------------

    def authenticate(
        self,
        username: str | None,
        *,
        password: str | None = None,
        token: str | None = None,
        salt: str | None = None,
        api_key: str | None = None,
        peer: str,
        secure: bool = False,
    ) -> Viewer:
        """The viewer a Subsonic request's credentials stand for.

        Exactly one way in: ``api_key`` alone (OpenSubsonic), or ``username`` with
        ``password`` (Subsonic's ``p``, plain or ``enc:`` and hex) or with ``token`` and
        ``salt`` (``t = md5(app password + s)``). Only app passwords match, never the
        account password. ``p`` is refused over plain HTTP (``secure`` false) unless the
        client is on this machine. A salt the user signed in with in the last 24 hours
        is a replay. ``peer`` is the client's address: failures count in the web
        sign-in's limiter for (user, address) and address, and a locked account is
        locked here too (RateLimitedError). Anything else: SubsonicAuthError with the
        Subsonic code to answer.
        """
        if api_key is not None:
            if username is not None or password is not None or token is not None:
                raise SubsonicAuthError(
                    Failure.CONFLICTING_MECHANISMS, "apiKey cannot be combined with u, p or t"
                )
            return self._by_api_key(api_key, peer)
        if not username:
            raise SubsonicAuthError(Failure.MISSING_PARAMETER, "required parameter 'u' missing")
        if password is not None and (token is not None or salt is not None):
            raise SubsonicAuthError(
                Failure.CONFLICTING_MECHANISMS, "give either p, or t and s; not both"
            )
        if password is not None:
            if not secure and not _is_loopback(peer):
                raise SubsonicAuthError(
                    Failure.MECHANISM_NOT_SUPPORTED,
                    "p= needs HTTPS; use token authentication (t and s) or an apiKey",
                )
            return self._by_password(username, password, peer)
        if token is None or salt is None:
            missing = "t" if token is None else "s"
            raise SubsonicAuthError(
                Failure.MISSING_PARAMETER, f"required parameter '{missing}' missing"
            )
        return self._by_token(username, token, salt, peer)

    def _refused(self, key: str, peer: str, failure: Failure) -> SubsonicAuthError:
        self.accounts.limiter.failed(key, peer)
        log.info("failed Subsonic sign-in from %s", addresses.truncated(peer))
        if failure is Failure.INVALID_API_KEY:
            return SubsonicAuthError(failure, "invalid API key")
        return SubsonicAuthError(failure, "wrong user name or password")

    def _by_api_key(self, api_key: str, peer: str) -> Viewer:
        limiter = self.accounts.limiter
        limiter.check(_API_KEY_BUCKET, peer)
        if not api_key or len(api_key) > _MAX_CREDENTIAL:
            raise self._refused(_API_KEY_BUCKET, peer, Failure.INVALID_API_KEY)
        digest = self._digest(api_key)
        cached = self.accounts.recent_viewers.get("app:" + digest)
        if cached is not None:
            limiter.check(name_key(cached.name), peer)
            return cached
        with self.catalogue.reading() as conn:
            row = app_password_store.sealed_by_hash(conn, digest)
            viewer = None if row is None else app_password_store.viewer_of(conn, row.user_id)
        if row is None or viewer is None:
            raise self._refused(_API_KEY_BUCKET, peer, Failure.INVALID_API_KEY)
        limiter.check(name_key(viewer.name), peer)  # a locked account is locked here too
        self._used(row, None)
        self.accounts.recent_viewers.put("app:" + digest, viewer)
        return viewer

    def _candidates(self, username: str, peer: str) -> tuple[str, _SignIn]:
        """The limiter key, and the enabled user of that name with their app passwords
        (for an unknown or disabled user, a dummy row: the same work for the same answer)."""
        key = name_key(username)
        self.accounts.limiter.check(key, peer)
        remembered = self._sign_ins.get(key)
        if remembered is not None:
            return key, remembered
        with self.catalogue.reading() as conn:
            user = account_store.find_user(conn, username)
            viewer = None if user is None else app_password_store.viewer_of(conn, user.id)
            rows = [] if viewer is None else app_password_store.sealed_of(conn, viewer.user_id)
        sign_in = _SignIn(viewer, [(row, self._open(row)) for row in rows or [self._dummy]])
        self._sign_ins.put(key, sign_in)
        return key, sign_in

    def _by_password(self, username: str, password: str, peer: str) -> Viewer:
        if password.startswith("enc:"):
            try:
                password = bytes.fromhex(password[4:]).decode("utf-8")
            except ValueError:  # not hex, or not UTF-8 (UnicodeDecodeError is one)
                password = ""
        key, sign_in = self._candidates(username, peer)
        viewer = sign_in.viewer
        if len(password) > _MAX_CREDENTIAL:
            password = ""
        digest = self._digest(password)
        found = None
        for row, _secret in sign_in.rows:  # every row compared, in constant time: no early exit
            if hmac.compare_digest(row.secret_hash, digest) and found is None:
                found = row
        if viewer is None or found is None or found is self._dummy or not password:
            raise self._refused(key, peer, Failure.WRONG_CREDENTIALS)
        self._used(found, None)
        return viewer

    def _by_token(self, username: str, token: str, salt: str, peer: str) -> Viewer:
        key, sign_in = self._candidates(username, peer)
        viewer = sign_in.viewer
        token = token.lower() if len(token) == 32 else ""
        usable_salt = MIN_SALT <= len(salt) <= _MAX_SALT
        found = None
        for row, secret in sign_in.rows:
            if secret is None:
                continue
            expected = hashlib.md5((secret + salt).encode(), usedforsecurity=False).hexdigest()
            if hmac.compare_digest(expected, token) and found is None:
                found = row
        if viewer is None or found is None or found is self._dummy or not usable_salt:
            raise self._refused(key, peer, Failure.WRONG_CREDENTIALS)
        if not self._used(found, self._salt_digest(salt)):
            raise self._refused(key, peer, Failure.WRONG_CREDENTIALS)  # a replayed salt
        return viewer

    def _used(self, row: SealedAppPassword, salt_hash: str | None) -> bool:
        """Note a successful sign-in: the salt, if any (False if it was used in the last
        24 hours: a replay), and the last use, at most once a minute."""
        if salt_hash is not None and not self.salts.admit(row.id, row.user_id, salt_hash):
            return False
        now = self.clock()
        if row.last_used_at is not None and now - row.last_used_at < _TOUCH_EVERY_S:
            return True
        with self.catalogue.writing() as conn:
            app_password_store.touch(conn, row.id, now)
        self.accounts.recent_viewers.clear()  # remembered rows show the old last use
        return True

    def flush_salts(self) -> int:
        """Record the salts that signed users in lately (the server's upkeep, each
        second, and at shutdown); how many there were."""
        return self.salts.flush()
