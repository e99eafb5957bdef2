"""Running the web app under uvicorn, telling its live streams when a stop is asked."""

from types import FrameType

import uvicorn
from starlette.applications import Starlette

from parlour.frontends.web.scan_events import LiveStreams

# However a response lingers, a stop never waits longer than this for it.
_GRACEFUL_S = 10


class _Server(uvicorn.Server):
    """uvicorn waits for open responses before it shuts the app down: on SIGTERM or
    Ctrl-C, end the event streams first, so that the stop is prompt."""

    def __init__(self, config: uvicorn.Config, streams: LiveStreams) -> None:
        super().__init__(config)
        self.streams = streams

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.streams.closing.set()
        super().handle_exit(sig, frame)


def serve(app: Starlette, host: str, port: int) -> None:
    """Serve ``app`` until a signal stops it."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
        # uvicorn believes X-Forwarded-For from 127.0.0.1 by default, which would let any
        # local process pick its source address; Parlour decides (settings.trusted_proxies).
        proxy_headers=False,
        timeout_graceful_shutdown=_GRACEFUL_S,
    )
    _Server(config, app.state.streams).run()
