"""SQLite storage (aiosqlite): numbered migrations, WAL, one transaction per exchange."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

import aiosqlite

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
from .base import DatabaseProblem, DuplicateMessage, StaleDebate, StorageUnavailable
from .rows import (
    CLASS_COLS,
    DEBATE_COLS,
    DEBATE_FROM,
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
    with_flags,
)
from .schema import load_migrations, schema_problem

FOLD = "cp_casefold"  # the case folding of the web index's name search
PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000")

# the next number of the debate, computed in the statement (the UNIQUE (debate_id, number) index makes it cheap),
# so an exchange needs no separate read: parameters are (debate id, debate id, *turn_fields)
_INSERT_NEXT_TURN = (
    f"INSERT INTO turns (debate_id, number, {TURN_FIELDS}) VALUES"
    " (?, (SELECT COALESCE(MAX(number), 0) + 1 FROM turns WHERE debate_id = ?), ?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


_UPDATE_DEBATE = (
    "UPDATE debates SET state = ?, status = ?, updated_at = ?, finished_at = COALESCE(finished_at, ?),"
    " deadline = ? WHERE id = ?"
)
_EXPECT = " AND updated_at = ?"


def _exchange(conn: sqlite3.Connection, debate_id: int, rows: list[tuple], update: tuple, expect: str | None) -> None:
    """One exchange's transaction, run in the database thread as one call: the turns (numbered in SQL), the
    debate's new state, the commit. Raises (after a rollback) what the statements raise, StaleDebate when
    ``expect`` is not the debate's updated_at, DebateNotFound when there is no such debate."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(_INSERT_NEXT_TURN, rows)
        if expect is None:
            cur = conn.execute(_UPDATE_DEBATE, update)
        else:
            cur = conn.execute(_UPDATE_DEBATE + _EXPECT, (*update, expect))
        if cur.rowcount != 1:
            exists = conn.execute("SELECT 1 FROM debates WHERE id = ?", (debate_id,)).fetchone()
            raise StaleDebate(debate_id) if exists else DebateNotFound(debate_id)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


def _serialised(method):
    """A write on the shared connection: one at a time (transactions must not interleave on it), and a
    disk that is full or read-only becomes StorageUnavailable (nothing of the write was kept)."""

    @functools.wraps(method)
    async def write(self, *args, **kwargs):
        async with self._write:
            try:
                return await method(self, *args, **kwargs)
            except sqlite3.OperationalError as exc:
                raise StorageUnavailable(str(exc)) from exc

    return write


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every file in migrations/, in order."""
    return load_migrations("migrations")


_DAMAGED = ("file is not a database", "malformed", "disk i/o error", "corrupt")
_NO_ACCESS = ("unable to open", "readonly", "read-only", "permission", "access permission")


def database_problem(path: str, exc: BaseException) -> DatabaseProblem | None:
    """The one-line explanation of an SQLite error that makes the file unusable; None for other errors."""
    if isinstance(exc, DatabaseProblem):
        return exc
    cause = (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)) or type(exc).__name__
    lowered = cause.lower()
    if isinstance(exc, sqlite3.DatabaseError) and any(k in lowered for k in _DAMAGED):
        return DatabaseProblem(
            path, f"the database is damaged ({cause})", "restore a backup with `counterpoint restore BACKUP`"
        )
    if isinstance(exc, OSError | sqlite3.OperationalError) and any(k in lowered for k in _NO_ACCESS):
        return DatabaseProblem(
            path,
            f"cannot open the database for reading and writing ({cause})",
            "fix the permissions of the file and of its directory (Counterpoint writes a -wal file beside it), "
            "or set COUNTERPOINT_DB to another file",
        )
    return None


class SQLiteStore:
    def __init__(self, path: str | Path, *, read_only: bool = False):
        self.path = str(path)
        self.read_only = read_only
        self.checked = False  # PRAGMA quick_check ran at open (the file was not closed cleanly)
        self._db: aiosqlite.Connection | None = None
        # one connection serves every debate: writes (transactions) must not interleave on it
        self._write = asyncio.Lock()

    async def __aenter__(self) -> SQLiteStore:
        await self.open()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("store is not open")
        return self._db

    async def open(self) -> None:
        """Open (and migrate) the file. A file that is damaged, cannot be opened, or has another schema
        version is DatabaseProblem: one line with the file, the cause and what to do."""
        try:
            await self._open()
        except (sqlite3.Error, OSError) as exc:
            await self.close()
            problem = database_problem(self.path, exc)
            if problem is None:
                raise
            raise problem from None
        except BaseException:
            await self.close()
            raise

    def _unclean(self) -> bool:
        """A -wal or hot -journal beside the file: the last writer did not close it cleanly (or another process
        has it open; the check is cheap and read-only)."""
        if self.path == ":memory:":
            return False
        return any(
            Path(self.path + suffix).is_file() and Path(self.path + suffix).stat().st_size > 0
            for suffix in ("-wal", "-journal")
        )

    async def _open(self) -> None:
        if self.read_only:
            if not Path(self.path).is_file():
                raise DatabaseProblem(
                    self.path,
                    "no database here yet",
                    "check COUNTERPOINT_DB; the viewer only reads a log the bot or `counterpoint debate` made",
                )
            uri = "file:" + quote(os.path.abspath(self.path)) + "?mode=ro"
            if not os.access(Path(self.path).parent, os.W_OK) and not Path(self.path + "-wal").exists():
                # a read-only directory with no -wal: nobody can be writing (a writer needs the -wal), and
                # SQLite could not create the -shm it needs to read a WAL file: read it as immutable
                uri += "&immutable=1"
            self._db = await _connect(uri, uri=True)
            await self._db.execute("PRAGMA busy_timeout=5000")
            await self._quick_check()
            known = len(migrations())
            current = await self.schema_version()
            if current != known:
                raise schema_problem(self.path, current, known)
            return
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = await _connect(self.path)
        await self._quick_check()
        for pragma in PRAGMAS:
            await self._db.execute(pragma)
        await self.migrate()

    async def _quick_check(self) -> None:
        if not self._unclean():
            return
        self.checked = True
        async with self.db.execute("PRAGMA quick_check(5)") as cur:
            status = "; ".join(" ".join(str(r[0]).split()) for r in await cur.fetchall())
        if status != "ok":
            raise DatabaseProblem(
                self.path,
                f"the file was not closed cleanly and fails its integrity check ({status})",
                "restore a backup with `counterpoint restore BACKUP`",
            )

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def open_and_close(self) -> int:
        """Create or upgrade the file to the latest schema; returns the schema version."""
        async with self:
            return await self.schema_version()

    async def schema_version(self) -> int:
        async with self.db.execute("PRAGMA user_version") as cur:
            return (await cur.fetchone())[0]

    async def migrate(self) -> int:
        """Apply every migration newer than PRAGMA user_version, each in its own transaction."""
        current = await self.schema_version()
        known = migrations()
        if current > len(known):
            raise schema_problem(self.path, current, len(known))
        for version, _name, sql in known:
            if version <= current:
                continue
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                for statement in _split_sql(sql):
                    await self.db.execute(statement)
                await self.db.execute(f"PRAGMA user_version = {version:d}")
                await self.db.execute("COMMIT")
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
        return await self.schema_version()

    # ------------------------------------------------------------------ writes
    @_serialised
    async def create_debate(self, new: NewDebate, state: dict, opening: TurnDraft) -> DebateRecord:
        ts = now()
        await self.db.execute("BEGIN IMMEDIATE")
        try:
            cur = await self.db.execute(INSERT_DEBATE, debate_args(new, state, ts))
            debate_id = cur.lastrowid
            await self.db.execute(INSERT_PARTICIPANT, (debate_id, new.user_id, new.user_name, "debater", new.user_side))
            await self.db.execute(_INSERT_NEXT_TURN, (debate_id, debate_id, *turn_fields(opening, ts)))
            await self.db.execute("COMMIT")
        except BaseException:
            await self._rollback()
            raise
        return await self.get_debate(debate_id)

    @_serialised
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
        ts = now()
        rows = [(debate_id, debate_id, *turn_fields(t, ts)) for t in turns]
        finished = ts if status != "active" else None
        update = (json.dumps(state), status, ts, finished, deadline if status == "active" else None, debate_id)
        try:
            # the whole transaction in one hand-off to the database thread: aiosqlite's own way of running a
            # call there (Connection._execute, on its sqlite3 connection); test_service checks it is one call
            await self.db._execute(_exchange, self.db._conn, debate_id, rows, update, expect)
            return ts
        except sqlite3.IntegrityError as exc:
            await self._rollback()
            dup = next((t.message_id for t in turns if t.message_id), None)
            if dup and "message_id" in str(exc):
                raise DuplicateMessage(dup) from None
            if "FOREIGN KEY" in str(exc):
                raise DebateNotFound(debate_id) from None
            raise
        except BaseException:
            await self._rollback()
            raise

    async def _rollback(self) -> None:
        """Roll back if a transaction is open (SQLite may already have rolled back, e.g. on a full disk)."""
        if self.db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                await self.db.execute("ROLLBACK")

    @_serialised
    async def backup(self, target: str | Path) -> Path:
        """A consistent copy of the live database (SQLite's online backup API), taken while debates run:
        between transactions (the write lock), so the copy is a cut at an exchange boundary."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".partial")
        tmp.unlink(missing_ok=True)
        async with aiosqlite.connect(tmp) as dest:
            await self.db.backup(dest)
        os.replace(tmp, target)
        return target

    # ------------------------------------------------------------------ reads
    async def get_debate(self, debate_id: int) -> DebateRecord:
        rows = await self.db.execute_fetchall(f"SELECT {DEBATE_COLS} FROM {DEBATE_FROM} WHERE d.id = ?", (debate_id,))
        if not rows:
            raise DebateNotFound(debate_id)
        return debate_record(rows[0])

    async def list_debates(self, *, limit: int | None = 100, offset: int = 0, **filters) -> list[DebateRecord]:
        where, args = debate_filters(lambda n: "?", FOLD, **filters)
        sql = f"SELECT {DEBATE_COLS} FROM {DEBATE_FROM}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY d.id DESC LIMIT ? OFFSET ?"
        rows = await self.db.execute_fetchall(sql, (*args, -1 if limit is None else limit, offset))
        return [debate_record(r) for r in rows]

    async def count_debates(self, **filters) -> int:
        where, args = debate_filters(lambda n: "?", FOLD, **filters)
        sql = f"SELECT COUNT(*) FROM {DEBATE_FROM}" + (" WHERE " + " AND ".join(where) if where else "")
        return (await self.db.execute_fetchall(sql, args))[0][0]

    async def turns(self, debate_id: int) -> list[TurnRecord]:
        rows = await self.db.execute_fetchall(
            f"SELECT {TURN_COLS} FROM turns WHERE debate_id = ? ORDER BY number", (debate_id,)
        )
        return [turn_record(r) for r in rows]

    # ------------------------------------------------------------------ classes
    @_serialised
    async def create_class(self, new: NewClass) -> ClassRecord:
        try:
            cur = await self.db.execute(INSERT_CLASS, class_args(new, now()))
        except sqlite3.IntegrityError as exc:
            if "classes.join_code" in str(exc):
                raise JoinCodeTaken(new.join_code) from None
            raise
        return await self.get_class(cur.lastrowid)

    async def get_class(self, class_id: int) -> ClassRecord:
        async with self.db.execute(f"SELECT {CLASS_COLS} FROM classes WHERE id = ?", (class_id,)) as cur:
            row = await cur.fetchone()
        if row is None:
            raise ClassNotFound(class_id)
        return class_record(row)

    async def class_by_code(self, join_code: str) -> ClassRecord:
        async with self.db.execute(
            f"SELECT {CLASS_COLS} FROM classes WHERE join_code = ?", (join_code.strip().upper(),)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            raise ClassNotFound(join_code)
        return class_record(row)

    async def list_classes(self, *, guild_id: str | None = None, status: str | None = None) -> list[ClassRecord]:
        where, args = [], []
        for col, value in (("guild_id", guild_id), ("status", status)):
            if value is not None:
                where.append(f"{col} = ?")
                args.append(value)
        sql = f"SELECT {CLASS_COLS} FROM classes" + (" WHERE " + " AND ".join(where) if where else "")
        async with self.db.execute(sql + " ORDER BY id DESC", args) as cur:
            return [class_record(r) for r in await cur.fetchall()]

    @_serialised
    async def close_class(self, class_id: int) -> None:
        await self.db.execute(
            "UPDATE classes SET status = 'closed', closed_at = COALESCE(closed_at, ?) WHERE id = ?", (now(), class_id)
        )

    @_serialised
    async def add_participant(self, debate_id: int, user_id: str, display_name: str, side: str) -> None:
        """Another debater of a team debate (the first one is added with the debate)."""
        await self.db.execute(
            "INSERT OR IGNORE INTO participants (debate_id, user_id, display_name, role, side) VALUES (?,?,?,?,?)",
            (debate_id, user_id, display_name, "teammate", side),
        )

    async def participants(self, debate_id: int) -> list[tuple[str, str]]:
        """(user id, display name) of every debater, the starter first."""
        async with self.db.execute(
            "SELECT user_id, display_name FROM participants WHERE debate_id = ? ORDER BY role = 'teammate', rowid",
            (debate_id,),
        ) as cur:
            return [(r[0], r[1]) for r in await cur.fetchall()]

    async def participants_of(self, debate_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
        """participants() of several debates in one query (a page of the web index)."""
        found: dict[int, list[tuple[str, str]]] = {i: [] for i in debate_ids}
        for start in range(0, len(debate_ids), 500):
            chunk = debate_ids[start : start + 500]
            rows = await self.db.execute_fetchall(
                "SELECT debate_id, user_id, display_name FROM participants WHERE debate_id IN"
                f" ({','.join('?' * len(chunk))}) ORDER BY debate_id, role = 'teammate', rowid",
                chunk,
            )
            for debate_id, user_id, name in rows:
                found[debate_id].append((user_id, name))
        return found

    # ------------------------------------------------------------------ uploaded topics
    @_serialised
    async def save_topic(self, new: TopicUpload) -> TopicVersion:
        latest = await self.topic_version(new.guild_id, new.topic_id, include_removed=True)
        if latest is not None and latest.content_hash == new.content_hash and not latest.removed:
            return latest  # the same file again: not a new version
        await self.db.execute("BEGIN IMMEDIATE")
        try:
            await self.db.execute(INSERT_TOPIC, topic_upload_args(new, now()))
            await self.db.execute(
                "UPDATE guild_topics SET removed_at = NULL WHERE guild_id = ? AND topic_id = ?",
                (new.guild_id, new.topic_id),
            )
            await self.db.execute("COMMIT")
        except BaseException:
            await self.db.execute("ROLLBACK")
            raise
        return await self.topic_version(new.guild_id, new.topic_id)

    async def guild_topics(self, guild_id: str) -> list[TopicVersion]:
        rows = await self.db.execute_fetchall(LATEST_TOPICS, (guild_id,))
        return [topic_version(r) for r in rows]

    async def topic_version(
        self, guild_id: str, topic_id: str, version: int | None = None, *, include_removed: bool = False
    ) -> TopicVersion | None:
        sql = f"SELECT {TOPIC_COLS}, body FROM guild_topics WHERE guild_id = ? AND topic_id = ?"
        args: list = [guild_id, topic_id]
        if version is not None:
            sql += " AND version = ?"
            args.append(version)
        if not include_removed:
            sql += " AND removed_at IS NULL"
        rows = await self.db.execute_fetchall(sql + " ORDER BY version DESC LIMIT 1", args)
        return topic_version(rows[0][:-1], rows[0][-1]) if rows else None

    async def topic_by_hash(self, content_hash: str) -> TopicVersion | None:
        rows = await self.db.execute_fetchall(
            f"SELECT {TOPIC_COLS}, body FROM guild_topics WHERE content_hash = ? ORDER BY id LIMIT 1", (content_hash,)
        )
        return topic_version(rows[0][:-1], rows[0][-1]) if rows else None

    @_serialised
    async def remove_topic(self, guild_id: str, topic_id: str) -> int:
        await self.db.execute("BEGIN IMMEDIATE")
        try:
            cur = await self.db.execute(
                "UPDATE guild_topics SET removed_at = ? WHERE guild_id = ? AND topic_id = ? AND removed_at IS NULL",
                (now(), guild_id, topic_id),
            )
            hidden = cur.rowcount
            await self.db.execute(PRUNE_TOPIC, (guild_id, topic_id))
            await self.db.execute("COMMIT")
        except BaseException:
            await self.db.execute("ROLLBACK")
            raise
        return hidden

    async def teacher_role(self, guild_id: str) -> str | None:
        async with self.db.execute("SELECT teacher_role_id FROM guild_settings WHERE guild_id = ?", (guild_id,)) as cur:
            row = await cur.fetchone()
        return row[0] if row else None

    @_serialised
    async def set_teacher_role(self, guild_id: str, role_id: str | None) -> None:
        await self.db.execute(
            "INSERT INTO guild_settings (guild_id, teacher_role_id) VALUES (?, ?)"
            " ON CONFLICT (guild_id) DO UPDATE SET teacher_role_id = excluded.teacher_role_id",
            (guild_id, role_id),
        )

    @_serialised
    async def set_deadline(self, debate_id: int, deadline: str | None) -> None:
        """Move the current turn's deadline (only while the debate is active)."""
        await self.db.execute(
            "UPDATE debates SET deadline = ? WHERE id = ? AND status = 'active'", (deadline, debate_id)
        )

    async def has_message(self, message_id: str) -> bool:
        return bool(await self.db.execute_fetchall("SELECT 1 FROM turns WHERE message_id = ?", (message_id,)))

    async def integrity_check(self) -> str:
        async with self.db.execute("PRAGMA integrity_check") as cur:
            return (await cur.fetchone())[0]

    # ------------------------------------------------------------------ whole tables (migrate-db)
    @property
    def where(self) -> str:
        """The database as a URL ``counterpoint migrate-db`` accepts."""
        return f"sqlite:{self.path}"

    async def count_rows(self) -> dict[str, int]:
        """The number of rows of every table."""
        out = {}
        for table in TABLES:
            async with self.db.execute(f"SELECT COUNT(*) FROM {table}") as cur:
                out[table] = (await cur.fetchone())[0]
        return out

    @_serialised
    async def read_rows(self) -> dict[str, list[tuple]]:
        """Every row of every table (columns as in rows.TABLES), in insertion order, from one snapshot."""
        out: dict[str, list[tuple]] = {}
        await self.db.execute("BEGIN")  # a read transaction: one snapshot of the WAL
        try:
            for table, cols in TABLES.items():
                async with self.db.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid") as cur:
                    out[table] = with_flags(table, [tuple(r) for r in await cur.fetchall()], bool)
        finally:
            await self.db.execute("COMMIT")
        return out

    @_serialised
    async def write_rows(self, data: dict[str, list[tuple]], *, erase: bool) -> None:
        """Insert every row, ids kept, in one transaction (all or nothing); ``erase``: empty the tables first."""
        db = self.db
        await db.execute("BEGIN IMMEDIATE")
        try:
            if erase:
                for table in reversed(TABLES):
                    await db.execute(f"DELETE FROM {table}")
            for table, cols in TABLES.items():
                marks = ", ".join("?" * len(cols))
                sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})"
                await db.executemany(sql, with_flags(table, data[table], int))
            await db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):
                await db.execute("ROLLBACK")
            raise


def _casefold(text: str | None) -> str | None:
    return None if text is None else str(text).casefold()


async def _connect(target: str, **kwargs) -> aiosqlite.Connection:
    """aiosqlite.connect; when the file cannot be opened, wait for aiosqlite's thread to finish first (it would
    otherwise report to an event loop already closed, printing a traceback after our one-line error)."""
    conn = aiosqlite.connect(target, isolation_level=None, **kwargs)
    try:
        db = await conn
    except BaseException:
        thread = getattr(conn, "_thread", None)
        if thread is not None and thread.is_alive():
            await asyncio.to_thread(thread.join, 10)
        raise
    await db.create_function(FOLD, 1, _casefold, deterministic=True)  # SQLite's LOWER folds ASCII only
    return db


def _split_sql(sql: str) -> list[str]:
    """Split a migration into statements (no semicolons inside strings in our migrations)."""
    lines = [ln for ln in sql.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
