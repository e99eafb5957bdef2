"""The web UI's files: the page at ``/`` and its scripts, styles and icons under
``/static/``. Every file is read once at start into memory and served from there, so no
request names a path on disk (BI-01 by construction); anything else is 404.

Every answer of the server carries the UI's security headers (``SecurityHeaders``): a
Content-Security-Policy of ``default-src 'self'`` (no inline script or style, no other
origin: P-14, BI-08), no MIME sniffing, no referrer, no framing.
"""

import hashlib
import mimetypes
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parlour.frontends.web.errors import problem

CSP = (
    "default-src 'self'; img-src 'self' blob:; media-src 'self' blob:; object-src 'none';"
    " base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
_BYTES = "application/octet-stream"
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class UiFile:
    body: bytes
    media_type: str
    etag: str


def _load(root: Path) -> dict[str, UiFile]:
    files: dict[str, UiFile] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        name = path.relative_to(root).as_posix()
        body = path.read_bytes()
        kind = _TYPES.get(path.suffix) or mimetypes.guess_type(name)[0] or _BYTES
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        files[name] = UiFile(body, kind, etag)
    return files


FILES = _load(Path(str(resources.files("parlour.frontends.web") / "ui")))


def _answer(request: Request, found: UiFile) -> Response:
    # Revalidated on every load (cheap: 304), so a new release is never half cached.
    headers = {"ETag": found.etag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == found.etag:
        return Response(status_code=304, headers=headers)
    return Response(found.body, media_type=found.media_type, headers=headers)


async def index(request: Request) -> Response:
    return _answer(request, FILES["index.html"])


async def static(request: Request) -> Response:
    found = FILES.get(str(request.path_params["path"]))
    if found is None:
        return problem(404, "no such file")
    return _answer(request, found)


class SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` to every HTTP answer (API answers too: harmless there,
    and a JSON document opened in a tab is then as confined as the UI)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


ROUTES = [
    Route("/", index, methods=["GET"]),
    Route("/static/{path:path}", static, methods=["GET"]),
]
