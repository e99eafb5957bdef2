"""The usage-report policy as versioned data (P-02, P-04, P-05): each scope, who may
decide it, the exact fields it would collect and the notice a person reads.

A consent names the policy version and two hashes (the fields and the notice); it counts
only while all three match what is here, so changing a scope's fields or words suspends
every consent given to the old ones. ``tests/unit/privacy/test_policy.py`` pins the
fields' hashes per version: a field list cannot change without ``POLICY_VERSION``.
"""

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum

from parlour.domain.errors import InvalidInputError

# Bump with any change of a scope's fields or notice (and the pins in the test).
POLICY_VERSION = 1


class SubjectKind(StrEnum):
    INSTANCE = "instance"  # the server as a whole: the admin decides, no personal data
    USER = "user"  # one person's own data: only that person decides (P-08)


@dataclass(frozen=True, slots=True)
class Scope:
    name: str
    subject: SubjectKind
    fields: tuple[str, ...]  # exactly what a report of this scope would carry
    notice: str  # what the person deciding reads, word for word

    def payload_schema_hash(self) -> str:
        canonical = json.dumps(
            {"scope": self.name, "fields": list(self.fields)},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=True,
        )
        return hashlib.sha256(canonical.encode("ascii")).hexdigest()

    def notice_hash(self) -> str:
        return hashlib.sha256(self.notice.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Policy:
    """One version of the policy; the services take it as a value so that tests can
    stand in a later version."""

    version: int
    scopes: tuple[Scope, ...]

    def scope(self, name: object) -> Scope:
        """The scope a request names; InvalidInputError for any other."""
        for scope in self.scopes:
            if scope.name == name:
                return scope
        names = ", ".join(scope.name for scope in self.scopes)
        raise InvalidInputError(f"no consent scope {name!r}; these are: {names}")

    def of(self, subject: SubjectKind) -> tuple[Scope, ...]:
        return tuple(scope for scope in self.scopes if scope.subject is subject)


SCOPES: tuple[Scope, ...] = (
    Scope(
        "instance_basics",
        SubjectKind.INSTANCE,
        ("parlour_version", "python_version", "os_family", "cpu_architecture", "database_kind"),
        "Send which version of Parlour this server runs, on which Python, operating system"
        " family, processor architecture and database. Nothing about the people using it.",
    ),
    Scope(
        "feature_usage",
        SubjectKind.INSTANCE,
        ("outbound_features_enabled", "transcoding_used", "api_clients_kinds"),
        "Send which optional features this server has switched on, whether it transcodes,"
        " and which kinds of client (web, app) have connected. No names, titles or addresses.",
    ),
    Scope(
        "library_counts",
        SubjectKind.INSTANCE,
        (
            "library_kinds",
            "track_count",
            "album_count",
            "movie_count",
            "episode_count",
            "photo_count",
            "user_count",
        ),
        "Send how many libraries of each kind this server has, how many tracks, albums,"
        " films, episodes and photos they hold, and how many accounts exist. No titles,"
        " paths or names.",
    ),
    Scope(
        "crash_reports",
        SubjectKind.INSTANCE,
        ("parlour_version", "python_version", "exception_type", "code_locations"),
        "When Parlour fails, send the kind of error and the places in Parlour's own code"
        " where it happened (module and line). No values, file paths, titles or names.",
    ),
    Scope(
        "personal_usage",
        SubjectKind.USER,
        ("plays_per_week_band", "client_kinds_used", "features_used"),
        "Include, without your name or any id, roughly how much you play each week (a band"
        " such as 1-10), which kinds of client you use and which Parlour features you use."
        " No titles, history or addresses. Only you can give or withdraw this.",
    ),
)

CURRENT = Policy(POLICY_VERSION, SCOPES)


def payload_schema_hash(scope: str) -> str:
    """The sha256 of the canonical JSON of the current scope's fields."""
    return CURRENT.scope(scope).payload_schema_hash()


def notice_hash(scope: str) -> str:
    """The sha256 of the current scope's notice text."""
    return CURRENT.scope(scope).notice_hash()
