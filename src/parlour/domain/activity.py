"""Per-user state of catalogue items: what counts as watched, where playback resumes.

The thresholds are Jellyfin's defaults, which Plex's users will also recognise: a resume
point before 5 % is "not started", past 90 % the item counts as watched, and items
shorter than five minutes never keep a resume point.
"""

from dataclasses import dataclass
from enum import StrEnum

from parlour.domain.errors import InvalidInputError


class ItemKind(StrEnum):
    TRACK = "track"
    MOVIE = "movie"  # films and the videos of a "videos" library
    EPISODE = "episode"
    PHOTO = "photo"
    ALBUM = "album"
    ARTIST = "artist"
    SHOW = "show"
    SEASON = "season"


PLAYABLE = frozenset({ItemKind.TRACK, ItemKind.MOVIE, ItemKind.EPISODE})
RESUMABLE = frozenset({ItemKind.MOVIE, ItemKind.EPISODE})
WATCHABLE = frozenset({ItemKind.MOVIE, ItemKind.EPISODE, ItemKind.SEASON, ItemKind.SHOW})
PLAYLIST_KINDS = {"music": frozenset({ItemKind.TRACK}), "video": RESUMABLE}

MIN_RESUME_FRACTION = 0.05
MAX_RESUME_FRACTION = 0.90
MIN_RESUME_DURATION_MS = 5 * 60 * 1000
MIN_RATING, MAX_RATING = 1, 10  # ten steps: five stars in halves


@dataclass(frozen=True, slots=True)
class ItemState:
    """One user's state of one item; the defaults are "never touched"."""

    position_ms: int = 0
    watched: bool = False
    play_count: int = 0
    last_played_at: int | None = None
    favourite_at: int | None = None
    rating: int | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "position_ms": self.position_ms,
            "watched": self.watched,
            "play_count": self.play_count,
            "last_played_at": self.last_played_at,
            "favourite": self.favourite_at is not None,
            "favourite_at": self.favourite_at,
            "rating": self.rating,
        }


class ProgressOutcome(StrEnum):
    RESUME = "resume"  # keep the position as a resume point
    NOT_STARTED = "not_started"  # too early (or too short an item) to keep one
    FINISHED = "finished"  # far enough to count as watched


def judge_progress(position_ms: int, duration_ms: int) -> ProgressOutcome:
    """What a reported playback position means for an item of ``duration_ms``."""
    if duration_ms <= 0:
        # Unknown length: any position is worth resuming from, none proves the end.
        return ProgressOutcome.RESUME if position_ms > 0 else ProgressOutcome.NOT_STARTED
    fraction = position_ms / duration_ms
    if fraction >= MAX_RESUME_FRACTION:
        return ProgressOutcome.FINISHED
    if fraction < MIN_RESUME_FRACTION or duration_ms < MIN_RESUME_DURATION_MS:
        return ProgressOutcome.NOT_STARTED
    return ProgressOutcome.RESUME


def repeated_finish(state: ItemState, duration_ms: int, now: int) -> bool:
    """Whether a "finished" report repeats one already counted.

    Players keep reporting progress through the credits; once a play has been counted
    (watched, resume point cleared) the reports of the same viewing must not count it
    again. The same viewing is over at the latest when the rest of the item, plus five
    minutes of pausing, has passed.
    """
    if not state.watched or state.position_ms != 0 or state.last_played_at is None:
        return False
    tail_s = (duration_ms - int(duration_ms * MAX_RESUME_FRACTION)) // 1000 + 300
    return now - state.last_played_at <= tail_s


def check_rating(rating: object) -> int:
    if isinstance(rating, bool) or not isinstance(rating, int):
        raise InvalidInputError("'rating' must be a whole number")
    if not MIN_RATING <= rating <= MAX_RATING:
        raise InvalidInputError(f"'rating' is {MIN_RATING} to {MAX_RATING} (five stars in halves)")
    return rating
