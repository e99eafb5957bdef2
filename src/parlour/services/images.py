"""Images for the viewer: artwork (covers, posters, fan art, video frames) and photos,
resized on demand and cached on disk."""

from collections.abc import Callable

from parlour.domain.accounts import Viewer
from parlour.media.files import ServedFile, library_file
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
        served = library_file(source.root, source.rel_path, follow_links_out=source.follow_symlinks)
        if source.source == "sidecar":
            return self._rendered(("artwork", artwork_id), served, wanted)
        return self._rendered(
            ("artwork", artwork_id, source.frame_ms),
            served,
            wanted,
            lambda: extract_picture(served.path, source.frame_ms, ffmpeg=self.ffmpeg),
        )

    def photo(self, viewer: Viewer, item_id: str, wanted: ImageRequest) -> bytes:
        """A photo item's picture (any item whose file is an image)."""
        with self.catalogue.reading() as conn:
            stored = stream_store.file_of_item(conn, viewer, item_id)
        served = library_file(stored.root, stored.rel_path, follow_links_out=stored.follow_symlinks)
        return self._rendered(("item", item_id), served, wanted)

    def _rendered(
        self,
        what: tuple[object, ...],
        served: ServedFile,
        wanted: ImageRequest,
        picture: Callable[[], bytes] | None = None,
    ) -> bytes:
        """The cached rendering of ``served`` (or of the ``picture`` taken from it), keyed
        by the source as it is now: a changed file makes a new image."""
        key = self.cache.path(*what, served.size, served.mtime_ns, wanted.key())
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        if picture is None:
            with open(served.path, "rb") as image:
                original = image.read()
        else:
            original = picture()
        rendered = render(original, wanted)
        self.cache.put(key, rendered)
        return rendered
