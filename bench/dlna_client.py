"""A ContentDirectory:1 control point for bench/dlna.py: SOAP Browse and GetSystemUpdateID
over one httpx client (one keep-alive connection, if the server keeps it), the same for
every server asked. Only the HTTP exchange is timed; the answer is read after it."""

import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

CONTENT_DIRECTORY = "urn:schemas-upnp-org:service:ContentDirectory:1"
DEVICE_NS = "urn:schemas-upnp-org:device-1-0"
ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/"
DIDL_NS = "urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/"
DC_NS = "http://purl.org/dc/elements/1.1/"
# What a television says it is, roughly: both servers see the same agent.
USER_AGENT = "parlour-bench/1 UPnP/1.0 DLNADOC/1.50"
REQUEST_TIMEOUT_S = 60.0
ENVELOPE = (
    '<?xml version="1.0" encoding="utf-8"?>'
    f'<s:Envelope xmlns:s="{ENVELOPE_NS}" '
    's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
    '<u:{action} xmlns:u="{service}">{arguments}</u:{action}></s:Body></s:Envelope>'
)


@dataclass(frozen=True, slots=True)
class DidlObject:
    object_id: str
    title: str
    container: bool


@dataclass(frozen=True, slots=True)
class Browsed:
    """One Browse answer: its children, what it said it returned and matched, its size."""

    objects: list[DidlObject]
    returned: int
    total: int
    size: int  # bytes of the HTTP body


@dataclass(frozen=True, slots=True)
class Exchange:
    """One timed SOAP request: milliseconds from sending to the last byte, and the body."""

    elapsed_ms: float
    body: bytes
    kept_alive: bool


def _arguments(values: dict[str, str | int]) -> str:
    # Object ids such as MiniDLNA's "1$7" need no escaping; ours are hex and dashes.
    return "".join(f"<{name}>{value}</{name}>" for name, value in values.items())


def _didl(result: str) -> list[DidlObject]:
    root = ET.fromstring(result)
    found = []
    for element in root:
        kind = element.tag.rsplit("}", 1)[-1]
        if kind not in ("container", "item"):
            continue
        title = element.findtext(f"{{{DC_NS}}}title") or ""
        found.append(DidlObject(element.get("id", ""), title, kind == "container"))
    return found


class ContentDirectoryClient:
    """The ContentDirectory service of the device described at ``description_url``."""

    def __init__(self, who: str, description_url: str) -> None:
        self.who = who
        self.http = httpx.Client(timeout=REQUEST_TIMEOUT_S, headers={"user-agent": USER_AGENT})
        self.control_url = self._control_url(description_url)
        self.connection_closes = 0  # answers that asked to close the connection

    def _control_url(self, description_url: str) -> str:
        """The ContentDirectory's controlURL from the device description (UDA 1.1, 2.3)."""
        response = self.http.get(description_url)
        if response.status_code != 200:
            raise SystemExit(f"{self.who}: description: HTTP {response.status_code}")
        root = ET.fromstring(response.content)
        base = root.findtext(f"{{{DEVICE_NS}}}URLBase") or description_url
        for service in root.iter(f"{{{DEVICE_NS}}}service"):
            if service.findtext(f"{{{DEVICE_NS}}}serviceType") == CONTENT_DIRECTORY:
                return urljoin(base, service.findtext(f"{{{DEVICE_NS}}}controlURL") or "")
        raise SystemExit(f"{self.who}: the description names no ContentDirectory:1")

    def exchange(self, action: str, values: dict[str, str | int]) -> Exchange:
        arguments = _arguments(values)
        body = ENVELOPE.format(action=action, service=CONTENT_DIRECTORY, arguments=arguments)
        headers = {
            "content-type": 'text/xml; charset="utf-8"',
            "soapaction": f'"{CONTENT_DIRECTORY}#{action}"',
        }
        begin = time.perf_counter()
        response = self.http.post(self.control_url, content=body.encode(), headers=headers)
        elapsed = (time.perf_counter() - begin) * 1000
        if response.status_code != 200:
            raise SystemExit(
                f"{self.who} {action} {values}: HTTP {response.status_code} {response.text[:300]}"
            )
        kept_alive = response.headers.get("connection", "").lower() != "close"
        self.connection_closes += not kept_alive
        return Exchange(elapsed, response.content, kept_alive)

    def browse_children(self, object_id: str, start: int = 0, count: int = 0) -> Exchange:
        """BrowseDirectChildren of ``object_id``: ``count`` 0 asks for all of them."""
        return self.exchange(
            "Browse",
            {
                "ObjectID": object_id,
                "BrowseFlag": "BrowseDirectChildren",
                "Filter": "*",
                "StartingIndex": start,
                "RequestedCount": count,
                "SortCriteria": "",
            },
        )

    def system_update_id(self) -> Exchange:
        return self.exchange("GetSystemUpdateID", {})

    def read(self, exchange: Exchange) -> Browsed:
        """A Browse answer's DIDL-Lite children and counts; SystemExit if they disagree."""
        envelope = ET.fromstring(exchange.body)
        answer = envelope.find(f"{{{ENVELOPE_NS}}}Body/{{{CONTENT_DIRECTORY}}}BrowseResponse")
        if answer is None:
            raise SystemExit(f"{self.who}: not a BrowseResponse: {exchange.body[:300]!r}")
        objects = _didl(answer.findtext("Result") or "")
        returned = int(answer.findtext("NumberReturned") or -1)
        total = int(answer.findtext("TotalMatches") or -1)
        if returned != len(objects):
            raise SystemExit(f"{self.who}: NumberReturned {returned}, {len(objects)} in DIDL")
        return Browsed(objects, returned, total, len(exchange.body))

    def browse(self, object_id: str, start: int = 0, count: int = 0) -> Browsed:
        return self.read(self.browse_children(object_id, start, count))

    def close(self) -> None:
        self.http.close()
