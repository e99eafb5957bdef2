"""The user's own rules for their history: pausing it, how long plays are kept, and
whether others may see what they are playing now."""

from typing import Protocol

from parlour.domain.errors import InvalidInputError

DAY_S = 86400
MAX_RETENTION_DAYS = 100 * 366  # "keep it" is None; this only bounds the arithmetic


class HistoryChoices(Protocol):
    @property
    def pause_history(self) -> bool: ...

    @property
    def history_retention_days(self) -> int | None: ...


def may_record_play(choices: HistoryChoices) -> bool:
    """Whether a finished play may go into the user's history and play counts. While
    history is paused nothing of the play is kept; resume points and watched marks,
    which the user sees and sets themselves, still follow the player."""
    return not choices.pause_history


class SharingChoices(HistoryChoices, Protocol):
    @property
    def share_now_playing(self) -> bool: ...


def may_show_now_playing(choices: SharingChoices) -> bool:
    """Whether other users may see what this user is playing now (P-15: not unless the
    user turned it on). Paused history hides it too: a pause means nothing is kept."""
    return choices.share_now_playing and not choices.pause_history


def history_cutoff(choices: HistoryChoices, now: int) -> int | None:
    """Plays before this time (unix seconds) are past the user's limit; None: no limit."""
    days = choices.history_retention_days
    return None if days is None else now - days * DAY_S


def check_retention_days(value: object) -> int | None:
    """A retention limit as a request gives it: null (no limit) or whole days, 1 or more."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON does not tell 30.0 from 30
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError("'history_retention_days' must be null or a whole number")
    if not 1 <= value <= MAX_RETENTION_DAYS:
        raise InvalidInputError(
            f"'history_retention_days' must be from 1 to {MAX_RETENTION_DAYS}, or null"
        )
    return value
