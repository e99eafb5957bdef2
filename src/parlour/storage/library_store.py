"""Libraries and their roots, and the counts a listing shows."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Table, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from parlour.domain.accounts import HOST, Viewer
from parlour.domain.errors import ConflictError, NotFoundError
from parlour.domain.ids import new_id
from parlour.domain.media import LibraryKind
from parlour.storage import schema as s
from parlour.storage import sidecar_store
from parlour.storage.visibility import rating_allows


@dataclass(frozen=True, slots=True)
class LibraryRow:
    id: str
    name: str
    kind: LibraryKind
    follow_symlinks: bool
    roots: tuple[tuple[str, str], ...]  # (root id, absolute path)
    last_scan_at: int | None
    seen_by: Viewer  # whom the row was read for: its counts are what they may see


def _rows(conn: Connection, seen_by: Viewer, where: object = None) -> list[LibraryRow]:
    lib = s.libraries.c
    query = select(lib.id, lib.name, lib.kind, lib.follow_symlinks, lib.last_scan_at).order_by(
        lib.name
    )
    if where is not None:
        query = query.where(where)  # type: ignore[arg-type]
    roots: dict[str, list[tuple[str, str]]] = {}
    for root_id, library_id, path in conn.execute(
        select(s.library_roots.c.id, s.library_roots.c.library_id, s.library_roots.c.path).order_by(
            s.library_roots.c.path
        )
    ):
        roots.setdefault(library_id, []).append((root_id, path))
    return [
        LibraryRow(
            row.id,
            row.name,
            LibraryKind(row.kind),
            row.follow_symlinks,
            tuple(roots.get(row.id, ())),
            row.last_scan_at,
            seen_by,
        )
        for row in conn.execute(query)
    ]


def list_libraries(conn: Connection, viewer: Viewer) -> list[LibraryRow]:
    """The libraries ``viewer`` may see: every one for an admin, else the ones the viewer
    carries (its grants, read when it signed in; an admin's app password carries every
    library without the admin role)."""
    if viewer.is_admin:
        return _rows(conn, viewer)
    return _rows(conn, viewer, s.libraries.c.id.in_(sorted(viewer.library_ids)))


def find_library(conn: Connection, name_or_id: str) -> LibraryRow:
    lib = s.libraries.c
    found = _rows(conn, HOST, (lib.id == name_or_id) | (lib.name == name_or_id))
    if not found:
        raise NotFoundError(f"no library named {name_or_id!r}")
    return found[0]


def create_library(
    conn: Connection,
    name: str,
    kind: LibraryKind,
    path: str,
    now: int,
    *,
    follow_symlinks: bool = False,
) -> LibraryRow:
    """Add a library with one root, or add the root to the existing library of that name."""
    lib = s.libraries.c
    existing = conn.execute(select(lib.id, lib.kind).where(lib.name == name)).first()
    if existing is not None and existing.kind != kind.value:
        raise ConflictError(f"library {name!r} already exists with kind {existing.kind}")
    owner = conn.execute(
        select(s.library_roots.c.library_id).where(s.library_roots.c.path == path)
    ).scalar()
    if owner is not None:
        raise ConflictError(f"{path} is already a root of another library")
    if existing is None:
        library_id = new_id()
        conn.execute(
            insert(s.libraries).values(
                id=library_id,
                name=name,
                kind=kind.value,
                follow_symlinks=follow_symlinks,
                created_at=now,
            )
        )
    else:
        library_id = existing.id
    try:
        conn.execute(insert(s.library_roots).values(id=new_id(), library_id=library_id, path=path))
    except IntegrityError as exc:  # a concurrent add of the same path
        raise ConflictError(f"{path} is already a library root") from exc
    return find_library(conn, library_id)


def delete_library(conn: Connection, library_id: str) -> None:
    """Forget a library and everything catalogued in it; files on disk are not touched.

    Foreign keys cascade from the library to its roots, folders, files, items, artwork,
    search entries (and so the FTS index, through its triggers) and grants; the cast,
    genre and people rows nothing refers to any more go by hand. Per-user state about
    its items is the activity store's to forget (``forget_missing_items``).
    """
    conn.execute(delete(s.libraries).where(s.libraries.c.id == library_id))
    sidecar_store.drop_orphans(conn)


def photo_locations_shown(conn: Connection, library_id: str) -> bool:
    """Whether a library's owner lets the people it is granted to see its photos'
    locations (never true but for a photos library)."""
    lib = s.libraries.c
    shown = conn.execute(
        select(lib.show_photo_locations).where(
            lib.id == library_id, lib.kind == LibraryKind.PHOTOS.value
        )
    ).scalar()
    return bool(shown)


def set_photo_locations(conn: Connection, library_id: str, shown: bool) -> None:
    conn.execute(
        update(s.libraries).where(s.libraries.c.id == library_id).values(show_photo_locations=shown)
    )


def mark_scanned(conn: Connection, library_id: str, now: int) -> None:
    conn.execute(update(s.libraries).where(s.libraries.c.id == library_id).values(last_scan_at=now))


def _count(conn: Connection, table: Table, library_id: str, *where: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(table).where(table.c.library_id == library_id, *where)
    return int(conn.execute(query).scalar_one())


def library_counts(conn: Connection, library: LibraryRow) -> dict[str, int]:
    """What a library holds, by kind, plus the files that could not be read; films and
    shows beyond the content rating limit of whom the row was read for are not counted."""
    lib_id = library.id
    counts: dict[str, int]
    if library.kind is LibraryKind.MUSIC:
        counts = {
            "tracks": _count(conn, s.tracks, lib_id),
            "albums": _count(conn, s.albums, lib_id),
            "artists": _count(conn, s.artists, lib_id),
        }
    elif library.kind in (LibraryKind.MOVIES, LibraryKind.VIDEOS):
        rated = rating_allows(library.seen_by, s.movies.c.content_rating)
        name = "movies" if library.kind is LibraryKind.MOVIES else "videos"
        counts = {name: _count(conn, s.movies, lib_id, rated)}
    elif library.kind is LibraryKind.SHOWS:
        rated = rating_allows(library.seen_by, s.shows.c.content_rating)
        seasons = (
            select(func.count())
            .select_from(s.seasons.join(s.shows))
            .where(s.shows.c.library_id == lib_id, rated)
        )
        episodes = (
            select(func.count())
            .select_from(s.episodes.join(s.shows, s.shows.c.id == s.episodes.c.show_id))
            .where(s.episodes.c.library_id == lib_id, rated)
        )
        counts = {
            "shows": _count(conn, s.shows, lib_id, rated),
            "seasons": int(conn.execute(seasons).scalar_one()),
            "episodes": int(conn.execute(episodes).scalar_one()),
        }
    else:
        counts = {"photos": _count(conn, s.photos, lib_id)}
    failed = select(func.count()).where(
        s.media_files.c.library_id == lib_id, s.media_files.c.status == "failed"
    )
    counts["failed"] = int(conn.execute(failed).scalar_one())
    return counts


def library_failures(conn: Connection, library_id: str) -> list[tuple[str, str, str]]:
    """(root path, relative path as text, reason) of every file that failed, by path."""
    f = s.media_files.c
    rows = conn.execute(
        select(s.library_roots.c.path, f.name, f.rel_path, f.error)
        .join(s.library_roots, s.library_roots.c.id == f.root_id)
        .where(f.library_id == library_id, f.status == "failed")
        .order_by(f.rel_path)
    )
    return [
        (root, bytes(rel).decode("utf-8", "replace"), error or "")
        for root, _name, rel, error in rows
    ]
