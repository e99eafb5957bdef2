"""Folder sidecars and the tidy-up that ends every scan.

A folder is marked dirty in the same transaction as any change inside it, so the pass
that matches its subtitles, artwork and .nfo files runs even after a killed scan.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, exists, insert, select, update

from parlour.domain.ids import new_id
from parlour.domain.media import is_disc_folder
from parlour.domain.records import FolderItems, FolderVideo, SidecarPlan
from parlour.storage import schema as s
from parlour.storage.item_writer import ItemWriter, sort_key

_ITEM_TABLES: dict[str, Table] = {
    t.name: t for t in (s.albums, s.movies, s.shows, s.seasons, s.episodes)
}
_DISC_PREFIXES = ("disc", "disk", "cd")


def _is_disc_name(name: str) -> bool:
    folded = name.casefold()
    return any(
        folded.startswith(p) and folded[len(p) :].strip()[:1].isdigit() for p in _DISC_PREFIXES
    )


def dirty_folders(conn: Connection, library_id: str, kind: str) -> list[FolderItems]:
    """The dirty folders of a library with the items in each."""
    fo = s.folders.c
    rows = conn.execute(
        select(fo.id, fo.root_id, fo.rel_path, fo.name).where(
            fo.library_id == library_id, fo.dirty.is_(True)
        )
    ).all()
    result = []
    for folder_id, root_id, rel_path, _name in rows:
        f = s.media_files.c
        videos: list[FolderVideo] = []
        for table in (s.movies, s.episodes):
            query = (
                select(f.id, f.rel_path, table.c.id)
                .join(table, table.c.file_id == f.id)
                .where(f.folder_id == folder_id)
            )
            videos.extend(
                FolderVideo(file_id, bytes(rel).rsplit(b"/", 1)[-1], table.name, item_id)
                for file_id, rel, item_id in conn.execute(query)
            )
        child = s.folders.alias("child")
        disc_children = [
            cid
            for cid, cname in conn.execute(
                select(child.c.id, child.c.name).where(child.c.parent_id == folder_id)
            )
            if is_disc_folder(cname)
        ]
        album_folders = [folder_id, *disc_children]
        albums = conn.execute(
            select(s.tracks.c.album_id)
            .join(s.media_files, s.media_files.c.id == s.tracks.c.file_id)
            .where(f.folder_id.in_(album_folders))
            .distinct()
        ).scalars()
        shows = list(
            conn.execute(select(s.shows.c.id).where(s.shows.c.folder_id == folder_id)).scalars()
        )
        seasons_of_shows = conn.execute(
            select(s.seasons.c.id, s.seasons.c.number).where(s.seasons.c.show_id.in_(shows))
        ).all()
        seasons_here = conn.execute(
            select(s.seasons.c.id, s.seasons.c.number)
            .join(s.episodes, s.episodes.c.season_id == s.seasons.c.id)
            .join(s.media_files, s.media_files.c.id == s.episodes.c.file_id)
            .where(f.folder_id == folder_id)
            .distinct()
        ).all()
        here = list(seasons_here)
        result.append(
            FolderItems(
                folder_id=folder_id,
                root_id=root_id,
                rel_path=bytes(rel_path),
                library_kind=kind,
                videos=tuple(videos),
                albums=tuple(albums),
                shows=tuple(shows),
                seasons=tuple(dict.fromkeys([*seasons_of_shows, *here])),
                season_folder=bool(here) and not shows and len({n for _, n in here}) == 1,
            )
        )
    return result


def _sidecar_artwork(conn: Connection, library_id: str, root_id: str, rel_path: bytes) -> str:
    a = s.artwork.c
    found = conn.execute(
        select(a.id).where(
            a.library_id == library_id,
            a.source == "sidecar",
            a.root_id == root_id,
            a.rel_path == rel_path,
        )
    ).scalar()
    if found is not None:
        return str(found)
    artwork_id = new_id()
    conn.execute(
        insert(s.artwork).values(
            id=artwork_id,
            library_id=library_id,
            source="sidecar",
            root_id=root_id,
            rel_path=rel_path,
        )
    )
    return artwork_id


def _people(conn: Connection, names: Sequence[str]) -> dict[str, str]:
    ids = dict(
        conn.execute(select(s.people.c.name, s.people.c.id).where(s.people.c.name.in_(names))).all()
    )
    for name in names:
        if name not in ids:
            ids[name] = new_id()
            conn.execute(insert(s.people).values(id=ids[name], name=name))
    return ids


def apply_plan(conn: Connection, writer: ItemWriter, library_id: str, plan: SidecarPlan) -> None:
    """Write what the sidecar pass decided for one folder and mark it clean."""
    f = s.media_files.c
    folder_videos = select(f.id).where(f.folder_id == plan.folder_id)
    conn.execute(
        delete(s.external_subtitles).where(s.external_subtitles.c.file_id.in_(folder_videos))
    )
    if plan.subtitles:
        conn.execute(
            insert(s.external_subtitles),
            [
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
                for sub in plan.subtitles
            ],
        )
    for choice in plan.artwork:
        table = _ITEM_TABLES[choice.item_table]
        artwork_id = (
            _sidecar_artwork(conn, library_id, plan.root_id, choice.rel_path)
            if choice.rel_path
            else None
        )
        conn.execute(
            update(table).where(table.c.id == choice.item_id).values({choice.column: artwork_id})
        )
    for nfo_choice in plan.nfo:
        _apply_nfo(conn, writer, nfo_choice.item_table, nfo_choice.item_id, nfo_choice)
    conn.execute(update(s.folders).where(s.folders.c.id == plan.folder_id).values(dirty=False))


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


def clear_dirty(conn: Connection, folder_ids: Sequence[str]) -> None:
    if folder_ids:
        conn.execute(
            update(s.folders).where(and_(s.folders.c.id.in_(folder_ids))).values(dirty=False)
        )
