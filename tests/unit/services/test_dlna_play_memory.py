"""What counts as the start of a play from a DLNA device, decided in memory alone, and
the admin's choices about recording plays."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from parlour.domain.accounts import HOST
from parlour.domain.dlna import DlnaConfig, play_retention_days
from parlour.domain.errors import InvalidInputError
from parlour.services import dlna_plays
from parlour.services.dlna_plays import PLAY_IDLE_S, DlnaPlays
from parlour.storage.engine import Catalogue


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def plays(tmp_path: Path) -> Iterator[DlnaPlays]:
    catalogue = Catalogue.open(f"sqlite:///{tmp_path / 'c.db'}")
    yield DlnaPlays(catalogue, DlnaConfig, FakeClock())
    catalogue.close()


def _clock(plays: DlnaPlays) -> FakeClock:
    assert isinstance(plays.clock, FakeClock)
    return plays.clock


def test_photos_and_unknown_kinds_never_start_a_play(plays: DlnaPlays) -> None:
    assert not plays.started("10.0.0.2", "TV", "a" * 32, "photo")
    assert not plays.started("10.0.0.2", "TV", "a" * 32, "show")
    assert plays.started("10.0.0.2", "TV", "a" * 32, "movie")


def test_a_device_is_its_user_agent_and_address(plays: DlnaPlays) -> None:
    item = "b" * 32
    assert plays.started("10.0.0.2", "", item, "track")
    assert not plays.started("10.0.0.2", "unknown", item, "track")  # no name is "unknown"
    assert plays.started("10.0.0.3", "unknown", item, "track")
    assert plays.started("10.0.0.2", "Radio", item, "track")
    assert plays.started("10.0.0.2", "Radio", "c" * 32, "track")


def test_the_memory_stays_bounded(plays: DlnaPlays, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dlna_plays, "MAX_REMEMBERED_FETCHES", 3)
    clock = _clock(plays)
    for n in range(3):
        assert plays.started("10.0.0.2", "TV", str(n), "track")
    clock.now += PLAY_IDLE_S  # all three over: forgotten to make room
    assert plays.started("10.0.0.2", "TV", "3", "track")
    assert len(plays._fetched) == 1
    for n in range(4, 6):
        assert plays.started("10.0.0.2", "TV", str(n), "track")
    # Three plays going on and a fourth starts: the memory starts again.
    assert plays.started("10.0.0.2", "TV", "6", "track")
    assert len(plays._fetched) == 1
    assert not plays.started("10.0.0.2", "TV", "6", "track")


def test_nothing_is_recorded_while_recording_is_off(plays: DlnaPlays) -> None:
    assert plays.started("10.0.0.2", "TV", "d" * 32, "track")
    assert not plays.record("10.0.0.2", "TV", "d" * 32, "track", "A song")
    assert plays.listed(HOST) == []


@pytest.mark.parametrize("value", [0, 31, -1, 7.5, True, "7", None])
def test_the_retention_is_one_to_thirty_whole_days(value: object) -> None:
    with pytest.raises(InvalidInputError):
        play_retention_days(value)


def test_the_retention_takes_whole_days() -> None:
    assert [play_retention_days(v) for v in (1, 7, 30, 7.0)] == [1, 7, 30, 7]
    assert DlnaConfig(record_plays=True, play_retention_days=2).plays_kept_from(10**6) == (
        10**6 - 2 * 86400
    )
    assert DlnaConfig(record_plays=False).plays_kept_from(10**6) is None
