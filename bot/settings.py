"""Settings: loaded once by the entry point and passed in; never built at import time.

Precedence: environment variables, then the config file (TOML), then defaults.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from .topic_files import default_topics_dir

ENV_PREFIX = "COUNTERPOINT_"
DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"


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
    discord_api_base: str = DISCORD_API_BASE  # REST base ending in /api/v10 (a Discord-compatible server)
    discord_gateway_url: str = DISCORD_GATEWAY_URL
    turn_cooldown: float = 2.0  # seconds between two turns of one user; faster messages get one notice
    sync_commands: bool = True  # publish the slash commands on start
    dev_guild_id: int | None = None  # publish them to this guild only (instant, for development)
    web_host: str = "127.0.0.1"  # the transcript viewer (`counterpoint serve`) binds here
    web_port: int = 8080
    web_url: str = "http://127.0.0.1:8080"  # public base URL used in signed links
    web_secret: str | None = field(default=None, repr=False)  # HMAC key of signed links; never logged
    link_ttl: int = 7 * 86400  # seconds a signed link stays valid
    shard_count: int | None = None  # total shards of the bot (None: one process, Discord's recommendation)
    shard_ids: tuple[int, ...] | None = None  # the shards this process serves (None: all of shard_count)
    database_url: str | None = field(default=None, repr=False)  # postgresql://...: PostgreSQL, not the file
    cache_dir: Path | None = None  # built topic indexes kept between runs (None: off, every index built)

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

        def number(key: str, lo: float, hi: float, default: float) -> float:
            value = get(key)
            if value is None:
                return default
            try:
                result = float(value)
            except (TypeError, ValueError):
                raise SettingsError(f"{key} must be a number, got {value!r}") from None
            if not lo <= result <= hi:
                raise SettingsError(f"{key} must be between {lo:g} and {hi:g}, got {result:g}")
            return result

        def flag(key: str, default: bool) -> bool:
            value = get(key)
            if value is None:
                return default
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise SettingsError(f"{key} must be true or false, got {value!r}")

        api_base = str(get("discord_api_base", "DISCORD_API_BASE") or DISCORD_API_BASE).rstrip("/")
        if not api_base.startswith(("http://", "https://")):
            raise SettingsError(f"discord_api_base must be an http(s) URL, got {api_base!r}")
        gateway = str(get("discord_gateway_url", "DISCORD_GATEWAY_URL") or DISCORD_GATEWAY_URL)
        if not gateway.startswith(("ws://", "wss://")):
            raise SettingsError(f"discord_gateway_url must be a ws(s) URL, got {gateway!r}")
        port = integer("web_port", 1, 65535)
        shard_count = integer("shard_count", 1, 100_000)
        raw_ids = get("shard_ids")
        shard_ids = None
        if raw_ids not in (None, ""):
            try:
                items = raw_ids if isinstance(raw_ids, list) else str(raw_ids).replace(" ", "").split(",")
                shard_ids = tuple(sorted({int(x) for x in items}))
            except ValueError:
                raise SettingsError(f"shard_ids must be comma-separated whole numbers, got {raw_ids!r}") from None
            if shard_count is None:
                raise SettingsError("shard_ids needs shard_count")
            if any(not 0 <= i < shard_count for i in shard_ids):
                raise SettingsError(f"shard_ids must be between 0 and {shard_count - 1}, got {raw_ids!r}")
        return cls(
            shard_count=shard_count,
            shard_ids=shard_ids,
            web_host=str(get("web_host") or "127.0.0.1"),
            web_port=port or 8080,
            web_url=str(get("web_url") or f"http://127.0.0.1:{port or 8080}").rstrip("/"),
            web_secret=get("web_secret"),
            link_ttl=integer("link_ttl", 60, 365 * 86400) or 7 * 86400,
            discord_api_base=api_base,
            discord_gateway_url=gateway,
            turn_cooldown=number("turn_cooldown", 0, 600, 2.0),
            sync_commands=flag("sync_commands", True),
            dev_guild_id=integer("dev_guild", 1, 2**63 - 1),
            db_path=Path(get("db") or default_db_path()).expanduser(),
            database_url=str(get("database_url", "DATABASE_URL") or "").strip() or None,
            topics_dir=Path(get("topics") or default_topics_dir()).expanduser(),
            cache_dir=_cache_dir(get("cache")),
            default_rounds=integer("rounds", 1, 10),
            turn_limit=integer("turn_limit", 50, 4000),
            log_level=str(get("log_level") or "INFO").upper(),
            config_file=path if path.is_file() else None,
            discord_token=get("discord_token", "DISCORD_TOKEN"),
        )


def _cache_dir(value) -> Path | None:
    """COUNTERPOINT_CACHE: a directory, "off" (no cache), or unset (the user cache directory)."""
    if value is None:
        return Path(platformdirs.user_cache_dir("counterpoint"))
    if str(value).strip().lower() in ("off", "none", "false", "0"):
        return None
    return Path(str(value)).expanduser()


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir("counterpoint")) / "config.toml"


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir("counterpoint")) / "counterpoint.sqlite3"
