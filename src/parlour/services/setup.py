"""First-run setup (AU-10): the first admin is claimed with a one-time code that only
whoever sees the server's console has.

The code lives in this process's memory only: it is never stored, never logged, and it
is forgotten once any admin exists. There is no other way to an admin over the network
(no PIN, no password reset): the command line on the host is the way back in.
"""

import hmac
import secrets
import threading

from parlour.domain.accounts import Viewer
from parlour.domain.errors import ConflictError, NotFoundError, PermissionDeniedError
from parlour.services.accounts import AccountService

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read off a screen, typed
_GROUPS, _GROUP_LEN = 3, 4  # 12 characters: 60 bits, behind the login limiter
# Wrong codes count in the login limiter under this key (per source address); no user
# name can collide with it, as names have no control characters.
LIMITER_KEY = "\x00setup"


def new_setup_code() -> str:
    """A code such as ``K7QM-2XCD-PW9H``."""
    groups = ("".join(secrets.choice(_ALPHABET) for _ in range(_GROUP_LEN)) for _ in range(_GROUPS))
    return "-".join(groups)


def _canonical(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


class FirstRunSetup:
    def __init__(self, accounts: AccountService) -> None:
        self.accounts = accounts
        self._code: str | None = None  # canonical form, no dashes
        self._lock = threading.Lock()

    def begin(self) -> str | None:
        """Make a setup code if no admin exists yet (and return it, to be shown on the
        console); None when there is an admin already."""
        with self._lock:
            if self.accounts.has_admin():
                self._code = None
                return None
            code = new_setup_code()
            self._code = _canonical(code)
            return code

    def needed(self) -> bool:
        """Whether the first admin can still be claimed."""
        with self._lock:
            return self._open()

    def require_open(self) -> None:
        """NotFoundError once setup is over (or was never started): the route is gone."""
        if not self.needed():
            raise NotFoundError("setup is done")

    def claim(
        self, code: str, name: str, password: str, source: str, *, device: str | None = None
    ) -> tuple[str, Viewer]:
        """Create the first admin and sign them in. A wrong code is PermissionDeniedError and
        counts against ``source`` in the login limiter; after an admin exists,
        NotFoundError, always."""
        with self._lock:
            if not self._open():
                raise NotFoundError("setup is done")
            limiter = self.accounts.limiter
            limiter.check(LIMITER_KEY, source)
            assert self._code is not None
            given = _canonical(code).encode("utf-8", "replace")
            if not hmac.compare_digest(given, self._code.encode()):
                limiter.failed(LIMITER_KEY, source)
                raise PermissionDeniedError("wrong setup code")
            try:
                user = self.accounts.add_first_admin(name, password)
            except ConflictError:  # an admin was added from the command line meanwhile
                self._code = None
                raise NotFoundError("setup is done") from None
            self._code = None
            limiter.succeeded(LIMITER_KEY, source)
        return self.accounts.issue_token(user.id, device=device)

    def _open(self) -> bool:
        if self._code is not None and self.accounts.has_admin():
            self._code = None  # an admin was made another way: the code is void for good
        return self._code is not None
