"""The Subsonic and OpenSubsonic API at ``/rest`` for music apps (issue 7)."""

from parlour.frontends.subsonic import browsing, lists, search, system
from parlour.frontends.subsonic.routes import ROUTES

__all__ = ["ROUTES", "browsing", "lists", "search", "system"]
