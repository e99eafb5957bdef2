"""A DLNA server for the tests: the demo libraries and one library not shared, served
by ``build_dlna_app`` on 127.0.0.1 in-process, and async-upnp-client helpers to drive it."""

import asyncio
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from async_upnp_client.aiohttp import AiohttpRequester
from async_upnp_client.client import UpnpDevice
from async_upnp_client.client_factory import UpnpFactory
from didl_lite import didl_lite
from sqlalchemy import select

from parlour.domain.accounts import HOST
from parlour.frontends.dlna.app import build_dlna_app
from parlour.services.application import Parlour
from parlour.storage import schema as s
from support import DEMO_NAMES, free_port, open_parlour

CD = "urn:schemas-upnp-org:service:ContentDirectory:1"
CM = "urn:schemas-upnp-org:service:ConnectionManager:1"
MR = "urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1"
SHARED = ("Music", "Films", "Shows", "Photos", "Home videos")
CLASSES = {
    "tracks": "object.item.audioItem.musicTrack",
    "movies": "object.item.videoItem.movie",
    "videos": "object.item.videoItem",
    "episodes": "object.item.videoItem",
    "photos": "object.item.imageItem.photo",
}
PREFIX = {"tracks": "t", "movies": "m", "videos": "m", "episodes": "e", "photos": "p"}


@dataclass
class Dlna:
    app: Parlour
    base: str
    private_library: str
    private_track: str
    shared: dict[str, set[str]]  # "tracks" | "movies" | ... -> catalogue ids shared
    files: dict[str, Path]  # catalogue id -> its file

    @property
    def location(self) -> str:
        return f"{self.base}/dlna/description.xml"


def ids_in(app: Parlour, table: Any, library: str) -> set[str]:
    with app.catalogue.reading() as conn:
        return set(conn.execute(select(table.c.id).where(table.c.library_id == library)).scalars())


def files_of(app: Parlour) -> dict[str, Path]:
    found: dict[str, Path] = {}
    f, r = s.media_files.c, s.library_roots.c
    with app.catalogue.reading() as conn:
        for table in (s.tracks, s.movies, s.episodes, s.photos):
            query = (
                select(table.c.id, r.path, f.rel_path)
                .join(s.media_files, f.id == table.c.file_id)
                .join(s.library_roots, r.id == f.root_id)
            )
            for item_id, root, rel_path in conn.execute(query):
                found[item_id] = Path(root) / bytes(rel_path).decode()
    return found


@contextmanager
def serve_dlna(
    tmp_path_factory: pytest.TempPathFactory, demo_roots: dict[str, Path]
) -> Iterator[Dlna]:
    """The demo libraries, a videos library (two copies of a film, one in a subfolder) and
    a "Private" music library, scanned; DLNA on for 127.0.0.1 sharing all but "Private";
    ``build_dlna_app`` served by uvicorn in a thread on a free port."""
    data = tmp_path_factory.mktemp("dlna-data")
    private_root = tmp_path_factory.mktemp("private-music")
    song = next(p for p in sorted(demo_roots["music"].rglob("*")) if p.suffix in (".mp3", ".flac"))
    shutil.copy(song, private_root / ("private" + song.suffix))
    videos_root = tmp_path_factory.mktemp("home-videos")
    film = next(p for p in sorted(demo_roots["movies"].rglob("*")) if p.suffix in (".mp4", ".mkv"))
    (videos_root / "Holiday").mkdir()
    shutil.copy(film, videos_root / ("clip" + film.suffix))
    shutil.copy(film, videos_root / "Holiday" / ("beach" + film.suffix))
    app = open_parlour(data)
    libraries = {DEMO_NAMES[kind]: (kind, root) for kind, root in demo_roots.items()}
    libraries["Private"] = ("music", private_root)
    libraries["Home videos"] = ("videos", videos_root)
    ids = {
        name: app.libraries.add(HOST, kind, str(root), name).id
        for name, (kind, root) in libraries.items()
    }
    summary = app.scanner.scan()
    assert summary.failures == [], summary.failures
    app.dlna.enable(HOST, interfaces=["127.0.0.1"], libraries=list(SHARED))
    shared = {
        "tracks": ids_in(app, s.tracks, ids["Music"]),
        "movies": ids_in(app, s.movies, ids["Films"]),
        "episodes": ids_in(app, s.episodes, ids["Shows"]),
        "photos": ids_in(app, s.photos, ids["Photos"]),
        "videos": ids_in(app, s.movies, ids["Home videos"]),
    }
    assert all(shared.values()), shared
    (private_track,) = ids_in(app, s.tracks, ids["Private"])
    port = free_port()
    config = uvicorn.Config(
        build_dlna_app(app), host="127.0.0.1", port=port, access_log=False, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the DLNA app did not start"
        time.sleep(0.05)
    try:
        yield Dlna(
            app, f"http://127.0.0.1:{port}", ids["Private"], private_track, shared, files_of(app)
        )
    finally:
        server.should_exit = True
        thread.join(10)
        app.close()


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


async def device_at(dlna: Dlna) -> UpnpDevice:
    return await UpnpFactory(AiohttpRequester()).async_create_device(dlna.location)


async def browse(
    device: UpnpDevice, object_id: str, flag: str = "BrowseDirectChildren", start: int = 0,
    count: int = 0, sort: str = "",
) -> dict[str, Any]:  # fmt: skip
    action = device.service(CD).action("Browse")
    result = await action.async_call(
        ObjectID=object_id, BrowseFlag=flag, Filter="*", StartingIndex=start,
        RequestedCount=count, SortCriteria=sort,
    )  # fmt: skip
    return dict(result)


async def search(device: UpnpDevice, container: str, criteria: str) -> dict[str, Any]:
    action = device.service(CD).action("Search")
    result = await action.async_call(
        ContainerID=container, SearchCriteria=criteria, Filter="*", StartingIndex=0,
        RequestedCount=0, SortCriteria="+dc:title",
    )  # fmt: skip
    return dict(result)


def objects(result: dict[str, Any]) -> list[Any]:
    found = didl_lite.from_xml_string(result["Result"])
    assert int(result["NumberReturned"]) == len(found)
    return found


async def walk(device: UpnpDevice, page: int) -> dict[str, Any]:
    """Every object under "0", each container read in pages of ``page``."""
    seen: dict[str, Any] = {}
    pending = ["0"]
    while pending:  # bounded: containers are visited once each
        container = pending.pop()
        children: list[Any] = []
        totals = set()
        start = 0
        while True:
            result = await browse(device, container, start=start, count=page)
            totals.add(int(result["TotalMatches"]))
            found = objects(result)
            assert all(o.parent_id == container for o in found)
            children += found
            start += len(found)
            if not found or start >= int(result["TotalMatches"]):
                break
        assert len(totals) == 1 and totals == {len(children)}, (container, totals, len(children))
        assert len({o.id for o in children}) == len(children)
        for child in children:
            if child.id not in seen:
                seen[child.id] = child
                if isinstance(child, didl_lite.Container):
                    pending.append(child.id)
    return seen


async def root_objects(dlna: Dlna) -> list[Any]:
    return objects(await browse(await device_at(dlna), "0"))


def metadata(dlna: Dlna, object_id: str) -> Any:
    async def read() -> Any:
        (found,) = objects(await browse(await device_at(dlna), object_id, "BrowseMetadata"))
        return found

    return run(read())
