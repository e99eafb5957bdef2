"""Who a Subsonic request is from: its app password (``p``, or ``t`` and ``s``) or API
key, checked by the app-password service, whose failures share the web sign-in's
limiter (AU-02). The credentials go no further than that call: not into a log, not into
an error message."""

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from parlour.domain.accounts import Viewer
from parlour.frontends.subsonic.protocol import Params, SubsonicError
from parlour.frontends.web.auth import source_address
from parlour.services.app_passwords import SubsonicAuthError
from parlour.services.application import Parlour


async def authenticate(request: Request, parlour: Parlour, params: Params) -> Viewer:
    peer = source_address(request, parlour.settings.trusted_proxy_set)
    secure = request.url.scheme == "https"

    def check() -> Viewer:
        return parlour.app_passwords.authenticate(
            params.get("u"),
            password=params.get("p"),
            token=params.get("t"),
            salt=params.get("s"),
            api_key=params.get("apiKey"),
            peer=peer,
            secure=secure,
        )

    try:
        return await run_in_threadpool(check)
    except SubsonicAuthError as error:
        raise SubsonicError(int(error.failure), str(error)) from None
