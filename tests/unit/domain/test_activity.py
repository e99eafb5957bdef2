"""The rules that turn reported playback positions into resume points and plays."""

import pytest

from parlour.domain.activity import (
    ItemState,
    ProgressOutcome,
    check_rating,
    judge_progress,
    repeated_finish,
)
from parlour.domain.errors import InvalidInputError

HOUR_MS = 3_600_000


@pytest.mark.parametrize(
    ("position_ms", "duration_ms", "outcome"),
    [
        (0, HOUR_MS, ProgressOutcome.NOT_STARTED),
        (HOUR_MS * 4 // 100, HOUR_MS, ProgressOutcome.NOT_STARTED),  # under 5 %
        (HOUR_MS * 5 // 100, HOUR_MS, ProgressOutcome.RESUME),
        (HOUR_MS // 2, HOUR_MS, ProgressOutcome.RESUME),
        (HOUR_MS * 90 // 100 - 1, HOUR_MS, ProgressOutcome.RESUME),
        (HOUR_MS * 90 // 100, HOUR_MS, ProgressOutcome.FINISHED),
        (HOUR_MS, HOUR_MS, ProgressOutcome.FINISHED),
        (120_000, 240_000, ProgressOutcome.NOT_STARTED),  # a four-minute item never resumes
        (230_000, 240_000, ProgressOutcome.FINISHED),  # ... but can be finished
        (5_000, 0, ProgressOutcome.RESUME),  # unknown length: resume, never finish
        (0, 0, ProgressOutcome.NOT_STARTED),
    ],
)
def test_judge_progress(position_ms: int, duration_ms: int, outcome: ProgressOutcome) -> None:
    assert judge_progress(position_ms, duration_ms) is outcome


def test_a_finish_repeats_only_within_the_same_viewing() -> None:
    counted = ItemState(watched=True, position_ms=0, play_count=1, last_played_at=10_000)
    # An hour's film: the last 10 % (360 s) plus five minutes of pausing.
    assert repeated_finish(counted, HOUR_MS, 10_000 + 660)
    assert not repeated_finish(counted, HOUR_MS, 10_000 + 661)
    # A rewatch that got a resume point again is a new viewing at once.
    assert not repeated_finish(
        ItemState(watched=True, position_ms=60_000, last_played_at=10_000), HOUR_MS, 10_001
    )
    assert not repeated_finish(ItemState(), HOUR_MS, 10_001)


@pytest.mark.parametrize("bad", [0, 11, -3, 2.5, "7", True, None])
def test_ratings_are_whole_numbers_from_one_to_ten(bad: object) -> None:
    with pytest.raises(InvalidInputError):
        check_rating(bad)


def test_a_valid_rating_is_kept() -> None:
    assert [check_rating(n) for n in (1, 10)] == [1, 10]
