"""Playback: how an item plays on a device (direct, remux, audio or full transcode), the
media ticket its URLs carry, and where those URLs lead.

The decision itself is ``media.decision``'s; this service finds the item for the viewer,
asks, turns the answer into a plan with only numbers and allow-listed names in it
(``media.hls_plan``), and signs it into a ticket.
"""

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from parlour.domain.accounts import Viewer
from parlour.domain.errors import AuthenticationError, InvalidInputError
from parlour.domain.profiles import DeviceProfile
from parlour.media.audio import FORMATS, MAX_KBPS, MIN_KBPS
from parlour.media.decision import AudioPlan, Decision, Method, SourceMedia, SubtitleChoice, decide
from parlour.media.files import library_file, media_type
from parlour.media.hls_plan import HlsPlan, VideoRendition, plan_for
from parlour.media.keyframes import longest_keyframe_gap
from parlour.services.accounts import AccountService
from parlour.services.tickets import TICKET_LIFETIME_S, Ticket, TicketSigner
from parlour.storage import playable_store
from parlour.storage.engine import Catalogue
from parlour.storage.playable_store import PlayableItem, SubtitleTrack

_DEFAULT_MUSIC_KBPS = 192


@dataclass(frozen=True, slots=True)
class PlaybackOffer:
    decision: Decision
    url: str
    media_type: str
    session_id: str
    expires_at: int
    subtitles: tuple[SubtitleTrack, ...]
    item_id: str

    def as_json(self) -> dict[str, Any]:
        video = self.decision.video
        return {
            "decision": self.decision.method.value,
            "reasons": list(self.decision.reasons),
            "url": self.url,
            "media_type": self.media_type,
            "session_id": self.session_id,
            "expires_at": self.expires_at,
            "video": None
            if video is None
            else {"stream_index": video.stream_index, "copy": video.copy},
            "audio": [
                {
                    "stream_index": a.stream_index,
                    "copy": a.copy,
                    "codec": a.codec,
                    "channels": a.channels,
                    "language": a.language,
                }
                for a in self.decision.audio
            ],
            "burned_subtitle": self.decision.burn_subtitle,
            # Text subtitles beside a direct play (HLS lists them in its master playlist).
            "subtitles": [
                {
                    "source": track.source,
                    "ref": track.ref,
                    "language": track.language,
                    "title": track.title,
                    "forced": track.is_forced,
                    "url": _subtitle_url(self.item_id, track),
                }
                for track in self.subtitles
                if track.is_text
            ],
        }


def _subtitle_url(item_id: str, track: SubtitleTrack) -> str:
    if track.source == "external":
        return f"/api/v1/items/{item_id}/subtitles/{track.ref}"
    return f"/api/v1/items/{item_id}/subtitles/embedded/{track.ref}"


def source_media(item: PlayableItem) -> SourceMedia:
    return SourceMedia(item.kind, item.container, item.duration_ms, item.bitrate, item.streams)


class PlaybackService:
    def __init__(self, catalogue: Catalogue, accounts: AccountService, secret: bytes) -> None:
        self.catalogue = catalogue
        self.accounts = accounts
        self.signer = TicketSigner(secret)

    def offer(
        self,
        viewer: Viewer,
        token_id: str,
        item_id: str,
        profile: DeviceProfile,
        *,
        audio_index: int | None = None,
        subtitle: tuple[str, str] | None = None,
        burn: bool = False,
        music_kbps: int | None = None,
    ) -> PlaybackOffer:
        """Decide how ``item_id`` plays on ``profile`` and make its URL."""
        with self.catalogue.reading() as conn:
            item = playable_store.playable_item(conn, viewer, item_id)
        choice = _subtitle_choice(item, subtitle, burn)
        decision = decide(source_media(item), profile, audio_index=audio_index, subtitle=choice)
        choices = self._choices(item, decision, profile, music_kbps)
        decision = _as_planned(decision, choices)
        session_id = secrets.token_urlsafe(12)
        expires_at = int(time.time()) + TICKET_LIFETIME_S
        ticket = self.signer.issue(Ticket(session_id, token_id, item_id, expires_at, choices))
        url, served_type = _url(ticket, choices, item.file.rel_path)
        return PlaybackOffer(
            decision, url, served_type, session_id, expires_at, item.subtitles, item_id
        )

    def _choices(
        self,
        item: PlayableItem,
        decision: Decision,
        profile: DeviceProfile,
        music_kbps: int | None,
    ) -> dict[str, Any]:
        if decision.method is Method.DIRECT:
            return {"d": "file"}
        if item.kind == "audio":
            fmt = decision.audio[0].codec if decision.audio else "mp3"
            kbps = music_kbps or _DEFAULT_MUSIC_KBPS
            if profile.max_bitrate is not None:
                kbps = min(kbps, profile.max_bitrate // 1000)
            kbps = max(MIN_KBPS, min(MAX_KBPS, kbps))
            return {"d": "audio", "f": fmt if fmt in FORMATS else "mp3", "k": kbps}
        plan = self._plan(item, decision)
        if profile.streaming == "hls" and profile.hls_segments == "fmp4":
            plan = replace(plan, fmp4=True)
        burn = decision.subtitle if decision.burn_subtitle else None
        return {
            "d": "hls" if profile.streaming == "hls" else "ts",
            "p": plan_json(plan),
            "b": _burn_ref(burn),
        }

    def _plan(self, item: PlayableItem, decision: Decision) -> HlsPlan:
        gap = None
        if decision.video is not None and decision.video.copy:
            stored = item.file
            served = library_file(
                stored.root, stored.rel_path, follow_links_out=stored.follow_symlinks
            )
            gap = longest_keyframe_gap(served, decision.video.stream_index)
        return plan_for(decision, item.streams, item.duration_ms, item.bitrate, gap)

    def read_ticket(
        self, text: str, live: Callable[[str], bool] = lambda _session_id: False
    ) -> tuple[Ticket, Viewer]:
        """The ticket and the viewer it acts for, checked now: the signature, its age
        (a playback under way, ``live(session_id)``, may outlive it), and the sign-in it
        was made for."""
        ticket = self.signer.read(text)
        if ticket.expired and not live(ticket.session_id):
            raise AuthenticationError("this media link has expired: ask for playback again")
        return ticket, self.accounts.viewer_by_token_id(ticket.token_id)


def _as_planned(decision: Decision, choices: dict[str, Any]) -> Decision:
    """The decision as the plan carries it out: a copy its keyframes do not allow (too
    far apart to cut into segments) becomes a transcode, and says so."""
    video = decision.video
    plan = choices.get("p")
    if video is None or not video.copy or plan is None or plan["r"][0][1]:
        return decision
    reason = "The video's keyframes are too far apart to cut it into segments, so it is converted."
    return replace(
        decision,
        method=Method.TRANSCODE,
        video=replace(video, copy=False),
        reasons=(*decision.reasons, reason),
    )


def _subtitle_choice(
    item: PlayableItem, subtitle: tuple[str, str] | None, burn: bool
) -> SubtitleChoice | None:
    if subtitle is None:
        if burn:
            raise InvalidInputError("'burn_subtitle' needs a 'subtitle' to burn")
        return None
    source, ref = subtitle
    track = next((t for t in item.subtitles if (t.source, t.ref) == (source, ref)), None)
    if track is None:
        raise InvalidInputError("'subtitle' must be one of this item's subtitles")
    return SubtitleChoice(track.source, track.ref, track.codec, burn)


def _burn_ref(choice: SubtitleChoice | None) -> str | None:
    if choice is None:
        return None
    return ("e" if choice.source == "embedded" else "x") + choice.ref


def _url(ticket: str, choices: dict[str, Any], rel_path: bytes) -> tuple[str, str]:
    delivery = choices["d"]
    if delivery == "hls":
        return f"/api/v1/hls/{ticket}/master.m3u8", "application/vnd.apple.mpegurl"
    if delivery == "audio":
        return f"/api/v1/play/{ticket}/audio", FORMATS[choices["f"]].media_type
    if delivery == "ts":
        return f"/api/v1/play/{ticket}/video.ts", "video/mp2t"
    return f"/api/v1/play/{ticket}/file", media_type(rel_path)


def plan_json(plan: HlsPlan) -> dict[str, Any]:
    fmp4 = {"f": 1} if plan.fmp4 else {}  # absent for MPEG-TS: tickets stay short
    return fmp4 | {
        "n": plan.duration_ms,
        "v": plan.video_index,
        "r": [
            [r.name, r.copy, r.segment_s, r.width, r.height, r.bitrate, r.codecs]
            for r in plan.renditions
        ],
        "a": [
            [a.stream_index, a.copy, a.codec, a.channels, a.language, a.title, a.is_default]
            for a in plan.audio
        ],
    }


def plan_from_json(data: dict[str, Any], burn: str | None) -> HlsPlan:
    """The plan a (signed, so trusted) ticket carries."""
    return HlsPlan(
        int(data["n"]),
        int(data["v"]),
        tuple(
            VideoRendition(str(n), bool(c), int(s), int(w), int(h), int(b), str(k))
            for n, c, s, w, h, b, k in data["r"]
        ),
        tuple(
            AudioPlan(int(i), bool(c), str(k), int(ch), lang, title, bool(d))
            for i, c, k, ch, lang, title, d in data["a"]
        ),
        burn,
        bool(data.get("f")),
    )
