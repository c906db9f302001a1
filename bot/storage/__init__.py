"""Storage of debates and turns behind a small interface (``Store``): SQLite (one process) or PostgreSQL."""

from __future__ import annotations

import logging

from .base import DuplicateMessage, StorageUnavailable, Store
from .sqlite import SQLiteStore

__all__ = [
    "DuplicateMessage",
    "PostgresStore",
    "SQLiteStore",
    "StorageUnavailable",
    "Store",
    "is_postgres_url",
    "open_store",
]

POSTGRES_SCHEMES = ("postgres://", "postgresql://")


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and url.startswith(POSTGRES_SCHEMES)


def open_store(settings) -> Store:
    """The store the settings name: PostgreSQL when ``database_url`` (DATABASE_URL) is a postgres:// or
    postgresql:// URL, else the SQLite file ``db_path``. Not opened yet: use ``async with``."""
    url = getattr(settings, "database_url", None) or ""
    if is_postgres_url(url):
        from .postgres import PostgresStore

        return PostgresStore(url)
    if url:
        logging.getLogger("counterpoint").warning(
            "DATABASE_URL is not a postgresql:// URL; using the SQLite file %s", settings.db_path
        )
    return SQLiteStore(settings.db_path)


def __getattr__(name: str):
    if name == "PostgresStore":  # imported on demand: asyncpg is not needed by SQLite users
        from .postgres import PostgresStore

        return PostgresStore
    raise AttributeError(name)
