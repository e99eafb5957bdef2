"""Browse and search routes: query strings parsed here, everything else in the services.

Each list takes ``limit`` with either ``offset`` or ``cursor`` (the ``next_cursor`` of
the page before), ``sort`` and ``order``, and its own filters. A value that cannot be
used is a 400 problem, never a guess.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlour.domain.accounts import Viewer
from parlour.domain.errors import InvalidInputError
from parlour.frontends.web.auth import signed_in
from parlour.frontends.web.json import JSONResponse
from parlour.frontends.web.params import query_int
from parlour.services.application import Parlour
from parlour.storage.browse import ListRequest, Page

_TEXT = ("sort", "order", "library", "genre", "artist", "album")
_WHOLE = ("year", "decade")
_FLAGS = ("favourite", "watched")
_TRUE, _FALSE = frozenset({"true", "1", "yes"}), frozenset({"false", "0", "no"})


def _flag(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise InvalidInputError(f"{name!r} must be true or false")


def _instant(request: Request, name: str) -> int | None:
    """Unix seconds, or an ISO 8601 date or date and time (UTC unless it says)."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if raw.isascii() and raw.isdigit() and len(raw) <= 12:
        return int(raw)
    try:
        when = datetime.fromisoformat(raw) if raw.isascii() and len(raw) <= 40 else None
        if when is not None:
            return int((when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp())
    except (ValueError, OverflowError):
        pass
    raise InvalidInputError(f"{name!r} must be unix seconds or an ISO date (2024-05-01)")


def _list_request(request: Request, *names: str, default_limit: int = 100) -> ListRequest:
    """The page asked for, and of ``names`` (the sort and the filters the list takes)
    those given: any other parameter is not read."""
    params = request.query_params
    found: dict[str, Any] = {
        "limit": query_int(request, "limit", default_limit),
        "offset": query_int(request, "offset", 0),
        "cursor": params.get("cursor") or None,
    }
    for name in names:
        if name in _TEXT and params.get(name):
            found[name] = params[name]
        elif name in _WHOLE and (number := query_int(request, name, None)) is not None:
            found[name] = number
        elif name in _FLAGS and (flag := _flag(request, name)) is not None:
            found[name] = flag
        elif name == "added_since" and (since := _instant(request, name)) is not None:
            found[name] = since
    return ListRequest(**found)


def _page(page: Page) -> Response:
    return JSONResponse(page.as_json())


def _lister(method: str, *names: str) -> Any:
    async def endpoint(request: Request, viewer: Viewer) -> Response:
        parlour: Parlour = request.app.state.parlour
        service: Callable[[Viewer, ListRequest], Page] = getattr(parlour.catalog, method)
        return _page(await run_in_threadpool(service, viewer, _list_request(request, *names)))

    endpoint.__name__ = f"list_{method}"
    return signed_in(endpoint)


def _detail(method: str, parameter: str) -> Any:
    async def endpoint(request: Request, viewer: Viewer) -> Response:
        parlour: Parlour = request.app.state.parlour
        service = getattr(parlour.catalog, method)
        return JSONResponse(
            await run_in_threadpool(service, viewer, request.path_params[parameter])
        )

    endpoint.__name__ = f"get_{method}"
    return signed_in(endpoint)


def _folders(method: str, parameter: str) -> Any:
    """The folders of a library, or a folder: a page that takes a sort and an order."""

    async def endpoint(request: Request, viewer: Viewer) -> Response:
        parlour: Parlour = request.app.state.parlour
        service: Callable[[Viewer, str, ListRequest], Page | dict[str, Any]]
        service = getattr(parlour.catalog, method)
        asked = _list_request(request, "sort", "order")
        found = await run_in_threadpool(service, viewer, request.path_params[parameter], asked)
        return JSONResponse(found.as_json() if isinstance(found, Page) else found)

    endpoint.__name__ = method
    return signed_in(endpoint)


async def search(request: Request, viewer: Viewer) -> Response:
    parlour: Parlour = request.app.state.parlour
    words = request.query_params.get("q", "")
    if len(words) > 200:
        raise InvalidInputError("search text is at most 200 characters")
    asked = _list_request(request, default_limit=50)
    page = await run_in_threadpool(parlour.catalog.search, viewer, words, asked)
    return _page(page)


async def music_genres(request: Request, viewer: Viewer) -> Response:
    parlour: Parlour = request.app.state.parlour
    found = await run_in_threadpool(parlour.catalog.music_genres, viewer)
    return JSONResponse({"items": found})


async def video_genres(request: Request, viewer: Viewer) -> Response:
    parlour: Parlour = request.app.state.parlour
    found = await run_in_threadpool(parlour.catalog.video_genres, viewer)
    return JSONResponse({"items": found})


_DATES = ("year", "decade", "added_since")
ROUTES = [
    Route(
        "/api/v1/albums",
        _lister("albums", "sort", "order", "library", "genre", "artist", *_DATES, "favourite"),
    ),
    Route("/api/v1/albums/{album_id}", _detail("album", "album_id")),
    Route("/api/v1/genres", signed_in(music_genres)),
    Route("/api/v1/video-genres", signed_in(video_genres)),
    Route("/api/v1/artists", _lister("artists", "sort", "order", "library", "favourite")),
    Route("/api/v1/artists/{artist_id}", _detail("artist", "artist_id")),
    Route(
        "/api/v1/tracks",
        _lister("tracks", *_TEXT, *_DATES, "favourite"),
    ),
    Route(
        "/api/v1/movies",
        _lister("movies", "sort", "order", "library", "genre", *_DATES, *_FLAGS),
    ),
    Route(
        "/api/v1/shows",
        _lister("shows", "sort", "order", "library", "genre", *_DATES, *_FLAGS),
    ),
    Route("/api/v1/shows/{show_id}", _detail("show", "show_id")),
    Route("/api/v1/seasons/{season_id}", _detail("season", "season_id")),
    Route("/api/v1/items/{item_id}", _detail("item", "item_id")),
    Route("/api/v1/libraries/{library_id}/folders", _folders("library_folders", "library_id")),
    Route("/api/v1/folders/{folder_id}", _folders("folder", "folder_id")),
    Route("/api/v1/search", signed_in(search)),
]
