"""Erasure (P-11): which of a user's categories can be erased on their own, and when an
account may go.

Erasing is synchronous: the rows are deleted in one write transaction, overwritten in
place (the writer runs with ``secure_delete``) and the write-ahead log is then truncated
(``Catalogue.checkpoint``), so nothing erased stays readable in either file. No cache
holds data about users: resized images and HLS segments are made from media files, and
the half-second memory of checked tokens is cleared with every erasure of sign-ins.
"""

from parlour.domain.errors import ConflictError, NotFoundError
from parlour.privacy.inventory import Category

ERASABLE: dict[Category, str] = {
    Category.HISTORY: "every play, and the play counts and last-played times",
    Category.RESUME_POINTS: (
        "resume points, watched marks, music apps' bookmarks and the saved play queue"
    ),
    Category.RATINGS: "ratings and favourites",
    Category.PLAYLISTS: "every playlist with its entries",
    Category.DEVICES: (
        "every session and device token but the one making the request, every export"
        " download link, and every app password for music apps"
    ),
}


def erasable(name: str) -> Category:
    """The category named in a request; NotFoundError for one that cannot be erased
    alone (the account goes as a whole; grants are the admin's)."""
    for category in ERASABLE:
        if category.value == name:
            return category
    names = ", ".join(category.value for category in ERASABLE)
    raise NotFoundError(f"no erasable category {name!r}; these are: {names}")


def check_account_erasure(is_admin: bool, other_admins: int) -> None:
    """An account may go unless it is the last admin: the server would have nobody
    left to run it."""
    if is_admin and other_admins == 0:
        raise ConflictError("this is the only admin account; make another admin first")
