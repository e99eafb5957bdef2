"""Password hashing, token digests, the login limiter and the secrets file."""

import json
import os
from pathlib import Path

import argon2
import pytest

from parlour.domain.errors import ConfigurationError, RateLimitedError
from parlour.secrets import SECRETS_NAME, load_secrets
from parlour.services.credentials import LoginLimiter, PasswordHasher, new_token, token_digest


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def hasher() -> PasswordHasher:
    return PasswordHasher()


def test_hashes_are_argon2id_with_at_least_rfc9106_low_memory(hasher: PasswordHasher) -> None:
    encoded = hasher.hash("correct horse")
    assert encoded.startswith("$argon2id$")
    params = argon2.extract_parameters(encoded)
    assert (params.time_cost, params.memory_cost, params.parallelism) >= (3, 65536, 4)
    assert hasher.verify(encoded, "correct horse")
    assert not hasher.verify(encoded, "correct horsE")
    assert not hasher.verify(None, "correct horse")  # no user: the same work, never True
    assert not hasher.verify("not a hash", "x")


def test_weaker_hashes_are_flagged_for_rehash(hasher: PasswordHasher) -> None:
    weak = argon2.PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("pw")
    assert hasher.needs_rehash(weak)
    assert not hasher.needs_rehash(hasher.hash("pw"))


def test_tokens_are_random_and_stored_as_keyed_digests() -> None:
    first, second = new_token(), new_token()
    assert first != second and len(first) >= 43
    assert token_digest(b"k1", first) == token_digest(b"k1", first)
    assert token_digest(b"k1", first) != token_digest(b"k2", first)
    assert first not in token_digest(b"k1", first)


def test_limiter_blocks_after_ten_failures_with_growing_delays() -> None:
    clock = FakeClock()
    limiter = LoginLimiter(clock=clock)
    for _ in range(10):
        limiter.check("alice", "10.0.0.9")
        limiter.failed("alice", "10.0.0.9")
    with pytest.raises(RateLimitedError) as first:
        limiter.check("alice", "10.0.0.9")
    assert first.value.retry_after == 30
    limiter.check("alice", "10.0.0.7")  # the owner elsewhere is not locked out
    limiter.check("bob", "10.0.0.9")  # nor another account from the same address
    clock.now += 31
    limiter.check("alice", "10.0.0.9")
    limiter.failed("alice", "10.0.0.9")
    with pytest.raises(RateLimitedError) as second:
        limiter.check("alice", "10.0.0.9")
    assert second.value.retry_after == 60  # twice as long
    clock.now += 15 * 60 + 1  # the window passes: the slate is clean
    limiter.check("alice", "10.0.0.9")


def test_limiter_holds_back_a_source_spraying_many_accounts() -> None:
    limiter = LoginLimiter(clock=FakeClock(), per_source=20)
    for index in range(20):
        limiter.failed(f"user{index}", "10.0.0.66")
    with pytest.raises(RateLimitedError):
        limiter.check("someone-else", "10.0.0.66")


def test_limiter_memory_is_bounded() -> None:
    limiter = LoginLimiter(clock=FakeClock(), max_keys=100)
    for index in range(1000):
        limiter.failed(f"user{index}", f"10.1.{index // 250}.{index % 250}")
    assert len(limiter._failures) <= 100


def test_success_clears_the_account_counter() -> None:
    limiter = LoginLimiter(clock=FakeClock())
    for _ in range(9):
        limiter.failed("alice", "10.0.0.9")
    limiter.succeeded("alice", "10.0.0.9")
    limiter.failed("alice", "10.0.0.9")
    limiter.check("alice", "10.0.0.9")


def test_secrets_are_made_once_with_mode_0600(tmp_path: Path) -> None:
    first = load_secrets(tmp_path)
    path = tmp_path / SECRETS_NAME
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_secrets(tmp_path) == first
    assert len(first.token_key) == 32 and first.token_key != first.app_password_key


@pytest.mark.parametrize("problem", ["garbage", "missing key", "too open"])
def test_an_unusable_secrets_file_stops_startup(tmp_path: Path, problem: str) -> None:
    load_secrets(tmp_path)
    path = tmp_path / SECRETS_NAME
    if problem == "garbage":
        path.write_text("{not json")
    elif problem == "missing key":
        path.write_text(json.dumps({"token_key": "00" * 32}))
    else:
        os.chmod(path, 0o644)
    with pytest.raises(ConfigurationError):
        load_secrets(tmp_path)
    assert path.exists()  # never silently replaced
