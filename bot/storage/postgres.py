"""PostgreSQL storage (asyncpg): the log shared by several bot processes (shards) and the web viewer.

The same ``Store`` as ``SQLiteStore`` with the same behaviour and records. Differences that matter:

* the schema comes from ``pg_migrations/`` and its version is the one row of ``schema_version`` (PostgreSQL
  has no ``PRAGMA user_version``); migrations run under an advisory lock, so processes starting together
  migrate once;
* a connection pool, no write lock: every exchange is one transaction on its own connection, and the
  debate's row is locked (``SELECT ... FOR UPDATE``) while its next turn numbers are taken;
* ``backup()`` is not offered: use ``pg_dump`` (see docs/deployment.md).

``read_rows``/``write_rows``/``count_rows`` serve ``counterpoint migrate-db`` (storage/copy.py).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg

from ..domain.errors import ClassNotFound, DebateNotFound, JoinCodeTaken
from ..domain.records import (
    ClassRecord,
    DebateRecord,
    NewClass,
    NewDebate,
    TopicUpload,
    TopicVersion,
    TurnDraft,
    TurnRecord,
)
from . import is_postgres_url, redact
from .base import DuplicateMessage, StaleDebate, StorageUnavailable
from .rows import (
    CLASS_COLS,
    DEBATE_COLS,
    DEBATE_FROM,
    IDENTITY_TABLES,
    INSERT_CLASS,
    INSERT_DEBATE,
    INSERT_PARTICIPANT,
    INSERT_TOPIC,
    LATEST_TOPICS,
    PRUNE_TOPIC,
    TABLES,
    TOPIC_COLS,
    TURN_COLS,
    TURN_FIELDS,
    class_args,
    class_record,
    debate_args,
    debate_filters,
    debate_record,
    now,
    topic_upload_args,
    topic_version,
    turn_fields,
    turn_record,
)
from .schema import load_migrations, schema_problem

log = logging.getLogger(__name__)

_ORDER = {
    "guild_settings": "guild_id",
    "classes": "id",
    "debates": "id",
    "participants": "seq",
    "turns": "id",
    "guild_topics": "id",
}
MIGRATION_LOCK = 0x436F756E74  # pg_advisory_lock key of "apply migrations" (advisory locks are per database)

# what a database that cannot be reached or written looks like: the write was not kept, it can be sent again
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    OSError,  # refused, unreachable, reset
    TimeoutError,
    asyncpg.PostgresConnectionError,  # class 08: the connection failed or was lost
    asyncpg.InterfaceError,  # the connection was closed under us
    asyncpg.exceptions.InternalClientError,  # a connection the server dropped while it was idle in the pool
    asyncpg.exceptions.InsufficientResourcesError,  # class 53: disk full, out of memory, too many connections
    asyncpg.exceptions.OperatorInterventionError,  # class 57: shutdown, restart, statement timeout
    asyncpg.exceptions.PostgresSystemError,  # class 58: I/O error
    asyncpg.exceptions.ReadOnlySQLTransactionError,  # a read-only server or database (a standby, a full disk)
)


def pg_migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every file in pg_migrations/, in order."""
    return load_migrations("pg_migrations")


def _pg(sql: str) -> str:
    """SQLite's ``?`` placeholders as PostgreSQL's ``$1, $2, ...`` (none of our statements has ``?`` in text)."""
    count = 0

    def number(_m) -> str:
        nonlocal count
        count += 1
        return f"${count}"

    return re.sub(r"\?", number, sql)


class PostgresStore:
    def __init__(
        self, dsn: str, *, min_size: int = 1, max_size: int = 10, command_timeout: float = 60, read_only: bool = False
    ):
        if not is_postgres_url(dsn):
            raise ValueError("a PostgreSQL URL starts with postgresql:// or postgres://")
        self.dsn = dsn
        self.read_only = read_only
        self._pool: asyncpg.Pool | None = None
        self._pool_args = dict(min_size=min_size, max_size=max_size, command_timeout=command_timeout)
        if read_only:  # every transaction of the viewer is a read-only one
            self._pool_args["server_settings"] = {"default_transaction_read_only": "on"}
        self.applied: list[int] = []  # the migrations this instance applied (others may have applied the rest)

    def __repr__(self) -> str:
        return f"PostgresStore({redact(self.dsn)!r})"

    async def __aenter__(self) -> PostgresStore:
        await self.open()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("store is not open")
        return self._pool

    async def open(self) -> None:
        try:
            self._pool = await asyncpg.create_pool(self.dsn, **self._pool_args)
        except (*_UNAVAILABLE, asyncpg.PostgresError) as exc:
            raise StorageUnavailable(f"cannot connect to PostgreSQL at {redact(self.dsn)}: {exc}") from exc
        try:
            if self.read_only:
                await self._check_schema()
            else:
                await self.migrate()
        except BaseException:
            await self.close()
            raise

    async def _check_schema(self) -> None:
        known = len(pg_migrations())
        current = await self.schema_version()
        if current != known:
            raise schema_problem(redact(self.dsn), current, known)

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            try:
                await pool.close()
            except Exception:  # a server already gone: drop the connections
                pool.terminate()

    @contextlib.asynccontextmanager
    async def _conn(self) -> AsyncIterator[asyncpg.Connection]:
        """A pooled connection. A lost or unusable connection is StorageUnavailable (nothing of an unfinished
        transaction is kept), and every pooled connection is replaced: after a server restart one operation
        fails, not one per pooled connection."""
        try:
            async with self.pool.acquire() as conn:
                try:
                    yield conn
                except _UNAVAILABLE:
                    conn.terminate()
                    raise
        except _UNAVAILABLE as exc:
            if self._pool is not None:
                with contextlib.suppress(Exception):
                    await self._pool.expire_connections()
            raise StorageUnavailable(f"{type(exc).__name__}: {exc}") from exc

    @contextlib.asynccontextmanager
    async def _tx(self) -> AsyncIterator[asyncpg.Connection]:
        async with self._conn() as conn, conn.transaction():
            yield conn

    # ------------------------------------------------------------------ schema
    async def schema_version(self) -> int:
        async with self._conn() as conn:
            return await _schema_version(conn)

    async def migrate(self) -> int:
        """Apply every migration newer than schema_version, each in its own transaction, under an advisory lock:
        processes that start together wait for the first one and then find nothing left to do. An up-to-date
        database is only read (a read-only replica serves the web viewer)."""
        known = pg_migrations()
        async with self._conn() as conn:
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
            try:
                current = await _schema_version(conn)
                if current > len(known):
                    raise schema_problem(redact(self.dsn), current, len(known))
                if current == len(known):
                    return current
                async with conn.transaction():
                    await conn.execute(
                        "CREATE TABLE IF NOT EXISTS schema_version ("
                        " only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),"
                        " version INTEGER NOT NULL)"
                    )
                    await conn.execute("INSERT INTO schema_version (version) VALUES (0) ON CONFLICT DO NOTHING")
                for version, name, sql in known:
                    if version <= current:
                        continue
                    async with conn.transaction():
                        await conn.execute(sql)
                        await conn.execute("UPDATE schema_version SET version = $1", version)
                    self.applied.append(version)
                    log.info("applied PostgreSQL migration %04d_%s", version, name)
                return await _schema_version(conn)
            finally:
                with contextlib.suppress(*_UNAVAILABLE, asyncpg.PostgresError):
                    await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)

    # ------------------------------------------------------------------ writes
    async def create_debate(self, new: NewDebate, state: dict, opening: TurnDraft) -> DebateRecord:
        ts = now()
        async with self._tx() as conn:
            debate_id = await conn.fetchval(_pg(INSERT_DEBATE + " RETURNING id"), *debate_args(new, state, ts))
            await conn.execute(_pg(INSERT_PARTICIPANT), debate_id, new.user_id, new.user_name, "debater", new.user_side)
            await conn.execute(_INSERT_TURN, debate_id, 1, *turn_fields(opening, ts))
        return await self.get_debate(debate_id)

    async def record_exchange(
        self,
        debate_id: int,
        turns: list[TurnDraft],
        state: dict,
        status: str,
        *,
        deadline: str | None = None,
        expect: str | None = None,
    ) -> str:
        """One transaction; returns its time (the debate's updated_at). DuplicateMessage: nothing stored."""
        ts = now()
        try:
            async with self._tx() as conn:
                # the debate's row lock: two writers of one debate take turn numbers one after the other. The
                # numbers are read by a second statement: its snapshot, taken after the lock was granted, sees the
                # turns of the writer that held it (a subquery of the locking statement would not)
                if await conn.fetchval("SELECT id FROM debates WHERE id = $1 FOR UPDATE", debate_id) is None:
                    raise DebateNotFound(debate_id)
                last = await conn.fetchval("SELECT COALESCE(MAX(number), 0) FROM turns WHERE debate_id = $1", debate_id)
                if turns:  # one round trip for all the turns
                    await conn.executemany(
                        _INSERT_TURN, [(debate_id, last + i, *turn_fields(t, ts)) for i, t in enumerate(turns, 1)]
                    )
                finished = ts if status != "active" else None
                done = await conn.execute(
                    "UPDATE debates SET state = $1, status = $2, updated_at = $3,"
                    " finished_at = COALESCE(finished_at, $4), deadline = $5 WHERE id = $6"
                    " AND ($7::text IS NULL OR updated_at = $7)",
                    json.dumps(state),
                    status,
                    ts,
                    finished,
                    deadline if status == "active" else None,
                    debate_id,
                    expect,
                )
                if done == "UPDATE 0":  # the row is locked and there: another writer moved it on
                    raise StaleDebate(debate_id)
            return ts
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name != "turns_message_id_key":
                raise
            m = re.search(r"\(message_id\)=\((.*)\) already exists", exc.detail or "")
            dup = m.group(1) if m else next((t.message_id for t in turns if t.message_id), "?")
            raise DuplicateMessage(dup) from None

    async def set_deadline(self, debate_id: int, deadline: str | None) -> None:
        """Move the current turn's deadline (only while the debate is active)."""
        async with self._conn() as conn:
            await conn.execute(
                "UPDATE debates SET deadline = $1 WHERE id = $2 AND status = 'active'", deadline, debate_id
            )

    async def backup(self, target) -> Path:
        raise NotImplementedError(
            "counterpoint backup copies the SQLite file only; back up PostgreSQL with pg_dump "
            '(for example: pg_dump --format=custom --file=counterpoint.dump "$DATABASE_URL"), '
            "see docs/deployment.md"
        )

    # ------------------------------------------------------------------ reads
    async def get_debate(self, debate_id: int) -> DebateRecord:
        async with self._conn() as conn:
            row = await conn.fetchrow(f"SELECT {DEBATE_COLS} FROM {DEBATE_FROM} WHERE d.id = $1", debate_id)
        if row is None:
            raise DebateNotFound(debate_id)
        return debate_record(tuple(row))

    async def list_debates(self, *, limit: int | None = 100, offset: int = 0, **filters) -> list[DebateRecord]:
        where, args = debate_filters(lambda n: f"${n}", "LOWER", **filters)
        sql = f"SELECT {DEBATE_COLS} FROM {DEBATE_FROM}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        args.append(None if limit is None or limit < 0 else limit)  # SQLite's LIMIT -1: no limit
        args.append(offset)
        sql += f" ORDER BY d.id DESC LIMIT ${len(args) - 1} OFFSET ${len(args)}"
        async with self._conn() as conn:
            rows = await conn.fetch(sql, *args)
        return [debate_record(tuple(r)) for r in rows]

    async def count_debates(self, **filters) -> int:
        where, args = debate_filters(lambda n: f"${n}", "LOWER", **filters)
        sql = f"SELECT COUNT(*) FROM {DEBATE_FROM}" + (" WHERE " + " AND ".join(where) if where else "")
        async with self._conn() as conn:
            return await conn.fetchval(sql, *args)

    async def turns(self, debate_id: int) -> list[TurnRecord]:
        async with self._conn() as conn:
            rows = await conn.fetch(f"SELECT {TURN_COLS} FROM turns WHERE debate_id = $1 ORDER BY number", debate_id)
        return [turn_record(tuple(r)) for r in rows]

    async def has_message(self, message_id: str) -> bool:
        async with self._conn() as conn:
            return await conn.fetchval("SELECT 1 FROM turns WHERE message_id = $1", message_id) is not None

    # ------------------------------------------------------------------ classes
    async def create_class(self, new: NewClass) -> ClassRecord:
        try:
            async with self._conn() as conn:
                class_id = await conn.fetchval(_pg(INSERT_CLASS + " RETURNING id"), *class_args(new, now()))
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name == "classes_join_code_key":
                raise JoinCodeTaken(new.join_code) from None
            raise
        return await self.get_class(class_id)

    async def get_class(self, class_id: int) -> ClassRecord:
        async with self._conn() as conn:
            row = await conn.fetchrow(f"SELECT {CLASS_COLS} FROM classes WHERE id = $1", class_id)
        if row is None:
            raise ClassNotFound(class_id)
        return class_record(tuple(row))

    async def class_by_code(self, join_code: str) -> ClassRecord:
        async with self._conn() as conn:
            row = await conn.fetchrow(
                f"SELECT {CLASS_COLS} FROM classes WHERE join_code = $1", join_code.strip().upper()
            )
        if row is None:
            raise ClassNotFound(join_code)
        return class_record(tuple(row))

    async def list_classes(self, *, guild_id: str | None = None, status: str | None = None) -> list[ClassRecord]:
        where, args = [], []
        for col, value in (("guild_id", guild_id), ("status", status)):
            if value is not None:
                args.append(value)
                where.append(f"{col} = ${len(args)}")
        sql = f"SELECT {CLASS_COLS} FROM classes" + (" WHERE " + " AND ".join(where) if where else "")
        async with self._conn() as conn:
            rows = await conn.fetch(sql + " ORDER BY id DESC", *args)
        return [class_record(tuple(r)) for r in rows]

    async def close_class(self, class_id: int) -> None:
        async with self._conn() as conn:
            await conn.execute(
                "UPDATE classes SET status = 'closed', closed_at = COALESCE(closed_at, $1) WHERE id = $2",
                now(),
                class_id,
            )

    async def add_participant(self, debate_id: int, user_id: str, display_name: str, side: str) -> None:
        """Another debater of a team debate (the first one is added with the debate)."""
        async with self._conn() as conn:
            await conn.execute(
                "INSERT INTO participants (debate_id, user_id, display_name, role, side) VALUES ($1,$2,$3,$4,$5)"
                " ON CONFLICT DO NOTHING",
                debate_id,
                user_id,
                display_name,
                "teammate",
                side,
            )

    async def participants(self, debate_id: int) -> list[tuple[str, str]]:
        """(user id, display name) of every debater, the starter first."""
        async with self._conn() as conn:
            rows = await conn.fetch(
                "SELECT user_id, display_name FROM participants WHERE debate_id = $1 ORDER BY role = 'teammate', seq",
                debate_id,
            )
        return [(r[0], r[1]) for r in rows]

    async def participants_of(self, debate_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
        """participants() of several debates in one query (a page of the web index)."""
        found: dict[int, list[tuple[str, str]]] = {i: [] for i in debate_ids}
        if not debate_ids:
            return found
        async with self._conn() as conn:
            rows = await conn.fetch(
                "SELECT debate_id, user_id, display_name FROM participants WHERE debate_id = ANY($1::bigint[])"
                " ORDER BY debate_id, role = 'teammate', seq",
                list(debate_ids),
            )
        for r in rows:
            found[r[0]].append((r[1], r[2]))
        return found

    # ------------------------------------------------------------------ uploaded topics
    async def save_topic(self, new: TopicUpload) -> TopicVersion:
        async with self._tx() as conn:
            # one upload of a topic id at a time in the server (the next version number is read in the insert)
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"topic:{new.guild_id}:{new.topic_id}")
            latest = await conn.fetchrow(
                f"SELECT {TOPIC_COLS} FROM guild_topics WHERE guild_id = $1 AND topic_id = $2"
                " ORDER BY version DESC LIMIT 1",
                new.guild_id,
                new.topic_id,
            )
            if latest is None or latest["content_hash"] != new.content_hash or latest["removed_at"] is not None:
                await conn.execute(_pg(INSERT_TOPIC), *topic_upload_args(new, now()))
                await conn.execute(
                    "UPDATE guild_topics SET removed_at = NULL WHERE guild_id = $1 AND topic_id = $2",
                    new.guild_id,
                    new.topic_id,
                )
        return await self.topic_version(new.guild_id, new.topic_id)

    async def guild_topics(self, guild_id: str) -> list[TopicVersion]:
        async with self._conn() as conn:
            rows = await conn.fetch(_pg(LATEST_TOPICS), guild_id)
        return [topic_version(tuple(r)) for r in rows]

    async def topic_version(
        self, guild_id: str, topic_id: str, version: int | None = None, *, include_removed: bool = False
    ) -> TopicVersion | None:
        sql = f"SELECT {TOPIC_COLS}, body FROM guild_topics WHERE guild_id = $1 AND topic_id = $2"
        args: list = [guild_id, topic_id]
        if version is not None:
            args.append(version)
            sql += " AND version = $3"
        if not include_removed:
            sql += " AND removed_at IS NULL"
        async with self._conn() as conn:
            row = await conn.fetchrow(sql + " ORDER BY version DESC LIMIT 1", *args)
        return topic_version(tuple(row)[:-1], row[-1]) if row else None

    async def topic_by_hash(self, content_hash: str) -> TopicVersion | None:
        async with self._conn() as conn:
            row = await conn.fetchrow(
                f"SELECT {TOPIC_COLS}, body FROM guild_topics WHERE content_hash = $1 ORDER BY id LIMIT 1",
                content_hash,
            )
        return topic_version(tuple(row)[:-1], row[-1]) if row else None

    async def remove_topic(self, guild_id: str, topic_id: str) -> int:
        async with self._tx() as conn:
            status = await conn.execute(
                "UPDATE guild_topics SET removed_at = $1 WHERE guild_id = $2 AND topic_id = $3 AND removed_at IS NULL",
                now(),
                guild_id,
                topic_id,
            )
            await conn.execute(_pg(PRUNE_TOPIC), guild_id, topic_id)
        return int(status.rsplit(" ", 1)[-1])

    async def teacher_role(self, guild_id: str) -> str | None:
        async with self._conn() as conn:
            return await conn.fetchval("SELECT teacher_role_id FROM guild_settings WHERE guild_id = $1", guild_id)

    async def set_teacher_role(self, guild_id: str, role_id: str | None) -> None:
        async with self._conn() as conn:
            await conn.execute(
                "INSERT INTO guild_settings (guild_id, teacher_role_id) VALUES ($1, $2)"
                " ON CONFLICT (guild_id) DO UPDATE SET teacher_role_id = EXCLUDED.teacher_role_id",
                guild_id,
                role_id,
            )

    # ------------------------------------------------------------------ checks
    async def integrity_check(self) -> str:
        """Returns "ok", or what is inconsistent: the schema version, turn numbering, debates without their
        debater or turns, id sequences behind the ids present (a copy that did not advance them)."""
        problems = []
        known = len(pg_migrations())
        async with self._conn() as conn:
            version = await conn.fetchval("SELECT version FROM schema_version")
            if version != known:
                problems.append(f"schema version {version}, expected {known}")
            row = await conn.fetchrow(
                "SELECT"
                " (SELECT COUNT(*) FROM (SELECT debate_id FROM turns GROUP BY debate_id"
                "   HAVING MIN(number) <> 1 OR MAX(number) <> COUNT(*)) gaps),"
                " (SELECT COUNT(*) FROM debates d WHERE NOT EXISTS"
                "   (SELECT 1 FROM participants p WHERE p.debate_id = d.id AND p.role = 'debater')),"
                " (SELECT COUNT(*) FROM debates d WHERE NOT EXISTS (SELECT 1 FROM turns t WHERE t.debate_id = d.id))"
            )
            for count, what in zip(
                row,
                ("debate(s) with gaps in turn numbers", "debate(s) without a debater", "debate(s) without turns"),
                strict=True,
            ):
                if count:
                    problems.append(f"{count} {what}")
            for table in IDENTITY_TABLES:
                seq = await conn.fetchval("SELECT pg_get_serial_sequence($1, 'id')", table)
                last, called = await conn.fetchrow(f"SELECT last_value, is_called FROM {seq}")
                top = await conn.fetchval(f"SELECT MAX(id) FROM {table}")
                if top is not None and top >= last + int(called):  # the next id would collide
                    problems.append(f"the id sequence of {table} is behind its ids")
        return "; ".join(problems) or "ok"

    # ------------------------------------------------------------------ whole tables (migrate-db)
    @property
    def where(self) -> str:
        """The database as a URL ``counterpoint migrate-db`` accepts, without its password."""
        return redact(self.dsn)

    async def count_rows(self) -> dict[str, int]:
        """The number of rows of every table."""
        async with self._conn() as conn:
            return {table: await conn.fetchval(f"SELECT COUNT(*) FROM {table}") for table in TABLES}

    async def read_rows(self) -> dict[str, list[tuple]]:
        """Every row of every table (columns as in rows.TABLES), in insertion order, from one snapshot."""
        async with self._conn() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
            out = {}
            for table, cols in TABLES.items():
                rows = await conn.fetch(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {_ORDER[table]}")
                out[table] = [tuple(r) for r in rows]
            return out

    async def write_rows(self, data: dict[str, list[tuple]], *, erase: bool) -> None:
        """Insert every row, ids kept, in one transaction (all or nothing); ``erase``: empty the tables first.
        Each id sequence then continues after the copied ids."""
        async with self._tx() as conn:
            if erase:
                await conn.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
            for table, cols in TABLES.items():
                if data[table]:
                    await conn.copy_records_to_table(table, records=data[table], columns=list(cols))
            for table in IDENTITY_TABLES:
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false)"
                    f" FROM {table}"
                )


async def _schema_version(conn: asyncpg.Connection) -> int:
    """The one row of schema_version; 0 for a database Counterpoint never opened."""
    if await conn.fetchval("SELECT to_regclass('schema_version')") is None:
        return 0
    return await conn.fetchval("SELECT version FROM schema_version") or 0


_INSERT_TURN = _pg(f"INSERT INTO turns (debate_id, number, {TURN_FIELDS}) VALUES ({','.join('?' * 18)})")
