"""Settings come from defaults, then the TOML file, then PARLOUR_* variables, then options."""

from pathlib import Path

import pytest

from parlour.domain.errors import ConfigurationError
from parlour.settings import Settings, load_settings


def test_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARLOUR_PORT", raising=False)
    settings = load_settings(tmp_path)
    assert (settings.host, settings.port, settings.offline) == ("127.0.0.1", 8420, True)
    assert settings.catalogue_url == f"sqlite:///{tmp_path.resolve() / 'catalogue.db'}"


def test_file_then_environment_then_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "parlour.toml").write_text('port = 9000\nhost = "0.0.0.0"\nscan_workers = 3\n')
    assert load_settings(tmp_path).port == 9000
    monkeypatch.setenv("PARLOUR_PORT", "9100")
    settings = load_settings(tmp_path)
    assert (settings.port, settings.host, settings.scan_workers) == (9100, "0.0.0.0", 3)
    assert load_settings(tmp_path, port=9200).port == 9200


def test_data_dir_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLOUR_DATA_DIR", str(tmp_path / "elsewhere"))
    assert load_settings().data_dir == (tmp_path / "elsewhere").resolve()


@pytest.mark.parametrize(
    "content", ["port = 0\n", "port = 'x'\n", "unknown_setting = 1\n", "not toml at all ["]
)
def test_bad_settings_are_refused_with_a_clear_error(tmp_path: Path, content: str) -> None:
    (tmp_path / "parlour.toml").write_text(content)
    with pytest.raises(ConfigurationError):
        load_settings(tmp_path)


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    missing = [
        name for name in Settings.model_fields if name != "data_dir" and f"`{name}`" not in readme
    ]
    assert missing == []


def test_allowed_hosts_from_the_environment_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLOUR_ALLOWED_HOSTS", "Media.Home, nas.example.")
    assert load_settings(tmp_path).allowed_hosts == ("media.home", "nas.example")
    for bad in ("media.home:8420", "http://media.home", "*.home", "[::1]"):
        monkeypatch.setenv("PARLOUR_ALLOWED_HOSTS", bad + ",ok.home")
        with pytest.raises(ConfigurationError):
            load_settings(tmp_path)
