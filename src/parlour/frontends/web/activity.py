"""Per-user state routes: progress, plays, watched, favourites, ratings, home lists and
playlists. The user is always the signed-in viewer; a user id in a body or query string
is never read (AZ-02)."""

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlour.domain.accounts import Viewer
from parlour.domain.activity import ItemState
from parlour.domain.errors import InvalidInputError
from parlour.frontends.web.auth import signed_in
from parlour.frontends.web.json import JSONResponse, json_body
from parlour.frontends.web.params import query_int
from parlour.services.activity import ActivityService
from parlour.services.application import Parlour

_MAX_ITEMS = 1000  # ids in one request body (64 KiB holds about 1,800)


def _activity(request: Request) -> ActivityService:
    parlour: Parlour = request.app.state.parlour
    return parlour.activity


def _whole(data: dict[str, Any], name: str) -> int:
    value = data.get(name)
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON does not tell 3.0 from 3
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(f"{name!r} must be a whole number")
    if not -(2**62) < value < 2**62:
        raise InvalidInputError(f"{name!r} is out of range")
    return value


def _optional_whole(data: dict[str, Any], name: str) -> int | None:
    return None if data.get(name) is None else _whole(data, name)


def _items(data: dict[str, Any]) -> list[str]:
    items = data.get("items")
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise InvalidInputError("'items' must be a list of item ids")
    if len(items) > _MAX_ITEMS:
        raise InvalidInputError(f"at most {_MAX_ITEMS} items in one request")
    return items


def _state(state: ItemState) -> Response:
    return JSONResponse(state.as_json())


async def get_state(request: Request, viewer: Viewer) -> Response:
    item_id = request.path_params["item_id"]
    return _state(await run_in_threadpool(_activity(request).state, viewer, item_id))


async def put_progress(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)
    position = _whole(data, "position_ms")
    service = _activity(request).report_progress
    return _state(
        await run_in_threadpool(service, viewer, request.path_params["item_id"], position)
    )


async def post_play(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)
    played_at = _optional_whole(data, "played_at")
    service = _activity(request).record_play
    state = await run_in_threadpool(service, viewer, request.path_params["item_id"], played_at)
    return JSONResponse(state.as_json(), status_code=201)


def _watched(watched: bool) -> Any:
    async def endpoint(request: Request, viewer: Viewer) -> Response:
        service = _activity(request).set_watched
        changed = await run_in_threadpool(service, viewer, request.path_params["item_id"], watched)
        return JSONResponse({"watched": watched, "items": changed})

    endpoint.__name__ = "mark_watched" if watched else "mark_unwatched"
    return signed_in(endpoint)


def _favourite(favourite: bool) -> Any:
    async def endpoint(request: Request, viewer: Viewer) -> Response:
        service = _activity(request).set_favourite
        return _state(
            await run_in_threadpool(service, viewer, request.path_params["item_id"], favourite)
        )

    endpoint.__name__ = "add_favourite" if favourite else "remove_favourite"
    return signed_in(endpoint)


async def put_rating(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)
    if data.get("rating") is None:  # clearing is DELETE
        raise InvalidInputError("send {'rating': 1..10}; DELETE clears the rating")
    rating = data["rating"]
    if isinstance(rating, float) and rating.is_integer():
        rating = int(rating)  # JSON does not tell 8.0 from 8
    service = _activity(request).set_rating
    return _state(await run_in_threadpool(service, viewer, request.path_params["item_id"], rating))


async def delete_rating(request: Request, viewer: Viewer) -> Response:
    service = _activity(request).set_rating
    return _state(await run_in_threadpool(service, viewer, request.path_params["item_id"], None))


# -- lists ---------------------------------------------------------------------------------


def _limit(request: Request, default: int) -> int:
    value = query_int(request, "limit", default)
    assert value is not None
    return value


async def continue_watching(request: Request, viewer: Viewer) -> Response:
    service = _activity(request).continue_watching
    items = await run_in_threadpool(service, viewer, _limit(request, 20))
    return JSONResponse({"items": items})


async def next_up(request: Request, viewer: Viewer) -> Response:
    items = await run_in_threadpool(_activity(request).next_up, viewer, _limit(request, 20))
    return JSONResponse({"items": items})


async def history(request: Request, viewer: Viewer) -> Response:
    limit, offset = _limit(request, 50), query_int(request, "offset", 0) or 0
    service = _activity(request).history
    items, total = await run_in_threadpool(service, viewer, limit, offset)
    return JSONResponse({"items": items, "total": total, "limit": limit, "offset": offset})


async def favourites(request: Request, viewer: Viewer) -> Response:
    limit, offset = _limit(request, 100), query_int(request, "offset", 0) or 0
    kind = request.query_params.get("kind") or None
    service = _activity(request).favourites
    items, total = await run_in_threadpool(service, viewer, kind, limit, offset)
    return JSONResponse({"items": items, "total": total, "limit": limit, "offset": offset})


async def recently_added(request: Request, viewer: Viewer) -> Response:
    service = _activity(request).recently_added
    library = request.path_params["library_id"]
    items = await run_in_threadpool(service, viewer, library, _limit(request, 20))
    return JSONResponse({"items": items})


# -- playlists -------------------------------------------------------------------------


def _optional_text(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise InvalidInputError(f"{name!r} must be a string")
    return value


async def list_playlists(request: Request, viewer: Viewer) -> Response:
    return JSONResponse(await run_in_threadpool(_activity(request).playlists, viewer))


async def create_playlist(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)
    items = _items(data) if "items" in data else None
    playlist = await run_in_threadpool(
        _activity(request).create_playlist,
        viewer,
        _optional_text(data, "name") or "",
        _optional_text(data, "kind") or "music",
        _optional_text(data, "comment"),
        items,
    )
    return JSONResponse(playlist, status_code=201)


async def get_playlist(request: Request, viewer: Viewer) -> Response:
    service = _activity(request).playlist
    return JSONResponse(
        await run_in_threadpool(service, viewer, request.path_params["playlist_id"])
    )


async def update_playlist(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)
    playlist = await run_in_threadpool(
        _activity(request).update_playlist,
        viewer,
        request.path_params["playlist_id"],
        _optional_text(data, "name"),
        _optional_text(data, "comment"),
    )
    return JSONResponse(playlist)


async def delete_playlist(request: Request, viewer: Viewer) -> Response:
    service = _activity(request).delete_playlist
    await run_in_threadpool(service, viewer, request.path_params["playlist_id"])
    return Response(status_code=204)


async def add_items(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)
    position = _optional_whole(data, "position")
    playlist = await run_in_threadpool(
        _activity(request).add_to_playlist,
        viewer,
        request.path_params["playlist_id"],
        _items(data),
        position,
    )
    return JSONResponse(playlist)


async def replace_items(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)
    service = _activity(request).replace_playlist_items
    playlist = await run_in_threadpool(
        service, viewer, request.path_params["playlist_id"], _items(data)
    )
    return JSONResponse(playlist)


async def move_entry(request: Request, viewer: Viewer) -> Response:
    data = await json_body(request)
    position = _whole(data, "position")
    playlist = await run_in_threadpool(
        _activity(request).move_playlist_entry,
        viewer,
        request.path_params["playlist_id"],
        request.path_params["entry_id"],
        position,
    )
    return JSONResponse(playlist)


async def remove_entry(request: Request, viewer: Viewer) -> Response:
    await run_in_threadpool(
        _activity(request).remove_playlist_entry,
        viewer,
        request.path_params["playlist_id"],
        request.path_params["entry_id"],
    )
    return Response(status_code=204)


_ITEM = "/api/v1/items/{item_id}"
_PLAYLIST = "/api/v1/playlists/{playlist_id}"

ROUTES = [
    Route(f"{_ITEM}/state", signed_in(get_state), methods=["GET"]),
    Route(f"{_ITEM}/progress", signed_in(put_progress), methods=["PUT"]),
    Route(f"{_ITEM}/plays", signed_in(post_play), methods=["POST"]),
    Route(f"{_ITEM}/watched", _watched(True), methods=["PUT"]),
    Route(f"{_ITEM}/watched", _watched(False), methods=["DELETE"]),
    Route(f"{_ITEM}/favourite", _favourite(True), methods=["PUT"]),
    Route(f"{_ITEM}/favourite", _favourite(False), methods=["DELETE"]),
    Route(f"{_ITEM}/rating", signed_in(put_rating), methods=["PUT"]),
    Route(f"{_ITEM}/rating", signed_in(delete_rating), methods=["DELETE"]),
    Route("/api/v1/me/continue-watching", signed_in(continue_watching), methods=["GET"]),
    Route("/api/v1/me/next-up", signed_in(next_up), methods=["GET"]),
    Route("/api/v1/me/history", signed_in(history), methods=["GET"]),
    Route("/api/v1/me/favourites", signed_in(favourites), methods=["GET"]),
    Route("/api/v1/libraries/{library_id}/recent", signed_in(recently_added), methods=["GET"]),
    Route("/api/v1/playlists", signed_in(list_playlists), methods=["GET"]),
    Route("/api/v1/playlists", signed_in(create_playlist), methods=["POST"]),
    Route(_PLAYLIST, signed_in(get_playlist), methods=["GET"]),
    Route(_PLAYLIST, signed_in(update_playlist), methods=["PATCH"]),
    Route(_PLAYLIST, signed_in(delete_playlist), methods=["DELETE"]),
    Route(f"{_PLAYLIST}/items", signed_in(add_items), methods=["POST"]),
    Route(f"{_PLAYLIST}/items", signed_in(replace_items), methods=["PUT"]),
    Route(f"{_PLAYLIST}/items/{{entry_id}}", signed_in(move_entry), methods=["PATCH"]),
    Route(f"{_PLAYLIST}/items/{{entry_id}}", signed_in(remove_entry), methods=["DELETE"]),
]
