"""One Settings object: defaults < TOML file < PARLOUR_* environment; built once, passed down."""

import os
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from parlour.domain.errors import ConfigurationError

CONFIG_NAME = "parlour.toml"


class Settings(BaseModel):
    """Everything an admin can configure. Outbound features are off; ``offline`` wins."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = Field(8420, ge=1, le=65535)
    database_url: str | None = None  # default: SQLite in the data dir
    # The ffmpeg binary is set here or in the environment only, never over the API.
    ffmpeg_path: str | None = None
    scan_workers: int | None = Field(None, ge=1, le=64)  # default: one per core
    probe_timeout_s: float = Field(60.0, gt=0, le=3600)
    transcode_slots: int | None = Field(None, ge=1, le=64)  # default: one per core
    image_cache_mb: int = Field(512, ge=16, le=1_000_000)
    hls_cache_mb: int = Field(4096, ge=64, le=10_000_000)
    # Files a scan commits at once: bigger batches scan faster (fewer commits touching
    # the same pages); a crash loses at most one batch of work, never consistency.
    scan_batch_files: int = Field(2000, ge=1, le=100_000)
    watch: bool = True  # follow changes in library folders while serving
    # Reverse proxies whose X-Forwarded-For is believed; nobody else's is (AU-09).
    trusted_proxies: tuple[str, ...] = ()
    # Host names the server answers to besides IP literals, localhost and its own host
    # name; any other Host header gets 421 (AU-12: DNS rebinding). PARLOUR_ALLOWED_HOSTS
    # takes them comma-separated.
    allowed_hosts: tuple[str, ...] = ()
    offline: bool = True  # master switch: no outbound connection of any kind
    # Usage reports (issue 5): off by default, and sent only to the endpoint an admin
    # configures here; there is no built-in destination. ``offline`` still wins.
    usage_reports_enabled: bool = False
    usage_report_endpoint: str | None = None

    @field_validator("usage_report_endpoint")
    @classmethod
    def _plain_endpoint(cls, value: str | None) -> str | None:
        # The gate allows the endpoint's host alone: a URL it cannot parse, or one that
        # carries credentials (which would then sit in logs and reports), is refused here.
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the usage report endpoint must be an http(s) URL with a host")
        if parts.username is not None or parts.password is not None:
            raise ValueError("the usage report endpoint must not carry a user name or password")
        return value

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_names(cls, value: Any) -> Any:
        if isinstance(value, str):  # from the environment
            return tuple(name.strip() for name in value.split(",") if name.strip())
        return value

    @field_validator("allowed_hosts")
    @classmethod
    def _plain_names(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        for name in names:
            if not name or any(c in name for c in ":/[]@ *") or len(name) > 253:
                raise ValueError(f"{name!r} is not a host name (no port, scheme or wildcard)")
        return tuple(name.lower().rstrip(".") for name in names)

    @property
    def trusted_proxy_set(self) -> frozenset[str]:
        return frozenset(self.trusted_proxies)

    @property
    def catalogue_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'catalogue.db'}"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("parlour", appauthor=False))


def _environment() -> dict[str, Any]:
    prefix = "PARLOUR_"
    fields = set(Settings.model_fields) - {"data_dir"}
    return {
        key[len(prefix) :].lower(): value
        for key, value in os.environ.items()
        if key.startswith(prefix) and key[len(prefix) :].lower() in fields
    }


def load_settings(data_dir: str | Path | None = None, **overrides: Any) -> Settings:
    """Build the settings: data dir from the argument, else PARLOUR_DATA_DIR, else the
    platform's user data dir; then the TOML file in it (or PARLOUR_CONFIG), then the
    environment, then explicit ``overrides`` (command-line options)."""
    chosen = Path(data_dir or os.environ.get("PARLOUR_DATA_DIR") or default_data_dir()).expanduser()
    values: dict[str, Any] = {}
    config_path = Path(os.environ.get("PARLOUR_CONFIG") or chosen / CONFIG_NAME)
    if config_path.is_file():
        try:
            values.update(tomllib.loads(config_path.read_text("utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigurationError(f"cannot read {config_path}: {exc}") from exc
    values.update(_environment())
    values.update({key: value for key, value in overrides.items() if value is not None})
    values["data_dir"] = chosen.resolve()
    try:
        return Settings(**values)
    except ValidationError as exc:
        raise ConfigurationError(f"invalid settings: {exc}") from exc
