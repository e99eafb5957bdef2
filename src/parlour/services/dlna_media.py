"""What DLNA media URLs lead to, and the signatures that make them unguessable.

A DLNA device has no account, so its media URLs carry their own proof: an HMAC, under a
key derived from the server's secret, of the device UUID, what the URL is for and the
catalogue id. Each request is checked again as the network viewer (DL-06): an item of
a library no longer shared has no file, whatever its URL says.
"""

import base64
import hashlib
import hmac
from dataclasses import replace

from parlour.domain.errors import NotFoundError
from parlour.domain.profiles import built_in_profile
from parlour.media.audio import TranscodeSlots, ffmpeg_output
from parlour.media.decision import decide
from parlour.media.files import ServedFile, library_file
from parlour.media.hls_command import progressive_args
from parlour.media.hls_plan import plan_for
from parlour.media.images import ImageRequest
from parlour.services.dlna import DlnaService
from parlour.services.images import ImageService
from parlour.services.playback import source_media
from parlour.services.streaming import StreamingService, Transcode
from parlour.storage import playable_store, stream_store
from parlour.storage.engine import Catalogue

_SIGNATURE_BYTES = 16
MAX_ID_CHARS = 64
AUDIO_KBPS = 320  # MP3 for a device that cannot play the original
THUMBNAIL_SIDE = 160  # DLNA's JPEG_TN is at most 160 x 160
# H.264 and AAC in MPEG-TS: what every DLNA television plays. The generic DLNA profile
# also keeps MP3 and AC-3 audio; the transcode promises AAC, so only AAC is copied.
_TS_PROFILE = replace(built_in_profile("dlna-generic"), audio_codecs=frozenset({"aac"}))


class DlnaMedia:
    def __init__(
        self,
        catalogue: Catalogue,
        dlna: DlnaService,
        streaming: StreamingService,
        images: ImageService,
        slots: TranscodeSlots,
        secret: bytes,
        ffmpeg: str | None = None,
    ) -> None:
        self.catalogue, self.dlna, self.streaming, self.images = catalogue, dlna, streaming, images
        self.slots, self.ffmpeg = slots, ffmpeg
        self._key = hmac.new(secret, b"parlour dlna media v1", hashlib.sha256).digest()

    # -- signatures ---------------------------------------------------------------------------

    def sign(self, purpose: str, ident: str) -> str:
        """``<id>.<signature>``: the token of a media URL for ``ident`` (an item id for
        "item", an artwork id for "art")."""
        message = f"{self.dlna.current().device_uuid}\n{purpose}\n{ident}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()[:_SIGNATURE_BYTES]
        return ident + "." + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def verified(self, purpose: str, token: str) -> str:
        """The id a token was signed for; NotFoundError for anything else (a forged or
        damaged token is as absent as a missing item)."""
        ident, _, _ = token.partition(".")
        if (
            not ident
            or len(ident) > MAX_ID_CHARS
            or not hmac.compare_digest(self.sign(purpose, ident).encode(), token.encode())
        ):
            raise NotFoundError("no such media")
        return ident

    # -- what the URLs serve ------------------------------------------------------------------

    def original(self, item_id: str) -> ServedFile:
        return self.streaming.original(self.dlna.network_viewer(), item_id)

    def audio(self, item_id: str, start_ms: int) -> Transcode:
        """The item's audio as MP3, from ``start_ms``."""
        return self.streaming.audio(
            self.dlna.network_viewer(), item_id, "mp3", AUDIO_KBPS, start_ms
        )

    def video(self, item_id: str, start_ms: int) -> tuple[Transcode, int]:
        """The film or episode as one MPEG-TS stream (H.264, AAC) from ``start_ms``: the
        video copied when a television takes it as it is, converted otherwise. With the
        item's duration (ms), for the time-seek answer."""
        viewer = self.dlna.network_viewer()
        with self.catalogue.reading() as conn:
            item = playable_store.playable_item(conn, viewer, item_id)
        if item.kind != "video":
            raise NotFoundError("no such video")
        stored = item.file
        source = library_file(stored.root, stored.rel_path, follow_links_out=stored.follow_symlinks)
        decision = decide(source_media(item), _TS_PROFILE)
        plan = plan_for(decision, item.streams, item.duration_ms, item.bitrate, None)
        args = progressive_args(source.path, plan, plan.renditions[0], start_ms)
        slot = self.slots.take()
        return Transcode(
            "video/mpeg", ffmpeg_output(args, self.ffmpeg, slot), slot
        ), item.duration_ms

    def duration_ms(self, item_id: str) -> int:
        with self.catalogue.reading() as conn:
            return playable_store.playable_item(
                conn, self.dlna.network_viewer(), item_id
            ).duration_ms

    def thumbnail(self, item_id: str) -> bytes:
        """A photo as a JPEG thumbnail (DLNA's JPEG_TN)."""
        wanted = ImageRequest(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
        return self.images.photo(self.dlna.network_viewer(), item_id, wanted)

    def artwork(self, artwork_id: str) -> bytes:
        """A cover or poster as a JPEG thumbnail (upnp:albumArtURI, JPEG_TN)."""
        wanted = ImageRequest(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
        return self.images.artwork(self.dlna.network_viewer(), artwork_id, wanted)

    def subtitle_file(self, item_id: str, subtitle_id: str) -> ServedFile:
        """A sidecar subtitle file of a film or episode, as it is on disk (televisions
        take SRT as it is)."""
        with self.catalogue.reading() as conn:
            stored = stream_store.external_subtitle(
                conn, self.dlna.network_viewer(), item_id, subtitle_id
            )
        return library_file(stored.root, stored.rel_path, follow_links_out=stored.follow_symlinks)
