"""Server secrets, generated on first run into a 0600 file outside the database."""

import json
import os
import secrets as random_source
from dataclasses import dataclass
from pathlib import Path

from parlour.domain.errors import ConfigurationError

SECRETS_NAME = "secrets.json"


@dataclass(frozen=True, slots=True)
class Secrets:
    token_key: bytes  # keys the hashes of stored session and device tokens
    app_password_key: bytes  # encrypts app passwords (Subsonic needs them recoverable)


def load_secrets(data_dir: Path) -> Secrets:
    """Read the secrets file, creating it (mode 0600) if there is none.

    There is no built-in key: a file that exists but cannot be read or parsed stops
    startup instead of being replaced, since replacing it would sign everyone out and
    lose every app password.
    """
    path = data_dir / SECRETS_NAME
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        content = {
            "token_key": random_source.token_hex(32),
            "app_password_key": random_source.token_hex(32),
        }
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(content, handle)
    try:
        if path.stat().st_mode & 0o077:
            raise ConfigurationError(f"{path} is readable by others; chmod 600 it")
        values = json.loads(path.read_text("utf-8"))
        return Secrets(
            bytes.fromhex(values["token_key"]), bytes.fromhex(values["app_password_key"])
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"cannot use the secrets file {path}: {exc}") from exc
