"""Operations under /api/v1/admin/dlna: the DLNA server's configuration, its devices and
the plays recorded against them."""

from parlour.frontends.web.openapi.build import Operation, body, limit, op
from parlour.frontends.web.openapi.schemas import ID, TIME, Schema, obj

_TEXTS: Schema = {"type": "array", "items": {"type": "string"}}
# What the server takes, as far as a pattern can say it: IPv4 addresses and subnets of
# home networks (10/8, 172.16/12, 192.168/16, 127/8); IPv6 ones are taken too.
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_HOME = (
    rf"(10|127)\.{_OCTET}\.{_OCTET}\.{_OCTET}"
    rf"|192\.168\.{_OCTET}\.{_OCTET}"
    rf"|172\.(1[6-9]|2[0-9]|3[01])\.{_OCTET}\.{_OCTET}"
)
_ADDRESSES: Schema = {
    "type": "array",
    "items": {"type": "string", "pattern": rf"^({_HOME})$"},
    "description": "Addresses of this machine to listen on",
}
_SUBNETS: Schema = {
    "type": "array",
    "items": {"type": "string", "pattern": rf"^({_HOME})/(1[6-9]|2[0-9]|3[0-2])$"},
    "description": "Private subnets whose devices it answers (default: the interfaces')",
}
# 1 to 64 characters, none a control character, not all white space.
_NAME: Schema = {
    "type": "string",
    "maxLength": 64,
    "pattern": "^[^\\x00-\\x1f]*[^\\s\\x00-\\x1f][^\\x00-\\x1f]*$",
}
_RETENTION: Schema = {
    "type": "integer",
    "minimum": 1,
    "maximum": 30,
    "description": "Days recorded plays are kept",
}
_CONFIG = obj(
    {
        "enabled": {"type": "boolean"},
        "device_uuid": {"type": "string", "description": "The installation's UPnP device UUID"},
        "name": {"type": "string", "description": "The name TVs show"},
        "port": {"type": "integer", "minimum": 1, "maximum": 65535},
        "interfaces": _TEXTS | {"description": "This machine's addresses it listens on"},
        "allow": _TEXTS | {"description": "The subnets whose devices it answers"},
        "library_ids": _TEXTS | {"description": "The libraries the network may see"},
        "approval_required": {"type": "boolean"},
        "record_plays": {"type": "boolean", "description": "Plays are recorded per device"},
        "play_retention_days": _RETENTION,
    }
)
_DEVICE = obj(
    {
        "id": ID,
        "user_agent": {"type": "string"},
        "address": {"type": "string"},
        "first_seen": TIME,
        "last_seen": TIME,
        "approved": {"type": "boolean"},
    }
)
_PLAY = obj(
    {
        "device_id": ID,
        "device_name": {"type": "string", "description": "The device's User-Agent"},
        "item_id": ID,
        "title": {"type": "string"},
        "kind": {"type": "string", "enum": ["track", "film", "video", "episode"]},
        "played_at": TIME,
    }
)

_ADDRESS = obj(
    {
        "address": {"type": "string", "description": "An IPv4 address of this machine"},
        "interface": {"type": "string", "description": "Its interface's name; empty if unknown"},
        "loopback": {"type": "boolean", "description": "Reachable from this machine only"},
    }
)


def operations() -> dict[str, dict[str, Operation]]:
    tag = "DLNA"
    return {
        "/api/v1/admin/dlna": {
            "get": op("The DLNA server's configuration (off until turned on)", tag, answer=_CONFIG),
            "put": op(
                "Turn the DLNA server on (or change it) or off",
                tag,
                answer=_CONFIG,
                errors=(404, 409),
                request=body(
                    {
                        "enabled": {"type": "boolean"},
                        "libraries": _TEXTS | {"description": "Shared libraries, by name or id"},
                        "interfaces": _ADDRESSES,
                        "allow": _SUBNETS,
                        "name": _NAME,
                        "port": {"type": "integer", "minimum": 1024, "maximum": 65535},
                        "approval_required": {"type": "boolean"},
                        "record_plays": {"type": "boolean"},
                        "play_retention_days": _RETENTION,
                    },
                    ["enabled"],
                ),
                description=(
                    "UPnP has no authentication: the server answers only devices in the"
                    " allowed subnets (private networks only) and shows only the shared"
                    " libraries (none until chosen). What is not given stays as it was;"
                    " turning it on before any interface was chosen answers 409. Whether"
                    " plays are recorded (against the device, never a person; off by"
                    " default) and for how many days can be set with it on or off;"
                    " turning recording off erases the recorded plays."
                ),
            ),
        },
        "/api/v1/admin/dlna/addresses": {
            "get": op(
                "This machine's home-network addresses the server could listen on",
                tag,
                answer={"type": "array", "items": _ADDRESS},
            ),
        },
        "/api/v1/admin/dlna/devices": {
            "get": op(
                "Devices that asked the DLNA server for something",
                tag,
                answer={"type": "array", "items": _DEVICE},
            ),
        },
        "/api/v1/admin/dlna/devices/{device_id}": {
            "put": op(
                "Approve a device (or withdraw its approval)",
                tag,
                status=204,
                request=body({"approved": {"type": "boolean"}}, ["approved"]),
            ),
            "delete": op("Forget a device and the plays recorded against it", tag, status=204),
        },
        "/api/v1/admin/dlna/plays": {
            "get": op(
                "Plays recorded against DLNA devices, newest first",
                tag,
                answer={"type": "array", "items": _PLAY},
                params=(limit(100, 1000),),
                description=(
                    "Empty unless the admin records plays. A play is a device fetching a"
                    " track's, film's, video's or episode's media (photos are not plays);"
                    " fetches of one item by one device are one play until it has not"
                    " fetched it for 30 minutes. Plays past the retention are deleted."
                ),
            ),
            "delete": op("Erase every recorded play", tag, status=204),
        },
    }
