"""Browsing and searching the catalogue, always as a viewer."""

from typing import Any

from parlour.domain.accounts import Viewer
from parlour.storage import browse
from parlour.storage.browse import Page
from parlour.storage.engine import Catalogue


class CatalogService:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    def albums(self, viewer: Viewer, **filters: Any) -> Page:
        with self.catalogue.reading() as conn:
            return browse.albums(conn, viewer, **filters)

    def artists(self, viewer: Viewer, **filters: Any) -> Page:
        with self.catalogue.reading() as conn:
            return browse.artists(conn, viewer, **filters)

    def movies(self, viewer: Viewer, **filters: Any) -> Page:
        with self.catalogue.reading() as conn:
            return browse.movies(conn, viewer, **filters)

    def shows(self, viewer: Viewer, **filters: Any) -> Page:
        with self.catalogue.reading() as conn:
            return browse.shows(conn, viewer, **filters)

    def album(self, viewer: Viewer, album_id: str) -> dict[str, Any]:
        with self.catalogue.reading() as conn:
            return browse.album(conn, viewer, album_id)

    def artist(self, viewer: Viewer, artist_id: str) -> dict[str, Any]:
        with self.catalogue.reading() as conn:
            return browse.artist(conn, viewer, artist_id)

    def show(self, viewer: Viewer, show_id: str) -> dict[str, Any]:
        with self.catalogue.reading() as conn:
            return browse.show(conn, viewer, show_id)

    def season(self, viewer: Viewer, season_id: str) -> dict[str, Any]:
        with self.catalogue.reading() as conn:
            return browse.season(conn, viewer, season_id)

    def item(self, viewer: Viewer, item_id: str) -> dict[str, Any]:
        with self.catalogue.reading() as conn:
            return browse.item(conn, viewer, item_id)

    def search(self, viewer: Viewer, words: str, *, limit: int = 50, offset: int = 0) -> Page:
        with self.catalogue.reading() as conn:
            return browse.search(conn, viewer, words, limit=limit, offset=offset)
