"""Subsonic search pages: a broad match (more entries than are ranked) is paged in
catalogue order and finds exactly what the ranked search finds."""

from sqlalchemy import func, select

from parlour.domain.accounts import HOST
from parlour.services.application import Parlour
from parlour.storage import schema as s
from parlour.storage.subsonic_music import Scope
from parlour.storage.subsonic_search import search_pages


def test_a_broad_search_pages_through_the_same_matches(demo_catalogue: Parlour) -> None:
    scope = Scope(HOST)
    with demo_catalogue.catalogue.reading() as conn:
        # The artist with the most tracks: their name is in each track's context.
        ar, ta = s.artists.c, s.track_artists.c
        name = (
            conn.execute(
                select(ar.name)
                .join(s.track_artists, ta.artist_id == ar.id)
                .group_by(ar.id, ar.name)
                .order_by(func.count(ta.track_id).desc(), ar.name)
            )
            .scalars()
            .first()
        )
        assert name is not None
        ranked = search_pages(conn, scope, name, {"song": (500, 0)})["song"]
        assert len(ranked) >= 3, name
        pages = [
            search_pages(conn, scope, name, {"song": (2, offset)}, ranked=0)["song"]
            for offset in range(0, len(ranked) + 4, 2)
        ]
        paged = [item for page in pages for item in page]
        assert len(paged) == len(set(paged))  # no song on two pages
        assert sorted(paged) == sorted(ranked)  # the same songs, in another order
        assert pages[-1] == []  # and nothing past the end
        # Kinds asked for nothing come back empty; a query of no words finds nothing.
        both = search_pages(conn, scope, name, {"song": (1, 0), "album": (0, 0)}, ranked=0)
        assert len(both["song"]) == 1 and both["album"] == []
        assert search_pages(conn, scope, "!!!", {"song": (5, 0)}) == {"song": []}


def test_ranked_pages_cut_one_order_for_every_kind(demo_catalogue: Parlour) -> None:
    """Pages of each kind, asked together with their own offsets, are slices of the one
    ranked order the search gives when asked for everything at once."""
    scope = Scope(HOST)
    with demo_catalogue.catalogue.reading() as conn:
        ar, aa = s.artists.c, s.album_artists.c
        name = (
            conn.execute(
                select(ar.name).join(s.album_artists, aa.artist_id == ar.id).order_by(ar.name)
            )
            .scalars()
            .first()
        )
        assert name is not None
        whole = search_pages(
            conn, scope, name, dict.fromkeys(("artist", "album", "song"), (500, 0))
        )
        assert whole["artist"] and whole["song"], name
        for offset in range(len(whole["song"]) + 2):
            page = search_pages(
                conn, scope, name, {"artist": (1, 0), "album": (2, offset), "song": (3, offset)}
            )
            assert page["artist"] == whole["artist"][:1]
            assert page["album"] == whole["album"][offset : offset + 2]
            assert page["song"] == whole["song"][offset : offset + 3]
