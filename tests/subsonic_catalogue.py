"""A served music catalogue whose tags the Subsonic tests know, with app passwords.

Two music libraries, made with ffmpeg (tags written by its muxers) and Pillow:

- "Songs A": Alpha Band — First Light (2001, Rock; MP3 at 128 kb/s CBR; cover.jpg) and
  Second Wind (2005, Jazz; FLAC); The Beta Singers — Blue Notes (1998, Jazz; AAC in
  M4A, two discs) and Late Arrival (2020, Electronic; MP3), which is added by a second
  scan a second after the first, so that it is the newest album.
- "Songs B": Gamma Secret — Hidden Tracks (2010; Rock and Secretcore; MP3).

Users: ``root`` (admin: both), ``alice`` (Songs A only), ``bob`` (both). Each has one
app password for the music apps, and a web session for the REST API.
"""

import hashlib
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import libsonic
from PIL import Image

from parlour.domain.accounts import HOST
from parlour.frontends.subsonic.system import folder_number
from parlour.media.ffmpeg import run_ffmpeg
from support import ServerProcess, free_port, open_parlour

API = "1.16.1"
USERS = {"root": (), "alice": ("Songs A",), "bob": ("Songs A", "Songs B")}
ENCODERS = {
    "mp3": ["-c:a", "libmp3lame", "-b:a", "128k"],
    "flac": ["-c:a", "flac"],
    "m4a": ["-c:a", "aac", "-b:a", "96k"],
}
CONTENT_TYPES = {"mp3": "audio/mpeg", "flac": "audio/flac", "m4a": "audio/mp4"}


@dataclass(frozen=True)
class Track:
    library: str
    artist: str
    album: str
    year: int
    genre: str
    title: str
    track: int
    tracks: int
    disc: int
    seconds: int
    suffix: str
    late: bool = False  # written before the second scan

    @property
    def path(self) -> str:
        """Where the file lies inside its library."""
        name = f"{self.disc}-{self.track:02d} {self.title}.{self.suffix}"
        return f"{self.artist}/{self.album} ({self.year})/{name}"


_A, _B = "Songs A", "Songs B"
_ALPHA, _BETA, _GAMMA = "Alpha Band", "The Beta Singers", "Gamma Secret"
TRACKS = (
    Track(_A, _ALPHA, "First Light", 2001, "Rock", "Dawn", 1, 3, 1, 4, "mp3"),
    Track(_A, _ALPHA, "First Light", 2001, "Rock", "Noon", 2, 3, 1, 5, "mp3"),
    Track(_A, _ALPHA, "First Light", 2001, "Rock", "Dusk", 3, 3, 1, 6, "mp3"),
    Track(_A, _ALPHA, "Second Wind", 2005, "Jazz", "Breeze", 1, 2, 1, 3, "flac"),
    Track(_A, _ALPHA, "Second Wind", 2005, "Jazz", "Gale", 2, 2, 1, 4, "flac"),
    Track(_A, _BETA, "Blue Notes", 1998, "Jazz", "Midnight", 1, 1, 1, 3, "m4a"),
    Track(_A, _BETA, "Blue Notes", 1998, "Jazz", "Sunrise", 1, 1, 2, 4, "m4a"),
    Track(_A, _BETA, "Late Arrival", 2020, "Electronic", "Encore", 1, 1, 1, 3, "mp3", late=True),
    Track(_B, _GAMMA, "Hidden Tracks", 2010, "Rock", "Whisper of Dawn", 1, 2, 1, 3, "mp3"),
    Track(_B, _GAMMA, "Hidden Tracks", 2010, "Secretcore", "Shadow", 2, 2, 1, 3, "mp3"),
)
COVERED = ("First Light",)  # albums with a cover.jpg beside their tracks
# Lyrics: in a track's own tags (ffmpeg's "lyrics" key), and in an LRC file beside one.
EMBEDDED_LYRICS = {"Gale": "Wind in the reeds\nGale over the hill"}
SIDECAR_LYRICS = {
    "Noon": "[ar:Alpha Band]\n[ti:Noon]\n[offset:+250]\n"
    "[00:01.00]Sun stands high\n[00:02.50]Shadows hide\n[00:03.75]Noon is here\n"
}


def tracks_of(library: str | None = None, **match: Any) -> list[Track]:
    return [
        t
        for t in TRACKS
        if (library is None or t.library == library)
        and all(getattr(t, k) == v for k, v in match.items())
    ]


def _write(track: Track, root: Path) -> None:
    path = root / track.path
    path.parent.mkdir(parents=True, exist_ok=True)
    tags = {
        "title": track.title,
        "artist": track.artist,
        "album_artist": track.artist,
        "album": track.album,
        "date": str(track.year),
        "genre": track.genre,
        "track": f"{track.track}/{track.tracks}",
        "disc": f"{track.disc}/2" if track.album == "Blue Notes" else "1/1",
    }
    if track.title in EMBEDDED_LYRICS:
        tags["lyrics"] = EMBEDDED_LYRICS[track.title]
    metadata = [arg for key, value in tags.items() for arg in ("-metadata", f"{key}={value}")]
    sine = f"sine=f={220 + 20 * track.track}:duration={track.seconds}"
    run_ffmpeg(["-f", "lavfi", "-i", sine, *ENCODERS[track.suffix], *metadata, str(path)])
    if track.title in SIDECAR_LYRICS:
        path.with_suffix(".lrc").write_text(SIDECAR_LYRICS[track.title], encoding="utf-8")


def write_music(roots: dict[str, Path], *, late: bool) -> None:
    for track in TRACKS:
        if track.late == late:
            _write(track, roots[track.library])
    if not late:
        for album in COVERED:
            track = tracks_of(album=album)[0]
            folder = (roots[track.library] / track.path).parent
            Image.new("RGB", (64, 64), (200, 120, 40)).save(folder / "cover.jpg")


@dataclass
class SubsonicServer:
    process: ServerProcess
    roots: dict[str, Path]  # library name -> root
    app_passwords: dict[str, str]  # user -> app password
    headers: dict[str, dict[str, str]]  # user -> REST API Authorization header
    folders: dict[str, int]  # library name -> Subsonic music folder id

    def client(self, user: str) -> libsonic.Connection:
        """py-sonic as ``user``: token auth, a fresh salt on every call, JSON."""
        return libsonic.Connection(
            "http://127.0.0.1", user, self.app_passwords[user], port=self.process.port
        )

    def raw(self, user: str, method: str, *, view: bool = True, **params: Any) -> httpx.Response:
        """A GET of ``/rest/<method>.view`` (or without ``.view``) with token auth and no
        client library: XML unless ``f=json`` is among ``params``."""
        salt = secrets.token_hex(8)
        token = hashlib.md5((self.app_passwords[user] + salt).encode()).hexdigest()
        query = {"u": user, "t": token, "s": salt, "v": API, "c": "tests"} | params
        path = f"/rest/{method}.view" if view else f"/rest/{method}"
        return httpx.get(self.process.base + path, params=query, timeout=30)

    def rest(self, user: str, verb: str, path: str, **body: Any) -> httpx.Response:
        """A call of Parlour's own REST API as ``user`` (to star, rate and play)."""
        return httpx.request(
            verb,
            f"{self.process.base}/api/v1{path}",
            headers=self.headers[user],
            json=body or None,
            timeout=30,
        )


@contextmanager
def serve_music(base: Path) -> Iterator[SubsonicServer]:
    roots = {"Songs A": base / "a", "Songs B": base / "b"}
    write_music(roots, late=False)
    data = base / "data"
    app = open_parlour(data)
    try:
        for name, root in roots.items():
            app.libraries.add(HOST, "music", str(root), name)
        first = app.scanner.scan()
        assert first.failures == [], first.failures
        # Album times are whole seconds: the late album is found in a later one.
        started = int(time.time())
        while int(time.time()) <= started:
            time.sleep(0.05)
        write_music(roots, late=True)
        second = app.scanner.scan()
        assert second.failures == [], second.failures
        passwords: dict[str, str] = {}
        for user, granted in USERS.items():
            app.accounts.add_user(HOST, user, f"{user}-password", admin=user == "root")
            if granted:
                app.accounts.grant(HOST, user, list(granted))
            passwords[user] = app.app_passwords.create_for_user(HOST, user, "py-sonic").secret
        folders = {lib.name: folder_number(lib.id) for lib in app.libraries.list_all(HOST)}
    finally:
        app.close()
    process = ServerProcess(data, free_port())
    try:
        process.wait_ready()
        headers = {user: process.login(user, f"{user}-password") for user in USERS}
        yield SubsonicServer(process, roots, passwords, headers, folders)
    finally:
        process.stop()
