"""Shared fixtures: generated media and catalogues on real SQLite files."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from parlour.demo.generate import generate_library
from parlour.demo.recipes import DEMO_LIBRARY
from parlour.domain.accounts import HOST
from parlour.services.application import Parlour
from support import DEMO_NAMES, open_parlour


@pytest.fixture(scope="session")
def media_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where rendered ffmpeg templates are kept, keyed by a hash of their recipe."""
    return tmp_path_factory.mktemp("media-cache")


@pytest.fixture(scope="session")
def demo_roots(tmp_path_factory: pytest.TempPathFactory, media_cache: Path) -> dict[str, Path]:
    """The demo library, generated once per session; treat it as read-only."""
    return generate_library(
        DEMO_LIBRARY, tmp_path_factory.mktemp("demo") / "library", cache_dir=media_cache
    )


@pytest.fixture
def parlour(tmp_path: Path) -> Iterator[Parlour]:
    app = open_parlour(tmp_path / "data")
    yield app
    app.close()


@pytest.fixture(scope="session")
def demo_catalogue(
    tmp_path_factory: pytest.TempPathFactory, demo_roots: dict[str, Path]
) -> Iterator[Parlour]:
    """The demo library scanned once into a catalogue; tests only read it."""
    app = open_parlour(tmp_path_factory.mktemp("demo-data"))
    for kind, root in demo_roots.items():
        app.libraries.add(HOST, kind, str(root), DEMO_NAMES[kind])
    summary = app.scanner.scan()
    assert summary.failures == [], summary.failures
    yield app
    app.close()
