"""The Subsonic and OpenSubsonic API at ``/rest`` for music apps (issue 7)."""

from parlour.frontends.subsonic import (
    annotation,
    browsing,
    library,
    lists,
    lyrics,
    media,
    playlists,
    queue,
    search,
    system,
)
from parlour.frontends.subsonic.routes import ROUTES

__all__ = [
    "ROUTES",
    "annotation",
    "browsing",
    "library",
    "lists",
    "lyrics",
    "media",
    "playlists",
    "queue",
    "search",
    "system",
]
