"""Settings: loaded once by the entry point and passed in; never built at import time.

Precedence: environment variables, then the config file (TOML), then defaults.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from .topics import default_topics_dir

ENV_PREFIX = "COUNTERPOINT_"


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    db_path: Path
    topics_dir: Path
    default_rounds: int | None = None  # rebuttal rounds; None: the topic's format
    turn_limit: int | None = None  # characters; None: the topic's format
    log_level: str = "INFO"
    config_file: Path | None = None
    discord_token: str | None = field(default=None, repr=False)  # never logged, never in a repr

    @classmethod
    def load(cls, env: dict[str, str] | None = None, config_file: str | Path | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        path = Path(config_file or env.get("COUNTERPOINT_CONFIG") or default_config_path())
        conf: dict = {}
        if path.is_file():
            try:
                conf = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise SettingsError(f"{path}: {exc}") from None
        elif config_file or env.get("COUNTERPOINT_CONFIG"):
            raise SettingsError(f"config file {path} not found")

        def get(key: str, env_name: str | None = None):
            value = env.get(env_name or ENV_PREFIX + key.upper())
            return value if value not in (None, "") else conf.get(key)

        def integer(key: str, lo: int, hi: int) -> int | None:
            value = get(key)
            if value is None:
                return None
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise SettingsError(f"{key} must be a whole number, got {value!r}") from None
            if not lo <= number <= hi:
                raise SettingsError(f"{key} must be between {lo} and {hi}, got {number}")
            return number

        return cls(
            db_path=Path(get("db") or default_db_path()).expanduser(),
            topics_dir=Path(get("topics") or default_topics_dir()).expanduser(),
            default_rounds=integer("rounds", 1, 10),
            turn_limit=integer("turn_limit", 50, 4000),
            log_level=str(get("log_level") or "INFO").upper(),
            config_file=path if path.is_file() else None,
            discord_token=get("discord_token", "DISCORD_TOKEN"),
        )


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir("counterpoint")) / "config.toml"


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir("counterpoint")) / "counterpoint.sqlite3"
