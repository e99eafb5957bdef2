"""Images for the viewer: artwork (covers, posters, fan art, video frames) and photos,
resized on demand and cached on disk."""

import os

from parlour.domain.accounts import Viewer
from parlour.media.files import confine, regular_file
from parlour.media.images import ImageCache, ImageRequest, extract_picture, render
from parlour.storage import artwork_store, stream_store
from parlour.storage.engine import Catalogue


class ImageService:
    def __init__(self, catalogue: Catalogue, cache: ImageCache, ffmpeg: str | None) -> None:
        self.catalogue = catalogue
        self.cache = cache
        self.ffmpeg = ffmpeg

    def artwork(self, viewer: Viewer, artwork_id: str, wanted: ImageRequest) -> bytes:
        with self.catalogue.reading() as conn:
            source = artwork_store.artwork_source(conn, viewer, artwork_id)
        path = confine(
            os.fsencode(source.root), source.rel_path, follow_links_out=source.follow_symlinks
        )
        served = regular_file(path)
        # Keyed by the source as it is now: a changed file makes a new image.
        key = self.cache.path(
            "artwork", artwork_id, source.frame_ms, served.size, served.mtime_ns, wanted.key()
        )
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        if source.source == "sidecar":
            with open(served.path, "rb") as image:
                original = image.read()
        else:
            original = extract_picture(served.path, source.frame_ms, ffmpeg=self.ffmpeg)
        rendered = render(original, wanted)
        self.cache.put(key, rendered)
        return rendered

    def photo(self, viewer: Viewer, item_id: str, wanted: ImageRequest) -> bytes:
        """A photo item's picture (any item whose file is an image)."""
        with self.catalogue.reading() as conn:
            stored = stream_store.file_of_item(conn, viewer, item_id)
        path = confine(
            os.fsencode(stored.root), stored.rel_path, follow_links_out=stored.follow_symlinks
        )
        served = regular_file(path)
        key = self.cache.path("item", item_id, served.size, served.mtime_ns, wanted.key())
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        with open(served.path, "rb") as image:
            rendered = render(image.read(), wanted)
        self.cache.put(key, rendered)
        return rendered
