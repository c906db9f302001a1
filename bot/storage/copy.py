"""``counterpoint migrate-db``: copy a whole log between databases (SQLite and PostgreSQL, either way), ids kept.

The copy goes through each store's whole-table methods (``count_rows``, ``read_rows``, ``write_rows``), so it
works the same whichever two stores it is given and knows nothing of their connections.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..domain.errors import CounterpointError
from . import is_postgres_url, redact
from .base import Store
from .sqlite import SQLiteStore

NAMES = {"guild_settings": "guild settings"}


def store_for_url(url: str, *, must_exist: bool = False) -> Store:
    """``sqlite:PATH`` (also ``sqlite:///abs/path``) or ``postgresql://...``; ``must_exist``: an SQLite file
    that is not there is an error (a source), not a new empty log."""
    if is_postgres_url(url):
        from .postgres import PostgresStore  # asyncpg only when a PostgreSQL URL is given

        return PostgresStore(url)
    if url.startswith("sqlite:"):
        path = url.removeprefix("sqlite:")
        if path.startswith("//"):  # sqlite:///abs/path, sqlite://rel/path
            path = path[2:]
        if not path:
            raise ValueError("sqlite: needs a path, e.g. sqlite:/data/counterpoint.sqlite3")
        path = Path(path).expanduser()
        if must_exist and not path.is_file():
            raise CounterpointError(f"no SQLite database at {path}")
        return SQLiteStore(path)
    raise ValueError(f"a database is sqlite:PATH or postgresql://USER:PASSWORD@HOST:PORT/NAME, got {redact(url)!r}")


@dataclass(frozen=True, slots=True)
class Copied:
    counts: dict[str, int]  # rows copied per table
    source: str  # the databases, as migrate-db names them (no password)
    target: str


async def copy_database(source_url: str, target_url: str, *, force: bool = False) -> Copied:
    """Copy classes, guild settings, debates, participants and turns from one database to another, ids kept.

    Both are brought to the latest schema first. A target that holds anything is refused unless ``force``,
    which replaces its content. Returns the number of rows copied per table, and where from and to.
    """
    source, target = store_for_url(source_url, must_exist=True), store_for_url(target_url)
    if source.where == target.where:
        raise ValueError("--from and --to are the same database")
    async with source, target:
        existing = await target.count_rows()
        if any(existing.values()) and not force:
            raise CounterpointError(
                f"{target.where} is not empty ({summary(existing)}); nothing copied. "
                "Use --force to replace its content."
            )
        data = await source.read_rows()
        await target.write_rows(data, erase=any(existing.values()))
        copied = await target.count_rows()
    expected = {table: len(rows) for table, rows in data.items()}
    if copied != expected:  # cannot happen short of a concurrent writer on the target
        raise CounterpointError(f"the copy is incomplete: read {summary(expected)}, target has {summary(copied)}")
    return Copied(copied, source.where, target.where)


def summary(counts: dict[str, int]) -> str:
    """``3 guild settings, 2 classes, ...``"""
    return ", ".join(f"{n} {NAMES.get(t, t)}" for t, n in counts.items())
