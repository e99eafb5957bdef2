"""The usage report's bytes (P-03, PR-02): one function makes both the preview an admin
or user reads and the body that is sent, so the two cannot differ.

A report carries only the scopes whose consent counts, each with exactly the fields the
policy lists for it (anything else raises: a programming slip fails closed instead of
sending an undeclared field). Bands and buckets stand in for exact numbers.
"""

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from parlour.privacy.policy import Policy

REPORT_SCHEMA = "parlour-usage-report"
REPORT_SCHEMA_VERSION = 1
DELETION_SCHEMA = "parlour-usage-report-deletion"
ENVELOPE_FIELDS = ("schema", "schema_version", "policy_version", "install_id", "scopes")
# Scopes whose section is a list of entries (one per crash, one per consenting person);
# the others are one entry.
LIST_SCOPES = frozenset({"crash_reports", "personal_usage"})

Entry = Mapping[str, Any]


def declared_fields(policy: Policy) -> tuple[str, ...]:
    """Every field a report of this policy could carry, as the outbound gate lists them."""
    return ENVELOPE_FIELDS + tuple(
        f"scopes.{scope.name}.{field}" for scope in policy.scopes for field in scope.fields
    )


def _canonical(document: Any) -> bytes:
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def _checked(policy: Policy, name: str, entry: Entry) -> Entry:
    fields = policy.scope(name).fields
    if tuple(sorted(entry)) != tuple(sorted(fields)):
        raise ValueError(f"a {name} entry must have exactly {fields}, not {tuple(entry)}")
    return entry


def build(
    policy: Policy, sections: Mapping[str, Entry | Sequence[Entry]], install_id: str | None
) -> bytes:
    """The report for ``sections`` (scope name → its entry, or its entries for the list
    scopes), in canonical JSON: ASCII, sorted keys, no spaces."""
    scopes: dict[str, Any] = {}
    for name, section in sections.items():
        if name in LIST_SCOPES:
            assert not isinstance(section, Mapping)
            # Sorted by content: the order tells nothing about whose entry is whose.
            entries = [_checked(policy, name, entry) for entry in section]
            scopes[name] = sorted(entries, key=_canonical)
        else:
            assert isinstance(section, Mapping)
            scopes[name] = _checked(policy, name, section)
    return _canonical(
        {
            "schema": REPORT_SCHEMA,
            "schema_version": REPORT_SCHEMA_VERSION,
            "policy_version": policy.version,
            "install_id": install_id,
            "scopes": scopes,
        }
    )


def entry_bytes(policy: Policy, name: str, entry: Entry) -> bytes:
    """One entry exactly as it appears inside a report (a person's own preview)."""
    return _canonical(_checked(policy, name, entry))


def deletion_request(install_id: str) -> bytes:
    """What withdrawal may send the receiver: forget everything under this id (P-06)."""
    request = {"schema": DELETION_SCHEMA, "schema_version": REPORT_SCHEMA_VERSION}
    return _canonical({**request, "install_id": install_id})


def consent_key(counted: Iterable[tuple[str, str, int]]) -> str:
    """A digest of the consents a report is made under: (subject, scope, record id)
    each. Any change (a withdrawal, a new policy, an account gone) changes it."""
    return hashlib.sha256(_canonical(sorted(counted))).hexdigest()


# -- bands: rough numbers that say how big, never how many exactly ------------------------


def bucket(count: int) -> str:
    """0, 1-9, 10-99, 100-999, ... 100000+."""
    if count <= 0:
        return "0"
    if count >= 100_000:
        return "100000+"
    low = 10 ** (len(str(count)) - 1)
    return f"{low}-{low * 10 - 1}"


_PLAY_BANDS = ((0, "0"), (10, "1-10"), (50, "11-50"), (200, "51-200"))


def plays_band(plays: int) -> str:
    for ceiling, band in _PLAY_BANDS:
        if plays <= ceiling:
            return band
    return "201+"


# -- crash entries: the kind of error and where in Parlour, nothing else --------------------

_CODE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
MAX_LOCATIONS = 20


@dataclass(frozen=True, slots=True)
class Crash:
    exception_type: str
    code_locations: tuple[str, ...]


def crash_of(error: BaseException) -> Crash:
    """The exception's class and the ``module:line`` of each frame in Parlour's own code.
    No message, argument, value or path: those can hold titles, names or secrets."""
    kind = type(error)
    module = kind.__module__
    name = kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"
    if not _CODE_NAME.match(name):
        name = "unknown"
    return Crash(name, tuple(_locations(error.__traceback__))[-MAX_LOCATIONS:])


def _locations(tb: TracebackType | None) -> Iterable[str]:
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__", "")
        if isinstance(module, str) and module.startswith("parlour.") and _CODE_NAME.match(module):
            yield f"{module}:{tb.tb_lineno}"
        tb = tb.tb_next
