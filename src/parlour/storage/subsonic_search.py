"""Subsonic search (search2, search3): a page of the artists, albums and songs that match
a query, each kind paged apart, within the scope's libraries.

On SQLite each prefix term ("beat"*) costs a merge of the index entries of every word it
starts; bm25 reads each term's entries a second time for its statistics, and a count
first was a third pass. So a search is one statement, and it reads the match once to
choose how to page it:

- At most RANKED matches: ranked. Entries whose title holds more of the words at a
  word's start come first, then shorter titles, then catalogue order: "dawn" puts the
  song "Dawn" before "Whisper of Dawn", and both before a song on the album "Dawn". The
  title test is SQLite's ``lower``, ASCII only: a capital with a diacritic ranks as a
  title without the word (it is still found).
- More: paged in the index's order, each page read only as far as it needs, where
  ranking every entry would cost more than it tells.

Every value a client gives is a bound parameter; the statement's text varies only with
the number of words.
"""

import json
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Select, String, column, select, text
from sqlalchemy.sql.selectable import TextualSelect

from parlour.domain.activity import ItemKind
from parlour.storage import prepared
from parlour.storage import schema as s
from parlour.storage.fts import MAX_TERMS, prefix_query, search_terms
from parlour.storage.subsonic_music import Scope

RANKED = 2000
KINDS = {"artist": ItemKind.ARTIST, "album": ItemKind.ALBUM, "song": ItemKind.TRACK}

# An entry in scope: in one of the libraries (a JSON array), and an artist only when
# they are an album artist, as getArtists lists them.
_IN_SCOPE = """
    e.library_id IN (SELECT value FROM json_each(:libs))
    AND (e.kind != 'artist'
         OR EXISTS (SELECT 1 FROM album_artists aa WHERE aa.artist_id = e.item_id))
"""
# The first :cap matches, of any kind or library: how many there are chooses the paging.
# When they are few, "ranked" holds them all; else nothing (a LIMIT of 0 costs nothing).
_MATCHED = f"""
    WITH matched AS MATERIALIZED (
        SELECT rowid AS place FROM search_fts WHERE search_fts MATCH :q
        ORDER BY rowid LIMIT :cap
    ), ranked AS (
        SELECT place FROM matched
        LIMIT CASE WHEN (SELECT count(*) FROM matched) <= :ranked THEN -1 ELSE 0 END
    ), found AS (
        SELECT e.kind AS kind, e.item_id AS item_id, e.title AS title, ranked.place AS place
        FROM ranked CROSS JOIN search_entries e ON e.entry_id = ranked.place
        WHERE {_IN_SCOPE}
    )
"""  # noqa: S608


def _page_of(kind: str, hits: str) -> str:
    """A page of ``kind``'s matches (:<kind>_count from :<kind>_offset) as (kind, id,
    sort keys): ranked when "ranked" holds the matches, else in the index's order
    (CROSS JOIN: SQLite must not run MATCH once per entry of a library)."""
    page = f"LIMIT :{kind}_count OFFSET :{kind}_offset"
    broad = f"CASE WHEN (SELECT count(*) FROM matched) > :ranked THEN :{kind}_count ELSE 0 END"  # noqa: S608
    return f"""
        SELECT * FROM (
            SELECT kind, item_id, -({hits}) AS k1, length(title) AS k2, place AS k3
            FROM found WHERE kind = '{kind}'
            ORDER BY k1, k2, k3 {page}
        ) UNION ALL SELECT * FROM (
            SELECT e.kind, e.item_id, 0, 0, m.rowid
            FROM search_fts m CROSS JOIN search_entries e ON e.entry_id = m.rowid
            WHERE search_fts MATCH :q AND e.kind = '{kind}' AND {_IN_SCOPE}
            ORDER BY m.rowid LIMIT {broad} OFFSET :{kind}_offset
        )
    """  # noqa: S608


@lru_cache(maxsize=MAX_TERMS)
def _search(terms: int) -> TextualSelect:
    """The statement of a search of ``terms`` words (:t1 .. :tN, lower case)."""
    hits = " + ".join(
        f"(instr(' ' || lower(title), ' ' || :t{n}) > 0)" for n in range(1, terms + 1)
    )
    pages = " UNION ALL ".join(_page_of(kind.value, hits) for kind in KINDS.values())
    return text(_MATCHED + pages).columns(  # constant fragments and placeholders only
        column("kind", String), column("item_id", String), column("k1"), column("k2"), column("k3")
    )


@lru_cache(maxsize=256)
def _libraries_in(scope: Scope) -> Select[Any]:
    lib = s.libraries.c
    return select(lib.id).where(scope.holds(lib.id))


def _ascii_lower(term: str) -> str:
    """``term`` as SQLite's ``lower`` leaves it: only A-Z folded."""
    return "".join(ch.lower() if "A" <= ch <= "Z" else ch for ch in term)


def _everything(scope: Scope, kind: str) -> Select[Any]:
    """Every artist (who is an album artist), album or song in scope, by name."""
    if kind == "artist":
        ar, aa = s.artists.c, s.album_artists.c
        return (
            select(ar.id)
            .where(scope.holds(ar.library_id), ar.id.in_(select(aa.artist_id)))
            .order_by(ar.sort_name, ar.id)
        )
    if kind == "album":
        al = s.albums.c
        return select(al.id).where(scope.holds(al.library_id)).order_by(al.sort_title, al.id)
    t = s.tracks.c
    return select(t.id).where(scope.holds(t.library_id)).order_by(t.sort_title, t.id)


def search_pages(
    conn: Connection,
    scope: Scope,
    words: str | None,
    pages: dict[str, tuple[int, int]],
    ranked: int = RANKED,
) -> dict[str, list[str]]:
    """A page of the ids of each kind ("artist", "album", "song") that match ``words``,
    best first (when at most ``ranked`` entries match): ``pages`` maps a kind to (count,
    offset). Every one in scope, by name, when ``words`` is None."""
    wanted = {kind: page for kind, page in pages.items() if page[0] > 0}
    found: dict[str, list[str]] = {kind: [] for kind in pages}
    if not wanted:
        return found
    if words is None:
        for kind, (count, offset) in wanted.items():
            query = _everything(scope, kind).limit(count).offset(offset)
            found[kind] = list(conn.execute(query).scalars())
        return found
    terms = search_terms(words)
    if not terms:
        return found
    match = prefix_query(terms)
    libs = [row[0] for row in prepared.rows(conn, _libraries_in(scope), {})]
    if not libs:
        return found
    values: dict[str, Any] = {
        "q": match,
        "libs": json.dumps(libs),
        "cap": ranked + 1,
        "ranked": ranked,
    }
    for kind, item_kind in KINDS.items():
        count, offset = wanted.get(kind, (0, 0))
        values |= {f"{item_kind.value}_count": count, f"{item_kind.value}_offset": offset}
    values |= {f"t{n}": _ascii_lower(term) for n, term in enumerate(terms, 1)}
    by_kind: dict[str, list[tuple[Any, ...]]] = {}
    for kind, item_id, *keys in prepared.rows(conn, _search(len(terms)), values):
        by_kind.setdefault(kind, []).append((*keys, item_id))  # sorted by keys below
    for kind in wanted:
        found[kind] = [row[-1] for row in sorted(by_kind.get(KINDS[kind].value, []))]
    return found
