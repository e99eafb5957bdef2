"""Query-string values, parsed strictly: a bad value is a 400, never a 500."""

from starlette.requests import Request

from parlour.domain.errors import InvalidInputError


def query_int(request: Request, name: str, default: int | None) -> int | None:
    """A whole number from the query string; ``default`` when absent or empty."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:  # no signs or exponents
        raise InvalidInputError(f"{name!r} must be a whole number")
    return int(raw)
