"""Operations: per-user state, home lists, playlists."""

from parlour.domain.activity import MAX_RATING, MIN_RATING
from parlour.frontends.web.openapi.build import (
    OFFSET,
    Operation,
    body,
    limit,
    op,
    query,
)
from parlour.frontends.web.openapi.schemas import ITEM_KINDS, name_text, ref

# -- per-user activity --------------------------------------------------------------------

_STATE = ref("ItemState")
_PLAYLIST = ref("Playlist")
_ITEM_IDS = {"type": "array", "items": {"type": "string"}, "maxItems": 1000}
_POSITION = {"type": "integer", "minimum": 0, "maximum": 2**62 - 1}


def operations() -> dict[str, dict[str, Operation]]:
    tag = "Activity"
    return {
        "/api/v1/items/{item_id}/state": {
            "get": op("The viewer's state of an item", tag, answer=_STATE),
        },
        "/api/v1/items/{item_id}/progress": {
            "put": op(
                "Report the playback position of a film or episode",
                tag,
                answer=_STATE,
                request=body({"position_ms": _POSITION}, ["position_ms"]),
                description=(
                    "Under 5 % (or in an item under five minutes) keeps no resume point; from"
                    " 90 % the item counts as played and watched, once per viewing."
                ),
            ),
        },
        "/api/v1/items/{item_id}/plays": {
            "post": op(
                "Record a finished play of a track, film or episode",
                tag,
                status=201,
                answer=_STATE,
                request=body({"played_at": {"type": "integer", "description": "Unix time"}}, []),
            ),
        },
        "/api/v1/items/{item_id}/watched": {
            "put": op(
                "Mark watched (a season or show: every episode)",
                tag,
                answer=ref("WatchedResult"),
                errors=(400,),
            ),
            "delete": op(
                "Mark unwatched (a season or show: every episode)",
                tag,
                answer=ref("WatchedResult"),
                errors=(400,),
            ),
        },
        "/api/v1/items/{item_id}/favourite": {
            "put": op("Make an item a favourite", tag, answer=_STATE),
            "delete": op("Stop an item being a favourite", tag, answer=_STATE),
        },
        "/api/v1/items/{item_id}/rating": {
            "put": op(
                "Rate an item (1 to 10: five stars in halves)",
                tag,
                answer=_STATE,
                request=body(
                    {"rating": {"type": "integer", "minimum": MIN_RATING, "maximum": MAX_RATING}},
                    ["rating"],
                ),
            ),
            "delete": op("Clear the viewer's rating", tag, answer=_STATE),
        },
        "/api/v1/me/continue-watching": {
            "get": op(
                "Films and episodes with a resume point, newest first",
                tag,
                answer=ref("ItemList"),
                params=(limit(20),),
            ),
        },
        "/api/v1/me/next-up": {
            "get": op(
                "The next episode of each show being watched",
                tag,
                answer=ref("ItemList"),
                params=(limit(20),),
            ),
        },
        "/api/v1/me/history": {
            "get": op(
                "The viewer's plays, newest first",
                tag,
                answer=ref("ItemPage"),
                params=(limit(50), OFFSET),
            ),
        },
        "/api/v1/me/favourites": {
            "get": op(
                "The viewer's favourites, newest first",
                tag,
                answer=ref("ItemPage"),
                params=(
                    query("kind", {"type": "string", "enum": ITEM_KINDS}, "Only this kind"),
                    limit(100),
                    OFFSET,
                ),
            ),
        },
        "/api/v1/libraries/{library_id}/recent": {
            "get": op(
                "Recently added: albums, films, episodes or photos",
                tag,
                answer=ref("ItemList"),
                params=(limit(20),),
            ),
        },
        "/api/v1/playlists": {
            "get": op(
                "The viewer's playlists",
                tag,
                answer={"type": "array", "items": ref("PlaylistSummary")},
            ),
            "post": op(
                "Create a playlist",
                tag,
                status=201,
                answer=_PLAYLIST,
                request=body(
                    {
                        "name": name_text(200),
                        "kind": {"type": "string", "enum": ["music", "video"]},
                        "comment": {"type": "string", "maxLength": 2000},
                        "items": _ITEM_IDS,
                    },
                    ["name"],
                ),
                errors=(404,),
            ),
        },
        "/api/v1/playlists/{playlist_id}": {
            "get": op("A playlist with its entries", tag, answer=_PLAYLIST),
            "patch": op(
                "Rename a playlist or change its comment",
                tag,
                answer=_PLAYLIST,
                request=body(
                    {
                        "name": name_text(200),
                        "comment": {"type": "string", "maxLength": 2000},
                    },
                    [],
                ),
            ),
            "delete": op("Delete a playlist", tag, status=204),
        },
        "/api/v1/playlists/{playlist_id}/items": {
            "post": op(
                "Insert items (at a position, default the end)",
                tag,
                answer=_PLAYLIST,
                request=body({"items": _ITEM_IDS, "position": _POSITION}, ["items"]),
            ),
            "put": op(
                "Replace every entry",
                tag,
                answer=_PLAYLIST,
                request=body({"items": _ITEM_IDS}, ["items"]),
            ),
        },
        "/api/v1/playlists/{playlist_id}/items/{entry_id}": {
            "patch": op(
                "Move an entry to a position",
                tag,
                answer=_PLAYLIST,
                request=body({"position": _POSITION}, ["position"]),
            ),
            "delete": op("Remove an entry", tag, status=204),
        },
    }
