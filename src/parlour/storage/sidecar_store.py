"""Folder sidecars and the tidy-up that ends every scan.

A folder is marked dirty in the same transaction as any change inside it, so the pass
that matches its subtitles, artwork and .nfo files runs even after a killed scan.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, exists, insert, select, update

from parlour.domain.ids import new_id
from parlour.domain.media import is_disc_folder
from parlour.domain.records import FolderItems, FolderVideo, SidecarPlan
from parlour.storage import schema as s
from parlour.storage.item_writer import ItemWriter, sort_key

_ITEM_TABLES: dict[str, Table] = {
    t.name: t for t in (s.albums, s.movies, s.shows, s.seasons, s.episodes)
}


def dirty_folders(conn: Connection, library_id: str, kind: str) -> list[FolderItems]:
    """The dirty folders of a library with the items in each, in a fixed number of queries."""
    fo, f = s.folders.c, s.media_files.c
    dirty = select(fo.id).where(fo.library_id == library_id, fo.dirty.is_(True))
    rows = conn.execute(select(fo.id, fo.root_id, fo.rel_path).where(fo.id.in_(dirty))).all()
    if not rows:
        return []
    videos: dict[str, list[FolderVideo]] = {}
    for table in (s.movies, s.episodes):
        query = (
            select(f.folder_id, f.id, f.rel_path, table.c.id)
            .join(table, table.c.file_id == f.id)
            .where(f.folder_id.in_(dirty))
        )
        for folder_id, file_id, rel, item_id in conn.execute(query):
            name = bytes(rel).rsplit(b"/", 1)[-1]
            videos.setdefault(folder_id, []).append(FolderVideo(file_id, name, table.name, item_id))
    # An album's folder is where its tracks are, or the parent of their "Disc N" folder.
    album_folder = {folder_id: folder_id for folder_id, _, _ in rows}
    for child_id, parent_id, name in conn.execute(
        select(fo.id, fo.parent_id, fo.name).where(fo.parent_id.in_(dirty))
    ):
        if is_disc_folder(name):
            album_folder[child_id] = parent_id
    albums: dict[str, set[str]] = {}
    for folder_id, album_id in conn.execute(
        select(f.folder_id, s.tracks.c.album_id)
        .join(s.tracks, s.tracks.c.file_id == f.id)
        .where(f.folder_id.in_(list(album_folder)))
        .distinct()
    ):
        albums.setdefault(album_folder[folder_id], set()).add(album_id)
    shows: dict[str, list[str]] = {}
    seasons: dict[str, dict[tuple[str, int], None]] = {}
    sh, se = s.shows.c, s.seasons.c
    for folder_id, show_id, season_id, number in conn.execute(
        select(sh.folder_id, sh.id, se.id, se.number)
        .outerjoin(s.seasons, se.show_id == sh.id)
        .where(sh.folder_id.in_(dirty))
    ):
        if show_id not in shows.setdefault(folder_id, []):
            shows[folder_id].append(show_id)
        if season_id is not None:
            seasons.setdefault(folder_id, {})[(season_id, number)] = None
    here: dict[str, set[tuple[str, int]]] = {}
    for folder_id, season_id, number in conn.execute(
        select(f.folder_id, se.id, se.number)
        .join(s.episodes, s.episodes.c.file_id == f.id)
        .join(s.seasons, se.id == s.episodes.c.season_id)
        .where(f.folder_id.in_(dirty))
        .distinct()
    ):
        here.setdefault(folder_id, set()).add((season_id, number))
        seasons.setdefault(folder_id, {})[(season_id, number)] = None
    return [
        FolderItems(
            folder_id=folder_id,
            root_id=root_id,
            rel_path=bytes(rel_path),
            library_kind=kind,
            videos=tuple(videos.get(folder_id, ())),
            albums=tuple(sorted(albums.get(folder_id, ()))),
            shows=tuple(shows.get(folder_id, ())),
            seasons=tuple(seasons.get(folder_id, {})),
            season_folder=(
                bool(here.get(folder_id))
                and not shows.get(folder_id)
                and len({n for _, n in here[folder_id]}) == 1
            ),
        )
        for folder_id, root_id, rel_path in rows
    ]


def _people(conn: Connection, names: Sequence[str]) -> dict[str, str]:
    ids = dict(
        conn.execute(select(s.people.c.name, s.people.c.id).where(s.people.c.name.in_(names))).all()
    )
    for name in names:
        if name not in ids:
            ids[name] = new_id()
            conn.execute(insert(s.people).values(id=ids[name], name=name))
    return ids


def apply_plans(
    conn: Connection, writer: ItemWriter, library_id: str, plans: Sequence[SidecarPlan]
) -> None:
    """Write what the sidecar pass decided for many folders (``clear_dirty`` follows)."""
    if not plans:
        return
    f, a = s.media_files.c, s.artwork.c
    with_videos = [plan.folder_id for plan in plans if plan.nfo or plan.subtitles]
    if with_videos:
        videos = select(f.id).where(f.folder_id.in_(with_videos))
        conn.execute(delete(s.external_subtitles).where(s.external_subtitles.c.file_id.in_(videos)))
    subtitles = [
        {
            "id": new_id(),
            "file_id": sub.video_file_id,
            "root_id": plan.root_id,
            "rel_path": sub.rel_path,
            "format": sub.format,
            "language": sub.language,
            "is_forced": sub.forced,
            "is_sdh": sub.sdh,
            "is_default": sub.default,
        }
        for plan in plans
        for sub in plan.subtitles
    ]
    if subtitles:
        conn.execute(insert(s.external_subtitles), subtitles)

    wanted = {(plan.root_id, c.rel_path) for plan in plans for c in plan.artwork if c.rel_path}
    known: dict[tuple[str, bytes], str] = {}
    if wanted:
        existing = conn.execute(
            select(a.root_id, a.rel_path, a.id).where(
                a.library_id == library_id, a.source == "sidecar"
            )
        )
        known = {(root_id, bytes(rel)): artwork_id for root_id, rel, artwork_id in existing}
        new_rows = []
        for ref in wanted - known.keys():
            known[ref] = new_id()
            new_rows.append(
                {
                    "id": known[ref],
                    "library_id": library_id,
                    "source": "sidecar",
                    "root_id": ref[0],
                    "rel_path": ref[1],
                }
            )
        if new_rows:
            conn.execute(insert(s.artwork), new_rows)
    chosen: dict[tuple[str, str], list[dict[str, Any]]] = {}
    cleared: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for plan in plans:
        for choice in plan.artwork:
            target = (choice.item_table, choice.column)
            if choice.rel_path:
                row = {"item_id": choice.item_id, "art": known[(plan.root_id, choice.rel_path)]}
                chosen.setdefault(target, []).append(row)
            else:
                cleared.setdefault(target, []).append({"item_id": choice.item_id})
    for (table_name, column), updates in chosen.items():
        table = _ITEM_TABLES[table_name]
        statement = update(table).where(table.c.id == bindparam("item_id"))
        conn.execute(statement.values({column: bindparam("art")}), updates)
    for (table_name, column), updates in cleared.items():
        # Only a sidecar choice is undone; an embedded or frame fallback stays as it is.
        # The artwork row is looked up by its id: an IN over every sidecar artwork of
        # the catalogue was built again for each item (11 s for 3,000 films).
        table = _ITEM_TABLES[table_name]
        is_sidecar = exists().where(a.id == table.c[column], a.source == "sidecar")
        statement = update(table).where(table.c.id == bindparam("item_id"), is_sidecar)
        conn.execute(statement.values({column: None}), updates)
    for plan in plans:
        for nfo_choice in plan.nfo:
            _apply_nfo(conn, writer, nfo_choice.item_table, nfo_choice.item_id, nfo_choice)


def _apply_nfo(
    conn: Connection, writer: ItemWriter, table_name: str, item_id: str, choice: Any
) -> None:
    nfo = choice.nfo
    table = _ITEM_TABLES[table_name]
    title = (nfo.title if nfo else None) or choice.title
    values: dict[str, Any] = {"title": title, "plot": nfo.plot if nfo else None}
    if table_name in ("movies", "shows"):
        values["sort_title"] = sort_key((nfo.sort_title if nfo else None) or title)
        values["year"] = (nfo.year if nfo else None) or choice.year
        values["content_rating"] = nfo.content_rating if nfo else None
    if table_name == "movies":
        values.update(
            original_title=nfo.original_title if nfo else None,
            tagline=nfo.tagline if nfo else None,
            premiered=nfo.premiered if nfo else None,
        )
    conn.execute(update(table).where(table.c.id == item_id).values(values))
    conn.execute(delete(s.video_genres).where(s.video_genres.c.video_id == item_id))
    conn.execute(delete(s.credits).where(s.credits.c.video_id == item_id))
    people_text = ""
    if nfo is not None:
        genre_rows = [
            {"video_id": item_id, "genre_id": writer.genre(conn, name), "position": i}
            for i, name in enumerate(dict.fromkeys(nfo.genres))
        ]
        writer.flush(conn)
        if genre_rows:
            conn.execute(insert(s.video_genres), genre_rows)
        credits = [(name, "director", None) for name in nfo.directors]
        credits += [(name, "actor", role) for name, role in nfo.actors]
        ids = _people(conn, list(dict.fromkeys(name for name, _, _ in credits)))
        seen: set[tuple[str, str]] = set()
        rows = []
        for position, (name, role, character) in enumerate(credits):
            if (name, role) not in seen:
                seen.add((name, role))
                rows.append(
                    {
                        "video_id": item_id,
                        "person_id": ids[name],
                        "role": role,
                        "character": character,
                        "position": position,
                    }
                )
        if rows:
            conn.execute(insert(s.credits), rows)
        people_text = " ".join(dict.fromkeys(name for name, _, _ in credits))
    conn.execute(
        update(s.search_entries)
        .where(s.search_entries.c.item_id == item_id)
        .values(title=title, people=people_text)
    )


def _fill_fallback_artwork(conn: Connection, library_id: str) -> None:
    """Albums without a cover image file use a track's embedded picture; films use a frame."""
    t, f, al = s.tracks.c, s.media_files.c, s.albums.c
    rows = conn.execute(
        select(t.album_id, t.file_id)
        .join(s.albums, al.id == t.album_id)
        .where(al.library_id == library_id, al.cover_id.is_(None), t.has_picture.is_(True))
        .order_by(t.album_id, t.disc_no, t.track_no, t.file_id)
    ).all()
    first: dict[str, str] = {}
    for album_id, file_id in rows:
        first.setdefault(album_id, file_id)
    for album_id, file_id in first.items():
        artwork_id = new_id()
        conn.execute(
            insert(s.artwork).values(
                id=artwork_id, library_id=library_id, source="embedded", file_id=file_id
            )
        )
        conn.execute(update(s.albums).where(al.id == album_id).values(cover_id=artwork_id))
    m = s.movies.c
    for movie_id, file_id, duration in conn.execute(
        select(m.id, m.file_id, f.duration_ms)
        .join(s.media_files, f.id == m.file_id)
        .where(m.library_id == library_id, m.poster_id.is_(None))
    ):
        artwork_id = new_id()
        frame_ms = min((duration or 0) // 10, 300_000)  # a tenth in, past titles, at most 5 min
        conn.execute(
            insert(s.artwork).values(
                id=artwork_id,
                library_id=library_id,
                source="frame",
                file_id=file_id,
                frame_ms=frame_ms,
            )
        )
        conn.execute(update(s.movies).where(m.id == movie_id).values(poster_id=artwork_id))


def tidy(conn: Connection, library_id: str) -> None:
    """Remove what no longer has anything in it, then give items their fallback artwork."""
    lib = library_id
    t, al, ar = s.tracks.c, s.albums.c, s.artists.c
    conn.execute(delete(s.albums).where(al.library_id == lib, ~exists().where(t.album_id == al.id)))
    conn.execute(
        delete(s.artists).where(
            ar.library_id == lib,
            ~exists().where(s.track_artists.c.artist_id == ar.id),
            ~exists().where(s.album_artists.c.artist_id == ar.id),
        )
    )
    e, se, sh = s.episodes.c, s.seasons.c, s.shows.c
    conn.execute(
        delete(s.seasons).where(
            se.show_id.in_(select(sh.id).where(sh.library_id == lib)),
            ~exists().where(e.season_id == se.id),
        )
    )
    conn.execute(delete(s.shows).where(sh.library_id == lib, ~exists().where(e.show_id == sh.id)))
    drop_orphans(conn)
    item_tables = {
        "artist": s.artists,
        "album": s.albums,
        "track": s.tracks,
        "movie": s.movies,
        "show": s.shows,
        "episode": s.episodes,
        "photo": s.photos,
    }
    se_c = s.search_entries.c
    for kind, table in item_tables.items():
        conn.execute(
            delete(s.search_entries).where(
                se_c.library_id == lib,
                se_c.kind == kind,
                ~exists().where(table.c.id == se_c.item_id),
            )
        )
    _fill_fallback_artwork(conn, lib)
    a = s.artwork.c
    used = [
        select(al.cover_id).where(al.cover_id == a.id),
        select(s.movies.c.poster_id).where(s.movies.c.poster_id == a.id),
        select(s.movies.c.fanart_id).where(s.movies.c.fanart_id == a.id),
        select(sh.poster_id).where(sh.poster_id == a.id),
        select(sh.fanart_id).where(sh.fanart_id == a.id),
        select(se.poster_id).where(se.poster_id == a.id),
    ]
    conn.execute(delete(s.artwork).where(a.library_id == lib, *[~exists(q) for q in used]))


def drop_orphans(conn: Connection) -> None:
    """Remove the rows no foreign key cleans up: genre and cast links of videos that are
    gone, then genres and people nothing refers to any more (all libraries share them)."""
    sh, e = s.shows.c, s.episodes.c
    video_ids = select(s.movies.c.id).union_all(select(sh.id), select(e.id))
    for link in (s.video_genres, s.credits):
        conn.execute(delete(link).where(link.c.video_id.not_in(video_ids)))
    g = s.genres.c
    conn.execute(
        delete(s.genres).where(
            ~exists().where(s.track_genres.c.genre_id == g.id),
            ~exists().where(s.video_genres.c.genre_id == g.id),
        )
    )
    conn.execute(delete(s.people).where(~exists().where(s.credits.c.person_id == s.people.c.id)))


def clear_dirty(conn: Connection, folder_ids: Sequence[str]) -> None:
    for start in range(0, len(folder_ids), 500):
        chunk = folder_ids[start : start + 500]
        conn.execute(update(s.folders).where(s.folders.c.id.in_(chunk)).values(dirty=False))
