"""Playlist methods: getPlaylists, getPlaylist, createPlaylist, updatePlaylist and
deletePlaylist, on the same music playlists the web UI shows (the activity service
keeps them). A playlist is its owner's alone: no other user lists or opens it, so
``public`` is always false and an app's ``public=true`` changes nothing.
"""

from typing import Any

from starlette.concurrency import run_in_threadpool

from parlour.domain.accounts import Viewer
from parlour.frontends.subsonic import shapes
from parlour.frontends.subsonic.protocol import (
    GENERIC,
    NOT_AUTHORIZED,
    NOT_FOUND,
    Params,
    Payload,
    SubsonicError,
)
from parlour.frontends.subsonic.routes import method
from parlour.services.application import Parlour
from parlour.services.music_api import Song


def _playlist(viewer: Viewer, found: dict[str, Any], songs: list[Song]) -> Payload:
    return {
        "id": found["id"],
        "name": found["name"],
        "comment": found["comment"],
        "owner": viewer.name,
        "public": False,
        "songCount": len(songs),
        "duration": round(sum(song.duration_ms for song in songs) / 1000),
        "created": shapes.iso(found["created_at"]),
        "changed": shapes.iso(found["updated_at"]),
        "coverArt": next((song.cover_id for song in songs if song.cover_id), None),
    }


async def _songs(parlour: Parlour, viewer: Viewer, found: dict[str, Any]) -> list[Song]:
    ids = [entry["id"] for entry in found["items"]]
    return await run_in_threadpool(parlour.music.songs, viewer, ids)


async def _music_playlist(parlour: Parlour, viewer: Viewer, playlist_id: str) -> dict[str, Any]:
    found = await run_in_threadpool(parlour.activity.playlist, viewer, playlist_id)
    if found["kind"] != "music":
        raise SubsonicError(NOT_FOUND, "Playlist not found")  # a video playlist
    return found


async def _answer(parlour: Parlour, viewer: Viewer, found: dict[str, Any]) -> Payload:
    songs = await _songs(parlour, viewer, found)
    entries = [shapes.song(song) for song in songs]
    return {"playlist": _playlist(viewer, found, songs) | {"entry": entries}}


@method("getPlaylists")
async def get_playlists(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    asked = params.get("username")
    if asked and asked != viewer.name:
        raise SubsonicError(NOT_AUTHORIZED, "Playlists are their owner's alone")
    owned = await run_in_threadpool(parlour.activity.playlists, viewer)
    listed = []
    for summary in owned:
        if summary["kind"] != "music":
            continue
        found = await run_in_threadpool(parlour.activity.playlist, viewer, summary["id"])
        listed.append(_playlist(viewer, found, await _songs(parlour, viewer, found)))
    return {"playlists": {"playlist": listed}}


@method("getPlaylist")
async def get_playlist(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    found = await _music_playlist(parlour, viewer, params.required("id"))
    return await _answer(parlour, viewer, found)


@method("createPlaylist")
async def create_playlist(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    """A new playlist (``name``), or, with ``playlistId``, a playlist's songs replaced."""
    song_ids = params.getlist("songId")
    playlist_id = params.get("playlistId")
    if playlist_id:
        await _music_playlist(parlour, viewer, playlist_id)
        found = await run_in_threadpool(
            parlour.activity.replace_playlist_items, viewer, playlist_id, song_ids
        )
    else:
        name = params.required("name")
        found = await run_in_threadpool(
            parlour.activity.create_playlist, viewer, name, "music", None, song_ids
        )
    return await _answer(parlour, viewer, found)


@method("updatePlaylist")
async def update_playlist(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    playlist_id = params.required("playlistId")
    await _music_playlist(parlour, viewer, playlist_id)
    positions = []
    for raw in params.getlist("songIndexToRemove"):
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 6):
            raise SubsonicError(GENERIC, "'songIndexToRemove' must be a position in the list")
        positions.append(int(raw))

    def edit() -> dict[str, Any]:
        return parlour.activity.edit_playlist(
            viewer,
            playlist_id,
            remove_positions=positions,
            add_items=params.getlist("songIdToAdd"),
            name=params.get("name"),
            comment=params.get("comment"),
        )

    await run_in_threadpool(edit)
    return {}


@method("deletePlaylist")
async def delete_playlist(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    playlist_id = params.required("id")
    await _music_playlist(parlour, viewer, playlist_id)
    await run_in_threadpool(parlour.activity.delete_playlist, viewer, playlist_id)
    return {}
