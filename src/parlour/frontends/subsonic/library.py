"""getScanStatus and startScan, and getVideos (the films the user may see).

Any user may ask whether a scan is running. Starting one is an admin's act, and an app
password never acts as an admin (an admin's is a plain user's that sees every library),
so startScan answers "not authorized" to every music app: scans are started in the web
UI's admin pages, by the library watcher, or with ``parlour scan`` on the host.
"""

from starlette.concurrency import run_in_threadpool

from parlour.domain.accounts import Viewer
from parlour.frontends.subsonic import shapes
from parlour.frontends.subsonic.protocol import Params, Payload
from parlour.frontends.subsonic.routes import method
from parlour.services.application import Parlour


async def _scan_status(parlour: Parlour, viewer: Viewer) -> Payload:
    running, done, finished = await run_in_threadpool(parlour.scan_jobs.progress, viewer)
    status: Payload = {"scanning": running, "count": done}
    if finished is not None:
        status["lastScan"] = shapes.iso(int(finished))  # OpenSubsonic
    return {"scanStatus": status}


@method("getScanStatus")
async def get_scan_status(parlour: Parlour, viewer: Viewer, _params: Params) -> Payload:
    return await _scan_status(parlour, viewer)


@method("startScan")
async def start_scan(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    full = params.flag("fullScan", False)  # OpenSubsonic: every file read again
    await run_in_threadpool(parlour.scan_jobs.start, viewer, None, full=full)
    return await _scan_status(parlour, viewer)


@method("getVideos")
async def get_videos(parlour: Parlour, viewer: Viewer, params: Params) -> Payload:
    size = params.integer("size", 500, 0, 500)
    offset = params.integer("offset", 0)
    found = await run_in_threadpool(parlour.music.videos, viewer, size, offset)
    return {"videos": {"video": [shapes.video(item) for item in found]}}
