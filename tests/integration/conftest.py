"""Fixtures of the integration tests: a served, rated catalogue shared by the session."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from rated_catalogue import RatedServer, serve_rated


@pytest.fixture(scope="session")
def rated(
    tmp_path_factory: pytest.TempPathFactory, demo_roots: dict[str, Path]
) -> Iterator[RatedServer]:
    """The rated catalogue of ``rated_catalogue``, served once for every browse test
    (session-scoped, so that Hypothesis can use it too)."""
    with serve_rated(tmp_path_factory.mktemp("rated"), demo_roots) as server:
        yield server
