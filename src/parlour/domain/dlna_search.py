"""ContentDirectory's SearchCriteria and SortCriteria, read into small trees the catalogue
can turn into SQL (UPnP ContentDirectory:1, 2.5.5 and 2.5.7).

Only what televisions and consoles send is understood: ``upnp:class`` (``=`` and
``derivedfrom``), text properties (``dc:title``, ``upnp:artist``, ``dc:creator``,
``upnp:album``, ``upnp:genre``) with ``contains``, ``doesNotContain`` and ``=``, and
``@refID exists`` (nothing here is a reference). Anything else is refused, so a device
is told (fault 708) rather than shown a wrong answer.
"""

from dataclasses import dataclass

from parlour.domain.errors import InvalidInputError

MAX_CRITERIA = 1024  # characters; TVs send well under 200
MAX_DEPTH = 16  # nested parentheses

TEXT_PROPERTIES = frozenset({"dc:title", "upnp:artist", "dc:creator", "upnp:album", "upnp:genre"})
TEXT_OPERATORS = frozenset({"contains", "doesNotContain", "="})
CLASS_OPERATORS = frozenset({"=", "derivedfrom"})
SORT_PROPERTIES = frozenset({"dc:title", "dc:date", "upnp:originalTrackNumber"})
SEARCH_CAPABILITIES = "upnp:class,dc:title,upnp:artist,dc:creator,upnp:album,upnp:genre,@refID"
SORT_CAPABILITIES = ",".join(sorted(SORT_PROPERTIES))


class UnsupportedCriteriaError(InvalidInputError):
    """A SearchCriteria this server does not understand (UPnP fault 708)."""


class UnsupportedSortError(InvalidInputError):
    """A SortCriteria naming a property this server cannot sort by (UPnP fault 709)."""


class UnsupportedScopeError(InvalidInputError):
    """A search in a container it cannot search within (UPnP fault 720)."""


@dataclass(frozen=True, slots=True)
class Everything:
    """``*``: every object."""


@dataclass(frozen=True, slots=True)
class ClassIs:
    upnp_class: str
    derived: bool  # "derivedfrom" (a prefix, by whole segments) rather than "="


@dataclass(frozen=True, slots=True)
class TextMatch:
    prop: str
    operator: str  # "contains" | "doesNotContain" | "="
    value: str


@dataclass(frozen=True, slots=True)
class Constant:
    """A test whose answer is known without looking (``@refID exists false``)."""

    truth: bool


@dataclass(frozen=True, slots=True)
class AllOf:
    left: "Criteria"
    right: "Criteria"


@dataclass(frozen=True, slots=True)
class AnyOf:
    left: "Criteria"
    right: "Criteria"


Criteria = Everything | ClassIs | TextMatch | Constant | AllOf | AnyOf


@dataclass(frozen=True, slots=True)
class SortKey:
    prop: str
    descending: bool


def class_matches(criterion: ClassIs, upnp_class: str) -> bool:
    """Whether an object of ``upnp_class`` meets ``criterion``."""
    if not criterion.derived:
        return upnp_class == criterion.upnp_class
    wanted = criterion.upnp_class.rstrip(".")
    return upnp_class == wanted or upnp_class.startswith(wanted + ".")


def parse_sort(text: str) -> tuple[SortKey, ...]:
    """``+dc:title,-dc:date`` (a missing sign means ascending)."""
    keys = []
    for part in text.split(","):
        name = part.strip()
        if not name:
            continue
        descending = name.startswith("-")
        prop = name.lstrip("+-").strip()
        if prop not in SORT_PROPERTIES:
            raise UnsupportedSortError(f"cannot sort by {prop[:40]!r}")
        keys.append(SortKey(prop, descending))
    return tuple(keys)


def parse_criteria(text: str) -> Criteria:
    if len(text) > MAX_CRITERIA:
        raise UnsupportedCriteriaError("the search criteria are too long")
    tokens = _tokens(text)
    if tokens == ["*"]:
        return Everything()
    reader = _Reader(tokens)
    found = reader.disjunction(0)
    if reader.position != len(tokens):
        raise UnsupportedCriteriaError("unexpected text after the search criteria")
    return found


def _tokens(text: str) -> list[str]:
    """Words, operators, parentheses and quoted values (kept with a leading '"')."""
    tokens: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(ch)
            i += 1
        elif ch == '"':
            value, i = _quoted(text, i + 1)
            tokens.append('"' + value)
        else:
            start = i
            while i < len(text) and not text[i].isspace() and text[i] not in '()"':
                i += 1
            tokens.append(text[start:i])
    return tokens


def _quoted(text: str, i: int) -> tuple[str, int]:
    out = []
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
        elif ch == '"':
            return "".join(out), i + 1
        else:
            out.append(ch)
            i += 1
    raise UnsupportedCriteriaError("a quoted value is not closed")


class _Reader:
    """Recursive descent: ``or`` binds looser than ``and`` (the spec's precedence)."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens, self.position = tokens, 0

    def _next(self) -> str:
        if self.position >= len(self.tokens):
            raise UnsupportedCriteriaError("the search criteria end too soon")
        token = self.tokens[self.position]
        self.position += 1
        return token

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def disjunction(self, depth: int) -> Criteria:
        found = self.conjunction(depth)
        while (self._peek() or "").lower() == "or":
            self.position += 1
            found = AnyOf(found, self.conjunction(depth))
        return found

    def conjunction(self, depth: int) -> Criteria:
        found = self.term(depth)
        while (self._peek() or "").lower() == "and":
            self.position += 1
            found = AllOf(found, self.term(depth))
        return found

    def term(self, depth: int) -> Criteria:
        if depth > MAX_DEPTH:
            raise UnsupportedCriteriaError("the search criteria nest too deeply")
        word = self._next()
        if word == "(":
            inner = self.disjunction(depth + 1)
            if self._next() != ")":
                raise UnsupportedCriteriaError("a parenthesis is not closed")
            return inner
        return self.relation(word)

    def relation(self, prop: str) -> Criteria:
        operator = self._next()
        operand = self._next()
        if operator == "exists":
            if operand not in ("true", "false"):
                raise UnsupportedCriteriaError("'exists' takes true or false")
            if prop != "@refID":
                raise UnsupportedCriteriaError(f"cannot search by {prop[:40]!r}")
            return Constant(operand == "false")  # no object here is a reference
        if not operand.startswith('"'):
            raise UnsupportedCriteriaError("a value must be quoted")
        value = operand[1:]
        if prop == "upnp:class" and operator in CLASS_OPERATORS:
            return ClassIs(value, operator == "derivedfrom")
        if prop in TEXT_PROPERTIES and operator in TEXT_OPERATORS:
            return TextMatch("upnp:artist" if prop == "dc:creator" else prop, operator, value)
        raise UnsupportedCriteriaError(f"cannot search by {prop[:40]!r} {operator[:20]!r}")
