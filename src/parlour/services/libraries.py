"""Libraries as callers see them: adding and removing folders, listing with counts,
failures."""

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from parlour.domain.accounts import Viewer
from parlour.domain.errors import ConflictError, InvalidInputError
from parlour.domain.media import LibraryKind
from parlour.services.scan_lock import ScanLock
from parlour.services.viewer_cache import RecentViewers
from parlour.storage import activity_store, library_store
from parlour.storage.engine import Catalogue
from parlour.storage.item_writer import now_s

_DEFAULT_NAMES = {
    LibraryKind.MUSIC: "Music",
    LibraryKind.MOVIES: "Films",
    LibraryKind.SHOWS: "Shows",
    LibraryKind.PHOTOS: "Photos",
    LibraryKind.VIDEOS: "Videos",
}
# How long removing a library waits for a running scan before it answers "busy".
REMOVE_WAIT_S = 5.0


@dataclass(frozen=True, slots=True)
class LibraryInfo:
    id: str
    name: str
    kind: str
    paths: tuple[str, ...]
    counts: dict[str, int]
    last_scan_at: int | None

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "paths": list(self.paths),
            "counts": self.counts,
            "last_scan_at": self.last_scan_at,
        }


@dataclass(frozen=True, slots=True)
class FailedFile:
    path: str
    reason: str


class LibraryService:
    def __init__(
        self, catalogue: Catalogue, scan_lock: ScanLock, recent_viewers: RecentViewers
    ) -> None:
        self.catalogue = catalogue
        self.scan_lock = scan_lock
        self.recent_viewers = recent_viewers

    def add(
        self,
        viewer: Viewer,
        kind: str,
        path: str,
        name: str | None = None,
        *,
        follow_symlinks: bool = False,
    ) -> LibraryInfo:
        """Add a folder as a library of ``kind`` (or as another root of library ``name``)."""
        viewer.require_admin()
        try:
            library_kind = LibraryKind(kind)
        except ValueError:
            kinds = ", ".join(k.value for k in LibraryKind)
            raise InvalidInputError(
                f"unknown library kind {kind!r}; choose one of: {kinds}"
            ) from None
        folder = Path(path).expanduser()
        if not folder.is_dir():
            raise InvalidInputError(f"{path} is not a folder")
        resolved = os.path.realpath(folder)
        try:
            resolved.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidInputError(
                f"{path!r}: a library root's own path must be valid UTF-8"
            ) from None
        with self.catalogue.writing() as conn:
            row = library_store.create_library(
                conn,
                name or _DEFAULT_NAMES[library_kind],
                library_kind,
                resolved,
                now_s(),
                follow_symlinks=follow_symlinks,
            )
            return self._info(conn, row)

    def remove(self, viewer: Viewer, name_or_id: str) -> LibraryInfo:
        """Forget a library (by name or id) and all it catalogued; no file is touched.

        Takes the scan lock, so no scan writes into the library while it goes and no scan
        is cut short half-way (one in another process included); if a scan holds the lock
        longer than ``REMOVE_WAIT_S``, ConflictError. Returns what it held.
        """
        viewer.require_admin()
        with self.catalogue.reading() as conn:
            library_store.find_library(conn, name_or_id)  # unknown: NotFoundError at once
        with self.scan_lock.hold(wait_s=REMOVE_WAIT_S), self.catalogue.writing() as conn:
            row = library_store.find_library(conn, name_or_id)
            info = self._info(conn, row)
            library_store.delete_library(conn, row.id)
            # Users' state of its items could never be shown again: item ids are not reused.
            activity_store.forget_missing_items(conn)
        self.recent_viewers.clear()  # their grants of it went with it
        return info

    def list_all(self, viewer: Viewer) -> list[LibraryInfo]:
        """The libraries ``viewer`` may see, with their counts."""
        with self.catalogue.reading() as conn:
            return [self._info(conn, row) for row in library_store.list_libraries(conn, viewer)]

    def failures(self, viewer: Viewer, name_or_id: str) -> list[FailedFile]:
        """The files of a library (by name or id) that could not be read, with reasons."""
        viewer.require_admin()
        with self.catalogue.reading() as conn:
            library = library_store.find_library(conn, name_or_id)
            return [
                FailedFile(os.path.join(root, rel), reason)
                for root, rel, reason in library_store.library_failures(conn, library.id)
            ]

    def photo_locations(self, viewer: Viewer, name_or_id: str) -> dict[str, object]:
        """Whether a photos library shows its photos' GPS positions to whoever may see it."""
        viewer.require_admin()
        with self.catalogue.reading() as conn:
            library = _photos_library(conn, name_or_id)
            shown = library_store.photo_locations_shown(conn, library.id)
        return {"library_id": library.id, "show_locations": shown}

    def set_photo_locations(
        self, viewer: Viewer, name_or_id: str, shown: bool
    ) -> dict[str, object]:
        """The library's owner (an admin) shows or hides its photos' locations: hidden
        by default, since a photo's position often tells where someone lives."""
        viewer.require_admin()
        with self.catalogue.writing() as conn:
            library = _photos_library(conn, name_or_id)
            library_store.set_photo_locations(conn, library.id, shown)
        return {"library_id": library.id, "show_locations": shown}

    @staticmethod
    def _info(conn: Connection, row: library_store.LibraryRow) -> LibraryInfo:
        counts = library_store.library_counts(conn, row)
        return LibraryInfo(
            row.id,
            row.name,
            row.kind.value,
            tuple(path for _, path in row.roots),
            counts,
            row.last_scan_at,
        )


def _photos_library(conn: Connection, name_or_id: str) -> library_store.LibraryRow:
    library = library_store.find_library(conn, name_or_id)
    if library.kind is not LibraryKind.PHOTOS:
        # The request is well formed; the library it names is of another kind.
        raise ConflictError("only a photos library has photo locations")
    return library
