"""Storage of debates and turns behind a small interface (``Store``): SQLite (one process) or PostgreSQL."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit, urlunsplit

from .base import DatabaseProblem, DuplicateMessage, StorageUnavailable, Store
from .sqlite import SQLiteStore

__all__ = [
    "DatabaseProblem",
    "DuplicateMessage",
    "PostgresStore",
    "SQLiteStore",
    "StorageUnavailable",
    "Store",
    "is_postgres_url",
    "open_store",
    "redact",
]

POSTGRES_SCHEMES = ("postgres://", "postgresql://")


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and url.startswith(POSTGRES_SCHEMES)


def redact(dsn: str) -> str:
    """The DSN without its password, for messages and logs."""
    try:
        parts = urlsplit(dsn)
        if parts.password is None:
            return dsn
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return "postgresql://(unparsable URL)"


def open_store(settings, *, read_only: bool = False) -> Store:
    """The store the settings name: PostgreSQL when ``database_url`` (DATABASE_URL) is a postgres:// or
    postgresql:// URL, else the SQLite file ``db_path``. Not opened yet: use ``async with``.

    ``read_only`` (the viewer): nothing is written, not even a migration; a schema older than the code is
    refused with the command that upgrades it."""
    url = getattr(settings, "database_url", None) or ""
    if is_postgres_url(url):
        from .postgres import PostgresStore

        return PostgresStore(url, read_only=read_only)
    if url:
        logging.getLogger("counterpoint").warning(
            "DATABASE_URL is not a postgresql:// URL; using the SQLite file %s", settings.db_path
        )
    return SQLiteStore(settings.db_path, read_only=read_only)


def __getattr__(name: str):
    if name == "PostgresStore":  # imported on demand: asyncpg is not needed by SQLite users
        from .postgres import PostgresStore

        return PostgresStore
    raise AttributeError(name)
