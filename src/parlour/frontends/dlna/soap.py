"""UPnP control over SOAP 1.1 (UPnP Device Architecture, 3.2): the request read under a
size limit and parsed with defusedxml (no DTDs, no entities), the action checked
against the SOAPACTION header and the service's SCPD, and answers or UPnP faults.
"""

import xml.etree.ElementTree as ET

# No stubs ship with defusedxml; unused-ignore keeps these lines valid once they are installed.
from defusedxml import DefusedXmlException  # type: ignore[import-untyped, unused-ignore]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped, unused-ignore]
from starlette.requests import Request
from starlette.responses import Response

MAX_BODY = 64 * 1024  # a Browse is well under 2 KiB
ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/"
ENCODING = "http://schemas.xmlsoap.org/soap/encoding/"
CONTROL_NS = "urn:schemas-upnp-org:control-1-0"
_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"
_XML = {"content-type": 'text/xml; charset="utf-8"', "ext": ""}

# UPnP Device Architecture 3.2.2 and ContentDirectory:1 2.4
INVALID_ACTION = 401
INVALID_ARGS = 402
ACTION_FAILED = 501
NO_SUCH_CONNECTION = 706
NO_SUCH_OBJECT = 701
UNSUPPORTED_SEARCH = 708
UNSUPPORTED_SORT = 709
NO_SUCH_CONTAINER = 710
CANNOT_PROCESS = 720
_DESCRIPTIONS = {
    INVALID_ACTION: "Invalid Action",
    INVALID_ARGS: "Invalid Args",
    ACTION_FAILED: "Action Failed",
    NO_SUCH_OBJECT: "No such object",
    NO_SUCH_CONNECTION: "Invalid connection reference",
    UNSUPPORTED_SEARCH: "Unsupported or invalid search criteria",
    UNSUPPORTED_SORT: "Unsupported or invalid sort criteria",
    NO_SUCH_CONTAINER: "No such container",
    CANNOT_PROCESS: "Cannot process the request",
}


class UpnpError(Exception):
    """An action that fails with a UPnP error code."""

    def __init__(self, code: int, description: str | None = None) -> None:
        super().__init__(description or _DESCRIPTIONS.get(code, "Action Failed"))
        self.code = code
        self.description = description or _DESCRIPTIONS.get(code, "Action Failed")


class BodyTooLargeError(Exception):
    pass


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The request's body, read in chunks; BodyTooLargeError as soon as it passes
    ``limit`` (nothing more is read)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLargeError
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError
        chunks.append(chunk)
    return b"".join(chunks)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_action(body: bytes, service_type: str, soap_action: str) -> tuple[str, dict[str, str]]:
    """The action a control request asks for and its arguments by name.

    The SOAPACTION header (``"<service type>#<action>"``) must name this service and the
    same action as the body; anything unreadable is Invalid Action (401).
    """
    header = soap_action.strip().strip('"')
    header_type, _, header_action = header.rpartition("#")
    if header_type != service_type or not header_action:
        raise UpnpError(INVALID_ACTION)
    try:
        envelope: ET.Element = fromstring(body, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        raise UpnpError(INVALID_ACTION, "the request is not a SOAP envelope") from exc
    if envelope.tag != f"{{{ENVELOPE_NS}}}Envelope":
        raise UpnpError(INVALID_ACTION, "the request is not a SOAP envelope")
    soap_body = envelope.find(f"{{{ENVELOPE_NS}}}Body")
    if soap_body is None or len(soap_body) != 1:
        raise UpnpError(INVALID_ACTION)
    call = soap_body[0]
    if call.tag != f"{{{service_type}}}{header_action}":
        raise UpnpError(INVALID_ACTION)
    arguments = {_local(child.tag): (child.text or "") for child in call}
    return header_action, arguments


def _envelope() -> tuple[ET.Element, ET.Element]:
    envelope = ET.Element("s:Envelope", {"xmlns:s": ENVELOPE_NS, "s:encodingStyle": ENCODING})
    return envelope, ET.SubElement(envelope, "s:Body")


def escape_text(text: str) -> str:
    """Character data escaped as ElementTree escapes it: ``& < >``."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def escape_attribute(text: str) -> str:
    """An attribute value escaped as ElementTree escapes it: also ``"``, and CR, LF and
    tab as references, so that they survive attribute-value normalisation."""
    text = escape_text(text)
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#09;")
    return text


def _argument(name: str, value: str) -> str:
    return f"<{name}>{escape_text(value)}</{name}>" if value else f"<{name} />"


def answer(service_type: str, action: str, values: list[tuple[str, str]]) -> Response:
    """The action's response envelope, written as text: a Browse result's DIDL-Lite is
    hundreds of kilobytes, which an element tree would copy and walk again."""
    reply = f'u:{action}Response xmlns:u="{escape_attribute(service_type)}"'
    arguments = "".join(_argument(name, value) for name, value in values)
    body = f"<{reply}>{arguments}</u:{action}Response>" if arguments else f"<{reply} />"
    text = (
        f'{_DECLARATION}<s:Envelope xmlns:s="{ENVELOPE_NS}" s:encodingStyle="{ENCODING}">'
        f"<s:Body>{body}</s:Body></s:Envelope>"
    )
    # As ElementTree encodes: what UTF-8 cannot hold (a lone surrogate) as a reference.
    return Response(text.encode("utf-8", "xmlcharrefreplace"), headers=_XML)


def fault(error: UpnpError) -> Response:
    """A UPnP error: HTTP 500 with the SOAP fault (UPnP Device Architecture 3.2.2)."""
    envelope, body = _envelope()
    soap_fault = ET.SubElement(body, "s:Fault")
    ET.SubElement(soap_fault, "faultcode").text = "s:Client"
    ET.SubElement(soap_fault, "faultstring").text = "UPnPError"
    detail = ET.SubElement(soap_fault, "detail")
    upnp_error = ET.SubElement(detail, "UPnPError", {"xmlns": CONTROL_NS})
    ET.SubElement(upnp_error, "errorCode").text = str(error.code)
    ET.SubElement(upnp_error, "errorDescription").text = error.description
    return Response(
        ET.tostring(envelope, encoding="utf-8", xml_declaration=True),
        status_code=500,
        headers=_XML,
    )


def ui4(arguments: dict[str, str], name: str) -> int:
    """An unsigned 32-bit argument; Invalid Args (402) if missing or not one."""
    text = arguments.get(name, "").strip()
    if not (text.isascii() and text.isdigit()) or int(text) >= 2**32:
        raise UpnpError(INVALID_ARGS, f"{name} must be an unsigned number")
    return int(text)
