"""Browse and search routes: query strings parsed here, everything else in the services."""

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlour.domain.accounts import Viewer
from parlour.domain.errors import InvalidInputError
from parlour.frontends.web.auth import signed_in
from parlour.frontends.web.json import JSONResponse
from parlour.services.application import Parlour
from parlour.storage.browse import Page


def _int(request: Request, name: str, default: int | None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or len(raw) > 9:  # no signs, no exponents, no huge numbers
        raise InvalidInputError(f"{name!r} must be a whole number")
    return int(raw)


def _filters(request: Request, *names: str) -> dict[str, Any]:
    params = request.query_params
    found: dict[str, Any] = {
        "limit": _int(request, "limit", 100),
        "offset": _int(request, "offset", 0),
    }
    for name in ("sort", "order", "library", "genre", "artist"):
        if name in names and params.get(name):
            found[name] = params[name]
    if "year" in names and (year := _int(request, "year", None)) is not None:
        found["year"] = year
    return found


def _page(page: Page) -> Response:
    return JSONResponse(
        {"items": page.items, "total": page.total, "limit": page.limit, "offset": page.offset}
    )


def _lister(method: str, *names: str) -> Any:
    async def endpoint(request: Request, viewer: Viewer) -> Response:
        parlour: Parlour = request.app.state.parlour
        service = getattr(parlour.catalog, method)
        return _page(await run_in_threadpool(service, viewer, **_filters(request, *names)))

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


async def search(request: Request, viewer: Viewer) -> Response:
    parlour: Parlour = request.app.state.parlour
    words = request.query_params.get("q", "")
    if len(words) > 200:
        raise InvalidInputError("search text is at most 200 characters")
    limit = _int(request, "limit", 50)
    offset = _int(request, "offset", 0)
    assert limit is not None and offset is not None
    page = await run_in_threadpool(
        parlour.catalog.search, viewer, words, limit=limit, offset=offset
    )
    return _page(page)


ROUTES = [
    Route(
        "/api/v1/albums", _lister("albums", "sort", "order", "library", "genre", "artist", "year")
    ),
    Route("/api/v1/albums/{album_id}", _detail("album", "album_id")),
    Route("/api/v1/artists", _lister("artists", "sort", "order", "library")),
    Route("/api/v1/artists/{artist_id}", _detail("artist", "artist_id")),
    Route("/api/v1/movies", _lister("movies", "sort", "order", "library", "genre", "year")),
    Route("/api/v1/shows", _lister("shows", "sort", "order", "library")),
    Route("/api/v1/shows/{show_id}", _detail("show", "show_id")),
    Route("/api/v1/seasons/{season_id}", _detail("season", "season_id")),
    Route("/api/v1/items/{item_id}", _detail("item", "item_id")),
    Route("/api/v1/search", signed_in(search)),
]
