"""Streaming: the file behind an item, found through the catalogue for a viewer and
confined to its library root. The HTTP details (ranges, validators) are the front end's."""

from collections.abc import AsyncGenerator
from dataclasses import dataclass

from parlour.domain.accounts import Viewer
from parlour.media.audio import Slot, TranscodeSlots, audio_args, ffmpeg_output
from parlour.media.files import ServedFile, library_file
from parlour.media.subtitles import webvtt
from parlour.storage import stream_store
from parlour.storage.engine import Catalogue


@dataclass(frozen=True, slots=True)
class Transcode:
    """A transcode under way: its Content-Type and its output, made as it is read.

    ``close`` must be called when the answer is over, however it ended: a reader that
    went away before the first chunk never starts the output, so only ``close`` can
    free its slot.
    """

    media_type: str
    chunks: AsyncGenerator[bytes, None]
    slot: Slot

    async def close(self) -> None:
        await self.chunks.aclose()  # kills and reaps ffmpeg if it was started
        self.slot.release()


class StreamingService:
    def __init__(
        self, catalogue: Catalogue, slots: TranscodeSlots, ffmpeg: str | None = None
    ) -> None:
        self.catalogue = catalogue
        self.slots = slots
        self.ffmpeg = ffmpeg

    def original(self, viewer: Viewer, item_id: str) -> ServedFile:
        """The item's own file as it is on disk now; NotFoundError if the viewer may not
        see the item, or its file is gone or lies outside its library."""
        with self.catalogue.reading() as conn:
            stored = stream_store.file_of_item(conn, viewer, item_id)
        return library_file(stored.root, stored.rel_path, follow_links_out=stored.follow_symlinks)

    def audio(
        self, viewer: Viewer, item_id: str, fmt: str, kbps: int, start_ms: int = 0
    ) -> Transcode:
        """The item's audio as ``fmt`` at ``kbps`` from ``start_ms``, encoded while it is
        sent. Takes a transcoding slot (BusyError when none is free) until the output ends
        or its reader goes away."""
        source = self.original(viewer, item_id)
        args, media_type = audio_args(source.path, fmt, kbps, start_ms)
        slot = self.slots.take()
        return Transcode(media_type, ffmpeg_output(args, self.ffmpeg, slot), slot)

    def subtitles(self, viewer: Viewer, item_id: str, subtitle_id: str) -> bytes:
        """A sidecar subtitle file of a film or episode, as WebVTT."""
        with self.catalogue.reading() as conn:
            stored = stream_store.external_subtitle(conn, viewer, item_id, subtitle_id)
        return webvtt(self._confined(stored), ffmpeg=self.ffmpeg)

    def embedded_subtitles(self, viewer: Viewer, item_id: str, stream_index: int) -> bytes:
        """A text subtitle stream inside a film or episode, as WebVTT."""
        with self.catalogue.reading() as conn:
            stored = stream_store.embedded_subtitle(conn, viewer, item_id, stream_index)
        return webvtt(self._confined(stored), stream_index, ffmpeg=self.ffmpeg)

    @staticmethod
    def _confined(stored: stream_store.StoredFile) -> bytes:
        return library_file(
            stored.root, stored.rel_path, follow_links_out=stored.follow_symlinks
        ).path
