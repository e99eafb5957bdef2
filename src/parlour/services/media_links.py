"""What a media ticket's URLs lead to: the HLS playlists and segments, the file itself,
an audio transcode, or one MPEG-TS stream for a device without HLS. Every request checks
the ticket, the sign-in behind it and the viewer's access to the item again, so a
revoked token or grant stops a playback at its next segment.
"""

from dataclasses import dataclass
from pathlib import Path

from anyio.to_thread import run_sync

from parlour.domain.accounts import Viewer
from parlour.domain.errors import NotFoundError
from parlour.media import hls_playlists
from parlour.media.audio import TranscodeSlots, audio_args, ffmpeg_output
from parlour.media.files import ServedFile, library_file
from parlour.media.hls_command import BurnIn, progressive_args
from parlour.media.hls_plan import SEGMENT_S, HlsPlan, VideoRendition
from parlour.media.hls_sessions import HlsSession, HlsSessions, Peer
from parlour.media.subtitles import webvtt
from parlour.services.playback import PlaybackService, plan_from_json
from parlour.services.streaming import Transcode
from parlour.services.tickets import Ticket
from parlour.storage import playable_store, stream_store
from parlour.storage.engine import Catalogue


@dataclass(frozen=True, slots=True)
class _Checked:
    ticket: Ticket
    viewer: Viewer
    source: ServedFile


class MediaLinks:
    def __init__(
        self,
        catalogue: Catalogue,
        playback: PlaybackService,
        sessions: HlsSessions,
        slots: TranscodeSlots,
        ffmpeg: str | None = None,
    ) -> None:
        self.catalogue, self.playback, self.sessions = catalogue, playback, sessions
        self.slots, self.ffmpeg = slots, ffmpeg

    def _check(self, text: str, delivery: str) -> _Checked:
        ticket, viewer = self.playback.read_ticket(
            text, lambda session_id: self.sessions.get(session_id) is not None
        )
        if ticket.choices.get("d") != delivery:
            raise NotFoundError("no such stream")
        with self.catalogue.reading() as conn:
            stored = stream_store.file_of_item(conn, viewer, ticket.item_id)
        source = library_file(stored.root, stored.rel_path, follow_links_out=stored.follow_symlinks)
        return _Checked(ticket, viewer, source)

    # Direct play and progressive streams

    def file(self, text: str) -> ServedFile:
        return self._check(text, "file").source

    def audio(self, text: str, start_ms: int) -> Transcode:
        checked = self._check(text, "audio")
        choices = checked.ticket.choices
        args, media_type = audio_args(
            checked.source.path, choices["f"], int(choices["k"]), start_ms
        )
        slot = self.slots.take()
        return Transcode(media_type, ffmpeg_output(args, self.ffmpeg, slot), slot)

    def video_stream(self, text: str, start_ms: int) -> Transcode:
        checked = self._check(text, "ts")
        plan = plan_from_json(checked.ticket.choices["p"], checked.ticket.choices.get("b"))
        burn = self._burn(checked, plan)
        args = progressive_args(checked.source.path, plan, plan.renditions[0], start_ms, burn=burn)
        slot = self.slots.take()
        return Transcode("video/mp2t", ffmpeg_output(args, self.ffmpeg, slot), slot)

    # HLS

    def _session(self, text: str) -> tuple[HlsSession, _Checked]:
        checked = self._check(text, "hls")
        ticket = checked.ticket
        session = self.sessions.get(ticket.session_id)
        if session is None:
            plan = plan_from_json(ticket.choices["p"], ticket.choices.get("b"))
            session = self.sessions.open(
                ticket.session_id,
                checked.viewer.user_id,
                ticket.item_id,
                checked.source.path,
                plan,
                self._burn(checked, plan),
            )
        return session, checked

    def master(self, text: str) -> str:
        session, checked = self._session(text)
        with self.catalogue.reading() as conn:
            item = playable_store.playable_item(conn, checked.viewer, checked.ticket.item_id)
        subtitles = [
            hls_playlists.SubtitleRendition(
                ("e" if t.source == "embedded" else "x") + t.ref,
                t.language,
                t.title,
                t.is_default,
                t.is_forced,
            )
            for t in item.subtitles
            if t.is_text and session.plan.burn_subtitle is None
        ]
        return hls_playlists.master(session.plan, subtitles)

    def media_playlist(self, text: str, kind: str, name: str) -> str:
        session, _ = self._session(text)
        plan = session.plan
        rendition = plan.rendition(name) if kind == "v" else None
        if rendition is not None:
            return hls_playlists.media(plan, rendition.segment_s, name)
        if kind == "a" and name.isdigit() and int(name) < len(plan.audio):
            return hls_playlists.media(plan, SEGMENT_S, name)
        raise NotFoundError("no such rendition")

    async def segment(
        self, text: str, kind: str, name: str, number: int, extension: str, peer: Peer
    ) -> Path:
        """A whole segment file; ``extension`` ("ts" or "m4s") must be the plan's."""
        session, _ = await run_sync(self._session, text)
        if extension != session.plan.segment_extension:
            raise NotFoundError("no such segment")
        rendition, stream = self._stream(session, kind, name)
        return await self.sessions.segment(session, rendition, stream, number, peer)

    async def init(self, text: str, kind: str, name: str, peer: Peer) -> bytes:
        """The init segment of an fMP4 rendition; NotFoundError for MPEG-TS ones."""
        session, _ = await run_sync(self._session, text)
        if not session.plan.fmp4:
            raise NotFoundError("no such segment")
        rendition, stream = self._stream(session, kind, name)
        return await self.sessions.init(session, rendition, stream, peer)

    @staticmethod
    def _stream(session: HlsSession, kind: str, name: str) -> tuple[VideoRendition, str]:
        """The video rendition whose job makes what ``kind``/``name`` names, and the
        stream directory ("v" or "a<k>") it lands in."""
        plan = session.plan
        if kind == "v":
            rendition = plan.rendition(name)
            if rendition is None:
                raise NotFoundError("no such rendition")
            return rendition, "v"
        if kind != "a" or not (name.isdigit() and int(name) < len(plan.audio)):
            raise NotFoundError("no such rendition")
        # Audio comes from the job of whichever video rendition plays now.
        current = session.job.rendition if session.job is not None else None
        return plan.rendition(current or "") or plan.renditions[0], f"a{name}"

    def subtitle_playlist(self, text: str, ref: str) -> str:
        session, checked = self._session(text)
        self._text_subtitle(checked, ref)  # it exists and is text
        return hls_playlists.subtitle_media(session.plan.duration_ms, f"{ref}.vtt")

    def subtitle_vtt(self, text: str, ref: str) -> bytes:
        _, checked = self._session(text)
        return hls_playlists.timestamp_mapped(self._text_subtitle(checked, ref))

    def _text_subtitle(self, checked: _Checked, ref: str) -> bytes:
        kind, number = ref[:1], ref[1:]
        item_id = checked.ticket.item_id
        with self.catalogue.reading() as conn:
            if kind == "e" and number.isdigit():
                stored = stream_store.embedded_subtitle(conn, checked.viewer, item_id, int(number))
                index: int | None = int(number)
            elif kind == "x":
                stored = stream_store.external_subtitle(conn, checked.viewer, item_id, number)
                index = None
            else:
                raise NotFoundError("no such subtitle")
        path = library_file(stored.root, stored.rel_path, follow_links_out=stored.follow_symlinks)
        return webvtt(path.path, index, ffmpeg=self.ffmpeg)

    def _burn(self, checked: _Checked, plan: HlsPlan) -> BurnIn | None:
        ref = plan.burn_subtitle
        if ref is None:
            return None
        kind, number = ref[:1], ref[1:]
        with self.catalogue.reading() as conn:
            item = playable_store.playable_item(conn, checked.viewer, checked.ticket.item_id)
            if kind == "x":
                stored = stream_store.external_subtitle(conn, checked.viewer, item.item_id, number)
                sidecar = library_file(
                    stored.root, stored.rel_path, follow_links_out=stored.follow_symlinks
                )
                return BurnIn(text_file=sidecar.path)
        track = next(t for t in item.subtitles if t.source == "embedded" and t.ref == number)
        if not track.is_text:
            return BurnIn(image_stream=int(number))
        # libass counts the subtitle streams only.
        embedded = [t for t in item.subtitles if t.source == "embedded"]
        return BurnIn(text_file=checked.source.path, text_stream=embedded.index(track))

    async def end(self, session_id: str, viewer: Viewer) -> None:
        """End the viewer's own HLS session (a player said stop)."""
        session = self.sessions.get(session_id)
        if session is not None and session.user_id == viewer.user_id:
            await self.sessions.end(session_id)
