"""Lyrics methods: getLyrics (Subsonic: by artist and title, as plain text) and
getLyricsBySongId (OpenSubsonic ``songLyrics``: every lyrics of a song, synced or not).

Sources are the song's own lyrics tag and an LRC file beside it (``services.lyrics``).
An LRC file's ``[offset:]`` is already in the start times, so ``offset`` is always 0:
a client that applies it cannot shift the lines twice.
"""

from starlette.concurrency import run_in_threadpool

from parlour.domain.accounts import Viewer
from parlour.frontends.subsonic.protocol import Params, Payload
from parlour.frontends.subsonic.routes import method
from parlour.services.application import Parlour
from parlour.services.lyrics import Lyrics, SongLyrics


def structured(song: SongLyrics, lyrics: Lyrics) -> Payload:
    return {
        "displayArtist": lyrics.artist or song.artist,
        "displayTitle": lyrics.title or song.title,
        "lang": lyrics.lang,
        "offset": 0,
        "synced": lyrics.synced,
        # An unsynced line has no start at all (the extension says it must be left out).
        "line": [{"start": line.start_ms, "value": line.text} for line in lyrics.lines],
    }


@method("getLyrics")
async def get_lyrics(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    """The first song the viewer may see with this title (and artist) that has lyrics;
    none is an empty ``lyrics`` element, as Navidrome answers."""
    found = await run_in_threadpool(
        parlour.lyrics.find, viewer, params.get("artist"), params.get("title")
    )
    if found is None:
        return {"lyrics": {}}
    return {
        "lyrics": {"artist": found.artist, "title": found.title, "value": found.lyrics[0].plain}
    }


@method("getLyricsBySongId")
async def get_lyrics_by_song_id(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    found = await run_in_threadpool(parlour.lyrics.of_song, viewer, params.required("id"))
    return {"lyricsList": {"structuredLyrics": [structured(found, item) for item in found.lyrics]}}
