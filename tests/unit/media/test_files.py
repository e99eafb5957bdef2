"""The path guard every file route uses (BI-01): a served path lies under the real root."""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parlour.domain.errors import NotFoundError
from parlour.media.files import confine, media_type, regular_file


@pytest.fixture
def root(tmp_path: Path) -> Path:
    library = tmp_path / "library"
    (library / "Album").mkdir(parents=True)
    (library / "Album" / "01.flac").write_bytes(b"fLaC")
    (tmp_path / "secret.txt").write_text("outside")
    (library / "Album" / "escape.flac").symlink_to(tmp_path / "secret.txt")
    (library / "Album" / "inside.flac").symlink_to(library / "Album" / "01.flac")
    return library


def test_a_file_under_the_root_is_served(root: Path) -> None:
    found = confine(os.fsencode(root), b"Album/01.flac")
    assert found == os.fsencode(root / "Album" / "01.flac")
    served = regular_file(found)
    assert (served.size, served.media_type) == (4, "audio/flac")
    assert confine(os.fsencode(root), b"Album/inside.flac").endswith(b"01.flac")


@pytest.mark.parametrize(
    "rel",
    [b"../secret.txt", b"Album/../../secret.txt", b"/etc/passwd", b"Album/escape.flac", b"a\0b"],
)
def test_nothing_outside_the_root_is_served(root: Path, rel: bytes) -> None:
    with pytest.raises(NotFoundError):
        confine(os.fsencode(root), rel)


def test_a_library_that_follows_links_may_serve_their_targets(root: Path) -> None:
    found = confine(os.fsencode(root), b"Album/escape.flac", follow_links_out=True)
    assert found.endswith(b"secret.txt")


def test_folders_and_missing_files_are_not_served(root: Path) -> None:
    for rel in (b"Album", b"Album/02.flac"):
        with pytest.raises(NotFoundError):
            regular_file(confine(os.fsencode(root), rel))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rel=st.binary(max_size=40) | st.text(alphabet="./a\\%", max_size=30).map(str.encode))
def test_confine_answers_under_the_root_or_not_at_all(root: Path, rel: bytes) -> None:
    real_root = os.path.realpath(os.fsencode(root))
    try:
        found = confine(os.fsencode(root), rel)
    except NotFoundError:
        return
    assert os.path.commonpath([real_root, found]) == real_root


def test_content_types() -> None:
    assert media_type(b"x/Song.MP3") == "audio/mpeg"
    assert media_type(b"film.mkv") == "video/x-matroska"
    assert media_type(b"noext") == "application/octet-stream"
