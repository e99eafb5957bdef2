"""What Parlour keeps about a user, by category (P-09), and the processing record an admin
keeps from it (P-18).

Each category names the tables it lives in. The tables that hold data about a user are
found in the schema (``storage.my_data_store.personal_tables``); a table there that no
category names is reported as unclassified, and a test fails on it, so a new feature
cannot start keeping something about people without saying what, why and how long.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Category(StrEnum):
    ACCOUNT = "account"
    DEVICES = "devices"  # sessions, device tokens, app passwords and export download links
    GRANTS = "grants"
    RESUME_POINTS = "resume-points"  # and watched marks
    RATINGS = "ratings"  # and favourites
    HISTORY = "history"  # plays, play counts, last-played times
    PLAYLISTS = "playlists"
    PRIVACY_CHOICES = "privacy-choices"
    CONSENTS = "consents"
    LOGIN_EVENTS = "login-events"


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    category: Category
    title: str
    what: str
    why: str
    retention: str
    tables: tuple[str, ...]  # where it is stored; empty when it is not in the catalogue
    elsewhere: str | None  # where it lives when not in the catalogue (or why nowhere)
    basis: str  # why the server may keep it (the processing record's legal basis)

    def as_json(self, rows: Mapping[str, int] | None = None) -> dict[str, Any]:
        found: dict[str, Any] = {
            "category": self.category.value,
            "title": self.title,
            "what": self.what,
            "why": self.why,
            "retention": self.retention,
            "stored_in": list(self.tables),
            "elsewhere": self.elsewhere,
        }
        if rows is not None:
            found["rows"] = {table: rows.get(table, 0) for table in self.tables}
        return found


_SERVICE = "the service the user signed up for (contract)"

CATEGORIES: tuple[CategoryInfo, ...] = (
    CategoryInfo(
        Category.ACCOUNT,
        "Account",
        "user name, role, disabled flag, highest content rating shown, when the account was"
        " made and the password last changed; the password only as an argon2id hash",
        "signing in and deciding what the user may see",
        "until the account is deleted (by the user or an admin)",
        ("users",),
        None,
        _SERVICE,
    ),
    CategoryInfo(
        Category.DEVICES,
        "Sessions, devices, app passwords and export links",
        "each sign-in: kind (browser session or named device), the device label, when it"
        " was made, last used and expires; each link to download your export: its format"
        " and when it was made and expires; tokens and links only as keyed hashes; each"
        " app password for music apps (Subsonic): its label, when it was made and last"
        " used, the password itself encrypted with a key kept outside the database (the"
        " Subsonic sign-in needs it back) and as a keyed hash; the salts your music apps"
        " signed in with in the last day, as keyed hashes, with when",
        "staying signed in; listing and revoking devices; downloading your export without"
        " signing in again; letting music apps sign in without your account password, and"
        " refusing a replayed Subsonic sign-in",
        "sessions: 30 days idle, 90 days at most; device tokens: 90 days idle; removed on"
        " sign-out, password change, disabling, or erasing this category; export links:"
        " until used once or 24 hours, and removed on password change, disabling or"
        " erasing this category; app passwords: until you revoke them, and removed on"
        " password change, disabling or erasing this category; Subsonic salts: one day",
        ("auth_tokens", "export_links", "app_passwords", "subsonic_salts"),
        None,
        _SERVICE,
    ),
    CategoryInfo(
        Category.GRANTS,
        "Library access",
        "which libraries the user may see (set by an admin)",
        "showing each user only the libraries meant for them",
        "until an admin changes it or the account is deleted",
        ("library_grants",),
        None,
        _SERVICE,
    ),
    CategoryInfo(
        Category.RESUME_POINTS,
        "Resume points, watched marks, bookmarks and play queue",
        "where the user stopped in each film or episode, and which they have watched; the"
        " bookmarks music apps set (item, position, the user's note, when) and the play"
        " queue a music app saved (the songs in order, the one playing and where, the"
        " app's name, when)",
        '"continue watching", "next up" and watched marks; carrying on in another music'
        " app where one stopped",
        "until the user changes or erases them, the item is gone, or the account is deleted;"
        " bookmarks and the play queue until the user's app removes or replaces them, the"
        " user erases this category, or the account is deleted",
        ("user_item_state", "bookmarks", "play_queues"),
        None,
        _SERVICE,
    ),
    CategoryInfo(
        Category.RATINGS,
        "Ratings and favourites",
        "the ratings the user gave and the items they starred, with when",
        "the user's favourites and ratings",
        "until the user changes or erases them, the item is gone, or the account is deleted",
        ("user_item_state",),
        None,
        _SERVICE,
    ),
    CategoryInfo(
        Category.HISTORY,
        "Play history",
        "each finished play (which item, when), play counts and last-played times",
        '"recently played" and the user\'s own history',
        "until the user erases it, or as long as the user's own retention limit; nothing"
        " is recorded while the user has paused history",
        ("play_events", "user_item_state"),
        None,
        _SERVICE,
    ),
    CategoryInfo(
        Category.PLAYLISTS,
        "Playlists",
        "playlist names, comments, kinds, entries and times",
        "the user's playlists",
        "until the user deletes or erases them, or the account is deleted",
        ("playlists", "playlist_entries"),
        None,
        _SERVICE,
    ),
    CategoryInfo(
        Category.PRIVACY_CHOICES,
        "Privacy choices",
        "whether history is paused, how many days of it to keep, and whether music apps"
        " may show other users what the user is playing now",
        "honouring the user's own choices about their history and its visibility",
        "until the user changes them or the account is deleted",
        ("user_privacy",),
        None,
        _SERVICE,
    ),
    CategoryInfo(
        Category.CONSENTS,
        "Consent records",
        "each answer the user gave to a usage-report scope: the scope, yes or no, the"
        " policy version, hashes of the fields and of the notice they were shown, how"
        " (API or command line) and when",
        "proving what the user agreed to, and when (GDPR Art. 7(1)); nothing is sent yet",
        "never changed; kept until the account is deleted, which removes them",
        ("consent_records",),
        None,
        "legal obligation to show consent (Art. 7(1))",
    ),
    CategoryInfo(
        Category.LOGIN_EVENTS,
        "Failed sign-ins",
        "account name and source address of failed sign-ins",
        "limiting password guessing",
        "15 minutes, in server memory only; never written to disk",
        (),
        "server memory only",
        "security of the service (legitimate interest)",
    ),
)

BY_CATEGORY = {info.category: info for info in CATEGORIES}


def categories_of_table(table: str) -> tuple[Category, ...]:
    return tuple(info.category for info in CATEGORIES if table in info.tables)


def unclassified(personal_tables: Iterable[str]) -> list[str]:
    """Tables holding data about users that no category names: each one is a datum
    collected without being declared."""
    return sorted(table for table in personal_tables if not categories_of_table(table))


def undeclared_tables(personal_tables: Iterable[str]) -> list[str]:
    """Tables a category names that hold no data about users (a renamed or dropped
    table the inventory still claims)."""
    present = set(personal_tables)
    return sorted({t for info in CATEGORIES for t in info.tables if t not in present})


def inventory(
    personal_tables: Iterable[str], rows: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """The inventory as the user sees it: each category with what, why and how long
    (and, given ``rows``, how many rows of each table are theirs)."""
    tables = list(personal_tables)
    found: dict[str, Any] = {"categories": [info.as_json(rows) for info in CATEGORIES]}
    stray = unclassified(tables)
    if stray:  # never hidden: shown as such until a category claims them
        found["unclassified_tables"] = stray
    return found


def processing_record(personal_tables: Iterable[str]) -> dict[str, Any]:
    """An Art. 30-style record of processing for the server's admin (P-18)."""
    tables = list(personal_tables)
    return {
        "controller": "the admin who runs this Parlour server",
        "purpose": "serving the household's own media to its members",
        "data_subjects": "the people with an account on this server",
        "categories": [
            {
                "category": info.category.value,
                "data": info.what,
                "purpose": info.why,
                "legal_basis": info.basis,
                "retention": info.retention,
                "stored_in": list(info.tables) or [info.elsewhere],
            }
            for info in CATEGORIES
        ],
        "recipients": "none: no personal data leaves the server",
        "transfers": "none",
        "security": [
            "passwords stored only as argon2id hashes; tokens only as keyed hashes",
            "app passwords for music apps encrypted (AES-256-GCM) with a key kept outside"
            " the database, and never the account password",
            "every request signed in; each user sees only their own activity",
            "erasure overwrites deleted rows (SQLite secure_delete) and truncates the"
            " write-ahead log",
        ],
        "unclassified_tables": unclassified(tables),
    }
