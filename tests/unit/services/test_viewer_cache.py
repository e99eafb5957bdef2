"""The token memory forgets on time and on every revocation."""

from parlour.domain.accounts import Role, Viewer
from parlour.services.viewer_cache import ViewerCache

ALICE = Viewer("a" * 32, "alice", Role.USER, frozenset({"lib"}))


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_lives_for_its_time_only() -> None:
    clock = FakeClock()
    cache = ViewerCache(0.5, clock)
    assert cache.get("digest") is None
    cache.put("digest", ALICE)
    clock.now += 0.49
    assert cache.get("digest") is ALICE
    clock.now += 0.01
    assert cache.get("digest") is None


def test_clear_forgets_everything_at_once() -> None:
    cache = ViewerCache(60, FakeClock())
    cache.put("one", ALICE)
    cache.put("two", ALICE)
    cache.clear()
    assert (cache.get("one"), cache.get("two")) == (None, None)
