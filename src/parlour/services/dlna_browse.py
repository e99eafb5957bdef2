"""ContentDirectory for the DLNA front end: Browse and Search over what the network may
see, always as ``DlnaService.network_viewer`` (DL-06: only the shared libraries), and an
empty root for a device that still waits for the admin's approval (DL-07)."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from parlour.domain.accounts import Viewer
from parlour.domain.dlna_search import Criteria, SortKey, UnsupportedScopeError
from parlour.domain.errors import NotFoundError
from parlour.services.dlna import DlnaService
from parlour.storage import dlna_items, dlna_meta, dlna_tree
from parlour.storage import dlna_objects as o
from parlour.storage.dlna_objects import DlnaContainer, DlnaItem, DlnaObject, ItemRef, Listing
from parlour.storage.engine import Catalogue

MAX_PAGE = 5000  # objects in one answer, whatever RequestedCount says


@dataclass(frozen=True, slots=True)
class BrowseResult:
    objects: list[DlnaObject]
    total: int  # TotalMatches: every match, not only this page's
    update_id: int


class DlnaBrowse:
    def __init__(self, catalogue: Catalogue, dlna: DlnaService) -> None:
        self.catalogue = catalogue
        self.dlna = dlna

    def browse(
        self,
        object_id: str,
        *,
        metadata: bool,
        start: int,
        count: int,
        sort: Sequence[SortKey] = (),
        approved: bool = True,
    ) -> BrowseResult:
        """BrowseMetadata (the object itself) or BrowseDirectChildren (one page of its
        children); NotFoundError when the network may see no such object."""
        config = self.dlna.current()
        viewer = self.dlna.network_viewer(config)
        update_id = self.dlna.system_update_id(config)
        count = min(count or MAX_PAGE, MAX_PAGE)
        if object_id != o.ROOT and not approved:
            raise NotFoundError("no such object")
        if object_id == o.ROOT:  # read with the configuration: no catalogue work
            if metadata:
                shared = len(self.dlna.shared_libraries()) if approved else 0
                root = DlnaContainer(o.ROOT, "-1", config.friendly_name, child_count=shared)
                return BrowseResult([root], 1, update_id)
            if not approved:
                return BrowseResult([], 0, update_id)
            return self._root(start, count, sort, update_id)
        with self.catalogue.reading() as conn:
            if metadata:
                found: DlnaObject
                if (ref := dlna_meta.item_ref(object_id)) is not None:
                    items = dlna_items.describe(conn, viewer, [ref])
                    if not items:
                        raise NotFoundError("no such object")
                    found = items[0]
                else:
                    found = dlna_meta.container(conn, viewer, object_id)
                return BrowseResult([found], 1, update_id)
            if dlna_meta.item_ref(object_id) is not None:
                raise NotFoundError("an item has no children")
            listing = dlna_tree.children(conn, viewer, object_id, start, count, sort)
            return BrowseResult(
                self._objects(conn, viewer, listing, object_id), listing.total, update_id
            )

    def search(
        self,
        container_id: str,
        criteria: Criteria,
        *,
        start: int,
        count: int,
        sort: Sequence[SortKey] = (),
        approved: bool = True,
    ) -> BrowseResult:
        """One page of the items under ``container_id`` (the root or a library) that
        meet ``criteria``."""
        config = self.dlna.current()
        viewer = self.dlna.network_viewer(config)
        update_id = self.dlna.system_update_id(config)
        count = min(count or MAX_PAGE, MAX_PAGE)
        if not approved:
            if container_id != o.ROOT:
                raise NotFoundError("no such container")
            return BrowseResult([], 0, update_id)
        with self.catalogue.reading() as conn:
            library_id = None
            if container_id != o.ROOT:
                dlna_meta.container(conn, viewer, container_id)  # it exists, for this viewer
                prefix, parts = o.split_id(container_id)
                if prefix != o.LIBRARY:
                    raise UnsupportedScopeError("search from the root or from a library")
                library_id = parts[0]
            listing = dlna_meta.search(conn, viewer, criteria, library_id, start, count, sort)
            return BrowseResult(
                self._objects(conn, viewer, listing, None), listing.total, update_id
            )

    def _root(
        self, start: int, count: int, sort: Sequence[SortKey], update_id: int
    ) -> BrowseResult:
        """The root's children, from what the service read with the configuration, in
        the order asked for: by title (the only order the root has), else by name."""
        shared = list(self.dlna.shared_libraries())  # by name, then id
        title = next((key for key in sort if key.prop == "dc:title"), None)
        if title is not None and title.descending:
            shared.sort(key=lambda library: library.title, reverse=True)  # stable: id order
        return BrowseResult(list(shared[start : start + count]), len(shared), update_id)

    @staticmethod
    def _objects(
        conn: Connection, viewer: Viewer, listing: Listing, parent_id: str | None
    ) -> list[DlnaObject]:
        """The page's entries in order, its items described in one query per kind (an
        item gone since the page was listed is left out)."""
        refs = [entry for entry in listing.entries if isinstance(entry, ItemRef)]
        if not refs:  # containers only (albums, artists, genres): nothing to describe
            return [entry for entry in listing.entries if isinstance(entry, DlnaContainer)]
        described = iter(dlna_items.describe(conn, viewer, refs, parent_id))
        items = {(item.kind, item.item_id): item for item in described}
        objects: list[DlnaObject] = []
        for entry in listing.entries:
            if isinstance(entry, DlnaContainer):
                objects.append(entry)
            else:
                kind = entry.kind
                item = items.get((kind, entry.item_id)) or items.get(("video", entry.item_id))
                if item is not None:
                    objects.append(item)
        return objects

    def item(self, item_id: str) -> DlnaItem:
        """The shared track, film, video, episode or photo with this catalogue id."""
        viewer = self.dlna.network_viewer()
        refs = [ItemRef(kind, item_id) for kind in ("track", "movie", "episode", "photo")]
        with self.catalogue.reading() as conn:
            found = dlna_items.describe(conn, viewer, refs)
        if not found:
            raise NotFoundError("no such item")
        return found[0]

    def system_update_id(self) -> int:
        return self.dlna.system_update_id()
