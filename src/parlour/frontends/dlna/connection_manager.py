"""ConnectionManager:1 for a server that makes no connections of its own (HTTP GET
only: the one connection 0), and X_MS_MediaReceiverRegistrar, which Xbox-style
clients ask before browsing: every device is "authorized" here, since who may browse is
decided by the allow-list and the admin's approval, not by this service."""

from parlour.frontends.dlna.protocol import SOURCE_PROTOCOLS
from parlour.frontends.dlna.soap import INVALID_ACTION, INVALID_ARGS, NO_SUCH_CONNECTION, UpnpError

Values = list[tuple[str, str]]


def connection_manager(action: str, args: dict[str, str]) -> Values:
    if action == "GetProtocolInfo":
        return [("Source", SOURCE_PROTOCOLS), ("Sink", "")]
    if action == "GetCurrentConnectionIDs":
        return [("ConnectionIDs", "0")]
    if action == "GetCurrentConnectionInfo":
        connection = args.get("ConnectionID", "").strip()
        if not connection.lstrip("-").isdigit():
            raise UpnpError(INVALID_ARGS, "ConnectionID must be a number")
        if int(connection) != 0:
            raise UpnpError(NO_SUCH_CONNECTION)
        return [
            ("RcsID", "-1"),
            ("AVTransportID", "-1"),
            ("ProtocolInfo", ""),
            ("PeerConnectionManager", ""),
            ("PeerConnectionID", "-1"),
            ("Direction", "Output"),
            ("Status", "OK"),
        ]
    raise UpnpError(INVALID_ACTION)


def media_receiver_registrar(action: str, args: dict[str, str]) -> Values:
    if action in ("IsAuthorized", "IsValidated"):
        return [("Result", "1")]
    if action == "RegisterDevice":
        return [("RegistrationRespMsg", "")]
    raise UpnpError(INVALID_ACTION)
