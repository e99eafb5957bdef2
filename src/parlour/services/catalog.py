"""Browsing and searching the catalogue, always as a viewer."""

from typing import Any

from parlour.domain.accounts import Viewer
from parlour.storage import browse, browse_music, browse_video
from parlour.storage.browse import ListRequest, Page
from parlour.storage.engine import Catalogue


class CatalogService:
    """Read-only: lists with filters, sorting and paging, details, folders and search.

    What a viewer may see (granted libraries, content rating limit) is decided below, in
    ``storage.visibility``; nothing here widens it.
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    def albums(self, viewer: Viewer, request: ListRequest) -> Page:
        with self.catalogue.reading() as conn:
            return browse.albums(conn, viewer, request)

    def artists(self, viewer: Viewer, request: ListRequest) -> Page:
        with self.catalogue.reading() as conn:
            return browse.artists(conn, viewer, request)

    def tracks(self, viewer: Viewer, request: ListRequest) -> Page:
        with self.catalogue.reading() as conn:
            return browse.tracks(conn, viewer, request)

    def video_genres(self, viewer: Viewer) -> list[dict[str, Any]]:
        with self.catalogue.reading() as conn:
            return browse_video.genres(conn, viewer)

    def music_genres(self, viewer: Viewer) -> list[dict[str, Any]]:
        with self.catalogue.reading() as conn:
            return browse_music.genres(conn, viewer)

    def movies(self, viewer: Viewer, request: ListRequest) -> Page:
        with self.catalogue.reading() as conn:
            return browse.movies(conn, viewer, request)

    def shows(self, viewer: Viewer, request: ListRequest) -> Page:
        with self.catalogue.reading() as conn:
            return browse.shows(conn, viewer, request)

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

    def library_folders(self, viewer: Viewer, library_id: str, request: ListRequest) -> Page:
        with self.catalogue.reading() as conn:
            return browse.library_folders(conn, viewer, library_id, request)

    def folder(self, viewer: Viewer, folder_id: str, request: ListRequest) -> dict[str, Any]:
        with self.catalogue.reading() as conn:
            return browse.folder(conn, viewer, folder_id, request)

    def search(self, viewer: Viewer, words: str, request: ListRequest) -> Page:
        with self.catalogue.reading() as conn:
            return browse.search(conn, viewer, words, request)
