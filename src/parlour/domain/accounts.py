"""Who is asking: users, roles and the viewer every query is made for."""

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from parlour.domain.errors import PermissionDeniedError


class Role(StrEnum):
    ADMIN = "admin"
    USER = "user"


def name_key(name: str) -> str:
    """How user names are matched: NFKC, casefolded, trimmed; look-alikes collide."""
    return unicodedata.normalize("NFKC", name).casefold().strip()


@dataclass(frozen=True, slots=True)
class Viewer:
    """The user a request is made for, with the libraries they may see.

    There is no anonymous viewer: code that has no Viewer has nothing to show.
    """

    user_id: str
    name: str
    role: Role
    library_ids: frozenset[str]  # granted libraries; an admin sees every library
    max_content_rating: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def may_see(self, library_id: str) -> bool:
        return self.is_admin or library_id in self.library_ids

    def require_admin(self) -> None:
        """The one check every admin-only service call makes first."""
        if not self.is_admin:
            raise PermissionDeniedError("only an admin may do this")


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: str
    name: str
    role: Role
    disabled: bool
    library_ids: tuple[str, ...]
    max_content_rating: str | None
    created_at: int


# Whoever runs the command line on the host can read the data directory anyway; its
# commands act as an admin. No network request is ever given this viewer.
HOST = Viewer(user_id="", name="(command line)", role=Role.ADMIN, library_ids=frozenset())
