"""Image routes: artwork and photos, resized as asked (query strings parsed here)."""

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlour.domain.accounts import Viewer
from parlour.frontends.web.auth import signed_in
from parlour.frontends.web.params import query_int
from parlour.media.images import ImageRequest
from parlour.services.application import Parlour


def _wanted(request: Request) -> ImageRequest:
    params = request.query_params
    return ImageRequest(
        width=query_int(request, "width", None),
        height=query_int(request, "height", None),
        fit=params.get("fit") or "contain",
        format=params.get("format") or "jpeg",
    )


def _image(data: bytes, wanted: ImageRequest) -> Response:
    return Response(
        data, media_type=wanted.media_type, headers={"cache-control": "private, max-age=3600"}
    )


async def artwork(request: Request, viewer: Viewer) -> Response:
    parlour: Parlour = request.app.state.parlour
    wanted = _wanted(request)
    data = await run_in_threadpool(
        parlour.images.artwork, viewer, request.path_params["artwork_id"], wanted
    )
    return _image(data, wanted)


async def item_image(request: Request, viewer: Viewer) -> Response:
    parlour: Parlour = request.app.state.parlour
    wanted = _wanted(request)
    data = await run_in_threadpool(
        parlour.images.photo, viewer, request.path_params["item_id"], wanted
    )
    return _image(data, wanted)


ROUTES = [
    Route("/api/v1/artwork/{artwork_id}", signed_in(artwork), methods=["GET"]),
    Route("/api/v1/items/{item_id}/image", signed_in(item_image), methods=["GET"]),
]
