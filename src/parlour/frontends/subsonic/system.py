"""System methods: ping, getLicense, getOpenSubsonicExtensions, getMusicFolders, getUser.

Subsonic numbers its music folders (``xs:int``) where Parlour's libraries have 128-bit
ids; a folder's number is the first 28 bits of its library's id, the same on every call
and for every user, and small enough for clients that read it as a 32-bit int."""

from parlour.domain.accounts import Role, Viewer
from parlour.frontends.subsonic.protocol import (
    NOT_AUTHORIZED,
    NOT_FOUND,
    Params,
    Payload,
    SubsonicError,
)
from parlour.frontends.subsonic.routes import PUBLIC, method
from parlour.services.application import Parlour
from parlour.services.libraries import LibraryInfo

# What this server offers beyond Subsonic 1.16.1, each at the versions it implements.
# transcodeOffset: stream's timeOffset works on any song (it starts a transcode there).
EXTENSIONS = (
    ("apiKeyAuthentication", 1),
    ("formPost", 1),
    ("songLyrics", 1),
    ("transcodeOffset", 1),
)


def folder_number(library_id: str) -> int:
    return int(library_id[:7], 16)


def music_libraries(parlour: Parlour, viewer: Viewer) -> list[LibraryInfo]:
    """The music libraries the viewer may see (their grants), by name."""
    libraries = parlour.libraries.list_all(viewer)
    return sorted((lib for lib in libraries if lib.kind == "music"), key=lambda lib: lib.name)


def library_of_folder(parlour: Parlour, viewer: Viewer, params: Params) -> str | None:
    """The library id that ``musicFolderId`` names, or None when none is given; a folder
    the viewer may not see is not found (70), as one that does not exist."""
    raw = params.get("musicFolderId")
    if raw is None or raw == "":
        return None
    for library in music_libraries(parlour, viewer):
        if str(folder_number(library.id)) == raw:
            return library.id
    raise SubsonicError(NOT_FOUND, "Music folder not found")


@method("ping")
async def ping(_parlour: Parlour, _viewer: Viewer, _params: Params) -> Payload:
    return {}


@method("getLicense")
async def get_license(_parlour: Parlour, _viewer: Viewer, _params: Params) -> Payload:
    return {"license": {"valid": True}}


def get_extensions() -> Payload:
    """Public: a client asks before it knows how to sign in (apiKey or not)."""
    return {
        "openSubsonicExtensions": [
            {"name": name, "versions": [version]} for name, version in EXTENSIONS
        ]
    }


PUBLIC["getOpenSubsonicExtensions"] = get_extensions


@method("getMusicFolders")
def get_music_folders(parlour: Parlour, viewer: Viewer, _params: Params) -> Payload:
    folders = [
        {"id": folder_number(lib.id), "name": lib.name} for lib in music_libraries(parlour, viewer)
    ]
    return {"musicFolders": {"musicFolder": folders}}


@method("getUser")
def get_user(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    """A user's roles and music folders: one's own, or anyone's for an admin."""
    name = params.required("username")
    libraries = music_libraries(parlour, viewer)
    if name == viewer.name:
        admin, folders = viewer.is_admin, [folder_number(lib.id) for lib in libraries]
    else:
        if not viewer.is_admin:
            raise SubsonicError(NOT_AUTHORIZED, "Only an admin may look at another user")
        users = parlour.accounts.list_users(viewer)
        user = next((u for u in users if u.name == name), None)
        if user is None:
            raise SubsonicError(NOT_FOUND, "User not found")
        admin = user.role is Role.ADMIN
        granted = set(user.library_ids)
        folders = [folder_number(lib.id) for lib in libraries if admin or lib.id in granted]
    return {
        "user": {
            "username": name,
            "scrobblingEnabled": True,
            "adminRole": admin,
            "settingsRole": False,
            "downloadRole": True,
            "uploadRole": False,
            "playlistRole": True,
            "coverArtRole": False,
            "commentRole": False,
            "podcastRole": False,
            "streamRole": True,
            "jukeboxRole": False,
            "shareRole": False,
            "videoConversionRole": False,
            "folder": folders,
        }
    }
