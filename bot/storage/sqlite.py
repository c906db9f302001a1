"""SQLite storage (aiosqlite): numbered migrations, WAL, one transaction per exchange."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import sqlite3
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import aiosqlite

from ..domain.errors import ClassNotFound, DebateNotFound
from ..domain.records import ClassRecord, DebateRecord, NewClass, NewDebate, TurnDraft, TurnRecord
from .base import DuplicateMessage, StorageUnavailable

PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000")

_DEBATE_COLS = """d.id, d.topic_id, d.topic_hash, d.user_side, d.bot_side, d.seed, d.rebuttal_rounds, d.status,
    d.platform, p.user_id, p.display_name, d.guild_id, d.channel_id, d.thread_id, d.state, d.created_at,
    d.updated_at, d.finished_at, (SELECT COUNT(*) FROM turns t WHERE t.debate_id = d.id), d.turn_seconds,
    d.deadline, d.class_id"""
_DEBATE_FROM = "debates d LEFT JOIN participants p ON p.debate_id = d.id AND p.role = 'debater'"


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every file in migrations/, in order."""
    out = []
    for entry in resources.files(__package__).joinpath("migrations").iterdir():
        m = re.match(r"^(\d{4})_(\w+)\.sql$", entry.name)
        if m:
            out.append((int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    out.sort()
    versions = [v for v, _, _ in out]
    if versions != list(range(1, len(out) + 1)):
        raise RuntimeError(f"migrations must be numbered 0001, 0002, ... without gaps; found {versions}")
    return out


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class SQLiteStore:
    def __init__(self, path: str | Path):
        self.path = str(path)
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
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            for pragma in PRAGMAS:
                await self._db.execute(pragma)
            await self.migrate()
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def schema_version(self) -> int:
        async with self.db.execute("PRAGMA user_version") as cur:
            return (await cur.fetchone())[0]

    async def migrate(self) -> int:
        """Apply every migration newer than PRAGMA user_version, each in its own transaction."""
        current = await self.schema_version()
        known = migrations()
        if current > len(known):
            raise RuntimeError(
                f"database {self.path} has schema version {current}, newer than this "
                f"Counterpoint knows ({len(known)}); upgrade Counterpoint"
            )
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
    async def _create_debate_unlocked(self, new: NewDebate, state: dict, opening: TurnDraft) -> DebateRecord:
        ts = now()
        await self.db.execute("BEGIN IMMEDIATE")
        try:
            cur = await self.db.execute(
                "INSERT INTO debates (topic_id, topic_hash, user_side, bot_side, seed, rebuttal_rounds, platform,"
                " guild_id, channel_id, thread_id, state, created_at, updated_at, turn_seconds, deadline, class_id)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    new.topic_id,
                    new.topic_hash,
                    new.user_side,
                    new.bot_side,
                    new.seed,
                    new.rebuttal_rounds,
                    new.platform,
                    new.guild_id,
                    new.channel_id,
                    new.thread_id,
                    json.dumps(state),
                    ts,
                    ts,
                    new.turn_seconds,
                    new.deadline,
                    new.class_id,
                ),
            )
            debate_id = cur.lastrowid
            await self.db.execute(
                "INSERT INTO participants (debate_id, user_id, display_name, role, side) VALUES (?,?,?,?,?)",
                (debate_id, new.user_id, new.user_name, "debater", new.user_side),
            )
            await self._insert_turn(debate_id, 1, opening, ts)
            await self.db.execute("COMMIT")
        except BaseException:
            await self._rollback()
            raise
        return await self.get_debate(debate_id)

    async def _record_exchange_unlocked(
        self, debate_id: int, turns: list[TurnDraft], state: dict, status: str, *, deadline: str | None = None
    ) -> str:
        ts = now()
        await self.db.execute("BEGIN IMMEDIATE")
        try:
            # few round trips to the database thread: the turns numbered in SQL, in one executemany
            await self.db.executemany(_INSERT_NEXT_TURN, [_turn_row(debate_id, t, ts) for t in turns])
            finished = ts if status != "active" else None
            cur = await self.db.execute(
                "UPDATE debates SET state = ?, status = ?, updated_at = ?, finished_at = COALESCE(finished_at, ?),"
                " deadline = ? WHERE id = ?",
                (json.dumps(state), status, ts, finished, deadline if status == "active" else None, debate_id),
            )
            if cur.rowcount != 1:
                raise DebateNotFound(debate_id)
            await self.db.execute("COMMIT")
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

    async def _insert_turn(self, debate_id: int, number: int, t: TurnDraft, ts: str) -> None:
        await self.db.execute(_INSERT_TURN, (debate_id, number, *_turn_row(debate_id, t, ts)[1:-1]))

    # ------------------------------------------------------------------ writes, serialised on the connection
    async def create_debate(self, new: NewDebate, state: dict, opening: TurnDraft) -> DebateRecord:
        async with self._write, _unavailable_on_error():
            return await self._create_debate_unlocked(new, state, opening)

    async def record_exchange(
        self, debate_id: int, turns: list[TurnDraft], state: dict, status: str, *, deadline: str | None = None
    ) -> str:
        async with self._write, _unavailable_on_error():
            return await self._record_exchange_unlocked(debate_id, turns, state, status, deadline=deadline)

    async def backup(self, target: str | Path) -> Path:
        """A consistent copy of the live database (SQLite's online backup API), taken while debates run."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".partial")
        tmp.unlink(missing_ok=True)
        async with aiosqlite.connect(tmp) as dest, self._write:
            # between transactions (the write lock), so the copy is a cut at an exchange boundary
            await self.db.backup(dest)
        os.replace(tmp, target)
        return target

    async def create_class(self, new: NewClass) -> ClassRecord:
        async with self._write:
            return await self._create_class_unlocked(new)

    async def close_class(self, class_id: int) -> None:
        async with self._write:
            await self._close_class_unlocked(class_id)

    async def add_participant(self, debate_id: int, user_id: str, display_name: str, side: str) -> None:
        async with self._write:
            await self._add_participant_unlocked(debate_id, user_id, display_name, side)

    async def set_teacher_role(self, guild_id: str, role_id: str | None) -> None:
        async with self._write:
            await self._set_teacher_role_unlocked(guild_id, role_id)

    async def set_deadline(self, debate_id: int, deadline: str | None) -> None:
        async with self._write:
            await self._set_deadline_unlocked(debate_id, deadline)

    # ------------------------------------------------------------------ reads
    async def get_debate(self, debate_id: int) -> DebateRecord:
        rows = await self.db.execute_fetchall(f"SELECT {_DEBATE_COLS} FROM {_DEBATE_FROM} WHERE d.id = ?", (debate_id,))
        if not rows:
            raise DebateNotFound(debate_id)
        return _debate(rows[0])

    async def list_debates(
        self,
        *,
        status: str | None = None,
        user_id: str | None = None,
        topic_id: str | None = None,
        platform: str | None = None,
        channel_id: str | None = None,
        thread_id: str | None = None,
        class_id: int | None = None,
        limit: int | None = 100,
    ) -> list[DebateRecord]:
        where, args = debate_filters(
            lambda n: "?",
            class_id=class_id,
            status=status,
            user_id=user_id,
            topic_id=topic_id,
            platform=platform,
            channel_id=channel_id,
            thread_id=thread_id,
        )
        sql = f"SELECT {_DEBATE_COLS} FROM {_DEBATE_FROM}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY d.id DESC LIMIT ?"
        return [_debate(r) for r in await self.db.execute_fetchall(sql, (*args, -1 if limit is None else limit))]

    async def turns(self, debate_id: int) -> list[TurnRecord]:
        rows = await self.db.execute_fetchall(
            f"SELECT {_TURN_COLS} FROM turns WHERE debate_id = ? ORDER BY number", (debate_id,)
        )
        return [_turn(r) for r in rows]

    # ------------------------------------------------------------------ classes
    async def _create_class_unlocked(self, new: NewClass) -> ClassRecord:
        cur = await self.db.execute(
            "INSERT INTO classes (guild_id, channel_id, name, topic_id, side_policy, rounds, turn_seconds, deadline,"
            " team, join_code, teacher_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                new.guild_id,
                new.channel_id,
                new.name,
                new.topic_id,
                new.side_policy,
                new.rounds,
                new.turn_seconds,
                new.deadline,
                int(new.team),
                new.join_code,
                new.teacher_id,
                now(),
            ),
        )
        return await self.get_class(cur.lastrowid)

    async def get_class(self, class_id: int) -> ClassRecord:
        async with self.db.execute(f"SELECT {_CLASS_COLS} FROM classes WHERE id = ?", (class_id,)) as cur:
            row = await cur.fetchone()
        if row is None:
            raise ClassNotFound(class_id)
        return _class(row)

    async def class_by_code(self, join_code: str) -> ClassRecord:
        async with self.db.execute(
            f"SELECT {_CLASS_COLS} FROM classes WHERE join_code = ?", (join_code.strip().upper(),)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            raise ClassNotFound(join_code)
        return _class(row)

    async def list_classes(self, *, guild_id: str | None = None, status: str | None = None) -> list[ClassRecord]:
        where, args = [], []
        for col, value in (("guild_id", guild_id), ("status", status)):
            if value is not None:
                where.append(f"{col} = ?")
                args.append(value)
        sql = f"SELECT {_CLASS_COLS} FROM classes" + (" WHERE " + " AND ".join(where) if where else "")
        async with self.db.execute(sql + " ORDER BY id DESC", args) as cur:
            return [_class(r) for r in await cur.fetchall()]

    async def _close_class_unlocked(self, class_id: int) -> None:
        await self.db.execute(
            "UPDATE classes SET status = 'closed', closed_at = COALESCE(closed_at, ?) WHERE id = ?", (now(), class_id)
        )

    async def _add_participant_unlocked(self, debate_id: int, user_id: str, display_name: str, side: str) -> None:
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

    async def teacher_role(self, guild_id: str) -> str | None:
        async with self.db.execute("SELECT teacher_role_id FROM guild_settings WHERE guild_id = ?", (guild_id,)) as cur:
            row = await cur.fetchone()
        return row[0] if row else None

    async def _set_teacher_role_unlocked(self, guild_id: str, role_id: str | None) -> None:
        await self.db.execute(
            "INSERT INTO guild_settings (guild_id, teacher_role_id) VALUES (?, ?)"
            " ON CONFLICT (guild_id) DO UPDATE SET teacher_role_id = excluded.teacher_role_id",
            (guild_id, role_id),
        )

    async def _set_deadline_unlocked(self, debate_id: int, deadline: str | None) -> None:
        """Move the current turn's deadline (only while the debate is active)."""
        await self.db.execute(
            "UPDATE debates SET deadline = ? WHERE id = ? AND status = 'active'", (deadline, debate_id)
        )

    async def has_message(self, message_id: str) -> bool:
        return bool(await self.db.execute_fetchall("SELECT 1 FROM turns WHERE message_id = ?", (message_id,)))

    async def integrity_check(self) -> str:
        async with self.db.execute("PRAGMA integrity_check") as cur:
            return (await cur.fetchone())[0]


_TURN_FIELDS = (
    "phase, round, speaker, author, text, kind, counted, claims, scores, lines, roles, sources, message_id,"
    " created_at, author_id"
)
_INSERT_TURN = f"INSERT INTO turns (debate_id, number, {_TURN_FIELDS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
# the next number of the debate, computed in the statement (the UNIQUE (debate_id, number) index makes it cheap)
_INSERT_NEXT_TURN = (
    f"INSERT INTO turns (debate_id, {_TURN_FIELDS}, number) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
    " (SELECT COALESCE(MAX(number), 0) + 1 FROM turns WHERE debate_id = ?))"
)


def _turn_row(debate_id: int, t: TurnDraft, ts: str) -> tuple:
    """Parameters of _INSERT_NEXT_TURN: the debate id, the turn's fields, and the debate id again."""
    return (
        debate_id,
        t.phase,
        t.round,
        t.speaker,
        t.author,
        t.text,
        t.kind,
        int(t.counted),
        json.dumps(list(t.claims)),
        json.dumps(list(t.scores)),
        json.dumps(list(t.lines)),
        json.dumps(list(t.roles)),
        json.dumps(list(t.sources)),
        t.message_id,
        ts,
        t.author_id,
        debate_id,
    )


_CLASS_COLS = """id, guild_id, channel_id, name, topic_id, side_policy, rounds, turn_seconds, deadline, team,
    join_code, teacher_id, status, created_at, closed_at"""


def _class(r) -> ClassRecord:
    return ClassRecord(*r[:9], bool(r[9]), *r[10:])


_TURN_COLS = """id, debate_id, number, speaker, text, phase, round, author, kind, counted, claims, scores, lines,
    roles, sources, message_id, created_at, author_id"""
_FILTER_COLUMNS = {
    "class_id": "d.class_id",
    "status": "d.status",
    "user_id": "p.user_id",
    "topic_id": "d.topic_id",
    "platform": "d.platform",
    "channel_id": "d.channel_id",
    "thread_id": "d.thread_id",
}


def debate_filters(placeholder, **values) -> tuple[list[str], list]:
    """WHERE terms and arguments of list_debates for the filters given (not None); ``placeholder(n)`` is
    the n-th parameter's marker in the backend's SQL ("?" for SQLite, "$n" for PostgreSQL)."""
    where: list[str] = []
    args: list = []
    for name, column in _FILTER_COLUMNS.items():
        value = values.get(name)
        if value is not None:
            args.append(value)
            where.append(f"{column} = {placeholder(len(args))}")
    return where, args


def _turn(r) -> TurnRecord:
    return TurnRecord(
        *r[:9],
        bool(r[9]),
        *(tuple(json.loads(x)) for x in r[10:15]),
        r[15],
        r[16],
        author_id=r[17],
    )


def _debate(r) -> DebateRecord:
    return DebateRecord(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        r[5],
        r[6],
        r[7],
        r[8],
        r[9] or "",
        r[10] or "",
        r[11],
        r[12],
        r[13],
        json.loads(r[14]),
        r[15],
        r[16],
        r[17],
        r[18],
        r[19],
        r[20],
        r[21],
    )


@contextlib.asynccontextmanager
async def _unavailable_on_error():
    """A disk that is full or read-only becomes a StorageUnavailable (nothing of the write was kept)."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        raise StorageUnavailable(str(exc)) from exc


def _split_sql(sql: str) -> list[str]:
    """Split a migration into statements (no semicolons inside strings in our migrations)."""
    lines = [ln for ln in sql.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
