"""The Subsonic wire format: the ``subsonic-response`` envelope in XML or JSON, its error
codes, and the request's parameters from the query string or a form body (OpenSubsonic
``formPost``).

A payload is a dict of element name to content, one shape for both formats: a dict is an
element (its scalar values are XML attributes, its dicts and lists child elements), a
list is the element repeated, and the key ``value`` is an element's text in XML (as
JSON carries it, e.g. a genre's name or lyrics). Names and values come from the
catalogue and are escaped by the XML writer, never pasted into markup.
"""

from collections.abc import Mapping
from typing import Any
from xml.etree import ElementTree

import orjson
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from parlour import __version__

API_VERSION = "1.16.1"
XMLNS = "http://subsonic.org/restapi"
SERVER_TYPE = "parlour"

Payload = dict[str, Any]

# The error codes of the Subsonic API (1.16.1) and OpenSubsonic's additions.
MISSING_PARAMETER = 10
CLIENT_TOO_OLD = 20
SERVER_TOO_OLD = 30
WRONG_CREDENTIALS = 40
TOKEN_AUTH_NOT_SUPPORTED = 41
AUTH_MECHANISM_NOT_SUPPORTED = 42
CONFLICTING_AUTH = 43
INVALID_API_KEY = 44
NOT_AUTHORIZED = 50
NOT_FOUND = 70
GENERIC = 0


class SubsonicError(Exception):
    """An answer with ``status="failed"``: ``code`` is the Subsonic error code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Params:
    """The request's parameters: the query string, then a form body's (formPost); a name
    may repeat (``id`` in star, ``songId`` in createPlaylist)."""

    def __init__(self, query: QueryParams, form: QueryParams | None) -> None:
        self._query = query
        self._form = form

    def get(self, name: str) -> str | None:
        value = self._query.get(name)
        if value is None and self._form is not None:
            value = self._form.get(name)
        return value

    def getlist(self, name: str) -> list[str]:
        values = list(self._query.getlist(name))
        if self._form is not None:
            values += self._form.getlist(name)
        return values

    def required(self, name: str) -> str:
        value = self.get(name)
        if value is None or value == "":
            raise SubsonicError(MISSING_PARAMETER, f"Required parameter '{name}' is missing")
        return value

    def integer(self, name: str, default: int, lowest: int = 0, highest: int = 2**31 - 1) -> int:
        """An integer parameter held to [lowest, highest]; not a number is error 0."""
        raw = self.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise SubsonicError(GENERIC, f"Parameter '{name}' must be a whole number") from None
        return max(lowest, min(highest, value))

    def flag(self, name: str, default: bool) -> bool:
        raw = self.get(name)
        return default if raw is None else raw.lower() in ("true", "1", "yes")


MAX_FORM_BYTES = 1 << 20  # a long playlist's song ids fit many times over


async def read_params(request: Request) -> Params:
    """The query string's parameters, and a url-encoded form body's (formPost). Any
    other body is ignored, and one over MAX_FORM_BYTES refused."""
    form = None
    if request.method == "POST":
        kind = request.headers.get("content-type", "")
        if kind.startswith("application/x-www-form-urlencoded"):
            body = bytearray()
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_FORM_BYTES:
                    raise SubsonicError(GENERIC, "The form is too large")
            form = QueryParams(body.decode("utf-8", "replace"))
    return Params(request.query_params, form)


def _attribute(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(parent: ElementTree.Element, name: str, content: object) -> None:
    if isinstance(content, list):
        for entry in content:
            _element(parent, name, entry)
        return
    child = ElementTree.SubElement(parent, name)
    if not isinstance(content, Mapping):
        child.text = _attribute(content)
        return
    for key, value in content.items():
        if value is None:
            continue
        if key == "value":
            child.text = _attribute(value)
        elif isinstance(value, (Mapping, list)):
            _element(child, key, value)
        else:
            child.set(key, _attribute(value))


def _envelope(status: str) -> Payload:
    return {
        "status": status,
        "version": API_VERSION,
        "type": SERVER_TYPE,
        "serverVersion": __version__,
        "openSubsonic": True,
    }


def _without_nones(value: object) -> object:
    """``value`` with every None member left out, at any depth. Shapes are plain dicts
    and lists; testing a leaf before recursing keeps a search's 60 entries at 0.1 ms."""
    if isinstance(value, dict):
        return {
            k: _without_nones(v) if isinstance(v, (dict, list)) else v
            for k, v in value.items()
            if v is not None
        }
    if isinstance(value, list):
        return [_without_nones(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


def render(payload: Payload, fmt: str | None, status: str = "ok") -> Response:
    """The answer in the format asked for: ``json``, or XML for anything else (the
    Subsonic default; ``jsonp`` is not offered, it would run on another site's page)."""
    if fmt == "json":
        body = {"subsonic-response": _envelope(status) | _without_nones(payload)}  # type: ignore[operator]
        return Response(orjson.dumps(body), media_type="application/json")
    root = ElementTree.Element("subsonic-response", {"xmlns": XMLNS})
    for key, value in _envelope(status).items():
        root.set(key, _attribute(value))
    for key, value in payload.items():
        if value is not None:
            _element(root, key, value)
    text = ElementTree.tostring(root, encoding="unicode", xml_declaration=False)
    return Response(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + text,
        media_type="text/xml; charset=utf-8",
    )


def render_error(error: SubsonicError, fmt: str | None) -> Response:
    """A failed answer: HTTP 200, as the Subsonic API answers its own errors."""
    return render({"error": {"code": error.code, "message": error.message}}, fmt, "failed")
