"""Streaming: the file behind an item, found through the catalogue for a viewer and
confined to its library root. The HTTP details (ranges, validators) are the front end's."""

import os

from parlour.domain.accounts import Viewer
from parlour.media.files import ServedFile, confine, regular_file
from parlour.storage import stream_store
from parlour.storage.engine import Catalogue


class StreamingService:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    def original(self, viewer: Viewer, item_id: str) -> ServedFile:
        """The item's own file as it is on disk now; NotFoundError if the viewer may not
        see the item, or its file is gone or lies outside its library."""
        with self.catalogue.reading() as conn:
            stored = stream_store.file_of_item(conn, viewer, item_id)
        path = confine(
            os.fsencode(stored.root), stored.rel_path, follow_links_out=stored.follow_symlinks
        )
        return regular_file(path)
