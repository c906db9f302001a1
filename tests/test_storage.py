"""The log and the service on top of it, against both backends: SQLite on a temporary file and PostgreSQL
in a fresh database per test.

PostgreSQL comes from COUNTERPOINT_TEST_PG, a DSN of a server where the user may CREATE DATABASE (.ci/run
starts a throwaway one). Without it the PostgreSQL tests fail in CI (CI set) and are skipped elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import sqlite3
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.domain.errors import ClassNotFound, DebateFinished, DebateNotFound
from bot.domain.records import NewClass, NewDebate, TurnDraft
from bot.service import DebateService
from bot.settings import Settings
from bot.storage import DuplicateMessage, SQLiteStore, StorageUnavailable, open_store
from bot.storage.sqlite import migrations

PG_ENV = "COUNTERPOINT_TEST_PG"
ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------- PostgreSQL test databases
def pg_admin_dsn() -> str:
    """The server to create test databases on; fails in CI without one, skips elsewhere."""
    dsn = os.environ.get(PG_ENV, "").strip()
    if dsn:
        return dsn
    if os.environ.get("CI"):
        pytest.fail(
            f"{PG_ENV} is not set: in CI the storage tests must also run against PostgreSQL "
            f"(.ci/run starts a throwaway server and sets {PG_ENV}=postgresql://USER@127.0.0.1:PORT/postgres)",
            pytrace=False,
        )
    pytest.skip(
        f"PostgreSQL backend: set {PG_ENV}=postgresql://USER@HOST:PORT/postgres (a user who may CREATE DATABASE)"
    )


def _database_url(admin: str, name: str) -> str:
    return urlsplit(admin)._replace(path=f"/{name}").geturl()


@contextlib.asynccontextmanager
async def fresh_pg_database():
    """A new, empty database with a random name (its URL), dropped afterwards."""
    import asyncpg

    admin = pg_admin_dsn()
    name = f"counterpoint_test_{secrets.token_hex(6)}"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield _database_url(admin, name)
    finally:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


@pytest.fixture
async def pg_url():
    async with fresh_pg_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
async def store(request, tmp_path):
    if request.param == "sqlite":
        async with SQLiteStore(tmp_path / "log.sqlite3") as s:
            yield s
    else:
        from bot.storage.postgres import PostgresStore

        async with fresh_pg_database() as url, PostgresStore(url) as s:
            yield s


@pytest.fixture
def service(mini_library, store):
    return DebateService(mini_library, store)


def is_pg(store) -> bool:
    return type(store).__name__ == "PostgresStore"


async def committed_rows(store, debate_id: int) -> list[tuple[str, str]]:
    """(speaker, text) of the debate's turns as a second, independent connection sees them."""
    if is_pg(store):
        import asyncpg

        conn = await asyncpg.connect(store.dsn)
        try:
            rows = await conn.fetch("SELECT speaker, text FROM turns WHERE debate_id = $1 ORDER BY number", debate_id)
        finally:
            await conn.close()
        return [tuple(r) for r in rows]
    con = sqlite3.connect(store.path)
    try:
        return con.execute(
            "SELECT speaker, text FROM turns WHERE debate_id = ? ORDER BY number", (debate_id,)
        ).fetchall()
    finally:
        con.close()


def _new(**kw) -> NewDebate:
    base = dict(topic_id="school-uniforms", topic_hash="h", user_side="con", bot_side="pro", seed=1, rebuttal_rounds=2)
    base.update(kw)
    return NewDebate(**base)


def _class(**kw) -> NewClass:
    base = dict(
        guild_id="g1",
        channel_id="c1",
        name="Year 11 history",
        topic_id="school-uniforms",
        side_policy="alternate",
        teacher_id="t1",
        join_code="ABC234",
    )
    base.update(kw)
    return NewClass(**base)


OPENING = TurnDraft("bot", "opening", "opening", 0)


# ---------------------------------------------------------------------- schema and migrations
async def test_schema_version_and_reopening_does_not_migrate_again(store):
    if is_pg(store):
        from bot.storage.postgres import PostgresStore, pg_migrations

        assert await store.schema_version() == len(pg_migrations()) >= 1
        async with PostgresStore(store.dsn) as again:
            assert again.applied == []
            assert await again.migrate() == len(pg_migrations())
    else:
        assert await store.schema_version() == len(migrations()) >= 1
        async with SQLiteStore(store.path) as again:
            assert await again.migrate() == len(migrations())


async def test_sqlite_wal_and_foreign_keys(tmp_path):
    async with SQLiteStore(tmp_path / "log.sqlite3") as store:
        async with store.db.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
        async with store.db.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1


async def test_refuses_a_sqlite_database_from_the_future(tmp_path):
    path = tmp_path / "future.sqlite3"
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(RuntimeError, match="newer than this"):
        async with SQLiteStore(path):
            pass


async def test_refuses_a_postgres_database_from_the_future(pg_url):
    import asyncpg

    from bot.storage.postgres import PostgresStore

    async with PostgresStore(pg_url):
        pass
    conn = await asyncpg.connect(pg_url)
    await conn.execute("UPDATE schema_version SET version = 99")
    await conn.close()
    with pytest.raises(RuntimeError, match="newer than this"):
        async with PostgresStore(pg_url):
            pass


async def test_postgres_processes_starting_together_migrate_once(pg_url):
    """Four processes open the same new database at once: the advisory lock lets one apply the migrations."""
    from bot.storage.postgres import PostgresStore, pg_migrations

    script = (
        "import asyncio, sys\n"
        "from bot.storage.postgres import PostgresStore\n"
        "async def main():\n"
        "    async with PostgresStore(sys.argv[1]) as s:\n"
        "        print(len(s.applied), await s.schema_version())\n"
        "asyncio.run(main())\n"
    )
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", script, pg_url, cwd=ROOT, stdout=asyncio.subprocess.PIPE
        )
        for _ in range(4)
    ]
    outs = [(await p.communicate())[0].decode().split() for p in procs]
    assert [p.returncode for p in procs] == [0] * 4
    known = len(pg_migrations())
    assert sorted(int(applied) for applied, _ in outs) == [0, 0, 0, known]
    assert {int(version) for _, version in outs} == {known}
    # and in one process, many stores at once
    stores = [PostgresStore(pg_url) for _ in range(5)]
    await asyncio.gather(*(s.open() for s in stores))
    assert sum(len(s.applied) for s in stores) == 0
    await asyncio.gather(*(s.close() for s in stores))


# ---------------------------------------------------------------------- debates and turns
async def test_create_and_record_exchange(store):
    d = await store.create_debate(_new(), {"s": 1}, OPENING)
    assert d.id == 1 and d.active and d.turn_count == 1 and d.state == {"s": 1}
    ts = await store.record_exchange(
        d.id,
        [
            TurnDraft("user", "hi", "opening", 1, "ann", claims=("cost",), scores=(5.5,), message_id="m1"),
            TurnDraft("bot", "answer", "opening", 1, "counterpoint", lines=("cost.r1",), sources=("jones-2019",)),
        ],
        {"s": 2},
        "active",
    )
    turns = await store.turns(d.id)
    assert [(t.number, t.speaker) for t in turns] == [(1, "bot"), (2, "user"), (3, "bot")]
    assert turns[1].claims == ("cost",) and turns[1].scores == (5.5,) and turns[1].message_id == "m1"
    assert turns[2].lines == ("cost.r1",) and turns[2].sources == ("jones-2019",)
    after = await store.get_debate(d.id)
    assert after.state == {"s": 2} and after.turn_count == 3
    assert ts == after.updated_at == turns[2].created_at
    assert await store.has_message("m1") and not await store.has_message("m2")


async def test_turn_fields_round_trip(store):
    d = await store.create_debate(_new(platform="discord", guild_id="g", channel_id="c", thread_id="t"), {}, OPENING)
    draft = TurnDraft(
        "user",
        "Ünïcode — «quotes» 'apostrophes' \"double\" \\ and\nnewlines 🎓",
        "rebuttal",
        2,
        "Zoë",
        kind="meta",
        counted=False,
        claims=("a", "b"),
        scores=(1.25, 0.5),
        roles=("rebut",),
        message_id="m-ü",
        author_id="u42",
        moves=(("a", "against"), ("b", "for")),
    )
    await store.record_exchange(d.id, [draft], {"nested": {"list": [1, 2.5, None, "x"]}}, "active")
    t = (await store.turns(d.id))[1]
    assert (t.speaker, t.text, t.phase, t.round, t.author, t.kind, t.counted) == (
        "user",
        draft.text,
        "rebuttal",
        2,
        "Zoë",
        "meta",
        False,
    )
    assert (t.claims, t.scores, t.roles, t.lines, t.sources) == (("a", "b"), (1.25, 0.5), ("rebut",), (), ())
    assert (t.message_id, t.author_id, t.debate_id) == ("m-ü", "u42", d.id)
    assert t.moves == (("a", "against"), ("b", "for"))
    assert (await store.turns(d.id))[0].moves == ()
    assert (await store.get_debate(d.id)).state == {"nested": {"list": [1, 2.5, None, "x"]}}
    assert (await store.turns(d.id))[0].counted is True


async def test_a_replayed_message_is_stored_once_and_nothing_partial(store):
    d = await store.create_debate(_new(), {}, OPENING)
    pair = [TurnDraft("user", "x", "opening", 1, message_id="m1"), TurnDraft("bot", "y", "opening", 1)]
    await store.record_exchange(d.id, pair, {"n": 1}, "active")
    with pytest.raises(DuplicateMessage):
        await store.record_exchange(d.id, pair, {"n": 2}, "active")
    # the replayed id in the second turn: the first turn of the exchange is not kept either
    with pytest.raises(DuplicateMessage):
        await store.record_exchange(
            d.id,
            [
                TurnDraft("user", "new", "opening", 1, message_id="m2"),
                TurnDraft("user", "x", "opening", 1, message_id="m1"),
            ],
            {"n": 3},
            "completed",
        )
    assert len(await store.turns(d.id)) == 3
    after = await store.get_debate(d.id)
    assert after.state == {"n": 1} and after.active and not await store.has_message("m2")


async def test_unknown_debate(store):
    with pytest.raises(DebateNotFound):
        await store.get_debate(42)
    with pytest.raises(DebateNotFound):
        await store.record_exchange(42, [], {}, "active")
    assert await store.turns(42) == [] and await store.participants(42) == []


async def test_list_filters(store):
    for i, (user, status) in enumerate([("a", "active"), ("b", "active"), ("a", "completed")]):
        d = await store.create_debate(_new(user_id=user, user_name=user, seed=i), {}, OPENING)
        if status != "active":
            await store.record_exchange(d.id, [], {}, status)
    assert [d.user_id for d in await store.list_debates()] == ["a", "b", "a"]
    assert len(await store.list_debates(user_id="a")) == 2
    done = await store.list_debates(status="completed")
    assert len(done) == 1 and done[0].finished_at is not None


async def test_list_filters_by_place_topic_class_and_limit(store):
    klass = await store.create_class(_class())
    await store.create_debate(_new(), {}, OPENING)
    await store.create_debate(_new(platform="discord", guild_id="g1", channel_id="c1", thread_id="t1"), {}, OPENING)
    await store.create_debate(
        _new(platform="discord", guild_id="g1", channel_id="c1", thread_id="t2", topic_id="other", class_id=klass.id),
        {},
        OPENING,
    )
    ids = lambda ds: [d.id for d in ds]  # noqa: E731
    assert ids(await store.list_debates(platform="discord")) == [3, 2]
    assert ids(await store.list_debates(platform="terminal")) == [1]
    assert ids(await store.list_debates(channel_id="c1", thread_id="t2")) == [3]
    assert ids(await store.list_debates(topic_id="other")) == [3]
    assert ids(await store.list_debates(class_id=klass.id)) == [3]
    assert ids(await store.list_debates(limit=2)) == [3, 2]
    assert ids(await store.list_debates(limit=None)) == [3, 2, 1]
    assert ids(await store.list_debates(status="active", user_id="nobody")) == []
    assert (await store.get_debate(3)).class_id == klass.id


async def test_deadlines(store):
    d = await store.create_debate(_new(turn_seconds=60, deadline="2030-01-01T00:00:00.000+00:00"), {}, OPENING)
    assert (d.turn_seconds, d.deadline) == (60, "2030-01-01T00:00:00.000+00:00")
    await store.set_deadline(d.id, "2030-01-01T00:01:00.000+00:00")
    assert (await store.get_debate(d.id)).deadline == "2030-01-01T00:01:00.000+00:00"
    await store.record_exchange(d.id, [], {}, "active", deadline="2030-01-01T00:02:00.000+00:00")
    assert (await store.get_debate(d.id)).deadline == "2030-01-01T00:02:00.000+00:00"
    await store.set_deadline(d.id, None)
    assert (await store.get_debate(d.id)).deadline is None
    # a finished debate has no deadline, and set_deadline leaves it alone
    await store.record_exchange(d.id, [], {}, "ended", deadline="2030-01-01T00:03:00.000+00:00")
    await store.set_deadline(d.id, "2030-01-01T00:04:00.000+00:00")
    done = await store.get_debate(d.id)
    assert done.deadline is None and done.status == "ended" and done.finished_at is not None
    first_finish = done.finished_at
    await store.record_exchange(d.id, [], {}, "completed")
    assert (await store.get_debate(d.id)).finished_at == first_finish


async def test_participants_starter_first_and_teammates_once(store):
    d = await store.create_debate(_new(user_id="u1", user_name="Ann"), {}, OPENING)
    await store.add_participant(d.id, "u3", "Cy", "con")
    await store.add_participant(d.id, "u2", "Bo", "con")
    await store.add_participant(d.id, "u3", "Cy again", "con")  # already there: ignored
    await store.add_participant(d.id, "u1", "Ann", "con")
    assert await store.participants(d.id) == [("u1", "Ann"), ("u3", "Cy"), ("u2", "Bo")]
    record = await store.get_debate(d.id)
    assert (record.user_id, record.user_name) == ("u1", "Ann")
    assert [r.id for r in await store.list_debates(user_id="u1")] == [d.id]
    assert await store.list_debates(user_id="u2") == []  # user_id filters on the starter


# ---------------------------------------------------------------------- classes and teacher roles
async def test_classes(store):
    a = await store.create_class(
        _class(rounds=2, turn_seconds=120, deadline="2030-05-01T12:00:00.000+00:00", team=True)
    )
    assert (a.id, a.name, a.side_policy, a.rounds, a.turn_seconds, a.team, a.open) == (
        1,
        "Year 11 history",
        "alternate",
        2,
        120,
        True,
        True,
    )
    assert a.deadline == "2030-05-01T12:00:00.000+00:00" and a.closed_at is None and a.created_at
    b = await store.create_class(_class(guild_id="g2", join_code="XYZ789", side_policy="choose"))
    assert b.team is False and b.rounds is None
    assert await store.get_class(a.id) == a
    assert await store.class_by_code(" abc234 ") == a
    with pytest.raises(ClassNotFound):
        await store.class_by_code("NOPE99")
    with pytest.raises(ClassNotFound):
        await store.get_class(99)
    assert [k.id for k in await store.list_classes()] == [b.id, a.id]
    assert [k.id for k in await store.list_classes(guild_id="g1")] == [a.id]
    await store.close_class(a.id)
    closed = await store.get_class(a.id)
    assert closed.status == "closed" and not closed.open and closed.closed_at is not None
    await store.close_class(a.id)  # again: the first closing time stays
    assert (await store.get_class(a.id)).closed_at == closed.closed_at
    await store.close_class(99)  # unknown: nothing happens
    assert [k.id for k in await store.list_classes(status="open")] == [b.id]
    assert [k.id for k in await store.list_classes(guild_id="g1", status="closed")] == [a.id]


async def test_teacher_role(store):
    assert await store.teacher_role("g1") is None
    await store.set_teacher_role("g1", "r1")
    await store.set_teacher_role("g2", "r2")
    assert await store.teacher_role("g1") == "r1"
    await store.set_teacher_role("g1", "r3")
    assert await store.teacher_role("g1") == "r3"
    await store.set_teacher_role("g1", None)
    assert await store.teacher_role("g1") is None and await store.teacher_role("g2") == "r2"


async def test_integrity_check(store):
    await store.create_debate(_new(), {}, OPENING)
    assert await store.integrity_check() == "ok"


# ---------------------------------------------------------------------- PostgreSQL specifics
async def test_postgres_integrity_check_finds_a_sequence_behind_its_ids(pg_url):
    import asyncpg

    from bot.storage.postgres import PostgresStore

    async with PostgresStore(pg_url) as store:
        conn = await asyncpg.connect(pg_url)
        await conn.execute(
            "INSERT INTO classes (id, guild_id, channel_id, name, topic_id, side_policy, join_code, teacher_id,"
            " created_at) VALUES (50, 'g', 'c', 'n', 't', 'choose', 'CODE50', 't', 'now')"
        )
        await conn.close()
        assert "sequence of classes" in await store.integrity_check()


async def test_postgres_backup_points_to_pg_dump(pg_url, tmp_path):
    from bot.storage.postgres import PostgresStore

    async with PostgresStore(pg_url) as store:
        with pytest.raises(NotImplementedError, match="pg_dump"):
            await store.backup(tmp_path / "b.sqlite3")


async def test_postgres_unreachable_is_storage_unavailable_without_the_password():
    from bot.storage.postgres import PostgresStore

    with contextlib.closing(__import__("socket").socket()) as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(StorageUnavailable, match="cannot connect") as err:
        async with PostgresStore(f"postgresql://u:hunter2@127.0.0.1:{port}/db"):
            pass
    assert "hunter2" not in str(err.value) and "***" in str(err.value)


async def test_postgres_read_only_database_stores_nothing(pg_url):
    """What a full disk or a standby does to writes: StorageUnavailable, the exchange not kept, reads still work."""
    import asyncpg

    from bot.storage.postgres import PostgresStore

    async with PostgresStore(pg_url) as store:
        d = await store.create_debate(_new(), {"n": 0}, OPENING)
    conn = await asyncpg.connect(pg_url)
    name = urlsplit(pg_url).path.lstrip("/")
    await conn.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    await conn.close()
    async with PostgresStore(pg_url) as store:
        with pytest.raises(StorageUnavailable):
            await store.record_exchange(
                d.id, [TurnDraft("user", "x", "opening", 1, message_id="m1")], {"n": 1}, "active"
            )
        with pytest.raises(StorageUnavailable):
            await store.create_debate(_new(), {}, OPENING)
        assert (await store.get_debate(d.id)).state == {"n": 0}
        assert len(await store.turns(d.id)) == 1 and not await store.has_message("m1")


async def test_postgres_survives_its_connections_being_killed(pg_url):
    import asyncpg

    from bot.storage.postgres import PostgresStore

    async with PostgresStore(pg_url) as store:
        d = await store.create_debate(_new(), {}, OPENING)
        conn = await asyncpg.connect(pg_url)
        killed = await conn.fetchval(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        await conn.close()
        assert killed >= 1
        try:  # the pool may or may not have noticed yet: either the exchange is kept or it is refused cleanly
            await store.record_exchange(d.id, [TurnDraft("user", "x", "opening", 1, message_id="m1")], {}, "active")
        except StorageUnavailable:
            assert not await store.has_message("m1")
        else:
            assert await store.has_message("m1")
        await store.record_exchange(d.id, [TurnDraft("user", "y", "opening", 1, message_id="m2")], {}, "active")
        assert await store.has_message("m2")


async def test_postgres_concurrent_exchanges_on_one_debate_get_distinct_numbers(pg_url):
    from bot.storage.postgres import PostgresStore

    async with PostgresStore(pg_url) as a, PostgresStore(pg_url) as b:
        d = await a.create_debate(_new(), {}, OPENING)
        await asyncio.gather(
            *(
                (a if i % 2 else b).record_exchange(
                    d.id,
                    [TurnDraft("user", f"u{i}", "opening", 1, message_id=f"m{i}"), TurnDraft("bot", "r", "opening", 1)],
                    {},
                    "active",
                )
                for i in range(20)
            )
        )
        assert [t.number for t in await a.turns(d.id)] == list(range(1, 42))
        assert await a.integrity_check() == "ok"


# ---------------------------------------------------------------------- choosing the backend
def test_open_store_picks_the_backend(tmp_path, caplog):
    from bot.storage.postgres import PostgresStore

    base = Settings.load(env={"COUNTERPOINT_DB": str(tmp_path / "x.sqlite3")})
    assert base.database_url is None
    assert isinstance(open_store(base), SQLiteStore)
    for url in ("postgresql://u:p@db:5432/counterpoint", "postgres://u@db/counterpoint"):
        settings = Settings.load(env={"COUNTERPOINT_DB": str(tmp_path / "x.sqlite3"), "DATABASE_URL": url})
        chosen = open_store(settings)
        assert isinstance(chosen, PostgresStore) and chosen.dsn == url
        assert "p@" not in repr(settings) and "p@" not in repr(chosen)
    odd = Settings.load(env={"COUNTERPOINT_DB": str(tmp_path / "x.sqlite3"), "DATABASE_URL": "mysql://x"})
    with caplog.at_level("WARNING"):
        assert isinstance(open_store(odd), SQLiteStore)
    assert "not a postgresql://" in caplog.text


# ---------------------------------------------------------------------- the service on top of the store
async def test_service_commits_every_turn_before_returning(service, store):
    out = await service.start("school-uniforms", "con", seed=5, user_id="u1", user_name="Ann")
    did = out.debate.id
    reply = await service.say(did, "uniforms are expensive, families cant afford the blazer", message_id="d-1")
    # a second connection sees the committed exchange immediately
    rows = await committed_rows(store, did)
    assert [r[0] for r in rows] == ["bot", "user", "bot"]
    assert rows[2][1] == reply.reply.text
    assert reply.debate == await store.get_debate(did)  # what the service returns is what the store holds
    with pytest.raises(DuplicateMessage):
        await service.say(did, "uniforms are expensive", message_id="d-1")
    assert await service.say(did, "   \n") is None
    assert len(await store.turns(did)) == 3


async def test_service_full_debate_and_scorecard(service, store):
    out = await service.start("school-uniforms", "random", seed=9)
    did = out.debate.id
    assert out.debate.user_side in ("pro", "con")
    last = None
    for text in [
        "uniforms are expensive, families cant afford the blazer",
        "how many rounds left?",
        "uniforms limit self expression and individuality",
        "rich and poor wear the same clothes",
        "school is for learning and focus",
        "in closing: cost and identity matter most",
    ]:
        last = await service.say(did, text)
        if not last.debate.active:
            break
    assert last.scorecard is not None and not last.debate.active
    assert last.debate.status == "completed"
    assert last.debate == await store.get_debate(did)
    with pytest.raises(DebateFinished):
        await service.say(did, "more")
    card = await service.scorecard(did)
    assert card.outcome == "completed"
    assert json.loads(json.dumps((await store.get_debate(did)).state)) == (await store.get_debate(did)).state


async def test_service_concede_is_logged(service, store):
    out = await service.start("school-uniforms", "con", seed=2)
    res = await service.command(out.debate.id, "concede")
    assert res.debate.status == "conceded" and res.scorecard is not None
    turns = await store.turns(out.debate.id)
    assert turns[-2].text == "/concede" and turns[-2].kind == "command"
    status = await service.command(out.debate.id, "status")
    assert "finished" in status.reply.text


async def test_service_rejects_bad_options(service):
    from bot.domain.errors import UnknownSide, UnknownTopic

    with pytest.raises(UnknownTopic):
        await service.start("nope", "con")
    with pytest.raises(UnknownSide):
        await service.start("school-uniforms", "maybe")
    with pytest.raises(ValueError):
        await service.start("school-uniforms", "con", rounds=10_000)


async def test_service_classes(service, store):
    klass = await service.create_class(
        guild_id="g1", channel_id="c1", name="  Period 3  ", topic_id="school-uniforms", teacher_id="t1", team=True
    )
    assert klass.name == "Period 3" and klass.team and len(klass.join_code) == 6
    assert await store.class_by_code(klass.join_code.lower()) == klass


async def test_a_taken_join_code_is_join_code_taken_on_both_stores(store):
    """Both stores raise the domain's JoinCodeTaken, which the service retries on (no message matching)."""
    from bot.domain.errors import JoinCodeTaken

    await store.create_class(_class(join_code="SAME22"))
    with pytest.raises(JoinCodeTaken) as err:
        await store.create_class(_class(join_code="SAME22", name="Another"))
    assert err.value.join_code == "SAME22"
    assert len(await store.list_classes()) == 1


# ---------------------------------------------------------------------- uploaded topics
def _upload(guild="g1", topic="t", body="id: t\n", digest="h1", motion="M"):
    from bot.domain.records import TopicUpload

    return TopicUpload(guild, topic, digest, motion, 4, body, f"{topic}.yaml", "teacher-1")


async def test_uploaded_topics_are_versioned_scoped_and_kept_while_debates_use_them(store):
    v1 = await store.save_topic(_upload(body="one", digest="h1", motion="First"))
    assert (v1.version, v1.content_hash, v1.motion, v1.claims, v1.removed) == (1, "h1", "First", 4, False)
    assert (await store.save_topic(_upload(body="one", digest="h1"))).version == 1  # the same file: no new version
    v2 = await store.save_topic(_upload(body="two", digest="h2", motion="Second"))
    assert v2.version == 2
    await store.save_topic(_upload(guild="g2", topic="t", body="other", digest="h9"))
    assert [(v.topic_id, v.version, v.motion, v.body) for v in await store.guild_topics("g1")] == [
        ("t", 2, "Second", "")
    ]
    assert [v.content_hash for v in await store.guild_topics("g2")] == ["h9"]
    assert (await store.topic_version("g1", "t", 1)).body == "one"
    assert (await store.topic_version("g1", "t")).body == "two"
    assert (await store.topic_by_hash("h1")).version == 1
    assert await store.topic_version("g2", "nope") is None

    # a debate on version 1 keeps it through remove; version 2, used by none, is deleted
    await store.create_debate(
        NewDebate("t", "h1", "pro", "con", 1, 2, "discord", "u1", "Ann", "g1"), {}, TurnDraft("bot", "x", "opening", 1)
    )
    assert await store.remove_topic("g1", "t") == 2
    assert await store.guild_topics("g1") == []
    assert await store.remove_topic("g1", "t") == 0
    kept = await store.topic_by_hash("h1")
    assert kept is not None and kept.removed and kept.body == "one"
    assert await store.topic_by_hash("h2") is None
    assert [v.topic_id for v in await store.guild_topics("g2")] == ["t"]

    # uploaded again after remove: shown again, as the next version
    v3 = await store.save_topic(_upload(body="one", digest="h1"))
    assert v3.version == 2 and not v3.removed  # version 2 was deleted, so the number is free again
    assert [v.version for v in await store.guild_topics("g1")] == [2]


async def test_an_exchange_computed_from_an_old_record_is_refused_whole(store):
    from bot.domain.errors import StaleDebate

    d = await store.create_debate(_new(), {"n": 0}, OPENING)
    ts = await store.record_exchange(
        d.id, [TurnDraft("user", "a", "opening", 1)], {"n": 1}, "active", expect=d.updated_at
    )
    with pytest.raises(StaleDebate):
        await store.record_exchange(
            d.id, [TurnDraft("user", "b", "opening", 1, message_id="late")], {"n": 9}, "active", expect=d.updated_at
        )
    assert (await store.get_debate(d.id)).state == {"n": 1} and len(await store.turns(d.id)) == 2
    assert not await store.has_message("late")
    await store.record_exchange(d.id, [TurnDraft("user", "c", "opening", 1)], {"n": 2}, "active", expect=ts)
    assert (await store.get_debate(d.id)).state == {"n": 2}
