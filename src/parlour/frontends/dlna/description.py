"""The UPnP device description (MediaServer:1), its icons and the three services'
SCPDs (UPnP Device Architecture, 2.3 and 2.5; ContentDirectory:1; ConnectionManager:1;
Microsoft's X_MS_MediaReceiverRegistrar for Xbox-style clients).

The documents are built with ElementTree, so every text (the friendly name above all)
is escaped; the icons are drawn with Pillow the first time they are asked for.
"""

import functools
import io
import xml.etree.ElementTree as ET

from PIL import Image, ImageDraw

from parlour import __version__
from parlour.domain.dlna import DlnaConfig

DESCRIPTION_PATH = "/dlna/description.xml"
ICON_SIZES = (48, 120)
ICON_PATH = "/dlna/icon-{size}.png"

_CD, _CM, _MR = "ContentDirectory", "ConnectionManager", "X_MS_MediaReceiverRegistrar"


def _service(name: str, service_type: str, service_id: str) -> tuple[str, str, str, str, str, str]:
    return (
        name,
        service_type,
        service_id,
        f"/dlna/scpd/{name}.xml",
        f"/dlna/control/{name}",
        f"/dlna/event/{name}",
    )


# (short name, service type, service id, SCPD path, control path, event path)
SERVICES = (
    _service(
        _CD,
        "urn:schemas-upnp-org:service:ContentDirectory:1",
        "urn:upnp-org:serviceId:ContentDirectory",
    ),
    _service(
        _CM,
        "urn:schemas-upnp-org:service:ConnectionManager:1",
        "urn:upnp-org:serviceId:ConnectionManager",
    ),
    _service(
        _MR,
        "urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1",
        "urn:microsoft.com:serviceId:X_MS_MediaReceiverRegistrar",
    ),
)
SERVICE_TYPES = {service[0]: service[1] for service in SERVICES}

DEVICE_NS = "urn:schemas-upnp-org:device-1-0"
SERVICE_NS = "urn:schemas-upnp-org:service-1-0"
DLNA_DEVICE_NS = "urn:schemas-dlna-org:device-1-0"
MEDIA_SERVER = "urn:schemas-upnp-org:device:MediaServer:1"


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def _document(root: ET.Element) -> bytes:
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def _spec_version(parent: ET.Element) -> None:
    version = ET.SubElement(parent, "specVersion")
    _text(version, "major", "1")
    _text(version, "minor", "0")


def device_description(config: DlnaConfig) -> bytes:
    root = ET.Element("root", {"xmlns": DEVICE_NS, "xmlns:dlna": DLNA_DEVICE_NS})
    _spec_version(root)
    device = ET.SubElement(root, "device")
    _text(device, "deviceType", MEDIA_SERVER)
    _text(device, "friendlyName", config.friendly_name)
    _text(device, "manufacturer", "Parlour")
    _text(device, "modelDescription", "Parlour media server")
    _text(device, "modelName", "Parlour")
    _text(device, "modelNumber", __version__)
    _text(device, "UDN", f"uuid:{config.device_uuid}")
    _text(device, "dlna:X_DLNADOC", "DMS-1.50")
    icons = ET.SubElement(device, "iconList")
    for size in ICON_SIZES:
        icon = ET.SubElement(icons, "icon")
        _text(icon, "mimetype", "image/png")
        _text(icon, "width", str(size))
        _text(icon, "height", str(size))
        _text(icon, "depth", "24")
        _text(icon, "url", ICON_PATH.format(size=size))
    services = ET.SubElement(device, "serviceList")
    for _name, service_type, service_id, scpd, control, event in SERVICES:
        service = ET.SubElement(services, "service")
        _text(service, "serviceType", service_type)
        _text(service, "serviceId", service_id)
        _text(service, "SCPDURL", scpd)
        _text(service, "controlURL", control)
        _text(service, "eventSubURL", event)
    return _document(root)


@functools.cache
def icon(size: int) -> bytes:
    """The server's icon: a play triangle on a dark rounded square."""
    picture = Image.new("RGB", (size, size), (250, 250, 250))
    draw = ImageDraw.Draw(picture)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 6, fill=(38, 50, 72))
    third = size // 3
    draw.polygon(
        [(third + size // 12, third - size // 12), (third + size // 12, 2 * third + size // 12),
         (2 * third + size // 8, size // 2)],
        fill=(242, 178, 60),
    )  # fmt: skip
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


# -- SCPDs ----------------------------------------------------------------------------------

# action -> [(argument, direction, related state variable)]
Actions = dict[str, list[tuple[str, str, str]]]
# state variable -> (data type, evented, allowed values)
Variables = dict[str, tuple[str, bool, tuple[str, ...]]]

_CD_ACTIONS: Actions = {
    "GetSearchCapabilities": [("SearchCaps", "out", "SearchCapabilities")],
    "GetSortCapabilities": [("SortCaps", "out", "SortCapabilities")],
    "GetSystemUpdateID": [("Id", "out", "SystemUpdateID")],
    "Browse": [
        ("ObjectID", "in", "A_ARG_TYPE_ObjectID"),
        ("BrowseFlag", "in", "A_ARG_TYPE_BrowseFlag"),
        ("Filter", "in", "A_ARG_TYPE_Filter"),
        ("StartingIndex", "in", "A_ARG_TYPE_Index"),
        ("RequestedCount", "in", "A_ARG_TYPE_Count"),
        ("SortCriteria", "in", "A_ARG_TYPE_SortCriteria"),
        ("Result", "out", "A_ARG_TYPE_Result"),
        ("NumberReturned", "out", "A_ARG_TYPE_Count"),
        ("TotalMatches", "out", "A_ARG_TYPE_Count"),
        ("UpdateID", "out", "A_ARG_TYPE_UpdateID"),
    ],
    "Search": [
        ("ContainerID", "in", "A_ARG_TYPE_ObjectID"),
        ("SearchCriteria", "in", "A_ARG_TYPE_SearchCriteria"),
        ("Filter", "in", "A_ARG_TYPE_Filter"),
        ("StartingIndex", "in", "A_ARG_TYPE_Index"),
        ("RequestedCount", "in", "A_ARG_TYPE_Count"),
        ("SortCriteria", "in", "A_ARG_TYPE_SortCriteria"),
        ("Result", "out", "A_ARG_TYPE_Result"),
        ("NumberReturned", "out", "A_ARG_TYPE_Count"),
        ("TotalMatches", "out", "A_ARG_TYPE_Count"),
        ("UpdateID", "out", "A_ARG_TYPE_UpdateID"),
    ],
}
_CD_VARIABLES: Variables = {
    "SearchCapabilities": ("string", False, ()),
    "SortCapabilities": ("string", False, ()),
    "SystemUpdateID": ("ui4", True, ()),
    "ContainerUpdateIDs": ("string", True, ()),
    "A_ARG_TYPE_ObjectID": ("string", False, ()),
    "A_ARG_TYPE_Result": ("string", False, ()),
    "A_ARG_TYPE_SearchCriteria": ("string", False, ()),
    "A_ARG_TYPE_BrowseFlag": ("string", False, ("BrowseMetadata", "BrowseDirectChildren")),
    "A_ARG_TYPE_Filter": ("string", False, ()),
    "A_ARG_TYPE_SortCriteria": ("string", False, ()),
    "A_ARG_TYPE_Index": ("ui4", False, ()),
    "A_ARG_TYPE_Count": ("ui4", False, ()),
    "A_ARG_TYPE_UpdateID": ("ui4", False, ()),
}
_CM_ACTIONS: Actions = {
    "GetProtocolInfo": [
        ("Source", "out", "SourceProtocolInfo"),
        ("Sink", "out", "SinkProtocolInfo"),
    ],
    "GetCurrentConnectionIDs": [("ConnectionIDs", "out", "CurrentConnectionIDs")],
    "GetCurrentConnectionInfo": [
        ("ConnectionID", "in", "A_ARG_TYPE_ConnectionID"),
        ("RcsID", "out", "A_ARG_TYPE_RcsID"),
        ("AVTransportID", "out", "A_ARG_TYPE_AVTransportID"),
        ("ProtocolInfo", "out", "A_ARG_TYPE_ProtocolInfo"),
        ("PeerConnectionManager", "out", "A_ARG_TYPE_ConnectionManager"),
        ("PeerConnectionID", "out", "A_ARG_TYPE_ConnectionID"),
        ("Direction", "out", "A_ARG_TYPE_Direction"),
        ("Status", "out", "A_ARG_TYPE_ConnectionStatus"),
    ],
}
_CM_VARIABLES: Variables = {
    "SourceProtocolInfo": ("string", True, ()),
    "SinkProtocolInfo": ("string", True, ()),
    "CurrentConnectionIDs": ("string", True, ()),
    "A_ARG_TYPE_ConnectionStatus": (
        "string",
        False,
        ("OK", "ContentFormatMismatch", "InsufficientBandwidth", "UnreliableChannel", "Unknown"),
    ),
    "A_ARG_TYPE_ConnectionManager": ("string", False, ()),
    "A_ARG_TYPE_Direction": ("string", False, ("Input", "Output")),
    "A_ARG_TYPE_ProtocolInfo": ("string", False, ()),
    "A_ARG_TYPE_ConnectionID": ("i4", False, ()),
    "A_ARG_TYPE_AVTransportID": ("i4", False, ()),
    "A_ARG_TYPE_RcsID": ("i4", False, ()),
}
_MR_ACTIONS: Actions = {
    "IsAuthorized": [
        ("DeviceID", "in", "A_ARG_TYPE_DeviceID"),
        ("Result", "out", "A_ARG_TYPE_Result"),
    ],
    "IsValidated": [
        ("DeviceID", "in", "A_ARG_TYPE_DeviceID"),
        ("Result", "out", "A_ARG_TYPE_Result"),
    ],
    "RegisterDevice": [
        ("RegistrationReqMsg", "in", "A_ARG_TYPE_RegistrationReqMsg"),
        ("RegistrationRespMsg", "out", "A_ARG_TYPE_RegistrationRespMsg"),
    ],
}
_MR_VARIABLES: Variables = {
    "A_ARG_TYPE_DeviceID": ("string", False, ()),
    "A_ARG_TYPE_Result": ("int", False, ()),
    "A_ARG_TYPE_RegistrationReqMsg": ("bin.base64", False, ()),
    "A_ARG_TYPE_RegistrationRespMsg": ("bin.base64", False, ()),
    "AuthorizationGrantedUpdateID": ("ui4", True, ()),
    "AuthorizationDeniedUpdateID": ("ui4", True, ()),
    "ValidationSucceededUpdateID": ("ui4", True, ()),
    "ValidationRevokedUpdateID": ("ui4", True, ()),
}
_SCPDS = {
    _CD: (_CD_ACTIONS, _CD_VARIABLES),
    _CM: (_CM_ACTIONS, _CM_VARIABLES),
    _MR: (_MR_ACTIONS, _MR_VARIABLES),
}
# What each action takes in, in order (the control side checks requests against it).
ACTION_ARGUMENTS = {
    name: {
        action: [arg for arg, direction, _ in arguments if direction == "in"]
        for action, arguments in actions.items()
    }
    for name, (actions, _) in _SCPDS.items()
}


@functools.cache
def scpd(name: str) -> bytes:
    """The SCPD of service ``name`` (a short name of SERVICES); KeyError for others."""
    actions, variables = _SCPDS[name]
    root = ET.Element("scpd", {"xmlns": SERVICE_NS})
    _spec_version(root)
    action_list = ET.SubElement(root, "actionList")
    for action_name, arguments in actions.items():
        action = ET.SubElement(action_list, "action")
        _text(action, "name", action_name)
        argument_list = ET.SubElement(action, "argumentList")
        for argument_name, direction, related in arguments:
            argument = ET.SubElement(argument_list, "argument")
            _text(argument, "name", argument_name)
            _text(argument, "direction", direction)
            _text(argument, "relatedStateVariable", related)
    table = ET.SubElement(root, "serviceStateTable")
    for variable_name, (data_type, evented, allowed) in variables.items():
        variable = ET.SubElement(table, "stateVariable", {"sendEvents": "yes" if evented else "no"})
        _text(variable, "name", variable_name)
        _text(variable, "dataType", data_type)
        if allowed:
            values = ET.SubElement(variable, "allowedValueList")
            for value in allowed:
                _text(values, "allowedValue", value)
    return _document(root)
