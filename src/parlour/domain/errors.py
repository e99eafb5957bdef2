"""The one error hierarchy; each front end maps it to its own protocol's codes."""


class ParlourError(Exception):
    """Base of every error Parlour raises on purpose."""


class NotFoundError(ParlourError):
    """The thing asked for does not exist, or the viewer may not know it exists."""


class InvalidInputError(ParlourError):
    """A caller supplied something that cannot be used; the message says what and why."""


class ConflictError(ParlourError):
    """The request clashes with what is already there (a duplicate name, say)."""


class ConfigurationError(ParlourError):
    """Settings, secrets or the data directory cannot be used; startup must stop."""


class ToolMissingError(ParlourError):
    """An external program Parlour needs (ffmpeg) cannot be found or run."""


class AuthenticationError(ParlourError):
    """No valid credentials: the same answer whether the user exists or not."""


class PermissionDeniedError(ParlourError):
    """The viewer is known but may not do this."""


class RateLimitedError(ParlourError):
    """Too many attempts; the caller may try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many attempts; try again in {retry_after} s")
        self.retry_after = retry_after


class BusyError(ParlourError):
    """The server is doing as much of this as it allows (transcodes); try again after
    ``retry_after`` seconds rather than overload the machine."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
