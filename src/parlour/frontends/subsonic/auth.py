"""Who a Subsonic request is from: its app password (``p``, or ``t`` and ``s``) or API
key, checked by the app-password service, whose failures share the web sign-in's
limiter (AU-02). The credentials go no further than that call: not into a log, not into
an error message."""

import logging
from collections.abc import Callable

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from parlour.domain.accounts import Viewer
from parlour.frontends.subsonic.protocol import Params, SubsonicError
from parlour.frontends.web.auth import source_address
from parlour.services.app_passwords import SubsonicAuthError
from parlour.services.application import Parlour
from parlour.services.salt_ledger import FLUSH_AFTER_S

log = logging.getLogger(__name__)


def credentials_check(request: Request, parlour: Parlour, params: Params) -> Callable[[], Viewer]:
    """The check of the request's credentials, to run off the event loop (it reads the
    catalogue and records a token's salt): the viewer, or a SubsonicError."""
    peer = source_address(request, parlour.settings.trusted_proxy_set)
    secure = request.url.scheme == "https"

    def check() -> Viewer:
        try:
            return parlour.app_passwords.authenticate(
                params.get("u"),
                password=params.get("p"),
                token=params.get("t"),
                salt=params.get("s"),
                api_key=params.get("apiKey"),
                peer=peer,
                secure=secure,
            )
        except SubsonicAuthError as error:
            raise SubsonicError(int(error.failure), str(error)) from None

    return check


async def authenticate(request: Request, parlour: Parlour, params: Params) -> Viewer:
    return await run_in_threadpool(credentials_check(request, parlour, params))


async def keep_salts(parlour: Parlour) -> None:
    """Record the salts that signed music apps in, once a second for as long as the server
    runs (``Parlour.close`` records the last ones). A failed write is tried again: the
    salts wait in memory, where replays are refused meanwhile."""
    while True:
        await anyio.sleep(FLUSH_AFTER_S)
        if parlour.app_passwords.salts.waiting():
            try:
                await run_in_threadpool(parlour.app_passwords.flush_salts)
            except Exception:
                log.exception("recording Subsonic salts failed; trying again")
