"""What a playback decision needs to know about an item the viewer may see: its file,
its container and streams, and its text subtitles. Access rules apply as for every
other read (``stream_store.file_of_item``)."""

import os
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Connection, select

from parlour.domain.accounts import Viewer
from parlour.domain.errors import NotFoundError
from parlour.domain.media import MediaStream, StreamType
from parlour.storage import schema as s
from parlour.storage.stream_store import TEXT_SUBTITLE_CODECS, StoredFile, file_of_item

# Music files: the probe stores the codec as the "container"; the extension says which
# container the codec travels in, which is what a device profile lists.
_AUDIO_CONTAINERS = {
    ".mp3": "mp3",
    ".flac": "flac",
    ".m4a": "mp4",
    ".m4b": "mp4",
    ".mp4": "mp4",
    ".aac": "aac",
    ".ogg": "ogg",
    ".oga": "ogg",
    ".opus": "ogg",
    ".wav": "wav",
    ".aif": "aiff",
    ".aiff": "aiff",
    ".wv": "wv",
    ".ape": "ape",
    ".wma": "asf",
}


@dataclass(frozen=True, slots=True)
class SubtitleTrack:
    """A text subtitle the player can have as WebVTT beside the picture, or an image
    subtitle that can only be burned in."""

    source: Literal["embedded", "external"]
    ref: str  # the stream index (embedded) or the sidecar's id (external)
    codec: str
    language: str | None
    title: str | None
    is_default: bool
    is_forced: bool

    @property
    def is_text(self) -> bool:
        return self.codec in TEXT_SUBTITLE_CODECS or self.source == "external"


@dataclass(frozen=True, slots=True)
class PlayableItem:
    item_id: str
    kind: Literal["video", "audio"]
    file: StoredFile
    file_id: str
    container: str
    duration_ms: int
    bitrate: int | None
    streams: tuple[MediaStream, ...]
    subtitles: tuple[SubtitleTrack, ...]


def playable_item(conn: Connection, viewer: Viewer, item_id: str) -> PlayableItem:
    """The film, episode or track ``viewer`` may see by this id; NotFoundError else
    (photos have nothing to decide)."""
    stored = file_of_item(conn, viewer, item_id)  # the access rules, and the file is ok
    file_id = _file_id(conn, item_id)
    f = s.media_files.c
    row = conn.execute(
        select(f.kind, f.container, f.duration_ms, f.bitrate, f.name).where(f.id == file_id)
    ).one()
    if row.kind == "audio":
        return _audio_item(conn, item_id, stored, file_id, row.name)
    if row.kind != "video":
        raise NotFoundError("this item has nothing to play")
    streams = _streams(conn, file_id)
    return PlayableItem(
        item_id,
        "video",
        stored,
        file_id,
        row.container or "unknown",
        int(row.duration_ms or 0),
        row.bitrate,
        streams,
        _embedded_subtitles(streams) + _sidecars(conn, file_id),
    )


def _file_id(conn: Connection, item_id: str) -> str:
    for table in (s.tracks, s.movies, s.episodes):
        file_id = conn.execute(select(table.c.file_id).where(table.c.id == item_id)).scalar()
        if file_id is not None:
            return str(file_id)
    raise NotFoundError("this item has nothing to play")


def _audio_item(
    conn: Connection, item_id: str, stored: StoredFile, file_id: str, name: str
) -> PlayableItem:
    t = s.tracks.c
    track = conn.execute(
        select(t.codec, t.duration_ms, t.bitrate, t.channels, t.sample_rate, t.bit_depth).where(
            t.id == item_id
        )
    ).one()
    stream = MediaStream(
        index=0,
        type=StreamType.AUDIO,
        codec=track.codec,
        channels=track.channels,
        sample_rate=track.sample_rate,
        bit_depth=track.bit_depth,
        bitrate=track.bitrate,
        is_default=True,
    )
    extension = os.path.splitext(name)[1].lower()
    return PlayableItem(
        item_id,
        "audio",
        stored,
        file_id,
        _AUDIO_CONTAINERS.get(extension, track.codec),
        int(track.duration_ms),
        track.bitrate,
        (stream,),
        (),
    )


def _streams(conn: Connection, file_id: str) -> tuple[MediaStream, ...]:
    st = s.media_streams.c
    rows = conn.execute(
        select(s.media_streams).where(st.file_id == file_id).order_by(st.stream_index)
    ).mappings()
    return tuple(
        MediaStream(
            index=row["stream_index"],
            type=StreamType(row["type"]),
            codec=row["codec"],
            profile=row["profile"],
            level=row["level"],
            language=row["language"],
            title=row["title"],
            width=row["width"],
            height=row["height"],
            frame_rate=row["frame_rate"],
            bit_depth=row["bit_depth"],
            hdr=bool(row["hdr"]),
            channels=row["channels"],
            channel_layout=row["channel_layout"],
            sample_rate=row["sample_rate"],
            bitrate=row["bitrate"],
            is_default=bool(row["is_default"]),
            is_forced=bool(row["is_forced"]),
        )
        for row in rows
    )


def _embedded_subtitles(streams: tuple[MediaStream, ...]) -> tuple[SubtitleTrack, ...]:
    return tuple(
        SubtitleTrack(
            "embedded",
            str(stream.index),
            stream.codec,
            stream.language,
            stream.title,
            stream.is_default,
            stream.is_forced,
        )
        for stream in streams
        if stream.type is StreamType.SUBTITLE
    )


def _sidecars(conn: Connection, file_id: str) -> tuple[SubtitleTrack, ...]:
    x = s.external_subtitles.c
    rows = conn.execute(
        select(x.id, x.format, x.language, x.is_default, x.is_forced, x.is_sdh)
        .where(x.file_id == file_id)
        .order_by(x.language, x.id)
    )
    return tuple(
        SubtitleTrack(
            "external",
            str(row.id),
            str(row.format),
            row.language,
            "SDH" if row.is_sdh else None,
            bool(row.is_default),
            bool(row.is_forced),
        )
        for row in rows
    )
